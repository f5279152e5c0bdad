@testable import App
import Fluent
import Foundation
import StandardKit
import Testing
import Vapor
import VaporTesting

/// Lists read a page at a time in the database (issue 24): the village's service requests.
@Suite("Paged lists")
struct PagingTests {
    @Test("page sizes are 1–200 (50 when not given); cursors round-trip and anything else is refused naming the field")
    func sizesAndCursors() throws {
        let sizes = try [nil, "", "200", "1"].map { try Paging.limit($0) }
        #expect(sizes == [50, 50, 200, 1])
        for bad in ["0", "201", "abc", "-5", "99999", "1e3"] {
            do { _ = try Paging.limit(bad); Issue.record("\(bad) was taken") } catch let AppError.badQuery(fields) { #expect(fields.map(\.field) == ["limit"]) }
        }
        let cursor = Paging.cursor(["2026-12-05", "0193A1B2-0000-7000-8000-000000000001"])
        #expect(try Paging.parts(cursor, count: 2) == ["2026-12-05", "0193A1B2-0000-7000-8000-000000000001"])
        #expect(!cursor.contains("=") && !cursor.contains("/") && !cursor.contains("+"))
        for bad in ["!!!", Paging.cursor(["one"]), String(repeating: "A", count: 400), "%00"] {
            do { _ = try Paging.parts(bad, count: 2); Issue.record("\(bad.prefix(20)) was taken") } catch let AppError.badQuery(fields) { #expect(fields.map(\.field) == ["cursor"]) }
        }
    }

    @Test("a village's requests come a page at a time, newest first across days, every one once; filters, counts and the next link work on the page and in the API")
    func requestPages() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-12-01")
            var f = try await StationFixture.make(app)
            var made: [UUID] = []
            for i in 0..<5 { made.append(try await f.intake(app, code: i == 0 ? "DJ-01" : "SB-01").id) }
            clock.set(beijingDay: "2026-12-02")
            try await f.relogin(app)
            for _ in 0..<2 { made.append(try await f.intake(app, extra: ["channel": "phone"]).id) }
            func page(_ query: String) async throws -> RequestListDTO {
                let result = try await send(app, .GET, f.requests + query, as: f.wang)
                try #require(result.status == .ok, "\(result.body)")
                return try StationFixture.decode(RequestListDTO.self, result.body)
            }
            var seen: [UUID] = []
            var cursor: String?
            var pages = 0
            repeat {
                let p = try await page("?limit=3" + (cursor.map { "&cursor=" + $0 } ?? ""))
                #expect(p.total == 7 && p.requests.count <= 3)
                seen += p.requests.map(\.id)
                cursor = p.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == made.reversed(), "newest first, each once, across the day boundary")
            // Filters count in the database, and the cursor keeps to them.
            #expect(try await page("?channel=phone").total == 2)
            #expect(try await page("?service=DJ-01").requests.map(\.id) == [made[0]])
            // Overdue: open past the due date, as each request's own fields say.
            func overdueByHand(_ today: String) async throws -> Int {
                try await page("?limit=200").requests.count { ["accepted", "inProgress", "transferred"].contains($0.status) && ($0.dueOn ?? "9999") < today }
            }
            let early = try await overdueByHand("2026-12-02")
            #expect(try await page("?overdue=1").total == early)
            clock.set(beijingDay: "2026-12-20")
            try await f.relogin(app)
            let late = try await overdueByHand("2026-12-20")
            let overdueTotal = try await page("?overdue=1").total
            #expect(late >= 6 && overdueTotal == late, "the 3-working-day ones are past their limit")
            #expect(try await page("?overdue=1&service=SB-01").total == 6)
            // The township's overdue list across its villages pages the same way, the longest overdue first.
            let overdue = "/api/v1/units/\(f.township)/overdue"
            let first = try StationFixture.decode(RequestListDTO.self, try await send(app, .GET, overdue + "?limit=4", as: f.town).body)
            let rest = try StationFixture.decode(RequestListDTO.self, try await send(app, .GET, overdue + "?limit=4&cursor=" + (first.next ?? ""), as: f.town).body)
            #expect(first.total == late && first.requests.count == 4 && rest.requests.count == late - 4 && rest.next == nil, "\(first.total ?? -1) \(rest.requests.count)")
            let due = (first.requests + rest.requests).compactMap(\.dueOn)
            #expect(due == due.sorted() && Set((first.requests + rest.requests).map(\.id)).count == late)
            let page2 = try await send(app, .GET, "/units/\(f.township)/overdue?limit=4", as: f.town)
            #expect(page2.body.contains("（本页4件）") && page2.body.contains("rel=\"next\""))
            // The ledger's API pages the same way, newest first: every event once, across stations' keys.
            var events: [String] = []
            var ledgerCursor: String?
            var ledgerPages = 0
            repeat {
                let result = try await send(app, .GET, "/api/v1/units/\(f.township)/ledger?limit=4" + (ledgerCursor.map { "&cursor=" + $0 } ?? ""), as: f.town)
                let p = try StationFixture.decode(LedgerListDTO.self, result.body)
                #expect(p.events.count <= 4 && p.total == 7)
                events += p.events.map(\.hash)
                ledgerCursor = p.next
                ledgerPages += 1
            } while ledgerCursor != nil && ledgerPages < 10
            #expect(ledgerPages == 2 && events.count == 7 && Set(events).count == 7)
            let bad = try await send(app, .GET, "/api/v1/units/\(f.township)/ledger?cursor=" + Paging.cursor(["x", "y", "z"]), as: f.town)
            #expect(bad.status == .badRequest && bad.body.contains("\"field\":\"cursor\""))
            // Bad values are named.
            for (query, field) in [("?limit=500", "limit"), ("?cursor=xyz", "cursor"), ("?channel=fax", "channel")] {
                let result = try await send(app, .GET, f.requests + query, as: f.wang)
                #expect(result.status == .badRequest && result.body.contains("\"field\":\"\(field)\""), "\(query): \(result.body)")
            }
            // The page: the count, and a next link that keeps the filters; the page after links back to the first.
            let html = try await send(app, .GET, "/units/\(f.village)/requests?limit=3&service=SB-01", as: f.wang)
            #expect(html.body.contains("共6条，本页3条"))
            let anchor = try #require(html.body.range(of: "rel=\"next\"").map { html.body[..<$0.lowerBound] }, "\(html.body.suffix(2000))")
            let href = String(anchor[try #require(anchor.range(of: "href=\"", options: .backwards)).upperBound...].prefix { $0 != "\"" })
                .replacingOccurrences(of: "&amp;", with: "&")
            #expect(href.hasPrefix("/units/\(f.village)/requests?limit=3&service=SB-01&cursor="), "\(href)")
            let second = try await send(app, .GET, href, as: f.wang)
            #expect(second.body.contains("共6条，本页3条") && second.body.contains("回到第一页") && !second.body.contains("rel=\"next\""))
        }
    }

    /// Follows a list's pages through the API by `next`, returning every page.
    static func walk(_ app: Application, _ path: String, as session: Session, key: String) async throws -> [[String: Any]] {
        var pages: [[String: Any]] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let result = try await send(app, .GET, path + (cursor.map { separator + "cursor=" + $0 } ?? ""), as: session)
            try #require(result.status == .ok, "\(path): \(result.body)")
            let page = try StationFixture.json(result.body)
            pages.append(page)
            cursor = page["next"] as? String
        } while cursor != nil && pages.count < 50
        return pages
    }

    static func ids(_ pages: [[String: Any]], _ key: String) -> [String] {
        pages.flatMap { ($0[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    /// The href of the page's "next" link, unescaped.
    static func nextLink(_ body: String) -> String? {
        guard let end = body.range(of: "rel=\"next\"") else { return nil }
        let before = body[..<end.lowerBound]
        guard let start = before.range(of: "href=\"", options: .backwards) else { return nil }
        return String(before[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("records of every kind, complaints, the audit log, accounts, the ledger page and Open311 come a page at a time: every row once, in order, with filters kept and bad cursors named")
    func everyList() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-12-01")
            let f = try await StationFixture.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let root = try await login(app, "root")
            let meetings = "/api/v1/units/\(f.village)/meetings"
            // Seven meetings on three days, three on one day: ties are broken by when they were made.
            var made: [(day: String, id: String)] = []
            for (i, day) in ["2026-04-10", "2026-04-10", "2026-06-15", "2026-04-10", "2026-05-01", "2026-06-15", "2026-05-01"].enumerated() {
                let id = try await StationFixture.create(app, f.wang, meetings, ["kind": "representativeMeeting", "date": day, "title": "会议\(i)"])
                made.append((day, id))
            }
            let pages = try await Self.walk(app, meetings + "?limit=3", as: f.wang, key: "records")
            #expect(pages.count == 3 && pages.allSatisfy { ($0["total"] as? Int) == 7 })
            let walked = Self.ids(pages, "records")
            // Newest day first; within a day, the one made last first.
            let expected = made.enumerated().sorted { a, b in a.element.day != b.element.day ? a.element.day > b.element.day : a.offset > b.offset }.map(\.element.id)
            #expect(walked == expected, "\(walked) vs \(expected)")
            let may = try await Self.walk(app, meetings + "?from=2026-05-01&to=2026-05-31", as: f.wang, key: "records")
            #expect(may.first?["total"] as? Int == 2 && Self.ids(may, "records").count == 2)
            // A kind without a date pages by when its records were made; it has no date filter.
            let workers = try await Self.walk(app, "/api/v1/units/\(f.village)/workers?limit=1", as: f.wang, key: "records")
            #expect(Self.ids(workers, "records") == [f.workerB, f.workerA])
            let undated = try await send(app, .GET, "/api/v1/units/\(f.village)/workers?from=2026-01-01", as: f.wang)
            #expect(undated.status == .badRequest && undated.body.contains("\"field\":\"from\""))
            let list = try await send(app, .GET, "/units/\(f.village)/records/meetings?limit=3", as: f.wang)
            #expect(list.body.contains("共7条，本页3条"))
            let next = try #require(Self.nextLink(list.body))
            #expect(next.hasPrefix("/units/\(f.village)/records/meetings?limit=3&cursor="))
            let after = try await send(app, .GET, next, as: f.wang)
            #expect(after.status == .ok && after.body.contains("回到第一页") && after.body.contains(expected[3]) && !after.body.contains(expected[0]))

            // Complaints, newest first, by status.
            var complaints: [String] = []
            for _ in 0..<5 {
                let request = try await f.intake(app)
                complaints.append(try await StationFixture.create(app, f.wang, "/api/v1/units/\(f.village)/complaints",
                                                                  ["trackingCode": request.trackingCode, "complainantName": "赵大爷", "complainantPhone": "13812345678", "content": "等太久"]))
            }
            let resolved = try await send(app, .POST, "/api/v1/units/\(f.village)/complaints/\(complaints[1])/resolve", as: f.wang,
                                          json: ["result": "已道歉并办结", "satisfaction": "satisfied"])
            #expect(resolved.status == .ok, "\(resolved.body)")
            let complaintPages = try await Self.walk(app, "/api/v1/units/\(f.village)/complaints?limit=2", as: f.wang, key: "complaints")
            #expect(complaintPages.count == 3 && Self.ids(complaintPages, "complaints") == complaints.reversed())
            let open = try await Self.walk(app, "/api/v1/units/\(f.village)/complaints?status=open", as: f.wang, key: "complaints")
            #expect(open.first?["total"] as? Int == 4 && !Self.ids(open, "complaints").contains(complaints[1]))
            let badStatus = try await send(app, .GET, "/api/v1/units/\(f.village)/complaints?status=maybe", as: f.wang)
            #expect(badStatus.status == .badRequest && badStatus.body.contains("\"field\":\"status\""))
            let complaintPage = try await send(app, .GET, "/units/\(f.village)/complaints?limit=2&status=open", as: f.wang)
            #expect(complaintPage.body.contains("共4条，本页2条") && Self.nextLink(complaintPage.body)?.contains("status=open") == true)

            // The audit log: newest first by time, every event once.
            let audit = try await Self.walk(app, "/api/v1/audit?limit=7", as: root, key: "events")
            let events = Self.ids(audit, "events")
            let total = try await auditCount(app)
            #expect(audit.first?["total"] as? Int == total && events.count == total && Set(events).count == total && audit.count == (total + 6) / 7)
            let times = audit.flatMap { ($0["events"] as? [[String: Any]] ?? []).compactMap { $0["at"] as? String } }
            #expect(times == times.sorted(by: >))
            let auditPage = try await send(app, .GET, "/audit?limit=5&objectType=meetings", as: root)
            #expect(auditPage.body.contains("共7条，本页5条") && Self.nextLink(auditPage.body)?.contains("objectType=meetings") == true)
            let badAudit = try await send(app, .GET, "/api/v1/audit?cursor=" + Paging.cursor(["soon", UUID().uuidString]), as: root)
            #expect(badAudit.status == .badRequest && badAudit.body.contains("\"field\":\"cursor\""))

            // Accounts by username, and those whose username starts with what is typed.
            let users = try await Self.walk(app, "/api/v1/users?limit=2", as: root, key: "users")
            let names = users.flatMap { ($0["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String } }
            #expect(names == ["li", "root", "town", "wang"])
            let wang = try await Self.walk(app, "/api/v1/users?q=WA", as: root, key: "users")
            #expect(wang.first?["total"] as? Int == 1 && Self.ids(wang, "users").count == 1)
            let userPage = try await send(app, .GET, "/admin/users?limit=3", as: root)
            #expect(userPage.body.contains("共4个用户，本页3个") && Self.nextLink(userPage.body) != nil)

            // The ledger's page: a next link keeping the period, and the page after differs.
            let ledger = try await send(app, .GET, "/units/\(f.village)/ledger?from=2026-12-01&to=2026-12-01&limit=3", as: f.wang)
            let ledgerNext = try #require(Self.nextLink(ledger.body))
            #expect(ledgerNext.contains("from=2026-12-01") && ledgerNext.contains("to=2026-12-01") && ledger.body.contains("本页3条"))
            let ledgerAfter = try await send(app, .GET, ledgerNext, as: f.wang)
            #expect(ledgerAfter.status == .ok && ledgerAfter.body.contains("回到第一页"))
            #expect(try await send(app, .GET, "/units/\(f.village)/ledger?cursor=abc", as: f.wang).status == .badRequest)

            // Open311: the specification's array, a page at a time by a Link header.
            let key = try await Integrations.create(.open311, village: f.world.villageV1, by: "wang", at: Date(), on: app.db)
            var seen: [String] = []
            var address: String? = "/open311/v2/requests.json?jurisdiction_id=\(f.village.uuidString)&api_key=\(key)&page_size=2"
            var hops = 0
            while let here = address, hops < 10 {
                let result = try await send(app, .GET, here)
                #expect(result.status == .ok)
                let items = try #require(try JSONSerialization.jsonObject(with: Data(result.body.utf8)) as? [[String: Any]], "\(here): \(result.body)")
                #expect(items.count <= 2)
                seen += items.compactMap { $0["service_request_id"] as? String }
                address = result.headers.first(name: "Link").flatMap { link in
                    link.range(of: "<").flatMap { start in link.range(of: ">;").map { String(link[start.upperBound..<$0.lowerBound]) } }
                }
                hops += 1
            }
            #expect(seen.count == 5 && Set(seen).count == 5 && hops == 3, "\(seen) in \(hops)")
            #expect(try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(f.village.uuidString)&page_size=0").status == .badRequest)
            #expect(try await send(app, .GET, "/open311/v2/requests.json?jurisdiction_id=\(f.village.uuidString)&after=zzz").status == .badRequest)
        }
    }

    @Test("pages neither repeat nor skip rows made at times SQLite's double does not give back exactly through a Date")
    func driftingTimes() async throws {
        // Times with a part below the microsecond, as a real clock gives them. SQLite keeps
        // the double; reading it back rounds to the microsecond (SQLiteNIO), so a cursor made
        // from the read time lies a little below (…4) or above (…7) the row it names: the
        // browser suite once showed a page's last meeting again at the top of the next.
        let drifting = [0.000_000_4, 0.000_000_7, 0.000_001_6].map { Date(timeIntervalSince1970: 1_796_552_933.926_117 + $0) }
        try await withApp { app, clock in
            clock.set(drifting[0].addingTimeInterval(-60))
            let f = try await StationFixture.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let root = try await login(app, "root")
            let meetings = "/api/v1/units/\(f.village)/meetings"
            var made: [String] = []
            for time in drifting {
                clock.set(time)
                // Two on one day at one time: the id breaks the tie.
                for n in 0..<2 {
                    made.append(try await StationFixture.create(app, f.wang, meetings, ["kind": "representativeMeeting", "date": "2026-11-20", "title": "会议\(n)"]))
                }
            }
            let walked = Self.ids(try await Self.walk(app, meetings + "?limit=1", as: f.wang, key: "records"), "records")
            #expect(walked == made.reversed(), "\(walked) vs \(made.reversed())")
            // The audit log pages by time the same way.
            let events = Self.ids(try await Self.walk(app, "/api/v1/audit?limit=1", as: root, key: "events"), "events")
            let total = try await auditCount(app)
            #expect(events.count == Set(events).count && events.count == total)
        }
    }

    @Test("at generated scale (a year of a busy station's requests) every list's first page is under 60 KB of HTML and CSS in both languages, and offers the next page")
    func listsAtScale() async throws {
        try await withApp { app, clock in try await Self.listsAtScale(app, clock) }
    }

    static func listsAtScale(_ app: Application, _ clock: TestClock) async throws {
        do {
            clock.set(beijingDay: "2026-12-01")
            let keyring = try #require(app.config.keyring)
            let today: LocalDate = try #require(LocalDate("2026-12-01"))
            let calendar = try await CalendarStore.load(on: app.db)
            let generator = Generator(app: app, year: 2026, today: today, seed: 7, requestsPerWeek: 40, keyring: keyring, calendar: calendar)
            let totals = try await generator.run(villages: 2)
            #expect(totals.requests > 2 * 1_500, "\(totals.requests) requests")
            let village = try #require(try await OrgUnit.query(on: app.db).filter(\.$kind == .village).sort(\.$name).first())
            let township = try #require(try await OrgUnit.query(on: app.db).filter(\.$kind == .township).first())
            let district = try #require(try await OrgUnit.query(on: app.db).filter(\.$kind == .district).first())
            let (v, t, d) = (try village.requireID(), try township.requireID(), try district.requireID())
            // Audit events and accounts enough for several pages.
            try await World.user(app, "root", .admin, at: nil)
            let admin = try await login(app, "root")
            for i in 0..<60 {
                let made = try await send(app, .POST, "/api/v1/users", as: admin,
                                          json: NewUserInput(username: "clerk\(i)", displayName: "办事员\(i)", password: World.password, role: .stationStaff, unitID: v))
                #expect(made.status == .created)
            }
            var paths = ["/units/\(v)/requests", "/units/\(v)/requests?overdue=1", "/units/\(v)/complaints", "/units/\(v)/station",
                         "/units/\(v)/ledger", "/units/\(t)/ledger", "/units/\(d)/ledger", "/units/\(t)/overdue", "/units/\(d)/overdue",
                         "/audit", "/admin/users"]
            paths += RecordKind.all.filter { $0.level == .village }.map { RecordViews.listPath(village, $0) }
            paths += RecordKind.all.filter { $0.level == .township }.map { RecordViews.listPath(township, $0) }
            let css = Stylesheet.css.utf8.count
            var heaviest: (String, Int) = ("", 0)
            for language in ["zh-CN", "en"] {
                for path in paths {
                    let result = try await send(app, .GET, path, as: admin, headers: ["Accept-Language": language])
                    #expect(result.status == .ok, "\(path): \(result.status)")
                    let weight = result.body.utf8.count + css
                    #expect(weight < 60 * 1024, "\(language) \(path): \(weight) bytes")
                    if weight > heaviest.1 { heaviest = (language + " " + path, weight) }
                }
            }
            print("heaviest list at generated scale: \(heaviest.0) \(heaviest.1) bytes")
            for path in ["/units/\(v)/requests", "/units/\(d)/ledger", "/audit", "/admin/users"] {
                let page = try await send(app, .GET, path, as: admin)
                #expect(Self.nextLink(page.body) != nil, "\(path) has more than a page")
            }
        }
    }
}
