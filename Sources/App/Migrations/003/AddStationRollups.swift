import Fluent
import Foundation
import Ledger
import SQLKit

/// Rollups that let a whole district's ledger figures come from one pass over its requests
/// instead of every ledger event: each request counts its own ledger events, and each
/// station keeps the point up to which its chain was last verified.
struct AddStationRollups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests").field("history_count", .int64, .required, .sql(.default(0))).update()
        try await database.schema("service_requests").field("history_first", .string).update()
        try await database.schema("service_requests").field("history_status", .string).update()
        try await database.schema("ledger_checkpoints")
            .field("unit_id", .uuid, .identifier(auto: false), .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("intact", .bool, .required)
            .field("broken_seq", .int64)
            .field("verified_at", .datetime, .required)
            .create()
        let sql = try MigrationSQL.of(database)
        // The year's figures of a district's villages read only this index (no table rows);
        // it starts with (unit_id, received_on), so it also serves what the old index did.
        try await sql.raw("""
            CREATE INDEX idx_service_requests_figures ON service_requests
            (unit_id, received_on, status, first_owner_name, due_on, completed_on, version, history_count, history_first, history_status)
            """).run()
        try await sql.raw("DROP INDEX idx_service_requests_unit").run()
        // "Everything below a unit" as a range on the path (SQLite; see Dialect.pathBelow).
        try await sql.raw("CREATE INDEX idx_units_path ON units (path)").run()
        // The ledger's pages list a period's events, newest first.
        try await sql.raw("CREATE INDEX idx_ledger_events_time ON ledger_events (unit_id, occurred_at)").run()
        // Requests recorded before the rollups existed: count their events once.
        var history: [String: (count: Int, first: String, status: String?)] = [:]
        for row in try await sql.select().column("subject_id").column("action").column("payload").from("ledger_events")
            .where("subject_type", .equal, SQLBind("request")).orderBy("unit_id").orderBy("seq").all() {
            let subject = try row.decode(column: "subject_id", as: String.self)
            let status = LedgerStore.status(inPayload: try row.decode(column: "payload", as: String.self))
            let action = try row.decode(column: "action", as: String.self)
            let previous = history[subject]
            history[subject] = ((previous?.count ?? 0) + 1, previous?.first ?? action, status ?? previous?.status)
        }
        for (subject, h) in history {
            guard let id = UUID(uuidString: subject) else { continue }
            try await sql.update("service_requests").set("history_count", to: SQLBind(h.count)).set("history_first", to: SQLBind(h.first))
                .set("history_status", to: SQLBind(h.status)).where("id", .equal, SQLBind(id)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        try await sql.raw("DROP INDEX idx_ledger_events_time").run()
        try await sql.raw("DROP INDEX idx_units_path").run()
        try await sql.raw("CREATE INDEX idx_service_requests_unit ON service_requests (unit_id, received_on)").run()
        try await sql.raw("DROP INDEX idx_service_requests_figures").run()
        try await database.schema("ledger_checkpoints").delete()
        try await database.schema("service_requests").deleteField("history_status").update()
        try await database.schema("service_requests").deleteField("history_first").update()
        try await database.schema("service_requests").deleteField("history_count").update()
    }
}
