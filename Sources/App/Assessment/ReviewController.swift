import Fluent
import Foundation
import StandardKit
import Vapor

/// A reviewer's working copy of a sheet's decisions, kept on the server as it is typed.
final class ReviewDraft: Model, @unchecked Sendable {
    static let schema = "review_drafts"

    @ID(key: .id) var id: UUID?
    @Field(key: "sheet_id") var sheetID: UUID
    /// The reviewer's user id; or `resume:<token hash>` for what a timed-out session sent,
    /// until its reviewer signs in again.
    @Field(key: "owner") var owner: String
    /// JSON `ReviewDraftBody`.
    @Field(key: "body") var body: String
    @Field(key: "updated_at") var updatedAt: Date
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $sheetID, $owner, $body, $updatedAt] }

    init() {}
}

/// What a draft holds: each check's decision and reason as typed, and the reason for the
/// whole sheet. Pure.
struct ReviewDraftBody: Codable, Sendable, Equatable {
    struct Entry: Codable, Sendable, Equatable {
        var decision: String
        var reason: String
    }

    var decisions: [String: Entry] = [:]
    var reason: String = ""

    var isEmpty: Bool { decisions.isEmpty && reason.isEmpty }

    static let decisionValues: Set<String> = ["", "accepted", "returned"]
    static let maxReason = 1000

    /// The review form's fields (`decision.<check>`, `reason.<check>`, the sheet's `reason`)
    /// over this draft. A field sent replaces the draft's; a check not sent keeps its entry
    /// (a filtered page sends only the checks it shows). An unknown check, a decision other
    /// than accepted, returned or none, or a reason over 1,000 characters is refused naming
    /// its field, and nothing is merged. Other fields are not the draft's and are ignored.
    func merging(_ fields: [String: String], checks: Set<String>) throws -> ReviewDraftBody {
        var out = self
        var v = Validator()
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if key == "reason" {
                if value.count > Self.maxReason { v.fail(key, T(.validationTooLong, T(.sheetOverallReason), String(Self.maxReason))) } else { out.reason = value }
                continue
            }
            let isDecision = key.hasPrefix("decision."), isReason = key.hasPrefix("reason.")
            guard isDecision || isReason else { continue }
            let check = String(key.dropFirst(isDecision ? 9 : 7))
            guard checks.contains(check) else { v.fail(key, T(.sheetCheckUnknown, String(check.prefix(20)))); continue }
            var entry = out.decisions[check] ?? Entry(decision: "", reason: "")
            if isDecision {
                guard Self.decisionValues.contains(value) else { v.fail(key, T(.sheetDecisionUnknown)); continue }
                entry.decision = value
            } else {
                guard value.count <= Self.maxReason else { v.fail(key, T(.validationTooLong, T(.sheetReturnReason), String(Self.maxReason))); continue }
                entry.reason = value
            }
            out.decisions[check] = entry
        }
        try v.finish()
        out.decisions = out.decisions.filter { !$0.value.decision.isEmpty || !$0.value.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return out
    }

    /// The entries that carry a decision, as the review step's batch fields.
    var decidedFields: [String: String] {
        var out: [String: String] = [:]
        for (check, entry) in decisions where !entry.decision.isEmpty {
            out["decision." + check] = entry.decision
            out["reason." + check] = entry.reason
        }
        return out
    }

    /// What a check's controls show: the draft's entry over the saved decision.
    func shown(_ check: String, saved: (decision: String?, reason: String?)) -> (decision: String, reason: String) {
        if let entry = decisions[check] { return (entry.decision.isEmpty ? saved.decision ?? "" : entry.decision, entry.reason) }
        return (saved.decision ?? "", saved.reason ?? "")
    }
}

/// Drafts in the database.
enum ReviewDrafts {
    static func owner(_ principal: Principal) -> String { principal.userID.uuidString }
    static func resumeOwner(token: String) -> String { "resume:" + Token.hash(token) }

    static func load(sheet: UUID, owner: String, on db: any Database) async throws -> (row: ReviewDraft?, body: ReviewDraftBody) {
        guard let row = try await ReviewDraft.query(on: db).filter(\.$sheetID == sheet).filter(\.$owner == owner).first() else { return (nil, ReviewDraftBody()) }
        return (row, (try? JSONDecoder().decode(ReviewDraftBody.self, from: Data(row.body.utf8))) ?? ReviewDraftBody())
    }

    /// Keeps `body` as the owner's draft of the sheet (an empty one is removed).
    static func save(_ body: ReviewDraftBody, sheet: UUID, owner: String, now: Date, on db: any Database) async throws {
        let existing = try await ReviewDraft.query(on: db).filter(\.$sheetID == sheet).filter(\.$owner == owner).first()
        if body.isEmpty {
            try await existing?.delete(on: db)
            return
        }
        let row = existing ?? ReviewDraft()
        row.sheetID = sheet
        row.owner = owner
        row.body = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        row.updatedAt = now
        do { try await row.save(on: db) } catch where existing == nil {
            // Two saves raced to make it (unique sheet and owner): the later one wins.
            guard let made = try await ReviewDraft.query(on: db).filter(\.$sheetID == sheet).filter(\.$owner == owner).first() else { throw error }
            made.body = row.body
            made.updatedAt = now
            try await made.save(on: db)
        }
    }

    static func delete(sheet: UUID, owner: String, on db: any Database) async throws {
        try await ReviewDraft.query(on: db).filter(\.$sheetID == sheet).filter(\.$owner == owner).delete()
    }
}

/// The review that never loses work: decisions kept as they are typed (by the page's
/// script, and by every button of the review form), passing and returning confirmed on a
/// page that shows what will be sent, and what a timed-out session sent kept for its
/// reviewer's next sign-in.
struct ReviewController {
    /// The cookie that names what a timed-out session sent (`resume`).
    static let resumeCookie = "cunwu_resume"

    func register(_ router: Router) {
        router.page(.GET, .reviewScript, .open) { (_: Request, _: OrgUnit?) in JobController.serve(ReviewScript.source) }
        router.page(.POST, .unit(.key, .cycle(.key, .draft)), .onSheet(.review), saveDraftPage)
        router.page(.GET, .unit(.key, .cycle(.key, .confirm)), .onSheet(.sendBack), confirmPage)
        router.api(.GET, .unit(.key, .cycleDraft(.key)), .onSheet(.review), APIDoc(summary: T(.apiReviewDraft), response: "ReviewDraft"), apiDraft)
        router.api(.POST, .unit(.key, .cycleDraft(.key)), .onSheet(.review),
                   APIDoc(summary: T(.apiSaveReviewDraft), request: "ReviewDraftInput", response: "ReviewDraft", also: [409: .apiSheetConflict]), apiSaveDraft)
    }

    /// The fields of a review form that a draft keeps.
    static func draftFields(_ form: FormFields) -> [String: String] {
        var out: [String: String] = [:]
        for name in form.names where name == "reason" || name.hasPrefix("decision.") || name.hasPrefix("reason.") { out[name] = form[name] }
        return out
    }

    /// The ids of the checks a sheet's reviewer decides.
    static func checks(_ sheet: AssessmentSheet, _ catalogue: Catalogue) -> Set<String> {
        Set(Sheets.evidencedChecks(catalogue, level: sheet.level).map(\.id))
    }

    /// Merges `fields` into the reviewer's draft of a sheet under review, and returns it.
    @discardableResult
    static func saveDraft(_ request: Request, sheet: AssessmentSheet, fields: [String: String]) async throws -> ReviewDraftBody {
        let principal = try request.requirePrincipal()
        guard SheetRole.mayReview(principal, sheet) else { throw AppError.forbidden }
        guard SheetActions.of(principal, sheet).review else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
        let sheetID = try sheet.requireID()
        let owner = ReviewDrafts.owner(principal)
        let body = try await ReviewDrafts.load(sheet: sheetID, owner: owner, on: request.db).body
            .merging(fields, checks: Self.checks(sheet, request.application.config.catalogue))
        try await ReviewDrafts.save(body, sheet: sheetID, owner: owner, now: request.now, on: request.db)
        return body
    }

    /// The reviewer's draft of the sheet (empty when none), for the page.
    static func draft(_ request: Request, sheet: AssessmentSheet) async throws -> ReviewDraftBody {
        guard let principal = request.principal, SheetRole.mayReview(principal, sheet) else { return ReviewDraftBody() }
        return try await ReviewDrafts.load(sheet: try sheet.requireID(), owner: ReviewDrafts.owner(principal), on: request.db).body
    }

    /// Saves the draft's decisions as the sheet's (the review step, all checked first), then
    /// forgets them; what has no decision yet stays in the draft.
    static func commit(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, version: String?) async throws {
        let principal = try request.requirePrincipal()
        let sheetID = try sheet.requireID()
        let owner = ReviewDrafts.owner(principal)
        let body = try await ReviewDrafts.load(sheet: sheetID, owner: owner, on: request.db).body
        var fields = body.decidedFields
        if let version { fields["version"] = version }
        try await Workflow.perform(.review, request.sheets, cycle: cycle, unit: unit, sheet: sheet, fields: InputFields(fields))
        var rest = body
        rest.decisions = rest.decisions.filter { $0.value.decision.isEmpty }
        try await ReviewDrafts.save(rest, sheet: sheetID, owner: owner, now: request.now, on: request.db)
    }

    /// The review form's buttons. Every one keeps what was typed first; 保存 then saves the
    /// decisions, 通过 and 退回 go to the page that confirms them.
    static func reviewPage(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, form: FormFields) async throws -> Response {
        let sheets = AssessmentController()
        do {
            try await saveDraft(request, sheet: sheet, fields: draftFields(form))
        } catch let AppError.validation(errors) {
            return try await sheets.renderSheet(request, unit, errors: errors, status: .unprocessableEntity)
        } catch let AppError.conflict(message) {
            return try await sheets.renderSheet(request, unit, message: message, status: .conflict)
        }
        let links = CycleLinks(unit: try unit.requireID(), cycle: try cycle.requireID())
        switch form["intent"] {
        case SheetStep.pass.rawValue, SheetStep.return.rawValue:
            return request.redirect(to: links(.confirm) + "?step=" + (form["intent"] ?? ""))
        default:
            return try await sheets.after(request, unit) {
                try await commit(request, cycle: cycle, unit: unit, sheet: sheet, version: form["version"])
            }
        }
    }

    /// Passing or returning from the confirmation page: the sheet's reason typed there is
    /// kept first, then the draft's decisions are saved, then the sheet moves; the draft is
    /// forgotten once it has.
    static func decidePage(_ request: Request, _ step: SheetStep, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, form: FormFields) async throws -> Response {
        let sheets = AssessmentController()
        let principal = try request.requirePrincipal()
        let mine = SheetRole.mayReview(principal, sheet) && SheetActions.of(principal, sheet).review
        return try await sheets.after(request, unit) {
            let fields = InputFields(form: form, names: ["version", "reason"])
            if mine {
                if step == .return { try await saveDraft(request, sheet: sheet, fields: ["reason": form["reason"] ?? ""]) }
                let draft = try await Self.draft(request, sheet: sheet)
                if !draft.decidedFields.isEmpty { try await commit(request, cycle: cycle, unit: unit, sheet: sheet, version: form["version"]) }
            }
            try await Workflow.perform(step, request.sheets, cycle: cycle, unit: unit, sheet: sheet, fields: fields)
            if mine { try await ReviewDrafts.delete(sheet: try sheet.requireID(), owner: ReviewDrafts.owner(principal), on: request.db) }
        }
    }

    // MARK: Pages

    @Sendable func saveDraftPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, unit, sheet) = try await AssessmentController.load(request, unit)
        let form = try FormFields(request)
        let autosave = request.headers.first(name: ReviewScript.header) != nil
        do {
            try await Self.saveDraft(request, sheet: sheet, fields: Self.draftFields(form))
        } catch let AppError.validation(errors) where !autosave {
            return try await AssessmentController().renderSheet(request, unit, errors: errors, status: .unprocessableEntity)
        }
        if autosave { return Response(status: .noContent) }
        return request.redirect(to: CycleLinks(unit: try unit.requireID(), cycle: sheet.cycleID)(.sheet) + "?draft=1")
    }

    /// What passing, returning or approving the sheet will do, to confirm: the checks
    /// returned with their reasons, the sheet's reason to the village, or why it cannot go yet.
    @Sendable func confirmPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (cycle, unit, sheet) = try await AssessmentController.load(request, unit)
        guard let step = request.query[String.self, at: "step"].flatMap(SheetStep.init(rawValue:)), [.pass, .return, .approve].contains(step) else {
            throw AppError.badQuery([FieldError(field: "step", message: T(.sheetConfirmStepUnknown))])
        }
        let principal = try request.requirePrincipal()
        let may = SheetActions.of(principal, sheet)
        let allowed = step == .approve ? SheetRole.mayApprove(principal, sheet) : SheetRole.mayReview(principal, sheet)
        guard allowed else { throw AppError.forbidden }
        let links = CycleLinks(unit: try unit.requireID(), cycle: try cycle.requireID())
        let title = T(.sheetConfirmTitle, T(Self.label(step)), unit.name)
        guard step == .approve ? may.approve : may.review else {
            return HTMLResponse.page(request, title, .group([
                .el("p", ["class": "error-summary", "role": "alert"], T(.sheetNotInState, sheet.state.label)),
                .el("p", [:], [.el("a", ["href": links(.sheet)], T(.sheetBackToSheet))]),
            ]), status: .conflict)
        }
        let catalogue = request.application.config.catalogue
        let sheetID = try sheet.requireID()
        let saved = try await Sheets.decisions([sheetID], on: request.db)[sheetID] ?? [:]
        let draft = try await Self.draft(request, sheet: sheet)
        let checks = Sheets.evidencedChecks(catalogue, level: sheet.level)
        let shown = checks.map { check in (check, draft.shown(check.id, saved: (saved[check.id]?.decision, saved[check.id]?.reason))) }
        let returned = shown.filter { $0.1.decision == "returned" }
        let undecided = shown.filter { $0.1.decision.isEmpty }
        let accepted = shown.count { $0.1.decision == "accepted" }
        let noReason = returned.filter { $0.1.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let back: Node = .el("a", ["href": links(.sheet)], T(.sheetBackToSheet))
        var problems: [String] = []
        var body: [Node] = []
        switch step {
        case .pass:
            if !undecided.isEmpty { problems.append(T(.sheetUndecided, String(undecided.count), undecided.prefix(6).map(\.0.id).joined(separator: T(.sepList)))) }
            if !returned.isEmpty { problems.append(T(.sheetConfirmPassHasReturns, String(returned.count))) }
            body.append(.el("p", [:], T(.sheetConfirmPassText, String(accepted), String(checks.count))))
        case .return:
            if returned.isEmpty { problems.append(T(.sheetReturnNeedsCheck)) }
            for item in noReason { problems.append(T(.sheetReturnNeedsReason, item.0.id)) }
            body.append(.el("p", [:], T(.sheetConfirmReturnText, String(returned.count), String(accepted), String(undecided.count))))
            if !returned.isEmpty {
                body.append(Layout.table(caption: T(.sheetConfirmReturnedCaption), headers: [T(.rectCheck), T(.sheetReturnReason)],
                                         rows: returned.map { [.text("\($0.0.id) \($0.0.title)"), .text($0.1.reason.isEmpty ? "—" : $0.1.reason)] }))
            }
        default:
            let dto = try await AssessmentController.sheetDTO(request, cycle: cycle, unit: unit, sheet: sheet)
            body.append(.el("p", [:], T(.sheetConfirmApproveText, dto.score.map(Figure.text) ?? "—", dto.passed == true ? T(.sheetPassed) : T(.sheetNotPassed))))
        }
        let form: Node
        if problems.isEmpty {
            form = .el("form", ["method": "post", "action": links(.step(step)), "class": "stack"], [
                Layout.csrfField(request), .input(["type": "hidden", "name": "version", "value": String(sheet.version)]),
                .when(step == .return, Layout.textarea("reason", T(.sheetOverallReason), value: draft.reason, errors: [], hint: T(.sheetOverallReasonHint), rows: 3)),
                .el("p", [:], [.el("button", ["type": "submit"], T(.sheetConfirmButton, T(Self.label(step)))), .text(" "), back]),
            ])
        } else {
            form = .group([.el("div", ["class": "error-summary", "role": "alert"], [
                .el("p", [:], T(.sheetConfirmCannot, T(Self.label(step)))), .el("ul", [:], problems.map { .el("li", [:], $0) }),
            ]), .el("p", [:], [.el("a", ["href": links(.sheet) + (undecided.isEmpty ? "" : "?show=undecided")], T(.sheetBackToSheet))])])
        }
        return HTMLResponse.page(request, title, .group(body + [form]), status: problems.isEmpty ? .ok : .conflict)
    }

    static func label(_ step: SheetStep) -> L {
        switch step {
        case .pass: return .sheetPass
        case .return: return .sheetSendBack
        default: return .sheetApprove
        }
    }

    // MARK: A session that timed out

    /// A review form sent by a session that had timed out: what it carried is kept under a
    /// token in a cookie of this browser, and sign-in comes back to the sheet, where
    /// `resume` gives it to the reviewer who signs in (if they may review that sheet).
    /// Only a request that carried the expired session's cookie is kept: a browser sends that
    /// (SameSite=Lax) with no other site's form. Nil for any other request.
    static func keepExpired(_ request: Request) async -> Response? {
        // The resume cookie, like the session's, comes only with this site's own forms:
        // a second form sent after the first was kept (its session cookie now cleared) adds to it.
        let earlier = request.cookies[resumeCookie].map(\.string).flatMap { $0.isEmpty ? nil : $0 }
        guard request.method == .POST, request.sessionCookieStale || earlier != nil,
              let unitID = request.parameters.get("unitID").flatMap(UUID.init(uuidString:)),
              let cycleID = request.parameters.get("cycleID").flatMap(UUID.init(uuidString:)) else { return nil }
        let links = CycleLinks(unit: unitID, cycle: cycleID)
        guard [links(.draft), links(.step(.review))].contains(request.url.path) else { return nil }
        do {
            let form = try FormFields(request)
            guard let sheet = try await AssessmentSheet.query(on: request.db).filter(\.$cycleID == cycleID).filter(\.$unitID == unitID).first(),
                  sheet.state == .submitted else { return nil }
            let catalogue = request.application.config.catalogue
            let token = earlier ?? Token.make()
            let sheetID = try sheet.requireID()
            let kept = try await ReviewDrafts.load(sheet: sheetID, owner: ReviewDrafts.resumeOwner(token: token), on: request.db).body
            let body = try kept.merging(draftFields(form), checks: checks(sheet, catalogue))
            guard !body.isEmpty else { return nil }
            // Kept a day at most: older ones nobody came back for are dropped here.
            try await ReviewDraft.query(on: request.db).filter(\.$owner >= "resume:").filter(\.$owner < "resume;")
                .filter(\.$updatedAt < request.now.addingTimeInterval(-86_400)).delete()
            try await ReviewDrafts.save(body, sheet: sheetID, owner: ReviewDrafts.resumeOwner(token: token), now: request.now, on: request.db)
            let response = request.redirect(to: Route.loginPath(next: links(.sheet)) + "&kept=1")
            response.cookies[resumeCookie] = SessionCookie.make(token, request: request, maxAge: 86_400)
            return response
        } catch {
            request.logger.report(error: error)
            return nil
        }
    }

    /// On the sheet page after signing in again: what the timed-out session sent becomes
    /// the reviewer's draft (over what it had). Returns whether there was something.
    static func resume(_ request: Request, sheet: AssessmentSheet) async throws -> Bool {
        guard let token = request.cookies[resumeCookie]?.string, !token.isEmpty, let principal = request.principal,
              SheetRole.mayReview(principal, sheet), SheetActions.of(principal, sheet).review else { return false }
        let sheetID = try sheet.requireID()
        let (row, kept) = try await ReviewDrafts.load(sheet: sheetID, owner: ReviewDrafts.resumeOwner(token: token), on: request.db)
        guard let row else { return false }
        let owner = ReviewDrafts.owner(principal)
        var body = try await ReviewDrafts.load(sheet: sheetID, owner: owner, on: request.db).body
        for (check, entry) in kept.decisions { body.decisions[check] = entry }
        if !kept.reason.isEmpty { body.reason = kept.reason }
        let merged = body
        try await request.db.transaction { db in
            try await ReviewDrafts.save(merged, sheet: sheetID, owner: owner, now: request.now, on: db)
            try await row.delete(on: db)
        }
        return true
    }

    // MARK: API

    @Sendable func apiDraft(_ request: Request, _ unit: OrgUnit) async throws -> ReviewDraftDTO {
        let (_, _, sheet) = try await AssessmentController.load(request, unit)
        let principal = try request.requirePrincipal()
        let (row, body) = try await ReviewDrafts.load(sheet: try sheet.requireID(), owner: ReviewDrafts.owner(principal), on: request.db)
        return ReviewDraftDTO(body, updatedAt: row?.updatedAt)
    }

    @Sendable func apiSaveDraft(_ request: Request, _ unit: OrgUnit) async throws -> ReviewDraftDTO {
        let (_, _, sheet) = try await AssessmentController.load(request, unit)
        let fields = try InputFields(json: request)
        let body = try await Self.saveDraft(request, sheet: sheet, fields: fields.values)
        return ReviewDraftDTO(body, updatedAt: body.isEmpty ? nil : request.now)
    }
}

struct ReviewDraftDTO: Content, Equatable {
    struct Entry: Content, Equatable {
        var check: String
        var decision: String?
        var reason: String
    }
    var decisions: [Entry]
    var reason: String
    var updatedAt: Date?

    init(_ body: ReviewDraftBody, updatedAt: Date?) {
        decisions = body.decisions.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }
            .map { Entry(check: $0.key, decision: $0.value.decision.isEmpty ? nil : $0.value.decision, reason: $0.value.reason) }
        reason = body.reason
        self.updatedAt = updatedAt
    }
}

/// The review sheet's optional script: it keeps each decision and reason on the server a
/// moment after it is typed, and says so beside the buttons. Without it, every button of
/// the form keeps them.
enum ReviewScript {
    static let header = "X-Cunwu-Autosave"
    static let source = """
    (function () {
      var form = document.getElementById("review");
      var status = document.getElementById("draft-status");
      if (!form || !status || !window.fetch || !window.FormData || !window.URLSearchParams) return;
      var url = form.getAttribute("action").replace(/review$/, "draft"), timer = null, busy = false, again = false;
      var counts = document.getElementById("review-counts");
      var n = counts ? counts.getAttribute("data-counts").split(",").map(Number) : null;
      var slot = { "": 0, "returned": 1, "accepted": 2 };
      var was = {};
      Array.prototype.forEach.call(document.querySelectorAll("select[name^='decision.']"), function (s) { was[s.name] = s.value; });
      function say(name) {
        var text = status.getAttribute(name) || "";
        status.textContent = name === "data-saved" ? text.replace("{time}", new Date().toTimeString().slice(0, 5)) : text;
      }
      function recount(select) {
        if (!n || !(select.name in was)) return;
        n[slot[was[select.name]]] -= 1; n[slot[select.value]] += 1; was[select.name] = select.value;
        counts.textContent = counts.getAttribute("data-template").replace("{0}", n[0]).replace("{1}", n[1]).replace("{2}", n[2]);
      }
      function save() {
        if (busy) { again = true; return; }
        busy = true;
        var data = new URLSearchParams();
        new FormData(form).forEach(function (value, name) { if (name !== "intent") data.append(name, value); });
        fetch(url, { method: "POST", credentials: "same-origin", redirect: "manual",
                     headers: { "X-Cunwu-Autosave": "1" }, body: data })
          .then(function (r) {
            if (r.status === 204) say("data-saved");
            else if (r.type === "opaqueredirect" || r.status === 401) {
              say("data-expired");
              var a = document.createElement("a");
              a.href = status.getAttribute("data-login") + "?next=" + encodeURIComponent(location.pathname + location.search);
              a.textContent = status.getAttribute("data-sign-in");
              status.appendChild(document.createTextNode(" ")); status.appendChild(a);
            }
            else say("data-failed");
          })
          .catch(function () { say("data-failed"); })
          .then(function () { busy = false; if (again) { again = false; save(); } });
      }
      // Controls may sit outside the form and name it (form="review"): listen on the document.
      document.addEventListener("change", function (e) {
        if (e.target.form !== form) return;
        if (e.target.tagName === "SELECT") recount(e.target);
        clearTimeout(timer); timer = setTimeout(save, 200);
      });
      document.addEventListener("input", function (e) {
        if (e.target.form !== form || e.target.tagName === "SELECT") return;
        clearTimeout(timer); timer = setTimeout(save, 1200);
      });
    })();
    """
    static let hash: String = String(Token.hash(source).prefix(12))
    static let file = "review.\(hash).js"
    static var path: String { Route.reviewScript.path }
}
