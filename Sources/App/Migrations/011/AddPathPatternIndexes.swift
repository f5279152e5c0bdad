import Fluent
import SQLKit

/// "Everything below a unit" is `path LIKE '/…/%'` on PostgreSQL (`Dialect.pathBelow`). A
/// plain index answers a LIKE prefix only in the C collation; in any other (C.UTF-8 included)
/// PostgreSQL scanned the whole units table for each one, so one village's evaluation grew with
/// the number of villages (19.6 → 37.4 ms from 1 × to 4 × Beijing). `text_pattern_ops` indexes
/// answer the prefix whatever the database's collation. SQLite compares ranges on the path
/// (its existing indexes serve them): nothing to do there.
struct AddPathPatternIndexes: AsyncMigration {
    var name: String { "AddPathPatternIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("CREATE INDEX idx_units_path_pattern ON units (path text_pattern_ops)").run()
        try await sql.raw("CREATE INDEX idx_assessment_sheets_path_pattern ON assessment_sheets (unit_path text_pattern_ops)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("DROP INDEX idx_assessment_sheets_path_pattern").run()
        try await sql.raw("DROP INDEX idx_units_path_pattern").run()
    }
}
