import Fluent
import StandardKit
import Vapor

/// One choice of a choice field: the stored word and its label in each language.
struct Choice: Sendable {
    var value: String
    let text: Bilingual
    var label: String { text.text }

    /// `label` is built in each language once (kinds are static and shared, so nothing
    /// may be fixed in the language of whichever request touched them first).
    init(value: String, label: @autoclosure () -> String) {
        self.value = value
        self.text = Bilingual { Terms.translate(label()) }
    }

    /// The choices of a StandardKit vocabulary, with its labels.
    static func from<V: Vocabulary>(_: V.Type, except excluded: Set<String> = []) -> [Choice] {
        V.allCases.filter { !excluded.contains($0.rawValue) }.map { Choice(value: $0.rawValue, label: $0.label) }
    }
}

/// Personal data that is masked unless the viewer's role may see it (and then audited).
enum PersonalKind: Sendable {
    case idCard, phone

    func mask(_ value: String) -> String {
        let characters = Array(value)
        switch self {
        case .idCard:
            guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        case .phone:
            guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        }
    }
}

/// The type of one field of a record kind: how it is stored, shown, typed and checked.
enum FieldType: Sendable {
    case text(max: Int)
    case longText
    case date
    case integer(ClosedRange<Int>)
    /// A number with two decimals (hours), stored exactly in hundredths.
    case hundredths(max: Int)
    /// Yuan with two decimals, stored exactly in fen.
    case money
    case flag
    case choice([Choice])
    /// Several choices, stored comma-separated.
    case choices([Choice])
    /// Another record of the same village (by id).
    case reference(String)
    /// Several records of the same village (ids, stored comma-separated).
    case references(String)
    case personal(PersonalKind)
}

/// What a kind's own check sees: the owning unit, the record being changed (nil when
/// new) and the database. It adds field errors to `parsed`.
struct RecordCheckContext {
    var kind: RecordKind
    var owner: OrgUnit
    var recordID: UUID?
    /// Today in Beijing, from the application's clock.
    var today: LocalDate
    var db: any Database
}

typealias RecordCheck = @Sendable (inout RecordInput.Parsed, RecordCheckContext) async throws -> Void

struct FieldSpec: Sendable {
    let key: String
    /// The database column: the key in snake_case, worked out once (rows are decoded by it,
    /// and converting per row was a tenth of an intake's time).
    let column: String
    /// The label in each language (written in Chinese, English from `Terms`).
    let text: Bilingual
    var label: String { text.text }
    var type: FieldType
    var required: Bool
    /// Shown as a column in the list.
    var listed: Bool

    /// A field's column is made by a migration that writes it out (`Migrations/NNN`); adding
    /// a field means adding that migration too (docs/architecture.md).
    /// A field of a kind, named by a case of the kind's `Field` enum.
    init<F: RecordField>(_ field: F, label: @autoclosure () -> String, type: FieldType, required: Bool = false, listed: Bool = false) {
        self.init(key: field.rawValue, label: label(), type: type, required: required, listed: listed)
    }

    init(key: String, label: @autoclosure () -> String, type: FieldType, required: Bool = false, listed: Bool = false) {
        self.key = key
        self.column = key.reduce(into: "") { out, character in
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        self.text = Bilingual { Terms.translate(label()) }
        self.type = type
        self.required = required
        self.listed = listed
    }
}

/// A kind of village record: its table, labels and fields. Pages, the JSON API, its
/// OpenAPI schema, exports and the facts for the engine all come from this one description.
struct RecordKind: Sendable {
    var key: String
    var table: String
    /// The kind's name and the items of the standard it serves, in each language.
    let labelText: Bilingual
    let itemsText: Bilingual
    var label: String { labelText.text }
    var items: String { itemsText.text }
    var fields: [FieldSpec]
    /// The field holding the record's date, used for the year filter and sorting.
    var dateField: String?
    /// The field that names a record in lists and references.
    var titleField: String
    /// The unit level whose records these are (most kinds belong to a village).
    var level: UnitKind
    /// What changing these records needs.
    var editPermission: Permission
    /// Checks across fields or records that the field types cannot express.
    var check: RecordCheck?

    init(key: String, table: String, label: @autoclosure () -> String, items: String, fields: [FieldSpec], dateField: String?, titleField: String,
         level: UnitKind = .village, editPermission: Permission = .editRecords, check: RecordCheck? = nil) {
        self.key = key
        self.table = table
        self.labelText = Bilingual { Terms.translate(label()) }
        self.itemsText = Bilingual { Terms.translate(items) }
        self.fields = fields
        self.dateField = dateField
        self.titleField = titleField
        self.level = level
        self.editPermission = editPermission
        self.check = check
    }

    func field(_ key: String) -> FieldSpec? { fields.first { $0.key == key } }
    var hasPersonalData: Bool { fields.contains { if case .personal = $0.type { return true }; return false } }
}

extension RecordKind {
    /// Every kind's typed view, in the order the village's records page lists them: the
    /// village's working records (items 1–24, 31–62), then the service station's catalogue,
    /// posts and absences and the township's departments (items 25–30). A kind lives in one
    /// file under Records/Kinds or Station/Kinds (docs/architecture.md, "Adding a record kind").
    static let types: [any KindRecord.Type] = [
        OrganizationRecord.self, MeetingRecord.self, DisclosureRecord.self, SocialOrganizationRecord.self, ResidentUnitRecord.self,
        ContributionRecord.self, VolunteerTeamRecord.self, VolunteerRecord.self, VolunteerActivityRecord.self, VolunteerHoursRecord.self,
        WorkerRecord.self, WorkerRoleRecord.self, TrainingRecord.self, FacilityRecord.self, MaintenanceLogRecord.self,
        InfrastructureRecord.self, BudgetLineRecord.self, DisbursementRecord.self, ActivityRecord.self, ArtTeamRecord.self,
        DepartmentRecord.self, PostRecord.self, AbsenceRecord.self, ServiceRecord.self,
    ]
    static let all: [RecordKind] = types.map { $0.kind }

    /// The years a record's dates may fall in: founding dates reach back, plans forward.
    static let dateYears = 1900...2100
    /// The largest amount one record may state (100 billion yuan): a village's sums of
    /// them, in fen, stay far inside `Int`.
    static let maxMoneyYuan = 100_000_000_000

    static func named(_ key: String) -> RecordKind? { all.first { $0.key == key } }
}

/// The names of one kind's fields: a misspelt field does not compile.
protocol RecordField: RawRepresentable<String>, CaseIterable, Sendable {}

/// The typed view of one kind's records. Its file holds the kind's fields and labels
/// (`kind`), the checks across them, accessors for the fields code reads, and what the
/// kind feeds into the engine's facts.
protocol KindRecord: Sendable {
    associatedtype Field: RecordField
    /// The kind's key: its name in URLs, the API and references from other kinds.
    static var key: String { get }
    static var kind: RecordKind { get }
    var record: Record { get }
    init(record: Record)
    /// Adds what this kind's records say to a village's facts (docs/facts.md names each
    /// field); most kinds feed one part, reading the kinds they refer to through `records`.
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords)
}

extension KindRecord {
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {}

    /// The field names in the order the kind declares them.
    static var fieldNames: [String] { Field.allCases.map(\.rawValue) }
    var id: UUID { record.id }
    /// The record's id as other records refer to it.
    var reference: String { record.id.uuidString }

    subscript(text field: Field) -> String? { record.text(field.rawValue) }
    subscript(number field: Field) -> Int? { record.number(field.rawValue) }
    subscript(flag field: Field) -> Bool { record.flag(field.rawValue) }
    subscript(date field: Field) -> LocalDate? { record.date(field.rawValue) }
    /// A choices or references field's stored words.
    subscript(words field: Field) -> [String] { record.words(field.rawValue) }
    /// A choice field's value, when it is one of `V`'s words.
    subscript<V: RawRepresentable<String>>(choice field: Field) -> V? { record.text(field.rawValue).flatMap(V.init(rawValue:)) }
    /// A choices field's values that are `V`'s words.
    subscript<V: RawRepresentable<String>>(choices field: Field) -> [V] { record.words(field.rawValue).compactMap(V.init(rawValue:)) }
}

/// A village's records as the facts feeds read them, by typed kind.
struct VillageRecords {
    /// The year whose facts are built.
    let year: Int
    /// The village's live records of a kind (a township's kinds: its township's).
    let list: (RecordKind) -> [Record]

    func of<K: KindRecord>(_: K.Type) -> [K] { list(K.kind).map(K.init(record:)) }
    /// The references of the kind's live records (to count only references that still resolve).
    func references<K: KindRecord>(of _: K.Type) -> Set<String> { Set(list(K.kind).map(\.id.uuidString)) }
    func inYear(_ date: LocalDate?) -> Bool { date?.year == year }
}

extension RecordInput.Parsed {
    /// The parsed text of one of a kind's fields.
    subscript<F: RecordField>(text field: F) -> String? { values[field.rawValue]?.text }
    subscript<F: RecordField>(number field: F) -> Int? { values[field.rawValue]?.number }
}

extension RecordKind {
    /// The unit that owns records of `target` as seen from `owner`: the owner itself, or
    /// its township when a village's record refers to a township's (a post's department).
    static func ownerID(of target: RecordKind, from owner: OrgUnit) -> UUID? {
        if target.level == owner.kind { return owner.id }
        if target.level == .township, owner.kind == .village { return owner.$parent.id }
        return nil
    }

    /// Adds an error when another live record of the owner has the same value in `field`.
    static func uniqueText<F: RecordField>(_ field: F, in kind: RecordKind, parsed: inout RecordInput.Parsed, context: RecordCheckContext,
                                           message: String) async throws {
        guard let value = parsed[text: field] else { return }
        let others = try await RecordStore.list(kind, village: context.owner.requireID(), on: context.db)
        if others.contains(where: { $0.id != context.recordID && $0.text(field.rawValue) == value }) {
            parsed.errors.append(FieldError(field: field.rawValue, message: message))
        }
    }
}
