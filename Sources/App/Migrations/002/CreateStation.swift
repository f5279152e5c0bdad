import Fluent
import SQLKit
import WorkCalendar

/// Residents' service requests at a village's service station (items 27, 28).
struct CreateServiceRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("tracking_code", .string, .required)
            .field("service_id", .string, .required)
            .field("service_code", .string, .required)
            .field("service_name", .string, .required)
            .field("service_mode", .string, .required)
            .field("time_limit", .int64, .required)
            .field("post_id", .string)
            .field("channel", .string, .required)
            .field("external_id", .string)
            .field("resident_name", .string, .required)
            .field("resident_phone", .string, .required)
            .field("content", .string, .required)
            .field("materials", .string, .required)
            .field("status", .string, .required)
            .field("first_owner_id", .uuid)
            .field("first_owner_name", .string)
            .field("received_at", .datetime, .required)
            .field("received_on", .string, .required)
            .field("promised_on", .string)
            .field("clock_start", .string)
            .field("due_on", .string)
            .field("remaining_days", .int64)
            .field("completed_on", .string)
            .field("result", .string)
            .field("department_id", .string)
            .field("department_name", .string)
            .field("department_answer", .string)
            .field("missing_materials", .string)
            .field("refused_reason", .string)
            .field("extensions", .int64, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tracking_code")
            .unique(on: "unit_id", "external_id")
            .create()
        let sql = try MigrationSQL.of(database)
        try await sql.raw("CREATE INDEX idx_service_requests_path ON service_requests (unit_path, status)").run()
        try await sql.raw("CREATE INDEX idx_service_requests_unit ON service_requests (unit_id, received_on)").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("service_requests").delete() }
}

/// Complaints against a request or a staff member (item 27's 投诉处理, item 25).
struct CreateComplaints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaints")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("request_id", .uuid)
            .field("worker_id", .string)
            .field("worker_name", .string)
            .field("complainant_name", .string, .required)
            .field("complainant_phone", .string, .required)
            .field("content", .string, .required)
            .field("received_on", .string, .required)
            .field("status", .string, .required)
            .field("result", .string)
            .field("resolved_on", .string)
            .field("satisfaction", .string)
            .field("version", .int64, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_complaints_unit ON complaints (unit_id, received_on)").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("complaints").delete() }
}

/// Each station's ledger: one hash chain of events per village, numbered from 1.
struct CreateLedgerEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("ledger_events")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("seq", .int64, .required)
            .field("subject_type", .string, .required)
            .field("subject_id", .string, .required)
            .field("action", .string, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("occurred_at", .int64, .required)
            .field("payload", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "unit_id", "seq")
            .create()
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_ledger_events_subject ON ledger_events (subject_id)").run()
    }

    func revert(on database: any Database) async throws { try await database.schema("ledger_events").delete() }
}

/// Per-station credentials: the 96156 platform's signing secret and Open311 api keys.
struct CreateIntegrationKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("integration_keys")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("secret", .string, .required)
            .field("hint", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema("integration_keys").delete() }
}

/// The working-day calendar, seeded with the shipped years (2025, 2026).
struct CreateCalendar: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_years")
            .id()
            .field("year", .int64, .required)
            .field("source", .string, .required)
            .unique(on: "year")
            .create()
        try await database.schema("calendar_days")
            .id()
            .field("year", .int64, .required)
            .field("date", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .unique(on: "date")
            .create()
        for year in WorkCalendar.shippedYears() { try await CalendarStore.replace(year, on: database) }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_days").delete()
        try await database.schema("calendar_years").delete()
    }
}

/// Counters and challenges that protect the public request form; in the database so
/// several app servers share them.
struct CreatePublicGuards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("public_challenges")
            .id()
            .field("answer", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used", .bool, .required)
            .create()
        try await database.schema("rate_counters")
            .id()
            .field("bucket", .string, .required)
            .field("window", .int64, .required)
            .field("count", .int64, .required)
            .unique(on: "bucket", "window")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_counters").delete()
        try await database.schema("public_challenges").delete()
    }
}
