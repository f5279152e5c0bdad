@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The resident's side (issue 22.5): phone numbers as Chinese numbers are written, every
/// problem of the public form at once, a privacy notice, and a tracking page that says
/// what happens next.
@Suite("The resident's way in: phone numbers, the form, tracking")
struct ResidentWayInTests {
    @Test("mobile and landline numbers as people write them pass; anything else is refused", arguments: [
        ("13812345678", true), ("138-1234-5678", true), ("138 1234 5678", true), ("+86 138 1234 5678", true), ("8613812345678", true),
        ("010-69672101", true), ("(010)69672101", true), ("01069672101", true), ("0898-6523456", true), ("69672101", true), ("6967210", true),
        ("12345678901", false), ("1381234567", false), ("138123456789", false), ("12", false), ("010-0967210", false), ("+1 415 555 0100", false),
        ("13812345678转1", false), ("138+12345678", false), ("00000000", false), ("1234567", false), ("02-1234", false), ("0123-4567", false),
    ])
    func phones(text: String, valid: Bool) {
        #expect(Validator.isChinesePhone(text) == valid, "\(text)")
    }

    @Test("the public form reports every problem at once, the sum included, and says what is kept and why")
    func everyProblemAtOnce() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let path = "/public/stations/\(s.village)/requests/new"
            let form = try await send(app, .GET, path)
            #expect(form.status == .ok && form.body.contains("id=\"privacy\"") && form.body.contains("加密保存"))
            let set = try #require(form.headers.setCookie?[SessionCookie.loginCSRF]?.string)
            let cookie = "\(SessionCookie.loginCSRF)=\(set)"
            let token = try #require(form.body.range(of: "name=\"\(CSRF.field)\" value=\""))
            let csrf = String(form.body[token.upperBound...].prefix { $0 != "\"" })
            let marker = try #require(form.body.range(of: "name=\"challengeID\" value=\""))
            let challenge = String(form.body[marker.upperBound...].prefix(36))
            let bad = try await send(app, .POST, path, form: [CSRF.field: csrf, "serviceCode": "NOPE", "residentName": "", "residentPhone": "12345",
                                                              "content": "x", "challengeID": challenge, "challengeAnswer": "999"],
                                     headers: ["Cookie": cookie])
            #expect(bad.status == .unprocessableEntity)
            for field in ["residentName", "residentPhone", "challengeAnswer", "serviceCode"] {
                #expect(bad.body.contains("id=\"f-\(field)-error\"") || bad.body.contains("href=\"#f-\(field)\""), "\(field) named with the others")
            }
            #expect(bad.body.contains("请填写手机号"))
        }
    }

    @Test("tracking says what happens next, and shows the received date only once the station has taken it in")
    func nextStep() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let accepted = try await s.intake(app)
            let track = try StationFixture.decode(TrackDTO.self, try await send(app, .GET, "/api/v1/public/track/\(accepted.trackingCode)").body)
            #expect(track.nextStep.contains("将在\(track.dueOn ?? "?")前办结"), "\(track.nextStep)")
            let page = try await send(app, .GET, "/public/track?code=\(accepted.trackingCode)")
            #expect(page.body.contains("id=\"next-step\"") && page.body.contains(accepted.receivedOn))
            let missing = try await s.intake(app, extra: ["missing": "户口簿复印件"])
            let told = try StationFixture.decode(TrackDTO.self, try await send(app, .GET, "/api/v1/public/track/\(missing.trackingCode)").body)
            #expect(told.status == "materialsMissing" && told.nextStep.contains("补齐"))
        }
    }
}

/// Signing in leads each role to its own work (issue 22.1).
@Suite("Landing after sign-in")
struct LandingTests {
    @Test("station staff land on the desk, other roles on their unit's page, several places or the administrator on the home page; a next page wins")
    func landing() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhan", .stationStaff, at: world.villageV1)
            try await World.user(app, "shu", .partySecretary, at: world.villageV1)
            try await World.user(app, "zhen", .townshipOfficial, at: world.townshipA1)
            try await World.user(app, "root", .admin, at: nil)
            let two = try await World.user(app, "two", .townshipOfficial, at: world.townshipA2)
            try await RoleAssignment(userID: try two.requireID(), role: .townshipOfficial, unit: world.townshipA1).create(on: app.db)
            func land(_ user: String, next: String = "") async throws -> String? {
                let page = try await send(app, .GET, "/login")
                let token = try #require(page.headers.setCookie?[SessionCookie.loginCSRF]?.string)
                let answer = try await send(app, .POST, "/login", form: ["username": user, "password": World.password, CSRF.field: token, "next": next],
                                            headers: ["Cookie": "\(SessionCookie.loginCSRF)=\(token)"])
                #expect(answer.status == .seeOther)
                return answer.headers.first(name: .location)
            }
            let v1 = try world.villageV1.requireID()
            #expect(try await land("zhan") == "/units/\(v1)/station")
            #expect(try await land("shu") == "/units/\(v1)")
            #expect(try await land("zhen") == "/units/\(try world.townshipA1.requireID())")
            #expect(try await land("two") == "/")
            #expect(try await land("root") == "/")
            #expect(try await land("zhan", next: "/units/\(v1)/records") == "/units/\(v1)/records")
        }
    }
}

/// The resident's front door (issue 22.5): find a station by place or by name, a short
/// address by the village's code, the hotline to dial.
@Suite("Finding a station")
struct FinderTests {
    @Test("from the top down to a village's station, by name, by the village's code; the hotline dials; odd input answers 400 or 404")
    func finder() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            world.villageV1.code = "110116104201"
            try await world.villageV1.save(on: app.db)
            let v1 = try world.villageV1.requireID()
            let found1 = try await VillageProfile.query(on: app.db).filter(\.$unit.$id == v1).first()
            let profile = try #require(found1)
            profile.hotline = "010-69672101"
            try await profile.save(on: app.db)
            let top = try await send(app, .GET, "/public")
            #expect(top.status == .ok && top.body.contains("北京市") && !top.body.contains("前辛庄村"))
            #expect(try await send(app, .GET, "/login").body.contains("href=\"/public\""), "the sign-in page shows residents their way in")
            var page = top.body
            for name in ["北京市", "怀柔区", "桥梓镇"] {
                let href = try #require(page.components(separatedBy: "\">\(name)</a>").first?.components(separatedBy: "href=\"").last)
                page = try await send(app, .GET, href.replacingOccurrences(of: "&amp;", with: "&")).body
            }
            let station = "/public/stations/\(try world.villageV1.requireID())"
            #expect(page.contains("href=\"\(station)\">前辛庄村</a>") && page.contains("后辛庄村") && !page.contains("河防口村"))
            #expect(page.contains("class=\"crumbs\""))
            let found = try await send(app, .GET, "/public?q=辛庄")
            #expect(found.body.contains("前辛庄村") && found.body.contains("后辛庄村") && !found.body.contains("河防口村") && found.body.contains("怀柔区 · 桥梓镇"))
            #expect(try await send(app, .GET, "/public?q=不存在").body.contains("没有找到"))
            #expect(try await send(app, .GET, "/public?q=" + String(repeating: "村", count: 21).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).status == .badRequest)
            #expect(try await send(app, .GET, "/public?unit=\(UUID())").status == .notFound)
            #expect(try await send(app, .GET, "/public?unit=\(try world.villageV1.requireID())").status == .notFound)
            let short = try await send(app, .GET, "/s/110116104201")
            #expect(short.status == .seeOther && short.headers.first(name: .location) == station)
            #expect(try await send(app, .GET, "/s/110116104299").status == .notFound)
            #expect(try await send(app, .GET, "/s/abc").status == .notFound)
            #expect(try await send(app, .GET, station).body.contains("<a href=\"tel:01069672101\">010-69672101</a>"))
        }
    }
}
