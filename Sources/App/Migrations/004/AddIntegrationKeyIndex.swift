import Fluent
import SQLKit

/// Integration keys by station: a village's facts and its integration page look its keys
/// up by unit. Without the index each lookup read every key in the city (3,930 of them at
/// Beijing scale: 3 ms of a village's 25 ms evaluation).
struct AddIntegrationKeyIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_integration_keys_unit ON integration_keys (unit_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("DROP INDEX idx_integration_keys_unit").run()
    }
}
