import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// `DATABASE_URL` may list several PostgreSQL servers, as libpq does:
/// `postgres://user:password@10.0.0.1:5432,10.0.0.2:5432/cunwu?sslmode=require`. Each host
/// gets its own URL (same user, database and options); a host without a port takes 5432.
enum PostgresHosts {
    enum Problem: Error, Equatable { case malformed, tooMany }

    /// At most this many hosts: a primary and its standbys, not a farm.
    static let limit = 8

    /// This process's name in `pg_stat_activity` (at most 63 bytes, PostgreSQL's limit).
    static let applicationName: String = {
        let name = "cunwu \(ProcessInfo.processInfo.hostName) \(ProcessInfo.processInfo.processIdentifier)"
        return String(decoding: Array(name.utf8.prefix(63)), as: UTF8.self)
    }()

    /// How to connect to each host `url` lists (`DATABASE_URL` or `DATABASE_READ_URL`, named
    /// by `variable` in a configuration error), and each host's "host:port".
    static func configurations(_ url: String, variable: String) throws -> [(configuration: SQLPostgresConfiguration, host: String)] {
        let urls: [String]
        do { urls = try split(url) } catch {
            throw ConfigError(variable: variable, message: T(.configDatabaseURL))
        }
        return try urls.map { url in
            var configuration = try SQLPostgresConfiguration(url: url)
            // No JIT: PostgreSQL compiles any query whose estimate is large, and a station's
            // unverified ledger events (a few rows, estimated at hundreds) spent 640 ms of a
            // 660 ms query compiling. Our queries are short and index-driven.
            configuration.coreConfiguration.options.additionalStartupParameters.append(("jit", "off"))
            // Named per process, so `/metrics` can count this server's connections by state
            // in `pg_stat_activity` (several app servers share a database).
            configuration.coreConfiguration.options.additionalStartupParameters.append(("application_name", applicationName))
            // A host that is down answers at once; one that is unreachable must not hold a
            // request for PostgresNIO's default 10 s.
            configuration.coreConfiguration.options.connectTimeout = .seconds(3)
            return (configuration, PrimaryLocator.hostOnly(url))
        }
    }

    /// One pool per host `url` lists, registered as `id(index)`; the first becomes the
    /// default when `defaultFirst`. Returns the ids and each host's "host:port".
    static func registerPools(_ app: Application, url: String, variable: String, connectionsPerLoop: Int, defaultFirst: Bool,
                              id: (Int) -> DatabaseID) throws -> (ids: [DatabaseID], hosts: [String]) {
        let hosts = try configurations(url, variable: variable)
        for (index, host) in hosts.enumerated() {
            // A request waits at most 5 s for a connection (AsyncKit's default is 10 s), then 503.
            app.databases.use(.postgres(configuration: host.configuration, maxConnectionsPerEventLoop: connectionsPerLoop,
                                        connectionPoolTimeout: .seconds(5)), as: id(index), isDefault: defaultFirst && index == 0)
        }
        return (hosts.indices.map(id), hosts.map(\.host))
    }

    static func split(_ url: String) throws(Problem) -> [String] {
        guard url.utf8.count <= 2_000, let schemeEnd = url.range(of: "://") else { throw .malformed }
        let scheme = url[..<schemeEnd.lowerBound]
        let rest = url[schemeEnd.upperBound...]
        // The authority ends at the first "/" or "?" after the credentials.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        var credentials = Substring("")
        var hostList = authority
        if let at = authority.lastIndex(of: "@") {
            credentials = authority[...at]
            hostList = authority[authority.index(after: at)...]
        }
        let hosts = hostList.split(separator: ",", omittingEmptySubsequences: false)
        guard hosts.count <= limit else { throw .tooMany }
        return try hosts.map { host throws(Problem) -> String in
            guard !host.isEmpty, !host.contains(where: { $0 == " " }) else { throw .malformed }
            var withPort = String(host)
            // A bracketed IPv6 address carries its own colons.
            let afterBracket = host.lastIndex(of: "]").map { host[$0...] } ?? host
            if !afterBracket.contains(":") { withPort += ":5432" }
            guard let port = withPort.split(separator: ":").last.flatMap({ Int($0) }), (1...65535).contains(port) else {
                throw .malformed
            }
            return scheme + "://" + credentials + withPort + tail
        }
    }
}

/// Finds which listed PostgreSQL server is the primary (not in recovery), as libpq's
/// `target_session_attrs=read-write` does, and makes it the app's default database.
/// Each host has its own connection pool (`psql`, `psql-1`, …). When a request fails
/// because the database went away, `suspect()` looks again, at most once a second and one
/// look at a time: after a standby is promoted the app writes to it without a restart.
/// While no host is a primary every request that needs the database gets 503.
final class PrimaryLocator: Sendable {
    let ids: [DatabaseID]
    let hosts: [String]
    private let state = NIOLockedValueBox(State())
    private struct State {
        var current: Int = 0
        var looking = false
        var switches = 0
    }

    init(ids: [DatabaseID], hosts: [String]) {
        self.ids = ids
        self.hosts = hosts
    }

    /// The host now used as the primary.
    var currentHost: String { hosts[currentIndex] }
    /// Its place in `ids` and `hosts`.
    var currentIndex: Int { state.withLockedValue { $0.current } }
    /// Times the primary changed since start.
    var switches: Int { state.withLockedValue { $0.switches } }

    /// Looks at each host in order; makes the first that is not in recovery the default.
    /// Returns its index, or nil when none is a primary now.
    /// `quiet`: log nothing when still no host is a primary (the first look has said so).
    @discardableResult
    func locate(_ app: Application, quiet: Bool = false) async -> Int? {
        for (index, id) in ids.enumerated() {
            guard let db = app.databases.database(id, logger: app.logger, on: app.eventLoopGroup.any()) as? any SQLDatabase else { continue }
            do {
                guard let row = try await db.raw("SELECT pg_is_in_recovery() AS standby").first(),
                      try row.decode(column: "standby", as: Bool.self) == false else { continue }
                let changed = state.withLockedValue { state -> Bool in
                    guard state.current != index else { return false }
                    state.current = index
                    state.switches += 1
                    return true
                }
                app.databases.default(to: id)
                if changed { app.logger.warning("database primary is now \(hosts[index])") }
                return index
            } catch {
                if !quiet { app.logger.info("database host \(hosts[index]) not usable as primary: \(String(reflecting: error))") }
            }
        }
        if !quiet { app.logger.error("no database host is a primary now; requests get 503 until one is") }
        return nil
    }

    /// A request failed because the database went away: look again, unless a look is under
    /// way. Until a host is a primary it looks once a second (for up to ten minutes), whether
    /// or not requests keep failing: a standby promoted while no one is writing is found too.
    func suspect(_ app: Application) {
        let go = state.withLockedValue { state -> Bool in
            guard !state.looking else { return false }
            state.looking = true
            return true
        }
        guard go else { return }
        Task {
            for attempt in 0..<600 {
                if await locate(app, quiet: attempt > 0) != nil { break }
                if (try? await Task.sleep(for: .seconds(1))) == nil { break }
            }
            state.withLockedValue { $0.looking = false }
        }
    }

    /// Registers one pool per host and, when there are several, the locator.
    static func register(_ app: Application, url: String, connectionsPerLoop: Int) throws {
        let (ids, hosts) = try PostgresHosts.registerPools(app, url: url, variable: "DATABASE_URL", connectionsPerLoop: connectionsPerLoop,
                                                           defaultFirst: true) { $0 == 0 ? .psql : DatabaseID(string: "psql-\($0)") }
        if ids.count > 1 { app.primaryLocator = PrimaryLocator(ids: ids, hosts: hosts) }
    }

    /// "host:port" of a URL, for logs (never the password).
    static func hostOnly(_ url: String) -> String {
        guard let start = url.range(of: "://")?.upperBound else { return "?" }
        let rest = url[start...]
        let authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex)]
        return String(authority.split(separator: "@").last ?? authority)
    }
}

/// The errors that mean the database is not there (down, restarting, a standby being
/// promoted, or read-only because it is a standby), as opposed to a bad query: these are
/// answered 503 with `Retry-After`, never 500, and make the locator look for the primary.
enum DatabaseOutage {
    static func matches(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // 08: connection exception; 57P01–57P03: shutting down, crashed, starting up;
                // 25006: a read-only transaction (a standby); 53300: too many connections.
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006", "53300"].contains(state)
            default:
                return false
            }
        }
        if error is ConnectionPoolTimeoutError || error is ConnectionPoolError { return true }
        if error is NIOConnectionError || error is ChannelError { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode)
        }
        return false
    }
}

extension Application {
    private struct PrimaryLocatorKey: StorageKey { typealias Value = PrimaryLocator }
    /// Set when `DATABASE_URL` lists several hosts.
    var primaryLocator: PrimaryLocator? {
        get { storage[PrimaryLocatorKey.self] }
        set { storage[PrimaryLocatorKey.self] = newValue }
    }
}
