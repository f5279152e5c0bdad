import Fluent
import Foundation
import SQLKit
import StandardKit
import NIOCore
import NIOPosix

/// The steps of an assessment sheet's workflow, each a route of its own.
enum SheetStep: String, CaseIterable, Hashable, Sendable {
    case submit, answer, review, pass, `return`, approve, unlock
}

/// A file sent with a form, as the web layer hands it down.
struct Upload: Sendable {
    var filename: String
    var data: ByteBuffer
}

/// Sheet actions shared by the pages and the API: each checks who may do it and in
/// which state, changes nothing on any problem, and is audited.
enum Workflow {
    static func evidencedCheck(_ id: String?, sheet: AssessmentSheet, catalogue: Catalogue) throws -> Check {
        guard let id, let check = catalogue.check(id), check.kind == .evidenced, check.level.rawValue == sheet.level.rawValue else {
            throw AppError.validation([FieldError(field: "check", message: T(.sheetCheckUnknown, id ?? ""))])
        }
        return check
    }

    static func perform(_ step: SheetStep, _ context: SheetContext, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, fields: InputFields) async throws {
        let principal = context.principal
        let catalogue = context.config.catalogue
        if let version = fields["version"].flatMap(Int.init), version != sheet.version { throw AppError.conflict(T(.sheetChangedMeanwhile)) }
        let sheetID = try sheet.requireID()
        // Who may act is the role's (403); whether the sheet's state allows it is the same
        // `SheetActions` the API's flags and the page's buttons come from (409).
        let may = SheetActions.of(principal, sheet)
        switch step {
        case .submit:
            guard SheetRole.mayFill(principal, sheet) else { throw AppError.forbidden }
            guard may.fill else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            let quality = try await Sheets.quality(sheet, cycle: cycle, unit: unit, context: context)
            if !quality.errors.isEmpty { throw AppError.validation(quality.errors) }
            // Answered returns go back to the reviewer undecided.
            try await Sheets.move(sheet, to: .submitted, context: context, action: "submitSheet") { db in
                try await SheetCheck.query(on: db).filter(\.$sheetID == sheetID).filter(\.$decision == "returned").set(\.$decision, to: nil).update()
            }
        case .answer:
            guard SheetRole.mayFill(principal, sheet) else { throw AppError.forbidden }
            guard may.answer else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            let check = try evidencedCheck(fields["check"], sheet: sheet, catalogue: catalogue)
            var v = Validator()
            let answer = v.text("answer", T(.sheetAnswer), fields["answer"], maxLength: 2000)
            try v.finish()
            guard let row = try await SheetCheck.query(on: context.db).filter(\.$sheetID == sheetID).filter(\.$checkID == check.id).first(),
                  row.decision == "returned" else { throw AppError.validation([FieldError(field: "check", message: T(.sheetCheckNotReturned, check.id))]) }
            row.answer = answer
            try await context.db.transaction { db in
                try await row.save(on: db)
                try await Audit.record(on: db, author: context.author, action: "answerReturn", objectType: "assessmentSheet", objectID: sheetID.uuidString,
                                       unitPath: sheet.unitPath, before: [String: String]?.none, after: ["check": check.id, "answer": answer])
            }
        case .review:
            // One decision (check, decision, reason), or several from the sheet's one review
            // form (decision.<check>, reason.<check>). All are checked before any is written.
            guard SheetRole.mayReview(principal, sheet) else { throw AppError.forbidden }
            guard may.review else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            let batch = fields["check"] == nil
            let entries: [(id: String?, decision: String, reason: String, field: String)] = batch
                ? fields.values.keys.filter { $0.hasPrefix("decision.") && !(fields[$0] ?? "").isEmpty }.sorted().map { key in
                    let id = String(key.dropFirst(9))
                    return (id, fields[key] ?? "", fields["reason." + id] ?? "", "check." + id)
                }
                : [(fields["check"], fields["decision"] ?? "", fields["reason"] ?? "", "")]
            if entries.isEmpty { throw AppError.validation([FieldError(field: "check", message: T(.sheetNothingDecided))]) }
            var v = Validator()
            var decided: [(check: Check, decision: String, reason: String)] = []
            for entry in entries {
                guard let check = try? evidencedCheck(entry.id, sheet: sheet, catalogue: catalogue) else {
                    v.fail(entry.field.isEmpty ? "check" : entry.field, T(.sheetCheckUnknown, entry.id ?? ""))
                    continue
                }
                if entry.decision != "accepted" && entry.decision != "returned" { v.fail(entry.field.isEmpty ? "decision" : entry.field, T(.sheetDecisionUnknown)) }
                let reason = entry.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                if entry.decision == "returned" && reason.isEmpty {
                    v.fail(entry.field.isEmpty ? "reason" : entry.field, batch ? T(.sheetReturnNeedsReason, check.id) : T(.validationRequired, T(.sheetReturnReason)))
                }
                if reason.count > 1000 { v.fail(entry.field.isEmpty ? "reason" : entry.field, T(.validationTooLong, T(.sheetReturnReason), "1000")) }
                decided.append((check, entry.decision, reason))
            }
            try v.finish()
            let existing = try await Sheets.decisions([sheetID], on: context.db)[sheetID] ?? [:]
            let reviewer = principal?.displayName
            let rows = decided.map { item -> (SheetCheck, String?, Check, String, String) in
                let row = existing[item.check.id] ?? {
                    let new = SheetCheck()
                    new.sheetID = sheetID
                    new.checkID = item.check.id
                    return new
                }()
                let before = row.decision
                row.decision = item.decision
                row.reason = item.reason.isEmpty ? nil : item.reason
                row.reviewer = reviewer
                return (row, before, item.check, item.decision, item.reason)
            }
            try await context.db.transaction { db in
                for (row, before, check, decision, reason) in rows {
                    try await row.save(on: db)
                    try await Audit.record(on: db, author: context.author, action: "reviewCheck", objectType: "assessmentSheet", objectID: sheetID.uuidString,
                                           unitPath: sheet.unitPath, before: ["check": check.id, "decision": before ?? ""],
                                           after: ["check": check.id, "decision": decision, "reason": reason])
                }
            }
        case .pass:
            guard SheetRole.mayReview(principal, sheet) else { throw AppError.forbidden }
            guard may.review else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            let decided = try await Sheets.decisions([sheetID], on: context.db)[sheetID] ?? [:]
            let checks = Sheets.evidencedChecks(catalogue, level: sheet.level)
            let undecided = checks.filter { decided[$0.id]?.decision == nil }
            if !undecided.isEmpty { throw AppError.validation([FieldError(field: "check", message: T(.sheetUndecided, String(undecided.count), undecided.prefix(6).map(\.id).joined(separator: T(.sepList))))]) }
            if checks.contains(where: { decided[$0.id]?.decision == "returned" }) { throw AppError.validation([FieldError(field: "check", message: T(.sheetHasReturns))]) }
            try await Sheets.move(sheet, to: .reviewed, context: context, action: "passSheet")
        case .return:
            var v = Validator()
            if sheet.state == .submitted {
                guard SheetRole.mayReview(principal, sheet) else { throw AppError.forbidden }
                let reason = v.text("reason", T(.sheetReturnReason), fields["reason"], required: false, maxLength: 1000)
                let decided = try await Sheets.decisions([sheetID], on: context.db)[sheetID] ?? [:]
                guard decided.values.contains(where: { $0.decision == "returned" }) else {
                    throw AppError.validation([FieldError(field: "check", message: T(.sheetReturnNeedsCheck))])
                }
                try await Sheets.move(sheet, to: .returned, context: context, action: "returnSheet", reason: reason)
            } else if sheet.state == .reviewed {
                guard SheetRole.mayApprove(principal, sheet) else { throw AppError.forbidden }
                let reason = v.text("reason", T(.sheetReturnReason), fields["reason"], maxLength: 1000)
                try v.finish()
                try await Sheets.move(sheet, to: .submitted, context: context, action: "returnSheetToReviewer", reason: reason)
            } else {
                throw AppError.conflict(T(.sheetNotInState, sheet.state.label))
            }
        case .approve:
            guard SheetRole.mayApprove(principal, sheet) else { throw AppError.forbidden }
            guard may.approve else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            if sheet.level == .village, let evaluation = try await Sheets.evaluate(cycle: cycle, under: unit, context: context).first?.evaluation {
                let summary = SheetSummary(evaluation)
                sheet.score = summary.score
                sheet.result = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            }
            try await Sheets.move(sheet, to: .approved, context: context, action: "approveSheet")
        case .unlock:
            guard SheetRole.mayApprove(principal, sheet) else { throw AppError.forbidden }
            guard may.unlock else { throw AppError.conflict(T(.sheetNotInState, sheet.state.label)) }
            var v = Validator()
            let reason = v.text("reason", T(.sheetUnlockReason), fields["reason"], maxLength: 1000)
            try v.finish()
            // Back to the village, whose records open again; the reviewer's decisions stay,
            // so the corrected sheet goes through review and approval once more.
            try await Sheets.move(sheet, to: .returned, context: context, action: "unlockSheet", reason: reason)
        }
    }

    /// Adds evidence (a file, a link or a note) to an evidenced check of an editable sheet.
    static func addEvidence(_ context: SheetContext, sheet: AssessmentSheet, check checkID: String?, kind: String, file: Upload?, url: String?, note: String?) async throws -> Evidence {
        guard SheetRole.mayFill(context.principal, sheet) else { throw AppError.forbidden }
        guard SheetActions.of(context.principal, sheet).fill else { throw AppError.conflict(sheet.state == .approved ? T(.sheetLocked) : T(.sheetNotInState, sheet.state.label)) }
        let check = try evidencedCheck(checkID, sheet: sheet, catalogue: context.config.catalogue)
        let evidence = Evidence()
        evidence.sheetID = try sheet.requireID()
        evidence.checkID = check.id
        evidence.kind = kind
        evidence.createdBy = context.principal?.displayName ?? ""
        switch kind {
        case "file":
            guard let file, file.data.readableBytes > 0 else { throw AppError.validation([FieldError(field: "file", message: T(.importNoFile))]) }
            guard file.data.readableBytes <= FileStore.maximumBytes else { throw AppError.validation([FieldError(field: "file", message: T(.attachmentTooLarge, "10"))]) }
            let data = Data(file.data.readableBytesView)
            guard let type = FileStore.kind(of: data) else { throw AppError.validation([FieldError(field: "file", message: T(.attachmentType))]) }
            let files = context.files
            let hash = try await context.threadPool.runIfActive { try files.put(data) }
            evidence.name = Attachments.displayName(file.filename, kind: type)
            evidence.contentHash = hash
            evidence.contentType = type.contentType
            evidence.size = data.count
        case "link":
            var v = Validator()
            let link = v.text("url", T(.evidenceURL), url, maxLength: 500)
            if !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) || URL(string: link)?.host == nil { v.fail("url", T(.evidenceURLFormat)) }
            try v.finish()
            evidence.name = link
            evidence.url = link
        case "note":
            var v = Validator()
            let text = v.text("note", T(.evidenceNote), note, maxLength: 2000)
            try v.finish()
            evidence.name = String(text.prefix(40))
            evidence.note = text
        default:
            throw AppError.validation([FieldError(field: "kind", message: T(.evidenceKindUnknown))])
        }
        try await context.db.transaction { db in
            try await evidence.create(on: db)
            try await Audit.record(on: db, author: context.author, action: "addEvidence", objectType: "assessmentSheet", objectID: sheet.id?.uuidString,
                                   unitPath: sheet.unitPath, before: [String: String]?.none,
                                   after: ["check": check.id, "kind": kind, "name": evidence.name, "sha256": evidence.contentHash ?? ""])
        }
        return evidence
    }
}
