@testable import App
import Fluent
import Foundation
import SQLKit
import StandardKit
import Testing
import Vapor
import VaporTesting

@Suite("96156 tickets, Open311, public pages and the working-day calendar")
struct IntegrationTests {
    static func ticket(_ app: Application, station: String, secret: String, body: String, at seconds: Double, signature: String? = nil) async throws -> (status: HTTPStatus, body: String) {
        let timestamp = String(Int(seconds))
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: IntegrationController.stationHeader, value: station)
        headers.add(name: IntegrationController.timestampHeader, value: timestamp)
        headers.add(name: IntegrationController.signatureHeader, value: signature ?? Integrations.sign(timestamp: timestamp, body: Array(body.utf8), secret: secret))
        var result: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(.POST, "/integrations/96156/tickets", beforeRequest: { request in
            request.headers = headers
            request.body = ByteBuffer(string: body)
        }, afterResponse: { response in result = (response.status, response.body.string) })
        return result
    }

    @Test("96156: a signed ticket becomes a request; the same ticket again returns it; bad, stale or unsigned tickets get 401 and store nothing")
    func hotline() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let secret = try await Integrations.create(.hotline96156, village: s.world.villageV1, by: "wang", at: Date(), on: app.db)
            let now = clock.now.timeIntervalSince1970
            let body = #"{"ticketId": "T20260302-001", "serviceCode": "SB-01", "callerName": "钱奶奶", "callerPhone": "010-69612345", "content": "咨询养老保险"}"#
            let first = try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: body, at: now)
            #expect(first.status == .created, "\(first.body)")
            let receipt = try StationFixture.decode(HotlineReceiptDTO.self, first.body)
            #expect(receipt.status == "received" && !receipt.duplicate)
            let again = try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: body, at: now + 30)
            #expect(again.status == .ok)
            #expect(try StationFixture.decode(HotlineReceiptDTO.self, again.body).trackingCode == receipt.trackingCode)
            #expect(try await s.count(app, "service_requests") == 1)

            let other = #"{"ticketId": "T20260302-002", "serviceCode": "SB-01", "callerName": "孙大爷", "callerPhone": "13900001111", "content": "x"}"#
            #expect(try await Self.ticket(app, station: s.village.uuidString, secret: "wrong-secret", body: other, at: now).status == .unauthorized)
            #expect(try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: other, at: now - 301).status == .unauthorized)
            #expect(try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: other, at: now + 301).status == .unauthorized)
            #expect(try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: other, at: now, signature: "sha256=zz").status == .unauthorized)
            // Signed for one body, sent with another.
            let swapped = try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: other, at: now,
                                                signature: Integrations.sign(timestamp: String(Int(now)), body: Array(body.utf8), secret: secret))
            #expect(swapped.status == .unauthorized)
            // Another station's secret does not sign for this one.
            let v2 = try await Integrations.create(.hotline96156, village: s.world.villageV2, by: "admin", at: Date(), on: app.db)
            #expect(try await Self.ticket(app, station: s.village.uuidString, secret: v2, body: other, at: now).status == .unauthorized)
            #expect(try await s.count(app, "service_requests") == 1)
            #expect(try await s.count(app, "ledger_events") == 1)
            // A good signature with a bad ticket names the field.
            let bad = #"{"ticketId": "T3", "serviceCode": "NOPE", "callerName": "孙大爷", "callerPhone": "13900001111", "content": "x"}"#
            let invalid = try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: bad, at: now)
            #expect(invalid.status == .unprocessableEntity && invalid.body.contains("\"field\":\"serviceCode\""))
            // Every problem at once, each named by the ticket's own field (not the intake form's).
            let many = #"{"ticketId": "", "serviceCode": "SB-01", "callerName": "", "callerPhone": "12", "content": "x"}"#
            let named = try await Self.ticket(app, station: s.village.uuidString, secret: secret, body: many, at: now)
            #expect(named.status == .unprocessableEntity)
            for field in ["ticketId", "callerName", "callerPhone"] { #expect(named.body.contains("\"field\":\"\(field)\""), "\(field): \(named.body)") }
            #expect(!named.body.contains("residentName") && !named.body.contains("residentPhone"))

            // Staff take it on and become its first-inquiry owner.
            let list = try StationFixture.decode(RequestListDTO.self, try await send(app, .GET, s.requests, as: s.li).body)
            let item = try #require(list.requests.first)
            #expect(item.channel == "hotline96156" && item.firstOwner == nil && item.dueOn == nil)
            let accepted = try StationFixture.decode(RequestDTO.self, try await s.act(app, item.id, ["action": "accept"], as: s.li).body)
            #expect(accepted.firstOwner == "li" && accepted.dueOn == "2026-03-05")
            // The same new ticket twice at once: one request, both answers name it.
            let twice = #"{"ticketId": "T20260302-009", "serviceCode": "SB-01", "callerName": "郑大姐", "callerPhone": "13900002222", "content": "重复推送"}"#
            async let one = Self.ticket(app, station: s.village.uuidString, secret: secret, body: twice, at: now)
            async let two = Self.ticket(app, station: s.village.uuidString, secret: secret, body: twice, at: now)
            let answers = [try await one, try await two]
            #expect(answers.map(\.status.code).sorted() == [200, 201], "\(answers)")
            let codes = Set(try answers.map { try StationFixture.decode(HotlineReceiptDTO.self, $0.body).trackingCode })
            #expect(codes.count == 1)
            #expect(try await ServiceRequest.query(on: app.db).filter(\.$externalID == "96156:T20260302-009").count() == 1)
        }
    }

    @Test("Open311 GeoReport v2: services, definitions, posting with an api_key, listing and one request, with the specification's fields and errors")
    func open311() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let key = try await Integrations.create(.open311, village: s.world.villageV1, by: "wang", at: Date(), on: app.db)
            let j = s.village.uuidString

            let services = try await send(app, .GET, "/open311/v2/services.json?jurisdiction_id=\(j)")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(services.body.utf8)) as? [[String: Any]])
            #expect(list.count == 2) // PS-01 is not published
            for service in list {
                for field in ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"] { #expect(service[field] != nil, "\(field)") }
            }
            #expect(list.contains { $0["service_code"] as? String == "SB-01" && $0["type"] as? String == "realtime" })
            let definition = try await send(app, .GET, "/open311/v2/services/SB-01.json?jurisdiction_id=\(j)")
            #expect(definition.status == .ok && definition.body.contains("\"service_code\":\"SB-01\""))
            #expect(try await send(app, .GET, "/open311/v2/services/PS-01.json?jurisdiction_id=\(j)").status == .notFound)

            func errors(_ body: String) -> [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? [] }
            let noJurisdiction = try await send(app, .GET, "/open311/v2/services.json")
            #expect(noJurisdiction.status == .badRequest && errors(noJurisdiction.body).first?["code"] as? Int == 400)
            let unknown = try await send(app, .GET, "/open311/v2/services.json?jurisdiction_id=\(UUID())")
            #expect(unknown.status == .notFound && errors(unknown.body).first?["description"] != nil)

            var form = ["jurisdiction_id": j, "service_code": "SB-01", "description": "路灯坏了，请派人修理", "first_name": "明", "last_name": "周",
                        "phone": "13700001234", "address_string": "前辛庄村东街3号", "lat": "40.32", "long": "116.63"]
            let refused = try await send(app, .POST, "/open311/v2/requests.json", form: form)
            #expect(refused.status == .forbidden && errors(refused.body).first?["code"] as? Int == 403)
            form["api_key"] = key
            let created = try await send(app, .POST, "/open311/v2/requests.json", form: form)
            #expect(created.status == .created, "\(created.body)")
            let receipt = try #require(errors(created.body).first)
            let id = try #require(receipt["service_request_id"] as? String)
            #expect(receipt["service_notice"] as? String != nil)
            form["service_code"] = "NOPE"
            let badCode = try await send(app, .POST, "/open311/v2/requests.json", form: form)
            #expect(badCode.status == .badRequest)

            let fields = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
                          "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
            let one = try await send(app, .GET, "/open311/v2/requests/\(id).json?jurisdiction_id=\(j)")
            let request = try #require(errors(one.body).first)
            for field in fields { #expect(request.keys.contains(field), "\(field)") }
            #expect(request["status"] as? String == "open")
            #expect(request["description"] as? String == "", "the public does not see the resident's words")
            #expect(!one.body.contains("周明") && !one.body.contains("1370000"))
            let withKey = try await send(app, .GET, "/open311/v2/requests/\(id).json?jurisdiction_id=\(j)&api_key=\(key)")
            #expect((errors(withKey.body).first?["description"] as? String)?.contains("路灯坏了") == true)
            let open = try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(j)&status=open")
            #expect(errors(open.body).count == 1)
            let closed = try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(j)&status=closed")
            #expect(errors(closed.body).isEmpty)
            #expect(try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(j)&status=maybe").status == .badRequest)
            #expect(try await send(app, .GET, "/open311/v2/requests/NOSUCH.json?jurisdiction_id=\(j)").status == .notFound)
            #expect(try await send(app, .GET, "/open311/v2/requests/\(id).xml?jurisdiction_id=\(j)").status == .notFound)
        }
    }

    @Test("the public page lists services and guides; online submission needs the challenge, is rate-limited per address, and can be tracked")
    func publicSubmission() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let station = try await send(app, .GET, "/public/stations/\(s.village)")
            #expect(station.status == .ok && station.body.contains("城乡居民养老保险登记") && station.body.contains("3个工作日") && !station.body.contains("商品配送"))
            let guide = try await send(app, .GET, "/public/stations/\(s.village)/services/SB-01")
            #expect(guide.body.contains("户口簿") && guide.body.contains("携带户口簿和身份证"))
            #expect(try await send(app, .GET, "/public/stations/\(s.village)/services/PS-01").status == .notFound)
            #expect(try await send(app, .GET, "/public/stations/\(s.township)").status == .notFound)

            var form = ["serviceCode": "SB-01", "residentName": "吴阿姨", "residentPhone": "13600002222", "content": "想办理养老保险登记"]
            var cookie = ""
            func challenge() async throws -> (id: String, answer: String) {
                let page = try await send(app, .GET, "/public/stations/\(s.village)/requests/new", headers: cookie.isEmpty ? [:] : ["Cookie": cookie])
                if let set = page.headers.setCookie?[SessionCookie.loginCSRF]?.string { cookie = "\(SessionCookie.loginCSRF)=\(set)" }
                let token = try #require(page.body.range(of: "name=\"\(CSRF.field)\" value=\""))
                form[CSRF.field] = String(page.body[token.upperBound...].prefix { $0 != "\"" })
                let marker = try #require(page.body.range(of: "name=\"challengeID\" value=\""))
                let id = String(page.body[marker.upperBound...].prefix(36))
                let uuid = try #require(UUID(uuidString: id))
                let row = try #require(try await Dialect.sql(app.db).select().column("answer").from("public_challenges").where("id", .equal, SQLBind(uuid)).first())
                return (id, try row.decode(column: "answer", as: String.self))
            }
            let c1 = try await challenge()
            form["challengeID"] = c1.id
            form["challengeAnswer"] = String((Int(c1.answer) ?? 0) + 1)
            let wrong = try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie])
            #expect(wrong.status == .unprocessableEntity && wrong.body.contains("算式答案不对"))
            // The challenge is used up by that attempt, even with the right answer now.
            form["challengeAnswer"] = c1.answer
            #expect(try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie]).status == .unprocessableEntity)
            #expect(try await s.count(app, "service_requests") == 0)
            let c2 = try await challenge()
            form["challengeID"] = c2.id
            form["challengeAnswer"] = c2.answer
            let ok = try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie])
            #expect(ok.status == .created)
            let code = try #require(ok.body.range(of: "<strong>").map { String(ok.body[$0.upperBound...].prefix(10)) })
            let tracked = try StationFixture.decode(TrackDTO.self, try await send(app, .GET, "/api/v1/public/track/\(code)").body)
            #expect(tracked.status == "received" && tracked.history.map(\.action) == ["submit"])
            // Five attempts an hour from one address; the sixth is refused before anything else.
            let c3 = try await challenge()
            form["challengeID"] = c3.id
            form["challengeAnswer"] = c3.answer
            let limited = try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie])
            #expect(limited.status == .created)
            // (The fifth attempt reuses a spent challenge; it still counts.)
            #expect(try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie]).status == .unprocessableEntity)
            let sixth = try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie])
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.body.contains("提交过于频繁"))
            clock.advance(minutes: 61)
            let c4 = try await challenge()
            form["challengeID"] = c4.id
            form["challengeAnswer"] = c4.answer
            #expect(try await send(app, .POST, "/public/stations/\(s.village)/requests/new", form: form, headers: ["Cookie": cookie]).status == .created)
        }
    }

    @Test("a resident rates a completed request once on the tracking page; the station's monthly figures carry the 满意率")
    func residentFeedback() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            // Not completed: no form, and a forged rating is refused.
            var cookie = ""
            func page() async throws -> String {
                let result = try await send(app, .GET, "/public/track?code=\(item.trackingCode)", headers: cookie.isEmpty ? [:] : ["Cookie": cookie])
                if let set = result.headers.setCookie?[SessionCookie.loginCSRF]?.string { cookie = "\(SessionCookie.loginCSRF)=\(set)" }
                return result.body
            }
            var token = ""
            func rate(_ value: String) async throws -> (status: HTTPStatus, body: String) {
                let body = try await page()
                if let range = body.range(of: "name=\"\(CSRF.field)\" value=\"") { token = String(body[range.upperBound...].prefix { $0 != "\"" }) }
                let result = try await send(app, .POST, "/public/track/feedback", form: [CSRF.field: token, "code": item.trackingCode, "satisfaction": value],
                                            headers: ["Cookie": cookie])
                return (result.status, result.body)
            }
            #expect(try await !page().contains("name=\"satisfaction\""))
            _ = try await s.act(app, item.id, ["action": "complete", "result": "已登记"])
            #expect(try await page().contains("您对这次办理满意吗？"))
            #expect(try await rate("great").status == .unprocessableEntity)
            let done = try await rate("basicallySatisfied")
            #expect(done.status == .seeOther)
            let after = try await page()
            #expect(after.contains("id=\"feedback-given\"") && after.contains("基本满意") && !after.contains("name=\"satisfaction\""))
            #expect(try await rate("dissatisfied").status == .conflict, "once")
            let track = try StationFixture.decode(TrackDTO.self, try await send(app, .GET, "/api/v1/public/track/\(item.trackingCode)").body)
            #expect(track.feedback == "basicallySatisfied" && !track.mayRate)
            let stats = try StationFixture.decode(StationStatsDTO.self, try await send(app, .GET, "/api/v1/units/\(s.village)/station/stats?year=2026", as: s.wang).body)
            #expect(stats.total.requestsRated == 1 && stats.total.feedbackRate == 1 && stats.months[2].requestsSatisfied == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "feedback").count() == 1)
        }
    }

    @Test("administrators import a later year's holidays; bad data is refused with the reason; time limits then use them")
    func calendarAdmin() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2027-02-03")
            var s = try await StationFixture.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let admin = try await login(app, "root")
            let year2027 = #"{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）", "holidays": [{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}], "workdays": [{"name": "春节调休上班", "date": "2027-02-13"}]}"#
            #expect(try await s.intake(app).dueOn == "2027-02-08") // weekends only: Thu 4, Fri 5, Mon 8
            let bad = year2027.replacingOccurrences(of: "2027-02-13", with: "2027-02-12")
            var headers = HTTPHeaders()
            headers.contentType = .json
            func post(_ body: String, as session: Session) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.internalServerError, "")
                try await app.testing().test(.POST, "/api/v1/calendar", beforeRequest: { request in
                    request.headers = session.headers(json: true)
                    request.body = ByteBuffer(string: body)
                }, afterResponse: { response in result = (response.status, response.body.string) })
                return result
            }
            let refused = try await post(bad, as: admin)
            #expect(refused.0 == .unprocessableEntity && refused.1.contains("不是周六或周日"))
            #expect(try await post(year2027, as: s.wang).0 == .notFound)
            let stored = try await post(year2027, as: admin)
            #expect(stored.0 == .ok && stored.1.contains("2027"))
            try await s.relogin(app)
            #expect(try await s.intake(app).dueOn == "2027-02-13") // Thu 4, Fri 12, Sat 13 (worked)
            // Pages: the admin removes a day; a bad form names the field.
            let page = try await send(app, .POST, "/admin/calendar/days", as: admin, form: ["date": "2027-13-01", "kind": "holiday", "name": "x"])
            #expect(page.status == .unprocessableEntity)
            let removed = try await send(app, .POST, "/admin/calendar/days/delete", as: admin, form: ["date": "2027-02-13"])
            #expect(removed.status == .seeOther)
            let years = try StationFixture.decode(CalendarController.YearsDTO.self, try await send(app, .GET, "/api/v1/calendar", as: s.wang).body)
            #expect(years.years.map(\.year) == [2025, 2026, 2027])
            #expect(years.years.last?.workdays.isEmpty == true)
        }
    }

    @Test("station pages: a credential is shown once and stops working when revoked; the receipt and the monthly chart render")
    func stationPages() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let made = try await send(app, .POST, "/units/\(s.village)/integrations/new", as: s.wang, form: ["kind": "open311"])
            #expect(made.status == .ok)
            let marker = try #require(made.body.range(of: "<code>"))
            let key = String(made.body[marker.upperBound...].prefix(64))
            #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
            let again = try await send(app, .GET, "/units/\(s.village)/integrations", as: s.wang)
            #expect(!again.body.contains(key), "the key is shown only once")
            let form = ["jurisdiction_id": s.village.uuidString, "api_key": key, "service_code": "SB-01", "description": "x", "phone": "13700001234"]
            #expect(try await send(app, .POST, "/open311/v2/requests.json", form: form).status == .created)
            let keyID = try #require(try await Integrations.keys(village: s.village, kind: .open311, on: app.db).first?.id)
            #expect(try await send(app, .POST, "/units/\(s.village)/integrations/\(keyID)/revoke", as: s.wang, form: [:]).status == .seeOther)
            #expect(try await send(app, .POST, "/open311/v2/requests.json", form: form).status == .forbidden)
            #expect(try await send(app, .POST, "/units/\(s.village)/integrations/new", as: s.town, form: ["kind": "open311"]).status == .forbidden)

            let item = try await s.intake(app, extra: ["missing": "户口簿复印件"])
            let receipt = try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)/receipt", as: s.wang)
            #expect(receipt.body.contains(item.trackingCode) && receipt.body.contains("户口簿复印件") && !receipt.body.contains("13812345678"))
            let stats = try await send(app, .GET, "/units/\(s.township)/station/stats?year=2026", as: s.town)
            #expect(stats.status == .ok && stats.body.contains("<svg") && stats.body.contains("2026-03"))
        }
    }

    @Test("the station's API responses match their OpenAPI schemas")
    func schemas() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            try await send(app, .POST, "/api/v1/units/\(s.village)/complaints", as: s.wang,
                           json: ["trackingCode": item.trackingCode, "complainantName": "赵大爷", "complainantPhone": "13812345678", "content": "慢"])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(try await send(app, .GET, "/api/v1/openapi.json").body.utf8)) as? [String: Any])
            let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let checker = SchemaChecker(components: components)
            let calls: [(String, String)] = [
                ("/api/v1/units/\(s.village)/requests", "ServiceRequestList"),
                ("/api/v1/units/\(s.village)/requests/\(item.id)", "ServiceRequestDetail"),
                ("/api/v1/units/\(s.village)/overdue", "ServiceRequestList"),
                ("/api/v1/units/\(s.village)/complaints", "ComplaintList"),
                ("/api/v1/units/\(s.village)/ledger", "LedgerEventList"),
                ("/api/v1/units/\(s.village)/ledger/verification", "LedgerVerification"),
                ("/api/v1/units/\(s.village)/station/stats", "StationStats"),
                ("/api/v1/public/track/\(item.trackingCode)", "Track"),
                ("/api/v1/calendar", "CalendarYears"),
            ]
            for (url, schema) in calls {
                let result = try await send(app, .GET, url, as: s.wang)
                #expect(result.status == .ok, "\(url)")
                let value = try JSONSerialization.jsonObject(with: Data(result.body.utf8))
                let problems = checker.problems(value, against: ["$ref": "#/components/schemas/\(schema)"])
                #expect(problems.isEmpty, "\(url): \(problems)")
            }
        }
    }
}
