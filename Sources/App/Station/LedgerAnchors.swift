import Crypto
import Fluent
import Foundation
import Ledger
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// The ledger's end, anchored outside the database (issue 18). Every minute while `serve`
/// runs (and at `backup` and shutdown), the heads of the chains that moved are signed with
/// a key derived from the data key and appended to a log file beside the database
/// (`CUNWU_LEDGER_ANCHOR_FILE`), and sent to a witness when one is set
/// (`CUNWU_LEDGER_WITNESS_URL`). Verification then checks each chain against the log and
/// its checkpoint: a chain that lost its newest events, or was rewritten and hashed anew,
/// no longer reaches what was signed. What was appended after the last line can still be
/// removed unseen: the interval bounds it.
enum LedgerAnchors {
    /// What one anchoring did: the line written (nil when no chain moved), and the stations
    /// whose chain no longer goes on from their last anchored head, which are not signed.
    struct Round {
        var record: AnchorRecord?
        var refused: [String]
    }

    /// Appends one signed line with the heads that moved since the log's latest. A head is
    /// signed only when its chain still holds the event last anchored for it and goes on
    /// from it intact: a chain rewritten, cut back or hashed anew is never signed, so the log
    /// keeps the point it no longer reaches. (A station seen for the first time is signed as
    /// it is; full verifications and checkpoints watch what came before.) Several processes
    /// may share one file: it is locked while its end is read and the line appended.
    @discardableResult
    static func write(path: String, keyring: Keyring, at now: Date, on db: any Database) async throws -> Round {
        let ends = try await LedgerStore.chainEnds(of: nil, limit: Int.max, on: Dialect.sql(db))
        let file = AnchorFile(path: path)
        let known = FileManager.default.fileExists(atPath: path) ? try file.read(keyring: keyring).latest : [:]
        var heads: [ChainHead] = [], refused: [String] = []
        for (station, end) in ends {
            let key = station.uuidString
            if let anchor = known[key] {
                if anchor.sequence == end.seq && anchor.hash == end.hash { continue }
                let tail = try await LedgerStore.events(of: station, from: anchor.sequence, on: db)
                guard let first = tail.first, first.sequence == anchor.sequence, first.hash == anchor.hash,
                      LedgerChain.verify(Array(tail.dropFirst()), after: anchor.sequence, previousHash: anchor.hash).intact else {
                    refused.append(key)
                    continue
                }
            }
            heads.append(ChainHead(station: key, sequence: end.seq, hash: end.hash))
        }
        heads.sort { $0.station < $1.station }
        let record = try file.append(keyring: keyring, at: now) { latest in
            // Heads another server anchored meanwhile are left out.
            heads.filter { head in latest[head.station].map { $0.sequence != head.sequence || $0.hash != head.hash } ?? true }
        }
        return Round(record: record, refused: refused.sorted())
    }

    /// The log read back under the keyring's keys; an empty log when there is no file.
    static func read(path: String, keyring: Keyring) throws -> AnchorLog {
        guard FileManager.default.fileExists(atPath: path) else { return AnchorLog() }
        return try AnchorFile(path: path).read(keyring: keyring)
    }

    /// The log of the configured file, or nil when anchoring is off.
    static func configuredLog(_ app: Application) throws -> AnchorLog? {
        guard let path = app.config.ledgerAnchorPath, let keyring = app.config.keyring else { return nil }
        return try read(path: path, keyring: keyring)
    }

    /// Sends a line to the witness: a POST of the line as JSON. Failures are the caller's to log.
    static func witness(_ record: AnchorRecord, url: String, client: any Client) async throws {
        var headers = HTTPHeaders()
        headers.contentType = .json
        let response = try await client.post(URI(string: url), headers: headers) { $0.body = ByteBuffer(string: record.line) }
        guard (200..<300).contains(response.status.code) else { throw AnchorError.witnessRefused(response.status.code) }
    }
}

enum AnchorError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case witnessRefused(UInt)

    var description: String {
        switch self {
        case let .cannotOpen(path): return T(.anchorCannotOpen, path)
        case let .witnessRefused(status): return T(.anchorWitnessRefused, String(status))
        }
    }
}

extension Keyring {
    /// The anchor key of the key with this id, if the ring has it.
    func anchorKey(id: String) -> SymmetricKey? { all.first { $0.id == id }?.anchorKey }
}

/// The anchor log on disk: appended to, never rewritten; readable by its owner only.
/// What was read is kept per file, so each round reads only the lines added since
/// (a year of minutes is megabytes; reading it whole every minute would not do).
struct AnchorFile {
    let path: String

    private struct Folded { var path: String; var identity: Identity; var size: UInt64; var log: AnchorLog; var keys: [String] }

    /// The file's inode and last change: a file put in its place (a restore) or written over
    /// in place is read anew, not taken from what was kept.
    private struct Identity: Equatable { var inode: UInt64; var modified: Int }
    private static let cache = NIOLockedValueBox<Folded?>(nil)

    /// Opens the file with `flags` and holds `lock` (shared or exclusive) while `body` runs.
    private func locked<T>(_ flags: Int32, _ lock: Int32, _ body: (FileHandle) throws -> T) throws -> T {
        let fd = open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AnchorError.cannotOpen(path) }
        defer { close(fd) }
        guard flock(fd, lock) == 0 else { throw AnchorError.cannotOpen(path) }
        defer { flock(fd, LOCK_UN) }
        return try body(FileHandle(fileDescriptor: fd, closeOnDealloc: false))
    }

    func read(keyring: Keyring) throws -> AnchorLog {
        try locked(O_RDONLY, LOCK_SH) { try folded($0, keyring: keyring) }
    }

    /// The file's log: the kept fold while the file is as this process left it (same inode,
    /// change time and size), else the whole file read anew.
    private func folded(_ handle: FileHandle, keyring: Keyring) throws -> AnchorLog {
        let size = try handle.seekToEnd()
        let keys = keyring.all.map(\.id), identity = Self.identity(handle)
        var log = AnchorLog(), from: UInt64 = 0
        if let kept = Self.cache.withLockedValue({ $0 }), kept.path == path, kept.identity == identity, kept.keys == keys, kept.size == size {
            log = kept.log
            from = kept.size
        }
        try handle.seek(toOffset: from)
        let data = try handle.readToEnd() ?? Data()
        log.fold(lines: String(decoding: data, as: UTF8.self), key: keyring.anchorKey(id:))
        // Kept only at a line's end: a line cut off by a crash is read again whole.
        if data.isEmpty || data.last == UInt8(ascii: "\n") {
            Self.cache.withLockedValue { $0 = Folded(path: path, identity: identity, size: size, log: log, keys: keys) }
        }
        return log
    }

    private static func identity(_ handle: FileHandle) -> Identity {
        var info = stat()
        guard fstat(handle.fileDescriptor, &info) == 0 else { return Identity(inode: 0, modified: 0) }
        return Identity(inode: UInt64(info.st_ino), modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
    }

    /// The file's bytes as they are now (read under a shared lock: no half-written line).
    func contents() throws -> Data {
        try locked(O_RDONLY, LOCK_SH) { try $0.readToEnd() ?? Data() }
    }

    /// Under an exclusive lock on the file: reads it, asks `heads` for the heads to sign
    /// given the latest ones, and appends them as one line, flushed to disk.
    func append(keyring: Keyring, at now: Date, heads: ([String: AnchorLog.Anchor]) -> [ChainHead]) throws -> AnchorRecord? {
        try locked(O_RDWR | O_APPEND | O_CREAT, LOCK_EX) { handle in try append(handle, keyring: keyring, at: now, heads: heads) }
    }

    private func append(_ handle: FileHandle, keyring: Keyring, at now: Date, heads: ([String: AnchorLog.Anchor]) -> [ChainHead]) throws -> AnchorRecord? {
        var log = try folded(handle, keyring: keyring)
        let changed = heads(log.latest)
        guard !changed.isEmpty else { return nil }
        let record = AnchorRecord(at: Int64((now.timeIntervalSince1970 * 1000).rounded()), keyID: keyring.current.id, heads: changed,
                                  previousMAC: log.lastMAC).signed(with: keyring.current.anchorKey)
        // A file cut off in the middle of a line (a crash while writing) gets a line break first.
        let size = try handle.seekToEnd()
        var ending = Data([0])
        if size > 0 {
            try handle.seek(toOffset: size - 1)
            ending = try handle.read(upToCount: 1) ?? ending
        }
        let separator = size > 0 && ending.first != UInt8(ascii: "\n") ? "\n" : ""
        let text = Data((separator + record.line + "\n").utf8)
        try handle.write(contentsOf: text)
        try handle.synchronize()
        if separator.isEmpty {
            log.add(record, key: keyring.anchorKey(id:))
            let keys = keyring.all.map(\.id), identity = Self.identity(handle)
            Self.cache.withLockedValue { $0 = Folded(path: path, identity: identity, size: size + UInt64(text.count), log: log, keys: keys) }
        }
        return record
    }
}

/// Anchors the ledger's end every `ledgerAnchorMinutes` while `serve` runs, and once more
/// at shutdown; any server may do it (the file is locked while written).
final class AnchorKeeper: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    func didBootAsync(_ application: Application) async throws {
        guard application.environment.serving, application.config.ledgerAnchorPath != nil else { return }
        let interval = TimeAmount.minutes(Int64(application.config.ledgerAnchorMinutes))
        task.withLockedValue {
            let loop = application.eventLoopGroup.next()
            $0 = loop.scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: interval) { _ in
                loop.makeFutureWithTask { await Self.round(application) }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task -> Bool in
            defer { task?.cancel(); task = nil }
            return task != nil
        }
        if running { await Self.round(application) }
    }

    /// One anchoring: the line, then the witness. Logged, never thrown.
    static func round(_ application: Application) async {
        guard let path = application.config.ledgerAnchorPath, let keyring = application.config.keyring else { return }
        do {
            let round = try await LedgerAnchors.write(path: path, keyring: keyring, at: application.clock.now, on: application.db)
            if !round.refused.isEmpty {
                application.logger.error("ledger chains no longer go on from their anchored heads, not signed: \(round.refused.joined(separator: ", ")) — run cunwu verify-ledger")
            }
            guard let record = round.record else { return }
            application.logger.debug("ledger anchored: \(record.heads.count) chain heads")
            if let url = application.config.ledgerWitnessURL {
                do { try await LedgerAnchors.witness(record, url: url, client: application.client) } catch {
                    application.logger.warning("ledger anchor not taken by the witness \(url): \(String(describing: error))")
                }
            }
        } catch {
            application.logger.warning("ledger not anchored: \(String(describing: error))")
        }
    }
}
