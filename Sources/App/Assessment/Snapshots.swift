import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The live summaries of village sheets kept between views, so a dashboard over hundreds
/// of villages evaluates only those whose records changed. Every write that can change a
/// village's results marks the kept summary stale in the same transaction: audited writes
/// (via `Audit`) and ledger events (service requests, complaints). `snapshot_seq` counts
/// the drops and `snapshot_at_seq` is the count a summary was computed at: it is current
/// while they are equal; a summary computed while a drop happened is not kept, so no stale
/// result passes for a current one. Results also depend on the date (`snapshot_as_of`), so
/// a new day makes every summary stale. A stale summary stays in place: a dashboard over
/// many stale villages shows them at once, marked, and has them computed again in the
/// background (`DashboardController.refresh`).
enum Snapshots {
    /// Audited actions that cannot change any village's results.
    private static let neutralObjects: Set<String> = ["user"]
    private static let neutralActions: Set<String> = ["login", "logout", "loginFailed", "locked", "revealPersonalData", "updateRectification", "closeRectification", "superviseRectification"]

    static func affects(objectType: String, action: String) -> Bool {
        !neutralObjects.contains(objectType) && !neutralActions.contains(action)
    }

    /// Drops the kept summaries of the village at `path`, or of every village below a
    /// township, district or the root ("/").
    static func invalidate(path: String, on db: any Database) async throws {
        try await invalidate(paths: [path], on: db)
    }

    /// Drops the kept summaries of several units at once: the villages among them in one
    /// statement, each township or district (all its villages) in one more.
    static func invalidate(paths: [String], on db: any Database) async throws {
        let sql = try Dialect.sql(db)
        var villages: [UUID] = []
        for path in Set(paths) {
            let ids = path.split(separator: "/")
            if ids.count >= 3, let village = UUID(uuidString: String(ids[ids.count - 1])) {
                villages.append(village)
            } else {
                try await sql.raw("""
                    UPDATE assessment_sheets SET snapshot_seq = snapshot_seq + 1
                    WHERE level = 'village' AND unit_path LIKE \(bind: path + "%")
                    """).run()
            }
        }
        guard !villages.isEmpty else { return }
        try await sql.raw(invalidation(villages: villages)).run()
    }

    /// The statement that drops the kept summaries of `villages` (not empty).
    static func invalidation(villages: [UUID]) -> SQLQueryString {
        "UPDATE assessment_sheets SET snapshot_seq = snapshot_seq + 1 WHERE unit_id IN (\(binds: villages))"
    }

    /// Keeps freshly computed summaries, each only if no write dropped it meanwhile.
    static func keep(_ fresh: [(sheet: AssessmentSheet, summary: SheetSummary)], asOf: String, on db: any Database) async throws {
        guard !fresh.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try fresh.map { (id: try $0.sheet.requireID(), seq: $0.sheet.snapshotSeq, text: String(decoding: try encoder.encode($0.summary), as: UTF8.self)) }
        try await db.transaction { db in
            let sql = try Dialect.sql(db)
            for row in rows {
                try await sql.raw("""
                    UPDATE assessment_sheets SET snapshot = \(bind: row.text), snapshot_as_of = \(bind: asOf), snapshot_at_seq = \(bind: row.seq)
                    WHERE id = \(bind: row.id) AND snapshot_seq = \(bind: row.seq) AND state <> 'approved'
                    """).run()
            }
        }
    }
}

/// The background refreshes running in this process, by cycle and unit.
final class SnapshotRefreshes: Sendable {
    private let running = NIOLockedValueBox(Set<String>())
    func begin(_ key: String) -> Bool { running.withLockedValue { $0.insert(key).inserted } }
    func end(_ key: String) { _ = running.withLockedValue { $0.remove(key) } }
    var count: Int { running.withLockedValue { $0.count } }
}

extension Application {
    private struct SnapshotRefreshesKey: StorageKey { typealias Value = SnapshotRefreshes }
    var snapshotRefreshes: SnapshotRefreshes {
        if let existing = storage[SnapshotRefreshesKey.self] { return existing }
        let made = SnapshotRefreshes()
        storage[SnapshotRefreshesKey.self] = made
        return made
    }
}
