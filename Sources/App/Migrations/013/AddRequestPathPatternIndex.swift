import Fluent
import SQLKit

/// The overdue requests below a township or district (`unit_path LIKE '/…/%'` with open statuses
/// and a past due date: every township's and district's page counts them) were found through
/// `idx_service_requests_open` (status, unit_path, due_on), whose path answers a LIKE prefix
/// only in the C collation (`AddPathPatternIndexes`): in any other (C.UTF-8 included)
/// PostgreSQL read the whole city's open, overdue requests and filtered them by path, 6–9 ms for
/// each township page at Beijing scale (4.8 million requests), most of the page. This index
/// answers each open status, then the path's prefix, then the due date: 0.27 ms for a township.
/// It answers everything the old one did on PostgreSQL (which never compares paths but by
/// prefix), so the old one is dropped there: one index less to write at every intake. SQLite
/// compares ranges on the path and keeps `idx_service_requests_open`.
struct AddRequestPathPatternIndex: AsyncMigration {
    var name: String { "AddRequestPathPatternIndex" }

    func prepare(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("CREATE INDEX idx_service_requests_path_pattern ON service_requests (status, unit_path text_pattern_ops, due_on)").run()
        try await sql.raw("DROP INDEX idx_service_requests_open").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        guard !Dialect.isSQLite(sql) else { return }
        try await sql.raw("CREATE INDEX idx_service_requests_open ON service_requests (status, unit_path, due_on)").run()
        try await sql.raw("DROP INDEX idx_service_requests_path_pattern").run()
    }
}
