@testable import App
import Fluent
import Foundation
import StandardKit
import Testing
import Vapor
import VaporTesting

@Suite("Village records: workforce, facilities, funds, activities")
struct WorkforceFacilitiesFundsTests {
    static func evaluation(_ app: Application, _ session: Session, _ village: UUID) async throws -> [String: [String: Any]] {
        let body = try await send(app, .GET, "/api/v1/units/\(village)/evaluation?year=2026", as: session).body
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        var checks: [String: [String: Any]] = [:]
        for item in json["items"] as? [[String: Any]] ?? [] {
            for check in item["checks"] as? [[String: Any]] ?? [] { if let id = check["id"] as? String { checks[id] = check } }
        }
        return checks
    }

    @Test("changing a worker's training hours moves item 49; the workers list shows hours and the engine's figures")
    func training() async throws {
        try await withApp { app, clock in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            let api = "/api/v1/units/\(village)"
            var workers: [String] = []
            for name in ["王建国", "李秀英"] {
                let made = try await send(app, .POST, api + "/workers", as: session, json: ["name": name, "qualification": name == "王建国" ? "certified" : "none"])
                let id = try #require(try JSONSerialization.jsonObject(with: Data(made.body.utf8)) as? [String: Any])["id"] as? String
                workers.append(try #require(id))
                _ = try await send(app, .POST, api + "/workerRoles", as: session, json: ["worker": workers.last ?? "", "role": "stationStaff", "from": "2024-01-01"])
            }
            struct Training: Encodable { var date: String; var topic: String; var hours: String; var attendees: [String] }
            let made = try await send(app, .POST, api + "/trainings", as: session, json: Training(date: "2026-03-10", topic: "社会工作实务", hours: "40", attendees: workers))
            #expect(made.status == .created, "\(made.body)")
            let trainingID = try #require(try JSONSerialization.jsonObject(with: Data(made.body.utf8)) as? [String: Any])["id"] as? String
            var checks = try await Self.evaluation(app, session, village)
            #expect(checks["49.1"]?["status"] as? String == "met")
            #expect(checks["49.2"]?["status"] as? String == "met")
            #expect(checks["49.3"]?["status"] as? String == "met")
            // 39.9 hours is short of the average.
            _ = try await send(app, .PUT, api + "/trainings/\(try #require(trainingID))", as: session,
                               json: Training(date: "2026-03-10", topic: "社会工作实务", hours: "39.9", attendees: workers))
            checks = try await Self.evaluation(app, session, village)
            #expect(checks["49.2"]?["status"] as? String == "notMet")
            #expect((checks["49.2"]?["explanation"] as? String)?.contains("平均培训39.9学时") == true)
            // Leaving one worker out of the session: not everyone trained.
            _ = try await send(app, .PUT, api + "/trainings/\(try #require(trainingID))", as: session,
                               json: Training(date: "2026-03-10", topic: "社会工作实务", hours: "80", attendees: [workers[0]]))
            checks = try await Self.evaluation(app, session, village)
            #expect(checks["49.1"]?["status"] as? String == "notMet")
            #expect((checks["49.1"]?["explanation"] as? String)?.contains("李秀英") == true)
            // Mid-December the list shows this year's hours; not yet due until the year ends.
            clock.advance(minutes: -60 * 24 * 20)
            let page = try await send(app, .GET, "/units/\(village)/records/workers", as: session)
            #expect(page.body.contains("2026年培训学时") && page.body.contains("未到期（年度进行中）") && page.body.contains("<td>80</td>") && page.body.contains("未参加培训：李秀英"))
        }
    }

    @Test("removing the library makes item 21 not met and names 图书室")
    func library() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            var library = ""
            for type in ["partyActivityVenue", "culturalRoom", "library", "clinic", "chainStore", "deliberationVenue", "fitnessFacility", "legalServiceRoom", "policeStation"] {
                let made = try await send(app, .POST, "/api/v1/units/\(village)/facilities", as: session, json: ["type": type, "name": type, "condition": "good"])
                #expect(made.status == .created)
                if type == "library" { library = (try JSONSerialization.jsonObject(with: Data(made.body.utf8)) as? [String: Any])?["id"] as? String ?? "" }
            }
            #expect(try await Self.evaluation(app, session, village)["21.1"]?["status"] as? String == "met")
            #expect(try await send(app, .DELETE, "/api/v1/units/\(village)/facilities/\(library)", as: session).status == .ok)
            let check = try await Self.evaluation(app, session, village)["21.1"]
            #expect(check?["status"] as? String == "notMet")
            #expect(check?["explanation"] as? String == "缺少：图书室")
        }
    }

    @Test("a station schedule of 38 hours makes item 28 not met")
    func openingHours() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            #expect(try await Self.evaluation(app, session, village)["28.1"]?["status"] as? String == "met")
            var profile = HierarchyTests.goodProfile
            profile.openingHours = "周一至周五 08:30-12:00 13:00-17:06"
            #expect(try await send(app, .PUT, "/api/v1/units/\(village)/profile", as: session, json: profile).status == .ok)
            let check = try await Self.evaluation(app, session, village)["28.1"]
            #expect(check?["status"] as? String == "notMet")
            #expect(check?["explanation"] as? String == "服务站每周开放38小时，要求不少于40小时")
        }
    }

    @Test("funds: exact amounts, late or short disbursements shown, disclosed only through a live disclosure")
    func funds() async throws {
        try await withApp { app, clock in
            clock.advance(minutes: -60 * 24 * 30) // 2026-12-02
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            let api = "/api/v1/units/\(village)"
            let line = createdID(try await send(app, .POST, api + "/budgetLines", as: session,
                                         json: ["kind": "publicWelfareSubsidy", "title": "公益事业专项补助", "planned": "150000.00", "plannedOn": "2026-05-01"]).body)
            let disclosure = createdID(try await send(app, .POST, api + "/disclosures", as: session,
                                               json: ["category": "finance", "title": "补助拨付公开", "publishedOn": "2026-05-20", "channel": "board", "content": "拨付 149999.99 元"]).body)
            let paid = try await send(app, .POST, api + "/disbursements", as: session,
                                      json: ["budgetLine": line, "amount": "149999.99", "date": "2026-05-10", "disclosure": disclosure])
            #expect(paid.status == .created && paid.body.contains("\"amount\":\"149999.99\""))
            var checks = try await Self.evaluation(app, session, village)
            // 58.1 is the township's duty: its result shows, the village's tally leaves it out.
            #expect(checks["58.1"]?["status"] as? String == "notApplicable")
            #expect(checks["58.1"]?["levelStatus"] as? String == "notMet")
            #expect((checks["58.1"]?["explanation"] as? String)?.contains("拨付不足额") == true)
            #expect((checks["58.1"]?["explanation"] as? String)?.hasPrefix("由乡镇负责，不计入本村得分") == true)
            #expect(checks["8.2"]?["status"] as? String == "met")
            let page = try await send(app, .GET, "/units/\(village)/records/budgetLines", as: session)
            #expect(page.body.contains("<td>149999.99</td><td>拨付不足额</td>"))
            _ = try await send(app, .POST, api + "/disbursements", as: session, json: ["budgetLine": line, "amount": "0.01", "date": "2026-05-30"])
            checks = try await Self.evaluation(app, session, village)
            #expect(checks["58.1"]?["levelStatus"] as? String == "met")
            #expect(checks["8.2"]?["status"] as? String == "notMet", "the last fen was not disclosed")
        }
    }

    @Test("overdue maintenance shows on the village page; activities and art teams feed their items")
    func upkeepAndActivities() async throws {
        try await withApp { app, clock in
            clock.advance(minutes: -60 * 24 * 30) // 2026-12-02
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            let api = "/api/v1/units/\(village)"
            let room = try await send(app, .POST, api + "/facilities", as: session,
                                      json: ["type": "culturalRoom", "name": "村文化室", "condition": "good", "nextMaintenanceOn": "2026-11-01"])
            let roomID = try #require((try JSONSerialization.jsonObject(with: Data(room.body.utf8)) as? [String: Any])?["id"] as? String)
            _ = try await send(app, .POST, api + "/facilities", as: session,
                               json: ["type": "library", "name": "农家书屋", "condition": "good", "nextMaintenanceOn": "2027-03-01"])
            let page = try await send(app, .GET, "/units/\(village)", as: session)
            #expect(page.body.contains("村文化室计划于2026-11-01维护，已逾期") && !page.body.contains("农家书屋计划"))
            #expect(try await Self.evaluation(app, session, village)["23.1"]?["status"] as? String == "notMet")
            #expect(try await Self.evaluation(app, session, village)["43.1"]?["status"] as? String == "notMet")
            // Maintenance before the planned day does not keep the plan; on or after it does.
            _ = try await send(app, .POST, api + "/maintenanceLogs", as: session, json: ["facility": roomID, "date": "2026-10-20", "work": "检修灯具"])
            let early = try await Self.evaluation(app, session, village)["23.1"]
            #expect(early?["status"] as? String == "notMet")
            #expect((early?["explanation"] as? String ?? "").contains("计划2026-11-01，最近一次维护2026-10-20"))
            _ = try await send(app, .POST, api + "/maintenanceLogs", as: session, json: ["facility": roomID, "date": "2026-11-03", "work": "更换桌椅"])
            #expect(try await Self.evaluation(app, session, village)["23.1"]?["status"] as? String == "met")
            #expect(!(try await send(app, .GET, "/units/\(village)", as: session).body.contains("村文化室计划于2026-11-01维护，已逾期")))
            _ = try await send(app, .POST, api + "/artTeams", as: session, json: ["name": "秧歌队"])
            _ = try await send(app, .POST, api + "/activities", as: session, json: ["kind": "festival", "date": "2026-02-12", "title": "元宵节灯会"])
            let checks = try await Self.evaluation(app, session, village)
            #expect(checks["43.1"]?["status"] as? String == "met")
            #expect(checks["43.2"]?["status"] as? String == "met")
        }
    }
}
