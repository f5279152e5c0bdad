import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The brief kept summaries this server has read, decoded, each under what names its text:
/// an approved result by the sheet's version at approval (`result_brief_of`), a live
/// summary by its as-of date and the drop count it was computed at (`snapshot_brief_of`).
/// Neither text changes while that name stands: a result is written only with a new
/// version, and a summary only where the count is unchanged, by an evaluation of the
/// same records on the same day. A district's dashboard then reads its 300 sheets without
/// their texts and fetches only those whose names it has not seen (the villages changed
/// since): reading and decoding 300 briefs was a fifth of the view.
///
/// Only a cache: the database's names decide what is read, so servers stay stateless and
/// a text written by another server is read when its name is new. Bounded: past `limit`
/// entries it starts again empty.
final class KeptSummaries: Sendable {
    /// What a kept text is named by.
    enum Name: Hashable, Sendable {
        case result(version: Int)
        case snapshot(asOf: String, atSeq: Int)
    }

    private struct Entry: Sendable {
        var name: Name
        var summary: SheetSummary
    }

    /// Per sheet, its live summary and its approved result (either may be absent).
    private let entries = NIOLockedValueBox<(snapshots: [UUID: Entry], results: [UUID: Entry])>(([:], [:]))
    let limit: Int

    /// Beijing's 3,930 villages' summaries of this year and approved results of the last, and
    /// room for more: about 4 KB each in the process (all of Beijing's this year, 15 MB), some
    /// 40 MB at most.
    init(limit: Int = 10_000) {
        self.limit = limit
    }

    var count: Int { entries.withLockedValue { $0.snapshots.count + $0.results.count } }

    /// The name of the text a sheet's brief would be read from, given the columns read.
    static func resultName(of sheet: VillageSheet) -> Name? {
        sheet.state == .approved ? .result(version: sheet.version) : nil
    }

    static func snapshotName(of sheet: VillageSheet) -> Name? {
        guard let asOf = sheet.snapshotAsOf, let atSeq = sheet.snapshotAtSeq else { return nil }
        return .snapshot(asOf: asOf, atSeq: atSeq)
    }

    func summary(of sheet: UUID, named name: Name) -> SheetSummary? {
        entries.withLockedValue { all in
            let entry = if case .result = name { all.results[sheet] } else { all.snapshots[sheet] }
            return entry?.name == name ? entry?.summary : nil
        }
    }

    func keep(_ summary: SheetSummary, of sheet: UUID, named name: Name) {
        entries.withLockedValue { all in
            if all.snapshots.count + all.results.count >= limit { all = ([:], [:]) }
            if case .result = name { all.results[sheet] = Entry(name: name, summary: summary) } else { all.snapshots[sheet] = Entry(name: name, summary: summary) }
        }
    }

    /// The brief summaries of `sheets` (read without texts): an approved sheet's result
    /// (its last live summary only where the result is not a summary), every other sheet's
    /// last live summary, as `decodeKept(checks: false)` makes them, from this cache or, for
    /// those it lacks, read in one statement. A text kept anew between the two reads (a
    /// background pass, another server) is the one given, and cached under its new name: it
    /// is at least as new as the sheet's row, and a reader waiting for the stale limit is not
    /// made to evaluate a village whose summary has just been kept.
    func briefs(of sheets: [VillageSheet], on db: any Database) async throws -> (results: [UUID: SheetSummary], snapshots: [UUID: SheetSummary]) {
        var results: [UUID: SheetSummary] = [:], snapshots: [UUID: SheetSummary] = [:]
        var missing: Set<UUID> = []
        for sheet in sheets {
            let (result, snapshot) = (Self.resultName(of: sheet), Self.snapshotName(of: sheet))
            if let result, let found = summary(of: sheet.id, named: result) {
                results[sheet.id] = found
            } else if let snapshot, let found = summary(of: sheet.id, named: snapshot) {
                snapshots[sheet.id] = found
                // An approved sheet whose result is not yet cached (or not a summary) is read again.
                if sheet.state == .approved { missing.insert(sheet.id) }
            } else if result != nil || snapshot != nil {
                missing.insert(sheet.id)
            }
        }
        guard !missing.isEmpty else { return (results, snapshots) }
        let ids = Array(missing)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try await PlacedRows.all(["id", "state", "version", "snapshot_as_of", "snapshot_at_seq",
                                                 AssessmentSheet.briefSnapshot, AssessmentSheet.briefResult],
                                                "FROM assessment_sheets WHERE id IN (\(binds: part))", on: db)
            for var row in rows {
                let id = try row.next(UUID.self)
                let approved = try row.next(String.self) == SheetState.approved.rawValue
                let version = try row.next(Int.self)
                let asOf = try row.next(String?.self), atSeq = try row.next(Int?.self)
                let snapshotText = try row.next(String?.self), resultText = try row.next(String?.self)
                if approved, let text = resultText, let summary = SheetSummary.decodeKept(text, checks: false) {
                    keep(summary, of: id, named: .result(version: version))
                    results[id] = summary
                } else if let asOf, let atSeq, let text = snapshotText, let summary = SheetSummary.decodeKept(text, checks: false) {
                    keep(summary, of: id, named: .snapshot(asOf: asOf, atSeq: atSeq))
                    snapshots[id] = summary
                }
            }
        }
        return (results, snapshots)
    }
}

extension Application {
    private struct KeptSummariesKey: StorageKey { typealias Value = KeptSummaries }

    /// This server's cache of brief kept summaries (`KeptSummaries`), made by `configure`.
    var keptSummaries: KeptSummaries? {
        get { storage[KeptSummariesKey.self] }
        set { storage[KeptSummariesKey.self] = newValue }
    }
}
