@testable import App
import Foundation
import Testing
import VaporTesting

/// Issue 20's readings through the application: what the village records reaches them.
@Suite("Readings of the standard, through the app")
struct ReadingsWebTests {
    @Test("item 13: mass organizations' role is shown by the activities they held; until then, not yet due")
    func massOrganizationsByActivities() async throws {
        try await withApp { app, clock in
            clock.advance(minutes: -60 * 24 * 30) // 2026-12-02
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            let api = "/api/v1/units/\(village)"
            var organizations: [String] = []
            for (name, type) in [("团支部", "youthLeague"), ("妇联", "womensFederation"), ("残协", "disabledPersonsFederation")] {
                organizations.append(createdID(try await send(app, .POST, api + "/socialOrganizations", as: session,
                                                       json: ["name": name, "type": type, "status": "filed", "registeredOn": "2020-01-01"]).body))
            }
            var checks = try await WorkforceFacilitiesFundsTests.evaluation(app, session, village)
            #expect(checks["13.1"]?["status"] as? String == "pending")
            #expect((checks["13.1"]?["explanation"] as? String)?.contains("未见开展活动：共青团、妇联、残联") == true)
            #expect(checks["13.2"]?["status"] as? String == "pending")
            for (n, organization) in organizations.enumerated() {
                let made = try await send(app, .POST, api + "/activities", as: session,
                                          json: ["kind": "culture", "date": "2026-0\(n + 4)-10", "title": "慰问困难户\(n)", "organization": organization])
                #expect(made.status == .created, "\(made.body)")
            }
            checks = try await WorkforceFacilitiesFundsTests.evaluation(app, session, village)
            #expect(checks["13.1"]?["status"] as? String == "met", "\(checks["13.1"]?["explanation"] ?? "")")
            #expect(checks["13.2"]?["status"] as? String == "met")
            #expect((checks["13.2"]?["explanation"] as? String)?.hasPrefix("按本村记录") == true)
        }
    }
    @Test("专职 is one post: a worker in one full-time post is refused a second on the same days, and taken once the first ends")
    func oneFullTimePost() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let api = "/api/v1/units/\(try world.villageV1.requireID())"
            let worker = createdID(try await send(app, .POST, api + "/workers", as: session, json: ["name": "王建国"]).body)
            let party = createdID(try await send(app, .POST, api + "/workerRoles", as: session,
                                          json: ["worker": worker, "role": "partyBuildingWorker", "from": "2021-01-01"]).body)
            let refused = try await send(app, .POST, api + "/workerRoles", as: session, json: ["worker": worker, "role": "stationStaff", "from": "2022-03-01"])
            #expect(refused.status == .unprocessableEntity && refused.body.contains("\"role\"") && refused.body.contains("专职党建工作者"))
            // A committee member is not a full-time post: taken.
            let member = try await send(app, .POST, api + "/workerRoles", as: session, json: ["worker": worker, "role": "committeeMember", "from": "2022-03-01"])
            #expect(member.status == .created)
            _ = try await send(app, .PUT, api + "/workerRoles/\(party)", as: session,
                               json: ["worker": worker, "role": "partyBuildingWorker", "from": "2021-01-01", "to": "2022-02-28"])
            let taken = try await send(app, .POST, api + "/workerRoles", as: session, json: ["worker": worker, "role": "stationStaff", "from": "2022-03-01"])
            #expect(taken.status == .created, "\(taken.body)")
        }
    }
}
