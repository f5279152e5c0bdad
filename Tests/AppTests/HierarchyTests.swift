@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting
import SQLKit
import StandardKit

@Suite("The hierarchy, village profiles, the audit log")
struct HierarchyTests {
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static let goodProfile = ProfileInput(households: 901, residentPopulation: 2600, registeredPopulation: 2200, area: 4.1, address: "桥梓镇后辛庄村",
                                          stationFloorArea: 49.9, openingHours: "周一至周五 08:30-12:00 13:00-17:30\n周六 09:00-11:00", hotline: "010-69672102")

    @Test("a unit loaded by hand holds every field Fluent's find gives it, for every demo unit, and saves like it")
    func unitsLoadedByHand() async throws {
        try await withDemo { app in
            let units = try await OrgUnit.query(on: app.db).all()
            #expect(units.count > 12)
            for found in units {
                let id = try found.requireID()
                let loaded = try #require(try await OrgUnit.load(id, on: app.db))
                #expect(loaded.id == found.id && loaded.kind == found.kind && loaded.name == found.name && loaded.code == found.code)
                #expect(loaded.$parent.id == found.$parent.id && loaded.parentKey == found.parentKey && loaded.path == found.path)
                #expect(loaded.openedOn == found.openedOn && loaded.closedOn == found.closedOn)
                #expect(loaded.createdAt == found.createdAt && loaded.updatedAt == found.updatedAt)
                #expect(loaded.$id.exists)
            }
            #expect(try await OrgUnit.load(UUID(), on: app.db) == nil)
            // Changed and saved, it updates its row (not a second one).
            let loaded = try #require(try await OrgUnit.load(try units[0].requireID(), on: app.db))
            loaded.code = "X-1"
            try await loaded.save(on: app.db)
            #expect(try await OrgUnit.query(on: app.db).count() == units.count)
            #expect(try await OrgUnit.find(loaded.id, on: app.db)?.code == "X-1")
        }
    }

    @Test("units (whole, and names only) and village sheets read by hand below a unit are the ones Fluent's query gives, field by field")
    func unitsAndSheetsBelowByHand() async throws {
        try await withDemo { app in
            // One sheet with every optional field set, so each is read back.
            // An open one (the demo approves one village's sheet, and the queue's reading below leaves approved ones out).
            let any = try #require(try await AssessmentSheet.query(on: app.db).filter(\.$level == .village).filter(\.$state != .approved).first())
            any.score = 81.5; any.result = #"{"passed":true}"#; any.submittedOn = "2026-03-01"; any.approvedOn = "2026-03-09"
            any.snapshot = "{}"; any.snapshotAsOf = "2026-03-10"; any.snapshotSeq = 4; any.snapshotAtSeq = 4
            any.returnedNote = "请补充会议记录"; any.returnedBy = "乡镇审核员"; any.returnedOn = "2026-03-05"
            try await any.save(on: app.db)
            let cycles = try await AssessmentCycle.query(on: app.db).all()
            #expect(!cycles.isEmpty)
            for unit in try await OrgUnit.query(on: app.db).all() {
                let fluentUnits = try await Dialect.below(OrgUnit.query(on: app.db), \.$path, unit.path).all()
                let units = try await OrgUnit.below(unit.path, on: app.db)
                #expect(units.count == fluentUnits.count && !units.isEmpty)
                let byID = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) })
                for found in fluentUnits {
                    let loaded = try #require(byID[found.id])
                    #expect(loaded.kind == found.kind && loaded.name == found.name && loaded.code == found.code && loaded.$parent.id == found.$parent.id)
                    #expect(loaded.parentKey == found.parentKey && loaded.path == found.path && loaded.openedOn == found.openedOn && loaded.closedOn == found.closedOn)
                    #expect(loaded.createdAt == found.createdAt && loaded.updatedAt == found.updatedAt && loaded.$id.exists)
                }
                // Names and places only, for the queue and the dashboards.
                let names = try await OrgUnit.names(below: unit.path, on: app.db)
                #expect(Set(names.map(\.id)) == Set(fluentUnits.compactMap(\.id)))
                for name in names {
                    let found = try #require(fluentUnits.first { $0.id == name.id })
                    #expect(name == UnitName(id: name.id, kind: found.kind, name: found.name, code: found.code, path: found.path, parentID: found.$parent.id))
                }
                for cycle in cycles {
                    let fluentSheets = try await Dialect.below(AssessmentSheet.query(on: app.db).filter(\.$cycleID == cycle.requireID()), \.$unitPath, unit.path)
                        .filter(\.$level == .village).all()
                    // As plain rows, whole texts, brief ones or none.
                    let whole = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path, texts: .whole, on: app.db)
                    let bare = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path, texts: .none, on: app.db)
                    let brief = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path, texts: .brief, on: app.db)
                    #expect(whole.count == fluentSheets.count && bare.count == whole.count && brief.count == whole.count)
                    for row in whole {
                        let found = try #require(fluentSheets.first { $0.id == row.id })
                        #expect(row.unitID == found.unitID && row.unitPath == found.unitPath && row.state == found.state && row.version == found.version)
                        #expect(row.submittedOn == found.submittedOn && row.snapshotAsOf == found.snapshotAsOf && row.snapshotSeq == found.snapshotSeq)
                        #expect(row.snapshotAtSeq == found.snapshotAtSeq && row.snapshot == found.snapshot && row.result == found.result)
                    }
                    #expect(bare.allSatisfy { $0.snapshot == nil && $0.result == nil })
                    #expect(Set(bare.map(\.id)) == Set(whole.map(\.id)) && Set(brief.map(\.version)) == Set(whole.map(\.version)))
                }
            }
            let sheets = try await AssessmentSheet.villageRows(cycle: any.cycleID, below: any.unitPath, texts: .whole, on: app.db)
            #expect(sheets.count == 1 && sheets.first?.snapshotSeq == 4 && sheets.first?.snapshot == "{}")
            // Only some villages: those of them below the unit.
            let other = try #require(try await AssessmentSheet.query(on: app.db).filter(\.$level == .village).filter(\.$cycleID == any.cycleID)
                .filter(\.$unitID != any.unitID).first())
            #expect(try await AssessmentSheet.villageRows(cycle: any.cycleID, below: "/", only: [any.unitID, other.unitID], texts: .none, on: app.db).count == 2)
            #expect(try await AssessmentSheet.villageRows(cycle: any.cycleID, below: any.unitPath, only: [any.unitID, other.unitID], texts: .none, on: app.db)
                .map(\.unitID) == [any.unitID])
            #expect(try await AssessmentSheet.villageRows(cycle: any.cycleID, below: "/", only: [], texts: .none, on: app.db).isEmpty)
            // A queue's open sheets: every level below the unit but its own, none approved, read
            // without their kept summaries (a column selected as NULL under its own name).
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$parent.$id == nil).first())
            let open = try await AssessmentSheet.open(cycle: any.cycleID, below: root.path, excluding: try root.requireID(), on: app.db)
            let fluentOpen = try await AssessmentSheet.query(on: app.db).filter(\.$cycleID == any.cycleID).filter(\.$state != .approved)
                .filter(\.$unitID != (try root.requireID())).all()
            #expect(!open.isEmpty && Set(open.compactMap(\.id)) == Set(fluentOpen.compactMap(\.id)))
            let openByID = Dictionary(uniqueKeysWithValues: open.map { ($0.id, $0) })
            for found in fluentOpen {
                let loaded = try #require(openByID[found.id])
                #expect(loaded.snapshot == nil, "the kept summary is left out")
                #expect(loaded.cycleID == found.cycleID && loaded.unitID == found.unitID && loaded.unitPath == found.unitPath && loaded.level == found.level)
                #expect(loaded.state == found.state && loaded.score == found.score && loaded.result == found.result && loaded.submittedOn == found.submittedOn)
                #expect(loaded.approvedOn == found.approvedOn && loaded.version == found.version && loaded.updatedAt == found.updatedAt)
                #expect(loaded.snapshotAsOf == found.snapshotAsOf && loaded.snapshotSeq == found.snapshotSeq && loaded.snapshotAtSeq == found.snapshotAtSeq)
                #expect(loaded.returnedNote == found.returnedNote && loaded.returnedBy == found.returnedBy && loaded.returnedOn == found.returnedOn)
                #expect(loaded.$id.exists)
            }
            #expect(openByID[any.id]?.score == 81.5, "the sheet with every field set is open, so each field above is compared set")
            #expect(PlacedRows.resultName("NULL AS snapshot") == "snapshot" && PlacedRows.resultName("unit_path") == "unit_path")
        }
    }

    @Test("district → townships → villages with key figures summed set-based")
    func figures() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "sun", .districtOfficial, at: world.districtA)
            let session = try await login(app, "sun")
            let result = try await send(app, .GET, "/api/v1/units/\(try world.districtA.requireID())", as: session)
            #expect(result.status == .ok)
            let page = try JSONDecoder().decode(UnitPageDTO.self, from: Data(result.body.utf8))
            #expect(page.figures.villages == 3)
            #expect(page.figures.households == 3 * 640)
            #expect(page.children.map(\.unit.name) == ["怀北镇", "桥梓镇"])
            #expect(page.children.first { $0.unit.name == "桥梓镇" }?.figures.villages == 2)
            #expect(page.figures.stationsOpen40Hours == 3)
            #expect(page.figures.stationsAtLeast50 == 3)
            #expect(page.mayManageUnits && !page.mayEditProfile)
            let html = try await send(app, .GET, "/units/\(try world.districtA.requireID())", as: session)
            #expect(html.body.contains("桥梓镇") && html.body.contains("<dd>1920</dd>") && html.body.contains("<td>1280</td>"))
        }
    }

    @Test("creating units: names unique within a parent, codes unique everywhere, each write audited")
    func createUnits() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "sun", .districtOfficial, at: world.districtA)
            let session = try await login(app, "sun")
            let township = try world.townshipA1.requireID()
            let before = try await auditCount(app)
            let created = try await send(app, .POST, "/api/v1/units/\(township)/children", as: session, json: UnitInput(name: "北宅村", code: "110116104203"))
            #expect(created.status == .created)
            let unit = try JSONDecoder().decode(UnitDTO.self, from: Data(created.body.utf8))
            #expect(unit.kind == .village && unit.parentID == township)
            #expect(try await VillageProfile.query(on: app.db).filter(\.$unit.$id == unit.id).count() == 1)
            #expect(try await auditCount(app) == before + 1)
            let event = try #require(try await AuditEvent.query(on: app.db).sort(\.$at, .descending).first())
            #expect(event.action == "create" && event.objectType == "unit" && event.username == "sun")
            #expect(event.after?.contains("北宅村") == true && event.before == nil)

            let duplicate = try await send(app, .POST, "/api/v1/units/\(township)/children", as: session, json: UnitInput(name: "北宅村", code: nil))
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.body.contains("\"field\":\"name\""))
            // The same name under another township is fine; the same code is not.
            let elsewhere = try await send(app, .POST, "/api/v1/units/\(try world.townshipA2.requireID())/children", as: session,
                                           json: UnitInput(name: "北宅村", code: "110116104203"))
            #expect(elsewhere.status == .unprocessableEntity)
            #expect(elsewhere.body.contains("\"field\":\"code\"") && !elsewhere.body.contains("\"field\":\"name\""))
            let bad = try await send(app, .POST, "/api/v1/units/\(township)/children", as: session,
                                     json: UnitInput(name: " ", code: "1101", openedOn: "2026-02-30", closedOn: nil))
            #expect(bad.status == .unprocessableEntity)
            for field in ["name", "code", "openedOn"] { #expect(bad.body.contains("\"field\":\"\(field)\"")) }
            #expect(try await auditCount(app) == before + 1)
            #expect(try await OrgUnit.query(on: app.db).filter(\.$name == "北宅村").count() == 1)
            // A village has no children.
            let under = try await send(app, .POST, "/api/v1/units/\(unit.id)/children", as: session, json: UnitInput(name: "某组", code: nil))
            #expect(under.status == .unprocessableEntity)
        }
    }

    @Test("the profile form keeps values and marks each wrong field in Chinese; nothing is written")
    func profileFormErrors() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let path = "/units/\(try world.villageV1.requireID())/profile"
            let before = try await auditCount(app)
            let form = ["households": "-3", "residentPopulation": "很多", "registeredPopulation": "100", "area": "3", "address": "前辛庄",
                        "stationFloorArea": "60", "openingHours": "周八 08:30-12:00\n周一 12:00-08:00", "hotline": "abc"]
            let result = try await send(app, .POST, path, as: session, form: form)
            #expect(result.status == .unprocessableEntity)
            #expect(result.body.contains("实有户数不能为负数。"))
            #expect(result.body.contains("常住人口应为整数。"))
            #expect(result.body.contains("“周八”不是星期几"))
            #expect(result.body.contains("结束时间应晚于开始时间"))
            #expect(result.body.contains("热线号码只能包含数字"))
            #expect(result.body.contains("value=\"很多\""), "the typed value is kept")
            #expect(result.body.contains("aria-invalid=\"true\""))
            #expect(result.body.contains("id=\"f-households-error\""))
            #expect(try await auditCount(app) == before)
            #expect(try await Hierarchy.profile(of: world.villageV1, on: app.db).households == 640)
        }
    }

    @Test("saving a profile through the API: 422 names fields, success is audited with before and after")
    func profileAPI() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let path = "/api/v1/units/\(try world.villageV1.requireID())/profile"
            var bad = Self.goodProfile
            bad.households = -1
            bad.openingHours = "周一 8:30-12:00"
            let refused = try await send(app, .PUT, path, as: session, json: bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("\"field\":\"households\"") && refused.body.contains("\"field\":\"openingHours\""))
            let saved = try await send(app, .PUT, path, as: session, json: Self.goodProfile)
            #expect(saved.status == .ok)
            let profile = try JSONDecoder().decode(ProfileDTO.self, from: Data(saved.body.utf8))
            #expect(profile.weeklyOpeningMinutes == 42 * 60)
            #expect(profile.requiredStationStaff == 4)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$objectType == "villageProfile").first())
            #expect(event.before?.contains("\"households\":640") == true)
            #expect(event.after?.contains("\"households\":901") == true)
            // Wrong JSON types are a clear 400, not a crash.
            let malformed = try await send(app, .PUT, path, as: session, json: ["households": "many"])
            #expect(malformed.status == .badRequest)
            #expect(malformed.body.contains("bad_request"))
        }
    }

    @Test("busy finances: the profile's box and the API's field set it, an API call without it keeps it, and the village's facts carry it to item 5")
    func busyFinances() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let id = try world.villageV1.requireID()
            let form = ["households": "640", "residentPopulation": "1800", "registeredPopulation": "1700", "area": "3", "address": "前辛庄",
                        "stationFloorArea": "60", "openingHours": "", "hotline": "", "busyFinances": "on"]
            let saved = try await send(app, .POST, "/units/\(id)/profile", as: session, form: form)
            #expect(saved.status == .seeOther)
            #expect(try await Hierarchy.profile(of: world.villageV1, on: app.db).busyFinances)
            let page = try await send(app, .GET, "/units/\(id)", as: session)
            #expect(page.body.contains("是（财务每月公开）"))
            let facts = try #require(try await VillageFactsBuilder.build(under: world.villageV1, year: 2026, on: app.db).first?.facts)
            #expect(facts.village.busyFinances)
            // An API client that does not know the field leaves it as it is…
            let kept = try await send(app, .PUT, "/api/v1/units/\(id)/profile", as: session, json: Self.goodProfile)
            #expect(kept.status == .ok)
            #expect(try JSONDecoder().decode(ProfileDTO.self, from: Data(kept.body.utf8)).busyFinances)
            // …and one that sends it sets it.
            var quarterly = Self.goodProfile
            quarterly.busyFinances = false
            let cleared = try await send(app, .PUT, "/api/v1/units/\(id)/profile", as: session, json: quarterly)
            #expect(try JSONDecoder().decode(ProfileDTO.self, from: Data(cleared.body.utf8)).busyFinances == false)
            // The form without the box ticked clears it too.
            var unticked = form
            unticked["busyFinances"] = nil
            _ = try await send(app, .POST, "/units/\(id)/profile", as: session, form: unticked)
            #expect(try await Hierarchy.profile(of: world.villageV1, on: app.db).busyFinances == false)
        }
    }

    @Test("the audit log reads as officials read it: labels for kinds, actions and fields, names for objects, before → after per field, filters by object and action; the API keeps ids")
    func readableAudit() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "qu", .districtOfficial, at: world.districtA)
            let zhang = try await login(app, "zhang"), qu = try await login(app, "qu")
            let village = try world.villageV1.requireID()
            let meeting = createdID(try await send(app, .POST, "/api/v1/units/\(village)/meetings", as: zhang,
                                                   json: ["kind": "representativeMeeting", "date": "2026-04-10", "title": "二季度村民代表会议", "attendance": "30"]).body)
            _ = try await send(app, .PUT, "/api/v1/units/\(village)/meetings/\(meeting)", as: zhang,
                               json: ["kind": "representativeMeeting", "date": "2026-04-11", "title": "二季度村民代表会议", "attendance": "32"])
            _ = try await send(app, .PUT, "/api/v1/units/\(village)/profile", as: zhang, json: Self.goodProfile)
            let page = try await send(app, .GET, "/audit?objectType=meetings", as: qu)
            #expect(page.status == .ok)
            for text in ["会议：前辛庄村 · 二季度村民代表会议", "修改", "召开日期：2026-04-10 → 2026-04-11", "出席人数：30 → 32", "新建：", "会议类型：村民代表会议",
                         "只看此对象", "<option value=\"meetings\" selected>会议</option>"] {
                #expect(page.body.contains(text), "\(text)")
            }
            #expect(!page.body.contains("村情况："), "filtered by kind")
            // By action, and by one object.
            let updates = try await send(app, .GET, "/audit?action=update&objectType=meetings", as: qu)
            #expect(updates.body.contains("共1条，本页1条"))
            let one = try await send(app, .GET, "/audit?objectID=\(meeting)", as: qu)
            #expect(one.body.contains("共2条，本页2条"))
            // Another record is named by its title, a user by name, not by id.
            let team = createdID(try await send(app, .POST, "/api/v1/units/\(village)/volunteerTeams", as: zhang, json: ["name": "红马甲巡逻队"]).body)
            _ = try await send(app, .POST, "/api/v1/units/\(village)/volunteers", as: zhang, json: ["name": "李志愿", "team": team])
            let volunteers = try await send(app, .GET, "/audit?objectType=volunteers", as: qu)
            #expect(volunteers.body.contains("所属队伍：红马甲巡逻队") && !volunteers.body.lowercased().contains(team.lowercased()), "\(volunteers.body.count)")
            try await World.user(app, "admin", .admin, at: nil)
            let admin = try await login(app, "admin")
            let logins = try await send(app, .GET, "/audit?action=login", as: admin)
            #expect(logins.body.contains("用户：zhang") && logins.body.contains("用户：qu"), "a user by name, not by id")
            let profile = try await send(app, .GET, "/audit?objectType=villageProfile", as: qu)
            #expect(profile.body.contains("实有户数：640 → 901"), "\(profile.body.count)")
            // The JSON API keeps ids and stored values, with the unit the event belongs to.
            let api = try StationFixture.decode(AuditListDTO.self, try await send(app, .GET, "/api/v1/audit?objectID=\(meeting)&action=update", as: qu).body)
            #expect(api.events.count == 1 && api.events[0].objectType == "meetings" && api.events[0].unitID == village.uuidString)
            #expect(api.events[0].after?.contains("\"date\":\"2026-04-11\"") == true)
        }
    }

    @Test("officials see the audit log of their district only; village users not at all")
    func auditScope() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "sun", .districtOfficial, at: world.districtA)
            try await World.user(app, "zhou", .districtOfficial, at: world.districtB)
            try await World.user(app, "root", .admin, at: nil)
            let zhang = try await login(app, "zhang")
            _ = try await send(app, .PUT, "/api/v1/units/\(try world.villageV1.requireID())/profile", as: zhang, json: Self.goodProfile)
            let sun = try await login(app, "sun")
            let mine = try Self.decoder.decode(AuditListDTO.self, from: Data(try await send(app, .GET, "/api/v1/audit?objectType=villageProfile", as: sun).body.utf8))
            #expect(mine.total == 1)
            let zhou = try await login(app, "zhou")
            let theirs = try Self.decoder.decode(AuditListDTO.self, from: Data(try await send(app, .GET, "/api/v1/audit?objectType=villageProfile", as: zhou).body.utf8))
            #expect(theirs.total == 0)
            #expect(try await send(app, .GET, "/api/v1/audit", as: zhang).status == .notFound)
            let root = try await login(app, "root")
            let page = try await send(app, .GET, "/audit?username=zhang&objectType=villageProfile", as: root)
            #expect(page.status == .ok && page.body.contains("villageProfile"))
            #expect(try await send(app, .GET, "/api/v1/audit?from=2026-13-01", as: root).status == .unprocessableEntity)
        }
    }

    @Test("every value is escaped in pages")
    func escaping() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let session = try await login(app, "root")
            let created = try await send(app, .POST, "/api/v1/units/\(try world.townshipA1.requireID())/children", as: session,
                                         json: UnitInput(name: "<script>alert('x')</script>\"村", code: nil))
            let unit = try JSONDecoder().decode(UnitDTO.self, from: Data(created.body.utf8))
            let page = try await send(app, .GET, "/units/\(unit.id)", as: session)
            #expect(!page.body.contains("<script>"))
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;村"))
            #expect(Node.el("a", ["href": "\"><img src=x>"], "a&b").render() == "<a href=\"&quot;&gt;&lt;img src=x&gt;\">a&amp;b</a>")
            // Runs of any text between the five characters are kept as they are, multi-byte included.
            #expect(Node.escaped("村<委>会&\"'") == "村&lt;委&gt;会&amp;&quot;&#39;")
            #expect(Node.escaped("<后辛庄村>") == "&lt;后辛庄村&gt;" && Node.escaped("后辛庄村 👍") == "后辛庄村 👍" && Node.escaped("") == "")
            #expect(Node.escaped("&&") == "&amp;&amp;" && Node.escaped("a'b'c") == "a&#39;b&#39;c")
        }
    }

    @Test("security headers on every page; /healthz answers; the stylesheet is cached by hash")
    func headersAndHealth() async throws {
        try await withApp { app, _ in
            let login = try await send(app, .GET, "/login")
            #expect(login.headers.first(name: "Content-Security-Policy")?.contains("unsafe-inline") == false)
            #expect(login.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(login.headers.first(name: "X-Content-Type-Options") == "nosniff")
            let health = try await send(app, .GET, "/healthz")
            #expect(health.status == .ok && health.body.contains("\"database\":\"ok\""))
            let css = try await send(app, .GET, Stylesheet.path)
            #expect(css.status == .ok && css.headers.first(name: .cacheControl)?.contains("immutable") == true)
        }
    }

    @Test("/healthz says 503 when the database does not answer")
    func healthDown() async throws {
        try await withApp { app, _ in
            try await app.autoRevert()
            let health = try await send(app, .GET, "/healthz")
            #expect(health.status == .serviceUnavailable)
            try await app.autoMigrate()
        }
    }
}

@Suite("Storage and configuration")
struct StorageTests {
    @Test("a SQLite file is created, migrated and put in WAL mode with a busy timeout",
          .enabled(if: ProcessInfo.processInfo.environment["DATABASE_URL"] == nil, "SQLite only"))
    func sqliteFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let app = try await Application.make(.testing)
        do {
            try await configure(app, environment: ["CUNWU_DATABASE_PATH": path, "CUNWU_BCRYPT_COST": "4"])
            try await prepareDatabase(app)
            let sql = try #require(app.db as? any SQLDatabase)
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
            let timeout = try await sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
            #expect(timeout == 5000)
            #expect(try await OrgUnit.query(on: app.db).count() == 0)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("bad settings fail the boot with a message naming the variable")
    func badConfiguration() {
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["DATABASE_URL": "mysql://x"], testing: false) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_SESSION_IDLE_MINUTES": "0"], testing: false) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_BCRYPT_COST": "3"], testing: false) }
        do {
            _ = try AppConfig.fromEnvironment(["CUNWU_SECURE_COOKIES": "maybe"], testing: false)
        } catch {
            #expect(error.description.contains("CUNWU_SECURE_COOKIES"))
        }
        let settings = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-settings-\(UUID().uuidString).json")
        try? Data(#"{"checks": {"5.1": {"categories": ["villageAffairs", "finance", "partyAffairs"]}}, "scoring": {"passMark": 90}}"#.utf8).write(to: settings)
        let configured = try? AppConfig.fromEnvironment(["CUNWU_STANDARD_SETTINGS": settings.path], testing: false)
        #expect(configured?.scheme.passMark == 90)
        #expect({ if case let .quarterlyDisclosures(categories, _)? = configured?.catalogue.check("5.1")?.rule { return categories.count == 3 }; return false }())
        try? Data(#"{"checks": {"5.1": {"categories": ["gossip"]}}}"#.utf8).write(to: settings)
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_STANDARD_SETTINGS": settings.path], testing: false) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_STANDARD_SETTINGS": "/nonexistent.json"], testing: false) }
        try? FileManager.default.removeItem(at: settings)
        let defaults = try? AppConfig.fromEnvironment([:], testing: false)
        #expect(defaults?.storage == .sqliteFile(path: "cunwu.sqlite"))
        #expect(defaults?.bcryptCost == 12 && defaults?.sessionIdleMinutes == 30 && defaults?.lockoutThreshold == 5 && defaults?.lockoutMinutes == 15)
    }
}
