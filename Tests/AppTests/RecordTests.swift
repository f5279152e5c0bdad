@testable import App
import Fluent
import Foundation
import StandardKit
import Testing
import Vapor
import VaporTesting

@Suite("Village records and the live evaluation")
struct RecordTests {
    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test("an option error lists the allowed choices; a volunteer's phone error says what a phone number must be")
    func helpfulFieldErrors() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let base = "/api/v1/units/\(try world.villageV1.requireID())"
            let meeting = try await send(app, .POST, base + "/meetings", as: session, json: ["kind": "季度会", "date": "2026-04-10", "title": "会议"])
            #expect(meeting.status == .unprocessableEntity)
            #expect(meeting.body.contains("“季度会”不是会议类型的可选项。可选：") && meeting.body.contains("村民代表会议（representativeMeeting）"), "\(meeting.body)")
            let volunteer = try await send(app, .POST, base + "/volunteers", as: session, json: ["name": "李志愿", "phone": "电话13912345678"])
            #expect(volunteer.status == .unprocessableEntity)
            #expect(volunteer.body.contains("\"field\":\"phone\"") && volunteer.body.contains("手机号如13912345678") && !volunteer.body.contains("热线"))
            #expect(try await send(app, .POST, base + "/volunteers", as: session, json: ["name": "李志愿", "phone": "010-69612345"]).status == .created)
        }
    }

    @Test("create, read, update and soft-delete a meeting through the API, each audited")
    func meetingCRUD() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let base = "/api/v1/units/\(try world.villageV1.requireID())/meetings"
            let created = try await send(app, .POST, base, as: session, json: [
                "kind": "representativeMeeting", "date": "2026-04-10", "title": "第二季度村民代表会议", "attendance": "38",
                "majorDecisions": "村道硬化工程方案",
            ])
            #expect(created.status == .created, "\(created.body)")
            let id = try #require(try Self.json(created.body)["id"] as? String)
            #expect(try Self.json(created.body)["attendance"] as? Int == 38)
            let listed = try Self.json(try await send(app, .GET, base, as: session).body)
            #expect((listed["records"] as? [Any])?.count == 1)
            let updated = try await send(app, .PUT, "\(base)/\(id)", as: session, json: [
                "kind": "representativeMeeting", "date": "2026-04-11", "title": "第二季度村民代表会议", "attendance": "40",
            ])
            #expect(updated.status == .ok)
            #expect(try Self.json(updated.body)["date"] as? String == "2026-04-11")
            #expect(try await send(app, .DELETE, "\(base)/\(id)", as: session).status == .ok)
            #expect(try await send(app, .GET, "\(base)/\(id)", as: session).status == .notFound)
            #expect((try Self.json(try await send(app, .GET, base, as: session).body)["records"] as? [Any])?.isEmpty == true)
            // The row stays for the audit trail.
            #expect(try await Dialect.sql(app.db).select().column("id").from("rec_meetings").all().count == 1)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$objectType == "meetings").all().map(\.action).sorted()
            #expect(actions == ["create", "delete", "update"])
        }
    }

    @Test("bad input: each wrong field named with a Chinese message, unknown fields refused, nothing written")
    func validation() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let before = try await auditCount(app)
            let base = "/api/v1/units/\(try world.villageV1.requireID())"
            let bad = try await send(app, .POST, base + "/meetings", as: session,
                                     json: ["kind": "teaParty", "date": "2026-02-30", "attendance": "-1", "colour": "red"])
            #expect(bad.status == .unprocessableEntity)
            for field in ["kind", "date", "attendance", "title", "colour"] { #expect(bad.body.contains("\"field\":\"\(field)\""), "\(field)") }
            #expect(bad.body.contains("出席人数不能为负数"))
            let money = try await send(app, .POST, base + "/contributions", as: session,
                                       json: ["residentUnit": UUID().uuidString, "date": "2026-05-01", "kind": "funds", "amount": "12.345"])
            #expect(money.status == .unprocessableEntity)
            #expect(money.body.contains("\"field\":\"amount\"") && money.body.contains("\"field\":\"residentUnit\""))
            let person = try await send(app, .POST, base + "/volunteers", as: session, json: ["name": "李明", "idNumber": "110101199003071234"])
            #expect(person.status == .unprocessableEntity && person.body.contains("身份证号"))
            let notJSON = try await send(app, .POST, base + "/meetings", as: session, json: ["not", "an", "object"])
            #expect(notJSON.status == .badRequest)
            #expect(try await auditCount(app) == before)
        }
    }

    @Test("a deliberation body names its member units from the village's own records")
    func members() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let own = try await RecordStore.insert(.socialOrganizations, values: ["name": .text("老年协会"), "type": .text("other"), "status": .text("filed")],
                                                   village: world.villageV1, author: request.author, on: request.db)
            let other = try await RecordStore.insert(.socialOrganizations, values: ["name": .text("邻村协会"), "type": .text("other"), "status": .text("filed")],
                                                     village: world.villageV2, author: request.author, on: request.db)
            let path = "/api/v1/units/\(try world.villageV1.requireID())/organizations"
            struct Body: Encodable { var kind: String; var name: String; var memberSocialOrganizations: [String] }
            let refused = try await send(app, .POST, path, as: session, json: Body(kind: "deliberationBody", name: "议事会", memberSocialOrganizations: [other.id.uuidString]))
            #expect(refused.status == .unprocessableEntity && refused.body.contains("memberSocialOrganizations"))
            let made = try await send(app, .POST, path, as: session, json: Body(kind: "deliberationBody", name: "议事会", memberSocialOrganizations: [own.id.uuidString]))
            #expect(made.status == .created)
            #expect(made.body.contains("\"memberSocialOrganizations\":[\"\(own.id.uuidString)\"]"))
            let page = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/records/organizations/new", as: session)
            #expect(page.body.contains("老年协会") && !page.body.contains("邻村协会"))
        }
    }

    @Test("the record form keeps typed values and marks wrong fields; check boxes and references work")
    func forms() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let base = "/units/\(try world.villageV1.requireID())/records"
            let bad = try await send(app, .POST, base + "/volunteerActivities/new", as: session, form: ["date": "2026-13-01", "title": "巡逻"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("value=\"巡逻\"") && bad.body.contains("活动日期应为日期"))
            var headers = session.headers()
            headers.contentType = .urlEncodedForm
            var result: (HTTPStatus, HTTPHeaders) = (.ok, [:])
            try await app.testing().test(.POST, base + "/volunteerActivities/new", beforeRequest: { request in
                request.headers = headers
                request.body = ByteBuffer(string: "date=2026-05-04&title=%E5%B7%A1%E9%80%BB&categories%5B%5D=securityPatrol&categories%5B%5D=mediation&targetGroups%5B%5D=elderly")
            }, afterResponse: { response in result = (response.status, response.headers) })
            #expect(result.0 == .seeOther)
            let records = try await RecordStore.list(.volunteerActivities, village: try world.villageV1.requireID(), on: app.db)
            #expect(records.first?.words("categories") == ["mediation", "securityPatrol"])
            // A reference must be a record of the same village.
            let otherTeam = try await RecordStore.insert(.volunteerTeams, values: ["name": .text("邻村队")], village: world.villageV2,
                                                         author: Author(userID: nil, username: "test", at: app.clock.now), on: app.db)
            let refused = try await send(app, .POST, base + "/volunteers/new", as: session, form: ["name": "王芳", "team": otherTeam.id.uuidString])
            #expect(refused.status == .unprocessableEntity && refused.body.contains("所选所属队伍不存在"))
        }
    }

    @Test("supervisors read records but cannot change them; other villages' records are 404")
    func permissions() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhou", .supervisor, at: world.villageV1)
            try await World.user(app, "wang", .stationStaff, at: world.villageV2)
            let zhou = try await login(app, "zhou")
            let wang = try await login(app, "wang")
            let base = "/api/v1/units/\(try world.villageV1.requireID())/meetings"
            #expect(try await send(app, .GET, base, as: zhou).status == .ok)
            #expect(try await send(app, .POST, base, as: zhou, json: ["kind": "other", "date": "2026-01-05", "title": "x"]).status == .forbidden)
            #expect(try await send(app, .GET, base, as: wang).status == .notFound)
        }
    }

    @Test("identity-card and phone numbers are masked; revealing them needs the role and is audited")
    func personalData() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "li", .committeeMember, at: world.villageV1)
            let zhang = try await login(app, "zhang")
            let li = try await login(app, "li")
            let base = "/api/v1/units/\(try world.villageV1.requireID())/volunteers"
            let created = try await send(app, .POST, base, as: zhang, json: ["name": "李明", "idNumber": "11010519491231002X", "phone": "13812345678"])
            #expect(created.status == .created, "\(created.body)")
            #expect(created.body.contains("110***********002X") && created.body.contains("138****5678"))
            #expect(!created.body.contains("11010519491231002X"))
            let before = try await auditCount(app)
            let masked = try await send(app, .GET, base + "?reveal=1", as: li)
            #expect(masked.body.contains("138****5678"), "a committee member may not reveal")
            #expect(try await auditCount(app) == before)
            let revealed = try await send(app, .GET, base + "?reveal=1", as: zhang)
            #expect(revealed.body.contains("13812345678"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "revealPersonalData").count() == 1)
            let page = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/records/volunteers", as: zhang)
            #expect(page.body.contains("138****5678") && !page.body.contains("13812345678"))
            // The audit log never holds the full number.
            let events = try await AuditEvent.query(on: app.db).all()
            #expect(events.allSatisfy { ($0.after ?? "").contains("13812345678") == false })
        }
    }

    @Test("adding the missing quarter's representative meeting turns item 7 to met")
    func liveEvaluation() async throws {
        try await withApp { app, clock in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            for date in ["2026-01-20", "2026-04-15", "2026-10-12"] {
                let made = try await send(app, .POST, "/api/v1/units/\(village)/meetings", as: session,
                                          json: ["kind": "representativeMeeting", "date": date, "title": "村民代表会议"])
                #expect(made.status == .created)
            }
            // The clock stands at 2027-01-01: evaluating 2026 as of its last day.
            let first = try Self.json(try await send(app, .GET, "/api/v1/units/\(village)/evaluation?year=2026", as: session).body)
            let item7 = try #require((first["items"] as? [[String: Any]])?.first { $0["number"] as? Int == 7 })
            let check = try #require((item7["checks"] as? [[String: Any]])?.first)
            #expect(check["status"] as? String == "notMet")
            #expect((check["explanation"] as? String)?.hasPrefix("第三季度召开村民代表会议0次") == true)
            _ = try await send(app, .POST, "/api/v1/units/\(village)/meetings", as: session,
                               json: ["kind": "representativeMeeting", "date": "2026-07-09", "title": "第三季度村民代表会议"])
            let second = try Self.json(try await send(app, .GET, "/api/v1/units/\(village)/evaluation?year=2026", as: session).body)
            let after = try #require((second["items"] as? [[String: Any]])?.first { $0["number"] as? Int == 7 })
            #expect((after["checks"] as? [[String: Any]])?.first?["status"] as? String == "met")
            // The page shows it too, and a future year is refused.
            let page = try await send(app, .GET, "/units/\(village)/standard?year=2026", as: session)
            #expect(page.status == .ok && page.body.contains("已结束的4个季度召开村民代表会议分别为1、1、1、1次"))
            #expect(try await send(app, .GET, "/api/v1/units/\(village)/evaluation?year=2099", as: session).status == .badRequest, "a year past this one, in the address, is a bad query")
            _ = clock
        }
    }

    @Test("facts from records: organizations, social organizations, volunteers' hours, resident units")
    func factsFromRecords() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let v1 = world.villageV1
            _ = try await RecordStore.insert(.organizations, values: ["kind": .text("partyOrganization"), "name": .text("前辛庄村党支部")], village: v1, author: request.author, on: request.db)
            var organizationIDs: [String] = []
            for (name, status) in [("甲", "registered"), ("乙", "filed"), ("丙", "notFiled")] {
                organizationIDs.append(try await RecordStore.insert(.socialOrganizations, values: ["name": .text(name), "type": .text("other"), "status": .text(status)],
                                                                    village: v1, author: request.author, on: request.db).id.uuidString)
            }
            let volunteer = try await RecordStore.insert(.volunteers, values: ["name": .text("李明"), "registration96156": .text("96156-001")], village: v1, author: request.author, on: request.db)
            let activity = try await RecordStore.insert(.volunteerActivities, values: ["date": .text("2026-05-04"), "title": .text("巡逻"),
                                                                                       "categories": .text("securityPatrol")], village: v1, author: request.author, on: request.db)
            let old = try await RecordStore.insert(.volunteerActivities, values: ["date": .text("2025-05-04"), "title": .text("去年")], village: v1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.volunteerHours, values: ["activity": .text(activity.id.uuidString), "volunteer": .text(volunteer.id.uuidString),
                                                                       "hours": .number(350)], village: v1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.volunteerHours, values: ["activity": .text(old.id.uuidString), "volunteer": .text(volunteer.id.uuidString),
                                                                       "hours": .number(900)], village: v1, author: request.author, on: request.db)
            let unit = try await RecordStore.insert(.residentUnits, values: ["name": .text("中心小学"), "unitType": .text("school"),
                                                                             "agreements": .text("coBuilding,pairing"), "agreementFrom": .text("2024-01-01")], village: v1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.contributions, values: ["residentUnit": .text(unit.id.uuidString), "date": .text("2026-06-01"), "kind": .text("funds"),
                                                                      "amount": .number(500_000)], village: v1, author: request.author, on: request.db)
            // The deliberation body names its members; a member deleted later stops counting.
            _ = try await RecordStore.insert(.organizations, values: ["kind": .text("deliberationBody"), "name": .text("议事会"),
                                                                      "memberResidentUnits": .text(unit.id.uuidString),
                                                                      "memberSocialOrganizations": .text(organizationIDs.joined(separator: ","))], village: v1, author: request.author, on: request.db)
            if let gone = try await RecordStore.find(.socialOrganizations, id: try #require(UUID(uuidString: organizationIDs[2])), village: try v1.requireID(), on: app.db) {
                try await RecordStore.delete(.socialOrganizations, record: gone, author: request.author, on: request.db)
            }
            // A record of another village stays out.
            _ = try await RecordStore.insert(.socialOrganizations, values: ["name": .text("邻村"), "type": .text("other"), "status": .text("registered")],
                                             village: world.villageV2, author: request.author, on: request.db)
            let all = try await VillageFactsBuilder.build(under: world.districtA, year: 2026, on: app.db)
            #expect(all.count == 3)
            let facts = try #require(all.first { $0.village.id == v1.id }?.facts)
            #expect(facts.organizations.partyOrganization && !facts.organizations.villageCommittee)
            #expect(facts.organizations.deliberationBody == .init(residentUnitMembers: 1, socialOrganizationMembers: 2))
            #expect(facts.socialOrganizations.count == 2)
            #expect(facts.volunteers.first?.hours == 3.5, "only this year's hours count")
            #expect(facts.volunteers.first?.registered96156 == true)
            #expect(facts.volunteerActivities.count == 1)
            #expect(facts.residentUnits.first?.agreements.map(\.kind) == [.coBuilding, .pairing])
            #expect(facts.residentUnits.first?.contributions.count == 1)
            #expect(facts.village.households == 640 && facts.station.floorArea == 60)
            let evaluation = Evaluator(catalogue: try #require(Catalogue.standard)).evaluate(facts, asOf: LocalDate("2026-12-31"))
            #expect(evaluation.check("11.1")?.explanation.hasPrefix("登记备案的社区社会组织2个，要求不少于3个；本地解读") == true)
            #expect(evaluation.check("4.1")?.status == .met)
            #expect(evaluation.check("28.1")?.status == .met)
        }
    }
}

@Suite("Public pages")
struct PublicPageTests {
    @Test("a village's disclosures are public, a page at a time; nothing else is, and other kinds of unit are 404")
    func disclosures() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let request = Request(application: app, on: app.eventLoopGroup.any())
            _ = try await RecordStore.insert(.disclosures, values: ["category": .text("finance"), "title": .text("2026年第一季度财务收支"),
                                                                    "publishedOn": .text("2026-04-05"), "channel": .text("board"),
                                                                    "content": .text("收入 12000.00 元 <b>")], village: world.villageV1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.volunteers, values: ["name": .text("李明"), "phone": .text("13812345678")], village: world.villageV1, author: request.author, on: request.db)
            let village = try world.villageV1.requireID()
            let page = try await send(app, .GET, "/public/villages/\(village)/disclosures")
            #expect(page.status == .ok)
            #expect(page.body.contains("2026年第一季度财务收支") && page.body.contains("&lt;b&gt;") && page.body.contains("公开栏"))
            #expect(!page.body.contains("李明"))
            let api = try await send(app, .GET, "/api/v1/public/villages/\(village)/disclosures")
            #expect(api.status == .ok && api.body.contains("finance"))
            #expect(try await send(app, .GET, "/public/villages/\(try world.townshipA1.requireID())/disclosures").status == .notFound)
            #expect(try await send(app, .GET, "/public/villages/not-an-id/disclosures").status == .notFound)

            // A page at a time, newest first, on the page and in the API; bad paging is a 400.
            _ = try await RecordStore.insert(.disclosures, values: ["category": .text("finance"), "title": .text("2026年第二季度财务收支"),
                                                                    "publishedOn": .text("2026-07-05"), "channel": .text("board"),
                                                                    "content": .text("收入 9000.00 元")], village: world.villageV1, author: request.author, on: request.db)
            let first = try await send(app, .GET, "/public/villages/\(village)/disclosures?limit=1")
            #expect(first.status == .ok && first.body.contains("第二季度") && !first.body.contains("第一季度"))
            #expect(first.body.contains(T(.pagingCaption, "2", "1")))
            let next = try #require(first.body.range(of: #"href="([^"]+)" rel="next""#, options: .regularExpression).map { String(first.body[$0]) }?
                .split(separator: "\"")[1]).replacingOccurrences(of: "&amp;", with: "&")
            let second = try await send(app, .GET, String(next))
            #expect(second.status == .ok && second.body.contains("第一季度") && !second.body.contains("第二季度") && !second.body.contains("rel=\"next\""))
            let json = try await send(app, .GET, "/api/v1/public/villages/\(village)/disclosures?limit=1")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
            #expect((object["records"] as? [Any])?.count == 1 && object["total"] as? Int == 2 && object["next"] is String)
            #expect(try await send(app, .GET, "/api/v1/public/villages/\(village)/disclosures?limit=0").status == .badRequest)
            #expect(try await send(app, .GET, "/public/villages/\(village)/disclosures?cursor=junk").status == .badRequest)
        }
    }
}

@Suite("Volunteers' hours")
struct VolunteerHoursTests {
    @Test("the volunteers list shows each volunteer's hours this year and whether they are active")
    func yearlyHours() async throws {
        try await withApp { app, clock in
            clock.advance(minutes: -60 * 24 * 30) // 2026-12-02
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let v1 = world.villageV1
            let li = try await RecordStore.insert(.volunteers, values: ["name": .text("李明")], village: v1, author: request.author, on: request.db)
            let wang = try await RecordStore.insert(.volunteers, values: ["name": .text("王芳")], village: v1, author: request.author, on: request.db)
            let now = try await RecordStore.insert(.volunteerActivities, values: ["date": .text("2026-05-04"), "title": .text("巡逻")], village: v1, author: request.author, on: request.db)
            let old = try await RecordStore.insert(.volunteerActivities, values: ["date": .text("2025-05-04"), "title": .text("去年")], village: v1, author: request.author, on: request.db)
            for (activity, volunteer, hours) in [(now, li, 150), (now, wang, 50), (old, wang, 900)] {
                _ = try await RecordStore.insert(.volunteerHours, values: ["activity": .text(activity.id.uuidString), "volunteer": .text(volunteer.id.uuidString),
                                                                           "hours": .number(hours)], village: v1, author: request.author, on: request.db)
            }
            let page = try await send(app, .GET, "/units/\(try v1.requireID())/records/volunteers", as: session)
            #expect(page.body.contains("2026年服务时长（小时）"))
            #expect(page.body.contains("<td>1.5</td><td>是</td>"))
            #expect(page.body.contains("<td>0.5</td><td>否</td>"))
        }
    }

    @Test("records of several kinds read in one statement, and every record below a unit (read straight from SQLiteNIO or PostgresNIO), hold exactly what each kind's own list holds, texts, numbers and flags, for every kind of every demo village")
    func severalKindsAtOnce() async throws {
        try await withDemo { app in
            let villages = try await OrgUnit.query(on: app.db).filter(\.$kind == .village).all()
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$parent.$id == nil).first())
            var below: [String: [UUID: Record]] = [:]
            for kind in RecordKind.all {
                below[kind.key] = Dictionary(uniqueKeysWithValues: try await RecordStore.all(kind, under: root.path, on: app.db).map { ($0.id, $0) })
            }
            var compared = 0, numbers = 0, flags = 0
            for village in villages {
                let id = try village.requireID()
                let together = try await RecordStore.lists(RecordKind.all, village: id, on: app.db)
                for kind in RecordKind.all {
                    let alone = try await RecordStore.list(kind, village: id, on: app.db)
                    let byID = Dictionary(uniqueKeysWithValues: (together[kind.key] ?? []).map { ($0.id, $0) })
                    #expect(byID.count == alone.count, "\(village.name) \(kind.key)")
                    #expect(below[kind.key]?.values.filter { $0.unitID == id }.count == alone.count, "\(village.name) \(kind.key)")
                    for record in alone {
                        #expect(byID[record.id]?.values == record.values, "\(village.name) \(kind.key) \(record.id)")
                        #expect(byID[record.id]?.unitPath == record.unitPath)
                        let read = below[kind.key]?[record.id]
                        #expect(read?.values == record.values && read?.unitID == record.unitID && read?.unitPath == record.unitPath, "\(kind.key) \(record.id)")
                        #expect(read?.createdAt == record.createdAt && read?.updatedAt == record.updatedAt, "\(kind.key) \(record.id)")
                        compared += 1
                        numbers += record.values.values.filter { $0.number != nil }.count
                        flags += record.values.values.filter { $0.flag != nil }.count
                    }
                }
            }
            // The demo must exercise every type of value, or the comparison proves little.
            #expect(compared > 500 && numbers > 50 && flags > 50, "\(compared) records, \(numbers) numbers, \(flags) flags")
        }
    }

    @Test("UUIDs are read from text exactly as Foundation reads them, and what it refuses is refused")
    func uuidsFromText() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.uuidString.lowercased()) == id)
        }
        let wrong = ["", "not-a-uuid", "6AE36372-3DEB-45B7-86F5-75E26B0CDAE", "6AE36372-3DEB-45B7-86F5-75E26B0CDAE44", "6AE36372x3DEB-45B7-86F5-75E26B0CDAE4",
                     "6AE36372-3DEB-45B7-86F5-75E26B0CDAEG", "6AE363723DEB45B786F575E26B0CDAE4", "6AE36372-3DEB-45B7-86F5-75E26B0CDAE4 ", "{6AE36372-3DEB-45B7-86F5-75E26B0CDAE4}",
                     "6AE36372-3DEB-45B7-86F5-75E26B0CDAE-", "６AE36372-3DEB-45B7-86F5-75E26B0CDAE4"]
        for text in wrong {
            #expect(UUID(text: text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "Foundation accepts \(text)")
        }
    }
}
