@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Rectifications followed up: overdue ones in the inboxes of the village and its
/// township, the township's list with days overdue, supervision notes (督办), closing with
/// a record or evidence, and carrying open ones into the next year's cycle.
@Suite("Rectification follow-up")
struct RectificationTests {
    @Test("overdue in both inboxes and on the township's list; notes by township and district only; closed with a record or evidence, once; open ones carried into next year")
    func followUp() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let township = try f.world.townshipA1.requireID()
            let list = try StationFixture.decode(RectificationListDTO.self, try await send(app, .GET, f.path(f.v1, "/rectification"), as: f.wang).body)
            #expect(list.items.count >= 3)
            let (a, b, c) = (list.items[0].check, list.items[1].check, list.items[2].check)
            // Owners and deadlines: one eleven days past (today is 2026-12-01), one not yet due.
            for (check, deadline) in [(a, "2026-11-20"), (b, "2026-12-31")] {
                let saved = try await send(app, .POST, f.path(f.v1, "/rectification"), as: f.wang, json: ["check": check, "responsible": "王建国", "deadline": deadline])
                #expect(saved.status == .ok)
            }
            var items = try StationFixture.decode(RectificationListDTO.self, try await send(app, .GET, f.path(f.v1, "/rectification"), as: f.wang).body).items
            #expect(items.first { $0.check == a }?.overdueDays == 11 && items.first { $0.check == b }?.overdueDays == nil)
            // The village's inbox and the township's name it and lead to the lists.
            let villageInbox = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body).notices
            #expect(villageInbox.contains { $0.kind == "overdueRectifications" && $0.text.contains("1") && $0.link.hasSuffix("/rectification") }, "\(villageInbox)")
            let townInbox = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.town).body).notices
            #expect(townInbox.contains { $0.kind == "overdueRectifications" && $0.link == "/units/\(township)/rectifications" }, "\(townInbox)")
            #expect(!(try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.town2).body).notices.contains { $0.kind == "overdueRectifications" }))
            // The township's list: every open item with an owner, the most overdue first.
            var open = try StationFixture.decode(OpenRectificationListDTO.self, try await send(app, .GET, "/api/v1/units/\(township)/rectifications", as: f.town).body).items
            #expect(open.map(\.check) == [a, b] && open[0].village == "前辛庄村" && open[0].overdueDays == 11 && open[0].responsible == "王建国", "\(open)")
            let page = try await send(app, .GET, "/units/\(township)/rectifications", as: f.town)
            #expect(page.status == .ok && page.body.contains("逾期11天") && page.body.contains("前辛庄村"))
            // Supervision: the township and the district, not the village nor another township.
            let note = ["check": a, "note": "请于12月10日前完成整改"]
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.town, json: note).status == .created)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.qu, json: ["check": a, "note": "区里将抽查"]).status == .created)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.wang, json: note).status == .forbidden)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.town2, json: note).status == .notFound)
            let empty = try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.town, json: ["check": a, "note": " "])
            #expect(empty.status == .unprocessableEntity && empty.body.contains("\"field\":\"note\""))
            items = try StationFixture.decode(RectificationListDTO.self, try await send(app, .GET, f.path(f.v1, "/rectification"), as: f.wang).body).items
            let notes = try #require(items.first { $0.check == a }?.notes)
            #expect(notes.map(\.text) == ["请于12月10日前完成整改", "区里将抽查"] && notes[0].unitName == "桥梓镇" && notes[1].unitName == "怀柔区")
            let villagePage = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)/rectification", as: f.wang)
            #expect(villagePage.body.contains("桥梓镇 town（") && villagePage.body.contains("整改销号"))
            #expect(try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body).notices.contains { $0.kind == "supervisedRectifications" })
            // Closing needs a record of this village or evidence; only the village; once.
            let needs = try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": a])
            #expect(needs.status == .unprocessableEntity && needs.body.contains("\"field\":\"evidence\""))
            let stranger = try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": a, "record": "volunteerTeams/\(UUID())"])
            #expect(stranger.status == .unprocessableEntity && stranger.body.contains("\"field\":\"record\""))
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let other = try await RecordStore.insert(.volunteerTeams, values: ["name": .text("邻村巡逻队")], village: f.world.villageV2, author: request.author, on: request.db)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": a, "record": "volunteerTeams/\(other.id)"]).status == .unprocessableEntity,
                    "another village's record does not close this village's item")
            let team = try await RecordStore.insert(.volunteerTeams, values: ["name": .text("红马甲巡逻队")], village: f.world.villageV1, author: request.author, on: request.db)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.town, json: ["check": a, "evidence": "x"]).status == .forbidden)
            let closed = try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": a, "record": "volunteerTeams/\(team.id)"])
            #expect(closed.status == .ok, "\(closed.body)")
            let item = try #require(try StationFixture.decode(RectificationListDTO.self, closed.body).items.first { $0.check == a })
            #expect(item.status == "closed" && item.closedOn == "2026-12-01" && item.closedRecord == "volunteerTeams/\(team.id)" && item.overdueDays == nil)
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": a, "evidence": "x"]).status == .conflict)
            let byEvidence = try await send(app, .POST, f.path(f.v1, "/rectification/close"), as: f.wang, json: ["check": c, "evidence": "见村委会档案2026-15号"])
            #expect(byEvidence.status == .ok)
            open = try StationFixture.decode(OpenRectificationListDTO.self, try await send(app, .GET, "/api/v1/units/\(township)/rectifications", as: f.town).body).items
            #expect(open.map(\.check) == [b])
            #expect(!(try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.town).body).notices.contains { $0.kind == "overdueRectifications" }))
            // A page form with neither names the field, in Chinese.
            let form = try await send(app, .POST, "/units/\(f.v1)/cycles/\(f.cycle)/rectification/close", as: f.wang, form: ["check": b])
            #expect(form.status == .unprocessableEntity && form.body.contains("销号须选择整改后的台账记录或填写整改佐证"))
            // The next year: b is still open, so it goes on in 2027 with its owner and notes.
            try await send(app, .POST, f.path(f.v1, "/rectification/notes"), as: f.town, json: ["check": b, "note": "年底前完成"])
            clock.set(beijingDay: "2027-01-05")
            // A month on, everyone signs in again.
            let (qu, wang, town) = (try await login(app, "qu"), try await login(app, "wang"), try await login(app, "town"))
            let opened = try await send(app, .POST, "/api/v1/units/\(try f.world.districtA.requireID())/cycles", as: qu,
                                        json: ["name": "2027年度", "year": "2027", "submitBy": "2027-12-10", "reviewBy": "2027-12-20"])
            #expect(opened.status == .created, "\(opened.body)")
            let idText = try #require(try StationFixture.json(opened.body)["id"] as? String)
            let next = try #require(UUID(uuidString: idText))
            let carried = try StationFixture.decode(RectificationListDTO.self,
                                                    try await send(app, .GET, "/api/v1/units/\(f.v1)/cycles/\(next)/rectification", as: wang).body).items
            let goesOn = try #require(carried.first { $0.check == b })
            #expect(goesOn.carriedFrom == "2026年度" && goesOn.responsible == "王建国" && goesOn.deadline == "2026-12-31" && goesOn.notes.map(\.text) == ["年底前完成"])
            #expect(!carried.contains { $0.check == a && $0.carriedFrom != nil }, "a closed item stays closed in its year")
            let before = try StationFixture.decode(RectificationListDTO.self, try await send(app, .GET, f.path(f.v1, "/rectification"), as: wang).body).items
            #expect(before.first { $0.check == b }?.status == "carried" && before.first { $0.check == b }?.carriedTo == "2027年度")
            open = try StationFixture.decode(OpenRectificationListDTO.self, try await send(app, .GET, "/api/v1/units/\(township)/rectifications", as: town).body).items
            #expect(open.filter { $0.check == b }.count == 1 && open.first { $0.check == b }?.cycle == "2027年度", "listed once, in the year it goes on in")
        }
    }
}
