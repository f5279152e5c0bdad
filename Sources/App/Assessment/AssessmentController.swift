import Fluent
import SQLKit
import StandardKit
import Vapor
import WorkCalendar

/// Assessment cycles and sheets: opening a cycle, the sheet with evidence, the workflow
/// actions, the rectification list; as pages and as JSON.
struct AssessmentController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .cycles), .onUnit(.viewUnit), cyclesPage)
        router.page(.POST, .unit(.key, .cycles), .onUnit(.manageCycles), openCyclePage)
        router.page(.GET, .unit(.key, .cycle(.key, .sheet)), .onUnit(.viewUnit), sheetPage)
        router.page(.POST, .unit(.key, .cycle(.key, .evidence)), .onSheet(.fill), limits: .upload("11mb"), evidencePage)
        router.page(.POST, .unit(.key, .cycle(.key, .evidenceDelete(.key))), .onSheet(.fill), deleteEvidence)
        router.page(.POST, .unit(.key, .cycle(.key, .evidenceRemove)), .onSheet(.fill), deleteEvidence)
        router.page(.GET, .unit(.key, .cycle(.key, .evidenceFile(.key))), .onUnit(.viewUnit), downloadEvidence)
        for (step, permission) in Self.actionPermissions {
            router.page(.POST, .unit(.key, .cycle(.key, .step(step))), .onSheet(permission)) { try await actPage($0, $1, step) }
        }
        router.page(.GET, .unit(.key, .cycle(.key, .rectification)), .onUnit(.viewUnit), rectificationPage)
        router.page(.POST, .unit(.key, .cycle(.key, .rectification)), .onSheet(.fill), saveRectificationPage)

        router.api(.GET, .unit(.key, .cycles), .onUnit(.viewUnit), APIDoc(summary: T(.apiCycles), response: "CycleList"), apiCycles)
        router.api(.POST, .unit(.key, .cycles), .onUnit(.manageCycles), APIDoc(summary: T(.apiOpenCycle), request: "CycleInput", response: "Cycle", status: 201), apiOpenCycle)
        router.api(.GET, .unit(.key, .cycleSheet(.key)), .onUnit(.viewUnit), APIDoc(summary: T(.apiSheet), response: "Sheet"), apiSheet)
        router.api(.POST, .unit(.key, .cycleEvidence(.key)), .onSheet(.fill),
                   APIDoc(summary: T(.apiAddEvidence), request: "EvidenceInput", response: "Evidence", status: 201,
                          also: [409: .apiSheetLocked]), apiEvidence)
        for (step, permission) in Self.actionPermissions {
            router.api(.POST, .unit(.key, .cycleStep(.key, step)), .onSheet(permission),
                       APIDoc(summary: T(Self.summary(step)), request: "SheetActionInput", response: "Sheet",
                              also: [409: .apiSheetConflict])) { try await apiAct($0, $1, step) }
        }
        router.api(.GET, .unit(.key, .rectification(.key)), .onUnit(.viewUnit), APIDoc(summary: T(.apiRectification), response: "RectificationList"), apiRectification)
        router.api(.POST, .unit(.key, .rectification(.key)), .onSheet(.fill), APIDoc(summary: T(.apiUpdateRectification), request: "RectificationInput", response: "RectificationList"),
                   apiSaveRectification)
    }

    /// Each workflow step and the sheet duty it needs (the access rule of its route).
    static let actionPermissions: [(SheetStep, SheetDuty)] = [
        (.submit, .fill), (.answer, .fill), (.review, .review), (.pass, .review),
        (.`return`, .sendBack), (.approve, .approve), (.unlock, .approve),
    ]
    /// What each step's API operation is called in the OpenAPI document.
    static func summary(_ step: SheetStep) -> L {
        switch step {
        case .submit: return .apiSheetSubmit
        case .answer: return .apiSheetAnswer
        case .review: return .apiSheetReview
        case .pass: return .apiSheetPass
        case .return: return .apiSheetReturn
        case .approve: return .apiSheetApprove
        case .unlock: return .apiSheetUnlock
        }
    }

    // MARK: Shared

    static func cycles(covering unit: OrgUnit, on db: any Database) async throws -> [AssessmentCycle] {
        let ancestors = unit.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        return try await AssessmentCycle.query(on: db).filter(\.$unitID ~~ ancestors).sort(\.$year, .descending).all()
    }

    /// Opens a cycle for a district, or for a city and every district below it, and makes
    /// every open unit's sheet (the city keeps none), in one transaction.
    static func openCycle(_ request: Request, district: OrgUnit, fields: InputFields) async throws -> AssessmentCycle {
        guard district.kind == .district || district.kind == .city else { throw AppError.notFound }
        let config = request.application.config
        var v = Validator()
        let name = v.text("name", T(.cycleName), fields["name"], maxLength: 50)
        let year = v.integer("year", T(.cycleYear), fields["year"], range: 2000...2100)
        let asOf = v.date("asOf", T(.cycleAsOf), fields["asOf"]) ?? LocalDate.lastDay(of: year).description
        let submitBy = v.date("submitBy", T(.cycleSubmitBy), fields["submitBy"])
        let reviewBy = v.date("reviewBy", T(.cycleReviewBy), fields["reviewBy"])
        if submitBy == nil && (fields["submitBy"] ?? "").isEmpty { v.fail("submitBy", T(.validationRequired, T(.cycleSubmitBy))) }
        if reviewBy == nil && (fields["reviewBy"] ?? "").isEmpty { v.fail("reviewBy", T(.validationRequired, T(.cycleReviewBy))) }
        if let s = submitBy, let r = reviewBy, s > r { v.fail("reviewBy", T(.cycleReviewBeforeSubmit)) }
        if let a = LocalDate(asOf), a.year != year { v.fail("asOf", T(.cycleAsOfYear, String(year))) }
        // Deadlines in order and within the cycle's time: not before the year starts, not
        // before today for a cycle opened for this year or a later one (a past year's cycle,
        // kept for comparison, may carry its past dates), and not past the next year.
        if (2000...2100).contains(year), let s = submitBy.flatMap(LocalDate.init) {
            let today = StandardController.beijingToday(request.now)
            if s < LocalDate.firstDay(of: year) {
                v.fail("submitBy", T(.cycleSubmitBeforeYear, LocalDate.firstDay(of: year).description))
            } else if year >= today.year && s < today {
                v.fail("submitBy", T(.cycleSubmitBeforeToday, today.description))
            } else if s > LocalDate.lastDay(of: year + 1) {
                v.fail("submitBy", T(.cycleSubmitTooLate, LocalDate.lastDay(of: year + 1).description))
            }
        }
        let passMark = (fields["passMark"] ?? "").isEmpty ? config.scheme.passMark : v.decimal("passMark", T(.cyclePassMark), fields["passMark"], range: 0...100)
        try v.finish()
        let districtID = try district.requireID()
        if try await AssessmentCycle.query(on: request.db).filter(\.$unitID == districtID).filter(\.$year == year).first() != nil {
            throw AppError.validation([FieldError(field: "year", message: T(.cycleExists, String(year)))])
        }
        // One cycle a year for each village: not beside the city's, nor beside a district's below the city.
        let overlapping = try await AssessmentCycle.query(on: request.db).filter(\.$year == year).all()
            .filter { $0.unitPath.hasPrefix(district.path) || district.path.hasPrefix($0.unitPath) }
        if let other = overlapping.first {
            throw AppError.validation([FieldError(field: "year", message: T(.cycleOverlaps, String(year), other.name))])
        }
        let cycle = AssessmentCycle()
        cycle.id = UUID()
        cycle.unitID = districtID
        cycle.unitPath = district.path
        cycle.name = name
        cycle.year = year
        cycle.standard = config.catalogue.version
        cycle.asOf = asOf
        cycle.submitBy = submitBy ?? ""
        cycle.reviewBy = reviewBy ?? ""
        cycle.passMark = passMark
        cycle.partialCredit = fields.flag("partialCredit")
        cycle.createdBy = request.principal?.username ?? ""
        let units = try await Dialect.below(OrgUnit.query(on: request.db), \.$path, district.path).all()
            .filter { unit in unit.kind != .city && (unit.closedOn.map { $0 > asOf } ?? true) }
        let today = request.today
        try await request.db.transaction { db in
            try await cycle.create(on: db)
            var sheets: [AssessmentSheet] = []
            for unit in units {
                let sheet = try AssessmentSheet(cycle: cycle, unit: unit)
                try await sheet.create(on: db)
                sheets.append(sheet)
            }
            // Rectifications still open from the year before go on in this year's sheets.
            _ = try await RectificationController.carry(into: cycle, sheets: sheets, today: today, by: request.principal?.displayName ?? "", on: db)
            try await Audit.record(on: db, author: request.author, action: "openCycle", objectType: "assessmentCycle", objectID: cycle.id?.uuidString,
                                   unitPath: district.path, before: [String: String]?.none, after: ["name": name, "year": String(year), "sheets": String(units.count)])
        }
        return cycle
    }

    /// The sheet as the viewer sees it, with the quality check while it can be submitted.
    static func sheetDTO(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet) async throws -> SheetDTO {
        let catalogue = request.application.config.catalogue
        let sheetID = try sheet.requireID()
        let decided = try await Sheets.decisions([sheetID], on: request.readDB)[sheetID] ?? [:]
        let evidence = Dictionary(grouping: try await Evidence.query(on: request.readDB).filter(\.$sheetID == sheetID).sort(\.$createdAt).all(), by: \.checkID)
        var summary: SheetSummary?
        if sheet.level == .village {
            if sheet.state == .approved, let text = sheet.result { summary = SheetSummary.decodeKept(text) }
            // The kept summary with its explanations when current and in the reader's language
            // (most views of a sheet follow no change to the village); else evaluated and kept.
            if summary == nil {
                summary = try await Sheets.summaries(cycle: cycle, under: unit, context: request.sheets, explanations: true)[try unit.requireID()]
            }
        }
        let shown = sheet.level == .village ? catalogue.checks : Sheets.evidencedChecks(catalogue, level: sheet.level)
        // Township- and district-level checks show the result of their own sheet.
        var otherLevel: [String: String] = [:]
        if sheet.level == .village {
            for result in try await Sheets.otherLevelResults(cycle: cycle, village: unit, catalogue: catalogue, on: request.readDB) {
                otherLevel[result.check] = result.status == .met ? "met" : result.status == .notMet ? "notMet" : "pending"
            }
        }
        let checks = shown.map { check -> SheetCheckDTO in
            let row = decided[check.id]
            var status = summary?.checks[check.id] ?? (row?.decision == "accepted" ? "met" : row?.decision == "returned" ? "notMet" : "pending")
            if sheet.level != .village, row?.decision == nil { status = "pending" }
            if let other = otherLevel[check.id] { status = other }
            return SheetCheckDTO(id: check.id, item: check.item, kind: check.kind.rawValue, level: check.level.rawValue, title: check.title, status: status,
                                 explanation: summary?.explanations[check.id] ?? "", evidenceExpected: check.evidence, decision: row?.decision, reason: row?.reason,
                                 answer: row?.answer,
                                 evidence: (evidence[check.id] ?? []).map { e in
                                     EvidenceDTO(id: e.id.linked, kind: e.kind, name: e.name, url: e.url, note: e.note, contentType: e.contentType, size: e.size, createdBy: e.createdBy)
                                 })
        }
        var quality: QualityDTO?
        let may = SheetActions.of(request.principal, sheet)
        if may.fill {
            let q = try await Sheets.quality(sheet, cycle: cycle, unit: unit, context: request.sheets, summary: summary)
            quality = QualityDTO(errors: q.errors, warnings: q.warnings)
        }
        let lock = YearLock.period(cycle: cycle, sheet: sheet)
        return SheetDTO(cycle: CycleDTO(cycle), unitID: sheet.unitID, unitName: unit.name, level: sheet.level.rawValue, state: sheet.state.rawValue,
                        stateLabel: sheet.state.label, version: sheet.version, score: summary?.score, passed: summary?.passed,
                        submittedOn: sheet.submittedOn, approvedOn: sheet.approvedOn, mayFill: may.fill, mayAnswer: may.answer,
                        mayReview: may.review, mayApprove: may.approve, mayUnlock: may.unlock, recordsLocked: lock != nil, lockMessage: lock?.message,
                        checks: checks, quality: quality, returnedNote: sheet.returnedNote, returnedBy: sheet.returnedBy, returnedOn: sheet.returnedOn)
    }

    static func load(_ request: Request, _ unit: OrgUnit) async throws -> (AssessmentCycle, OrgUnit, AssessmentSheet) {
        let cycle = try await request.cycle(covering: unit)
        return (cycle, unit, try await Sheets.sheet(cycle: cycle, unit: unit, on: request.db))
    }

    /// The rectification list: every check not met now, with its follow-up; a row whose
    /// check has since been met shows as done.
    static func rectification(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet) async throws -> [RectificationDTO] {
        guard sheet.level == .village, let evaluation = try await Sheets.evaluate(cycle: cycle, under: unit, context: request.sheets).first?.evaluation else { return [] }
        let catalogue = request.application.config.catalogue
        let stored = try await Rectification.query(on: request.readDB).filter(\.$sheetID == sheet.requireID()).all()
        let rows = Dictionary(stored.map { ($0.checkID, $0) }, uniquingKeysWith: { a, _ in a })
        let notes = Dictionary(grouping: stored.isEmpty ? [] : try await RectificationNote.query(on: request.readDB).filter(\.$rectificationID ~~ stored.compactMap(\.id))
                                .sort(\.$createdAt).all(), by: \.rectificationID)
        let today = request.today
        return catalogue.checks.compactMap { check in
            guard let result = evaluation.check(check.id), check.level == .village else { return nil }
            let row = rows[check.id]
            guard result.status == .notMet || row != nil else { return nil }
            let status = row?.carriedTo != nil ? "carried" : row?.isClosed == true ? "closed" : result.status == .met ? "met" : "open"
            let overdue = row?.isClosed == true ? nil : row?.deadline.flatMap(LocalDate.init).flatMap { $0 < today ? today.dayNumber - $0.dayNumber : nil }
            return RectificationDTO(check: check.id, title: check.title, missing: result.explanation,
                                    status: status, responsible: row?.responsible ?? "", deadline: row?.deadline, followUp: row?.followUp ?? "",
                                    overdueDays: overdue, closedOn: row?.closedOn, closedBy: row?.closedBy, closedRecord: row?.closedRecord,
                                    closedEvidence: row?.closedEvidence, carriedFrom: row?.carriedFrom, carriedTo: row?.carriedTo,
                                    notes: (row?.id.flatMap { notes[$0] } ?? []).map { RectificationNoteDTO(author: $0.author, unitName: $0.unitName, text: $0.text, createdAt: $0.createdAt) })
        }
    }

    static func saveRectification(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, fields: InputFields) async throws {
        guard SheetRole.mayFill(request.principal, sheet) else { throw AppError.forbidden }
        guard let checkID = fields["check"], let check = request.application.config.catalogue.check(checkID), check.level == .village else {
            throw AppError.validation([FieldError(field: "check", message: T(.sheetCheckUnknown, fields["check"] ?? ""))])
        }
        var v = Validator()
        let responsible = v.text("responsible", T(.rectResponsible), fields["responsible"], maxLength: 50)
        let deadline = v.date("deadline", T(.rectDeadline), fields["deadline"])
        let followUp = v.text("followUp", T(.rectFollowUp), fields["followUp"], required: false, maxLength: 2000)
        try v.finish()
        let sheetID = try sheet.requireID()
        let row = try await Rectification.query(on: request.db).filter(\.$sheetID == sheetID).filter(\.$checkID == check.id).first() ?? {
            let new = Rectification()
            new.sheetID = sheetID
            new.checkID = check.id
            return new
        }()
        row.responsible = responsible
        row.deadline = deadline
        row.followUp = followUp
        try await request.db.transaction { db in
            try await row.save(on: db)
            try await Audit.record(on: db, author: request.author, action: "updateRectification", objectType: "assessmentSheet", objectID: sheetID.uuidString,
                                   unitPath: sheet.unitPath, before: [String: String]?.none, after: ["check": check.id, "responsible": responsible, "deadline": deadline ?? ""])
        }
    }

    // MARK: Pages

    private func cyclesView(_ request: Request, _ unit: OrgUnit, errors: [FieldError] = [], values: [String: String] = [:]) async throws -> Node {
        let cycles = try await Self.cycles(covering: unit, on: request.db)
        let id = try unit.requireID()
        let rows: [[Node]] = cycles.map { c in
            // A city keeps no sheet of its own: its cycle opens on the dashboard.
            [.el("a", ["href": unit.kind == .city ? Route.unit(.value(id), .dashboard(.value(c.id.linked))).path : CycleLinks(unit: id, cycle: c.id.linked)(.sheet)], c.name), .text(c.asOf), .text(c.submitBy), .text(c.reviewBy),
             unit.kind == .village ? .el("a", ["href": CycleLinks(unit: id, cycle: c.id.linked)(.rectification)], T(.rectTitleShort))
                : .el("a", ["href": Route.unit(.value(id), .dashboard(.value(c.id.linked))).path], T(.dashboardShort))]
        }
        let mayOpen = (unit.kind == .district || unit.kind == .city) && (request.principal?.may(.manageCycles, at: unit.path) ?? false)
        let today = request.today
        return .group([
            cycles.isEmpty ? .el("p", ["class": "muted"], T(.cyclesNone))
                : Layout.table(caption: nil, headers: [T(.cycleName), T(.cycleAsOf), T(.cycleSubmitBy), T(.cycleReviewBy), ""], rows: rows),
            .when(mayOpen, .el("form", ["method": "post", "action": Route.unit(.value(id), .cycles).path], [
                .el("h2", [:], T(.cycleOpen)), Layout.errorSummary(errors), Layout.csrfField(request),
                Layout.field("name", T(.cycleName), value: values["name"] ?? T(.cycleDefaultName, String(today.year)), errors: errors, required: true),
                Layout.field("year", T(.cycleYear), value: values["year"] ?? String(today.year), type: "number", errors: errors, required: true),
                Layout.field("asOf", T(.cycleAsOf), value: values["asOf"] ?? LocalDate.lastDay(of: today.year).description, type: "date", errors: errors),
                Layout.field("submitBy", T(.cycleSubmitBy), value: values["submitBy"] ?? "", type: "date", errors: errors, required: true),
                Layout.field("reviewBy", T(.cycleReviewBy), value: values["reviewBy"] ?? "", type: "date", errors: errors, required: true),
                Layout.field("passMark", T(.cyclePassMark), value: values["passMark"] ?? Figure.text(request.application.config.scheme.passMark), errors: errors),
                .el("button", ["type": "submit"], T(.cycleOpen)),
            ])),
        ])
    }

    @Sendable func cyclesPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        return HTMLResponse.page(request, T(.cyclesTitle, unit.name), try await cyclesView(request, unit))
    }

    @Sendable func openCyclePage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let fields = InputFields(form: try FormFields(request), names: ["name", "year", "asOf", "submitBy", "reviewBy", "passMark", "partialCredit"])
        do {
            let cycle = try await Self.openCycle(request, district: unit, fields: fields)
            return request.redirect(to: Route.unit(.value(try unit.requireID()), .cycle(.value(try cycle.requireID()), .sheet)).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, T(.cyclesTitle, unit.name), try await cyclesView(request, unit, errors: errors, values: fields.values), status: .unprocessableEntity)
        }
    }

    func renderSheet(_ request: Request, _ unit: OrgUnit, errors: [FieldError] = [], message: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        // Back from signing in after a timeout: what the form sent then is the reviewer's draft now.
        let resumed = try await ReviewController.resume(request, sheet: sheet)
        let dto = try await Self.sheetDTO(request, cycle: cycle, unit: unit, sheet: sheet)
        let catalogue = request.application.config.catalogue
        var review = AssessmentViews.Review()
        if dto.mayReview {
            review.draft = try await ReviewController.draft(request, sheet: sheet)
            review.filter = request.query[String.self, at: "show"].flatMap(AssessmentViews.Filter.init(rawValue:)) ?? .all
        }
        let body = AssessmentViews.sheet(request, dto, catalogue: catalogue, base: CycleLinks(unit: try unit.requireID(), cycle: try cycle.requireID()),
                                         unitID: try unit.requireID(), errors: errors, message: message, review: review)
        let flash = resumed ? T(.sheetDraftResumed) : request.query[String.self, at: "draft"] == "1" ? T(.sheetDraftKept) : nil
        let response = flash.map { HTMLResponse.make(Layout.page(request: request, title: T(.sheetTitle, unit.name, cycle.name), body: body, flash: $0), status: status) }
            ?? HTMLResponse.page(request, T(.sheetTitle, unit.name, cycle.name), body, status: status)
        if resumed {
            response.cookies[ReviewController.resumeCookie] = SessionCookie.make("", request: request, maxAge: 0)
        }
        // What the page shows is the draft as it is now: going back re-reads it, never a stale copy.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func sheetPage(_ request: Request, _ unit: OrgUnit) async throws -> Response { try await renderSheet(request, unit) }

    func after(_ request: Request, _ unit: OrgUnit, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            let (cycle, unit, _) = try await Self.load(request, unit)
            return request.redirect(to: Route.unit(.value(try unit.requireID()), .cycle(.value(try cycle.requireID()), .sheet)).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await renderSheet(request, unit, errors: errors, status: .unprocessableEntity)
        } catch let AppError.conflict(message) {
            return try await renderSheet(request, unit, message: message, status: .conflict)
        }
    }

    struct EvidenceForm: Content {
        var check: String?
        var kind: String?
        var url: String?
        var note: String?
        var file: File?
    }

    @Sendable func evidencePage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, _, sheet) = try await Self.load(request, unit)
        let form = (try? request.content.decode(EvidenceForm.self)) ?? EvidenceForm()
        return try await after(request, unit) {
            _ = try await Workflow.addEvidence(request.sheets, sheet: sheet, check: form.check, kind: form.kind ?? "", file: form.file.map { Upload(filename: $0.filename, data: $0.data) }, url: form.url, note: form.note)
        }
    }

    /// The evidence named in the path, or (the sheet page's removal form) by the pressed button.
    static func evidence(_ request: Request, sheet: AssessmentSheet) async throws -> Evidence {
        let named = request.parameters.get("evidenceID") ?? (request.method == .POST ? try? FormFields(request)["evidence"] : nil)
        guard let id = named.flatMap(UUID.init(uuidString:)),
              let evidence = try await Evidence.query(on: request.db).filter(\.$id == id).filter(\.$sheetID == sheet.requireID()).first() else { throw AppError.notFound }
        return evidence
    }

    @Sendable func deleteEvidence(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, _, sheet) = try await Self.load(request, unit)
        let evidence = try await Self.evidence(request, sheet: sheet)
        return try await after(request, unit) {
            guard SheetRole.mayFill(request.principal, sheet) else { throw AppError.forbidden }
            guard SheetActions.of(request.principal, sheet).fill else { throw AppError.conflict(sheet.state == .approved ? T(.sheetLocked) : T(.sheetNotInState, sheet.state.label)) }
            try await request.db.transaction { db in
                try await evidence.delete(on: db)
                try await Audit.record(on: db, author: request.author, action: "removeEvidence", objectType: "assessmentSheet", objectID: sheet.id?.uuidString,
                                       unitPath: sheet.unitPath, before: ["check": evidence.checkID, "name": evidence.name], after: [String: String]?.none)
            }
        }
    }

    @Sendable func downloadEvidence(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, _, sheet) = try await Self.load(request, unit)
        let evidence = try await Self.evidence(request, sheet: sheet)
        if let url = evidence.url { return request.redirect(to: url) }
        guard let hash = evidence.contentHash, let data = request.application.files.get(hash) else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: evidence.contentType ?? "application/octet-stream")
        headers.replaceOrAdd(name: .contentDisposition, value: RecordTransferController.attachment(evidence.name))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    func actPage(_ request: Request, _ unit: OrgUnit, _ step: SheetStep) async throws -> Response {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        let form = try FormFields(request)
        // The review form keeps what was typed before any of its buttons acts (`ReviewController`).
        if step == .review, form["check"] == nil {
            return try await ReviewController.reviewPage(request, cycle: cycle, unit: unit, sheet: sheet, form: form)
        }
        if step == .pass || step == .return {
            return try await ReviewController.decidePage(request, step, cycle: cycle, unit: unit, sheet: sheet, form: form)
        }
        let fields = InputFields(form: form, names: ["version", "check", "decision", "reason", "answer"]
                                 + form.names.filter { $0.hasPrefix("decision.") || $0.hasPrefix("reason.") })
        return try await after(request, unit) { try await Workflow.perform(step, request.sheets, cycle: cycle, unit: unit, sheet: sheet, fields: fields) }
    }

    @Sendable func rectificationPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        return try await Self.rectificationView(request, cycle: cycle, unit: unit, sheet: sheet, errors: [], status: .ok)
    }

    /// The list page: owners and deadlines, closing and supervision forms by role, errors on top.
    static func rectificationView(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, sheet: AssessmentSheet, errors: [FieldError],
                                  status: HTTPStatus) async throws -> Response {
        let items = try await Self.rectification(request, cycle: cycle, unit: unit, sheet: sheet)
        let mayEdit = SheetRole.mayFill(request.principal, sheet)
        // The records a village may name as the fix, by kind, for the checks on its list.
        var choices: [String: [(value: String, label: String)]] = [:]
        if mayEdit {
            for check in Set(items.filter { $0.status == "open" || $0.status == "met" }.map(\.check)) {
                guard let c = request.application.config.catalogue.check(check), case let .record(kind, .list)? = RecordLinks.route(c) else { continue }
                if choices[kind.key] == nil, kind.level == unit.kind {
                    choices[kind.key] = try await RecordStore.list(kind, village: unit.requireID(), on: request.db).suffix(20).reversed().map { record in
                        (kind.key + "/" + record.id.uuidString, (record.text(kind.titleField) ?? "") + (kind.dateField.flatMap { record.text($0) }.map { " " + $0 } ?? ""))
                    }
                }
            }
        }
        return HTMLResponse.page(request, T(.rectTitle, unit.name, cycle.name),
                                 .group([Layout.errorSummary(errors),
                                         AssessmentViews.rectification(request, items, base: CycleLinks(unit: try unit.requireID(), cycle: try cycle.requireID()),
                                                                       mayEdit: mayEdit, maySupervise: request.principal?.may(.supervise, level: sheet.level, path: sheet.unitPath) ?? false,
                                                                       records: { check in
                                                                           guard let c = request.application.config.catalogue.check(check),
                                                                                 case let .record(kind, .list)? = RecordLinks.route(c) else { return [] }
                                                                           return choices[kind.key] ?? []
                                                                       }, errors: errors)]),
                                 status: status)
    }

    @Sendable func saveRectificationPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        let fields = InputFields(form: try FormFields(request), names: ["check", "responsible", "deadline", "followUp"])
        do {
            try await Self.saveRectification(request, cycle: cycle, unit: unit, sheet: sheet, fields: fields)
            return request.redirect(to: Route.unit(.value(try unit.requireID()), .cycle(.value(try cycle.requireID()), .rectification)).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await Self.rectificationView(request, cycle: cycle, unit: unit, sheet: sheet, errors: errors, status: .unprocessableEntity)
        }
    }

    // MARK: API

    @Sendable func apiCycles(_ request: Request, _ unit: OrgUnit) async throws -> CycleListDTO {
        return CycleListDTO(cycles: try await Self.cycles(covering: unit, on: request.db).map(CycleDTO.init))
    }

    @Sendable func apiOpenCycle(_ request: Request, _ unit: OrgUnit) async throws -> CycleDTO {
        return CycleDTO(try await Self.openCycle(request, district: unit, fields: try InputFields(json: request)))
    }

    @Sendable func apiSheet(_ request: Request, _ unit: OrgUnit) async throws -> SheetDTO {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        return try await Self.sheetDTO(request, cycle: cycle, unit: unit, sheet: sheet)
    }

    @Sendable func apiEvidence(_ request: Request, _ unit: OrgUnit) async throws -> EvidenceDTO {
        let (_, _, sheet) = try await Self.load(request, unit)
        let e: Evidence
        if request.headers.contentType?.type == "multipart" {
            let form = try request.content.decode(EvidenceForm.self)
            e = try await Workflow.addEvidence(request.sheets, sheet: sheet, check: form.check, kind: form.kind ?? "file", file: form.file.map { Upload(filename: $0.filename, data: $0.data) }, url: form.url, note: form.note)
        } else {
            let fields = try InputFields(json: request)
            e = try await Workflow.addEvidence(request.sheets, sheet: sheet, check: fields["check"], kind: fields["kind"] ?? "", file: nil, url: fields["url"], note: fields["note"])
        }
        return EvidenceDTO(id: e.id.linked, kind: e.kind, name: e.name, url: e.url, note: e.note, contentType: e.contentType, size: e.size, createdBy: e.createdBy)
    }

    func apiAct(_ request: Request, _ unit: OrgUnit, _ step: SheetStep) async throws -> SheetDTO {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        let fields = (request.body.data?.readableBytes ?? 0) > 0 ? try InputFields(json: request) : InputFields([:])
        try await Workflow.perform(step, request.sheets, cycle: cycle, unit: unit, sheet: sheet, fields: fields)
        return try await Self.sheetDTO(request, cycle: cycle, unit: unit, sheet: sheet)
    }

    @Sendable func apiRectification(_ request: Request, _ unit: OrgUnit) async throws -> RectificationListDTO {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        return RectificationListDTO(items: try await Self.rectification(request, cycle: cycle, unit: unit, sheet: sheet))
    }

    @Sendable func apiSaveRectification(_ request: Request, _ unit: OrgUnit) async throws -> RectificationListDTO {
        let (cycle, unit, sheet) = try await Self.load(request, unit)
        try await Self.saveRectification(request, cycle: cycle, unit: unit, sheet: sheet, fields: try InputFields(json: request))
        return RectificationListDTO(items: try await Self.rectification(request, cycle: cycle, unit: unit, sheet: sheet))
    }
}

extension Request {
    /// What the sheets' work needs from this request (`SheetContext`).
    var sheets: SheetContext {
        SheetContext(db: readDB, write: Reading.isOnStandby(self) ? db : nil, beside: self.besideDatabase, config: application.config, principal: principal, now: now, today: today,
                     files: application.files, threadPool: application.threadPool, kept: application.keptSummaries)
    }

    /// A connection of another event loop than the request's (each loop has its own), to
    /// read two independent things at once; nil on a one-loop server.
    var besideDatabase: (any Database)? {
        guard let loop = application.eventLoopGroup.makeIterator().first(where: { $0 !== eventLoop }) else { return nil }
        return application.databases.database(storage[Reading.ReplicaKey.self], logger: logger, on: loop)
    }

    /// The cycle named in the path, which must cover the unit.
    func cycle(covering unit: OrgUnit) async throws -> AssessmentCycle {
        guard let id = parameters.get("cycleID").flatMap(UUID.init(uuidString:)),
              let cycle = try await AssessmentCycle.find(id, on: readDB), unit.path.hasPrefix(cycle.unitPath) else { throw AppError.notFound }
        return cycle
    }
}
