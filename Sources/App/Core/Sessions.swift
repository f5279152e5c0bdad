import Fluent
import SQLKit
import Vapor

/// Random tokens and their stored hashes.
enum Token {
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares in time independent of where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// Sessions live in the database, so any instance can serve any request.
enum SessionCookie {
    static let name = "cunwu_session"
    /// A pre-login token for the login form (double-submit), replaced at sign-in.
    static let loginCSRF = "cunwu_csrf"

    static func make(_ value: String, request: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: request.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Reads the session cookie, ends sessions idle too long, and puts the user on the request.
struct SessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var expired = false
        if let token = request.cookies[SessionCookie.name]?.string, !token.isEmpty {
            expired = try await load(token: token, request: request) == false
            if expired { request.storage[StaleKey.self] = true }
        }
        let response = try await next.respond(to: request)
        if expired, request.principal == nil, response.cookies[SessionCookie.name] == nil {
            response.cookies[SessionCookie.name] = SessionCookie.make("", request: request, maxAge: 0)
        }
        return response
    }

    /// Returns false when the cookie names no live session, nil when that cannot be told
    /// just now (read from a standby while the primary is away). The session, its user and the
    /// user's roles come in one query (one row per role): this runs on every signed-in
    /// request, and each statement is a round trip to the database's thread.
    ///
    /// While the primary does not answer, a GET reads the session from a fit read replica
    /// (`DATABASE_READ_URL`), so pages that read from a standby (dashboards, reports) still
    /// know who asks; nothing is written then (no touch, no ending an idle session).
    private func load(token: String, request: Request) async throws -> Bool? {
        func rows(_ db: any Database) async throws -> [any SQLRow] {
            try await Frequent.rows(Lookup.self, [.text(Token.hash(token))], on: db)
        }
        let sql = try Dialect.sql(request.db)
        var writable = true
        let found: [any SQLRow]
        do {
            found = try await rows(request.db)
        } catch where DatabaseOutage.matches(error) && (request.method == .GET || request.method == .HEAD) {
            guard let replicas = request.application.readReplicas, let id = replicas.pick(),
                  let standby = request.application.databases.database(id, logger: request.logger, on: request.eventLoop) else { throw error }
            found = try await rows(standby)
            writable = false
        }
        let rows = found
        // A standby a moment behind may not have a session just made: unknown, not ended
        // (the cookie stays, and the next request asks the primary again).
        guard let first = rows.first else { return writable ? false : nil }
        let sessionID = try first.decode(column: "session_id", as: UUID.self)
        let lastSeen = try first.decode(column: "last_seen_at", as: Date.self)
        let now = request.now
        let idle = TimeInterval(request.application.config.sessionIdleMinutes * 60)
        let disabled = try first.decode(column: "disabled", as: Bool.self)
        if now.timeIntervalSince(lastSeen) > idle || disabled {
            guard writable else { return nil }
            try await sql.delete(from: UserSession.schema).where("id", .equal, SQLBind(sessionID)).run()
            request.storage[ExpiredKey.self] = true
            return false
        }
        // Touch at most once a minute: keeps writes low under load.
        if writable, now.timeIntervalSince(lastSeen) > 60 {
            try await sql.update(UserSession.schema).set("last_seen_at", to: SQLBind(now)).where("id", .equal, SQLBind(sessionID)).run()
        }
        let assignments: [(role: Role, unitPath: String)] = try rows.compactMap { row in
            guard let role = try row.decode(column: "role", as: String?.self).flatMap(Role.init(rawValue:)) else { return nil }
            return (role, try row.decode(column: "unit_path", as: String.self))
        }
        request.principal = Principal(userID: try first.decode(column: "user_id", as: UUID.self), username: try first.decode(column: "username", as: String.self),
                                      displayName: try first.decode(column: "display_name", as: String.self),
                                      assignments: assignments, csrfToken: try first.decode(column: "csrf_token", as: String.self))
        request.storage[SessionIDKey.self] = sessionID
        return true
    }

    /// A session, its user and the user's roles (one row per role), by the token's hash.
    enum Lookup: FrequentStatement {
        static let sql = """
            SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.username, u.display_name, u.disabled,
                   r.role, r.unit_path
            FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN role_assignments r ON r.user_id = u.id
            WHERE s.token_hash = $1
            """
    }

    struct ExpiredKey: StorageKey { typealias Value = Bool }
    struct StaleKey: StorageKey { typealias Value = Bool }
    struct SessionIDKey: StorageKey { typealias Value = UUID }
}

extension Request {
    /// The session cookie named a session that ended for being idle.
    var sessionExpired: Bool { storage[SessionMiddleware.ExpiredKey.self] ?? false }
    /// The request carried a session cookie that named no live session (ended, idle, or
    /// unknown): a browser sends that cookie (SameSite=Lax) only with this site's own forms.
    var sessionCookieStale: Bool { storage[SessionMiddleware.StaleKey.self] ?? false }
    var sessionID: UUID? { storage[SessionMiddleware.SessionIDKey.self] }
}

/// Cross-site request forgery: every state-changing request must carry the session's
/// token (form field `_csrf` or header `X-CSRF-Token`). Before sign-in the login form
/// carries a double-submit token that must equal its cookie. JSON API calls without a
/// session cookie need no token: browsers cannot send them cross-site without CORS.
enum CSRF {
    static let field = "_csrf"
    static let header = "X-CSRF-Token"

    static func check(_ request: Request) throws {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else { return }
        let sent = request.headers.first(name: header) ?? sentInBody(request)
        if let principal = request.principal {
            guard let sent, Token.equal(sent, principal.csrfToken) else { throw AppError.csrfRejected }
            return
        }
        // No live session (no cookie, or one naming no session): a JSON call carries no
        // ambient credential to forge with, and browsers cannot send one cross-site
        // without CORS. A stale cookie must not block signing in again.
        if request.headers.contentType == .json { return }
        guard let sent, let cookie = request.cookies[SessionCookie.loginCSRF]?.string, !cookie.isEmpty, Token.equal(sent, cookie) else {
            throw AppError.csrfRejected
        }
    }

    /// The token in a form body: from the form parsed once (`FormFields`), or a multipart field.
    private static func sentInBody(_ request: Request) -> String? {
        if request.headers.contentType == .urlEncodedForm { return (try? FormFields(request))?[field] }
        if request.headers.contentType?.subType == "form-data" { return try? request.content.get(String.self, at: field) }
        return nil
    }

    /// The token a page's forms must carry, setting the pre-login cookie when needed.
    static func token(for request: Request) -> String {
        if let principal = request.principal { return principal.csrfToken }
        if let existing = request.cookies[SessionCookie.loginCSRF]?.string, !existing.isEmpty { return existing }
        let token = Token.make(bytes: 24)
        request.storage[PendingKey.self] = token
        return token
    }

    struct PendingKey: StorageKey { typealias Value = String }

    /// Sets the pre-login cookie on the response if a page made one.
    static func finish(_ request: Request, _ response: Response) {
        if let token = request.storage[PendingKey.self] {
            response.cookies[SessionCookie.loginCSRF] = SessionCookie.make(token, request: request, maxAge: 3600)
        }
    }
}
