@testable import App
import Foundation
import StandardKit
import Testing
import Vapor
import VaporTesting

/// Dashboards that compare: the village table sorted and paged on the server, the charts
/// on a 0–100 axis with names and values, the townships side by side.
@Suite("Dashboards that compare")
struct DashboardCompareTests {
    static func row(_ name: String, township: String, score: Double?, state: SheetState = .draft, previous: Double? = nil) -> VillageRowDTO {
        VillageRowDTO(unitID: UUID(), name: name, township: township, state: state.rawValue, score: score, passed: nil, areaRates: [],
                      previousScore: previous, submittedOnTime: false)
    }

    @Test("the village table sorts by each column either way, puts villages without a score last, and pages 50 at a time")
    func villageTable() {
        let villages = [Self.row("北村", township: "乙镇", score: 70), Self.row("东村", township: "甲镇", score: nil, state: .submitted),
                        Self.row("南村", township: "甲镇", score: 90, state: .approved), Self.row("西村", township: "乙镇", score: 50)]
        #expect(VillageTable(villages, sort: "score", descending: nil, page: nil).rows.map(\.name) == ["南村", "北村", "西村", "东村"], "highest first by default")
        #expect(VillageTable(villages, sort: "score", descending: false, page: nil).rows.map(\.name) == ["西村", "北村", "南村", "东村"], "no score stays last")
        #expect(VillageTable(villages, sort: "state", descending: false, page: nil).rows.map(\.name) == ["北村", "西村", "东村", "南村"], "workflow order, then as given")
        let byName = VillageTable(villages, sort: "name", descending: false, page: nil).rows.map(\.name)
        #expect(byName == ["北村", "东村", "南村", "西村"], "pinyin: bei, dong, nan, xi")
        let given = VillageTable(villages, sort: "bogus", descending: nil, page: nil)
        #expect(given.sort == .township && given.rows.map(\.name) == villages.map(\.name), "no key: the hierarchy's order as given")
        let many = (1...120).map { Self.row("村\($0)", township: "镇", score: Double($0)) }
        let second = VillageTable(many, sort: "score", descending: true, page: 2)
        #expect(second.pages == 3 && second.total == 120 && second.rows.count == 50 && second.rows.first?.score == 70)
        #expect(VillageTable(many, sort: nil, descending: nil, page: 99).page == 3 && VillageTable(many, sort: nil, descending: nil, page: 99).rows.count == 20)
        #expect(VillageTable(many, sort: nil, descending: nil, page: -4).page == 1)
        #expect(second.query(sort: .name, descending: false, page: 1) == "sort=name&dir=asc&page=1")
        #expect(VillageTable(many, sort: nil, descending: nil, page: 2, pageSize: 5).query(sort: .score, descending: true, page: 3) == "sort=score&dir=desc&page=3&per=5")
    }

    @Test("a rate chart has a 0–100 axis with gridlines, each bar named and valued; a long name is cut to fit")
    func rateChart() {
        let chart = DashboardViews.rateChart([("1.社区治理", 85.3), ("2.一个非常非常非常非常非常非常长的项目名称", nil)], label: "达标率", percent: true).render()
        #expect(chart.components(separatedBy: "class=\"grid\"").count - 1 == 6)
        for mark in ["0", "20", "40", "60", "80", "100"] { #expect(chart.contains(">\(mark)</text>")) }
        #expect(chart.contains(">1.社区治理</text>") && chart.contains(">85.3%</text>") && chart.contains(">—</text>"))
        #expect(chart.contains("…</text>") && chart.contains("role=\"img\"") && chart.contains("aria-label=\"达标率\""))
        #expect(DashboardViews.fit("前辛庄村", width: 110) == "前辛庄村" && DashboardViews.fit(String(repeating: "长", count: 20), width: 60).count == 5)
    }

    @Test("the district compares its townships and pages its villages; headings sort, marked for screen readers")
    func districtPage() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            let base = "/units/\(district)/dashboard/\(f.cycle)"
            let page = try await send(app, .GET, base, as: f.qu)
            #expect(page.body.contains("各单位村的平均得分") && page.body.contains("按时上报率") && page.body.contains("下一级比较：完成进度"))
            #expect(page.body.contains("href=\"\(base)?sort=score&amp;dir=desc&amp;page=1#villages\""), "score sorts highest first")
            #expect(page.body.contains("<div class=\"scroll\"><svg") && page.body.contains("class=\"chart heat\""))
            let sorted = try await send(app, .GET, base + "?sort=name&dir=desc", as: f.qu)
            #expect(sorted.body.contains("aria-sort=\"descending\""))
            // By name, the other way: qian, hou, he.
            let order = ["前辛庄村", "后辛庄村", "河防口村"].compactMap { sorted.body.range(of: ">\($0)</a></td>")?.lowerBound }
            #expect(order.count == 3 && order == order.sorted())
            // A bad page number is the first page, never an error.
            #expect(try await send(app, .GET, base + "?page=abc&sort=zz", as: f.qu).status == .ok)
        }
    }

    @Test("after many villages change at once a reader is shown their last summaries at once, marked, and they are computed again in the background; then the next view is current")
    func staleWhileComputed() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let cycle = try #require(try await AssessmentCycle.find(f.cycle, on: app.db))
            let district = f.world.districtA
            // A first view computes and keeps every village's summary.
            let first = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: true, staleLimit: 0)
            #expect(first.stale.isEmpty && first.summaries.count == 3)
            func figures(_ summary: SheetSummary?) -> [String: String] { summary?.checks ?? [:] }
            let before = figures(first.summaries[f.v1])
            // A change that moves the village's results: a villagers' representative meeting each quarter.
            for day in ["2026-03-10", "2026-06-10", "2026-09-10", "2026-11-10"] {
                let made = try await send(app, .POST, "/api/v1/units/\(f.v1)/meetings", as: f.wang,
                                          json: ["kind": "representativeMeeting", "date": day, "title": "村民代表会议", "attendance": "40", "majorDecisions": "村务"])
                #expect(made.status == .created, "\(made.body)")
            }
            // And a district-wide change: every village's summary is stale.
            try await Snapshots.invalidate(path: district.path, on: app.db)
            // Over the limit: the last summaries at once, each named as stale; nothing evaluated.
            let shown = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: true, staleLimit: 0)
            #expect(Set(shown.stale) == Set(first.summaries.keys) && figures(shown.summaries[f.v1]) == before)
            // Within the limit the reader waits for them, as before.
            let waited = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: true, staleLimit: 8)
            let after = figures(waited.summaries[f.v1])
            #expect(waited.stale.isEmpty && after != before, "the meetings change the village's results: \(before) → \(after)")
            // The background pass: one at a time per unit, and what it keeps the next view reads.
            try await Snapshots.invalidate(path: district.path, on: app.db)
            DashboardController.refresh(request, cycle: f.cycle, under: try district.requireID(), path: district.path)
            #expect(!app.snapshotRefreshes.begin(f.cycle.uuidString + district.path), "a second pass for the same unit does not start")
            await app.jobTasks.drain(cancel: false)
            #expect(app.snapshotRefreshes.count == 0)
            let fresh = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: true, staleLimit: 0)
            #expect(fresh.stale.isEmpty && figures(fresh.summaries[f.v1]) == after)
            // The page says what is happening and what to do.
            let api = try await send(app, .GET, "/api/v1/units/\(try district.requireID())/cycles/\(f.cycle)/dashboard", as: f.qu)
            var dto = try StationFixture.decode(DashboardDTO.self, api.body)
            #expect(dto.refreshing == 0)
            dto.refreshing = 2
            let page = DashboardViews.body(dto, unitID: try district.requireID(), catalogue: app.config.catalogue, print: false).render()
            #expect(page.contains("有2个村的工作记录或服务事项刚有变动") && page.contains("刷新本页"))
        }
    }
}
