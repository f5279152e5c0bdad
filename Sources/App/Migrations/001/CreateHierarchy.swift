import Fluent
import SQLKit

struct CreateUnits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrgUnit.schema)
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("code", .string)
            .field("parent_id", .uuid, .references(OrgUnit.schema, "id"))
            .field("parent_key", .string, .required)
            .field("path", .string, .required)
            .field("opened_on", .string)
            .field("closed_on", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "parent_key", "name", name: "uq_units_parent_name")
            .unique(on: "code", name: "uq_units_code")
            .unique(on: "path", name: "uq_units_path")
            .create()
        try await (database as? any SQLDatabase)?.raw("CREATE INDEX idx_units_parent ON units (parent_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OrgUnit.schema).delete()
    }
}

struct CreateVillageProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(VillageProfile.schema)
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("households", .int, .required)
            .field("resident_population", .int, .required)
            .field("registered_population", .int, .required)
            .field("area", .double, .required)
            .field("address", .string, .required)
            .field("station_floor_area", .double, .required)
            .field("opening_hours", .string, .required)
            .field("hotline", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "unit_id", name: "uq_village_profiles_unit")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(VillageProfile.schema).delete()
    }
}

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("disabled", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "username", name: "uq_users_username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}

struct CreateRoleAssignments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RoleAssignment.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("unit_id", .uuid, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .unique(on: "user_id", "role", "unit_path", name: "uq_role_assignments")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RoleAssignment.schema).delete()
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash", name: "uq_sessions_token")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserSession.schema).delete()
    }
}

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("at", .datetime, .required)
            .field("user_id", .uuid)
            .field("username", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string)
            .field("unit_path", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .create()
        try await (database as? any SQLDatabase)?.raw("CREATE INDEX idx_audit_events_at ON audit_events (at)").run()
        try await (database as? any SQLDatabase)?.raw("CREATE INDEX idx_audit_events_unit ON audit_events (unit_path)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
