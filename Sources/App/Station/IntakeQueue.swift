import Fluent
import SQLKit
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import NIOCore
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
/// never sinks the others. A batch that fails because the database is away is answered
/// as a whole, every request with that error (503 to its client).
actor IntakeQueue {
    struct Entry: Sendable {
        let request: ServiceRequest
        let event: LedgerStore.NewEvent
        /// The request's columns, collected from the model by the request's own task: done
        /// by Fluent inside the transaction, this reflection took 0.5 ms a row on the one
        /// writer (7–11 ms of a 16-request batch's 20 ms).
        fileprivate let row: [FieldKey: DatabaseQuery.Value]

        init(request: ServiceRequest, event: LedgerStore.NewEvent) {
            self.request = request
            self.event = event
            let collector = RowCollector()
            request.input(to: collector)
            // The rollups of its one event (`LedgerStore.append`), so no update follows.
            collector.values["history_count"] = .bind(1)
            collector.values["history_first"] = .bind(event.action.rawValue)
            collector.values["history_status"] = event.payload["status"].map { .bind($0) } ?? .null
            row = collector.values
        }
    }

    /// Collects a model's set fields (Fluent's `DatabaseInput`).
    private final class RowCollector: DatabaseInput {
        var values: [FieldKey: DatabaseQuery.Value] = [:]
        func set(_ value: DatabaseQuery.Value, at key: FieldKey) { values[key] = value }
    }

    /// The requests in one multi-row insert: every column any of them sets, NULL where one
    /// does not (as Fluent leaves an unset optional field).
    private static func insert(_ entries: [Entry], on db: any Database) async throws {
        try await inserting(entries, into: try Dialect.sql(db)).run()
        for entry in entries { entry.request.$id.exists = true }
    }

    /// That insert, built and not run.
    private static func inserting(_ entries: [Entry], into sql: any SQLDatabase) throws -> SQLInsertBuilder {
        let keys = Set(entries.flatMap(\.row.keys)).sorted { $0.description < $1.description }
        var insert = sql.insert(into: ServiceRequest.schema).columns(keys.map { SQLIdentifier($0.description) })
        for entry in entries {
            insert = insert.values(try keys.map { key -> any SQLExpression in
                switch entry.row[key] {
                case let .bind(value)?: return SQLBind(value)
                case let .enumCase(value)?: return SQLBind(value)
                case .null?, nil: return SQLLiteral.null
                default: throw AppError.unavailable
                }
            })
        }
        return insert
    }

    /// The batch as one statement, its own transaction (PostgreSQL, every station's chain end
    /// known): the requests and their events inserted in common table expressions, the
    /// villages' kept summaries dropped by the statement itself. One round trip instead of
    /// six (begin, locks, requests, events, summaries, commit): each round trip waited for
    /// PostgreSQL's process and then the writer's thread to be scheduled on cores the
    /// requests kept busy. The stations' locks are not taken: a remembered end that another
    /// server has moved on collides on the unique (unit_id, seq) index as before, and the
    /// transaction that follows reads the ends under the locks. Returns the touched chains'
    /// new ends.
    private static func writeAtOnce(_ entries: [Entry], ends known: [UUID: LedgerStore.ChainEnd], on sql: any SQLDatabase) async throws -> [UUID: LedgerStore.ChainEnd] {
        var ends = known
        let events = try LedgerStore.sealed(entries.map(\.event), after: &ends, into: sql)
        let requests = try inserting(entries, into: sql)
        let villages = Array(Set(entries.compactMap(\.event.station.id)))
        try await sql.raw("WITH requests AS (\(requests.insert)), events AS (\(events.insert)) \(Snapshots.invalidation(villages: villages))").run()
        for entry in entries { entry.request.$id.exists = true }
        return ends   // `known` held this batch's stations only
    }

    private struct Waiting {
        var entry: Entry
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// The most requests in one transaction: bounded by SQLite's bound-parameter limit
    /// (about 35 a request) and by how long the first in a batch waits.
    static let maxBatch = 100

    private let database: @Sendable () async throws -> any Database
    /// Where the writes run (the writer's own thread), or the global executor when nil.
    private let executor: (any TaskExecutor)?
    private var waiting: [Waiting] = []
    /// The chain ends this queue knows, by station: all of them read once before its first
    /// write (a station's first intake then needs no read), then the ones it wrote.
    private var ends: [UUID: LedgerStore.ChainEnd] = [:]
    private var primed = false
    /// Stations beyond this many are not read ahead (memory: about 150 bytes each).
    static let primeLimit = 20_000
    private var draining = false
    /// Requests written and transactions used: for tests and the benchmark's report.
    private(set) var written = 0
    private(set) var transactions = 0
    /// Batches written as one statement (`writeAtOnce`).
    private(set) var atOnce = 0
    /// The most requests taken for one transaction, written or not.
    private(set) var largestBatch = 0
    /// Time spent writing: near the elapsed time, the writer is what limits intake.
    private(set) var busy = Duration.zero

    /// One line for the log at shutdown.
    var summary: String {
        "intake queue: \(written) requests in \(transactions) transactions, writing for \(busy.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))"
    }

    /// Told of each committed transaction: its requests and how long it took (`/metrics`).
    private let observe: (@Sendable (Int, Duration) -> Void)?

    init(executor: (any TaskExecutor)? = nil, observe: (@Sendable (Int, Duration) -> Void)? = nil,
         database: @escaping @Sendable () async throws -> any Database) {
        self.executor = executor
        self.observe = observe
        self.database = database
    }

    /// Requests waiting for the next transaction.
    var depth: Int { waiting.count }

    /// Stores `entry`'s request and its first ledger event; returns once committed.
    func submit(_ entry: Entry) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(entry: entry, continuation: continuation))
            if !draining {
                draining = true
                // On the writer's thread, this actor's steps too: started on the shared pool,
                // each batch's start and end waited there behind the pages' work.
                Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maxBatch))
            waiting.removeFirst(batch.count)
            largestBatch = max(largestBatch, batch.count)
            let entries = batch.map(\.entry)
            let db: any Database
            do {
                db = try await database()
            } catch {
                batch.forEach { $0.continuation.resume(throwing: error) }
                continue
            }
            let start = ContinuousClock.now
            defer { busy += ContinuousClock.now - start }
            do {
                try await write(entries, on: db)
                transactions += 1
                written += batch.count
                observe?(batch.count, ContinuousClock.now - start)
                batch.forEach { $0.continuation.resume() }
            } catch where batch.count > 1 && !DatabaseOutage.matches(error) {
                // One bad request must not fail the others: each is tried alone. (Not when the
                // database is away: each would wait for it in turn.)
                for one in batch {
                    do {
                        let started = ContinuousClock.now
                        try await write([one.entry], on: db)
                        transactions += 1
                        written += 1
                        observe?(1, ContinuousClock.now - started)
                        one.continuation.resume()
                    } catch {
                        one.continuation.resume(throwing: error)
                    }
                }
            } catch {
                // Every request of the batch gets the answer (with the database away, 503):
                // answering only the first left the others waiting for ever, and with them
                // the clients that sent them.
                batch.forEach { $0.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }

    /// Reads every station's chain end ahead (`serve` does it at start; otherwise the first
    /// write does). Committed ends only: one that is stale by the time it is used collides,
    /// as any remembered end.
    func prime() async {
        guard !primed else { return }
        primed = true
        guard let db = try? await database() else { return }
        let read = (try? await withTaskExecutorPreference(executor) {
            try await LedgerStore.chainEnds(of: nil, limit: Self.primeLimit, on: try Dialect.sql(db))
        }) ?? [:]
        ends.merge(read) { mine, _ in mine }
    }

    /// One transaction for `entries`, its every step on `executor`: on the shared executor
    /// each statement's continuation queued behind the busy loops' other work. The chain
    /// ends this queue wrote last are not read again (one statement fewer a batch); if
    /// another writer appended since, the insert collides and the retry reads them.
    private func write(_ entries: [Entry], on db: any Database) async throws {
        if !primed { await prime() }
        var batchEnds: [UUID: LedgerStore.ChainEnd] = [:]
        for entry in entries { if let id = entry.event.station.id, let end = ends[id] { batchEnds[id] = end } }
        if let sql = db as? any SQLDatabase, !Dialect.isSQLite(sql), entries.allSatisfy({ $0.event.station.id.map { batchEnds[$0] != nil } ?? false }) {
            do {
                let newEnds = try await withTaskExecutorPreference(executor) { try await Self.writeAtOnce(entries, ends: batchEnds, on: sql) }
                ends.merge(newEnds) { $1 }
                atOnce += 1
                return
            } catch {
                // The statement wrote nothing. Its stations' ends may be stale (another server
                // appended): read afresh below, under the locks. A request that cannot be
                // stored fails there too, and the queue then tries each request alone.
                for entry in entries { if let id = entry.event.station.id { ends[id] = nil; batchEnds[id] = nil } }
                if DatabaseOutage.matches(error) { throw error }
            }
        }
        let known = Remembered(batchEnds)
        do {
            let newEnds: [UUID: LedgerStore.ChainEnd] = try await withTaskExecutorPreference(executor) {
                try await LedgerStore.retrying(db) { db in
                    try await Self.insert(entries, on: db)
                    return try await LedgerStore.append(entries.map(\.event), on: db, known: known.take(), rollups: false)
                }
            }
            ends.merge(newEnds) { $1 }
        } catch {
            // After a failed write the batch's stations' ends may be stale: read them afresh.
            // (Other stations' ends are untouched: the failed transaction wrote nothing.)
            for entry in entries { if let id = entry.event.station.id { ends[id] = nil } }
            throw error
        }
    }

    /// Chain ends for the first attempt only: a retry reads them afresh.
    private final class Remembered: Sendable {
        private let box: NIOLockedValueBox<[UUID: LedgerStore.ChainEnd]>
        init(_ ends: [UUID: LedgerStore.ChainEnd]) { box = NIOLockedValueBox(ends) }
        func take() -> [UUID: LedgerStore.ChainEnd] {
            box.withLockedValue { ends in
                let taken = ends
                ends = [:]
                return taken
            }
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
    /// The writer's thread as a place for tasks to run.
    let executor: any TaskExecutor
    private let threadPool = NIOThreadPool(numberOfThreads: 1)
    private let databases: Databases
    private let logger: Logger
    private let prepared = NIOLockedValueBox(false)
    private let checkpoints = NIOLockedValueBox<RepeatedTask?>(nil)
    /// The checkpoints' own connection and thread: run on the shared pool, a checkpoint held
    /// one of its two connections for tens of milliseconds, and every request on that event
    /// loop waited behind it (intake's p99 went from 46 to 80 ms).
    private let checkpointPool = NIOThreadPool(numberOfThreads: 1)
    private let checkpointDatabases: Databases
    static let checkpointInterval = TimeAmount.seconds(1)

    init(path: String, logger: Logger) {
        executor = LoopExecutor(loop: group.next())
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: group)
        databases.use(.sqlite(.file(path)), as: .sqlite)
        databases.default(to: .sqlite)
        checkpointPool.start()
        checkpointDatabases = Databases(threadPool: checkpointPool, on: group)
        checkpointDatabases.use(.sqlite(.file(path)), as: .sqlite)
        checkpointDatabases.default(to: .sqlite)
        self.logger = logger
    }

    /// The writer's connection, set up at first use like the pool's (busy timeout, cache).
    func database() async throws -> any Database {
        guard let db = databases.database(logger: logger, on: group.next()) else { throw AppError.unavailable }
        if !prepared.withLockedValue({ $0 }) {
            let sql = try Dialect.sql(db)
            try await sql.raw("PRAGMA busy_timeout=5000").run()
            try await sql.raw("PRAGMA cache_size=-16384").run()
            // The writer does not stop to copy the log into the database every 1,000 pages
            // (SQLite's default): `checkpoint()` does it beside it, once a second.
            try await sql.raw("PRAGMA wal_autocheckpoint=0").run()
            prepared.withLockedValue { $0 = true }
        }
        return db
    }

    func didBootAsync(_ application: Application) async throws {
        // Commands boot the application too; only a server needs these.
        guard application.environment.serving else { return }
        Task { await application.intakeQueue.prime() }
        // Checkpoints on their own connection, concurrently with the writer (PASSIVE waits
        // for no one). More often costs more (a page changed by many batches is copied each
        // time: every 250 ms, p99 270 ms); less often stalls longer (every 5 s, p99 150 ms).
        checkpoints.withLockedValue {
            let loop = group.next()
            let databases = checkpointDatabases, logger = logger
            $0 = loop.scheduleRepeatedAsyncTask(initialDelay: Self.checkpointInterval, delay: Self.checkpointInterval) { _ in
                loop.makeFutureWithTask {
                    try? await (databases.database(logger: logger, on: loop) as? any SQLDatabase)?.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        checkpoints.withLockedValue { $0?.cancel() }
        // Only where intake happened: commands print their own output and nothing else.
        if await application.intakeQueue.transactions > 0 {
            let summary = await application.intakeQueue.summary
            application.logger.info("\(summary)")
        }
        await databases.shutdownAsync()
        await checkpointDatabases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        try? await checkpointPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}

/// Runs tasks' jobs on one event loop (SE-0417 task executor preference).
final class LoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
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
