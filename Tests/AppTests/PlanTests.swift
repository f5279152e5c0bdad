@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// From a finding to its fix and back: the plan lists each item not met with the engine's
/// steps and where to take them; a step's link opens the form filled in; saving says what
/// it did to the evaluation.
@Suite("Plan to 达标, fix links and what a save did")
struct PlanTests {
    @Test("the plan names each quarter without a representatives' meeting; its link opens a meeting form of that kind dated in that quarter; saving says 仍未达标, then 已达标")
    func findingToFix() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)  // today 2026-12-01
            let plan = try StationFixture.decode(PlanDTO.self, try await send(app, .GET, "/api/v1/units/\(f.v1)/plan", as: f.wang).body)
            let item7 = try #require(plan.items.first { $0.item == 7 })
            let steps = try #require(item7.checks.first { $0.check == "7.1" }?.steps)
            #expect(steps.filter(\.pastPeriod).count == 3, "\(steps)")
            let q1 = try #require(steps.first?.link)
            #expect(q1 == "/units/\(f.v1)/records/meetings/new?kind=representativeMeeting&date=2026-03-31")
            #expect(steps.last?.pastPeriod == false && steps.last?.link?.hasSuffix("&date=2026-12-01") == true)
            // Meeting one past quarter's record would still leave the item unmet; the score with it met is above today's.
            #expect((item7.scoreIfMet ?? 0) > (plan.score ?? 0))
            #expect(!item7.reachable, "past quarters stand in the way")
            // How many more items reach the pass mark; the quickest (evidence only) come first, lost ones last.
            #expect(plan.itemsToPass.map { $0 > 0 && $0 <= plan.items.count } == true)
            let evidenceOnly = { (item: PlanItemDTO) in item.checks.allSatisfy { $0.kind == "evidenced" } }
            if let lastQuick = plan.items.lastIndex(where: { $0.reachable && evidenceOnly($0) }),
               let firstWork = plan.items.firstIndex(where: { $0.reachable && !evidenceOnly($0) }) { #expect(lastQuick < firstWork) }
            #expect(plan.items.last?.reachable == false)
            // The link opens the form filled in.
            let form = try await send(app, .GET, q1, as: f.wang)
            #expect(form.status == .ok)
            #expect(form.body.contains("<option value=\"representativeMeeting\" selected>"), "\(form.body.prefix(200))")
            #expect(form.body.contains("value=\"2026-03-31\""))
            // Saving the first quarter's meeting: still not met, and why.
            let first = try await send(app, .POST, "/units/\(f.v1)/records/meetings/new", as: f.wang,
                                       form: ["kind": "representativeMeeting", "date": "2026-03-31", "title": "第一季度村民代表会议"])
            #expect(first.status == .seeOther)
            let firstPage = try await send(app, .GET, try #require(first.headers.first(name: .location)), as: f.wang)
            #expect(firstPage.body.contains("对2026年评估的影响"))
            #expect(firstPage.body.contains("第7.1条仍<span class=\"notmet\">未达标</span>：") && firstPage.body.contains("第二季度"), "\(firstPage.body)")
            _ = try await send(app, .POST, "/api/v1/units/\(f.v1)/meetings", as: f.wang, json: ["kind": "representativeMeeting", "date": "2026-06-30", "title": "二季度"])
            let last = try await send(app, .POST, "/units/\(f.v1)/records/meetings/new", as: f.wang,
                                      form: ["kind": "representativeMeeting", "date": "2026-09-30", "title": "第三季度村民代表会议"])
            let lastPage = try await send(app, .GET, try #require(last.headers.first(name: .location)), as: f.wang)
            #expect(lastPage.body.contains("第7.1条：<span class=\"met\">达标</span>（保存前为未达标）"), "\(lastPage.body)")
            // The address's "before" is only read for the kind's own checks and known statuses.
            let forged = try await send(app, .GET, try #require(last.headers.first(name: .location)).replacingOccurrences(of: "was=", with: "was=1.1%3Ameh%2C"), as: f.wang)
            #expect(!forged.body.contains("第1.1条"))
            let after = try StationFixture.decode(PlanDTO.self, try await send(app, .GET, "/api/v1/units/\(f.v1)/plan", as: f.wang).body)
            #expect(after.items.first { $0.item == 7 }.map { item in !item.checks.contains { $0.check == "7.1" } && item.reachable } == true)
        }
    }

    @Test("the village's 需要处理 links each item to its page; the plan page marks another level's checks; only a village has a plan, and only for those who may see it")
    func homeAndAccess() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let home = try StationFixture.json(try await send(app, .GET, "/api/v1/units/\(f.v1)", as: f.wang).body)
            let attention = try #require(home["attention"] as? [[String: String]])
            #expect(attention.contains { $0["link"] == "/units/\(f.v1)/records/meetings/new?kind=representativeMeeting&date=2026-09-30" }, "\(attention)")
            #expect(attention.contains { $0["link"] == "/units/\(f.v1)/plan" })
            let page = try await send(app, .GET, "/units/\(f.v1)/plan", as: f.wang)
            #expect(page.status == .ok && page.body.contains("去处理") && page.body.contains("完成本条后得分"))
            #expect(page.body.contains("乡镇或区的检查项"))
            // The township sees its village's plan; another township does not; a township has none.
            #expect(try await send(app, .GET, "/api/v1/units/\(f.v1)/plan", as: f.town).status == .ok)
            #expect(try await send(app, .GET, "/api/v1/units/\(f.v1)/plan", as: f.town2).status != .ok)
            #expect(try await send(app, .GET, "/api/v1/units/\(try f.world.townshipA1.requireID())/plan", as: f.town).status == .notFound)
            // The sheet offers the fix beside a check not met; an evidence link comes with its check chosen.
            let sheet = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)?check=1.2", as: f.wang)
            #expect(sheet.body.contains(">去处理</a>"))
            #expect(sheet.body.contains("<option value=\"1.2\" selected>"), "the evidence form has 1.2 chosen")
        }
    }
}
