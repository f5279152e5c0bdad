import Fluent
import SQLKit

/// A village's request list is read a page at a time by (day received, id), newest first
/// (`StationController.page`): the figures index starts with (unit_id, received_on) but then
/// goes on by status, so the id order needs an index of its own.
struct AddServiceRequestListIndex: AsyncMigration {
    var name: String { "AddServiceRequestListIndex" }

    func prepare(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_service_requests_list ON service_requests (unit_id, received_on, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("DROP INDEX idx_service_requests_list").run()
    }
}
