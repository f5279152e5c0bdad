import Fluent
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import SQLKit
import Vapor

/// What the app counts for Prometheus (`GET /metrics`, text format 0.0.4): request latency by
/// route, the database pools and primary, the intake queue, background jobs, failed logins.
/// Labels are bounded: a route's pattern (`/units/:unitID/requests`), never its path; a
/// status by class (2xx…5xx).
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let loginFailures: Counter
    let databaseUnavailable: Counter
    let intakeBatchSize: ValueHistogram
    let intakeBatchSeconds: DurationHistogram
    let jobsFinished: [JobState: Counter]
    let readsFromReplica: Counter
    let readsFromPrimary: Counter
    private let requestsInFlight: Gauge
    private let intakeWaiting: Gauge
    private let jobsRunning: Gauge
    private let primarySwitches: Gauge
    private let poolConnections: Gauge
    private let primaryHost = NIOLockedValueBox<(String, Gauge)?>(nil)
    /// The connection states `cunwu_database_connections` has reported (PostgreSQL's few).
    private let connectionStates = NIOLockedValueBox<Set<String>>(["active", "idle", "idle in transaction"])

    static let latencyBuckets: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000].map { .milliseconds($0) }

    init() {
        loginFailures = registry.makeCounter(name: "cunwu_login_failures_total", help: "Sign-ins refused for a wrong password or a locked account")
        databaseUnavailable = registry.makeCounter(name: "cunwu_database_unavailable_total",
                                                   help: "Requests answered 503 because the database was down or no host was a primary")
        intakeBatchSize = registry.makeValueHistogram(name: "cunwu_intake_batch_size", buckets: [1, 2, 5, 10, 20, 50, 100],
                                                      help: "Service requests committed in one intake transaction")
        intakeBatchSeconds = registry.makeDurationHistogram(name: "cunwu_intake_batch_seconds", buckets: Self.latencyBuckets,
                                                            help: "Time to write and commit one intake transaction")
        var finished: [JobState: Counter] = [:]
        for state in [JobState.done, .failed] {
            finished[state] = registry.makeCounter(name: "cunwu_jobs_finished_total", labels: [("outcome", state.rawValue)],
                                                   help: "Background jobs finished on this server, by outcome")
        }
        jobsFinished = finished
        readsFromReplica = registry.makeCounter(name: "cunwu_database_reads_total", labels: [("target", "replica")],
                                                help: "Pages and background work that only read, by where they read (DATABASE_READ_URL)")
        readsFromPrimary = registry.makeCounter(name: "cunwu_database_reads_total", labels: [("target", "primary")],
                                                help: "Pages and background work that only read, by where they read (DATABASE_READ_URL)")
        requestsInFlight = registry.makeGauge(name: "cunwu_http_requests_in_flight", help: "Requests being answered now")
        intakeWaiting = registry.makeGauge(name: "cunwu_intake_queue_depth", help: "Service requests waiting for the next intake transaction")
        jobsRunning = registry.makeGauge(name: "cunwu_jobs_running", help: "Background jobs running on this server")
        primarySwitches = registry.makeGauge(name: "cunwu_database_primary_switches", help: "Times this server changed to another primary since it started")
        poolConnections = registry.makeGauge(name: "cunwu_database_pool_connections_max",
                                             help: "Database connections this server may open to the primary (per event loop × event loops)")
    }

    /// Records one answered request.
    func observe(route: String, method: String, status: UInt, duration: Duration) {
        let statusClass = "\(min(max(status / 100, 1), 5))xx"
        registry.makeDurationHistogram(name: "cunwu_http_request_duration_seconds",
                                       labels: [("route", route), ("method", method), ("status", statusClass)],
                                       buckets: Self.latencyBuckets,
                                       help: "Time to answer a request, by route pattern, method and status class").record(duration)
    }

    /// Sets the gauges read from elsewhere, just before the registry is written out.
    func refresh(_ app: Application) async {
        requestsInFlight.set(Double(app.inFlightRequests.current))
        intakeWaiting.set(Double(await app.intakeQueue.depth))
        jobsRunning.set(Double(app.jobTasks.count))
        if let locator = app.primaryLocator {
            primarySwitches.set(Double(locator.switches))
            let host = locator.currentHost
            primaryHost.withLockedValue { current in
                if current?.0 == host { return }
                if let old = current { registry.unregisterGauge(old.1) }
                let gauge = registry.makeGauge(name: "cunwu_database_primary", labels: [("host", host)],
                                               help: "The database host this server writes to (1)")
                gauge.set(Double(1))
                current = (host, gauge)
            }
        }
        if let replicas = app.readReplicas {
            for (host, lag) in replicas.lags {
                registry.makeGauge(name: "cunwu_database_replica_fit", labels: [("host", host)],
                                   help: "1 while the read replica is used, 0 while it is skipped").set(Double(lag == nil ? 0 : 1))
                if let lag {
                    registry.makeGauge(name: "cunwu_database_replica_lag_seconds", labels: [("host", host)],
                                       help: "How far the read replica was behind the primary at its last check").set(lag)
                }
            }
        }
        if case .postgres = app.config.storage {
            poolConnections.set(Double(app.config.databaseConnectionsPerLoop * System.coreCount))
            await countConnections(app)
        }
    }

    /// The pool's use as the primary sees it: this server's connections (its
    /// `application_name`) by state: `active` are in use, `idle` wait in the pool, `idle in
    /// transaction` hold a transaction open. The scrape's own connection is left out. Not
    /// set while the primary does not answer.
    private func countConnections(_ app: Application) async {
        guard let sql = app.db as? any SQLDatabase else { return }
        do {
            let rows = try await sql.raw("""
                SELECT state, count(*) AS n FROM pg_stat_activity
                WHERE application_name = \(bind: PostgresHosts.applicationName) AND datname = current_database() AND pid <> pg_backend_pid()
                GROUP BY state
                """).all()
            // Every state reported before starts at 0, so one no connection is in now reads 0.
            var counts = connectionStates.withLockedValue { states in Dictionary(uniqueKeysWithValues: states.map { ($0, 0) }) }
            for row in rows {
                guard let state = try row.decode(column: "state", as: String?.self) else { continue }
                counts[state, default: 0] += try row.decode(column: "n", as: Int.self)
            }
            connectionStates.withLockedValue { $0.formUnion(counts.keys) }
            for (state, count) in counts {
                registry.makeGauge(name: "cunwu_database_connections", labels: [("state", state)],
                                   help: "This server's connections to the primary by state, as pg_stat_activity shows them (active: in use)")
                    .set(Double(count))
            }
        } catch {
            app.logger.debug("connections not counted: \(error)")
        }
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = AppMetrics }
    var metrics: AppMetrics {
        if let metrics = storage[MetricsKey.self] { return metrics }
        let metrics = AppMetrics()
        storage[MetricsKey.self] = metrics
        return metrics
    }
}

/// Times every request and records it under its route's pattern (after routing, so an
/// unknown path is "unmatched", not a label per path anyone can invent).
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: AppMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        metrics.observe(route: route, method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}

/// `GET /metrics`: for Prometheus, from the addresses in `CUNWU_METRICS_ALLOW` only (default
/// this machine: 127.0.0.1 and ::1). The client's address is worked out as everywhere else
/// (`X-Forwarded-For` only from trusted proxies), so a request through the public proxy is
/// not "this machine". Anyone else gets 404: the endpoint is not even named.
struct MetricsController {
    func register(_ router: Router) {
        router.page(.GET, .metrics, .open, metrics)
    }

    @Sendable func metrics(_ request: Request, _: OrgUnit?) async throws -> Response {
        guard request.application.config.metricsAllow.trusts(request.clientAddress) else { throw AppError.notFound }
        let metrics = request.application.metrics
        await metrics.refresh(request.application)
        let response = Response(status: .ok, body: .init(buffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }
}
