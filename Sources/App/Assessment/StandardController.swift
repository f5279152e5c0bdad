import Fluent
import StandardKit
import Vapor

/// A village's live evaluation against the 62 items, as a page and as JSON.
struct StandardController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .standard), .onUnit(.viewUnit), page)
        router.apiResponse(.GET, .api(.unit(.key, .evaluation)), .onUnit(.viewUnit),
                           APIDoc(summary: T(.apiEvaluation), response: "Evaluation"), api)
    }

    /// The year asked for (default this year in Beijing) and its as-of date: today, or the
    /// last day of a past year.
    static func period(_ request: Request) throws -> (year: Int, asOf: LocalDate) {
        let today = beijingToday(request.now)
        let year = try request.queryInt("year", in: LocalDate.sane) ?? today.year
        guard (2000...today.year).contains(year) else {
            throw AppError.badQuery([FieldError(field: "year", message: T(.standardYearRange, String(today.year)))])
        }
        return (year, year < today.year ? LocalDate.lastDay(of: year) : today)
    }

    static func beijingToday(_ now: Date) -> LocalDate {
        LocalDate(dayNumber: Int((now.timeIntervalSince1970 + 8 * 3600) / 86_400))
    }

    /// An approved sheet's kept result, which pages show in place of the live one.
    struct Kept {
        var cycleName: String
        var approvedOn: String
        var summary: SheetSummary
    }

    /// The village's evaluation for the year asked for. Where a cycle covers that year it is
    /// the sheet's own evaluation — records, reviewed evidence and the township's and
    /// district's results, as of the cycle's date — so this page, the sheet, reports and
    /// dashboards agree; an approved sheet's kept result comes with it.
    static func evaluate(_ request: Request, _ unit: OrgUnit) async throws -> (OrgUnit, Evaluation, Kept?) {
        let village = unit
        guard village.kind == .village else { throw AppError.notFound }
        let config = request.application.config
        let (year, asOf) = try period(request)
        if let cycle = try await AssessmentController.cycles(covering: village, on: request.db).first(where: { $0.year == year }),
           let evaluation = try await Sheets.evaluate(cycle: cycle, under: village, context: request.sheets).first?.evaluation {
            let sheet = try await AssessmentSheet.query(on: request.db).filter(\.$cycleID == cycle.requireID()).filter(\.$unitID == village.requireID()).first()
            let kept = sheet.flatMap { sheet -> Kept? in
                guard sheet.state == .approved, let text = sheet.result, let summary = SheetSummary.decodeKept(text) else { return nil }
                return Kept(cycleName: cycle.name, approvedOn: sheet.approvedOn ?? "", summary: summary)
            }
            return (village, evaluation, kept)
        }
        guard let facts = try await VillageFactsBuilder.build(under: village, year: year, asOf: asOf, on: request.db).first?.facts else { throw AppError.notFound }
        return (village, Evaluator(catalogue: config.catalogue, scheme: config.scheme).evaluate(facts, asOf: asOf), nil)
    }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (village, evaluation, kept) = try await Self.evaluate(request, unit)
        let catalogue = request.application.config.catalogue
        // Who keeps the village's records gets each check's action ("去处理") and the plan.
        let mayAct = kept == nil && (request.principal?.may(.editRecords, at: village.path) ?? false)
        return HTMLResponse.make(Layout.page(request: request, title: T(.standardTitle, village.name, String(evaluation.year)),
                                             body: StandardViews.evaluation(evaluation, catalogue: catalogue, village: village, kept: kept, mayAct: mayAct)))
    }

    @Sendable func api(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, evaluation, _) = try await Self.evaluate(request, unit)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: Report.evaluationJSON(evaluation)))
    }
}

enum StandardViews {
    /// "去处理" beside a village's own measured check not met (evidence is added on the sheet).
    static func fixLink(_ check: Check, _ result: CheckResult, mayAct: Bool, village: OrgUnit) -> Node {
        guard mayAct, result.levelStatus == nil, check.kind == .measured, result.status == .notMet || result.status == .pending,
              let link = RecordLinks.fix(check, unitID: village.id.linked) else { return .group([]) }
        return .group([.text(" "), .el("a", ["href": link], T(.planDo))])
    }

    static func statusNode(_ status: Status) -> Node {
        let css: String
        switch status {
        case .met: css = "met"
        case .notMet: css = "notmet"
        case .pending: css = "pending"
        case .notApplicable: css = "muted"
        }
        return .el("span", ["class": css], status.label)
    }

    static func evaluation(_ evaluation: Evaluation, catalogue: Catalogue, village: OrgUnit, kept: StandardController.Kept? = nil, mayAct: Bool = false) -> Node {
        let score = evaluation.tally.score.map(Figure.text) ?? "—"
        var parts: [Node] = [
            kept.map { kept in
                .el("p", ["class": "pending", "id": "kept-result"],
                    T(.standardKept, kept.cycleName, kept.approvedOn, kept.summary.score.map(Figure.text) ?? "—", score))
            } ?? .el("p", [:], T(.standardSummary, evaluation.asOf.description, score, String(evaluation.tally.met), String(evaluation.tally.notMet),
                                 String(evaluation.tally.pending), String(evaluation.tally.notApplicable))),
            .el("p", ["class": "muted"], T(.standardNote)),
            .when(mayAct, .el("p", [:], [.el("a", ["class": "button", "href": Route.unit(.value(village.id.linked), .plan).path], T(.planLink))])),
        ]
        var index = 0
        for (a, area) in catalogue.areas.enumerated() {
            parts.append(.el("h2", [:], [.text(area.heading + " "), statusNode(evaluation.areas[a].status)]))
            var rows: [[Node]] = []
            for goal in area.goals {
                for item in goal.items {
                    let result = evaluation.items[index]
                    index += 1
                    let checks: [Node] = zip(item.checks, result.checks).map { check, checkResult in
                        // "1.1 已设立…：已设立…" says it twice; the title alone does when they agree.
                        // Another level's check shows that level's result, with the level named.
                        // Approved: the kept status, and today's where it differs.
                        let shown = kept?.summary.checks[check.id].flatMap(Status.init(rawValue:)) ?? checkResult.shownStatus
                        return .el("li", [:], [statusNode(shown), .text(" \(check.id) \(check.title)"),
                                               .when(check.level != .village, .text(T(.parenthesized, check.level.label))),
                                               .when(checkResult.explanation != check.title, .text(T(.sepColon) + checkResult.explanation)),
                                               .when(shown != checkResult.shownStatus,
                                                     .el("span", ["class": "muted live-differs"], T(.parenthesized, T(.standardLiveDiffers, checkResult.shownStatus.label)))),
                                               fixLink(check, checkResult, mayAct: mayAct, village: village)])
                    }
                    let itemStatus = kept?.summary.items[item.number] ?? result.status
                    rows.append([.text(String(item.number)), statusNode(itemStatus), .el("ul", ["class": "checks"], checks)])
                }
            }
            parts.append(Layout.table(caption: nil, headers: [T(.standardItem), T(.standardStatus), T(.standardChecks)], rows: rows))
        }
        return .group(parts)
    }
}
