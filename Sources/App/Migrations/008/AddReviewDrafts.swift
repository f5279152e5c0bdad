import Fluent
import SQLKit

/// A reviewer's decisions as they are typed, kept on the server until they are saved
/// (`ReviewDrafts`); also the decisions of a session that timed out, kept under a token
/// until their reviewer signs in again.
struct AddReviewDrafts: AsyncMigration {
    var name: String { "AddReviewDrafts" }

    func prepare(on database: any Database) async throws {
        try await database.schema("review_drafts")
            .id()
            .field("sheet_id", .uuid, .required, .references("assessment_sheets", "id", onDelete: .cascade))
            .field("owner", .string, .required)
            .field("body", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "sheet_id", "owner")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("review_drafts").delete()
    }
}

/// The reviewer's reason for sending a whole sheet back, who sent it and when: the
/// village reads it on its returned sheet and in its inbox.
struct AddSheetReturnNote: AsyncMigration {
    var name: String { "AddSheetReturnNote" }

    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        for field in ["returned_note", "returned_by", "returned_on"] {
            try await database.schema("assessment_sheets").field(.string(field), .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for field in ["returned_on", "returned_by", "returned_note"] {
            try await database.schema("assessment_sheets").deleteField(.string(field)).update()
        }
    }
}
