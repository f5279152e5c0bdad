import Foundation
import StandardKit
import Vapor

/// Pages of assessment sheets. Views only render the DTOs they are given.
enum AssessmentViews {
    static func statusNode(_ raw: String) -> Node { StandardViews.statusNode(Status(rawValue: raw) ?? .pending) }

    private static func actionForm(_ request: Request, _ base: CycleLinks, _ action: SheetStep, _ label: String, version: Int, _ fields: [Node] = []) -> Node {
        .el("form", ["method": "post", "action": base(.step(action)), "class": "action"], [
            Layout.csrfField(request), .input(["type": "hidden", "name": "version", "value": String(version)]), .group(fields),
            .el("button", ["type": "submit"], label),
        ])
    }

    /// Which checks a reviewer's sheet shows (`?show=`): all, those awaiting a decision,
    /// those the village answered after a return, or those chosen for return.
    enum Filter: String, CaseIterable, Sendable {
        case all, undecided, answered, returned

        var label: L {
            switch self {
            case .all: return .sheetShowAll
            case .undecided: return .sheetShowUndecided
            case .answered: return .sheetShowAnswered
            case .returned: return .sheetShowReturned
            }
        }
    }

    /// What the reviewer's controls show and which checks: the draft kept as typed, the filter.
    struct Review: Sendable {
        var draft = ReviewDraftBody()
        var filter = Filter.all
    }

    static func sheet(_ request: Request, _ s: SheetDTO, catalogue: Catalogue, base: CycleLinks, unitID: UUID, errors: [FieldError], message: String?,
                      review: Review = Review()) -> Node {
        let state = SheetState(rawValue: s.state) ?? .draft
        // A reviewer's sheet is one form: the checks' decisions sit inside it. Whoever also
        // fills or answers has forms beside the checks, so the decisions name the form instead.
        let wrapped = s.mayReview && !s.mayFill && !s.mayAnswer
        var actions: [Node] = []
        if s.mayFill { actions.append(actionForm(request, base, .submit, T(.sheetSubmit), version: s.version)) }
        // Approving is confirmed on a page that says what it does; sending back names its reason here.
        if s.mayApprove {
            actions.append(.el("a", ["class": "button", "href": base(.confirm) + "?step=approve"], T(.sheetApprove) + "…"))
            actions.append(actionForm(request, base, .return, T(.sheetSendBackToReviewer), version: s.version, [Layout.field("reason", T(.sheetReturnReason), value: "", errors: errors)]))
        }
        if s.mayUnlock {
            actions.append(actionForm(request, base, .unlock, T(.sheetUnlock), version: s.version, [Layout.field("reason", T(.sheetUnlockReason), value: "", errors: errors)]))
        }
        let own = s.checks.filter { $0.kind == "evidenced" && $0.level == s.level }
        let shown = Dictionary(own.map { ($0.id, review.draft.shown($0.id, saved: ($0.decision, $0.reason))) }, uniquingKeysWith: { a, _ in a })
        func counted(_ filter: Filter) -> Int { own.count { include($0, filter) } }
        func include(_ c: SheetCheckDTO, _ filter: Filter) -> Bool {
            switch filter {
            case .all: return true
            case .undecided: return shown[c.id].map { $0.decision.isEmpty } ?? false
            case .answered: return !(c.answer ?? "").isEmpty
            case .returned: return shown[c.id]?.decision == "returned"
            }
        }
        let filter = s.mayReview ? review.filter : .all
        let header: Node = .group([
            .el("p", [:], [.el("a", ["href": Route.unit(.value(unitID), .cycles).path], T(.cyclesLink)), .text(" · "),
                           .el("a", ["href": base(.rectification)], T(.rectTitleShort)), .text(" · "),
                           .el("a", ["href": Route.unit(.value(unitID), .report(.value(s.cycle.id))).path], T(.reportLink))]),
            .el("dl", ["class": "facts"], [
                .el("dt", [:], T(.sheetState)), .el("dd", [:], s.stateLabel),
                .el("dt", [:], T(.cycleAsOf)), .el("dd", [:], s.cycle.asOf),
                .el("dt", [:], T(.cycleSubmitBy)), .el("dd", [:], s.cycle.submitBy),
                .el("dt", [:], T(.sheetScore)), .el("dd", [:], s.score.map { Figure.text($0) + (s.passed == true ? T(.parenthesized, T(.sheetPassed)) : "") } ?? "—"),
                .el("dt", [:], T(.sheetYouMay)), .el("dd", [:], youMay(s, state)),
            ]),
            .when(message != nil, .el("p", ["class": "error-summary", "role": "alert"], message ?? "")),
            // The last return's reason for the whole sheet: the village answers it, the reviewer rereads it.
            .when(s.returnedNote != nil && !s.mayAnswer && (state == .returned || state == .submitted),
                  .el("p", ["class": "notice"], T(.sheetReturnedNoteLine, s.returnedOn ?? "", s.returnedBy ?? "", s.returnedNote ?? ""))),
            // Why the village's records cannot be changed now, and who can open them.
            // (For the village: a reviewer or approver sees the state above and acts on it.)
            .when(s.recordsLocked && !(s.mayReview || s.mayApprove || s.mayUnlock), .el("p", ["class": "pending", "id": "records-locked"], [.el("strong", [:], T(.sheetRecordsLocked) + T(.sepColon)),
                                                                                           .text(s.lockMessage ?? "")])),
            Layout.errorSummary(errors),
            // A returned sheet leads with what was returned and what is left to answer.
            .when(s.mayAnswer, returnedSection(request, s, base: base)),
            .when(!(s.quality?.warnings.isEmpty ?? true), .el("ul", ["class": "muted"], (s.quality?.warnings ?? []).map { .el("li", [:], $0) })),
            .when(!(s.quality?.errors.isEmpty ?? true), .el("p", ["class": "pending"], T(.sheetBlocking, String(s.quality?.errors.count ?? 0)))),
            .when(!actions.isEmpty, .el("div", ["class": "actions"], actions)),
            .when(s.mayFill, evidenceForm(request, s, base: base)),
            .when(s.mayFill, .el("form", ["method": "post", "action": base(.evidenceRemove), "id": "remove-evidence", "hidden": ""], [Layout.csrfField(request)])),
        ])
        let byID = Dictionary(s.checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var parts: [Node] = []
        for area in catalogue.areas {
            var rows: [Node] = []
            for goal in area.goals {
                for item in goal.items {
                    let checks = item.checks.compactMap { byID[$0.id] }.filter { include($0, filter) }
                    guard !checks.isEmpty else { continue }
                    rows.append(.el("li", ["class": "item"], [
                        .el("b", [:], T(.sheetItem, String(item.number))),
                        .el("ul", ["class": "checks"], checks.map { c in
                            checkNode(request, c, s, state, base: base, unitID: unitID, errors: errors, wrapped: wrapped, shown: shown[c.id],
                                      unsaved: review.draft.decisions[c.id] != nil,
                                      records: catalogue.check(c.id).map { RecordLinks.path($0, unitID: unitID) } ?? Route.unit(.value(unitID), .records).path)
                        }),
                    ]))
                }
            }
            if !rows.isEmpty { parts.append(.group([.el("h2", [:], area.heading), .el("ol", ["class": "items"], rows)])) }
        }
        if parts.isEmpty { parts.append(.el("p", [:], T(.sheetFilterEmpty))) }
        guard s.mayReview else { return .group([header] + parts) }
        // The reviewer's one form: a bar of buttons that stays in view, which checks to show,
        // the checks, and the reason for the whole sheet that goes with a return.
        let bar: Node = .el("div", ["class": "savebar"], [
            // The script keeps these counts as decisions change (the template, and the counts at load).
            .el("p", ["id": "review-counts", "data-template": T(.sheetReviewCounts, "{0}", "{1}", "{2}"),
                      "data-counts": [counted(.undecided), counted(.returned), own.count { shown[$0.id]?.decision == "accepted" }].map(String.init).joined(separator: ",")],
                T(.sheetReviewCounts, String(counted(.undecided)), String(counted(.returned)), String(own.count { shown[$0.id]?.decision == "accepted" }))),
            .el("button", ["type": "submit", "name": "intent", "value": "save"], T(.sheetReviewButton)),
            .el("button", ["type": "submit", "name": "intent", "value": "pass", "class": "secondary"], T(.sheetPass) + "…"),
            .el("button", ["type": "submit", "name": "intent", "value": "return", "class": "secondary"], T(.sheetSendBack) + "…"),
            // The script's words; on a timeout it adds a sign-in link back to this page.
            .el("span", ["id": "draft-status", "role": "status", "data-saved": T(.sheetDraftSaved), "data-expired": T(.sheetDraftExpired),
                         "data-failed": T(.sheetDraftFailed), "data-login": Route.login.path, "data-sign-in": T(.navLogin)], ""),
        ])
        let filters: Node = .el("p", ["class": "filter"], [.text(T(.sheetShow))] + Filter.allCases.flatMap { f -> [Node] in
            let text = T(f.label) + "(" + String(f == .all ? own.count : counted(f)) + ")"
            let link: Node = f == filter ? .el("strong", ["aria-current": "true"], text)
                : .el("a", ["href": base(.sheet) + (f == .all ? "" : "?show=" + f.rawValue)], text)
            return [.text(" "), link]
        })
        let overall = Layout.textarea("reason", T(.sheetOverallReason), value: review.draft.reason, errors: errors, hint: T(.sheetOverallReasonHint), rows: 2)
        let formAttributes: KeyValuePairs<String, String?> = ["method": "post", "action": base(.step(.review)), "id": "review"]
        let script: Node = .el("script", ["src": ReviewScript.path, "defer": ""], "")
        let top: [Node] = [Layout.csrfField(request), .input(["type": "hidden", "name": "version", "value": String(s.version)]),
                           .el("p", ["class": "hint"], T(.sheetReviewHint)), bar, filters]
        guard wrapped else {
            // The decisions name this form (HTML's form attribute) from beside the fill forms.
            return .group([header, .el("form", formAttributes, top + [overall]), .group(parts), script])
        }
        return .group([header, .el("form", formAttributes, top + parts + [overall]), script])
    }

    /// The village's returned sheet: the returned checks first, each with the reviewer's
    /// reason and the answer, and how many are left to answer before it can go again.
    static func returnedSection(_ request: Request, _ s: SheetDTO, base: CycleLinks) -> Node {
        let returned = s.checks.filter { $0.decision == "returned" && $0.level == s.level }
        guard !returned.isEmpty || s.returnedNote != nil else { return .empty }
        let left = returned.count { ($0.answer ?? "").isEmpty }
        return .el("section", ["class": "returned", "aria-labelledby": "returned-heading"], [
            .el("h2", ["id": "returned-heading"], T(.sheetReturnedHeading, String(returned.count))),
            .when(s.returnedNote != nil, .el("p", ["class": "notice"], T(.sheetReturnedNoteLine, s.returnedOn ?? "", s.returnedBy ?? "", s.returnedNote ?? ""))),
            .el("p", ["id": "returned-left", "class": left == 0 ? "met" : "pending"], left == 0 ? T(.sheetReturnedAllAnswered) : T(.sheetReturnedLeft, String(left))),
            .el("ol", [:], returned.map { c in
                .el("li", ["id": "returned-" + c.id], [
                    .el("p", [:], [.el("strong", [:], "\(c.id) \(c.title)")]),
                    .el("p", [:], T(.sheetReturnedReason, c.reason ?? "—")),
                    actionForm(request, base, .answer, (c.answer ?? "").isEmpty ? T(.sheetAnswerButton) : T(.sheetAnswerChange), version: s.version, [
                        .input(["type": "hidden", "name": "check", "value": c.id]),
                        Layout.field("answer", T(.sheetAnswer), value: c.answer ?? "", errors: [], id: "f-answer-" + c.id),
                    ]),
                ])
            }),
        ])
    }

    /// One form for adding evidence to any of the sheet's evidenced checks.
    static func evidenceForm(_ request: Request, _ s: SheetDTO, base: CycleLinks) -> Node {
        let own = s.checks.filter { $0.kind == "evidenced" && $0.level == s.level }
        // A finding's "去处理" link names the check (?check=1.2): it comes chosen.
        let chosen = request.query[String.self, at: "check"].flatMap { id in own.contains { $0.id == id } ? id : nil } ?? ""
        return .el("form", ["method": "post", "action": base(.evidence), "enctype": "multipart/form-data", "class": "evidence", "id": "evidence-form"], [
            .el("h2", [:], T(.evidenceAdd)), Layout.csrfField(request),
            Layout.select("check", T(.rectCheck), options: own.map { ($0.id, "\($0.id) \($0.title)" + ($0.evidence.isEmpty ? T(.evidenceMissingMark) : "")) }, selected: chosen, errors: []),
            Layout.select("kind", T(.evidenceKind), options: [("file", T(.evidenceFile)), ("link", T(.evidenceURL)), ("note", T(.evidenceNote))], selected: "file", errors: []),
            .el("div", ["class": "field"], [.el("label", ["for": "f-file"], T(.evidenceFileHint)),
                                            .input(["type": "file", "id": "f-file", "name": "file", "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"])]),
            Layout.field("url", T(.evidenceURL), value: "", errors: []),
            Layout.field("note", T(.evidenceNote), value: "", errors: []),
            .el("button", ["type": "submit"], T(.evidenceAdd)),
        ])
    }

    static func youMay(_ s: SheetDTO, _ state: SheetState) -> String {
        var may: [String] = []
        if s.mayFill { may.append(T(.sheetMayFill)) }
        if s.mayReview { may.append(T(.sheetMayReview)) }
        if s.mayApprove { may.append(T(.sheetMayApprove)) }
        if s.mayUnlock { may.append(T(.sheetMayUnlock)) }
        return may.isEmpty ? T(.sheetMayView) : may.joined(separator: T(.sepSemicolon))
    }

    static func checkNode(_ request: Request, _ c: SheetCheckDTO, _ s: SheetDTO, _ state: SheetState, base: CycleLinks, unitID: UUID, errors: [FieldError],
                          wrapped: Bool = false, shown: (decision: String, reason: String)? = nil, unsaved: Bool = false, records: String) -> Node {
        var parts: [Node] = [statusNode(c.status), .text(" \(c.id) \(c.title)")]
        // A check of this sheet's own level that has evidence and awaits a decision: the
        // evidence list below says it all; the engine's "evidence needed: …" would repeat
        // the catalogue's description on every such check of a reviewer's sheet.
        let awaitingDecision = c.kind == "evidenced" && c.level == s.level && c.status == "pending" && !c.evidence.isEmpty
        if !awaitingDecision, !c.explanation.isEmpty, c.explanation != c.title { parts.append(.text(T(.sepColon) + c.explanation)) }
        // Where to look when a figure falls short: the records behind it.
        // The one who fills the sheet gets the action that addresses a check not met; others,
        // where to look when a figure falls short: the records behind it.
        if s.mayFill, c.level == "village", c.status == "notMet" || c.status == "pending" && c.kind == "measured",
           let check = request.application.config.catalogue.check(c.id), let fix = RecordLinks.fix(check, unitID: unitID, cycle: s.cycle.id) {
            parts.append(.group([.text(" "), .el("a", ["href": fix], T(.planDo))]))
        } else if c.kind == "measured" && c.status == "notMet" {
            parts.append(.group([.text(" "), .el("a", ["href": records], T(.sheetRecordsLink))]))
        }
        let ownLevel = c.kind == "evidenced" && c.level == s.level
        if ownLevel {
            if c.explanation.isEmpty, let expected = c.evidenceExpected { parts.append(.el("p", ["class": "muted"], T(.sheetEvidenceExpected, expected))) }
            if !c.evidence.isEmpty {
                parts.append(.el("ul", [:], c.evidence.map { e in
                    .el("li", [:], [
                        e.kind == "note" ? .text(e.note ?? e.name) : .el("a", ["href": base(.evidenceFile(.value(e.id)))], e.name),
                        // Each remove button posts the sheet's one removal form to its own
                        // address (no script): one CSRF field for the page, not one per file. A
                        // button submits by default: no type attribute, 49 times over on the sheet.
                        .when(s.mayFill, .group([.text(" "), .el("button", ["class": "link", "form": "remove-evidence",
                                                                            "name": "evidence", "value": e.id.uuidString], T(.attachmentRemove))])),
                    ])
                }))
            }
            // The reviewer's controls show the decision; others read it (the village answers returns at the top).
            if let decision = c.decision, !s.mayReview {
                parts.append(.el("p", [:], (decision == "accepted" ? T(.sheetAccepted) : T(.sheetReturnedCheck)) + (c.reason.map { T(.sepColon) + $0 } ?? "")))
            }
            if let answer = c.answer { parts.append(.el("p", [:], T(.sheetAnswered, answer))) }
            if let error = errors.first(where: { $0.field == "check." + c.id || $0.field == "answer." + c.id || $0.field == "decision." + c.id || $0.field == "reason." + c.id }) {
                parts.append(.el("p", ["class": "error", "id": "f-check." + c.id], error.message))
            }
            if s.mayReview {
                // Controls of the one review form (inside it, or naming it with HTML's form attribute),
                // each with its label in view; a decision typed but not saved yet says so.
                let value = shown ?? (c.decision ?? "", c.reason ?? "")
                let form: String? = wrapped ? nil : "review"
                // Labels wrap their controls: 49 checks' ids and for= were 2 KB of a reviewer's page.
                parts.append(.el("p", ["class": "review"], [
                    .el("label", [:], [.text(T(.sheetDecision) + " "), .el("select", ["name": "decision." + c.id, "form": form], [
                        .el("option", ["value": ""], "—"),
                        .el("option", ["value": "accepted", "selected": value.decision == "accepted" ? "" : nil], T(.sheetAccept)),
                        .el("option", ["value": "returned", "selected": value.decision == "returned" ? "" : nil], T(.sheetReturn)),
                    ])]),
                    .text(" "),
                    .el("label", [:], [.text(T(.sheetReturnReason) + " "),
                                       .input(["name": "reason." + c.id, "value": value.reason.isEmpty ? nil : value.reason, "maxlength": "1000", "form": form])]),
                    .when(unsaved, .el("span", ["class": "muted"], " " + T(.sheetDraftMark))),
                ]))
            }
        }
        return .el("li", [:], parts)
    }

    /// The rectification list: each item's owner, deadline and follow-up (editable by the
    /// village), its state and days overdue, how it was closed, the supervision notes, and
    /// the forms to close it (the village) or add a note (the township and district).
    static func rectification(_ request: Request, _ items: [RectificationDTO], base: CycleLinks, mayEdit: Bool, maySupervise: Bool = false,
                              records: (String) -> [(value: String, label: String)] = { _ in [] }, errors: [FieldError] = []) -> Node {
        guard !items.isEmpty else { return .el("p", [:], T(.rectNone)) }
        func hasSection(_ item: RectificationDTO) -> Bool {
            !item.notes.isEmpty || item.closedOn != nil || ((item.status == "open" || item.status == "met") && (mayEdit || maySupervise))
        }
        let open = items.filter { $0.status == "open" || $0.status == "met" }
        let overdue = open.filter { $0.overdueDays != nil }.count
        let table = Layout.table(caption: T(.rectCaption, String(open.count)) + (overdue > 0 ? T(.rectCaptionOverdue, String(overdue)) : ""),
                            headers: [T(.rectCheck), T(.rectMissing), T(.rectStatus), T(.rectResponsible), T(.rectDeadline), T(.rectFollowUp)],
                            rows: items.map { item in
            var state: [Node] = [stateLabel(item)]
            if let days = item.overdueDays { state.append(.el("br", [:])); state.append(.el("strong", ["class": "notmet"], T(.rectDaysOverdue, String(days)))) }
            if let from = item.carriedFrom { state.append(.el("br", [:])); state.append(.el("span", ["class": "muted"], T(.rectCarriedMark, from))) }
            let checkCell: Node = hasSection(item) ? .el("a", ["href": "#" + rectAnchor(item.check)], "\(item.check) \(item.title)") : .text("\(item.check) \(item.title)")
            if mayEdit && (item.status == "open" || item.status == "met") {
                let form = "r-" + item.check.replacingOccurrences(of: ".", with: "-")
                return [checkCell, .text(item.missing), .group(state),
                        // No action: the form posts to this page's own address (…/rectification), as the route expects.
                        .el("form", ["method": "post", "id": form], [
                            Layout.csrfField(request), .input(["type": "hidden", "name": "check", "value": item.check]),
                            .input(["type": "text", "name": "responsible", "value": item.responsible, "aria-label": T(.rectResponsible)]),
                        ]),
                        .input(["type": "date", "name": "deadline", "value": item.deadline ?? "", "form": form, "aria-label": T(.rectDeadline)]),
                        .group([.input(["type": "text", "name": "followUp", "value": item.followUp, "form": form, "aria-label": T(.rectFollowUp)]),
                                .el("button", ["type": "submit", "form": form], T(.save))])]
            }
            return [checkCell, .text(item.missing), .group(state), .text(item.responsible), .text(item.deadline ?? "—"), .text(item.followUp)]
        })
        // One section per item that has something more: notes, how it closed, the forms.
        let details: [Node] = items.compactMap { item in
            let id = rectAnchor(item.check)
            let active = item.status == "open" || item.status == "met"
            guard hasSection(item) else { return nil }
            var parts: [Node] = [.el("h3", [:], [.text("\(item.check) \(item.title) "), stateLabel(item)])]
            if !item.notes.isEmpty {
                parts.append(.el("h4", [:], T(.rectNotes)))
                parts.append(.el("ul", [:], item.notes.map { note in
                    .el("li", [:], T(.rectNoteLine, note.unitName.isEmpty ? note.author : T(.rectNoteBy, note.unitName, note.author), Layout.dateTime(note.createdAt), note.text))
                }))
            }
            if let closed = item.closedOn {
                let how = item.carriedTo.map { T(.rectCarriedTo, $0) }
                    ?? item.closedRecord.map { _ in T(.rectClosedByRecord) } ?? T(.rectClosedByEvidence, item.closedEvidence ?? "")
                parts.append(.el("p", [:], T(.rectClosedLine, closed, item.closedBy ?? "", how)))
            }
            // Each item's fields have their own ids (the page repeats them); the hints are said once, above.
            let suffix = "-" + item.check.replacingOccurrences(of: ".", with: "-")
            if active && mayEdit {
                let options = records(item.check)
                parts.append(.el("form", ["method": "post", "action": base(.rectificationClose), "class": "stack"], [
                    Layout.csrfField(request), .input(["type": "hidden", "name": "check", "value": item.check]),
                    .when(item.status == "met", .el("p", ["class": "muted"], T(.rectCloseMetHint))),
                    .when(!options.isEmpty, Layout.select("record", T(.rectRecord), options: [("", T(.rectRecordNone))] + options, selected: "", errors: errors,
                                                          id: "f-record" + suffix)),
                    Layout.field("evidence", T(.rectEvidence), value: "", errors: errors, id: "f-evidence" + suffix),
                    .el("button", ["type": "submit"], T(.rectClose)),
                ]))
            }
            if active && maySupervise {
                parts.append(.el("form", ["method": "post", "action": base(.rectificationNote), "class": "stack"], [
                    Layout.csrfField(request), .input(["type": "hidden", "name": "check", "value": item.check]),
                    Layout.field("note", T(.rectNote), value: "", errors: errors, required: true, id: "f-note" + suffix),
                    .el("button", ["type": "submit"], T(.rectNoteAdd)),
                ]))
            }
            return .el("section", ["id": id, "class": "rect-item"], parts)
        }
        let hints: [Node] = details.isEmpty ? [] : [
            .when(mayEdit, .el("p", ["class": "hint", "id": "rect-close-hint"], T(.rectCloseHint) + T(.rectEvidenceHint))),
            .when(maySupervise, .el("p", ["class": "hint", "id": "rect-note-hint"], T(.rectNoteHint))),
        ]
        return .group([table] + hints + details)
    }

    /// The id of an item's section on the list page.
    static func rectAnchor(_ check: String) -> String { "rect-" + check.replacingOccurrences(of: ".", with: "-") }

    static func stateLabel(_ item: RectificationDTO) -> Node {
        switch item.status {
        case "closed": return .el("span", ["class": "met"], T(.rectClosed))
        case "carried": return .el("span", ["class": "muted"], T(.rectCarried))
        case "met": return .el("span", ["class": "met"], T(.rectDone))
        default: return .el("span", ["class": "notmet"], T(.rectOpen))
        }
    }
}

/// Where the records behind a measured check are kept, for the sheet's "查看台账" links,
/// and the action that addresses an unmet check, for its "去处理" links.
enum RecordLinks {
    /// The exact action for a village's check not met: a new record of the kind the check
    /// counts, filled with what the engine's step names (a meeting's kind and a day in the
    /// quarter that lacks it, the worker to train); the profile for the station's figures;
    /// the sheet's evidence upload for this check. Nil for another level's check.
    static func fix(_ check: Check, unitID: UUID, step: RemedyStep? = nil, workers: [String: UUID] = [:], cycle: UUID? = nil) -> String? {
        guard check.level == .village else { return nil }
        if check.kind == .evidenced {
            guard let cycle else { return nil }
            return CycleLinks(unit: unitID, cycle: cycle)(.sheet) + "?check=" + query(check.id) + "#evidence-form"
        }
        switch check.ruleName ?? "" {
        case "stationFloorArea", "weeklyOpeningHours", "hotline": return Route.unit(.value(unitID), .profile).path
        case "stationStaffing": return Route.unit(.value(unitID), .record(.workers, .new)).path
        default: break
        }
        guard case let .record(kind, .list)? = route(check) else { return route(check).map { Route.unit(.value(unitID), $0).path } }
        var fields: [(String, String)] = []
        if let step {
            if let value = step.kind, kind.field("kind") != nil { fields.append(("kind", value)) }
            if let date = step.date, let field = kind.dateField { fields.append((field, date.description)) }
            if let person = step.person, let worker = workers[person], kind.field("attendees") != nil { fields.append(("attendees", worker.uuidString)) }
        } else if kind.field("kind") != nil, let first = check.parameters.first(where: { $0.key == "kinds" })?.node.array?.first?.string {
            fields.append(("kind", first))
        }
        let path = Route.unit(.value(unitID), .record(kind, .new)).path
        return fields.isEmpty ? path : path + "?" + fields.map { $0.0 + "=" + query($0.1) }.joined(separator: "&")
    }

    private static func query(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "."])) ?? "" }

    static func path(_ check: Check, unitID: UUID) -> String { route(check).map { Route.unit(.value(unitID), $0).path } ?? Route.unit(.value(unitID)).path }

    /// The unit's page that holds what `check` reads (nil: the unit's own page).
    static func route(_ check: Check) -> UnitPage? {
        func records(_ kind: RecordKind) -> UnitPage { .record(kind, .list) }
        if check.ruleName == "periodicRecords", let source = check.parameters.first(where: { $0.key == "source" })?.node.string,
           let kind = RecordKind.named(source) {
            return records(kind)
        }
        switch check.ruleName ?? "" {
        case "stationFloorArea", "weeklyOpeningHours", "hotline", "stationStaffing", "stationUtilities", "opinionChannel": return nil
        case "organizationExists", "deliberationBody": return records(.organizations)
        case "quarterlyDisclosures", "disbursementsDisclosed": return records(.disclosures)
        case "registeredSocialOrganizations", "socialOrganizationEvaluations", "socialOrganizationTypes": return records(.socialOrganizations)
        case "residentUnitAgreements", "residentUnitContributions": return records(.residentUnits)
        case "volunteerTeams": return records(.volunteerTeams)
        case "activeVolunteers", "fiveEldersVolunteers", "volunteersRegistered96156", "volunteersTrained": return records(.volunteers)
        case "volunteerActivityCategories", "volunteerTargetGroups": return records(.volunteerActivities)
        case "requiredFacilities", "servicePoints", "facilitiesCondition", "maintenancePlans": return records(.facilities)
        case "infrastructureWorks", "infrastructureUpkeep": return records(.infrastructure)
        case "fundsBudgeted", "fundsDisbursed": return records(.budgetLines)
        case "artTeams": return records(.artTeams)
        case "averageTrainingHours", "everyoneTrained": return records(.trainings)
        case "assistantsManaged", "collegeGraduateOfficials", "socialWorkers", "workerEvaluations", "workerPay", "workersInRole": return records(.workers)
        case "postsMapped", "postsBackedUp": return records(.posts)
        case "serviceFields", "publicGuides", "serviceChannels": return records(.services)
        case "linkedTo96156": return .station
        case "ledgerTracked": return .ledger
        case "onTimeCompletion": return .requests
        case "complaintsResolved": return .complaints
        default: return .records
        }
    }
}
