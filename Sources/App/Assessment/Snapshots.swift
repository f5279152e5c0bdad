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

    /// Keeps freshly computed summaries, each only if no write dropped it meanwhile. The
    /// summary is kept without its explanations, and again without its checks
    /// (`snapshot_brief`, what a dashboard reads for every village below it); the
    /// explanations go beside it, with the language they are in (`snapshot_explanations`), by
    /// the same statement, so they are current exactly while the summary is.
    static func keep(_ fresh: [(sheet: VillageSheet, summary: SheetSummary)], asOf: String, on db: any Database) async throws {
        guard !fresh.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let language = Language.current.rawValue
        let rows = try fresh.map { item in
            var bare = item.summary
            bare.explanations = [:]
            let explained = item.summary.explanations.isEmpty ? nil
                : String(decoding: try encoder.encode(KeptExplanations(language: language, explanations: item.summary.explanations)), as: UTF8.self)
            var brief = bare
            brief.checks = [:]
            return (id: item.sheet.id, seq: item.sheet.snapshotSeq, text: String(decoding: try encoder.encode(bare), as: UTF8.self),
                    brief: String(decoding: try encoder.encode(brief), as: UTF8.self), explained: explained)
        }
        try await db.transaction { db in
            let sql = try Dialect.sql(db)
            for row in rows {
                try await sql.raw("""
                    UPDATE assessment_sheets SET snapshot = \(bind: row.text), snapshot_brief = \(bind: row.brief), snapshot_brief_of = \(bind: asOf + ":" + String(row.seq)),
                      snapshot_explanations = \(bind: row.explained),
                      snapshot_as_of = \(bind: asOf), snapshot_at_seq = \(bind: row.seq)
                    WHERE id = \(bind: row.id) AND snapshot_seq = \(bind: row.seq) AND state <> 'approved'
                    """).run()
            }
        }
    }

    /// The kept explanations of `sheets` (by id), each with the drop count (`snapshot_at_seq`)
    /// and date of the summary they were kept with, and their language; sheets with none are
    /// left out. A few hundred ids a statement.
    static func explanations(of sheets: [UUID], on db: any Database) async throws -> [UUID: (atSeq: Int?, asOf: String?, kept: KeptExplanations)] {
        let sql = try Dialect.sql(db)
        var texts: [(id: UUID, atSeq: Int?, asOf: String?, text: String)] = []
        for start in stride(from: 0, to: sheets.count, by: 500) {
            let part = Array(sheets[start..<min(start + 500, sheets.count)])
            for row in try await sql.raw("""
                SELECT id, snapshot_at_seq, snapshot_as_of, snapshot_explanations FROM assessment_sheets
                WHERE id IN (\(binds: part)) AND snapshot_explanations IS NOT NULL
                """).all() {
                guard let text = try row.decode(column: "snapshot_explanations", as: String?.self) else { continue }
                texts.append((try row.decode(column: "id", as: UUID.self), try row.decode(column: "snapshot_at_seq", as: Int?.self),
                              try row.decode(column: "snapshot_as_of", as: String?.self), text))
            }
            try await Pacer.pause()
        }
        // A district's are some 50,000 strings: in an export (background work), read on its
        // low-priority thread.
        let found = texts
        return try await Pacer.compute {
            var out: [UUID: (atSeq: Int?, asOf: String?, kept: KeptExplanations)] = [:]
            for row in found {
                if let kept = KeptExplanations.decode(row.text) { out[row.id] = (row.atSeq, row.asOf, kept) }
            }
            return out
        }
    }
}

/// A kept summary's explanations and the language they are written in.
struct KeptExplanations: Codable, Sendable, Equatable {
    var language: String
    var explanations: [String: String]

    /// Read by hand as the summaries are (`SummaryReader`); another shape by `JSONDecoder`.
    static func decode(_ text: String) -> KeptExplanations? {
        var copy = text
        if let fast = copy.withUTF8({ bytes -> KeptExplanations? in
            var reader = SummaryReader(bytes: bytes)
            return reader.keptExplanations()
        }) { return fast }
        return try? JSONDecoder().decode(KeptExplanations.self, from: Data(text.utf8))
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
