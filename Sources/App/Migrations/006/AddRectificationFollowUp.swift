import Fluent

/// A rectification's closing (when, by whom, with the record that fixed it or the
/// evidence), the year it was carried from, and the supervision notes (督办) of the
/// township and district.
struct AddRectificationFollowUp: AsyncMigration {
    var name: String { "AddRectificationFollowUp" }

    func prepare(on database: any Database) async throws {
        for field in ["closed_on", "closed_by", "closed_record", "closed_evidence", "carried_to"] {
            try await database.schema("rectifications").field(.string(field), .string).update()
        }
        try await database.schema("rectifications").field("carried_from", .string).update()
        try await database.schema("rectification_notes")
            .id()
            .field("rectification_id", .uuid, .required, .references("rectifications", "id", onDelete: .cascade))
            .field("author", .string, .required)
            .field("unit_name", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_rectification_notes_rectification ON rectification_notes (rectification_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rectification_notes").delete()
        for field in ["carried_from", "carried_to", "closed_evidence", "closed_record", "closed_by", "closed_on"] {
            try await database.schema("rectifications").deleteField(.string(field)).update()
        }
    }
}
