import Foundation
import SQLiteNIO
import SQLKit
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// `cunwu backup FILE`: a consistent copy of the database while servers keep running.
/// SQLite: `VACUUM INTO` (SQLite's online copy: one read transaction, so the copy is the
/// database as of one moment, whatever intake writes meanwhile), then an integrity check of
/// the copy. PostgreSQL: `pg_dump --format=custom` (one snapshot transaction).
///
/// Personal data stays sealed in the copy: keep the key file apart from the backups, and
/// keep it, for a backup cannot be read without the key it was sealed with.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: T(.helpBackupFile))
        var file: String
    }

    var help: String { T(.helpBackup) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let file = signature.file
        guard !FileManager.default.fileExists(atPath: file) else { throw CommandFailure.usage(T(.cliBackupExists, file)) }
        let started = Date()
        // The ledger's end is anchored first, and the anchor log as it then was goes with the
        // backup: every line in it was written before the copy began, so a restored database
        // reaches every head it names.
        var anchors: Data?
        switch app.config.storage {
        case let .sqliteFile(path):
            // No migrations here: a backup reads the database as the running server left it.
            guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure.usage(T(.cliNoDatabase, path)) }
            anchors = try await anchorBeforeCopy(app)
            let sql = try Dialect.sql(app.db)
            try await sql.raw("VACUUM INTO \(bind: file)").run()
            do { try await DatabaseFile.check(file) } catch {
                try? FileManager.default.removeItem(atPath: file)
                throw error
            }
        case .sqliteMemory:
            throw CommandFailure.usage(T(.cliMemoryNoBackup))
        case let .postgres(url):
            anchors = try await anchorBeforeCopy(app)
            try PostgresTools.run("pg_dump", ["--format=custom", "--no-owner", "--file=\(file)", url])
        }
        // Readable by its owner only, like the database (personal data is sealed, names are not).
        _ = chmod(file, 0o600)
        if let anchors {
            guard FileManager.default.createFile(atPath: file + ".anchors", contents: anchors, attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure.usage(T(.cliCannotWrite, file + ".anchors"))
            }
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int) ?? 0
        print(T(.cliBackupDone, file, String(size / 1024), String(format: "%.1f", Date().timeIntervalSince(started)))
              + (anchors == nil ? "" : T(.cliBackupAnchors, file + ".anchors")))
    }

    /// Anchors the chains' heads now and returns the anchor log as it then is: every line
    /// in it was written before the copy begins, so the copy reaches every head it names
    /// (lines appended later may name heads the copy does not hold). Nil when anchoring is off.
    private func anchorBeforeCopy(_ app: Application) async throws -> Data? {
        guard let path = app.config.ledgerAnchorPath, let keyring = app.config.keyring else { return nil }
        let round = try await LedgerAnchors.write(path: path, keyring: keyring, at: app.clock.now, on: app.db)
        if !round.refused.isEmpty {
            print(T(.cliAnchorsRefused, String(round.refused.count), round.refused.joined(separator: T(.sepList))))
        }
        return try AnchorFile(path: path).contents()
    }
}

/// `cunwu restore FILE [--force]`: puts a backup in place of the database. The servers
/// must be stopped: a SQLite server holds a lock that `restore` checks; for PostgreSQL
/// stop them yourself (`pg_restore` replaces every table under them).
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: T(.helpRestoreFile))
        var file: String
        @Flag(name: "force", help: T(.helpRestoreForce))
        var force: Bool
    }

    var help: String { T(.helpRestore) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let file = signature.file
        guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure.usage(T(.cliNoBackupFile, file)) }
        switch app.config.storage {
        case let .sqliteFile(path):
            try await DatabaseFile.check(file)
            let lock = try ServingLock(database: path)
            guard lock.tryExclusive() else { throw CommandFailure.usage(T(.cliDatabaseInUse, path)) }
            defer { lock.release() }
            if FileManager.default.fileExists(atPath: path), !signature.force {
                throw CommandFailure.usage(T(.cliDatabaseExists, path))
            }
            // The copy goes in beside the database and then takes its name in one step; a
            // write-ahead log left by the replaced database must not be replayed into it.
            let staging = path + ".restoring"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: file, toPath: staging)
            for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard rename(staging, path) == 0 else { throw CommandFailure.usage(T(.cliCannotReplace, path, String(cString: strerror(errno)))) }
        case .sqliteMemory:
            throw CommandFailure.usage(T(.cliMemoryNoRestore))
        case let .postgres(url):
            var arguments = ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname=\(url)", file]
            if signature.force { arguments.insert(contentsOf: ["--clean", "--if-exists"], at: 0) }
            try PostgresTools.run("pg_restore", arguments)
        }
        // The live anchor log names heads written after the backup, which the restored chains
        // no longer reach: it is kept aside (never deleted), and the backup's own log, if it has
        // one, takes its place. A backup made before anchoring starts a new log.
        var anchorNote = ""
        if let live = app.config.ledgerAnchorPath {
            if FileManager.default.fileExists(atPath: live) {
                let aside = live + ".before-restore-" + String(Int(Date().timeIntervalSince1970))
                guard rename(live, aside) == 0 else { throw CommandFailure.usage(T(.cliCannotMoveAside, live, String(cString: strerror(errno)))) }
                anchorNote = T(.cliAnchorsMovedAside, aside)
            }
            if FileManager.default.fileExists(atPath: file + ".anchors") {
                try FileManager.default.copyItem(atPath: file + ".anchors", toPath: live)
                _ = chmod(live, 0o600)
                anchorNote = T(.cliAnchorsRestored, file + ".anchors") + anchorNote
            } else {
                anchorNote = T(.cliNoAnchorsInBackup) + anchorNote
            }
        }
        print(T(.cliRestored, file, anchorNote))
    }
}

/// Checks a SQLite file on its own connection: a readable database whose integrity check
/// passes and which holds Cunwu's migrations.
enum DatabaseFile {
    static func check(_ path: String) async throws {
        let connection: SQLiteConnection
        do { connection = try await SQLiteConnection.open(storage: .file(path: path)) } catch {
            throw CommandFailure.usage(T(.cliNotReadable, path, String(describing: error)))
        }
        do {
            let integrity = try await connection.query("PRAGMA integrity_check", []).first?.column("integrity_check")?.string
            guard integrity == "ok" else { throw CommandFailure.usage(T(.cliIntegrityFailed, path, integrity ?? T(.cliNoResult))) }
            let migrations = try await connection.query("SELECT COUNT(*) AS n FROM _fluent_migrations", []).first?.column("n")?.integer ?? 0
            guard migrations > 0 else { throw CommandFailure.usage(T(.cliNotCunwu, path)) }
        } catch let failure as CommandFailure {
            try? await connection.close()
            throw failure
        } catch {
            try? await connection.close()
            throw CommandFailure.usage(T(.cliNotCunwuBecause, path, String(describing: error)))
        }
        try await connection.close()
    }
}

/// An advisory lock beside a SQLite database: every `serve` holds it shared for its
/// lifetime, `restore` needs it exclusively, so a restore cannot pull the file from under
/// a running server. The kernel drops it when the process ends, however it ends.
final class ServingLock: Sendable {
    private let descriptor: Int32

    init(database path: String) throws {
        descriptor = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure.usage(T(.cliCannotLock, path + ".lock", String(cString: strerror(errno)))) }
    }

    func tryShared() -> Bool { flock(descriptor, LOCK_SH | LOCK_NB) == 0 }
    func tryExclusive() -> Bool { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// PostgreSQL's own tools, found on PATH (Debian: postgresql-client).
enum PostgresTools {
    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { throw CommandFailure.usage(T(.cliNoTool, tool)) }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure.usage(T(.cliToolFailed, tool, String(process.terminationStatus), message.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }
}
