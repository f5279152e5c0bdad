import Fluent
import SQLKit
import StandardKit
import Vapor

/// Rectifications followed up: closed by the village with the record that fixed it or
/// with evidence, supervised (督办) by the township and district, listed for a township
/// (or any unit above villages) with days overdue, counted in the inboxes, and carried
/// into the next year's cycle while still open.
struct RectificationController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .rectifications), .onUnit(.viewUnit), listPage)
        router.api(.GET, .unit(.key, .rectifications), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiOpenRectifications), response: "OpenRectificationList"), apiList)
        router.page(.POST, .unit(.key, .cycle(.key, .rectificationClose)), .onSheet(.fill)) { request, unit in
            let fields = InputFields(form: try FormFields(request), names: ["check", "record", "evidence"])
            return try await Self.act(request, unit, check: fields["check"], failing: { try await Self.close(request, $0, $1, $2, fields: fields) })
        }
        router.page(.POST, .unit(.key, .cycle(.key, .rectificationNote)), .onSheet(.supervise)) { request, unit in
            let fields = InputFields(form: try FormFields(request), names: ["check", "note"])
            return try await Self.act(request, unit, check: fields["check"], failing: { try await Self.note(request, $0, $1, $2, fields: fields) })
        }
        router.api(.POST, .unit(.key, .rectificationClose(.key)), .onSheet(.fill),
                   APIDoc(summary: T(.apiCloseRectification), request: "RectificationCloseInput", response: "RectificationList", also: [409: .apiSheetConflict])) { request, unit in
            let (cycle, unit, sheet) = try await AssessmentController.load(request, unit)
            try await Self.close(request, cycle, unit, sheet, fields: try InputFields(json: request))
            return RectificationListDTO(items: try await AssessmentController.rectification(request, cycle: cycle, unit: unit, sheet: sheet))
        }
        router.api(.POST, .unit(.key, .rectificationNote(.key)), .onSheet(.supervise),
                   APIDoc(summary: T(.apiSuperviseRectification), request: "RectificationNoteInput", response: "RectificationList", status: 201)) { request, unit in
            let (cycle, unit, sheet) = try await AssessmentController.load(request, unit)
            try await Self.note(request, cycle, unit, sheet, fields: try InputFields(json: request))
            return RectificationListDTO(items: try await AssessmentController.rectification(request, cycle: cycle, unit: unit, sheet: sheet))
        }
    }

    /// Runs a page's action and goes back to the list, or shows the list with the error.
    static func act(_ request: Request, _ unit: OrgUnit, check: String?,
                    failing action: (AssessmentCycle, OrgUnit, AssessmentSheet) async throws -> Void) async throws -> Response {
        let (cycle, unit, sheet) = try await AssessmentController.load(request, unit)
        let back = CycleLinks(unit: try unit.requireID(), cycle: try cycle.requireID())(.rectification)
        do {
            try await action(cycle, unit, sheet)
            // Back to the item just acted on, not to the top of a long list.
            return request.redirect(to: back + "?saved=1" + (check.map { "#" + AssessmentViews.rectAnchor($0) } ?? ""))
        } catch let AppError.validation(errors) {
            return try await AssessmentController.rectificationView(request, cycle: cycle, unit: unit, sheet: sheet, errors: errors, status: .unprocessableEntity)
        } catch let AppError.conflict(message) {
            return try await AssessmentController.rectificationView(request, cycle: cycle, unit: unit, sheet: sheet,
                                                                    errors: [FieldError(field: "check", message: message)], status: .conflict)
        }
    }

    /// The row of `check` on the sheet, made when there is none yet (an unmet check the
    /// village has not yet given an owner).
    static func row(_ sheet: AssessmentSheet, check: String, on db: any Database) async throws -> Rectification {
        let sheetID = try sheet.requireID()
        if let row = try await Rectification.query(on: db).filter(\.$sheetID == sheetID).filter(\.$checkID == check).first() { return row }
        let row = Rectification()
        row.sheetID = sheetID
        row.checkID = check
        row.responsible = ""
        row.followUp = ""
        return row
    }

    /// The village closes a rectification, naming the record that fixed it ("kind/id", one
    /// of its own records) or describing its evidence; once.
    static func close(_ request: Request, _ cycle: AssessmentCycle, _ unit: OrgUnit, _ sheet: AssessmentSheet, fields: InputFields) async throws {
        let catalogue = request.application.config.catalogue
        let items = try await AssessmentController.rectification(request, cycle: cycle, unit: unit, sheet: sheet)
        guard let checkID = fields["check"], let item = items.first(where: { $0.check == checkID }), catalogue.check(checkID) != nil else {
            throw AppError.validation([FieldError(field: "check", message: T(.rectNotListed, fields["check"] ?? ""))])
        }
        guard item.closedOn == nil else { throw AppError.conflict(T(.rectAlreadyClosed, item.check)) }
        var v = Validator()
        let evidence = v.text("evidence", T(.rectEvidence), fields["evidence"], required: false, maxLength: 2000)
        let recordText = (fields["record"] ?? "").trimmingCharacters(in: .whitespaces)
        var record: String?
        if !recordText.isEmpty {
            let parts = recordText.split(separator: "/").map(String.init)
            if parts.count == 2, let kind = RecordKind.named(parts[0]), let id = UUID(uuidString: parts[1]),
               let owner = kind.level == .township ? unit.$parent.id : unit.id,
               try await RecordStore.find(kind, id: id, village: owner, on: request.db) != nil {
                record = "\(kind.key)/\(id.uuidString)"
            } else {
                v.fail("record", T(.rectRecordUnknown))
            }
        }
        if record == nil && evidence.isEmpty && recordText.isEmpty { v.fail("evidence", T(.rectCloseNeeds)) }
        try v.finish()
        let fix = record
        let row = try await Self.row(sheet, check: checkID, on: request.db)
        row.closedOn = request.today.description
        row.closedBy = request.principal?.displayName ?? ""
        row.closedRecord = fix
        row.closedEvidence = evidence.isEmpty ? nil : evidence
        try await request.db.transaction { db in
            try await row.save(on: db)
            try await Audit.record(on: db, author: request.author, action: "closeRectification", objectType: "assessmentSheet", objectID: try sheet.requireID().uuidString,
                                   unitPath: sheet.unitPath, before: [String: String]?.none,
                                   after: ["check": checkID, "record": fix ?? "", "evidence": evidence])
        }
    }

    /// A supervision note by the township or the district on one item of the list.
    static func note(_ request: Request, _ cycle: AssessmentCycle, _ unit: OrgUnit, _ sheet: AssessmentSheet, fields: InputFields) async throws {
        let items = try await AssessmentController.rectification(request, cycle: cycle, unit: unit, sheet: sheet)
        guard let checkID = fields["check"], items.contains(where: { $0.check == checkID }) else {
            throw AppError.validation([FieldError(field: "check", message: T(.rectNotListed, fields["check"] ?? ""))])
        }
        var v = Validator()
        let text = v.text("note", T(.rectNote), fields["note"], maxLength: 500)
        try v.finish()
        let principal = try request.requirePrincipal()
        // Signed with the unit the writer supervises from (the highest that covers the village).
        let from = principal.assignments.filter { sheet.unitPath.hasPrefix($0.unitPath) && $0.unitPath != sheet.unitPath }.map(\.unitPath).min { $0.count < $1.count }
        var fromUnit: OrgUnit?
        if let id = from.flatMap({ $0.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) } }) { fromUnit = try await OrgUnit.load(id, on: request.db) }
        let signedBy = fromUnit?.name ?? ""
        let row = try await Self.row(sheet, check: checkID, on: request.db)
        try await request.db.transaction { db in
            try await row.save(on: db)
            let note = RectificationNote()
            note.rectificationID = try row.requireID()
            note.author = principal.displayName
            note.unitName = signedBy
            note.text = text
            note.createdAt = request.now
            try await note.create(on: db)
            try await Audit.record(on: db, author: request.author, action: "superviseRectification", objectType: "assessmentSheet", objectID: try sheet.requireID().uuidString,
                                   unitPath: sheet.unitPath, before: [String: String]?.none, after: ["check": checkID, "note": text])
        }
    }

    // MARK: Open rectifications below a unit

    /// Every open rectification of the villages at or below `unit`, the most overdue first.
    /// Open rectifications below `unit` counted, not loaded: those past their deadline,
    /// those with supervision notes (and how many notes), and a cycle of each for the link.
    static func counts(_ request: Request, under unit: OrgUnit) async throws
        -> (overdue: Int, supervised: Int, notes: Int, overdueCycle: UUID?, supervisedCycle: UUID?) {
        let sql = try Dialect.sql(request.readDB)
        let today = request.today.description
        let from: SQLQueryString = """
            FROM rectifications r JOIN assessment_sheets s ON s.id = r.sheet_id
            WHERE r.closed_on IS NULL AND s.level = 'village' AND \(Dialect.pathBelow(sql, unit.path, column: "s.unit_path"))
            """
        struct Counts: Decodable { var overdue: Int?, supervised: Int?, notes: Int? }
        let late: SQLQueryString = "r.deadline IS NOT NULL AND r.deadline < \(bind: today)"
        let counts = try await sql.raw("""
            SELECT SUM(CASE WHEN \(late) THEN 1 ELSE 0 END) AS overdue,
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM rectification_notes n WHERE n.rectification_id = r.id) THEN 1 ELSE 0 END) AS supervised,
                   (SELECT COUNT(*) FROM rectification_notes n JOIN rectifications r2 ON r2.id = n.rectification_id
                      JOIN assessment_sheets s2 ON s2.id = r2.sheet_id
                    WHERE r2.closed_on IS NULL AND s2.level = 'village' AND \(Dialect.pathBelow(sql, unit.path, column: "s2.unit_path"))) AS notes
            """ + " " + from).first(decoding: Counts.self)
        let overdue = counts?.overdue ?? 0, supervised = counts?.supervised ?? 0
        struct Cycle: Decodable { var cycle_id: UUID }
        // The village's own list is per cycle: the cycle of the oldest such row.
        var overdueCycle: UUID?, supervisedCycle: UUID?
        if unit.kind == .village {
            if overdue > 0 {
                overdueCycle = try await sql.raw("SELECT s.cycle_id " + from + " AND " + late + " ORDER BY r.deadline LIMIT 1").first(decoding: Cycle.self)?.cycle_id
            }
            if supervised > 0 {
                supervisedCycle = try await sql.raw("SELECT s.cycle_id " + from
                    + " AND EXISTS (SELECT 1 FROM rectification_notes n WHERE n.rectification_id = r.id) ORDER BY r.deadline LIMIT 1").first(decoding: Cycle.self)?.cycle_id
            }
        }
        return (overdue, supervised, counts?.notes ?? 0, overdueCycle, supervisedCycle)
    }

    static func open(_ request: Request, under unit: OrgUnit, overdueOnly: Bool = false) async throws -> [OpenRectificationDTO] {
        let sql = try Dialect.sql(request.db)
        let today = request.today
        var query: SQLQueryString = """
            SELECT r.id, r.check_id, r.responsible, r.deadline, r.follow_up, r.carried_from, s.unit_id, c.id AS cycle_id, c.name AS cycle_name,
                   (SELECT COUNT(*) FROM rectification_notes n WHERE n.rectification_id = r.id) AS notes
            FROM rectifications r JOIN assessment_sheets s ON s.id = r.sheet_id JOIN assessment_cycles c ON c.id = s.cycle_id
            WHERE r.closed_on IS NULL AND s.level = 'village' AND \(Dialect.pathBelow(sql, unit.path, column: "s.unit_path"))
            """
        if overdueOnly { query = query + " AND r.deadline IS NOT NULL AND r.deadline < \(bind: today.description)" }
        struct Row: Decodable {
            var id: UUID, check_id: String, responsible: String, deadline: String?, follow_up: String, carried_from: String?
            var unit_id: UUID, cycle_id: UUID, cycle_name: String, notes: Int
        }
        let rows = try await sql.raw(query).all(decoding: Row.self)
        guard !rows.isEmpty else { return [] }
        let villages = try await OrgUnit.query(on: request.db).filter(\.$id ~~ Array(Set(rows.map(\.unit_id)))).all()
        let parents = try await OrgUnit.query(on: request.db).filter(\.$id ~~ Array(Set(villages.compactMap { $0.$parent.id }))).all()
        let catalogue = request.application.config.catalogue
        let out = rows.map { row -> OpenRectificationDTO in
            let village = villages.first { $0.id == row.unit_id }
            let overdue = row.deadline.flatMap(LocalDate.init).flatMap { $0 < today ? today.dayNumber - $0.dayNumber : nil }
            return OpenRectificationDTO(unitID: row.unit_id, village: village?.name ?? "", township: parents.first { $0.id == village?.$parent.id }?.name ?? "",
                                        cycleID: row.cycle_id, cycle: row.cycle_name, check: row.check_id, title: catalogue.check(row.check_id)?.title ?? row.check_id,
                                        responsible: row.responsible, deadline: row.deadline, overdueDays: overdue, followUp: row.follow_up,
                                        notes: row.notes, carriedFrom: row.carried_from)
        }
        return out.sorted { a, b in
            if (a.overdueDays ?? -1) != (b.overdueDays ?? -1) { return (a.overdueDays ?? -1) > (b.overdueDays ?? -1) }
            if a.deadline != b.deadline { return (a.deadline ?? "9999") < (b.deadline ?? "9999") }
            return (a.township, a.village, a.check) < (b.township, b.village, b.check)
        }
    }

    @Sendable func listPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let items = try await Self.open(request, under: unit)
        let overdue = items.filter { $0.overdueDays != nil }.count
        let body: Node = .group([
            .el("p", [:], items.isEmpty ? T(.rectOpenNone) : T(.rectOpenSummary, String(items.count), String(overdue))),
            .when(!items.isEmpty, Layout.table(caption: T(.rectOpenCaption, unit.name),
                                               headers: [T(.exportTownship), T(.overdueVillage), T(.rectCheck), T(.rectResponsible), T(.rectDeadline),
                                                         T(.rectOverdueDays), T(.rectFollowUp), T(.rectNotes)],
                                               rows: items.map { item in
                [.text(item.township),
                 .el("a", ["href": CycleLinks(unit: item.unitID, cycle: item.cycleID)(.rectification)], item.village),
                 .text("\(item.check) \(item.title)" + (item.carriedFrom.map { T(.rectCarriedMark, $0) } ?? "")),
                 .text(item.responsible.isEmpty ? "—" : item.responsible), .text(item.deadline ?? "—"),
                 item.overdueDays.map { .el("strong", ["class": "notmet"], T(.rectDaysOverdue, String($0))) } ?? .text("—"),
                 .text(item.followUp), .text(String(item.notes))]
            })),
        ])
        return HTMLResponse.page(request, T(.rectOpenTitle, unit.name), body)
    }

    @Sendable func apiList(_ request: Request, _ unit: OrgUnit) async throws -> OpenRectificationListDTO {
        OpenRectificationListDTO(items: try await Self.open(request, under: unit))
    }

    // MARK: Carrying into the next year

    /// When a year's cycle opens, every rectification still open on a sheet of the year
    /// before goes on in the new sheet of the same village: the new row says where it came
    /// from, the old one is closed as carried.
    static func carry(into cycle: AssessmentCycle, sheets: [AssessmentSheet], today: LocalDate, by name: String, on db: any Database) async throws -> Int {
        let previous = try await AssessmentCycle.query(on: db).filter(\.$year == cycle.year - 1).all()
            .filter { $0.unitPath.hasPrefix(cycle.unitPath) || cycle.unitPath.hasPrefix($0.unitPath) }
        guard !previous.isEmpty else { return 0 }
        let newByUnit = Dictionary(sheets.filter { $0.level == .village }.map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a })
        let oldSheets = try await AssessmentSheet.query(on: db).filter(\.$cycleID ~~ previous.compactMap(\.id)).filter(\.$level == .village).all()
            .filter { newByUnit[$0.unitID] != nil }
        guard !oldSheets.isEmpty else { return 0 }
        let oldByID = Dictionary(oldSheets.compactMap { s in s.id.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
        let open = try await Rectification.query(on: db).filter(\.$sheetID ~~ Array(oldByID.keys)).filter(\.$closedOn == nil).all()
        let names = Dictionary(previous.compactMap { c in c.id.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
        // Every carried row's notes in one query, not one per row (a city opens thousands).
        let notes = open.isEmpty ? [:] : Dictionary(grouping: try await RectificationNote.query(on: db).filter(\.$rectificationID ~~ open.compactMap(\.id)).all(),
                                                    by: \.rectificationID)
        for old in open {
            guard let oldSheet = oldByID[old.sheetID], let newSheet = newByUnit[oldSheet.unitID] else { continue }
            let row = Rectification()
            row.sheetID = try newSheet.requireID()
            row.checkID = old.checkID
            row.responsible = old.responsible
            row.deadline = old.deadline
            row.followUp = old.followUp
            row.carriedFrom = names[oldSheet.cycleID] ?? String(cycle.year - 1)
            try await row.create(on: db)
            // The notes go on with it.
            for note in notes[try old.requireID()] ?? [] {
                let copy = RectificationNote()
                copy.rectificationID = try row.requireID()
                copy.author = note.author
                copy.unitName = note.unitName
                copy.text = note.text
                copy.createdAt = note.createdAt
                try await copy.create(on: db)
            }
            old.carriedTo = cycle.name
            old.closedOn = today.description
            old.closedBy = name
            try await old.save(on: db)
        }
        return open.count
    }
}

struct OpenRectificationDTO: Content {
    var unitID: UUID
    var village: String
    var township: String
    var cycleID: UUID
    var cycle: String
    var check: String
    var title: String
    var responsible: String
    var deadline: String?
    /// Calendar days past the deadline, nil when not past it (or none set).
    var overdueDays: Int?
    var followUp: String
    /// How many supervision notes it has.
    var notes: Int
    /// The cycle it was carried from, when it came from the year before.
    var carriedFrom: String?
}

struct OpenRectificationListDTO: Content { var items: [OpenRectificationDTO] }
