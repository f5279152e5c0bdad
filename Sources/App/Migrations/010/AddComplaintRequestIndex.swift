import Fluent
import SQLKit

/// A request's page lists the complaints about it (`complaints.request_id`), which no index
/// covered: every view of a request read the whole complaints table (3.9 ms a view on
/// PostgreSQL at Beijing scale, the largest statement of the clerks' pages in the mixed peak).
struct AddComplaintRequestIndex: AsyncMigration {
    var name: String { "AddComplaintRequestIndex" }

    func prepare(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_complaints_request ON complaints (request_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("DROP INDEX idx_complaints_request").run()
    }
}
