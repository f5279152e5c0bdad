@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The city (市级) above the districts: its unit and role, the year's cycle opened for every
/// district at once, the districts' own sheets reviewed and approved by the city, and the
/// city's dashboard comparing districts with drill-down, reports and exports.
@Suite("City level: unit, role, cycle, district sheets, dashboard")
struct CityTests {
    @Test("a unit at the top is a city or a district; a city's children are districts; any other kind is refused naming the field")
    func topUnits() async throws {
        try await withApp { app, _ in
            try await World.user(app, "root", .admin, at: nil)
            let root = try await login(app, "root")
            let city = try await send(app, .POST, "/api/v1/units", as: root, json: ["name": "天津市", "kind": "city"])
            #expect(city.status == .created, "\(city.body)")
            let cityDTO = try StationFixture.decode(UnitDTO.self, city.body)
            #expect(cityDTO.kind == .city)
            let bad = try await send(app, .POST, "/api/v1/units", as: root, json: ["name": "某镇", "kind": "township"])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("\"field\":\"kind\""))
            let district = try await send(app, .POST, "/api/v1/units/\(cityDTO.id)/children", as: root, json: ["name": "蓟州区"])
            #expect(try StationFixture.decode(UnitDTO.self, district.body).kind == .district)
            // Without a kind it is a district at the top, as before.
            let plain = try await send(app, .POST, "/api/v1/units", as: root, json: ["name": "怀柔区"])
            #expect(try StationFixture.decode(UnitDTO.self, plain.body).kind == .district)
            // The page offers both kinds.
            let form = try await send(app, .GET, "/units/new", as: root)
            #expect(form.body.contains("<option value=\"city\">市</option>"))
            // The administrator's home lists what is at the top: the city and the lone district.
            let home = try await send(app, .GET, "/", as: root)
            #expect(home.body.contains("天津市") && home.body.contains("怀柔区") && !home.body.contains("蓟州区"))
        }
    }

    @Test("the city opens the year for every district; a district cannot open a second; the district's own sheet goes to the city, never to itself")
    func cityCycleAndDistrictSheets() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-12-01")
            let world = try await World.make(app)
            try await World.user(app, "shi", .cityOfficial, at: world.city)
            try await World.user(app, "qu", .districtOfficial, at: world.districtA)
            try await World.user(app, "qu2", .districtOfficial, at: world.districtB)
            let shi = try await login(app, "shi"), qu = try await login(app, "qu"), qu2 = try await login(app, "qu2")
            let (cityID, districtA) = (try world.city.requireID(), try world.districtA.requireID())
            let opened = try await send(app, .POST, "/api/v1/units/\(cityID)/cycles", as: shi,
                                        json: ["name": "2026年度", "year": "2026", "submitBy": "2026-12-10", "reviewBy": "2026-12-20"])
            #expect(opened.status == .created, "\(opened.body)")
            let idText = try #require(try StationFixture.json(opened.body)["id"] as? String)
            let cycle = try #require(UUID(uuidString: idText))
            // Every unit below the city has a sheet; the city keeps none.
            let sheets = try await AssessmentSheet.query(on: app.db).filter(\.$cycleID == cycle).all()
            #expect(sheets.count == 7 && !sheets.contains { $0.level == .city })
            // A district cannot open its own cycle of the same year beside the city's.
            let second = try await send(app, .POST, "/api/v1/units/\(districtA)/cycles", as: qu,
                                        json: ["name": "2026年度区", "year": "2026", "submitBy": "2026-12-10", "reviewBy": "2026-12-20"])
            #expect(second.status == .unprocessableEntity && second.body.contains("\"field\":\"year\""), "\(second.body)")
            // The district fills and submits its own sheet.
            func path(_ tail: String) -> String { "/api/v1/units/\(districtA)/cycles/\(cycle)/\(tail)" }
            for check in Sheets.evidencedChecks(app.config.catalogue, level: .district).map(\.id) {
                #expect(try await send(app, .POST, path("evidence"), as: qu, json: ["check": check, "kind": "note", "note": "见区民政局档案\(check)"]).status == .created)
            }
            let mine = try StationFixture.decode(SheetDTO.self, try await send(app, .GET, path("sheet"), as: qu).body)
            #expect(mine.mayFill && !mine.mayReview && !mine.mayApprove)
            #expect(try await send(app, .POST, path("submit"), as: qu, json: EmptyBody()).status == .ok)
            // No one reviews or approves their own unit's sheet; another district cannot see it.
            let checks = Sheets.evidencedChecks(app.config.catalogue, level: .district).map(\.id)
            #expect(try await send(app, .POST, path("review"), as: qu, json: ["check": checks[0], "decision": "accepted"]).status == .forbidden)
            #expect(try await send(app, .POST, path("approve"), as: qu, json: EmptyBody()).status == .forbidden)
            #expect(try await send(app, .GET, path("sheet"), as: qu2).status == .notFound)
            // The city sees it waiting, reviews, passes and approves it.
            let inbox = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: shi).body)
            #expect(inbox.notices.contains { $0.kind == "toReview" && $0.link.contains(districtA.uuidString) }, "\(inbox.notices)")
            let seen = try StationFixture.decode(SheetDTO.self, try await send(app, .GET, path("sheet"), as: shi).body)
            #expect(seen.mayReview && !seen.mayFill)
            for check in checks {
                #expect(try await send(app, .POST, path("review"), as: shi, json: ["check": check, "decision": "accepted"]).status == .ok)
            }
            #expect(try await send(app, .POST, path("pass"), as: shi, json: EmptyBody()).status == .ok)
            let approved = try StationFixture.decode(SheetDTO.self, try await send(app, .POST, path("approve"), as: shi, json: EmptyBody()).body)
            #expect(approved.state == "approved" && approved.mayUnlock)
            // A village's sheet is still the district's to approve, not the city's own duty.
            let township = try StationFixture.decode(SheetDTO.self, try await send(app, .GET, "/api/v1/units/\(try world.townshipA1.requireID())/cycles/\(cycle)/sheet", as: shi).body)
            #expect(!township.mayApprove && !township.mayReview)
        }
    }

    @Test("the city's dashboard compares its districts and drills down; its report prints and its export holds every district's villages")
    func cityDashboard() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-12-01")
            let world = try await World.make(app)
            try await World.user(app, "shi", .cityOfficial, at: world.city)
            try await World.user(app, "qu", .districtOfficial, at: world.districtA)
            let shi = try await login(app, "shi"), qu = try await login(app, "qu")
            let cityID = try world.city.requireID()
            let opened = try await send(app, .POST, "/api/v1/units/\(cityID)/cycles", as: shi,
                                        json: ["name": "2026年度", "year": "2026", "submitBy": "2026-12-10", "reviewBy": "2026-12-20"])
            let idText = try #require(try StationFixture.json(opened.body)["id"] as? String)
            let cycle = try #require(UUID(uuidString: idText))
            // A village of district B, so the districts differ.
            let b1 = OrgUnit(kind: .township, name: "溪翁庄镇", code: nil, parent: world.districtB)
            try await b1.create(on: app.db)
            let dashboard = try StationFixture.decode(DashboardDTO.self, try await send(app, .GET, "/api/v1/units/\(cityID)/cycles/\(cycle)/dashboard", as: shi).body)
            #expect(dashboard.villages.isEmpty, "a city lists districts, not villages")
            #expect(Set(dashboard.parts.map(\.name)) == ["怀柔区", "密云区"], "\(dashboard.parts.map(\.name))")
            let a = try #require(dashboard.parts.first { $0.name == "怀柔区" })
            let b = try #require(dashboard.parts.first { $0.name == "密云区" })
            #expect(a.completeness.sheets == 3 && a.kind == "district" && a.ownState == "draft" && a.meanScore != nil && a.areaRates.count == 7)
            #expect(b.completeness.sheets == 0 && b.meanScore == nil && b.ownState == "draft")
            #expect(dashboard.completeness.sheets == 3)
            // The page links each district to its dashboard of the same cycle, which lists its villages.
            let page = try await send(app, .GET, "/units/\(cityID)/dashboard/\(cycle)", as: shi)
            let drill = "/units/\(try world.districtA.requireID())/dashboard/\(cycle)"
            #expect(page.status == .ok && page.body.contains("href=\"\(drill)\"") && page.body.contains("下一级比较"))
            let district = try await send(app, .GET, drill, as: shi)
            #expect(district.status == .ok && district.body.contains("前辛庄村") && district.body.contains("桥梓镇"))
            // The district official sees the city's cycle on its own dashboard, but not the city's.
            #expect(try await send(app, .GET, drill, as: qu).status == .ok)
            #expect(try await send(app, .GET, "/units/\(cityID)/dashboard/\(cycle)", as: qu).status == .notFound)
            // The printed summary and the export.
            let report = try await send(app, .GET, "/units/\(cityID)/report/\(cycle)", as: shi)
            #expect(report.status == .ok && report.body.contains("怀柔区") && report.body.contains("密云区"))
            let export = try await send(app, .GET, "/units/\(cityID)/cycles/\(cycle)/export?format=csv", as: shi)
            #expect(export.status == .ok)
            let villages = Set(export.body.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").dropFirst().first.map(String.init) })
            #expect(villages == ["前辛庄村", "后辛庄村", "河防口村"], "\(villages)")
        }
    }
}
