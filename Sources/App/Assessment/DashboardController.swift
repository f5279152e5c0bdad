import Fluent
import Spreadsheet
import StandardKit
import Vapor
import WorkCalendar

/// Figures of a cycle over a set of village sheets. Pure: tests check it against
/// hand-computed figures.
enum DashboardMath {
    struct Row {
        var summary: SheetSummary?
        var state: SheetState
        var submittedOn: String?
        var previousScore: Double?
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : (values.reduce(0, +) / Double(values.count) * 10).rounded() / 10
    }

    /// Met share of each area over all villages' counted checks (met, not met, pending).
    static func areaRates(_ summaries: [SheetSummary], areas: Int) -> [Double?] { rates(summaries.map(\.areas), count: areas) }

    /// The same for each goal.
    static func goalRates(_ summaries: [SheetSummary], goals: Int) -> [Double?] { rates(summaries.compactMap(\.goals), count: goals) }

    private static func rates(_ tallies: [[[Int]]], count: Int) -> [Double?] {
        (0..<count).map { g in
            var met = 0, counted = 0
            for groups in tallies where groups.indices.contains(g) {
                met += groups[g][0]
                counted += groups[g][0] + groups[g][1] + groups[g][2]
            }
            return counted == 0 ? nil : Double(met) / Double(counted)
        }
    }

    /// Share of villages where each item is met, among those where it counts.
    /// One pass over the summaries' item codes (`ItemStatuses`), no text made or looked up.
    static func itemRates(_ summaries: [SheetSummary], items: [Int]) -> [(number: Int, rate: Double)] {
        let (met, notApplicable) = (ItemStatuses.code(.met), ItemStatuses.code(.notApplicable))
        var metCount = [Int](repeating: 0, count: items.count), counted = [Int](repeating: 0, count: items.count)
        for summary in summaries {
            for (i, n) in items.enumerated() {
                let code = summary.items.code(at: n)
                guard code != 0, code != notApplicable else { continue }
                counted[i] += 1
                if code == met { metCount[i] += 1 }
            }
        }
        return items.indices.compactMap { i in counted[i] == 0 ? nil : (items[i], Double(metCount[i]) / Double(counted[i])) }
    }

    static func completeness(_ rows: [Row], submitBy: String) -> CompletenessDTO {
        CompletenessDTO(sheets: rows.count, submitted: rows.filter { $0.submittedOn != nil }.count,
                        reviewed: rows.filter { $0.state == .reviewed || $0.state == .approved }.count,
                        approved: rows.filter { $0.state == .approved }.count,
                        submittedOnTime: rows.filter { ($0.submittedOn ?? "9999") <= submitBy }.count)
    }
}

/// The dashboard's village table: one sorted page of it (`?sort=&dir=&page=`), sorted here
/// so it works without script. Pure.
struct VillageTable: Sendable {
    enum Key: String, CaseIterable, Sendable {
        case township, name, state, score, previous
        /// Scores read best from the highest; names from the start.
        var startsDescending: Bool { self == .score || self == .previous }
    }

    static let pageSize = 50
    /// Rows a page may be asked for (`?per=`).
    static let pageSizes = 5...200
    let sort: Key
    let pageSize: Int
    let descending: Bool
    let page: Int
    let pages: Int
    let total: Int
    let rows: [VillageRowDTO]

    /// Without a known key the villages keep the order given (the hierarchy's, by township);
    /// a page past the end is the last. Villages without a score go last whichever way scores
    /// are sorted.
    init(_ villages: [VillageRowDTO], sort: String?, descending: Bool?, page: Int?, pageSize: Int = VillageTable.pageSize) {
        let chosen = sort.flatMap(Key.init(rawValue:))
        let key = chosen ?? .township
        self.sort = key
        self.descending = descending ?? key.startsDescending
        self.pageSize = pageSize
        total = villages.count
        pages = max(1, (villages.count + pageSize - 1) / pageSize)
        self.page = min(max(page ?? 1, 1), pages)
        let chinese = Locale(identifier: "zh-Hans-CN")
        func text(_ a: String, _ b: String) -> ComparisonResult { a.compare(b, locale: chinese) }
        func number(_ a: Double?, _ b: Double?) -> ComparisonResult? {
            switch (a, b) {
            case let (x?, y?): return x == y ? .orderedSame : x < y ? .orderedAscending : .orderedDescending
            case (nil, nil): return .orderedSame
            default: return nil
            }
        }
        let states = SheetState.allCases.map(\.rawValue)
        let flip = self.descending
        let ordered = chosen == nil ? villages : villages.enumerated().sorted { l, r in
            let (a, b) = (l.element, r.element)
            var result: ComparisonResult
            switch key {
            case .township: result = text(a.township, b.township)
            case .name: result = text(a.name, b.name)
            case .state: result = (states.firstIndex(of: a.state) ?? 0) == (states.firstIndex(of: b.state) ?? 0) ? .orderedSame
                : (states.firstIndex(of: a.state) ?? 0) < (states.firstIndex(of: b.state) ?? 0) ? .orderedAscending : .orderedDescending
            case .score, .previous:
                let (x, y) = key == .score ? (a.score, b.score) : (a.previousScore, b.previousScore)
                guard let compared = number(x, y) else { return x != nil }
                result = compared
            }
            if result == .orderedSame { return l.offset < r.offset }
            return flip ? result == .orderedDescending : result == .orderedAscending
        }.map(\.element)
        rows = Array(ordered.dropFirst((self.page - 1) * pageSize).prefix(pageSize))
    }

    func query(sort: Key, descending: Bool, page: Int) -> String {
        "sort=\(sort.rawValue)&dir=\(descending ? "desc" : "asc")&page=\(page)" + (pageSize == Self.pageSize ? "" : "&per=\(pageSize)")
    }
}

/// District → township → village dashboards, printable reports and exports of a cycle.
struct DashboardController {
    func register(_ router: Router) {
        // Dashboards, reports and exports only read: from a fit standby when one is configured.
        router.page(.GET, .unit(.key, .dashboard(.key)), .onUnit(.viewUnit), reads: .standby, page)
        router.page(.GET, .unit(.key, .report(.key)), .onUnit(.viewUnit), reads: .standby, report)
        router.page(.GET, .unit(.key, .cycle(.key, .export)), .onUnit(.viewUnit), reads: .standby, export)
        router.page(.POST, .unit(.key, .cycle(.key, .exports)), .onUnit(.startJobs)) { request, unit in
            request.redirect(to: try await startExport(request, unit).page, redirectType: .normal)
        }
        router.api(.POST, .unit(.key, .exports(.key)), .onUnit(.startJobs),
                   APIDoc(summary: T(.apiExport), request: "ExportInput", response: "Job", status: 202),
                   startExport)
        router.page(.POST, .unit(.key, .cycle(.key, .recompute)), .onUnit(.startJobs)) { request, unit in
            request.redirect(to: try await startRecompute(request, unit).page, redirectType: .normal)
        }
        router.api(.POST, .unit(.key, .recompute(.key)), .onUnit(.startJobs),
                   APIDoc(summary: T(.apiRecompute), response: "Job", status: 202),
                   startRecompute)
        router.api(.GET, .unit(.key, .dashboard(.key)), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiDashboard), response: "Dashboard"), reads: .standby, api)
    }

    /// A city's dashboard lists its districts, not its thousands of villages (each
    /// district's dashboard lists them); a district's and a township's list every village.
    static func dashboard(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit) async throws -> DashboardDTO {
        let (sheets, summaries, stale) = try await Sheets.villageSheets(cycle: cycle, under: unit, context: request.sheets, checks: false,
                                                                        staleLimit: Sheets.viewStaleLimit(unit.kind))
        // Many villages changed since their summaries were kept: the reader sees the last
        // ones, marked, and they are computed again in the background.
        if !stale.isEmpty { Self.refresh(request, cycle: try cycle.requireID(), under: try unit.requireID(), path: unit.path) }
        var dto = try await dashboard(request, cycle: cycle, unit: unit, summaries: summaries, sheets: sheets, listVillages: unit.kind != .city)
        dto.refreshing = stale.count
        return dto
    }

    /// The dashboard from summaries the caller already has (an export needs both), and
    /// their village sheets if it has them.
    static func dashboard(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, summaries: [UUID: SheetSummary],
                          sheets known: [VillageSheet]? = nil, listVillages: Bool = true) async throws -> DashboardDTO {
        let catalogue = request.application.config.catalogue
        var sheets = known ?? []
        if known == nil {
            sheets = try await AssessmentSheet.villageRows(cycle: cycle.requireID(), below: unit.path, texts: .none, on: request.readDB)
        }
        let units = try await OrgUnit.names(below: unit.path, on: request.readDB)
        let names = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var previous: [UUID: SheetSummary] = [:]
        if let last = try await AssessmentCycle.query(on: request.readDB).filter(\.$unitID == cycle.unitID).filter(\.$year == cycle.year - 1).first() {
            previous = try await Sheets.summaries(cycle: last, under: unit, context: request.sheets, checks: false)
        }
        let ordered = sheets.map { (path: names[$0.unitID]?.path ?? "", sheet: $0) }.sorted { $0.path < $1.path }.map(\.sheet)
        let villages = ordered.map { sheet -> VillageRowDTO in
            let summary = summaries[sheet.unitID]
            let village = names[sheet.unitID]
            return VillageRowDTO(unitID: sheet.unitID, name: village?.name ?? "", township: village?.parentID.flatMap { names[$0]?.name } ?? "",
                                 state: sheet.state.rawValue, score: summary?.score, passed: summary?.passed,
                                 areaRates: (0..<catalogue.areas.count).map { summary?.areaRate($0) },
                                 previousScore: previous[sheet.unitID]?.score, submittedOnTime: (sheet.submittedOn ?? "9999") <= cycle.submitBy)
        }
        let all = ordered.compactMap { summaries[$0.unitID] }
        let areaRates = DashboardMath.areaRates(all, areas: catalogue.areas.count)
        let itemRates = DashboardMath.itemRates(all, items: catalogue.items.map(\.number))
        let goalRates = DashboardMath.goalRates(all, goals: catalogue.goals.count)
        let weakest = itemRates.sorted { $0.rate == $1.rate ? $0.number < $1.number : $0.rate < $1.rate }.prefix(5).map { r in
            ItemRateDTO(number: r.number, metRate: r.rate, text: catalogue.item(r.number)?.headline ?? "")
        }
        let rows = ordered.map { DashboardMath.Row(summary: summaries[$0.unitID], state: $0.state, submittedOn: $0.submittedOn, previousScore: previous[$0.unitID]?.score) }
        let parts = try await Self.parts(request, cycle: cycle, unit: unit, units: units, sheets: ordered, summaries: summaries)
        return DashboardDTO(cycle: CycleDTO(cycle), unitName: unit.name, villages: listVillages ? villages : [],
                            areas: catalogue.areas.enumerated().map { AreaRateDTO(number: $1.number, name: $1.name, metRate: areaRates[$0]) },
                            goals: catalogue.goals.enumerated().map { AreaRateDTO(number: $1.number, name: $1.title, metRate: goalRates[$0]) },
                            items: itemRates.map { r in ItemRateDTO(number: r.number, metRate: r.rate, text: catalogue.item(r.number)?.headline ?? "") },
                            weakestItems: Array(weakest), completeness: DashboardMath.completeness(rows, submitBy: cycle.submitBy),
                            meanScore: DashboardMath.mean(all.compactMap(\.score)),
                            previousMeanScore: previous.isEmpty ? nil : DashboardMath.mean(ordered.compactMap { previous[$0.unitID]?.score }),
                            townships: Dictionary(units.filter { $0.kind == .township }.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a }),
                            parts: parts, refreshing: 0)
    }

    /// The units one level below a city or a district, each with its villages' figures.
    static func parts(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, units: [UnitName], sheets: [VillageSheet],
                      summaries: [UUID: SheetSummary]) async throws -> [PartRowDTO] {
        guard unit.kind == .city || unit.kind == .district, let unitID = unit.id else { return [] }
        let catalogue = request.application.config.catalogue
        let children = units.filter { $0.parentID == unitID }.sorted { Hierarchy.precedes(($0.code, $0.name), ($1.code, $1.name)) }
        let ids = children.map(\.id)
        guard !ids.isEmpty else { return [] }
        let own = try await PlacedRows.all(["unit_id", "state"], "FROM assessment_sheets WHERE cycle_id = \(bind: cycle.requireID()) AND unit_id IN (\(binds: ids))",
                                           on: request.readDB)
        let ownState = Dictionary(try own.map { row in var row = row; return (try row.next(UUID.self), try row.next(String.self)) }, uniquingKeysWith: { a, _ in a })
        // Each village's sheet under its child of the unit: the unit's path and the next
        // segment of its own (not a pass over every sheet for every child).
        var below: [String: [VillageSheet]] = [:]
        let prefix = unit.path
        for sheet in sheets where sheet.unitPath.hasPrefix(prefix) {
            let rest = sheet.unitPath.utf8.dropFirst(prefix.utf8.count)
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { continue }
            below[String(sheet.unitPath[..<sheet.unitPath.utf8.index(after: slash)]), default: []].append(sheet)
        }
        let items = catalogue.items.map(\.number)
        return children.map { child in
            let here = below[child.path] ?? []
            let scored = here.compactMap { summaries[$0.unitID] }
            let rows = here.map { DashboardMath.Row(summary: summaries[$0.unitID], state: $0.state, submittedOn: $0.submittedOn, previousScore: nil) }
            let passed = scored.map(\.passed)
            let weakest = DashboardMath.itemRates(scored, items: items)
                .sorted { $0.rate == $1.rate ? $0.number < $1.number : $0.rate < $1.rate }.prefix(3)
            return PartRowDTO(unitID: child.id, name: child.name, kind: child.kind.rawValue, completeness: DashboardMath.completeness(rows, submitBy: cycle.submitBy),
                              meanScore: DashboardMath.mean(scored.compactMap(\.score)),
                              passRate: passed.isEmpty ? nil : Double(passed.filter { $0 }.count) / Double(passed.count),
                              areaRates: DashboardMath.areaRates(scored, areas: catalogue.areas.count), weakestItem: weakest.first?.number, weakestItems: weakest.map(\.number),
                              ownState: ownState[child.id])
        }
    }

    static func percent(_ rate: Double?) -> String { rate.map { Figure.text(($0 * 1000).rounded() / 10) + "%" } ?? "—" }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        guard unit.kind != .village else { throw AppError.notFound }
        let cycle = try await request.cycle(covering: unit)
        let d = try await Self.dashboard(request, cycle: cycle, unit: unit)
        // The village table sorted and paged here (no script): ?sort=&dir=&page=.
        let table = VillageTable(d.villages, sort: request.query[String.self, at: "sort"], descending: request.query[String.self, at: "dir"].map { $0 == "desc" },
                                 page: request.query[String.self, at: "page"].flatMap { Int($0.prefix(6)) },
                                 pageSize: request.query[String.self, at: "per"].flatMap { Int($0.prefix(4)) }
                                    .map { min(max($0, VillageTable.pageSizes.lowerBound), VillageTable.pageSizes.upperBound) } ?? VillageTable.pageSize)
        return HTMLResponse.make(Layout.page(request: request, title: T(.dashboardTitle, unit.name, cycle.name),
                                             body: DashboardViews.body(d, unitID: try unit.requireID(), catalogue: request.application.config.catalogue,
                                                                       print: false, csrf: Layout.csrfField(request),
                                                                       mayStartJobs: request.principal?.may(.startJobs, at: unit.path) ?? false,
                                                                       table: table, base: Route.unit(.value(try unit.requireID()), .dashboard(.value(try cycle.requireID()))).path)))
    }

    @Sendable func api(_ request: Request, _ unit: OrgUnit) async throws -> DashboardDTO {
        return try await Self.dashboard(request, cycle: try await request.cycle(covering: unit), unit: unit)
    }

    /// A printable village report, or a township or district summary.
    @Sendable func report(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let cycle = try await request.cycle(covering: unit)
        let body: Node
        let title: String
        if unit.kind == .village {
            // Made at the cycle's opening; made here (on the primary) only if missing.
            let found = try await AssessmentSheet.query(on: request.readDB).filter(\.$cycleID == cycle.requireID()).filter(\.$unitID == unit.requireID()).first()
            let sheet = if let found { found } else { try await Sheets.sheet(cycle: cycle, unit: unit, on: request.db) }
            let dto = try await AssessmentController.sheetDTO(request, cycle: cycle, unit: unit, sheet: sheet)
            let rect = try await AssessmentController.rectification(request, cycle: cycle, unit: unit, sheet: sheet)
            title = T(.reportVillageTitle, unit.name, cycle.name)
            body = DashboardViews.villageReport(dto, rectification: rect, catalogue: request.application.config.catalogue)
        } else {
            title = T(.reportSummaryTitle, unit.name, cycle.name)
            body = DashboardViews.body(try await Self.dashboard(request, cycle: cycle, unit: unit), unitID: try unit.requireID(),
                                       catalogue: request.application.config.catalogue, print: true)
        }
        var parent: OrgUnit?
        if let parentID = unit.$parent.id { parent = try await OrgUnit.find(parentID, on: request.readDB) }
        return HTMLResponse.make(DashboardViews.printPage(title: title, block: .init(unit: unit.name, parent: parent?.name, kind: UnitViews.kindLabel(unit.kind),
                                                                                      cycle: cycle.name, asOf: cycle.asOf, printed: request.today.description,
                                                                                      village: unit.kind == .village),
                                                          body: body))
    }

    struct ExportInput: Content { var format: String? }

    /// Every village sheet of the cycle below the unit with item-level results, at once
    /// (for scripts; the page runs it as a job with progress).
    @Sendable func export(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let cycle = try await request.cycle(covering: unit)
        let file = try await Self.exportFile(request, cycle: cycle, unit: unit, csv: request.query[String.self, at: "format"] == "csv", progress: nil)
        return RecordTransferController.file(file.data, name: file.name)
    }

    static func exportFile(_ request: Request, cycle: AssessmentCycle, unit: OrgUnit, csv: Bool, progress: JobProgress?) async throws -> JobResult {
        let catalogue = request.application.config.catalogue
        let (sheets, summaries) = try await Sheets.villageSheets(cycle: cycle, under: unit, context: request.sheets, explanations: true, progress: progress)
        await progress?.phase(.jobPhaseWriting)
        let d = try await Self.dashboard(request, cycle: cycle, unit: unit, summaries: summaries, sheets: sheets)
        let (villages, sheetName) = (d.villages, cycle.name)
        // Named as officials file it: 怀柔区-2026年度评估汇总.xlsx.
        let name = T(.exportSummaryName, unit.name, String(cycle.year))
        try await Pacer.pause()
        // The rows and the file in one computation (in a job, on the low-priority thread).
        return try await Pacer.compute {
            let header = [T(.exportTownship), T(.overdueVillage), T(.sheetState), T(.sheetScore), T(.exportItem), T(.exportItemStatus), T(.exportChecks)]
            var rows: [[SheetCell]] = []
            for village in villages {
                let summary = summaries[village.unitID]
                for item in catalogue.items {
                    let status = summary?.items[item.number]
                    let checks = item.checks.map { c in c.id + " " + T(.titled, (summary?.checks[c.id]).flatMap(Status.init(rawValue:))?.label ?? "", summary?.explanations[c.id] ?? "") }
                    // Scores and item numbers are numbers, so Excel and WPS sum, sort and filter them.
                    rows.append([.text(village.township), .text(village.name), .text(SheetState(rawValue: village.state)?.label ?? village.state),
                                 village.score.map { .number($0, decimals: 2) } ?? .empty, .number(Double(item.number), decimals: 0),
                                 .text(status?.label ?? ""), .text(checks.joined(separator: "\n"))])
                }
            }
            let sheet = TypedSheet(header: header, rows: rows, widths: [12, 14, 10, 8, 6, 10, 80])
            if csv { return JobResult(data: CSV.write(sheet.plain), name: name + ".csv") }
            return JobResult(data: try XLSX.write(sheet, name: sheetName), name: name + ".xlsx")
        }
    }

    /// Starts an export of the cycle below the unit in the background.
    @Sendable func startExport(_ request: Request, _ unit: OrgUnit) async throws -> JobDTO {
        let cycle = try await request.cycle(covering: unit)
        // No body means the default; a body that is not the documented input is refused.
        let format = request.body.data == nil ? nil : try request.content.decode(ExportInput.self).format
        guard [nil, "xlsx", "csv"].contains(format) else { throw AppError.validation([FieldError(field: "format", message: T(.jobFormatUnknown))]) }
        let (unitID, cycleID) = (try unit.requireID(), try cycle.requireID())
        // Read from a fit standby unless this browser wrote lately (its change must be in the file).
        let standby = request.cookies[Reading.wroteCookie] == nil
        let job = try await Jobs.start(request, kind: JobKind.export.rawValue, unit: unit, cycleID: try cycle.requireID(), parameter: format ?? "xlsx") { background, progress in
            try await Reading.onStandby(background, mayUseStandby: standby) {
                let (unit, cycle) = try await Self.reload(unitID, cycleID, on: background.readDB)
                return try await Self.exportFile(background, cycle: cycle, unit: unit, csv: format == "csv", progress: progress)
            }
        }
        return try JobController.dto(job, now: request.now)
    }

    /// Starts a recomputation of every village's live results below the unit (what the
    /// dashboard shows), for after a bulk change or at the start of a day: each station's
    /// ledger is verified in full first, so evaluations start from fresh checkpoints.
    @Sendable func startRecompute(_ request: Request, _ unit: OrgUnit) async throws -> JobDTO {
        let cycle = try await request.cycle(covering: unit)
        let (unitID, cycleID) = (try unit.requireID(), try cycle.requireID())
        let standby = request.cookies[Reading.wroteCookie] == nil
        let job = try await Jobs.start(request, kind: JobKind.recompute.rawValue, unit: unit, cycleID: try cycle.requireID()) { background, progress in
            let (unit, cycle) = try await Self.reload(unitID, cycleID, on: background.db)
            // The nightly kind of pass: every ledger verified in full (new checkpoints), then every village.
            _ = try await LedgerStore.verify(under: unit, anchors: try LedgerAnchors.configuredLog(request.application),
                                             on: background.db, at: background.now, progress: progress)
            // The evaluation reads from a fit standby; what it keeps is written to the primary.
            _ = try await Reading.onStandby(background, mayUseStandby: standby) {
                try await Sheets.summaries(cycle: cycle, under: unit, context: background.sheets, recompute: true, progress: progress)
            }
            return nil
        }
        return try JobController.dto(job, now: request.now)
    }

    private static func reload(_ unitID: UUID, _ cycleID: UUID, on db: any Database) async throws -> (OrgUnit, AssessmentCycle) {
        guard let unit = try await OrgUnit.find(unitID, on: db), let cycle = try await AssessmentCycle.find(cycleID, on: db) else { throw AppError.notFound }
        return (unit, cycle)
    }

    /// Computes again, in the background, the stale summaries below `unit` a reader was just
    /// shown (`Sheets.villageSheets(staleLimit:)`): at most one pass per cycle and unit at a
    /// time in this process; what it keeps the next view reads. A pass that fails leaves
    /// the summaries stale for the next view to try again.
    static func refresh(_ request: Request, cycle: UUID, under unit: UUID, path: String) {
        let app = request.application
        let key = cycle.uuidString + path
        guard app.snapshotRefreshes.begin(key) else { return }
        let background = Request(application: app, method: .GET, url: request.url, on: app.eventLoopGroup.any())
        // Reads where the view that asked for it read (a standby or the primary); keeps on the primary.
        let standby = Reading.isOnStandby(request)
        app.jobTasks.start(UUID()) {
            defer { app.snapshotRefreshes.end(key) }
            do {
                try await Reading.onStandby(background, mayUseStandby: standby) {
                    guard let cycle = try await AssessmentCycle.find(cycle, on: background.readDB),
                          let unit = try await OrgUnit.find(unit, on: background.readDB) else { return }
                    _ = try await Pacer.background(app) {
                        try await Sheets.villageSheets(cycle: cycle, under: unit, context: background.sheets, checks: false)
                    }
                }
            } catch {
                background.logger.warning("summaries below \(path) not refreshed: \(error)")
            }
        }
    }
}
