@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 18, items 5–7: signing in tells nobody which names exist, never dead-ends on a
/// stale cookie, and counts every byte of a long password; `next` stays on the site; the
/// smaller guards (no-store, file modes, read-only roles, `--help` without a key).
@Suite("Login, redirects and the smaller guards")
struct LoginHardeningTests {
    static func apiLogin(_ app: Application, _ username: String, _ password: String, cookie: String? = nil) async throws -> (status: HTTPStatus, body: String, headers: HTTPHeaders) {
        let answer = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: username, password: password),
                                    headers: cookie.map { ["Cookie": $0] } ?? [:])
        return (answer.status, answer.body, answer.headers)
    }

    @Test("an unknown name and a real account answer alike for every attempt, lockout included: status and message")
    func noEnumerationByLockout() async throws {
        try await withApp { app, clock in
            try await World.user(app, "wang", .stationStaff, at: nil)
            var real: [(HTTPStatus, String)] = [], unknown: [(HTTPStatus, String)] = []
            for _ in 0..<7 {
                let a = try await Self.apiLogin(app, "wang", "wrong-password-1")
                let b = try await Self.apiLogin(app, "nobody-here", "wrong-password-1")
                real.append((a.status, a.body))
                unknown.append((b.status, b.body))
            }
            #expect(real.map(\.0) == unknown.map(\.0), "\(real.map(\.0)) vs \(unknown.map(\.0))")
            #expect(real.map(\.1) == unknown.map(\.1))
            #expect(real[4].0 == .tooManyRequests && real[6].0 == .tooManyRequests, "the fifth failure locks, for either name")
            // The right password waits too, like any name, until the lock ends.
            #expect(try await Self.apiLogin(app, "wang", World.password).status == .tooManyRequests)
            clock.advance(minutes: 16)
            #expect(try await Self.apiLogin(app, "wang", World.password).status == .ok)
            #expect(try await Self.apiLogin(app, "nobody-here", "wrong-password-1").status == .unauthorized)
            // The form without its token is shown again, not a dead end, whatever the name.
            let form = try await send(app, .POST, "/login", form: ["username": "nobody-else", "password": "x"])
            #expect(form.status == .forbidden && form.body.contains(T(.loginFormExpired)))
        }
    }

    @Test("a stale session cookie never blocks signing in: the API and the form sign in and replace it; an expired form token shows the form again")
    func staleCookie() async throws {
        try await withApp { app, _ in
            try await World.user(app, "wang", .stationStaff, at: nil)
            let stale = "\(SessionCookie.name)=gone-session-token"
            let api = try await Self.apiLogin(app, "wang", World.password, cookie: stale)
            #expect(api.status == .ok, "\(api.body)")
            let fresh = api.headers.setCookie?[SessionCookie.name]?.string ?? ""
            #expect(!fresh.isEmpty && fresh != "gone-session-token")
            // The form: the login page with a stale session cookie and no CSRF cookie (it expired after an hour).
            let page = try await send(app, .GET, "/login", headers: ["Cookie": stale])
            #expect(page.status == .ok)
            let expired = try await send(app, .POST, "/login", form: ["username": "wang", "password": World.password, CSRF.field: "old-token"],
                                         headers: ["Cookie": stale])
            #expect(expired.status == .forbidden && expired.body.contains(T(.loginFormExpired)) && expired.body.contains("value=\"wang\""))
            let token = try #require(expired.headers.setCookie?[SessionCookie.loginCSRF]?.string)
            #expect(expired.body.contains("value=\"\(token)\""), "the form comes back with a fresh token")
            let again = try await send(app, .POST, "/login", form: ["username": "wang", "password": World.password, CSRF.field: token],
                                       headers: ["Cookie": "\(stale); \(SessionCookie.loginCSRF)=\(token)"])
            #expect(again.status == .seeOther && again.headers.setCookie?[SessionCookie.name]?.string.isEmpty == false)
        }
    }

    @Test("passwords longer than bcrypt's 72 bytes count in full: two that share their first 72 bytes are different passwords")
    func longPasswords() async throws {
        let hasher = PrehashingBcrypt(cost: 4)
        let stem = String(repeating: "长", count: 24) // 72 bytes
        let one = stem + "甲乙丙", two = stem + "丁戊己"
        let digest = try hasher.hash(one)
        #expect(try hasher.verify(one, created: digest))
        #expect(try !hasher.verify(two, created: digest))
        #expect(try !hasher.verify(stem, created: digest))
        // Short passwords are plain bcrypt, as every stored hash before was.
        let short = try hasher.hash("correct-horse-42")
        #expect(try Bcrypt.verify("correct-horse-42", created: short))
        #expect(try hasher.verify("correct-horse-42", created: try Bcrypt.hash("correct-horse-42", cost: 4)))
        try await withApp { app, _ in
            try await World.user(app, "admin", .admin, at: nil)
            let admin = try await login(app, "admin")
            let created = try await send(app, .POST, "/api/v1/users", as: admin,
                                         json: ["username": "zhao", "displayName": "赵", "password": one, "role": "admin"])
            #expect(created.status == .created, "\(created.body)")
            #expect(try await Self.apiLogin(app, "zhao", one).status == .ok)
            #expect(try await Self.apiLogin(app, "zhao", two).status == .unauthorized)
        }
    }

    @Test("one function decides whether `next` stays on the site; the usual bypasses are refused")
    func redirects() async throws {
        let refused = ["//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "///evil.example", "/\t/evil.example",
                       "/\n/evil.example", " /ok", "/ok\r\nSet-Cookie:x=1", "https://evil.example", "http:/evil.example", "javascript:alert(1)",
                       "evil.example", "", "/%2F%2Fevil.example", "/%5Cevil.example", "/ok\u{0000}", "/\u{200B}/evil.example",
                       "/ok\u{00A0}x", "//", "/" + String(repeating: "a", count: 3000)]
        for target in refused { #expect(Route.localPath(target) == nil, "\(target.debugDescription)") }
        for target in ["/", "/units/0E8F", "/units/x/requests?status=received&from=2026-01-01", "/login?next=%2F", "/public/track?code=AB"] {
            #expect(Route.localPath(target) == target)
        }
        try await withApp { app, _ in
            try await World.user(app, "wang", .stationStaff, at: nil)
            let page = try await send(app, .GET, "/login")
            let token = try #require(page.headers.setCookie?[SessionCookie.loginCSRF]?.string)
            for next in ["//evil.example", "/\\evil.example", "/\t/evil.example"] {
                let answer = try await send(app, .POST, "/login", form: ["username": "wang", "password": World.password, CSRF.field: token, "next": next],
                                            headers: ["Cookie": "\(SessionCookie.loginCSRF)=\(token)"])
                #expect(answer.status == .seeOther && answer.headers.first(name: .location) == "/", "\(next.debugDescription)")
            }
        }
    }

    @Test("API answers and exports carry Cache-Control: no-store")
    func noStore() async throws {
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            let api = try await send(app, .GET, s.requests, as: s.wang)
            #expect(api.headers.first(name: .cacheControl) == "no-store")
            let export = try await send(app, .GET, "/units/\(s.village)/records/workers/export.csv", as: s.wang)
            #expect(export.status == .ok && export.headers.first(name: .cacheControl) == "no-store", "\(export.status)")
            let error = try await send(app, .GET, "/api/v1/units/\(UUID())/requests", as: s.wang)
            #expect(error.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test("a database file readable by others is made its owner's alone when opened")
    func fileModes() async throws {
        let path = NSTemporaryDirectory() + "cunwu-modes-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let app = try await Application.make(.testing)
        do {
            try await configure(app, environment: ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": "", "CUNWU_BCRYPT_COST": "4"])
            try await prepareDatabase(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test("`cunwu --help` works without a data key, and `serve` without one still refuses")
    func helpWithoutKey() async throws {
        let environment = ["CUNWU_DATA_KEY": "", "CUNWU_DATA_KEY_FILE": "", "CUNWU_DATABASE_PATH": NSTemporaryDirectory() + "cunwu-help-\(UUID().uuidString).sqlite",
                           "DATABASE_URL": ""]
        let help = try await CLI.run(["--help"], environment: environment)
        #expect(help.status == 0, "\(help.errors)")
        #expect((help.output + help.errors).contains("serve"))
        let serveHelp = try await CLI.run(["serve", "--help"], environment: environment)
        #expect(serveHelp.status == 0 && (serveHelp.output + serveHelp.errors).contains("--port"))
        let serve = try await CLI.run(["serve", "--port", "0"], environment: environment)
        #expect(serve.status == 2 && serve.errors.contains("CUNWU_DATA_KEY"), "\(serve.errors)")
    }
}
