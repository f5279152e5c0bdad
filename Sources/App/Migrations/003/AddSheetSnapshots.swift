import Fluent
import SQLKit

/// A village sheet's live summary kept between page views: the results as of
/// `snapshot_as_of`, dropped by any write that could change them (`snapshot_seq` counts
/// those writes, so a summary computed while one happened is not kept).
struct AddSheetSnapshots: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await database.schema("assessment_sheets").field("snapshot", .string).update()
        try await database.schema("assessment_sheets").field("snapshot_as_of", .string).update()
        try await database.schema("assessment_sheets").field("snapshot_seq", .int64, .required, .sql(.default(0))).update()
        // Every ledger event and audited village write drops its village's summaries by unit.
        try await MigrationSQL.of(database).raw("CREATE INDEX assessment_sheets_unit ON assessment_sheets (unit_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("DROP INDEX assessment_sheets_unit").run()
        try await database.schema("assessment_sheets").deleteField("snapshot_seq").update()
        try await database.schema("assessment_sheets").deleteField("snapshot_as_of").update()
        try await database.schema("assessment_sheets").deleteField("snapshot").update()
    }
}

/// Long work run in the background with its progress in the database, so any app server
/// can show it (exports, cycle-wide recomputation).
struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references("units", "id", onDelete: .cascade))
            .field("cycle_id", .uuid)
            .field("parameter", .string)
            .field("state", .string, .required)
            .field("done", .int64, .required)
            .field("total", .int64, .required)
            .field("phase", .string)
            .field("error", .string)
            .field("result_hash", .string)
            .field("result_name", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
