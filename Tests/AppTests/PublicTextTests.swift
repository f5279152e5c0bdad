@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 18, item 4: public pages and Open311 show only what is meant to be public; identity
/// and phone numbers in any text are masked before they are shown or written to the ledger;
/// the public form's rate limit cannot be dodged with a forged X-Forwarded-For.
@Suite("Public answers show only what is public")
struct PublicTextTests {
    @Test("masking finds identity-card, mobile and fixed-line numbers in text, and leaves dates, amounts and division codes")
    func masking() {
        #expect(PersonalText.masked("请联系13812345678或010-69641234，身份证110101199003071234。") == "请联系138****5678或0106*****34，身份证110***********1234。")
        #expect(PersonalText.masked("身份证号11010119900307123X已核对") == "身份证号110***********123X已核对")
        #expect(PersonalText.masked("电话 139 1234 5678") == "电话 139****5678")
        #expect(PersonalText.masked("2026-12-04拨付12345678.50元，区划110116101201，编号AB13812345678") == "2026-12-04拨付12345678.50元，区划110116101201，编号AB13812345678")
        #expect(PersonalText.masked("监督电话010-69641234；联系人手机13812345678", .keepFixedLines) == "监督电话010-69641234；联系人手机138****5678")
        #expect(PersonalText.masked("") == "")
        // Numbers beside other numbers: each is found on its own.
        #expect(PersonalText.masked("联系13800138000 2份") == "联系138****8000 2份")
        #expect(PersonalText.masked("王五 13800138000 2026-12-04前补齐") == "王五 138****8000 2026-12-04前补齐")
        #expect(PersonalText.masked("13800138000 13900139000") == "138****8000 139****9000")
        #expect(PersonalText.masked("010-6964-1234或139-1234-5678") == "0106*****34或139****5678")
        #expect(PersonalText.masked("身份证 110101 19900307 1234") == "身份证 110***********1234")
        // Full-width digits, as Chinese input methods type them.
        #expect(PersonalText.masked("电话１３８００１３８０００") == "电话138****8000")
    }

    @Test("a refusal reason or missing-materials list reaches the track page and Open311 only when staff mark it as the reply, masked; the ledger keeps no numbers")
    func replies() async throws {
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            // Not marked: the resident sees the status, nothing staff wrote.
            let first = try await s.intake(app)
            try await s.act(app, first.id, ["action": "refuse", "reason": "内部原因：已与13812345678核实，不予受理"])
            let unmarked = try await send(app, .GET, "/api/v1/public/track/\(first.trackingCode)")
            #expect(unmarked.status == .ok && !unmarked.body.contains("内部原因") && !unmarked.body.contains("13812345678"))
            let unmarkedPage = try await send(app, .GET, "/public/track?code=\(first.trackingCode)")
            #expect(!unmarkedPage.body.contains("内部原因"))
            // Marked: shown, with the phone number masked.
            let second = try await s.intake(app)
            try await s.act(app, second.id, ["action": "requestMaterials", "missing": "户口簿原件\n请致电13812345678预约", "replyToResident": "true"])
            let marked = try await send(app, .GET, "/api/v1/public/track/\(second.trackingCode)")
            #expect(marked.body.contains("户口簿原件") && marked.body.contains("138****5678") && !marked.body.contains("13812345678"))
            let third = try await s.intake(app)
            try await s.act(app, third.id, ["action": "refuse", "reason": "不属于本站办理范围，请到镇社保所办理", "replyToResident": "1"])
            let page = try await send(app, .GET, "/public/track?code=\(third.trackingCode)")
            #expect(page.body.contains("服务站的答复") && page.body.contains("请到镇社保所办理"))
            // Open311: the status notes are the marked reply or the status, never an unmarked reason.
            let open311 = try await send(app, .GET, "/open311/v2/requests/\(first.trackingCode).json?jurisdiction_id=\(s.village)")
            #expect(open311.status == .ok && !open311.body.contains("内部原因") && open311.body.contains(T(.statusRefused)))
            let repliedOpen311 = try await send(app, .GET, "/open311/v2/requests/\(third.trackingCode).json?jurisdiction_id=\(s.village)")
            #expect(repliedOpen311.body.contains("请到镇社保所办理"))
            // The ledger: the reason is kept, its numbers masked.
            let payloads = try await Dialect.sql(app.db).select().column("payload").from("ledger_events").all().map { try $0.decode(column: "payload", as: String.self) }
            #expect(payloads.contains { $0.contains("内部原因") } && !payloads.contains { $0.contains("13812345678") })
        }
    }

    @Test("Open311's anonymous request list shows no tracking codes; a client with the station's key, or one naming a code, sees them")
    func open311Codes() async throws {
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            let anonymous = try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(s.village)")
            #expect(anonymous.status == .ok && anonymous.body.contains("\"service_request_id\":\"\"") && !anonymous.body.contains(item.trackingCode))
            let named = try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(s.village)&service_request_id=\(item.trackingCode)")
            #expect(named.body.contains(item.trackingCode))
            let secret = try await Integrations.create(.open311, village: s.world.villageV1, by: "wang", at: Date(), on: app.db)
            let keyed = try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(s.village)&api_key=\(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(keyed.body.contains(item.trackingCode))
        }
    }

    @Test("Open311: a .xml file, an unknown path or bad coordinates answer in Open311's error shape")
    func open311Errors() async throws {
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            for path in ["/open311/v2/services.xml?jurisdiction_id=\(s.village)", "/open311/v2/requests.xml", "/open311/v2/nothing-here"] {
                let answer = try await send(app, .GET, path)
                #expect(answer.status == .notFound, "\(path)")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: Any]], "\(path): \(answer.body)")
                #expect(body.first?["code"] as? Int == 404 && body.first?["description"] is String)
            }
            let secret = try await Integrations.create(.open311, village: s.world.villageV1, by: "wang", at: Date(), on: app.db)
            let before = try await s.count(app, "service_requests")
            for (lat, long) in [("91", "116.4"), ("39.9", "181"), ("NaN", "116"), ("1e400", "1"), ("39.9", ""), ("abc", "116")] {
                let answer = try await send(app, .POST, "/open311/v2/requests.json", form: ["jurisdiction_id": s.village.uuidString, "api_key": secret,
                                                                                               "service_code": "SB-01", "description": "路灯坏了", "phone": "13812345678",
                                                                                               "lat": lat, "long": long])
                #expect(answer.status == .badRequest && answer.body.contains("\"code\":400"), "\(lat),\(long): \(answer.body)")
            }
            #expect(try await s.count(app, "service_requests") == before)
            let good = try await send(app, .POST, "/open311/v2/requests.json", form: ["jurisdiction_id": s.village.uuidString, "api_key": secret, "service_code": "SB-01",
                                                                                        "description": "路灯坏了", "phone": "13812345678", "lat": "40.3123", "long": "116.6321"])
            #expect(good.status == .created, "\(good.body)")
        }
    }

    @Test("the public form's limit keys on the client as trusted proxies report it and on the phone number: a forged X-Forwarded-For gets nothing")
    func rateLimitKeys() async throws {
        // Who the client is, as the configured proxies report it.
        let proxies = try TrustedProxies("127.0.0.1, 10.0.0.0/8, ::1")
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"]) == "203.0.113.9", "an untrusted peer's header is ignored")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7, 10.1.2.3"]) == "198.51.100.7", "trusted hops are skipped")
        #expect(proxies.client(peer: "::ffff:127.0.0.1", forwardedFor: ["198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["evil, 198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7, junk"]) == "127.0.0.1", "a malformed nearest hop: trust nothing")
        #expect(TrustedProxies.rateKey("2001:db8:1:2::5") == TrustedProxies.rateKey("2001:db8:1:2:ffff::9"), "an IPv6 client is counted by its /64")
        #expect(TrustedProxies.rateKey("2001:db8:1:2::5") != TrustedProxies.rateKey("2001:db8:1:3::5"))
        #expect(TrustedProxies.rateKey("198.51.100.7") == "198.51.100.7")
        #expect(throws: TrustedProxies.BadEntry.self) { try TrustedProxies("10.0.0.0/33") }
        #expect(throws: TrustedProxies.BadEntry.self) { try TrustedProxies("example.com") }
        // Over real connections from 127.0.0.1. Without trusted proxies, X-Forwarded-For is
        // the client's to write and names nobody: the sixth submission from here is refused.
        let port = ServerProcess.freePort()
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            var statuses: [HTTPStatus] = []
            for n in 0..<6 { statuses.append(try await Self.submitPublic(app, s, phone: "1391234560\(n)", forwardedFor: "198.51.100.\(n)", port: port)) }
            #expect(statuses.prefix(5).allSatisfy { $0 == .created } && statuses[5] == .tooManyRequests, "\(statuses)")
        }
        // Behind a trusted proxy on 127.0.0.1, each forwarded address is its own client; one
        // phone number is still five submissions an hour, whatever the address.
        try await withApp(environment: ["CUNWU_TRUSTED_PROXIES": "127.0.0.1,::1"]) { app, _ in
            let s = try await StationFixture.make(app)
            var statuses: [HTTPStatus] = []
            for n in 0..<6 { statuses.append(try await Self.submitPublic(app, s, phone: "1391234560\(n)", forwardedFor: "198.51.100.\(n)", port: port)) }
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
            var samePhone: [HTTPStatus] = []
            for n in 0..<6 { samePhone.append(try await Self.submitPublic(app, s, phone: "13700001111", forwardedFor: "203.0.113.\(n)", port: port)) }
            #expect(samePhone.prefix(5).allSatisfy { $0 == .created } && samePhone[5] == .tooManyRequests, "\(samePhone)")
        }
    }

    @Test("a due date counted over a year whose holidays are not imported warns the clerk (request page, receipt, API) and the resident (track page and API)")
    func calendarNotice() async throws {
        try await withApp { app, clock in
            // The shipped calendar ends with 2026: three working days from 30 December reach into 2027.
            clock.set(beijingDay: "2026-12-30")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            #expect(item.dueOn == "2027-01-04" || item.dueOn == "2027-01-05", "\(item.dueOn ?? "")")
            let notice = T(.requestCalendarMissing, "2027")
            #expect(item.dueDateNotice == notice)
            #expect(try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)", as: s.wang).body.contains(notice))
            #expect(try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)/receipt", as: s.wang).body.contains(notice))
            let tracked = try StationFixture.decode(TrackDTO.self, try await send(app, .GET, "/api/v1/public/track/\(item.trackingCode)").body)
            #expect(tracked.dueDateNotice == notice)
            #expect(try await send(app, .GET, "/public/track?code=\(item.trackingCode)").body.contains(notice))
            // Within the calendar there is nothing to warn of.
            clock.set(beijingDay: "2026-12-01")
            #expect(try await s.intake(app).dueDateNotice == nil)
        }
    }

    /// Submits the public form as a browser would (token and challenge from the page; the
    /// challenge's answer read from the database) and returns the status.
    static func submitPublic(_ app: Application, _ s: StationFixture, phone: String, forwardedFor: String? = nil, port: Int? = nil) async throws -> HTTPStatus {
        let page = try await send(app, .GET, "/public/stations/\(s.village)/requests/new", port: port)
        let cookie = page.headers.setCookie?[SessionCookie.loginCSRF]?.string ?? ""
        func value(_ name: String) throws -> String {
            let marker = try #require(page.body.range(of: "name=\"\(name)\" value=\""))
            return String(page.body[marker.upperBound...].prefix { $0 != "\"" })
        }
        let challenge = try value("challengeID")
        let id = try #require(UUID(uuidString: challenge))
        let row = try #require(try await Dialect.sql(app.db).select().column("answer").from("public_challenges").where("id", .equal, SQLBind(id)).first())
        var headers: HTTPHeaders = ["Cookie": "\(SessionCookie.loginCSRF)=\(cookie)"]
        if let forwardedFor { headers.add(name: .xForwardedFor, value: forwardedFor) }
        return try await send(app, .POST, "/public/stations/\(s.village)/requests/new",
                              form: [CSRF.field: try value(CSRF.field), "serviceCode": "SB-01", "residentName": "赵大爷", "residentPhone": phone, "content": "办理",
                                     "challengeID": challenge, "challengeAnswer": try row.decode(column: "answer", as: String.self)], headers: headers, port: port).status
    }
}
