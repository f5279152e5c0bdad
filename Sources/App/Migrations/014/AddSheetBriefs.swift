import Fluent
import Foundation
import SQLKit

/// A sheet's kept summary and approved result again without their checks' statuses and
/// explanations (`snapshot_brief`, `result_brief`): a dashboard reads every village's below it
/// and counts only items, areas and goals, and the whole texts (3.3 KB a summary, more with an
/// approved result's explanations) were a megabyte per district view on PostgreSQL, decoded on
/// the event loops. Written by the same statements as the whole texts (`Snapshots.keep`,
/// `Sheets.move`), each with what it was made from: the summary's as-of date and drop count
/// (`snapshot_brief_of`, "2026-12-07:5"), the sheet's version at approval (`result_brief_of`).
/// Readers take the whole text where a brief is not of the text beside it: one kept by an older
/// server during a rolling upgrade, which writes the whole text only. The briefs of texts kept
/// before are made by the next migration (`FillSheetBriefs`), so that this one only adds columns.
struct AddSheetBriefs: AsyncMigration {
    var name: String { "AddSheetBriefs" }

    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        for (name, type) in [("snapshot_brief", DatabaseSchema.DataType.string), ("snapshot_brief_of", .string), ("result_brief", .string), ("result_brief_of", .int)] {
            try await database.schema("assessment_sheets").field(.string(name), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for name in ["snapshot_brief", "snapshot_brief_of", "result_brief", "result_brief_of"] {
            try await database.schema("assessment_sheets").deleteField(.string(name)).update()
        }
    }
}

/// Briefs (`AddSheetBriefs`) for the summaries and results kept before there were any. With
/// its own reading of the JSON, so that this step stays what it is when the app's types change;
/// a text it cannot read keeps no brief (its whole text is read instead). Each brief is written
/// by a statement of its own, and only if the text it was made from is still there (an older
/// server may keep a new summary meanwhile): no long transaction holds rows that intake's
/// statements wait for, and a step cut short is taken up again at the next start.
struct FillSheetBriefs: AsyncMigration {
    var name: String { "FillSheetBriefs" }

    func prepare(on database: any Database) async throws {
        try await Self.backfill(on: database)
    }

    func revert(on database: any Database) async throws {
        try await MigrationSQL.of(database).raw("""
            UPDATE assessment_sheets SET snapshot_brief = NULL, snapshot_brief_of = NULL, result_brief = NULL, result_brief_of = NULL
            """).run()
    }

    /// Briefs for every kept text that has none.
    static func backfill(on database: any Database) async throws {
        let sql = try MigrationSQL.of(database)
        var after: UUID?
        while true {
            let from = after.map { SQLQueryString("AND id > \(bind: $0)") } ?? ""
            let rows = try await sql.raw("""
                SELECT id, snapshot, snapshot_as_of, snapshot_at_seq, result, version FROM assessment_sheets
                WHERE ((snapshot IS NOT NULL AND snapshot_brief IS NULL) OR (result IS NOT NULL AND result_brief IS NULL)) \(from)
                ORDER BY id LIMIT 500
                """).all()
            guard let last = rows.last else { return }
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                if let text = try row.decode(column: "snapshot", as: String?.self), let brief = brief(text),
                   let asOf = try row.decode(column: "snapshot_as_of", as: String?.self), let seq = try row.decode(column: "snapshot_at_seq", as: Int?.self) {
                    try await sql.raw("""
                        UPDATE assessment_sheets SET snapshot_brief = \(bind: brief), snapshot_brief_of = \(bind: asOf + ":" + String(seq))
                        WHERE id = \(bind: id) AND snapshot_as_of = \(bind: asOf) AND snapshot_at_seq = \(bind: seq) AND snapshot = \(bind: text)
                        """).run()
                }
                if let text = try row.decode(column: "result", as: String?.self), let brief = brief(text) {
                    let version = try row.decode(column: "version", as: Int.self)
                    try await sql.raw("""
                        UPDATE assessment_sheets SET result_brief = \(bind: brief), result_brief_of = \(bind: version)
                        WHERE id = \(bind: id) AND version = \(bind: version) AND result = \(bind: text)
                        """).run()
                }
            }
            after = try last.decode(column: "id", as: UUID.self)
        }
    }

    /// A kept summary's JSON object without its "checks" and "explanations"; nil when the text
    /// is not such an object.
    static func brief(_ text: String) -> String? {
        guard let kept = try? JSONDecoder().decode(Kept.self, from: Data(text.utf8)) else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(kept)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// What a brief keeps of a summary, as summaries were written when this step was made.
    private struct Kept: Codable {
        var score: Double?
        var passed: Bool
        var areas: [[Int]]
        var goals: [[Int]]?
        var items: [String: String]
        var checks: [String: String] = [:]
        var explanations: [String: String] = [:]

        enum CodingKeys: String, CodingKey { case score, passed, areas, goals, items, checks, explanations }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            score = try container.decodeIfPresent(Double.self, forKey: .score)
            passed = try container.decode(Bool.self, forKey: .passed)
            areas = try container.decode([[Int]].self, forKey: .areas)
            goals = try container.decodeIfPresent([[Int]].self, forKey: .goals)
            items = try container.decode([String: String].self, forKey: .items)
        }
    }
}
