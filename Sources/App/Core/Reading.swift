import Fluent
import Vapor

/// Pages that only read may be answered from a standby (`ReadReplicas`, `DATABASE_READ_URL`).
/// A browser that wrote lately (the `cunwu_wrote` cookie, set for a little longer than the
/// replicas may lag) reads from the primary, so it sees its own write. A read that fails on a
/// replica as if it were away is answered again from the primary: a standby going down is a
/// log line, never an error to the user.
enum Reading {
    static let wroteCookie = "cunwu_wrote"

    struct ReplicaKey: StorageKey { typealias Value = DatabaseID }

    /// Where a route's reads go (`Router`): the primary, or a fit standby when there is one.
    enum Target: Sendable { case primary, standby }

    /// Runs `body` with the request's reads (`readDB`, `sheets`) on a fit standby when there
    /// is one and this browser has not written lately (`mayUseStandby`); else on the primary.
    /// A read that fails on the standby as if it were away is run again on the primary.
    /// Background work (exports, evaluations) runs here too, on its own `Request`.
    static func onStandby<T>(_ request: Request, mayUseStandby: Bool? = nil, _ body: () async throws -> T) async throws -> T {
        let metrics = request.application.metrics
        guard let replicas = request.application.readReplicas, mayUseStandby ?? (request.cookies[wroteCookie] == nil),
              let id = replicas.pick() else {
            metrics.readsFromPrimary.increment()
            return try await body()
        }
        request.storage[ReplicaKey.self] = id
        do {
            let value = try await body()
            metrics.readsFromReplica.increment()
            return value
        } catch where DatabaseOutage.matches(error) {
            replicas.failed(id, request.logger)
            request.storage[ReplicaKey.self] = nil
            metrics.readsFromPrimary.increment()
            return try await body()
        }
    }

    /// Whether the request's reads are on a standby just now.
    static func isOnStandby(_ request: Request) -> Bool { request.storage[ReplicaKey.self] != nil }
}

extension Request {
    /// The database a page that only reads uses: a standby inside `Reading.onStandby`,
    /// otherwise the primary (`db`).
    var readDB: any Database {
        guard let id = storage[Reading.ReplicaKey.self] else { return db }
        return application.databases.database(id, logger: logger, on: eventLoop) ?? db
    }
}

/// Marks a browser that has just written (any change answered below 400), so its next
/// pages read from the primary. Only when read replicas are configured.
struct WroteMiddleware: AsyncMiddleware {
    let seconds: Int
    let secure: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.method != .GET, request.method != .HEAD, response.status.code < 400 {
            response.cookies[Reading.wroteCookie] = HTTPCookies.Value(string: "1", maxAge: seconds, path: "/",
                                                                      isSecure: secure,
                                                                      isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
