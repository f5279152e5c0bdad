@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 21, point 1: a village's year is one record once it is submitted or approved.
@Suite("A submitted or approved year is locked")
struct YearLockTests {
    static func meeting(_ date: String, _ title: String = "村民代表会议") -> [String: String] {
        ["kind": "representativeMeeting", "date": date, "title": title, "attendance": "30"]
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        try await Dialect.sql(app.db).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE deleted_at IS NULL").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("submitted: the year's records refuse create, change and delete (409, naming the sheet) through the API and pages; other years stay open; the flags say so")
    func lockedInReview() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let api = "/api/v1/units/\(f.v1)/meetings"
            let march = createdID(try await send(app, .POST, api, as: f.wang, json: Self.meeting("2026-03-10")).body)
            var sheet = try await f.sheet(app)
            #expect(!sheet.recordsLocked && sheet.mayFill && !sheet.mayAnswer && !sheet.mayReview && !sheet.mayUnlock)
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            sheet = try await f.sheet(app)
            // One function gives the flags: the village may no longer fill, the township may review.
            #expect(sheet.recordsLocked && !sheet.mayFill && !sheet.mayReview)
            #expect(sheet.lockMessage?.contains("2026-01-01至2026-12-31") == true)
            let reviewer = try await f.sheet(app, as: f.town)
            #expect(reviewer.mayReview && !reviewer.mayFill && !reviewer.mayApprove)
            let before = try await Self.count(app, "rec_meetings")
            let audits = try await auditCount(app)
            let changed = try await send(app, .PUT, api + "/\(march)", as: f.wang, json: Self.meeting("2026-03-10", "改过的标题"))
            #expect(changed.status == .conflict)
            #expect(changed.body.contains("审核期间锁定") && changed.body.contains("2026年度"))
            #expect(try await send(app, .DELETE, api + "/\(march)", as: f.wang).status == .conflict)
            #expect(try await send(app, .POST, api, as: f.wang, json: Self.meeting("2026-05-01")).status == .conflict)
            // Moving a record out of the locked year is a change to that year too.
            #expect(try await send(app, .PUT, api + "/\(march)", as: f.wang, json: Self.meeting("2027-03-10")).status == .conflict)
            #expect(try await Self.count(app, "rec_meetings") == before)
            #expect(try await auditCount(app) == audits, "a refused write leaves no trace but its refusal")
            // A record of next year is not part of the locked one.
            #expect(try await send(app, .POST, api, as: f.wang, json: Self.meeting("2027-01-05")).status == .created)
            // The page: no edit or delete offered, the reason shown; a forged form is refused with the same words.
            let page = try await send(app, .GET, "/units/\(f.v1)/records/meetings/\(march)", as: f.wang)
            #expect(page.body.contains("id=\"record-locked\"") && !page.body.contains("/records/meetings/\(march)/edit\""))
            let form = try await send(app, .POST, "/units/\(f.v1)/records/meetings/\(march)/edit", as: f.wang, form: Self.meeting("2026-03-10", "表单修改"))
            #expect(form.status == .conflict && form.body.contains("审核期间锁定") && form.body.contains("value=\"表单修改\""), "the form again, what was typed kept")
            let sheetPage = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)", as: f.wang)
            #expect(sheetPage.body.contains("id=\"records-locked\""))
        }
    }

    @Test("approved: locked with the approval named; the district's audited unlock sends the sheet back to the village and opens the records")
    func approvedAndUnlocked() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let api = "/api/v1/units/\(f.v1)/meetings"
            let june = createdID(try await send(app, .POST, api, as: f.wang, json: Self.meeting("2026-06-10")).body)
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            for check in f.evidencedChecks(app) { try await f.act(app, "review", ["check": check, "decision": "accepted"], as: f.town) }
            try await f.act(app, "pass", as: f.town)
            #expect(try await f.sheet(app, as: f.qu).mayApprove)
            try await f.act(app, "approve", as: f.qu)
            let district = try await f.sheet(app, as: f.qu)
            #expect(district.mayUnlock && !district.mayApprove && district.recordsLocked)
            let refused = try await send(app, .PUT, api + "/\(june)", as: f.wang, json: Self.meeting("2026-06-11"))
            #expect(refused.status == .conflict && refused.body.contains("已于2026-12-01审定") && refused.body.contains("解锁"))
            // An attachment is part of the record.
            let (status, _) = try await CycleFixture.multipart(app, "/units/\(f.v1)/records/meetings/\(june)/attachments", as: f.wang, check: "",
                                                               filename: "纪要.pdf", data: Data("%PDF-1.4\n%%EOF".utf8))
            #expect(status == .conflict)
            // Unlocking needs a reason; with one, the sheet returns to the village and the records open.
            try await f.act(app, "unlock", as: f.qu, expect: .unprocessableEntity)
            try await f.act(app, "unlock", ["reason": "会议日期登记有误，需更正"], as: f.qu)
            let reopened = try await f.sheet(app)
            #expect(reopened.state == "returned" && !reopened.recordsLocked && reopened.mayFill && reopened.approvedOn == nil)
            #expect(try await send(app, .PUT, api + "/\(june)", as: f.wang, json: Self.meeting("2026-06-11")).status == .ok)
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "unlockSheet").first())
            #expect(audit.after?.contains("会议日期登记有误") == true)
            // The reviewer's decisions stay: resubmitted, the township can pass it again at once.
            try await f.act(app, "submit", as: f.wang)
            try await f.act(app, "pass", as: f.town)
            #expect(try await f.sheet(app).state == "reviewed")
        }
    }

    @Test("the sheet page removes a piece of evidence with one form for the page (the pressed button names it); a submitted sheet offers none")
    func removeEvidenceFromThePage() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            try await f.fillEvidence(app)
            let page = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)", as: f.wang)
            #expect(page.body.components(separatedBy: "name=\"_csrf\"").count < 8, "one CSRF field per form, not one per file")
            let id = try #require(page.body.components(separatedBy: "form=\"remove-evidence\" name=\"evidence\" value=\"").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(page.body.contains("id=\"remove-evidence\""))
            let before = try await Evidence.query(on: app.db).count()
            let target = "/units/\(f.v1)/cycles/\(f.cycle)/evidence/remove"
            #expect(try await send(app, .POST, target, as: f.wang, form: ["evidence": "not-an-id"]).status == .notFound)
            #expect(try await send(app, .POST, target, as: f.wang, form: ["evidence": id]).status == .seeOther)
            #expect(try await Evidence.query(on: app.db).count() == before - 1)
            #expect(try await Evidence.find(UUID(uuidString: id), on: app.db) == nil)
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            let submitted = try await send(app, .GET, "/units/\(f.v1)/cycles/\(f.cycle)", as: f.wang)
            #expect(!submitted.body.contains("form=\"remove-evidence\"") && !submitted.body.contains("id=\"remove-evidence\""))
        }
    }

    @Test("every page agrees: the live evaluation shows reviewed evidence as the sheet does; once approved it shows the kept result, marking where today's live result differs")
    func pagesAgree() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            for check in f.evidencedChecks(app) { try await f.act(app, "review", ["check": check, "decision": "accepted"], as: f.town) }
            // The live page and its API: 1.2 is accepted on the sheet, so met here too (it was pending before).
            let sheet = try await f.sheet(app)
            let live = try StationFixture.json(try await send(app, .GET, "/api/v1/units/\(f.v1)/evaluation", as: f.wang).body)
            let items = try #require(live["items"] as? [[String: Any]])
            let checks = items.flatMap { ($0["checks"] as? [[String: Any]]) ?? [] }
            for id in ["1.2", "18.1", "45.3"] {
                let here = checks.first { $0["id"] as? String == id }?["status"] as? String
                #expect(here == sheet.checks.first { $0.id == id }?.status, "\(id)")
            }
            #expect(checks.first { $0["id"] as? String == "1.2" }?["status"] as? String == "met")
            try await f.act(app, "pass", as: f.town)
            try await f.act(app, "approve", as: f.qu)
            var page = try await send(app, .GET, "/units/\(f.v1)/standard", as: f.wang)
            #expect(page.body.contains("id=\"kept-result\"") && page.body.contains("审定结果"))
            #expect(!page.body.contains("live-differs"), "nothing differs yet")
            // The station's floor area is the profile's (undated, so open): today's 18.1 differs from the kept one.
            var profile = HierarchyTests.goodProfile
            profile.stationFloorArea = 30
            #expect(try await send(app, .PUT, "/api/v1/units/\(f.v1)/profile", as: f.wang, json: profile).status == .ok)
            page = try await send(app, .GET, "/units/\(f.v1)/standard", as: f.wang)
            #expect(page.body.contains("今天的实时结果：未达标"), "the kept status stays, today's is marked")
            let kept = try await f.sheet(app)
            #expect(kept.checks.first { $0.id == "18.1" }?.status == "met", "the sheet keeps its approved result")
        }
    }

    @Test("volunteer hours have no date of their own: they are locked with the activity they belong to")
    func referencedDates() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let base = "/api/v1/units/\(f.v1)"
            let volunteer = createdID(try await send(app, .POST, base + "/volunteers", as: f.wang, json: ["name": "李志愿"]).body)
            let activity = createdID(try await send(app, .POST, base + "/volunteerActivities", as: f.wang,
                                                    json: ["date": "2026-04-01", "title": "清洁家园"]).body)
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            let hours = try await send(app, .POST, base + "/volunteerHours", as: f.wang, json: ["activity": activity, "volunteer": volunteer, "hours": "2"])
            #expect(hours.status == .conflict, "\(hours.body)")
        }
    }

    @Test("a cycle's deadlines: in order, not before its year starts, not before today for this year's cycle, not past the next year; a clear error names the field")
    func cycleDates() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            func open(_ year: String, _ submitBy: String, _ reviewBy: String) async throws -> (HTTPStatus, String) {
                let result = try await send(app, .POST, "/api/v1/units/\(district)/cycles", as: f.qu,
                                            json: ["name": "周期" + year, "year": year, "submitBy": submitBy, "reviewBy": reviewBy])
                return (result.status, result.body)
            }
            var (status, body) = try await open("2027", "2026-12-20", "2027-01-10")
            #expect(status == .unprocessableEntity && body.contains("\"field\":\"submitBy\"") && body.contains("2027-01-01"))
            (status, body) = try await open("2027", "2029-01-01", "2029-01-10")
            #expect(status == .unprocessableEntity && body.contains("不晚于2028-12-31"))
            (status, body) = try await open("2027", "2027-12-20", "2027-12-10")
            #expect(status == .unprocessableEntity && body.contains("\"field\":\"reviewBy\""))
            // A past year's cycle, kept for comparison, may carry past dates.
            (status, body) = try await open("2025", "2025-12-04", "2025-12-20")
            #expect(status == .created, "\(body)")
            // Next year's, closing submissions early the year after: in order.
            (status, body) = try await open("2027", "2028-01-15", "2028-01-31")
            #expect(status == .created, "\(body)")
            #expect(try await AssessmentCycle.query(on: app.db).count() == 3)
        }
    }

    @Test("this year's cycle cannot close submissions before the day it opens")
    func submitBeforeToday() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let other = try f.world.districtB.requireID()
            try await World.user(app, "qu2", .districtOfficial, at: f.world.districtB)
            let session = try await login(app, "qu2")
            let result = try await send(app, .POST, "/api/v1/units/\(other)/cycles", as: session,
                                        json: ["name": "2026年度", "year": "2026", "submitBy": "2026-11-20", "reviewBy": "2026-12-20"])
            #expect(result.status == .unprocessableEntity && result.body.contains("不能早于今天（2026-12-01）"))
        }
    }
}
