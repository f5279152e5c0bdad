import Fluent
import SQLKit
import Vapor

/// A yearly assessment of a district's villages, townships and itself against the standard.
final class AssessmentCycle: Model, @unchecked Sendable {
    static let schema = "assessment_cycles"

    @ID(key: .id) var id: UUID?
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @Field(key: "name") var name: String
    @Field(key: "year") var year: Int
    @Field(key: "standard") var standard: String
    @Field(key: "as_of") var asOf: String
    @Field(key: "submit_by") var submitBy: String
    @Field(key: "review_by") var reviewBy: String
    @Field(key: "pass_mark") var passMark: Double
    @Field(key: "partial_credit") var partialCredit: Bool
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $unitID, $unitPath, $name, $year, $standard, $asOf, $submitBy, $reviewBy, $passMark, $partialCredit, $createdBy,
            $createdAt
        ]
    }

    init() {}
}

/// Where a sheet is in self-assessment → township review → district approval.
enum SheetState: String, CaseIterable, Sendable, Codable {
    /// 填报中: the unit fills it in (also after a return).
    case draft
    /// 待审核: submitted, waiting for the level above to review each evidenced check.
    case submitted
    /// 退回修改: sent back with returned checks to answer.
    case returned
    /// 待审定: reviewed and passed up, waiting for the district.
    case reviewed
    /// 已审定: approved and locked.
    case approved

    var label: String {
        switch self {
        case .draft: return T(.sheetDraft)
        case .submitted: return T(.sheetSubmitted)
        case .returned: return T(.sheetReturned)
        case .reviewed: return T(.sheetReviewed)
        case .approved: return T(.sheetApproved)
        }
    }

    /// The unit may add evidence and answer returns.
    var editable: Bool { self == .draft || self == .returned }
}

/// One unit's sheet in a cycle.
final class AssessmentSheet: Model, @unchecked Sendable {
    static let schema = "assessment_sheets"

    @ID(key: .id) var id: UUID?
    @Field(key: "cycle_id") var cycleID: UUID
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @Field(key: "level") var level: UnitKind
    @Field(key: "state") var state: SheetState
    @OptionalField(key: "score") var score: Double?
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "submitted_on") var submittedOn: String?
    @OptionalField(key: "approved_on") var approvedOn: String?
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// The live summary kept between views (JSON `SheetSummary`), the as-of date it was
    /// computed for, and the count of writes that dropped it (`Snapshots`).
    @OptionalField(key: "snapshot") var snapshot: String?
    @OptionalField(key: "snapshot_as_of") var snapshotAsOf: String?
    @Field(key: "snapshot_seq") var snapshotSeq: Int
    /// The drop count the kept summary was computed at: it is current while this equals
    /// `snapshotSeq` (and its as-of date is today's); otherwise it is the last one, stale.
    @OptionalField(key: "snapshot_at_seq") var snapshotAtSeq: Int?
    /// The reviewer's reason for the last return of the whole sheet, who returned it and on
    /// which day (kept after it is resubmitted: the village's answer refers to it).
    @OptionalField(key: "returned_note") var returnedNote: String?
    @OptionalField(key: "returned_by") var returnedBy: String?
    @OptionalField(key: "returned_on") var returnedOn: String?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $cycleID, $unitID, $unitPath, $level, $state, $score, $result, $submittedOn, $approvedOn, $version, $updatedAt, $snapshot,
            $snapshotAsOf, $snapshotSeq, $snapshotAtSeq, $returnedNote, $returnedBy, $returnedOn
        ]
    }

    init() {}

    /// A new draft sheet of `unit` in `cycle`.
    init(cycle: AssessmentCycle, unit: OrgUnit) throws {
        self.cycleID = try cycle.requireID()
        self.unitID = try unit.requireID()
        self.unitPath = unit.path
        self.level = unit.kind
        self.state = .draft
        self.version = 1
        self.snapshotSeq = 0
    }

    /// The village sheets of a cycle at or below `path` as `VillageSheet`s, with their kept
    /// texts whole, brief, or none (`KeptSummaries` reads those it lacks). With `only`, just
    /// those villages' sheets.
    static func villageRows(cycle: UUID, below path: String, only: Set<UUID>? = nil, texts: VillageSheet.Texts, on db: any Database) async throws -> [VillageSheet] {
        let sql = try Dialect.sql(db)
        var range = Dialect.pathBelow(sql, path, column: "unit_path")
        if let only {
            guard !only.isEmpty else { return [] }
            range = "unit_id IN (\(binds: Array(only))) AND " + range
        }
        let columns = ["id", "unit_id", "unit_path", "state", "version", "submitted_on", "snapshot_as_of", "snapshot_seq", "snapshot_at_seq"]
            + (texts == .none ? [] : texts == .whole ? ["snapshot", "result"] : [briefSnapshot, briefResult])
        return try await PlacedRows.all(columns, """
            FROM assessment_sheets WHERE cycle_id = \(bind: cycle) AND \(range) AND level = 'village'
            """, on: db).compactMap { row in
            var row = row
            let (id, unitID, unitPath) = (try row.next(UUID.self), try row.next(UUID.self), try row.next(String.self))
            // A state this server does not know (a newer server's, in a rolling upgrade) leaves the row out.
            guard let state = SheetState(rawValue: try row.next(String.self)) else { return nil }
            var sheet = VillageSheet(id: id, unitID: unitID, unitPath: unitPath, state: state, version: try row.next(Int.self), submittedOn: try row.next(String?.self),
                                     snapshotAsOf: try row.next(String?.self), snapshotSeq: try row.next(Int.self), snapshotAtSeq: try row.next(Int?.self))
            if texts != .none { (sheet.snapshot, sheet.result) = (try row.next(String?.self), try row.next(String?.self)) }
            return sheet
        }
    }

    /// The sheets of a cycle below `path` (every level, the unit's own left out) that are not
    /// approved: what waits in a queue. Every field is set as Fluent's query would, without
    /// its reflection over the model (a city's 4,000 sheets), but the kept summary (nil
    /// here), which a queue does not show. A field added to the model must be added here
    /// too: a test compares these with Fluent's, field by field.
    static func open(cycle: UUID, below path: String, excluding unit: UUID, on db: any Database) async throws -> [AssessmentSheet] {
        let sql = try Dialect.sql(db)
        return try await PlacedRows.all(columns, """
            FROM assessment_sheets
            WHERE cycle_id = \(bind: cycle) AND \(Dialect.pathBelow(sql, path, column: "unit_path")) AND unit_id <> \(bind: unit) AND state <> 'approved'
            """, on: db).compactMap { try AssessmentSheet(row: $0) }
    }

    /// Every column `init(row:)` reads, in its order, the kept summary as NULL.
    private static let columns = [
        "id", "cycle_id", "unit_id", "unit_path", "level", "state", "score", "result", "submitted_on", "approved_on",
        "version", "updated_at", "NULL AS snapshot", "snapshot_as_of", "snapshot_seq", "snapshot_at_seq",
        "returned_note", "returned_by", "returned_on",
    ]

    /// The brief summary where it was made from the summary beside it (`AddSheetBriefs`), else the whole.
    static let briefSnapshot = "CASE WHEN snapshot_brief IS NOT NULL AND snapshot_brief_of = snapshot_as_of || ':' || snapshot_at_seq THEN snapshot_brief ELSE snapshot END AS snapshot_brief"
    /// The brief result where it was made at the approval that wrote the result, else the whole.
    static let briefResult = "CASE WHEN result_brief IS NOT NULL AND result_brief_of = version THEN result_brief ELSE result END AS result_brief"

    /// A sheet from a row of `columns`, read in their order (nil for an unknown level or state).
    private convenience init?(row: PlacedRow) throws {
        var row = row
        let (id, cycleID, unitID, unitPath) = (try row.next(UUID.self), try row.next(UUID.self), try row.next(UUID.self), try row.next(String.self))
        guard let level = UnitKind(rawValue: try row.next(String.self)), let state = SheetState(rawValue: try row.next(String.self)) else { return nil }
        self.init()
        self.id = id
        self.cycleID = cycleID
        self.unitID = unitID
        self.unitPath = unitPath
        self.level = level
        self.state = state
        score = try row.next(Double?.self)
        result = try row.next(String?.self)
        submittedOn = try row.next(String?.self)
        approvedOn = try row.next(String?.self)
        version = try row.next(Int.self)
        updatedAt = try row.next(Date?.self)
        snapshot = try row.next(String?.self)
        snapshotAsOf = try row.next(String?.self)
        snapshotSeq = try row.next(Int.self)
        snapshotAtSeq = try row.next(Int?.self)
        returnedNote = try row.next(String?.self)
        returnedBy = try row.next(String?.self)
        returnedOn = try row.next(String?.self)
        $id.exists = true
    }
}

/// A village sheet's columns that its summary is chosen by, and its kept texts if read, as
/// plain values: what `Sheets.villageSheets` reads for a dashboard or an export of hundreds
/// of villages (building Fluent models of them, each field set and read through a cast, was
/// a sixth of a district's view). Never saved: its changes go through SQL.
struct VillageSheet: Sendable {
    /// Which kept texts are read: whole, brief (`snapshot_brief`, `result_brief`: without
    /// the checks' statuses and explanations, or the whole where the brief is not of it,
    /// `AddSheetBriefs`), or none.
    enum Texts: Sendable { case none, whole, brief }

    var id: UUID
    var unitID: UUID
    var unitPath: String
    var state: SheetState
    var version: Int
    var submittedOn: String?
    var snapshotAsOf: String?
    var snapshotSeq: Int
    var snapshotAtSeq: Int?
    /// The kept summary and approved result as read (whole or brief); nil when not read.
    var snapshot: String?
    var result: String?
}

/// A reviewer's decision on one evidenced check of a sheet, and the unit's answer.
final class SheetCheck: Model, @unchecked Sendable {
    static let schema = "sheet_checks"

    @ID(key: .id) var id: UUID?
    @Field(key: "sheet_id") var sheetID: UUID
    @Field(key: "check_id") var checkID: String
    @OptionalField(key: "decision") var decision: String?
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "reviewer") var reviewer: String?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $sheetID, $checkID, $decision, $reason, $answer, $reviewer] }

    init() {}
}

/// Evidence for an evidenced check: a file (content-addressed), a link or a note.
final class Evidence: Model, @unchecked Sendable {
    static let schema = "evidence"

    @ID(key: .id) var id: UUID?
    @Field(key: "sheet_id") var sheetID: UUID
    @Field(key: "check_id") var checkID: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "content_hash") var contentHash: String?
    @OptionalField(key: "content_type") var contentType: String?
    @OptionalField(key: "size") var size: Int?
    @OptionalField(key: "url") var url: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $sheetID, $checkID, $kind, $name, $contentHash, $contentType, $size, $url, $note, $createdBy, $createdAt, $deletedAt
        ]
    }

    init() {}
}

/// A village's follow-up of one unmet check (整改清单).
final class Rectification: Model, @unchecked Sendable {
    static let schema = "rectifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "sheet_id") var sheetID: UUID
    @Field(key: "check_id") var checkID: String
    @Field(key: "responsible") var responsible: String
    @OptionalField(key: "deadline") var deadline: String?
    @Field(key: "follow_up") var followUp: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Closed: the day, who, and what shows it is fixed — a record ("kind/id") or evidence text.
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "closed_by") var closedBy: String?
    @OptionalField(key: "closed_record") var closedRecord: String?
    @OptionalField(key: "closed_evidence") var closedEvidence: String?
    /// Still open when the next year's cycle opened: the cycle it went on in (this row is
    /// then closed), and on the new row the cycle it came from.
    @OptionalField(key: "carried_to") var carriedTo: String?
    @OptionalField(key: "carried_from") var carriedFrom: String?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $sheetID, $checkID, $responsible, $deadline, $followUp, $updatedAt, $closedOn, $closedBy, $closedRecord, $closedEvidence,
            $carriedTo, $carriedFrom
        ]
    }

    init() {}

    var isClosed: Bool { closedOn != nil }
}

/// A supervision note (督办) on a rectification, by the township or the district.
final class RectificationNote: Model, @unchecked Sendable {
    static let schema = "rectification_notes"

    @ID(key: .id) var id: UUID?
    @Field(key: "rectification_id") var rectificationID: UUID
    @Field(key: "author") var author: String
    @Field(key: "unit_name") var unitName: String
    @Field(key: "text") var text: String
    @Field(key: "created_at") var createdAt: Date
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $rectificationID, $author, $unitName, $text, $createdAt] }

    init() {}
}

struct CreateAssessment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assessment_cycles")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("name", .string, .required)
            .field("year", .int64, .required)
            .field("standard", .string, .required)
            .field("as_of", .string, .required)
            .field("submit_by", .string, .required)
            .field("review_by", .string, .required)
            .field("pass_mark", .double, .required)
            .field("partial_credit", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "unit_id", "year")
            .create()
        try await database.schema("assessment_sheets")
            .id()
            .field("cycle_id", .uuid, .required, .references("assessment_cycles", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("level", .string, .required)
            .field("state", .string, .required)
            .field("score", .double)
            .field("result", .string)
            .field("submitted_on", .string)
            .field("approved_on", .string)
            .field("version", .int64, .required)
            .field("updated_at", .datetime)
            .unique(on: "cycle_id", "unit_id")
            .create()
        try await database.schema("sheet_checks")
            .id()
            .field("sheet_id", .uuid, .required, .references("assessment_sheets", "id", onDelete: .cascade))
            .field("check_id", .string, .required)
            .field("decision", .string)
            .field("reason", .string)
            .field("answer", .string)
            .field("reviewer", .string)
            .unique(on: "sheet_id", "check_id")
            .create()
        try await database.schema("evidence")
            .id()
            .field("sheet_id", .uuid, .required, .references("assessment_sheets", "id", onDelete: .cascade))
            .field("check_id", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("content_hash", .string)
            .field("content_type", .string)
            .field("size", .int64)
            .field("url", .string)
            .field("note", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await database.schema("rectifications")
            .id()
            .field("sheet_id", .uuid, .required, .references("assessment_sheets", "id", onDelete: .cascade))
            .field("check_id", .string, .required)
            .field("responsible", .string, .required)
            .field("deadline", .string)
            .field("follow_up", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "sheet_id", "check_id")
            .create()
        let sql = try Dialect.sql(database)
        try await sql.raw("CREATE INDEX idx_assessment_sheets_path ON assessment_sheets (cycle_id, unit_path)").run()
        try await sql.raw("CREATE INDEX idx_evidence_sheet ON evidence (sheet_id, check_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["rectifications", "evidence", "sheet_checks", "assessment_sheets", "assessment_cycles"] { try await database.schema(table).delete() }
    }
}
