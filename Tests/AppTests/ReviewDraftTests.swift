@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The review that never loses work, the village's returned sheet, and the officials' queue.
@Suite("Review drafts, confirmation, returned sheets and queues")
struct ReviewDraftTests {
    @Test("a draft merges the review form's fields: sent ones replace, others stay; bad ones are named and nothing merges")
    func draftMerging() throws {
        let checks: Set<String> = ["1.2", "2.2", "18.1"]
        let first = try ReviewDraftBody().merging(["decision.1.2": "returned", "reason.1.2": "缺批复", "decision.2.2": "accepted", "intent": "save", "_csrf": "x"],
                                                  checks: checks)
        #expect(first.decisions["1.2"] == .init(decision: "returned", reason: "缺批复"))
        #expect(first.decisions["2.2"] == .init(decision: "accepted", reason: ""))
        #expect(first.decisions.count == 2, "other fields are not the draft's")
        // A filtered page sends only some checks: the rest stay; a choice of none with no reason drops the entry.
        let second = try first.merging(["decision.2.2": "", "reason": "请补齐材料"], checks: checks)
        #expect(second.decisions["1.2"]?.reason == "缺批复" && second.decisions["2.2"] == nil && second.reason == "请补齐材料")
        #expect(second.decidedFields == ["decision.1.2": "returned", "reason.1.2": "缺批复"])
        // What a control shows: the draft over the saved decision.
        #expect(second.shown("1.2", saved: ("accepted", nil)) == ("returned", "缺批复"))
        #expect(second.shown("18.1", saved: ("accepted", "好")) == ("accepted", "好"))
        // Unknown checks, unknown decisions and long reasons are named; nothing merges.
        for (fields, field) in [(["decision.9.9": "accepted"], "decision.9.9"), (["decision.1.2": "maybe"], "decision.1.2"),
                                (["reason.1.2": String(repeating: "长", count: 1001)], "reason.1.2"), (["reason": String(repeating: "长", count: 1001)], "reason")] {
            #expect(throws: AppError.self) { try second.merging(fields, checks: checks) }
            do {
                _ = try second.merging(fields.merging(["decision.18.1": "accepted"]) { a, _ in a }, checks: checks)
                Issue.record("\(field) was taken")
            } catch let AppError.validation(errors) {
                #expect(errors.map(\.field) == [field], "only the bad field is named, beside a good one")
            }
        }
    }

    /// A village sheet with evidence for every check, submitted.
    static func submitted(_ app: Application, clock: TestClock) async throws -> CycleFixture {
        let f = try await CycleFixture.make(app, clock: clock)
        try await f.fillEvidence(app)
        try await f.act(app, "submit", as: f.wang)
        return f
    }

    func page(_ f: CycleFixture, _ tail: String = "") -> String { "/units/\(f.v1)/cycles/\(f.cycle)" + tail }

    @Test("returning before saving loses nothing: the typed decisions are kept, confirmed with what will be sent, and reach the village with the sheet's reason")
    func returnBeforeSaving() async throws {
        try await withApp { app, clock in
            let f = try await Self.submitted(app, clock: clock)
            // The reviewer's sheet: one form, a bar of buttons, labelled controls, the filter, the script.
            let sheet = try await send(app, .GET, page(f), as: f.town)
            #expect(sheet.body.contains("class=\"savebar\"") && sheet.body.contains("name=\"intent\" value=\"return\""))
            #expect(sheet.body.contains("<label>审核结论 <select name=\"decision.1.2\">") && sheet.body.contains("<label>退回理由 <input name=\"reason.1.2\""))
            #expect(sheet.body.contains("?show=undecided") && sheet.body.contains("/assets/review."))
            #expect(sheet.headers.first(name: .cacheControl) == "no-store")
            // Decisions typed, then 退回修改 pressed before any save.
            let pressed = try await send(app, .POST, page(f, "/review"), as: f.town,
                                         form: ["version": "2", "intent": "return", "decision.1.2": "returned", "reason.1.2": "缺少党支部成立批复",
                                                "decision.2.2": "accepted", "reason": "请补齐后重新上报"])
            #expect(pressed.status == .seeOther && pressed.headers.first(name: .location) == page(f, "/confirm?step=return"))
            #expect(try await SheetCheck.query(on: app.db).count() == 0, "a draft is not a decision yet")
            // Nothing is lost: the sheet shows what was typed, marked as not saved.
            let again = try await send(app, .GET, page(f), as: f.town)
            #expect(again.body.contains("<option value=\"returned\" selected>") && again.body.contains("value=\"缺少党支部成立批复\""))
            #expect(again.body.contains("（未保存）") && again.body.contains("请补齐后重新上报"))
            // The village does not see a draft.
            #expect(!(try await send(app, .GET, page(f), as: f.wang).body.contains("缺少党支部成立批复")))
            // The confirmation says what will be sent.
            let confirm = try await send(app, .GET, page(f, "/confirm?step=return"), as: f.town)
            #expect(confirm.status == .ok && confirm.body.contains("退回1项，通过1项") && confirm.body.contains("缺少党支部成立批复"))
            #expect(confirm.body.contains("请补齐后重新上报") && confirm.body.contains("确认：退回修改"))
            // Passing is refused on its confirmation while checks are undecided or returned.
            let pass = try await send(app, .GET, page(f, "/confirm?step=pass"), as: f.town)
            #expect(pass.status == .conflict && pass.body.contains("个检查项未审核") && pass.body.contains("不能上报") && pass.body.contains("?show=undecided"))
            // An unknown step is named.
            #expect(try await send(app, .GET, page(f, "/confirm?step=delete"), as: f.town).status == .badRequest)
            // Confirmed: the decisions are saved, the sheet goes back with its reason, the draft is gone.
            let done = try await send(app, .POST, page(f, "/return"), as: f.town, form: ["version": "2", "reason": "请补齐后重新上报。"])
            #expect(done.status == .seeOther, "\(done.body)")
            let returned = try await f.sheet(app)
            #expect(returned.state == "returned" && returned.returnedNote == "请补齐后重新上报。" && returned.returnedOn == "2026-12-01")
            #expect(returned.checks.first { $0.id == "1.2" }?.decision == "returned" && returned.checks.first { $0.id == "2.2" }?.decision == "accepted")
            #expect(try await ReviewDraft.query(on: app.db).count() == 0)
            // The village sees the returned checks first, with the reasons and what is left.
            let village = try await send(app, .GET, page(f), as: f.wang)
            let top = try #require(village.body.range(of: "被退回的检查项（1项）"))
            #expect(village.body.range(of: "id=\"evidence-form\"").map { top.lowerBound < $0.lowerBound } == true)
            #expect(village.body.contains("退回理由：缺少党支部成立批复") && village.body.contains("请补齐后重新上报。"))
            #expect(village.body.contains("还有1项未答复"))
            try await f.act(app, "answer", ["check": "1.2", "answer": "已补充批复"], as: f.wang)
            #expect(try await send(app, .GET, page(f), as: f.wang).body.contains("退回的检查项都已答复"))
            // …and in its inbox, with the reason.
            let inbox = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.wang).body)
            #expect(inbox.notices.contains { $0.kind == "returned" && $0.text.contains("请补齐后重新上报") })
        }
    }

    @Test("a save that cannot be taken keeps what was typed; the draft is kept by the page's script and by the API, bad fields named")
    func failedSaveAndAutosave() async throws {
        try await withApp { app, clock in
            let f = try await Self.submitted(app, clock: clock)
            // A return without its reason is refused, and the page still shows every typed value.
            let bad = try await send(app, .POST, page(f, "/review"), as: f.town,
                                     form: ["version": "2", "intent": "save", "decision.1.2": "returned", "decision.2.2": "accepted", "reason.2.2": "材料齐全"])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("1.2"))
            #expect(bad.body.contains("value=\"材料齐全\"") && bad.body.contains("<option value=\"returned\" selected>"))
            #expect(try await SheetCheck.query(on: app.db).count() == 0)
            // The script's save: 204, nothing decided.
            let auto = try await send(app, .POST, page(f, "/draft"), as: f.town, form: ["reason.1.2": "缺批复"], headers: ["X-Cunwu-Autosave": "1"])
            #expect(auto.status == .noContent)
            let draft = try StationFixture.decode(ReviewDraftDTO.self, try await send(app, .GET, f.path(f.v1, "/draft"), as: f.town).body)
            #expect(draft.decisions.first { $0.check == "1.2" }?.reason == "缺批复" && draft.decisions.first { $0.check == "1.2" }?.decision == "returned")
            // The API names a bad field and changes nothing.
            let wrong = try await send(app, .POST, f.path(f.v1, "/draft"), as: f.town, json: ["decision.2.2": "maybe", "reason.1.2": "改了"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.contains("\"field\":\"decision.2.2\""))
            #expect(try StationFixture.decode(ReviewDraftDTO.self, try await send(app, .GET, f.path(f.v1, "/draft"), as: f.town).body) == draft)
            // Only the reviewer keeps a draft; not while the sheet is not under review.
            #expect(try await send(app, .POST, f.path(f.v1, "/draft"), as: f.wang, json: ["reason": "x"]).status == .forbidden)
            #expect(try await send(app, .POST, f.path(f.v1, "/draft"), as: f.town2, json: ["reason": "x"]).status == .notFound)
            // Saving then takes the draft: the reviewer adds the missing reason.
            let saved = try await send(app, .POST, page(f, "/review"), as: f.town, form: ["version": "2", "intent": "save", "reason.1.2": "缺少党支部成立批复"])
            #expect(saved.status == .seeOther)
            #expect(try await SheetCheck.query(on: app.db).count() == 2)
            #expect(try await ReviewDraft.query(on: app.db).count() == 0)
            // The filter shows only what awaits a decision.
            let undecided = try await send(app, .GET, page(f, "?show=undecided"), as: f.town)
            let other = try #require(f.evidencedChecks(app).first { !["1.2", "2.2"].contains($0) })
            #expect(!undecided.body.contains("name=\"decision.1.2\"") && !undecided.body.contains("name=\"decision.2.2\"") && undecided.body.contains("name=\"decision.\(other)\""))
            #expect(undecided.body.contains("aria-current=\"true\">待决定"))
        }
    }

    @Test("a review sent after the session timed out is kept, and signing in again returns to the sheet with it; a request without that session keeps nothing")
    func timedOutSession() async throws {
        try await withApp { app, clock in
            let f = try await Self.submitted(app, clock: clock)
            clock.advance(minutes: 31)
            let form = ["version": "2", "intent": "save", "decision.1.2": "returned", "reason.1.2": "超时前写的理由", "_csrf": f.town.csrf]
            // Without the expired session's cookie (another site's form): nothing kept.
            let stranger = try await send(app, .POST, page(f, "/review"), form: form)
            #expect(stranger.status != .ok && stranger.headers.setCookie?[ReviewController.resumeCookie] == nil)
            #expect(try await ReviewDraft.query(on: app.db).count() == 0)
            let sent = try await send(app, .POST, page(f, "/review"), as: f.town, form: form)
            #expect(sent.status == .seeOther)
            let location = try #require(sent.headers.first(name: .location))
            #expect(location.hasPrefix("/login?next=") && location.hasSuffix("&kept=1"), "\(location)")
            let token = try #require(sent.headers.setCookie?[ReviewController.resumeCookie]?.string)
            #expect(try await SheetCheck.query(on: app.db).count() == 0)
            #expect(try await send(app, .GET, location).body.contains("您填写的审核意见已暂存"))
            // A second form from the same browser (its session cookie now cleared) adds to what was kept.
            let more = try await send(app, .POST, page(f, "/draft"), form: ["reason.2.2": "第二次暂存", "_csrf": "stale"],
                                      headers: ["Cookie": "\(ReviewController.resumeCookie)=\(token)"])
            #expect(more.status == .seeOther && (more.headers.first(name: .location) ?? "").hasSuffix("&kept=1"))
            // Signed in again, the sheet has the decisions back, as the reviewer's draft.
            let session = try await login(app, "town")
            let back = try await send(app, .GET, page(f), as: session,
                                      headers: ["Cookie": "\(SessionCookie.name)=\(session.cookie); \(ReviewController.resumeCookie)=\(token)"])
            #expect(back.body.contains("已恢复登录超时前填写的审核意见") && back.body.contains("value=\"超时前写的理由\"") && back.body.contains("value=\"第二次暂存\""))
            #expect(back.headers.setCookie?[ReviewController.resumeCookie]?.string == "")
            let drafts = try await ReviewDraft.query(on: app.db).all()
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "town").first())
            let userID = try user.requireID().uuidString
            #expect(drafts.count == 1 && drafts.first?.owner == userID)
        }
    }

    @Test("queues: the township's villages waiting, answered and late with deadlines, oldest first; the district's approvals and townships behind; notices name the village")
    func queues() async throws {
        try await withApp { app, clock in
            var f = try await Self.submitted(app, clock: clock)
            let district = try f.world.districtA.requireID(), township = try f.world.townshipA1.requireID()
            // Days pass: everyone signs in again.
            func later(_ day: String) async throws {
                clock.set(beijingDay: day)
                (f.town, f.wang, f.qu) = (try await login(app, "town"), try await login(app, "wang"), try await login(app, "qu"))
            }
            func queue(_ unit: UUID, _ session: Session) async throws -> QueueDTO {
                let result = try await send(app, .GET, "/api/v1/units/\(unit)/queue", as: session)
                try #require(result.status == .ok, "\(result.body)")
                return try StationFixture.decode(QueueDTO.self, result.body)
            }
            var town = try await queue(township, f.town)
            #expect(town.toReview.map(\.unitID) == [f.v1] && town.toReview.first?.deadline == "2026-12-20" && town.toReview.first?.daysLate == nil)
            #expect(town.toReview.first?.link == "/units/\(f.v1)/cycles/\(f.cycle)")
            let notices = try StationFixture.decode(InboxDTO.self, try await send(app, .GET, "/api/v1/inbox", as: f.town).body)
            #expect(notices.notices.contains { $0.kind == "toReview" && $0.text.contains(f.world.villageV1.name) && $0.link == "/units/\(f.v1)/cycles/\(f.cycle)" })
            // The home page leads with it.
            let home = try await send(app, .GET, "/units/\(township)", as: f.town)
            #expect(home.body.contains("id=\"queue\"") && home.body.contains("待审核（1）"))
            // After the submission deadline, the other village of the township is late.
            try await later("2026-12-07")
            town = try await queue(township, f.town)
            #expect(town.late.map(\.name) == [f.world.villageV2.name] && town.late.first?.daysLate == 3)
            // Returned, answered and submitted again: listed as answered.
            try await f.act(app, "review", ["check": "1.2", "decision": "returned", "reason": "缺件"], as: f.town)
            try await f.act(app, "return", as: f.town)
            town = try await queue(township, f.town)
            #expect(town.returned.first?.returnedChecks == 1 && town.returned.first?.answeredChecks == 0 && town.toReview.isEmpty)
            try await f.act(app, "answer", ["check": "1.2", "answer": "已补"], as: f.wang)
            try await f.act(app, "submit", as: f.wang)
            town = try await queue(township, f.town)
            #expect(town.answered.map(\.unitID) == [f.v1] && town.answered.first?.answeredChecks == 1)
            // Reviewed and passed: the district approves; past the review deadline its late township is named.
            for check in f.evidencedChecks(app) { try await f.act(app, "review", ["check": check, "decision": "accepted"], as: f.town) }
            try await f.act(app, "pass", as: f.town)
            var qu = try await queue(district, f.qu)
            #expect(qu.toApprove.map(\.unitID) == [f.v1] && qu.toReview.isEmpty)
            // Sent back to the township by the district: its reason goes with the sheet, and the township reviews it again.
            try await f.act(app, "return", ["reason": "请核实第1.2项批复日期"], as: f.qu)
            #expect(try await f.sheet(app, as: f.town).returnedNote == "请核实第1.2项批复日期")
            #expect(try await queue(township, f.town).answered.map(\.unitID) == [f.v1], "its answers are still there")
            for check in f.evidencedChecks(app) { try await f.act(app, "review", ["check": check, "decision": "accepted"], as: f.town) }
            try await f.act(app, "pass", as: f.town)
            qu = try await queue(district, f.qu)
            try await later("2026-12-21")
            qu = try await queue(district, f.qu)
            #expect(qu.townshipsBehind.contains { $0.unitID == township && $0.lateSubmissions == 1 })
            // A village has no queue.
            #expect(try await send(app, .GET, "/api/v1/units/\(f.v1)/queue", as: f.wang).status == .notFound)
        }
    }
}
