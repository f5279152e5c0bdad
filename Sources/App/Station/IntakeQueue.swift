import Fluent
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// Group commit for new service requests. An intake that arrives while another write is
/// being committed waits, and the waiting intakes are then written together in one
/// transaction: their rows in one insert, their ledger events in one insert
/// (`LedgerStore.append(_:on:)`), one commit and one fsync. Nobody is answered before the
/// transaction that holds their request has committed, so an acknowledged request is a
/// durable one. With no load a batch is one request and nothing waits.
///
/// A batch that fails (say, one request's external ticket already stored) is written
/// again one request at a time, so each request gets its own answer and one bad request
/// never sinks the others.
actor IntakeQueue {
    struct Entry: Sendable {
        var request: ServiceRequest
        var event: LedgerStore.NewEvent
    }

    private struct Waiting {
        var entry: Entry
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// The most requests in one transaction: bounded by SQLite's bound-parameter limit
    /// (about 35 a request) and by how long the first in a batch waits.
    static let maxBatch = 100

    private let database: @Sendable () async throws -> any Database
    private var waiting: [Waiting] = []
    private var draining = false
    /// Requests written and transactions used: for tests and the benchmark's report.
    private(set) var written = 0
    private(set) var transactions = 0

    init(database: @escaping @Sendable () async throws -> any Database) {
        self.database = database
    }

    /// Stores `entry`'s request and its first ledger event; returns once committed.
    func submit(_ entry: Entry) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(entry: entry, continuation: continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maxBatch))
            waiting.removeFirst(batch.count)
            let entries = batch.map(\.entry)
            let db: any Database
            do {
                db = try await database()
            } catch {
                batch.forEach { $0.continuation.resume(throwing: error) }
                continue
            }
            do {
                try await Self.write(entries, on: db)
                transactions += 1
                written += batch.count
                batch.forEach { $0.continuation.resume() }
            } catch where batch.count > 1 {
                for one in batch {
                    do {
                        try await Self.write([one.entry], on: db)
                        transactions += 1
                        written += 1
                        one.continuation.resume()
                    } catch {
                        one.continuation.resume(throwing: error)
                    }
                }
            } catch {
                batch[0].continuation.resume(throwing: error)
            }
        }
        draining = false
    }

    private static func write(_ entries: [Entry], on db: any Database) async throws {
        try await LedgerStore.retrying(db) { db in
            // A rolled-back attempt leaves the models marked as saved; insert them afresh.
            for entry in entries { entry.request.$id.exists = false }
            try await entries.map(\.request).create(on: db)
            try await LedgerStore.append(entries.map(\.event), on: db)
        }
    }
}

/// A connection of its own for group-committed writes to an SQLite file, on a thread of
/// its own. On the shared pool a transaction's every statement waited its turn behind the
/// busy event loop's other work: a batch of 8 intakes took 16 ms to commit, and intake
/// stalled near 600 a second. The write gate (`WriteGate`) still orders it with every
/// other writer, so SQLite never sees two writers at once.
final class SQLiteWriter: LifecycleHandler, Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let threadPool = NIOThreadPool(numberOfThreads: 1)
    private let databases: Databases
    private let logger: Logger
    private let prepared = NIOLockedValueBox(false)

    init(path: String, logger: Logger) {
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: group)
        databases.use(.sqlite(.file(path)), as: .sqlite)
        databases.default(to: .sqlite)
        self.logger = logger
    }

    /// The writer's connection, set up at first use like the pool's (busy timeout, cache).
    func database() async throws -> any Database {
        guard let db = databases.database(logger: logger, on: group.next()) else { throw AppError.unavailable }
        if !prepared.withLockedValue({ $0 }) {
            let sql = try RecordStore.sql(db)
            try await sql.raw("PRAGMA busy_timeout=5000").run()
            try await sql.raw("PRAGMA cache_size=-16384").run()
            prepared.withLockedValue { $0 = true }
        }
        return db
    }

    func shutdownAsync(_ application: Application) async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}

extension Application {
    private struct IntakeQueueKey: StorageKey { typealias Value = IntakeQueue }

    /// The application's group-commit queue for new service requests (made at configure).
    var intakeQueue: IntakeQueue {
        get {
            guard let queue = storage[IntakeQueueKey.self] else { fatalError("configure(_:) makes the intake queue") }
            return queue
        }
        set { storage[IntakeQueueKey.self] = newValue }
    }
}
