import Fluent

/// A kept summary's explanations (`snapshot_explanations`), in the language they were written
/// in, beside the summary and kept by the same statement: an export, which shows every check's
/// explanation, reads them for the villages that did not change instead of evaluating the
/// whole district again. A column of its own, never in the model: the dashboards, which read
/// every kept summary below them, do not carry the text.
struct AddSnapshotExplanations: AsyncMigration {
    var name: String { "AddSnapshotExplanations" }

    func prepare(on database: any Database) async throws {
        try await database.schema("assessment_sheets").field("snapshot_explanations", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessment_sheets").deleteField("snapshot_explanations").update()
    }
}
