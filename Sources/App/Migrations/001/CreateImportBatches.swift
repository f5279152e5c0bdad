import Fluent

/// Parsed imports waiting for confirmation, kept in the database so any instance can
/// finish what another previewed.
struct CreateImportBatches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ImportBatch.schema)
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("payload", .string, .required)
            .field("row_count", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ImportBatch.schema).delete()
    }
}

