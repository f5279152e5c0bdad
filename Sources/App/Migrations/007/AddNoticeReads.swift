import Fluent

/// Which inbox notices each user has read (see `InboxController`).
struct AddNoticeReads: AsyncMigration {
    var name: String { "AddNoticeReads" }

    func prepare(on database: any Database) async throws {
        try await database.schema("notice_reads")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("notice", .string, .required)
            .field("read_at", .datetime, .required)
            .unique(on: "user_id", "notice")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notice_reads").delete()
    }
}
