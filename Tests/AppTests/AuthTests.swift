@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite("Signing in: sessions, lockout, expiry, CSRF")
struct AuthTests {
    @Test("the login page signs in with its form and CSRF cookie, then shows home")
    func formLogin() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            var cookie = ""
            var token = ""
            try await app.testing().test(.GET, "/login") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("<h1>登录</h1>"))
                cookie = response.headers.setCookie?[SessionCookie.loginCSRF]?.string ?? ""
                token = response.body.string.components(separatedBy: "name=\"_csrf\" value=\"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
            }
            #expect(!cookie.isEmpty && cookie == token)
            // Without the cookie the token is refused.
            let forged = try await send(app, .POST, "/login", form: ["_csrf": token, "username": "zhang", "password": World.password])
            #expect(forged.status == .forbidden)
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "\(SessionCookie.loginCSRF)=\(cookie)")
            let signedIn = try await send(app, .POST, "/login", form: ["_csrf": token, "username": "zhang", "password": World.password, "next": "/audit"], headers: headers)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/audit")
            let session = try #require(signedIn.headers.setCookie?[SessionCookie.name]?.string)
            var home = HTTPHeaders()
            home.add(name: .cookie, value: "\(SessionCookie.name)=\(session)")
            let page = try await send(app, .GET, "/", headers: home)
            #expect(page.status == .ok)
            #expect(page.body.contains("前辛庄村"))
        }
    }

    @Test("wrong password and unknown user get the same answer; an open redirect is refused")
    func failures() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let wrong = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: "not-the-password"))
            let unknown = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "nobody", password: "not-the-password"))
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.body == unknown.body)
            #expect(wrong.body.contains("用户名或密码错误"))
            #expect(Route.loginPath(next: "//evil.example/") == "/login")
        }
    }

    @Test("after 5 failures the account waits 15 minutes, even for the right password")
    func lockout() async throws {
        try await withApp { app, clock in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            for attempt in 1...4 {
                let result = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: "wrong-\(attempt)"))
                #expect(result.status == .unauthorized)
            }
            let fifth = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: "wrong-5"))
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.body.contains("account_locked"))
            let right = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: World.password))
            #expect(right.status == .tooManyRequests)
            clock.advance(minutes: 14.9)
            #expect(try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: World.password)).status == .tooManyRequests)
            clock.advance(minutes: 0.2)
            #expect(try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "zhang", password: World.password)).status == .ok)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "locked").count()
            #expect(events == 1)
        }
    }

    @Test("a session ends after 30 idle minutes; activity keeps it alive; a new id at every sign-in")
    func idleExpiry() async throws {
        try await withApp { app, clock in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            clock.advance(minutes: 29)
            #expect(try await send(app, .GET, "/api/v1/me", as: session).status == .ok)
            clock.advance(minutes: 29)
            #expect(try await send(app, .GET, "/api/v1/me", as: session).status == .ok, "the last request renewed the session")
            clock.advance(minutes: 31)
            #expect(try await send(app, .GET, "/api/v1/me", as: session).status == .unauthorized)
            // The page says why and sends to the login page.
            let page = try await send(app, .GET, "/", as: session)
            #expect(page.status == .seeOther)
            #expect(page.headers.first(name: .location)?.hasPrefix("/login") == true)
            let again = try await login(app, "zhang")
            #expect(again.cookie != session.cookie)
            #expect(try await UserSession.query(on: app.db).count() == 1)
        }
    }

    @Test("logging out ends the session")
    func logout() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            #expect(try await send(app, .POST, "/logout", as: session, form: [:]).status == .seeOther)
            #expect(try await send(app, .GET, "/api/v1/me", as: session).status == .unauthorized)
        }
    }

    @Test("state-changing requests without the session's CSRF token are refused and change nothing")
    func csrf() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let before = try await auditCount(app)
            let path = "/units/\(try world.villageV1.requireID())/profile"
            let form = ["households": "700", "residentPopulation": "1800", "registeredPopulation": "1500", "area": "3", "address": "",
                        "stationFloorArea": "80", "openingHours": "周一至周五 08:30-12:00 13:00-17:30", "hotline": ""]
            var cookieOnly = HTTPHeaders()
            cookieOnly.add(name: .cookie, value: "\(SessionCookie.name)=\(session.cookie)")
            #expect(try await send(app, .POST, path, form: form, headers: cookieOnly).status == .forbidden)
            var wrong = form
            wrong["_csrf"] = "not-the-token"
            #expect(try await send(app, .POST, path, form: wrong, headers: cookieOnly).status == .forbidden)
            #expect(try await auditCount(app) == before)
            let profile = try await Hierarchy.profile(of: world.villageV1, on: app.db)
            #expect(profile.households == 640)
            // The same form with the token in its field is accepted.
            var good = form
            good["_csrf"] = session.csrf
            #expect(try await send(app, .POST, path, form: good, headers: cookieOnly).status == .seeOther)
            #expect(try await Hierarchy.profile(of: world.villageV1, on: app.db).households == 700)
            // The JSON API needs the header when a session cookie is used.
            let api = "/api/v1/units/\(try world.villageV1.requireID())/profile"
            var noHeader = HTTPHeaders()
            noHeader.add(name: .cookie, value: "\(SessionCookie.name)=\(session.cookie)")
            let input = ProfileInput(households: 1, residentPopulation: 1, registeredPopulation: 1, area: 1, address: "", stationFloorArea: 1, openingHours: "", hotline: "")
            #expect(try await send(app, .PUT, api, json: input, headers: noHeader).status == .forbidden)
        }
    }

    @Test("password policy: at least 10 characters, not the user name, not a common password or a keyboard walk")
    func passwordPolicy() {
        #expect(!PasswordPolicy.problems("short1", username: "zhang").isEmpty)
        #expect(!PasswordPolicy.problems("zhang-2026-pass", username: "zhang").isEmpty)
        #expect(!PasswordPolicy.problems("aaaaaaaaaaaa", username: "zhang").isEmpty)
        #expect(PasswordPolicy.problems("correct-horse-42", username: "zhang").isEmpty)
        // Exactly ten characters is enough when they are not a common password.
        #expect(PasswordPolicy.problems("k7#tq2m9xz", username: "zhang").isEmpty)
        #expect(!PasswordPolicy.problems("k7#tq2m9x", username: "zhang").isEmpty)
        // Common passwords, with digits or punctuation added, and walks along the keyboard.
        for common in ["0123456789", "password123", "Password2026!", "woaini1314520", "1qaz2wsx3edc", "qwertyuiop", "9876543210", "admin12345"] {
            #expect(PasswordPolicy.problems(common, username: "zhang") == [T(.passwordCommon)], "\(common)")
        }
    }
}
