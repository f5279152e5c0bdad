@testable import App
import Foundation
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
            #expect(html.body.contains("共6件，本页3件"))
            let anchor = try #require(html.body.range(of: "rel=\"next\"").map { html.body[..<$0.lowerBound] }, "\(html.body.suffix(2000))")
            let href = String(anchor[try #require(anchor.range(of: "href=\"", options: .backwards)).upperBound...].prefix { $0 != "\"" })
                .replacingOccurrences(of: "&amp;", with: "&")
            #expect(href.hasPrefix("/units/\(f.village)/requests?limit=3&service=SB-01&cursor="), "\(href)")
            let second = try await send(app, .GET, href, as: f.wang)
            #expect(second.body.contains("共6件，本页3件") && second.body.contains("回到第一页") && !second.body.contains("rel=\"next\""))
        }
    }
}
