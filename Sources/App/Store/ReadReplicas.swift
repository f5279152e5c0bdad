import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// PostgreSQL standbys that pages which only read may use (`DATABASE_READ_URL`, hosts listed
/// as in `DATABASE_URL`). Each has its own pool (`psql-read-0`, …). `check` asks each how far
/// behind the primary it is; one that is down, not a standby, or further behind than
/// `CUNWU_READ_MAX_LAG_SECONDS` is skipped, with a log line when that changes, until a later
/// check finds it fit again. `serve` checks every second (`ReplicaMonitor`).
final class ReadReplicas: Sendable {
    let ids: [DatabaseID]
    let hosts: [String]
    let maxLag: Double
    private let state: NIOLockedValueBox<[Fitness]>
    private let next = NIOLockedValueBox(0)

    enum Fitness: Sendable, Equatable {
        case fit(lag: Double)
        case skipped(String)
        var isFit: Bool { if case .fit = self { return true } else { return false } }
    }

    init(ids: [DatabaseID], hosts: [String], maxLag: Double) {
        self.ids = ids
        self.hosts = hosts
        self.maxLag = maxLag
        // Unchecked replicas are not used: the first check decides.
        state = NIOLockedValueBox(Array(repeating: .skipped("not checked yet"), count: ids.count))
    }

    /// How far behind: 0 while it has replayed all it received from a primary it streams
    /// from; else the age of the last transaction it replayed.
    static let lagQuery: SQLQueryString = """
        SELECT pg_is_in_recovery() AS standby,
               CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
                    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8, 1e9) END AS lag
        """

    func check(_ app: Application) async {
        for (index, id) in ids.enumerated() {
            let fitness: Fitness
            do {
                guard let db = app.databases.database(id, logger: app.logger, on: app.eventLoopGroup.any()) as? any SQLDatabase,
                      let row = try await db.raw(Self.lagQuery).first() else { continue }
                if try row.decode(column: "standby", as: Bool.self) == false {
                    fitness = .skipped("not a standby (promoted?)")
                } else {
                    let lag = try row.decode(column: "lag", as: Double.self)
                    fitness = lag <= maxLag ? .fit(lag: lag) : .skipped(String(format: "%.1f s behind the primary (more than %.0f s)", lag, maxLag))
                }
            } catch {
                fitness = .skipped("not answering: \(String(reflecting: error))")
            }
            record(index, fitness, app.logger)
        }
    }

    /// A read on replica `id` failed as if it were away: skip it until the next check says otherwise.
    func failed(_ id: DatabaseID, _ logger: Logger) {
        guard let index = ids.firstIndex(of: id) else { return }
        record(index, .skipped("a read failed on it"), logger)
    }

    func record(_ index: Int, _ fitness: Fitness, _ logger: Logger) {
        let before = state.withLockedValue { state -> Fitness in
            let old = state[index]
            state[index] = fitness
            return old
        }
        switch (before.isFit, fitness) {
        case (true, let .skipped(reason)): logger.warning("read replica \(hosts[index]) skipped: \(reason); its reads go to the primary")
        case (false, .fit): logger.notice("read replica \(hosts[index]) in use")
        default: break
        }
    }

    /// A fit replica (taking turns among them), or nil: read from the primary.
    func pick() -> DatabaseID? {
        let fit = state.withLockedValue { state in state.indices.filter { state[$0].isFit } }
        guard !fit.isEmpty else { return nil }
        let turn = next.withLockedValue { value -> Int in
            value = (value + 1) % ids.count
            return value
        }
        return ids[fit[turn % fit.count]]
    }

    /// Each replica's host and lag (nil when skipped), for `/metrics`.
    var lags: [(host: String, lag: Double?)] {
        let state = state.withLockedValue { $0 }
        return zip(hosts, state).map { host, fitness in
            if case let .fit(lag) = fitness { return (host, lag) }
            return (host, nil)
        }
    }

    static func register(_ app: Application, url: String, connectionsPerLoop: Int, maxLag: Double) throws {
        let (ids, hosts) = try PostgresHosts.registerPools(app, url: url, variable: "DATABASE_READ_URL", connectionsPerLoop: connectionsPerLoop,
                                                           defaultFirst: false) { DatabaseID(string: "psql-read-\($0)") }
        app.readReplicas = ReadReplicas(ids: ids, hosts: hosts, maxLag: maxLag)
    }
}

/// Checks the replicas every second while `serve` runs.
final class ReplicaMonitor: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    func didBootAsync(_ application: Application) async throws {
        guard application.environment.serving, let replicas = application.readReplicas else { return }
        await replicas.check(application)
        task.withLockedValue {
            let loop = application.eventLoopGroup.next()
            $0 = loop.scheduleRepeatedAsyncTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                loop.makeFutureWithTask { await replicas.check(application) }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}

extension Application {
    private struct ReadReplicasKey: StorageKey { typealias Value = ReadReplicas }
    /// Set when `DATABASE_READ_URL` names standbys.
    var readReplicas: ReadReplicas? {
        get { storage[ReadReplicasKey.self] }
        set { storage[ReadReplicasKey.self] = newValue }
    }
}
