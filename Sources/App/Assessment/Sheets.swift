import Fluent
import Foundation
import SQLKit
import StandardKit
import NIOPosix
import WorkCalendar

/// What the sheets' work reads and writes with, made from the web request by its controller
/// (`request.sheets`): the sheets never see the request itself.
struct SheetContext: Sendable {
    /// Where the sheets' work reads: a read replica for a page or job that only reads
    /// (`Reading.onStandby`), else the primary.
    var db: any Database
    /// Where it writes (kept summaries): always the primary.
    var write: any Database
    /// `db` is a standby: keeping a summary may fail while the primary is away, and the
    /// reader still gets what was computed.
    var readsStandby: Bool
    /// A second connection, to read the station's figures beside the records (nil on a
    /// one-loop server); made only when an evaluation asks for it.
    var beside: (any Database)? { makeBeside() }
    private let makeBeside: @Sendable () -> (any Database)?
    var config: AppConfig
    /// Who acts (nobody signed in for a background job), and when.
    var principal: Principal?
    var now: Date
    var author: Author { Author(principal, at: now) }
    var today: LocalDate
    /// Where evidence files are kept, and the threads that write them.
    var files: FileStore
    var threadPool: NIOThreadPool
    /// The server's cache of brief kept summaries, if it has one (`KeptSummaries`).
    var kept: KeptSummaries?

    init(db: any Database, write: (any Database)? = nil, beside: @escaping @autoclosure @Sendable () -> (any Database)?, config: AppConfig,
         principal: Principal?, now: Date, today: LocalDate, files: FileStore, threadPool: NIOThreadPool, kept: KeptSummaries? = nil) {
        self.db = db
        self.write = write ?? db
        readsStandby = write != nil
        makeBeside = beside
        self.config = config
        self.principal = principal
        self.now = now
        self.today = today
        self.files = files
        self.threadPool = threadPool
        self.kept = kept
    }
}

/// The results of one sheet as dashboards and exports use them: the same shape whether
/// computed live or kept at approval (an approved sheet's results no longer change).
struct SheetSummary: Codable, Sendable, Equatable {
    var score: Double?
    var passed: Bool
    /// Per area (1…7): met, notMet, pending, notApplicable.
    var areas: [[Int]]
    /// Per goal (1…18), the same counts (absent in results kept before goals were counted).
    var goals: [[Int]]?
    /// Check id → status raw value.
    var checks: [String: String]
    /// Item number → status.
    var items: ItemStatuses
    /// Check id → explanation.
    var explanations: [String: String]

    init(score: Double?, passed: Bool, areas: [[Int]], checks: [String: String] = [:], items: ItemStatuses, explanations: [String: String] = [:]) {
        self.score = score
        self.passed = passed
        self.areas = areas
        self.goals = nil
        self.checks = checks
        self.items = items
        self.explanations = explanations
    }

    init(_ evaluation: Evaluation) {
        score = evaluation.tally.score
        passed = evaluation.passed
        areas = evaluation.areas.map { [$0.tally.met, $0.tally.notMet, $0.tally.pending, $0.tally.notApplicable] }
        goals = evaluation.goals.map { [$0.tally.met, $0.tally.notMet, $0.tally.pending, $0.tally.notApplicable] }
        var checks: [String: String] = [:], items = ItemStatuses(), explanations: [String: String] = [:]
        for item in evaluation.items {
            items[item.number] = item.status
            for check in item.checks {
                // Another level's check shows that level's result (never in the village's tally).
                checks[check.id] = check.shownStatus.rawValue
                explanations[check.id] = check.explanation
            }
        }
        self.checks = checks
        self.items = items
        self.explanations = explanations
    }

    /// Share of an area's decided-or-pending checks that are met (not-applicable left out).
    func areaRate(_ index: Int) -> Double? {
        guard areas.indices.contains(index) else { return nil }
        let t = areas[index]
        let counted = t[0] + t[1] + t[2]
        return counted == 0 ? nil : Double(t[0]) / Double(counted)
    }
}

/// Who may do what on a sheet: fill it (its own level), review it (the level above; a
/// district reviews its own), approve and unlock it (the district).
/// A sheet's duties for one user: the one access policy's rule (`Principal.may(_:level:path:)`),
/// which the sheet routes also state as `.onSheet(duty)`.
enum SheetRole {
    static func mayFill(_ p: Principal?, _ sheet: AssessmentSheet) -> Bool { p?.may(.fill, level: sheet.level, path: sheet.unitPath) ?? false }
    static func mayReview(_ p: Principal?, _ sheet: AssessmentSheet) -> Bool { p?.may(.review, level: sheet.level, path: sheet.unitPath) ?? false }
    static func mayApprove(_ p: Principal?, _ sheet: AssessmentSheet) -> Bool { p?.may(.approve, level: sheet.level, path: sheet.unitPath) ?? false }
}

/// Loading, evaluating and moving sheets through the workflow.
enum Sheets {
    /// The checks a sheet of this level assesses with evidence.
    static func evidencedChecks(_ catalogue: Catalogue, level: UnitKind) -> [Check] {
        catalogue.checks.filter { $0.kind == .evidenced && $0.level.rawValue == level.rawValue }
    }

    static func scheme(_ cycle: AssessmentCycle, _ config: AppConfig) -> ScoringScheme {
        ScoringScheme(passMark: cycle.passMark, partialCredit: cycle.partialCredit, weights: config.scheme.weights)
    }

    /// The unit's sheet in the cycle; a unit set up after the cycle opened (and not closed
    /// by its as-of date) gets its draft sheet on first use.
    static func sheet(cycle: AssessmentCycle, unit: OrgUnit, on db: any Database) async throws -> AssessmentSheet {
        if let sheet = try await AssessmentSheet.query(on: db).filter(\.$cycleID == cycle.requireID()).filter(\.$unitID == unit.requireID()).first() {
            return sheet
        }
        guard unit.path.hasPrefix(cycle.unitPath), unit.closedOn.map({ $0 > cycle.asOf }) ?? true else { throw AppError.notFound }
        let sheet = try AssessmentSheet(cycle: cycle, unit: unit)
        do { try await sheet.create(on: db) } catch {
            // Another request made it first (unique cycle and unit).
            if let made = try await AssessmentSheet.query(on: db).filter(\.$cycleID == cycle.requireID()).filter(\.$unitID == unit.requireID()).first() { return made }
            throw error
        }
        return sheet
    }

    static func decisions(_ sheetIDs: [UUID], on db: any Database) async throws -> [UUID: [String: SheetCheck]] {
        guard !sheetIDs.isEmpty else { return [:] }
        var out: [UUID: [String: SheetCheck]] = [:]
        for row in try await SheetCheck.query(on: db).filter(\.$sheetID ~~ sheetIDs).all() { out[row.sheetID, default: [:]][row.checkID] = row }
        return out
    }

    /// Township- and district-level results as a village sheet shows them.
    static func otherLevelResults(cycle: AssessmentCycle, village: OrgUnit, catalogue: Catalogue, on db: any Database) async throws -> [VillageFacts.OtherLevelResult] {
        let owners = village.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        let sheets = try await AssessmentSheet.query(on: db).filter(\.$cycleID == cycle.requireID()).filter(\.$unitID ~~ owners)
            .filter(\.$level != .village).all()
        let decided = try await decisions(sheets.compactMap(\.id), on: db)
        var out: [VillageFacts.OtherLevelResult] = []
        for sheet in sheets {
            for check in evidencedChecks(catalogue, level: sheet.level) {
                let decision = sheet.id.flatMap { decided[$0]?[check.id]?.decision }
                let status: OtherLevelStatus = decision == "accepted" ? .met : decision == "returned" ? .notMet : .pending
                out.append(.init(check: check.id, status: status, note: nil))
            }
        }
        return out
    }

    /// The date live results are computed for: the cycle's as-of date, or today if that
    /// is earlier (live results can only know the records up to today; approval keeps them).
    static func liveAsOf(_ cycle: AssessmentCycle, today: LocalDate) -> LocalDate? {
        LocalDate(cycle.asOf).map { min($0, today) }
    }

    /// Live evaluations of the villages below `unit` for the cycle (or only of `only`), with
    /// each sheet's decisions. `progress` hears of each village evaluated.
    static func evaluate(cycle: AssessmentCycle, under unit: OrgUnit, only: Set<UUID>? = nil, context: SheetContext,
                         progress: JobProgress? = nil) async throws -> [(village: OrgUnit, evaluation: Evaluation)] {
        let config = context.config
        guard let asOf = liveAsOf(cycle, today: context.today) else { return [] }
        await progress?.phase(.jobPhaseLoading)
        // A few villages of many are built one by one; otherwise one pass over the unit.
        var built: [(village: OrgUnit, facts: VillageFacts)] = []
        if let only, unit.kind != .village, only.count <= 8 {
            for village in try await OrgUnit.query(on: context.db).filter(\.$id ~~ Array(only)).all() {
                built += try await VillageFactsBuilder.build(under: village, year: cycle.year, asOf: asOf, on: context.db, beside: context.beside)
            }
        } else {
            built = try await VillageFactsBuilder.build(under: unit, year: cycle.year, asOf: asOf, on: context.db, beside: context.beside)
            if let only { built = built.filter { only.contains($0.village.id.linked) } }
        }
        // Only the sheets' ids, for their decisions: their kept texts (3–10 KB) are not needed.
        let sheets = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path, only: only, texts: .none, on: context.db)
        let byUnit = Dictionary(sheets.map { ($0.unitID, $0.id) }, uniquingKeysWith: { a, _ in a })
        let decided = try await decisions(sheets.map(\.id), on: context.db)
        let evaluator = Evaluator(catalogue: config.catalogue, scheme: scheme(cycle, config))
        var others: [UUID: [VillageFacts.OtherLevelResult]] = [:]
        var ready: [(village: OrgUnit, facts: VillageFacts)] = []
        await progress?.phase(.jobPhaseEvaluating, total: built.count)
        for (village, facts) in built {
            var facts = facts
            let id = try village.requireID()
            if let sheetID = byUnit[id] {
                facts.reviews = (decided[sheetID] ?? [:]).values.compactMap { row in
                    guard let decision = row.decision.flatMap(ReviewDecision.init(rawValue:)) else { return nil }
                    return .init(check: row.checkID, decision: decision, note: row.reason)
                }
            }
            let township = village.$parent.id ?? id
            if others[township] == nil {
                others[township] = try await otherLevelResults(cycle: cycle, village: village, catalogue: config.catalogue, on: context.db)
            }
            facts.otherLevelResults = others[township] ?? []
            ready.append((village, facts))
        }
        return try await evaluateAll(ready, with: evaluator, asOf: asOf, progress: progress)
    }

    /// The engine over many villages on every core, in their order: it is pure, and the
    /// database is idle by now (a district's 300 villages took a tenth of its evaluation on
    /// one core).
    private static func evaluateAll(_ ready: [(village: OrgUnit, facts: VillageFacts)], with evaluator: Evaluator, asOf: LocalDate,
                                    progress: JobProgress?) async throws -> [(village: OrgUnit, evaluation: Evaluation)] {
        let evaluations = try await ready.map(\.facts).concurrentMap { evaluator.evaluate($0, asOf: asOf) }
        try await progress?.advance(by: evaluations.count)
        return Array(zip(ready.map(\.village), evaluations))
    }

    /// Each village sheet's summary: kept at approval; else the live summary kept from an
    /// earlier view (`Snapshots`), computed now where a write dropped it, the date moved
    /// on, or `recompute` asks for all of them. Computed ones are kept for the next view,
    /// their explanations beside them in the reader's language: `explanations` (exports)
    /// reads those of current summaries in the reader's language and computes the rest
    /// afresh, so every summary comes with them. Without `checks`, kept summaries are read
    /// without their checks' statuses (a dashboard counts items, areas and goals only).
    static func summaries(cycle: AssessmentCycle, under unit: OrgUnit, context: SheetContext, recompute: Bool = false,
                          explanations: Bool = false, checks: Bool = true, progress: JobProgress? = nil) async throws -> [UUID: SheetSummary] {
        try await villageSheets(cycle: cycle, under: unit, context: context, recompute: recompute, explanations: explanations,
                                checks: checks, progress: progress).summaries
    }

    /// The village sheets below `unit` with their summaries (`summaries`), for callers that
    /// need the sheets too: loading them again cost a district dashboard 300 sheets.
    static func villageSheets(cycle: AssessmentCycle, under unit: OrgUnit, context: SheetContext, recompute: Bool = false,
                              explanations: Bool = false, checks: Bool = true, progress: JobProgress? = nil) async throws -> (sheets: [VillageSheet], summaries: [UUID: SheetSummary]) {
        let kept = try await villageSheets(cycle: cycle, under: unit, context: context, recompute: recompute, explanations: explanations,
                                           checks: checks, staleLimit: nil, progress: progress)
        return (kept.sheets, kept.summaries)
    }

    /// As above; with `staleLimit`, when more villages than that are stale (a new day, a
    /// burst of intake across a district), those with a last summary are given it as it is,
    /// listed in `stale` for the caller to say so and to have them computed again in the
    /// background (`DashboardController.refresh`): a reader waits for at most `staleLimit` villages'
    /// evaluation, not a district's. Villages with no summary yet are evaluated at once.
    static func villageSheets(cycle: AssessmentCycle, under unit: OrgUnit, context: SheetContext, recompute: Bool = false,
                              explanations: Bool = false, checks: Bool = true, staleLimit: Int?,
                              progress: JobProgress? = nil) async throws -> (sheets: [VillageSheet], summaries: [UUID: SheetSummary], stale: [UUID]) {
        guard let asOf = liveAsOf(cycle, today: context.today)?.description else { return ([], [:], []) }
        // Without checks or explanations, the kept texts without them (`VillageSheet.Texts.brief`),
        // from this server's cache where it has them (`KeptSummaries`): the sheets are read
        // without their texts and only the texts not seen before are fetched.
        let brief = !checks && !explanations
        let cache = brief && !recompute ? context.kept : nil
        let sheets = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path,
                                                           texts: cache != nil ? .none : brief ? .brief : .whole, on: context.db)
        let cached = try await cache?.briefs(of: sheets, on: context.db)
        func decode(_ text: String?) -> SheetSummary? { text.flatMap { SheetSummary.decodeKept($0, checks: checks || explanations) } }
        func keptResult(_ sheet: VillageSheet) -> SheetSummary? {
            if let cached { return cached.results[sheet.id] }
            return decode(sheet.result)
        }
        func keptSnapshot(_ sheet: VillageSheet) -> SheetSummary? {
            if let cached { return cached.snapshots[sheet.id] }
            return decode(sheet.snapshot)
        }
        var out: [UUID: SheetSummary] = [:]
        var stale: [UUID: VillageSheet] = [:]
        // Current summaries that still need their explanations (by sheet).
        var unexplained: [UUID: (sheet: VillageSheet, kept: SheetSummary)] = [:]
        for sheet in sheets {
            if sheet.state == .approved, let kept = keptResult(sheet) {
                out[sheet.unitID] = kept
            } else if !recompute, sheet.snapshotAsOf == asOf, sheet.snapshotAtSeq == sheet.snapshotSeq, let kept = keptSnapshot(sheet) {
                if explanations { unexplained[sheet.id] = (sheet, kept) } else { out[sheet.unitID] = kept }
            } else {
                stale[sheet.unitID] = sheet
            }
        }
        // An export and a sheet's page show every check's explanation. A current summary's are
        // those kept with it when they are in the reader's language; otherwise the village is
        // evaluated again.
        if !unexplained.isEmpty {
            let kept = try await Snapshots.explanations(of: Array(unexplained.keys), on: context.db)
            let language = Language.current.rawValue
            for (id, candidate) in unexplained {
                if let found = kept[id], found.kept.language == language, found.atSeq == candidate.sheet.snapshotAtSeq, found.asOf == asOf {
                    var summary = candidate.kept
                    summary.explanations = found.kept.explanations
                    out[candidate.sheet.unitID] = summary
                } else {
                    stale[candidate.sheet.unitID] = candidate.sheet
                }
            }
        }
        var shownStale: [UUID] = []
        if let staleLimit, !recompute, stale.count > staleLimit {
            for (village, sheet) in stale {
                guard let last = keptSnapshot(sheet) else { continue }
                out[village] = last
                shownStale.append(village)
                stale[village] = nil
            }
        }
        guard !stale.isEmpty else { return (sheets, out, shownStale) }
        let groups = try await groups(of: stale, under: unit, on: context.db)
        if groups.count > 1 { await progress?.phase(.jobPhaseEvaluating, total: stale.count) }
        for group in groups {
            let evaluated = try await evaluate(cycle: cycle, under: group.unit, only: group.villages, context: context,
                                               progress: groups.count > 1 ? nil : progress)
            var fresh: [(sheet: VillageSheet, summary: SheetSummary)] = []
            for (village, evaluation) in evaluated {
                let summary = SheetSummary(evaluation)
                out[try village.requireID()] = summary
                // Kept with its explanations beside it (`Snapshots.keep`).
                if let sheet = stale[try village.requireID()] { fresh.append((sheet, summary)) }
            }
            do {
                try await Snapshots.keep(fresh, asOf: asOf, on: context.write)
            } catch where context.readsStandby && DatabaseOutage.matches(error) {
                // No primary just now: shown, not kept; a later view keeps them.
            }
            if groups.count > 1 { try await progress?.advance(by: group.villages.count) }
            // A township at a time; background work gives way to people's requests here.
            try await Pacer.pause()
        }
        return (sheets, out, shownStale)
    }

    /// A dashboard's reader waits for at most this many stale villages' evaluation (about
    /// 5 ms each alone, twice that under load); beyond it, the last summaries are shown while
    /// the rest are computed. A township's official sees its score of villages live after a
    /// few changes; a district's dashboard, with ten times the villages, finds some changed
    /// nearly every time while stations take requests, and its reader waits for two.
    static func viewStaleLimit(_ kind: UnitKind) -> Int { kind == .township ? 8 : 2 }

    /// More stale villages than this below a district are evaluated a township at a time.
    static let groupAbove = 8

    /// The stale villages as groups to evaluate one after another: a township's at a time
    /// when there are many below a district (a district's records, facts and
    /// results held at once were the server's peak memory: about 90 MB over its resting 90 MB),
    /// else all at once.
    private static func groups(of stale: [UUID: VillageSheet], under unit: OrgUnit,
                               on db: any Database) async throws -> [(unit: OrgUnit, villages: Set<UUID>)] {
        let all = Set(stale.keys)
        guard unit.kind == .district || unit.kind == .city, stale.count > groupAbove else { return [(unit, all)] }
        var groups: [(unit: OrgUnit, villages: Set<UUID>)] = []
        var covered = Set<UUID>()
        for township in try await OrgUnit.below(unit.path, on: db) where township.kind == .township {
            let here = Set(stale.values.filter { $0.unitPath.hasPrefix(township.path) }.map(\.unitID))
            guard !here.isEmpty else { continue }
            groups.append((township, here))
            covered.formUnion(here)
        }
        // Villages outside every township (none in a well-formed hierarchy) are not left out.
        if covered.count < all.count { groups.append((unit, all.subtracting(covered))) }
        return groups
    }

    struct Quality: Sendable {
        var errors: [FieldError]
        var warnings: [String]
    }

    /// What blocks submission (an evidenced check with no evidence; a returned check not
    /// answered) and what only warns (measured checks not met).
    /// `summary`, when the caller has already evaluated the sheet, saves evaluating it again.
    static func quality(_ sheet: AssessmentSheet, cycle: AssessmentCycle, unit: OrgUnit, context: SheetContext, summary known: SheetSummary? = nil) async throws -> Quality {
        let catalogue = context.config.catalogue
        let evidence = try await Evidence.query(on: context.db).filter(\.$sheetID == sheet.requireID()).all()
        let withEvidence = Set(evidence.map(\.checkID))
        let decided = try await decisions([sheet.requireID()], on: context.db)[try sheet.requireID()] ?? [:]
        var errors: [FieldError] = []
        for check in evidencedChecks(catalogue, level: sheet.level) {
            if !withEvidence.contains(check.id) { errors.append(FieldError(field: "check." + check.id, message: T(.sheetNoEvidence, check.id, check.title))) }
            if let row = decided[check.id], row.decision == "returned", (row.answer ?? "").isEmpty {
                errors.append(FieldError(field: "answer." + check.id, message: T(.sheetReturnNotAnswered, check.id)))
            }
        }
        var warnings: [String] = []
        var summary = known
        if summary == nil, sheet.level == .village, let evaluation = try await evaluate(cycle: cycle, under: unit, context: context).first?.evaluation {
            summary = SheetSummary(evaluation)
        }
        if let summary {
            let notMet = catalogue.checks.filter { $0.kind == .measured && $0.level == .village && summary.checks[$0.id] == Status.notMet.rawValue }
            if !notMet.isEmpty { warnings.append(T(.sheetMeasuredNotMet, String(notMet.count), notMet.prefix(8).map(\.id).joined(separator: T(.sepList)))) }
        }
        return Quality(errors: errors, warnings: warnings)
    }

    /// Moves a sheet to `state` only if nobody changed it since `version`; audited.
    static func move(_ sheet: AssessmentSheet, to state: SheetState, context: SheetContext, action: String, reason: String? = nil,
                     extra: @escaping @Sendable (any Database) async throws -> Void = { _ in }) async throws {
        let seen = sheet.version
        let before = sheet.state
        let id = try sheet.requireID()
        let today = context.today.description
        // The first submission date counts for "on time"; resubmissions keep it.
        let submitted = state == .submitted && sheet.submittedOn == nil ? today : sheet.submittedOn
        let approved = state == .approved ? today : (before == .approved ? nil : sheet.approvedOn)
        let score = sheet.score, result = sheet.result, now = context.author.at
        let resultBrief = state == .approved ? result.flatMap(SheetSummary.brief(of:)) : nil
        // Sent back (to the unit, or by the district to its reviewer): the reason, who and when
        // go with the sheet for the one it goes back to.
        let sentBack = state == .returned || (before == .reviewed && state == .submitted)
        let note = sentBack ? (reason.flatMap { $0.isEmpty ? nil : $0 }, context.principal?.displayName, today) : (sheet.returnedNote, sheet.returnedBy, sheet.returnedOn)
        try await context.db.transaction { db in
            let rows = try await Dialect.sql(db).update(AssessmentSheet.schema)
                .set("state", to: SQLBind(state.rawValue)).set("version", to: SQLBind(seen + 1))
                .set("returned_note", to: SQLBind(note.0)).set("returned_by", to: SQLBind(note.1)).set("returned_on", to: SQLBind(note.2))
                .set("submitted_on", to: SQLBind(submitted)).set("approved_on", to: SQLBind(approved))
                .set("score", to: SQLBind(state == .approved ? score : nil)).set("result", to: SQLBind(state == .approved ? result : nil))
                .set("result_brief", to: SQLBind(resultBrief)).set("result_brief_of", to: SQLBind(resultBrief == nil ? nil : seen + 1))
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(seen)).returning("id").all()
            if rows.isEmpty { throw AppError.conflict(T(.sheetChangedMeanwhile)) }
            try await extra(db)
            try await Audit.record(on: db, author: context.author, action: action, objectType: "assessmentSheet", objectID: id.uuidString, unitPath: sheet.unitPath,
                                   before: ["state": before.rawValue], after: ["state": state.rawValue, "reason": reason ?? ""])
        }
        sheet.state = state
        sheet.version = seen + 1
        sheet.submittedOn = submitted
        sheet.approvedOn = approved
        (sheet.returnedNote, sheet.returnedBy, sheet.returnedOn) = note
        if state != .approved { sheet.score = nil; sheet.result = nil }
    }
}
