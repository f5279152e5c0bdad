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
        @Option(name: "make-key", help: T(.helpRotateKeyMakeKey))
        var makeKey: String?
    }

    var help: String { T(.helpRotateKey) }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let path = signature.makeKey {
            guard DataKey.writeNew(to: path) else { throw CommandFailure.usage(T(.cliKeyNotWritten, path)) }
            print(T(.cliKeyWritten, path))
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
        for (column, count) in report.resealed.sorted(by: { $0.key < $1.key }) { print("  " + column + T(.sepColon) + String(count)) }
        let left = try await PersonalDataStore.notCurrent(on: app.db, keyring: keyring)
        guard left.isEmpty else {
            throw CommandFailure.checkFailed(T(.cliKeyLeft, String(left.values.reduce(0, +))))
        }
        print(T(.cliKeyRotated, keyring.current.id, String(report.total)))
    }
}
