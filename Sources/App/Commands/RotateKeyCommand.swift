import Fluent
import Vapor

/// `cunwu rotate-key`: seals every stored identity-card and phone number under the current
/// key (`CUNWU_DATA_KEY_FILE`), opening each with whichever key of the ring sealed it
/// (earlier keys in `CUNWU_DATA_KEY_PREVIOUS_FILE`), and rewrites the search hashes. Safe
/// beside a running server that has the same keyring; safe to stop and run again.
///
/// A rotation, step by step (docs/security.md):
/// 1. `cunwu rotate-key --make-key /etc/cunwu/data.key.new` writes a new key;
/// 2. point `CUNWU_DATA_KEY_FILE` at the new key and `CUNWU_DATA_KEY_PREVIOUS_FILE` at the
///    old one, and restart the servers (they now seal with the new key, open both);
/// 3. `cunwu rotate-key` reseals what the old key sealed;
/// 4. remove the old key from `CUNWU_DATA_KEY_PREVIOUS_FILE` and restart.
struct RotateKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "make-key", help: "Write a new random key to this file (readable by its owner only) and stop")
        var makeKey: String?
    }

    var help: String { "Re-encrypts personal data under the current key (轮换个人信息密钥)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let path = signature.makeKey {
            guard DataKey.writeNew(to: path) else { throw CommandFailure.usage("无法写入“\(path)”：文件已存在（不会覆盖已有的密钥）或不可写。") }
            print("新密钥已写入 \(path)。下一步：把 CUNWU_DATA_KEY_FILE 指向它、CUNWU_DATA_KEY_PREVIOUS_FILE 指向旧密钥，重启服务后运行 cunwu rotate-key。")
            return
        }
        let app = context.application
        guard let keyring = app.config.keyring else { throw CommandFailure.usage(PersonalDataError.noKey.description) }
        try await prepareDatabase(app)
        let report: PersonalDataStore.Report
        do {
            report = try await PersonalDataStore.reseal(on: app.db, keyring: keyring)
        } catch let error as PersonalDataError {
            throw CommandFailure.usage(error.description)
        }
        for (column, count) in report.resealed.sorted(by: { $0.key < $1.key }) { print("  \(column)：\(count)") }
        let left = try await PersonalDataStore.notCurrent(on: app.db, keyring: keyring)
        guard left.isEmpty else {
            throw CommandFailure.checkFailed("仍有\(left.values.reduce(0, +))个值未用当前密钥加密（可能在运行时被改动）：请再运行一次 cunwu rotate-key。")
        }
        print("已用密钥 \(keyring.current.id) 重新加密\(report.total)个值；数据库中的个人信息全部由该密钥加密，可以从 CUNWU_DATA_KEY_PREVIOUS_FILE 中删去旧密钥。")
    }
}
