import FluentPostgresDriver
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// A connection of its own for group-committed intake (`IntakeQueue`) on PostgreSQL, on a
/// thread of its own, as `SQLiteWriter` is for SQLite. On the shared pool a batch's six
/// statements (begin, locks, the requests, their events, the summaries' marks, commit)
/// each waited for a busy event loop to read the answer: at Beijing scale a batch took
/// 13 ms of which PostgreSQL worked 3, and the queue, one batch at a time, was busy 97 %
/// of the time. Each listed host has a pool of one connection here; the one used is the
/// host `PrimaryLocator` holds to be the primary now, so after a failover the writer
/// follows without a restart.
final class PostgresWriter: LifecycleHandler, Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// The writer's thread as a place for tasks to run.
    let executor: any TaskExecutor
    private let threadPool = NIOThreadPool(numberOfThreads: 1)
    private let databases: Databases
    private let ids: [DatabaseID]
    private let locator: @Sendable () -> Int
    private let logger: Logger

    /// `url` is `DATABASE_URL` (one or more hosts); `current` gives the primary's index
    /// among them.
    init(url: String, logger: Logger, current: @escaping @Sendable () -> Int) throws {
        executor = LoopExecutor(loop: group.next())
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: group)
        let hosts = try PostgresHosts.configurations(url, variable: "DATABASE_URL")
        var ids: [DatabaseID] = []
        for (index, host) in hosts.enumerated() {
            let id = DatabaseID(string: "intake-writer-\(index)")
            databases.use(.postgres(configuration: host.configuration, maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(5)), as: id)
            ids.append(id)
        }
        self.ids = ids
        self.locator = current
        self.logger = logger
    }

    /// The writer's connection to the primary.
    func database() async throws -> any Database {
        let index = locator()
        guard ids.indices.contains(index), let db = databases.database(ids[index], logger: logger, on: group.next()) else {
            throw AppError.unavailable
        }
        return db
    }

    func didBootAsync(_ application: Application) async throws {
        // Only a server takes intake: it reads the stations' chain ends ahead, as on SQLite.
        guard application.environment.serving else { return }
        Task { await application.intakeQueue.prime() }
    }

    func shutdownAsync(_ application: Application) async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }
}
