import Fluent

/// A kept summary remembers the count of drops it was computed at (`snapshot_at_seq`), so a
/// write marks it stale without throwing it away: a dashboard over many changed villages can
/// show the last summaries at once while they are computed again in the background
/// (`DashboardController.refresh`), instead of making its reader wait for a district's re-evaluation.
struct AddSnapshotAtSeq: AsyncMigration {
    var name: String { "AddSnapshotAtSeq" }

    func prepare(on database: any Database) async throws {
        try await database.schema("assessment_sheets").field("snapshot_at_seq", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessment_sheets").deleteField("snapshot_at_seq").update()
    }
}
