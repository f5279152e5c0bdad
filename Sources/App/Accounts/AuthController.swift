import Fluent
import SQLKit
import Vapor

/// Signing in and out: sessions in the database, a new session id at every sign-in,
/// lockout after repeated failures, the same answer for unknown users and wrong passwords.
struct AuthController {
    func register(_ router: Router) {
        router.page(.GET, .login, .open, loginPage)
        router.page(.POST, .login, .open, limits: .login, csrf: .handler, login)
        router.page(.POST, .logout, .signedIn, logout)
        router.apiResponse(.POST, .api(.session), .open, APIDoc(summary: T(.apiSignIn), request: "LoginInput", response: "Me"), limits: .login, apiLogin)
        router.api(.DELETE, .session, .signedIn, APIDoc(summary: T(.apiSignOut), response: "Empty"), apiLogout)
        router.api(.GET, .me, .signedIn, APIDoc(summary: T(.apiMe), response: "Me"), me)
    }

    @Sendable func loginPage(_ request: Request, _: OrgUnit?) async throws -> Response {
        if request.principal != nil { return request.redirect(to: Route.home.path) }
        // A review form sent after the session timed out was kept (`ReviewController.keepExpired`).
        let message = request.query[String.self, at: "kept"] == "1" ? T(.loginReviewKept) : request.sessionExpired ? T(.loginSessionExpired) : nil
        return render(request, username: "", next: request.query[String.self, at: "next"], error: message, status: .ok)
    }

    @Sendable func login(_ request: Request, _: OrgUnit?) async throws -> Response {
        let form = try FormFields(request)
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let next = form["next"]
        // A form left open past its token's hour (or a stale cookie) is shown again with a
        // fresh token and the name kept: signing in is never a dead end.
        do { try CSRF.check(request) } catch {
            return render(request, username: username, next: next, error: T(.loginFormExpired), status: .forbidden)
        }
        do {
            let (token, principal) = try await Self.signIn(username: username, password: form["password"] ?? "", request: request)
            let target = next.flatMap(Route.localPath) ?? Self.landing(principal)
            let response = request.redirect(to: target)
            response.cookies[SessionCookie.name] = SessionCookie.make(token, request: request, maxAge: nil)
            response.cookies[SessionCookie.loginCSRF] = SessionCookie.make("", request: request, maxAge: 0)
            return response
        } catch let error as AppError {
            let message: String
            switch error {
            case let .locked(until): message = T(.loginLockedUntil, Self.time(until))
            case let .validation(fields): message = fields.first?.message ?? T(.loginFailed)
            default: throw error
            }
            return render(request, username: username, next: next, error: message, status: error.status == .tooManyRequests ? .tooManyRequests : .unauthorized)
        }
    }

    /// Where a sign-in without a page to return to lands: the one place the user works at —
    /// the station desk for station staff, the unit's page for everyone else — or the home
    /// page that lists their places when they hold roles at several (or everywhere).
    static func landing(_ principal: Principal) -> String {
        guard let id = principal.homeUnit?.id else { return Route.home.path }
        if principal.assignments.contains(where: { $0.role == .stationStaff }) { return Route.unit(.value(id), .station).path }
        return Route.unit(.value(id)).path
    }

    @Sendable func logout(_ request: Request, _: OrgUnit?) async throws -> Response {
        try await Self.signOut(request)
        let response = request.redirect(to: Route.loginPath(next: nil))
        response.cookies[SessionCookie.name] = SessionCookie.make("", request: request, maxAge: 0)
        return response
    }

    @Sendable func apiLogin(_ request: Request, _: OrgUnit?) async throws -> Response {
        let input = try request.content.decode(LoginInput.self)
        do {
            let (token, principal) = try await Self.signIn(username: input.username, password: input.password, request: request)
            let response = Response(status: .ok)
            try response.content.encode(try await Self.me(principal, on: request.db), as: .json)
            response.cookies[SessionCookie.name] = SessionCookie.make(token, request: request, maxAge: nil)
            return response
        } catch AppError.validation {
            return AppErrorMiddleware.json(status: .unauthorized, ErrorBody(error: .init(code: "login_failed", message: T(.loginFailed), fields: [])))
        }
    }

    @Sendable func apiLogout(_ request: Request, _: OrgUnit?) async throws -> EmptyDTO {
        try await Self.signOut(request)
        return EmptyDTO()
    }

    @Sendable func me(_ request: Request, _: OrgUnit?) async throws -> MeDTO {
        try await Self.me(try request.requirePrincipal(), on: request.db)
    }

    // MARK: Shared

    /// Verifies the password and starts a new session. Failures count towards the lockout.
    static func signIn(username: String, password: String, request: Request) async throws -> (token: String, principal: Principal) {
        let config = request.application.config
        let now = request.now
        let failed = AppError.validation([FieldError(field: "password", message: T(.loginFailed))])
        guard let user = try await User.query(on: request.db).filter(\.$username == username.lowercased()).first() else {
            // A name that is no account waits as an account would (`LoginThrottle`), and a
            // check takes as long as a real one: neither lockout nor timing tells which names exist.
            if let until = try await LoginThrottle.lockedUntil(username, now: now, on: request.db) { throw AppError.locked(until: until) }
            _ = try? await request.password.async.verify(password, created: request.application.dummyPasswordHash).get()
            request.application.metrics.loginFailures.increment()
            if let until = try await LoginThrottle.fail(username, now: now, threshold: config.lockoutThreshold, minutes: config.lockoutMinutes, on: request.db) {
                throw AppError.locked(until: until)
            }
            throw failed
        }
        if let until = user.lockedUntil, until > now { throw AppError.locked(until: until) }
        let valid = (try? await request.password.async.verify(password, created: user.passwordHash).get()) ?? false
        guard valid, !user.disabled else {
            request.application.metrics.loginFailures.increment()
            // Counted in one statement: guesses sent at the same moment are each counted.
            let userID = try user.requireID()
            let sql = try Dialect.sql(request.db)
            let failures = try await sql.raw("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = \(bind: userID) RETURNING failed_logins")
                .first()?.decode(column: "failed_logins", as: Int.self) ?? config.lockoutThreshold
            let lockedUntil: Date? = failures >= config.lockoutThreshold
                ? now.addingTimeInterval(TimeInterval(config.lockoutMinutes * 60)) : nil
            try await request.db.transaction { db in
                if let lockedUntil {
                    try await Dialect.sql(db).update(User.schema).set("failed_logins", to: SQLBind(0)).set("locked_until", to: SQLBind(lockedUntil))
                        .where("id", .equal, SQLBind(userID)).run()
                }
                try await Audit.record(on: db, author: request.author, action: lockedUntil == nil ? "loginFailed" : "locked", objectType: "user",
                                       objectID: user.id?.uuidString, unitPath: "/", username: user.username, userID: user.id)
            }
            if let lockedUntil { throw AppError.locked(until: lockedUntil) }
            throw failed
        }
        let token = Token.make()
        let csrf = Token.make(bytes: 24)
        let userID = try user.requireID()
        try await request.db.transaction { db in
            // A new session id at every sign-in; the old session, if any, ends.
            if let old = request.cookies[SessionCookie.name]?.string, !old.isEmpty {
                try await UserSession.query(on: db).filter(\.$tokenHash == Token.hash(old)).delete()
            }
            user.failedLogins = 0
            user.lockedUntil = nil
            try await user.save(on: db)
            try await UserSession(tokenHash: Token.hash(token), userID: userID, csrfToken: csrf, now: now).create(on: db)
            try await Audit.record(on: db, author: request.author, action: "login", objectType: "user", objectID: userID.uuidString,
                                   unitPath: "/", username: user.username, userID: userID)
        }
        let roles = try await RoleAssignment.query(on: request.db).filter(\.$user.$id == userID).all()
        let principal = Principal(userID: userID, username: user.username, displayName: user.displayName,
                                  assignments: roles.map { ($0.role, $0.unitPath) }, csrfToken: csrf)
        return (token, principal)
    }

    static func signOut(_ request: Request) async throws {
        guard let id = request.sessionID else { return }
        try await request.db.transaction { db in
            try await UserSession.query(on: db).filter(\.$id == id).delete()
            try await Audit.record(on: db, author: request.author, action: "logout", objectType: "user",
                                   objectID: request.principal?.userID.uuidString, unitPath: "/")
        }
    }

    static func me(_ principal: Principal, on db: any Database) async throws -> MeDTO {
        let roles = try await RoleAssignment.query(on: db).filter(\.$user.$id == principal.userID).with(\.$unit).all()
        return MeDTO(id: principal.userID, username: principal.username, displayName: principal.displayName,
                     roles: roles.map { RoleDTO(role: $0.role, unitID: $0.$unit.id, unitName: $0.unit?.name) }, csrfToken: principal.csrfToken)
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    private func render(_ request: Request, username: String, next: String?, error: String?, status: HTTPStatus) -> Response {
        let errors = error.map { [FieldError(field: "username", message: $0)] } ?? []
        let body: Node = .el("form", ["method": "post", "action": Route.login.path, "class": "login", "novalidate": ""], [
            .when(error != nil, .el("div", ["class": "error-summary", "role": "alert"], [.el("p", [:], error ?? "")])),
            Layout.csrfField(request),
            .input(["type": "hidden", "name": "next", "value": next ?? ""]),
            Layout.field("username", T(.loginUsername), value: username, errors: errors, required: true,
                         attributes: ["autocomplete": "username", "autocapitalize": "none"]),
            Layout.field("password", T(.loginPassword), value: "", type: "password", errors: [], required: true,
                         attributes: ["autocomplete": "current-password"]),
            .el("button", ["type": "submit"], T(.loginButton)),
        ])
        // Residents come here too: their way in needs no account.
        let residents: Node = .el("p", ["class": "notice", "id": "residents"], [
            .text(T(.loginResidents) + " "), .el("a", ["href": Route.publicFinder.path], T(.publicFinderTitle)), .text(" · "),
            .el("a", ["href": Route.publicTrack.path], T(.publicTrackLink)),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.loginTitle), body: .group([body, residents])), status: status)
    }
}
