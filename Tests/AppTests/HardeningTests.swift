@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Web hardening that docs/security.md names (issue 10, item 2), beyond the headers and
/// CSRF tests elsewhere: cookie attributes, with and without TLS in front.
@Suite("Web hardening: cookies")
struct HardeningTests {
    /// Signs in on an application configured with `environment` and returns the session cookie's header.
    static func sessionCookie(_ environment: [String: String]) async throws -> String {
        let app = try await Application.make(.testing)
        var header = ""
        do {
            try await configure(app, environment: environment.merging(["CUNWU_BCRYPT_COST": "4"]) { $1 })
            try await prepareDatabase(app)
            _ = try await World.user(app, "wang", .admin, at: nil)
            try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { request in
                try request.content.encode(LoginInput(username: "wang", password: World.password), as: .json)
            }, afterResponse: { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                header = response.headers[.setCookie].first { $0.hasPrefix(SessionCookie.name + "=") } ?? ""
            })
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return header
    }

    @Test("the session cookie is HttpOnly and SameSite=Lax; Secure when served behind TLS (CUNWU_SECURE_COOKIES=true), not otherwise")
    func cookieAttributes() async throws {
        let plain = try await Self.sessionCookie([:]).lowercased()
        #expect(plain.contains("httponly") && plain.contains("samesite=lax") && !plain.contains("secure;") && !plain.hasSuffix("secure"))
        let tls = try await Self.sessionCookie(["CUNWU_SECURE_COOKIES": "true"]).lowercased()
        #expect(tls.contains("httponly") && tls.contains("samesite=lax") && tls.contains("secure"))
    }
}
