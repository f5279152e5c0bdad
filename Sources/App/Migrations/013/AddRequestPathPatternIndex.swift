import Fluent
import SQLKit

/// The overdue requests below a township or district (`unit_path LIKE '/…/%'` with open statuses
/// and a past due date: every township's and district's page counts them) had no index that
/// answers the path's prefix outside the C collation (`AddPathPatternIndexes`): PostgreSQL read
/// the whole city's open, overdue requests and filtered them by path, 6–9 ms for each township
/// page at Beijing scale (4.8 million requests, 2,800 of them overdue), most of the page. This
/// index answers the prefix, then the status and the due date inside it. SQLite compares ranges on
/// the path (`idx_service_requests_open` serves them): nothing to do there.
struct AddRequestPathPatternIndex: AsyncMigration {
    var name: String { "AddRequestPathPatternIndex" }

    func prepare(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("CREATE INDEX idx_service_requests_path_pattern ON service_requests (unit_path text_pattern_ops, status, due_on)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("DROP INDEX idx_service_requests_path_pattern").run()
    }
}
