@testable import App
import Fluent
import Foundation
import SQLKit
import StandardKit
import Testing
import Vapor
import VaporTesting

/// A district with an open 2026 cycle and one user per acting role.
struct CycleFixture {
    var world: World
    var wang: Session, jian: Session, town: Session, town2: Session, qu: Session
    var cycle: UUID
    var v1: UUID

    static func make(_ app: Application, clock: TestClock) async throws -> CycleFixture {
        clock.set(beijingDay: "2026-12-01")
        let world = try await World.make(app)
        try await World.user(app, "wang", .stationStaff, at: world.villageV1)
        try await World.user(app, "jian", .supervisor, at: world.villageV1)
        try await World.user(app, "town", .townshipOfficial, at: world.townshipA1)
        try await World.user(app, "town2", .townshipOfficial, at: world.townshipA2)
        try await World.user(app, "qu", .districtOfficial, at: world.districtA)
        let qu = try await login(app, "qu")
        let district = try world.districtA.requireID()
        let opened = try await send(app, .POST, "/api/v1/units/\(district)/cycles", as: qu,
                                    json: ["name": "2026年度", "year": "2026", "submitBy": "2026-12-04", "reviewBy": "2026-12-20"])
        #expect(opened.status == .created, "\(opened.body)")
        let idText = try #require(try StationFixture.json(opened.body)["id"] as? String)
        let cycle = try #require(UUID(uuidString: idText))
        return CycleFixture(world: world, wang: try await login(app, "wang"), jian: try await login(app, "jian"), town: try await login(app, "town"),
                            town2: try await login(app, "town2"), qu: qu, cycle: cycle, v1: try world.villageV1.requireID())
    }

    func path(_ unit: UUID, _ tail: String = "") -> String { "/api/v1/units/\(unit)/cycles/\(cycle)" + tail }

    func sheet(_ app: Application, _ unit: UUID? = nil, as session: Session? = nil) async throws -> SheetDTO {
        let result = try await send(app, .GET, path(unit ?? v1, "/sheet"), as: session ?? wang)
        #expect(result.status == .ok, "\(result.body)")
        return try StationFixture.decode(SheetDTO.self, result.body)
    }

    @discardableResult
    func act(_ app: Application, _ action: String, _ body: [String: String] = [:], unit: UUID? = nil, as session: Session, expect status: HTTPStatus = .ok) async throws -> String {
        let result = try await send(app, .POST, path(unit ?? v1, "/" + action), as: session, json: body)
        #expect(result.status == status, "\(action) \(body): \(result.body)")
        return result.body
    }

    func evidencedChecks(_ app: Application, level: UnitKind = .village) -> [String] {
        Sheets.evidencedChecks(app.config.catalogue, level: level).map(\.id)
    }

    /// A note for every evidenced check of the unit's sheet.
    func fillEvidence(_ app: Application, unit: UUID? = nil, level: UnitKind = .village, as session: Session? = nil) async throws {
        for check in evidencedChecks(app, level: level) {
            let result = try await send(app, .POST, path(unit ?? v1, "/evidence"), as: session ?? wang, json: ["check": check, "kind": "note", "note": "见村委会档案第\(check)号"])
            #expect(result.status == .created, "\(check): \(result.body)")
        }
    }

    static func multipart(_ app: Application, _ path: String, as session: Session, check: String, filename: String, data: Data) async throws -> (HTTPStatus, String) {
        let result = try await postMultipart(app, path, as: session, fields: ["check": check, "kind": "file"], file: data, filename: filename)
        return (result.status, result.body)
    }
}

@Suite("Assessment cycles: sheets, evidence, review and approval, dashboards, reports, notices")
struct AssessmentTests {
    @Test("kept summaries are read by hand exactly as JSONDecoder reads them: escapes, non-ASCII text, missing goals, no score; other shapes fall back to it; garbage is refused")
    func keptSummariesReadBack() throws {
        var generator = SystemRandomNumberGenerator()
        let statuses = ["met", "notMet", "pending", "notApplicable"]
        let pool: [Unicode.Scalar] = (0..<128).compactMap { Unicode.Scalar($0) } + ["村", "务", "é", "\u{2028}", "😀", "\u{FFFD}", "/"]
        func text() -> String { String(String.UnicodeScalarView((0..<Int.random(in: 0...30, using: &generator)).map { _ in pool.randomElement(using: &generator)! })) }
        for n in 0..<300 {
            let tallies = (0..<7).map { _ in (0..<4).map { _ in Int.random(in: 0...40, using: &generator) } }
            var checks: [String: String] = [:], items = ItemStatuses(), explanations: [String: String] = [:]
            for c in 0..<Int.random(in: 0...120, using: &generator) {
                checks["\(c / 3 + 1).\(c % 3 + 1)"] = statuses.randomElement(using: &generator)!
                explanations[n % 2 == 0 ? text() : "\(c)"] = text()
            }
            for i in 1...62 where Bool.random(using: &generator) { items[i] = Status.allCases.randomElement(using: &generator)! }
            let scores: [Double?] = [nil, 0, 100, 87.5, 61.3, Double(n) / 7]
            var summary = SheetSummary(score: scores[n % scores.count], passed: n % 3 == 0, areas: n % 11 == 0 ? [] : tallies,
                                       checks: checks, items: items, explanations: explanations)
            if n % 4 != 0 { summary.goals = (0..<18).map { _ in (0..<4).map { _ in Int.random(in: 0...9, using: &generator) } } }
            let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            var copy = json
            let fast = copy.withUTF8 { SummaryReader.read($0) }
            #expect(fast != nil, "the hand reader gave up on \(json.prefix(200))")
            #expect(fast == summary)
            #expect(SheetSummary.decodeKept(json) == (try JSONDecoder().decode(SheetSummary.self, from: Data(json.utf8))))
            // A dashboard's reading steps over the checks and their explanations, and only them.
            var without = summary
            without.checks = [:]
            without.explanations = [:]
            #expect(SheetSummary.decodeKept(json, checks: false) == without)
        }
        // A shape the hand reader does not know (an extra key, as an older or newer version
        // might write) is still read, by JSONDecoder.
        let other = #"{"passed":true,"areas":[[1,0,0,0]],"checks":{},"items":{"1":"met"},"explanations":{},"extra":[1,{"a":null}]}"#
        var copy = other
        #expect(copy.withUTF8 { SummaryReader.read($0) } == nil)
        #expect(SheetSummary.decodeKept(other)?.items == ["1": "met"])
        #expect(SheetSummary.decodeKept(#"{"passed":true,"areas":[],"checks":{"1.1":"met"},"items":{"1":"met"},"explanations":{"1.1":"x"},"extra":1}"#,
                                        checks: false) == SheetSummary(score: nil, passed: true, areas: [], items: ["1": "met"]))
        for garbage in ["", "{", "[]", #"{"passed":tru}"#, #"{"passed":true,"areas":[[1,2]],"checks":{"a":1}}"#, #"{"passed":true,"areas":[["x"]]}"#,
                        #"{"passed":true,"areas":[],"checks":{"a":"\ud800"}}"#, "{\"passed\":true,\"areas\":[]} x",
                        #"{"passed":true,"areas":[],"checks":{"a":"met",}}"#, #"{"passed":true,"areas":[],"explanations":{"a":"\q"}}"#,
                        "{\"passed\":true,\"areas\":[],\"checks\":{\"a\":\"\u{01}\"}}"] {
            #expect(SheetSummary.decodeKept(garbage) == nil, "\(garbage)")
            #expect(SheetSummary.decodeKept(garbage, checks: false) == nil, "\(garbage)")
        }
    }

    @Test("item statuses are kept in the shape of a dictionary of strings, read from it by both readers, and refuse what is not an item's status")
    func itemStatusesShape() throws {
        var items = ItemStatuses()
        for (n, status) in [(1, Status.met), (12, .notMet), (33, .pending), (62, .notApplicable)] { items[n] = status }
        #expect(items[12] == .notMet && items[33] == .pending && items[2] == nil && items[4096] == nil && items.statuses.count == 4)
        // Written as summaries always were: an object of number → status text.
        let written = try JSONEncoder().encode(items)
        let plain = try JSONDecoder().decode([String: String].self, from: written)
        #expect(plain == ["1": "met", "12": "notMet", "33": "pending", "62": "notApplicable"])
        #expect(try JSONDecoder().decode(ItemStatuses.self, from: JSONEncoder().encode(plain)) == items)
        // Clearing the highest item leaves a value equal to one never given it.
        var cleared = items
        cleared[62] = nil
        #expect(cleared == ["1": "met", "12": "notMet", "33": "pending"] && cleared != items)
        // A summary kept with item keys in any order reads the same by hand and by JSONDecoder.
        let kept = #"{"passed":true,"areas":[],"checks":{},"items":{"62":"notApplicable","1":"met","33":"pending","12":"notMet"},"explanations":{}}"#
        var copy = kept
        #expect(copy.withUTF8 { SummaryReader.read($0) }?.items == items)
        #expect(try JSONDecoder().decode(SheetSummary.self, from: Data(kept.utf8)).items == items)
        // Not a status, not a number, a number too large: neither reader accepts it.
        for bad in [#"{"1":"done"}"#, #"{"x":"met"}"#, #"{"99999":"met"}"#, #"{"-1":"met"}"#] {
            let text = #"{"passed":true,"areas":[],"checks":{},"items":"# + bad + #","explanations":{}}"#
            var copy = text
            #expect(copy.withUTF8 { SummaryReader.read($0) } == nil, "\(bad)")
            #expect(SheetSummary.decodeKept(text) == nil, "\(bad)")
        }
    }

    @Test("opening a cycle makes a sheet for the district, each township and each village; only the district may, once a year")
    func openCycle() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            #expect(try await AssessmentSheet.query(on: app.db).count() == 6)
            let district = try f.world.districtA.requireID()
            let again = try await send(app, .POST, "/api/v1/units/\(district)/cycles", as: f.qu, json: ["name": "再开", "year": "2026", "submitBy": "2026-12-04", "reviewBy": "2026-12-20"])
            #expect(again.status == .unprocessableEntity && again.body.contains("\"field\":\"year\""))
            let bad = try await send(app, .POST, "/api/v1/units/\(district)/cycles", as: f.qu, json: ["name": "x", "year": "2025", "submitBy": "2025-12-20", "reviewBy": "2025-12-04"])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("\"field\":\"reviewBy\""))
            #expect(try await send(app, .POST, "/api/v1/units/\(f.world.townshipA1.requireID())/cycles", as: f.town,
                                   json: ["name": "x", "year": "2025", "submitBy": "2025-12-04", "reviewBy": "2025-12-20"]).status == .forbidden)
            // A village set up after the cycle opened gets its sheet when first opened.
            let newVillage = try await send(app, .POST, "/api/v1/units/\(try f.world.townshipA1.requireID())/children", as: f.qu, json: ["name": "新建村"])
            let newText = try #require(try StationFixture.json(newVillage.body)["id"] as? String)
            let newID = try #require(UUID(uuidString: newText))
            #expect(try await f.sheet(app, newID, as: f.qu).state == "draft")
            #expect(try await AssessmentSheet.query(on: app.db).count() == 7)
            let sheet = try await f.sheet(app)
            #expect(sheet.state == "draft" && sheet.mayFill && !sheet.mayReview && sheet.checks.count == app.config.catalogue.checks.count)
            // Each measured check not met links the one who fills the sheet to its action, and
            // the reviewer to the records behind it.
            let page = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)", as: f.wang)
            #expect(page.status == .ok)
            for target in ["/records/meetings/new?kind=representativeMeeting", "/records/disclosures/new", "/records/volunteers/new", "/records/posts/new", "/station"] {
                #expect(page.body.contains("/units/\(f.v1)\(target)\">去处理</a>"), "\(target)")
            }
            let reviewer = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)", as: f.town)
            for target in ["/records/meetings", "/records/disclosures", "/records/volunteers", "/records/posts", "/station"] {
                #expect(reviewer.body.contains("/units/\(f.v1)\(target)\">查看台账</a>"), "\(target)")
            }
            #expect(!reviewer.body.contains("去处理"))
        }
    }

    @Test("the full workflow: blocked submit, review with a return, answer and resubmit, pass up, approve and lock, audited unlock back to the village; every refusal changes nothing")
    func workflow() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            // Submitting without evidence is blocked, naming each check.
            let blocked = try await f.act(app, "submit", as: f.wang, expect: .unprocessableEntity)
            #expect(blocked.contains("\"field\":\"check.1.2\""))
            #expect(try await f.sheet(app).state == "draft")
            // Only the village's own roles may fill it.
            try await f.act(app, "submit", as: f.jian, expect: .forbidden)
            try await f.fillEvidence(app)
            let quality = try #require(try await f.sheet(app).quality)
            #expect(quality.errors.isEmpty)
            // A township official cannot submit a village's sheet.
            try await f.act(app, "submit", as: f.town, expect: .forbidden)
            try await f.act(app, "submit", as: f.wang)
            #expect(try await f.sheet(app).state == "submitted")
            // Submitted: the village cannot add evidence; the reviewer cannot approve.
            let late = try await send(app, .POST, f.path(f.v1, "/evidence"), as: f.wang, json: ["check": "1.2", "kind": "note", "note": "补充"])
            #expect(late.status == .conflict)
            try await f.act(app, "approve", as: f.town, expect: .forbidden)
            try await f.act(app, "review", ["check": "1.2", "decision": "accepted"], as: f.town2, expect: .notFound)
            // A return needs a reason.
            try await f.act(app, "review", ["check": "1.2", "decision": "returned"], as: f.town, expect: .unprocessableEntity)
            // Several decisions at once are all checked first: one bad entry writes none of them.
            let batch = try await f.act(app, "review", ["decision.1.2": "accepted", "decision.2.2": "returned", "decision.18.1": "accepted"],
                                        as: f.town, expect: .unprocessableEntity)
            #expect(batch.contains("\"field\":\"check.2.2\"") && batch.contains("\"field\":\"check.18.1\""))
            #expect(try await SheetCheck.query(on: app.db).count() == 0)
            let checks = f.evidencedChecks(app)
            for check in checks {
                try await f.act(app, "review", check == "1.2" ? ["check": check, "decision": "returned", "reason": "缺少党支部成立批复"] : ["check": check, "decision": "accepted"], as: f.town)
            }
            try await f.act(app, "pass", as: f.town, expect: .unprocessableEntity)
            try await f.act(app, "return", as: f.town)
            var sheet = try await f.sheet(app)
            #expect(sheet.state == "returned")
            #expect(sheet.checks.first { $0.id == "1.2" }?.reason == "缺少党支部成立批复")
            // Resubmitting needs an answer to the return.
            let unanswered = try await f.act(app, "submit", as: f.wang, expect: .unprocessableEntity)
            #expect(unanswered.contains("answer.1.2"))
            try await f.act(app, "answer", ["check": "1.3", "answer": "x"], as: f.wang, expect: .unprocessableEntity)
            try await f.act(app, "answer", ["check": "1.2", "answer": "已补充镇党委批复扫描件"], as: f.wang)
            try await f.act(app, "submit", as: f.wang)
            sheet = try await f.sheet(app)
            #expect(sheet.state == "submitted" && sheet.checks.first { $0.id == "1.2" }?.decision == nil)
            try await f.act(app, "review", ["check": "1.2", "decision": "accepted"], as: f.town)
            try await f.act(app, "pass", as: f.town)
            #expect(try await f.sheet(app).state == "reviewed")
            // Only the district approves; the approved sheet is locked with its score kept.
            try await f.act(app, "approve", as: f.town, expect: .forbidden)
            let approved = try StationFixture.decode(SheetDTO.self, try await f.act(app, "approve", as: f.qu))
            #expect(approved.state == "approved" && approved.approvedOn == "2026-12-01")
            let stored = try #require(try await AssessmentSheet.query(on: app.db).filter(\.$unitID == f.v1).first())
            #expect(stored.result != nil && stored.score == approved.score)
            let locked = try await send(app, .POST, f.path(f.v1, "/evidence"), as: f.wang, json: ["check": "1.2", "kind": "note", "note": "再补充"])
            #expect(locked.status == .conflict && locked.body.contains("已审定并锁定"))
            try await f.act(app, "unlock", as: f.wang, expect: .forbidden)
            try await f.act(app, "unlock", as: f.qu, expect: .unprocessableEntity)
            let before = try await auditCount(app)
            try await f.act(app, "unlock", ["reason": "村报告材料有误，需重新审核"], as: f.qu)
            #expect(try await f.sheet(app).state == "returned", "unlocked, the sheet goes back to the village")
            #expect(try await auditCount(app) == before + 1)
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "unlockSheet").first())
            #expect(audit.after?.contains("村报告材料有误") == true)
            // A stale version is refused.
            try await f.act(app, "approve", ["version": "1"], as: f.qu, expect: .conflict)
        }
    }

    @Test("evidence files: oversized and wrong-by-content files are refused; a path in the name never reaches the disk; links are checked")
    func evidenceFiles() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let url = f.path(f.v1, "/evidence")
            let pdf = Data("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".utf8)
            let (status, body) = try await CycleFixture.multipart(app, url, as: f.wang, check: "1.2", filename: "../../etc/passwd.pdf", data: pdf)
            #expect(status == .created, "\(body)")
            let evidence = try StationFixture.decode(EvidenceDTO.self, body)
            #expect(evidence.name == "passwd.pdf" && evidence.contentType == "application/pdf")
            let row = try #require(try await Evidence.find(evidence.id, on: app.db))
            let hash = try #require(row.contentHash)
            #expect(FileManager.default.fileExists(atPath: app.files.path(for: hash)))
            // Nothing was written where the name pointed, nor under the name anywhere in the store.
            #expect(!FileManager.default.fileExists(atPath: ((app.config.filesPath + "/../../etc/passwd.pdf") as NSString).standardizingPath))
            let stored = FileManager.default.enumerator(atPath: app.config.filesPath)?.allObjects.compactMap { $0 as? String } ?? []
            #expect(!stored.contains { $0.contains("passwd") })
            #expect(app.files.path(for: hash).hasSuffix("/" + hash))
            let download = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)/evidence/\(evidence.id)", as: f.jian)
            #expect(download.status == .ok && download.body.hasPrefix("%PDF"))
            let fake = try await CycleFixture.multipart(app, url, as: f.wang, check: "1.2", filename: "报告.pdf", data: Data("这不是PDF".utf8))
            #expect(fake.0 == .unprocessableEntity && fake.1.contains("\"field\":\"file\""))
            var big = Data("%PDF-1.4\n".utf8)
            big.append(Data(count: 10 * 1024 * 1024))
            let oversized = try await CycleFixture.multipart(app, url, as: f.wang, check: "1.2", filename: "大.pdf", data: big)
            #expect(oversized.0 == .unprocessableEntity || oversized.0 == .payloadTooLarge || oversized.0 == .badRequest)
            let wrongCheck = try await send(app, .POST, url, as: f.wang, json: ["check": "18.1", "kind": "note", "note": "x"])
            #expect(wrongCheck.status == .unprocessableEntity && wrongCheck.body.contains("\"field\":\"check\""))
            let badLink = try await send(app, .POST, url, as: f.wang, json: ["check": "1.2", "kind": "link", "url": "javascript:alert(1)"])
            #expect(badLink.status == .unprocessableEntity && badLink.body.contains("\"field\":\"url\""))
            #expect(try await Evidence.query(on: app.db).count() == 1)
        }
    }

    @Test("township- and district-level checks are assessed once on their own sheet and shown on each village's sheet")
    func otherLevels() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let township = try f.world.townshipA1.requireID()
            let checks = f.evidencedChecks(app, level: .township)
            #expect(!checks.isEmpty)
            try await f.fillEvidence(app, unit: township, level: .township, as: f.town)
            try await f.act(app, "submit", unit: township, as: f.town)
            // A township's sheet is reviewed by the district.
            try await f.act(app, "review", ["check": checks[0], "decision": "accepted"], unit: township, as: f.town, expect: .forbidden)
            try await f.act(app, "review", ["check": checks[0], "decision": "accepted"], unit: township, as: f.qu)
            let village = try await f.sheet(app)
            #expect(village.checks.first { $0.id == checks[0] }?.status == "met")
            let v3 = try await f.sheet(app, try f.world.villageV3.requireID(), as: f.qu)
            #expect(v3.checks.first { $0.id == checks[0] }?.status == "pending")
        }
    }

    @Test("before the cycle's as-of date a sheet counts only the quarters that have ended")
    func liveBeforeAsOf() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock) // today 2026-12-01, as of 2026-12-31
            for date in ["2026-02-10", "2026-05-10", "2026-08-10"] {
                let made = try await send(app, .POST, "/api/v1/units/\(f.v1)/meetings", as: f.wang,
                                          json: ["kind": "representativeMeeting", "date": date, "title": "村民代表会议"])
                #expect(made.status == .created)
            }
            #expect(try await f.sheet(app).checks.first { $0.id == "7.1" }?.status == "met")
            clock.set(beijingDay: "2027-01-05")
            let later = try await login(app, "wang")
            #expect(try await f.sheet(app, as: later).checks.first { $0.id == "7.1" }?.status == "notMet")
        }
    }

    @Test("dashboard arithmetic matches hand-computed figures")
    func dashboardMath() {
        // Two villages, two areas. Village A: area 1 met 3 of 4 counted, area 2 met 1 of 1; village B: area 1 met 1 of 2 (one not applicable).
        let a = SheetSummary(score: 80, passed: true, areas: [[3, 1, 0, 0], [1, 0, 0, 2]], items: ["1": "met", "2": "notMet", "3": "met"])
        let b = SheetSummary(score: 55.5, passed: false, areas: [[1, 0, 1, 1], [0, 0, 0, 3]], items: ["1": "met", "2": "notMet", "3": "notApplicable"])
        let rates = DashboardMath.areaRates([a, b], areas: 2)
        #expect(rates[0] == 4.0 / 6.0)
        #expect(rates[1] == 1.0)
        let items = DashboardMath.itemRates([a, b], items: [1, 2, 3])
        #expect(items.map(\.rate) == [1.0, 0.0, 1.0])
        // Pending counts against an item; a village without the item and one where it does not
        // apply are left out; an item that applies nowhere has no rate.
        let c3 = SheetSummary(score: nil, passed: false, areas: [], items: ["3": "pending", "4": "notApplicable", "62": "met"])
        let more = DashboardMath.itemRates([a, b, c3], items: [1, 3, 4, 62])
        #expect(more.map(\.number) == [1, 3, 62] && more.map(\.rate) == [1.0, 0.5, 1.0])
        #expect(DashboardMath.mean([80, 55.5]) == 67.8)
        var ga = a, gb = b
        ga.goals = [[2, 2, 0, 0]]
        gb.goals = [[1, 0, 0, 5]]
        #expect(DashboardMath.goalRates([ga, gb], goals: 1) == [0.6])
        let c = DashboardMath.completeness([.init(summary: a, state: .approved, submittedOn: "2026-12-03"), .init(summary: b, state: .submitted, submittedOn: "2026-12-06"),
                                             .init(summary: nil, state: .draft, submittedOn: nil)], submitBy: "2026-12-04")
        #expect(c.sheets == 3 && c.submitted == 2 && c.reviewed == 1 && c.approved == 1 && c.submittedOnTime == 1)
    }

    @Test("the dashboard's figures are the sheets' own, with completeness and the change since last cycle; report, exports and rectification list")
    func dashboardAndReports() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            // A 2025 cycle to compare with.
            try await send(app, .POST, "/api/v1/units/\(district)/cycles", as: f.qu, json: ["name": "2025年度", "year": "2025", "submitBy": "2025-12-04", "reviewBy": "2025-12-20"])
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            let d = try StationFixture.decode(DashboardDTO.self, try await send(app, .GET, f.path(district, "/dashboard"), as: f.qu).body)
            #expect(d.villages.count == 3)
            var scores: [Double] = []
            for row in d.villages {
                let sheet = try await f.sheet(app, row.unitID, as: f.qu)
                #expect(row.score == sheet.score)
                if let s = sheet.score { scores.append(s) }
                #expect(row.previousScore != nil)
            }
            #expect(d.meanScore == DashboardMath.mean(scores))
            #expect(d.completeness.sheets == 3 && d.completeness.submitted == 1 && d.completeness.submittedOnTime == 1 && d.completeness.approved == 0)
            #expect(d.previousMeanScore != nil && d.weakestItems.count == 5 && d.areas.count == 7 && d.goals.count == 18 && (1...62).contains(d.items.count))
            let township = try await send(app, .GET, f.path(try f.world.townshipA1.requireID(), "/dashboard"), as: f.town)
            #expect(try StationFixture.decode(DashboardDTO.self, township.body).villages.count == 2)
            #expect(try await send(app, .GET, f.path(district, "/dashboard"), as: f.town).status == .notFound)
            let page = try await send(app, .GET, "/units/\(district)/dashboard/\(f.cycle)", as: f.qu)
            #expect(page.status == .ok && page.body.contains("<svg") && page.body.contains("各村各项目达标率"))
            // Each check's level and local reading beside the rates (issue 20): the township's
            // 20.1, the district's 46.1, item 25's 15 days as set.
            #expect(page.body.contains("检查项的层级与本地解读"))
            for text in ["20.1 社区办公经费列入预算", "<td>乡镇</td>", "<td>区县</td>", "15天内办结为及时"] {
                #expect(page.body.contains(text), "\(text)")
            }
            let report = try await send(app, .GET, "/units/\(f.v1)/report/\(f.cycle)", as: f.wang)
            // A title block (unit, cycle, dates) and the signature block; no running header over the tables.
            #expect(report.body.contains("class=\"title-block\"") && report.body.contains("<dd>桥梓镇 · 前辛庄村</dd>") && report.body.contains("<dd>2026-12-01</dd>"))
            #expect(report.body.contains("填报单位（盖章）：前辛庄村") && report.body.contains("审核单位（盖章）：桥梓镇") && !report.body.contains("class=\"running\""))
            #expect(report.body.contains("2026年度") && report.body.contains("前辛庄村农村社区建设评估报告"))
            #expect(report.body.contains("（乡镇）"), "the village report names another level's checks")
            let summary = try await send(app, .GET, "/units/\(district)/report/\(f.cycle)", as: f.qu)
            #expect(summary.body.contains("怀柔区农村社区建设评估汇总"))
            #expect(summary.body.contains("<details open><summary>检查项的层级与本地解读"), "open in print")
            let csv = try await send(app, .GET, "/units/\(district)/cycles/\(f.cycle)/export?format=csv", as: f.qu)
            #expect(csv.body.contains("前辛庄村") && csv.body.contains("河防口村"))
            let xlsx = try await send(app, .GET, "/units/\(district)/cycles/\(f.cycle)/export", as: f.qu)
            #expect(xlsx.body.utf8.starts(with: [0x50, 0x4B]))
            // Named as officials file it, in Chinese (RFC 6266), with an ASCII name beside.
            let disposition = try #require(xlsx.headers.first(name: .contentDisposition))
            let encoded = try #require("怀柔区-2026年度评估汇总.xlsx".addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ".", "_"])))
            #expect(disposition.contains("filename*=UTF-8''\(encoded)") && disposition.contains("filename=\"___-2026______.xlsx\""), "\(disposition)")
            // Rectification: unmet checks with what is missing; follow-up saved; a bad deadline named.
            let list = try StationFixture.decode(RectificationListDTO.self, try await send(app, .GET, f.path(f.v1, "/rectification"), as: f.wang).body)
            let first = try #require(list.items.first)
            #expect(first.status == "open" && !first.missing.isEmpty)
            let saved = try await send(app, .POST, f.path(f.v1, "/rectification"), as: f.wang,
                                       json: ["check": first.check, "responsible": "王建国", "deadline": "2027-03-31", "followUp": "已列入明年计划"])
            #expect(saved.status == .ok && saved.body.contains("王建国"))
            let bad = try await send(app, .POST, f.path(f.v1, "/rectification"), as: f.wang, json: ["check": first.check, "responsible": "王建国", "deadline": "明年"])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("\"field\":\"deadline\""))
            #expect(try await send(app, .POST, f.path(f.v1, "/rectification"), as: f.jian, json: ["check": first.check, "responsible": "x"]).status == .forbidden)
        }
    }

    @Test("the inbox tells each user what waits for them")
    func inbox() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            var village = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body)
            #expect(village.notices.contains { $0.kind == "deadline" })  // submission due 4 December, 3 working days away
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            let town = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.town).body)
            #expect(town.notices.contains { $0.kind == "toReview" && $0.link.contains(f.v1.uuidString) })
            try await f.act(app, "review", ["check": "1.2", "decision": "returned", "reason": "缺件"], as: f.town)
            try await f.act(app, "return", as: f.town)
            village = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body)
            #expect(village.notices.contains { $0.kind == "returned" })
            let page = try await send(app, .GET, "/inbox", as: f.wang)
            #expect(page.body.contains("评估表被退回"))
        }
    }

    @Test("notices are unread until opened or marked read, the navigation counts them, and a changed notice is unread again")
    func inboxReadState() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let html: HTTPHeaders = ["Accept": "text/html,application/xhtml+xml"]
            func inbox() async throws -> [NoticeDTO] { try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body).notices }
            let first = try await inbox()
            let deadline = try #require(first.first { $0.kind == "deadline" })
            #expect(first.allSatisfy { !$0.read })
            // The navigation shows the village's places and the unread count.
            let home = try await send(app, .GET, "/units/\(f.v1)", as: f.wang, headers: html)
            #expect(home.body.contains("<span class=\"count\" aria-label=\"\(first.count)条未读\">\(first.count)</span>"), "\(home.body.prefix(3000))")
            #expect(home.body.contains("href=\"/units/\(f.v1)/records\"") && home.body.contains("href=\"/units/\(f.v1)/station\""))
            #expect(home.body.contains("href=\"/units/\(f.v1)/cycles\""))
            // Opening a notice marks it read and goes where it points; an unknown one goes back to the inbox.
            let opened = try await send(app, .GET, "/inbox/notices/\(deadline.id)", as: f.wang)
            #expect(opened.status == .seeOther && opened.headers.first(name: .location) == deadline.link)
            #expect(try await inbox().first { $0.id == deadline.id }?.read == true)
            let unknown = try await send(app, .GET, "/inbox/notices/0123456789abcdef", as: f.wang)
            #expect(unknown.headers.first(name: .location) == "/inbox")
            // The English inbox is the same notices, read the same.
            #expect(try await send(app, .GET, "/api/v1/inbox", as: f.wang, headers: ["Accept-Language": "en"]).body.contains("\"id\":\"\(deadline.id)\",\"kind\":\"deadline\""))
            // Another user's read state is their own.
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            try await f.act(app, "review", ["check": "1.2", "decision": "returned", "reason": "缺件"], as: f.town)
            try await f.act(app, "return", as: f.town)
            let returned = try #require(try await inbox().first { $0.kind == "returned" })
            #expect(!returned.read)
            // The menu's count is kept a minute, then counted again.
            let unreadNow = try await inbox().count { !$0.read }
            clock.advance(minutes: 2)
            let later = try await send(app, .GET, "/units/\(f.v1)", as: f.wang, headers: html)
            #expect(later.body.contains("aria-label=\"\(unreadNow)条未读\">\(unreadNow)</span>"), "\(unreadNow)")
            // The API names a notice it does not know, and changes nothing.
            let bad = try await send(app, .POST, "/api/v1/inbox/read", as: f.wang, json: ["notices": ["nope"]])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("\"field\":\"notices[0]\""))
            #expect(try await inbox().first { $0.id == returned.id }?.read == false)
            // Mark all read on the page: nothing unread, no count in the navigation.
            let before = try await send(app, .GET, "/inbox", as: f.wang, headers: html)
            #expect(before.body.contains("全部标为已读") && before.body.contains("class=\"badge\">未读"))
            #expect(try await send(app, .POST, "/inbox/read", as: f.wang, form: [:]).status == .seeOther)
            #expect(try await inbox().allSatisfy(\.read))
            let after = try await send(app, .GET, "/inbox", as: f.wang, headers: html)
            #expect(!after.body.contains("class=\"count\"") && after.body.contains("均已读"))
            // The same sheet returned again after a new submission is a new notice, unread.
            try await f.act(app, "answer", ["check": "1.2", "answer": "已补"], as: f.wang)
            try await f.act(app, "submit", as: f.wang)
            try await f.act(app, "review", ["check": "1.2", "decision": "returned", "reason": "仍缺件"], as: f.town)
            try await f.act(app, "return", as: f.town)
            #expect(try await inbox().first { $0.kind == "returned" }?.read == false)
        }
    }
}
