import Fluent
import SQLKit

/// What a resident may read of a request (issue 18): staff's free text reaches the public
/// track page and Open311 only when staff mark it as the reply to the resident, and then
/// with identity and phone numbers masked. Requests before this have none.
struct AddServiceRequestPublicReply: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests").field("public_reply", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_requests").deleteField("public_reply").update()
    }
}

/// Failed sign-ins under names that are no account, counted as an account's are, so that
/// lockout answers alike for every name and tells nobody which names exist (issue 18).
/// Keyed by a hash of the lower-cased name: any text may be typed there.
struct CreateLoginThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_throttles")
            .field("name_hash", .string, .identifier(auto: false))
            .field("failures", .int64, .required)
            .field("locked_until", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
        try await MigrationSQL.of(database).raw("CREATE INDEX idx_login_throttles_updated ON login_throttles (updated_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_throttles").delete()
    }
}
