import Fluent
import SQLKit

/// A record kind's table as it was shipped: its columns written out here, so that editing a
/// kind (`RecordKind`) can never change what this migration made on a database that ran it.
/// The name is the one existing databases recorded (`CreateRecordTable_<table>`).
struct FrozenRecordTable: AsyncMigration {
    let table: String
    let columns: [(name: String, type: DatabaseSchema.DataType)]
    var name: String { "CreateRecordTable_\(table)" }

    func prepare(on database: any Database) async throws {
        var builder = database.schema(table)
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
        for column in columns { builder = builder.field(FieldKey(stringLiteral: column.name), column.type) }
        try await builder.create()
        let sql = try MigrationSQL.of(database)
        try await sql.raw("CREATE INDEX idx_\(unsafeRaw: table)_unit ON \(unsafeRaw: table) (unit_id)").run()
        try await sql.raw("CREATE INDEX idx_\(unsafeRaw: table)_path ON \(unsafeRaw: table) (unit_path)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(table).delete()
    }
}

/// The village records of the first release (items 1–24 and 33–62).
let firstRecordTables: [FrozenRecordTable] = [
    FrozenRecordTable(table: "rec_organizations", columns: [
        ("kind", .string), ("name", .string), ("established_on", .string), ("term_start", .string),
        ("term_end", .string), ("members", .string), ("branches", .int64), ("member_resident_units", .string),
        ("member_social_organizations", .string), ("note", .string),
    ]),
    FrozenRecordTable(table: "rec_meetings", columns: [
        ("kind", .string), ("date", .string), ("title", .string), ("attendance", .int64), ("attendees", .string),
        ("agenda", .string), ("major_decisions", .string), ("decisions", .string), ("minutes", .string),
    ]),
    FrozenRecordTable(table: "rec_disclosures", columns: [
        ("category", .string), ("title", .string), ("period_from", .string), ("period_to", .string),
        ("published_on", .string), ("channel", .string), ("content", .string),
    ]),
    FrozenRecordTable(table: "rec_social_organizations", columns: [
        ("name", .string), ("type", .string), ("status", .string), ("registration_number", .string),
        ("registered_on", .string), ("dissolved_on", .string), ("contact_name", .string), ("contact_phone", .string),
        ("members", .int64), ("rating", .string), ("evaluated_on", .string), ("reviewer", .string),
        ("activities", .string),
    ]),
    FrozenRecordTable(table: "rec_resident_units", columns: [
        ("name", .string), ("unit_type", .string), ("agreements", .string), ("agreement_from", .string),
        ("agreement_to", .string), ("contact", .string),
    ]),
    FrozenRecordTable(table: "rec_contributions", columns: [
        ("resident_unit", .string), ("date", .string), ("kind", .string), ("amount", .int64), ("hours", .int64),
        ("description", .string),
    ]),
    FrozenRecordTable(table: "rec_volunteer_teams", columns: [
        ("name", .string), ("brand", .string), ("leader", .string), ("founded_on", .string),
    ]),
    FrozenRecordTable(table: "rec_volunteers", columns: [
        ("name", .string), ("id_number", .string), ("phone", .string), ("registration96156", .string),
        ("team", .string), ("skills", .string), ("five_elders", .bool), ("trained", .bool), ("registered_on", .string),
    ]),
    FrozenRecordTable(table: "rec_volunteer_activities", columns: [
        ("date", .string), ("title", .string), ("team", .string), ("categories", .string), ("target_groups", .string),
        ("participants", .int64), ("note", .string),
    ]),
    FrozenRecordTable(table: "rec_volunteer_hours", columns: [
        ("activity", .string), ("volunteer", .string), ("hours", .int64),
    ]),
    FrozenRecordTable(table: "rec_workers", columns: [
        ("name", .string), ("id_number", .string), ("phone", .string), ("qualification", .string),
        ("certificate_number", .string), ("certificate_level", .string), ("certified_on", .string),
        ("last_evaluated_on", .string), ("evaluation_result", .string), ("pay_in_place", .bool), ("pay_note", .string),
        ("under_station_management", .bool),
    ]),
    FrozenRecordTable(table: "rec_worker_roles", columns: [
        ("worker", .string), ("role", .string), ("from", .string), ("to", .string),
    ]),
    FrozenRecordTable(table: "rec_trainings", columns: [
        ("date", .string), ("topic", .string), ("hours", .int64), ("organizer", .string), ("attendees", .string),
    ]),
    FrozenRecordTable(table: "rec_facilities", columns: [
        ("type", .string), ("name", .string), ("floor_area", .int64), ("condition", .string),
        ("inspected_on", .string), ("next_maintenance_on", .string), ("maintenance_person", .string),
        ("maintenance_funds", .int64), ("note", .string),
    ]),
    FrozenRecordTable(table: "rec_maintenance_logs", columns: [
        ("facility", .string), ("date", .string), ("work", .string), ("cost", .int64), ("person", .string),
    ]),
    FrozenRecordTable(table: "rec_infrastructure", columns: [
        ("kind", .string), ("name", .string), ("status", .string), ("completed_on", .string),
        ("upkeep_arranged", .bool), ("upkeep_arrangement", .string),
    ]),
    FrozenRecordTable(table: "rec_budget_lines", columns: [
        ("kind", .string), ("title", .string), ("planned", .int64), ("planned_on", .string),
    ]),
    FrozenRecordTable(table: "rec_disbursements", columns: [
        ("budget_line", .string), ("amount", .int64), ("date", .string), ("disclosure", .string),
    ]),
    FrozenRecordTable(table: "rec_activities", columns: [
        ("kind", .string), ("date", .string), ("title", .string), ("organizer", .string), ("participants", .int64),
        ("note", .string),
    ]),
    FrozenRecordTable(table: "rec_art_teams", columns: [
        ("name", .string), ("leader", .string), ("members", .string), ("founded_on", .string),
    ]),
]
