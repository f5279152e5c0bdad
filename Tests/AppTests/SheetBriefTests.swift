@testable import App
import Fluent
import Foundation
import SQLKit
import StandardKit
import Testing
import VaporTesting

/// A dashboard reads each village's kept summary and approved result without their checks
/// (`snapshot_brief`, `result_brief`): the same items, areas and goals, a third of the text.
@Suite("Brief kept texts for dashboards")
struct SheetBriefTests {
    static func briefs(_ app: Application, _ cycle: UUID) async throws -> [UUID: (snapshot: String?, result: String?, whole: String?, wholeResult: String?)] {
        var out: [UUID: (snapshot: String?, result: String?, whole: String?, wholeResult: String?)] = [:]
        for row in try await Dialect.sql(app.db).raw("""
            SELECT unit_id, snapshot_brief, result_brief, snapshot, result FROM assessment_sheets WHERE cycle_id = \(bind: cycle) AND level = 'village'
            """).all() {
            out[try row.decode(column: "unit_id", as: UUID.self)] = (try row.decode(column: "snapshot_brief", as: String?.self),
                                                                     try row.decode(column: "result_brief", as: String?.self),
                                                                     try row.decode(column: "snapshot", as: String?.self),
                                                                     try row.decode(column: "result", as: String?.self))
        }
        return out
    }

    /// The kept summaries as a dashboard reads them (brief) and as an export does (whole, checks left out to compare).
    /// Without the server's cache (`KeptSummaries`, tested below): these tests write texts
    /// under unchanged names, which no server does, to see which text the database gives.
    static func readings(_ app: Application, _ f: CycleFixture, cached: Bool = false) async throws -> (brief: [UUID: SheetSummary], whole: [UUID: SheetSummary]) {
        let request = Request(application: app, on: app.eventLoopGroup.any())
        let cycle = try #require(try await AssessmentCycle.find(f.cycle, on: app.db))
        var context = request.sheets
        if !cached { context.kept = nil }
        let brief = try await Sheets.summaries(cycle: cycle, under: f.world.districtA, context: context, checks: false)
        var whole = try await Sheets.summaries(cycle: cycle, under: f.world.districtA, context: context, checks: true)
        for key in whole.keys { whole[key]?.checks = [:]; whole[key]?.explanations = [:] }
        return (brief, whole)
    }

    @Test("kept with every summary and approved result, read by dashboards as the same items, areas and goals as the whole; gone with the result when unlocked")
    func keptAndRead() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            // Computed and kept (a district's dashboard would keep them in the background).
            _ = try await Self.readings(app, f)
            var kept = try await Self.briefs(app, f.cycle)
            #expect(kept.count >= 2)
            for (village, texts) in kept {
                let brief = try #require(texts.snapshot, "village \(village) has a brief summary")
                let whole = try #require(texts.whole)
                #expect(!brief.contains("\"1.1\"") && whole.contains("\"1.1\""), "the brief has no checks, the whole has")
                #expect(brief.utf8.count * 2 < whole.utf8.count)
                #expect(texts.result == nil)
            }
            var (brief, whole) = try await Self.readings(app, f)
            #expect(!brief.isEmpty && brief == whole)
            #expect(brief.values.contains { $0.items.statuses.count > 50 }, "items are read from the brief")
            // A summary kept by an older server (a rolling upgrade) writes the whole text only:
            // the brief beside it is of an earlier one and is not read.
            let other = try #require(kept.keys.first { $0 != f.v1 })
            let otherText = try #require(kept[other]?.whole)
            var changed = try #require(SheetSummary.decodeKept(otherText))
            changed.score = 12.5
            let older = String(decoding: try JSONEncoder().encode(changed), as: UTF8.self)
            let sql = try Dialect.sql(app.db)
            try await sql.raw("UPDATE assessment_sheets SET snapshot_seq = snapshot_seq + 1 WHERE unit_id = \(bind: other) AND cycle_id = \(bind: f.cycle)").run()
            try await sql.raw("""
                UPDATE assessment_sheets SET snapshot = \(bind: older), snapshot_at_seq = snapshot_seq WHERE unit_id = \(bind: other) AND cycle_id = \(bind: f.cycle)
                """).run()
            (brief, whole) = try await Self.readings(app, f)
            #expect(brief[other]?.score == 12.5 && brief[other] == SheetSummary.decodeKept(older, checks: false))
            #expect(brief == whole)
            // Approved: the result's brief is kept beside it.
            try await f.fillEvidence(app)
            try await f.act(app, "submit", as: f.wang)
            for check in f.evidencedChecks(app) { try await f.act(app, "review", ["check": check, "decision": "accepted"], as: f.town) }
            try await f.act(app, "pass", as: f.town)
            try await f.act(app, "approve", as: f.qu)
            kept = try await Self.briefs(app, f.cycle)
            let approved = try #require(kept[f.v1])
            let result = try #require(approved.result)
            #expect(!result.contains("\"1.1\"") && approved.wholeResult?.contains("\"1.1\"") == true)
            #expect(SheetSummary.decodeKept(result) == SheetSummary.decodeKept(try #require(approved.wholeResult), checks: false))
            (brief, whole) = try await Self.readings(app, f)
            #expect(brief[f.v1] != nil && brief == whole)
            // Unlocked: the result and its brief go together.
            try await f.act(app, "unlock", ["reason": "会议日期登记有误，需更正"], as: f.qu)
            kept = try await Self.briefs(app, f.cycle)
            #expect(kept[f.v1]?.result == nil && kept[f.v1]?.wholeResult == nil)
        }
    }

    @Test("texts kept before briefs existed: the dashboard reads the whole; the migration's step makes their briefs, and a text it cannot read keeps none")
    func olderTexts() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            _ = try await Self.readings(app, f)
            let (before, _) = try await Self.readings(app, f)
            #expect(before.values.allSatisfy { $0.checks.isEmpty }, "read as kept, not computed again")
            let sql = try Dialect.sql(app.db)
            try await sql.raw("UPDATE assessment_sheets SET snapshot_brief = NULL, snapshot_brief_of = NULL, result_brief = NULL, result_brief_of = NULL WHERE cycle_id = \(bind: f.cycle)").run()
            // An approved result kept whole only, and one text that is not a summary.
            let whole = try #require(try await Self.briefs(app, f.cycle)[f.v1]?.whole)
            try await sql.raw("""
                UPDATE assessment_sheets SET result = \(bind: whole), state = 'approved' WHERE unit_id = \(bind: f.v1) AND cycle_id = \(bind: f.cycle)
                """).run()
            let (fallback, _) = try await Self.readings(app, f)
            #expect(fallback == before, "no brief: the whole text is read")
            #expect(try await Self.briefs(app, f.cycle).values.allSatisfy { $0.snapshot == nil }, "nothing was computed again")
            let odd = try #require(try await Self.briefs(app, f.cycle).keys.first { $0 != f.v1 })
            try await sql.raw("UPDATE assessment_sheets SET snapshot = 'not json' WHERE unit_id = \(bind: odd) AND cycle_id = \(bind: f.cycle)").run()
            try await FillSheetBriefs.backfill(on: app.db)
            let made = try await Self.briefs(app, f.cycle)
            #expect(made[odd]?.snapshot == nil, "not a summary: no brief")
            let v1 = try #require(made[f.v1])
            let brief = try #require(v1.snapshot)
            let result = try #require(v1.result)
            #expect(!brief.contains("\"1.1\"") && !result.contains("\"1.1\""))
            // The migration's own JSON reads back as the same summary, by the hand reader.
            var copy = brief
            #expect(copy.withUTF8 { SummaryReader.read($0) } != nil, "\(brief.prefix(200))")
            #expect(SheetSummary.decodeKept(brief) == SheetSummary.decodeKept(whole, checks: false))
            #expect(SheetSummary.decodeKept(result) == SheetSummary.decodeKept(whole, checks: false))
            #expect(FillSheetBriefs.brief("[]") == nil && FillSheetBriefs.brief("{\"score\":1}") == nil)
            // The approved sheet's result is read from its brief: with the whole text spoilt, the dashboard still reads it.
            try await sql.raw("UPDATE assessment_sheets SET result = 'spoilt' WHERE unit_id = \(bind: f.v1) AND cycle_id = \(bind: f.cycle)").run()
            let (afterFill, _) = try await Self.readings(app, f)
            #expect(afterFill[f.v1] == SheetSummary.decodeKept(whole, checks: false) && afterFill[f.v1] != nil)
        }
    }

    @Test("the server's cache of briefs: read once per name, the same summaries as the database gives; a new name is read again; a text kept anew between the two reads is given under its new name; bounded")
    func cached() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let cache = try #require(app.keptSummaries)
            _ = try await Self.readings(app, f)
            let (plain, _) = try await Self.readings(app, f)
            let (first, _) = try await Self.readings(app, f, cached: true)
            #expect(!plain.isEmpty && first == plain)
            #expect(cache.count == plain.count, "one brief kept per village")
            // Under an unchanged name the text is not read again: a text changed in place (no
            // server does that) is not seen.
            let other = try #require(plain.keys.first { $0 != f.v1 })
            let sql = try Dialect.sql(app.db)
            var tampered = try #require(plain[other])
            tampered.score = 99.5
            let text = String(decoding: try JSONEncoder().encode(tampered), as: UTF8.self)
            try await sql.raw("UPDATE assessment_sheets SET snapshot_brief = \(bind: text) WHERE unit_id = \(bind: other) AND cycle_id = \(bind: f.cycle)").run()
            #expect(try await Self.readings(app, f).brief[other]?.score == 99.5, "the database's text did change")
            #expect(try await Self.readings(app, f, cached: true).brief[other] == plain[other])
            // A change drops the summary; the next view keeps a new one under a new name, read again.
            try await sql.raw(Snapshots.invalidation(villages: [other])).run()
            _ = try await Self.readings(app, f, cached: true)
            let (afterChange, _) = try await Self.readings(app, f, cached: true)
            #expect(afterChange == (try await Self.readings(app, f).brief))
            #expect(afterChange.values.allSatisfy { $0.checks.isEmpty }, "read as kept, not computed again")
            #expect(afterChange[other]?.score != 99.5)
            // The sheets read, then a summary kept under a new name before the texts are: left out, the new one cached.
            let cycle = try #require(try await AssessmentCycle.find(f.cycle, on: app.db))
            let sheets = try await AssessmentSheet.villageRows(cycle: f.cycle, below: f.world.districtA.path, texts: .none, on: app.db)
            let sheet = try #require(sheets.first { $0.unitID == other })
            #expect(sheets.allSatisfy { $0.snapshot == nil && $0.result == nil })
            try await sql.raw(Snapshots.invalidation(villages: [other])).run()
            let request = Request(application: app, on: app.eventLoopGroup.any())
            var uncached = request.sheets
            uncached.kept = nil
            _ = try await Sheets.summaries(cycle: cycle, under: f.world.districtA, context: uncached, checks: false)
            let fresh = KeptSummaries()
            let read = try await fresh.briefs(of: sheets, on: app.db)
            let id = sheet.id
            let renamed = try #require(try await AssessmentSheet.villageRows(cycle: f.cycle, below: f.world.districtA.path, texts: .none, on: app.db).first { $0.id == id })
            #expect(renamed.snapshotAtSeq == sheet.snapshotAtSeq.map { $0 + 1 })
            let newName = try #require(KeptSummaries.snapshotName(of: renamed))
            #expect(read.snapshots[id] != nil && read.snapshots[id] == fresh.summary(of: id, named: newName), "kept anew between the reads: the new one, under its name")
            #expect(fresh.summary(of: id, named: try #require(KeptSummaries.snapshotName(of: sheet))) == nil)
            #expect(read.snapshots.count == sheets.count)
            // Bounded: past its limit it starts again.
            let small = KeptSummaries(limit: 2)
            let summary = try #require(plain.values.first)
            for n in 0..<3 { small.keep(summary, of: UUID(), named: .snapshot(asOf: "2026-12-07", atSeq: n)) }
            #expect(small.count == 1)
        }
    }
}
