import Fluent
import StandardKit
import Vapor

/// What it takes a village to reach 达标: each item not met with the steps the engine
/// computes from the same records (再配备1名专职工作人员…, 第四季度召开1次…), each linked to
/// the action that takes it, and the score the village would have with each item met.
struct PlanController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .plan), .onUnit(.viewUnit), page)
        router.api(.GET, .unit(.key, .plan), .onUnit(.viewUnit), APIDoc(summary: T(.apiPlan), response: "Plan"), api)
    }

    static func plan(_ request: Request, _ village: OrgUnit) async throws -> PlanDTO {
        guard village.kind == .village else { throw AppError.notFound }
        let (_, evaluation, _) = try await StandardController.evaluate(request, village)
        let catalogue = request.application.config.catalogue
        let unitID = try village.requireID()
        // The checks the village itself must change, and the facts their steps are computed from.
        var open = Set<String>()
        for item in evaluation.items where item.scored && (item.status == .notMet || item.status == .pending) {
            for check in item.checks where check.levelStatus == nil && (check.status == .notMet || check.status == .pending) { open.insert(check.id) }
        }
        var remedies: [String: [RemedyStep]] = [:]
        if !open.isEmpty, let facts = try await VillageFactsBuilder.build(under: village, year: evaluation.year, asOf: evaluation.asOf, on: request.db).first?.facts {
            remedies = Evaluator(catalogue: catalogue, scheme: request.application.config.scheme).remedies(facts, asOf: evaluation.asOf, checks: open)
        }
        let workers = remedies.values.contains { $0.contains { $0.person != nil } }
            ? Dictionary(try await RecordStore.list(.workers, village: unitID, on: request.db).map { (WorkerRecord(record: $0)[text: .name] ?? "", $0.id) },
                         uniquingKeysWith: { a, _ in a })
            : [:]
        let cycle = try await AssessmentController.cycles(covering: village, on: request.db).first { $0.year == evaluation.year }?.id
        let tally = evaluation.tally
        func score(_ earned: Double) -> Double? { tally.possible > 0 ? (earned / tally.possible * 1000).rounded() / 10 : nil }

        var items: [PlanItemDTO] = []
        var elsewhere: [PlanCheckDTO] = []
        for item in evaluation.items {
            guard let spec = catalogue.items.first(where: { $0.number == item.number }) else { continue }
            var checks: [PlanCheckDTO] = []
            for result in item.checks {
                guard let check = catalogue.check(result.id) else { continue }
                if result.levelStatus != nil {
                    // Another level's check: shown, never scored here, not the village's to change.
                    if result.shownStatus == .notMet || result.shownStatus == .pending {
                        elsewhere.append(PlanCheckDTO(check: check.id, kind: check.kind.rawValue, title: check.title, status: result.shownStatus.rawValue, explanation: result.explanation,
                                                      level: check.level.rawValue, byVillage: false, steps: []))
                    }
                    continue
                }
                guard item.scored, open.contains(check.id) else { continue }
                var steps = (remedies[check.id] ?? []).map { step in
                    PlanStepDTO(text: step.text, link: RecordLinks.fix(check, unitID: unitID, step: step, workers: workers, cycle: cycle), pastPeriod: step.pastPeriod)
                }
                if steps.isEmpty {
                    let text: String
                    if check.kind == .evidenced {
                        text = result.status == .notMet ? T(.planEvidenceAgain) : (cycle == nil ? T(.planEvidenceNoCycle) : T(.planEvidence))
                    } else {
                        text = T(.planSeeRecords)
                    }
                    steps = [PlanStepDTO(text: text, link: RecordLinks.fix(check, unitID: unitID, cycle: cycle), pastPeriod: false)]
                }
                checks.append(PlanCheckDTO(check: check.id, kind: check.kind.rawValue, title: check.title, status: result.status.rawValue, explanation: result.explanation,
                                           level: check.level.rawValue, byVillage: true, steps: steps))
            }
            guard !checks.isEmpty else { continue }
            // A period already over stands in the way: only its record, if the work was done, can
            // repair it; nothing done now meets the item this year.
            let lost = checks.contains { $0.steps.contains(where: \.pastPeriod) }
            items.append(PlanItemDTO(item: item.number, headline: spec.headline, status: item.status.rawValue,
                                     scoreIfMet: score(tally.earned - item.earned + item.weight), reachable: !lost, checks: checks))
        }
        // What can still be done first, the quickest first (items waiting only for evidence to
        // upload), then those needing work recorded; last, what only a past period's record can repair.
        func evidenceOnly(_ item: PlanItemDTO) -> Bool { item.checks.allSatisfy { $0.kind == CheckKind.evidenced.rawValue } }
        items.sort { a, b in
            if a.reachable != b.reachable { return a.reachable }
            if evidenceOnly(a) != evidenceOnly(b) { return evidenceOnly(a) }
            return a.item < b.item
        }
        let reachable = items.filter(\.reachable)
        // The fewest items that reach the pass mark, the largest gains first.
        var toPass: Int?
        if !evaluation.passed, tally.possible > 0 {
            var earned = tally.earned
            let gains = reachable.compactMap { planned in evaluation.items.first { $0.number == planned.item }.map { $0.weight - $0.earned } }.sorted(by: >)
            for (index, gain) in gains.enumerated() {
                earned += gain
                if earned / tally.possible * 100 >= evaluation.passMark - 1e-9 { toPass = index + 1; break }
            }
        }
        let best = tally.earned + reachable.reduce(0.0) { sum, planned in
            let result = evaluation.items.first { $0.number == planned.item }
            return sum + (result.map { $0.weight - $0.earned } ?? 0)
        }
        return PlanDTO(village: village.name, year: evaluation.year, asOf: evaluation.asOf.description, score: tally.score, passMark: evaluation.passMark,
                       passed: evaluation.passed, scoreIfAllDone: score(best), itemsToPass: toPass, items: items, otherLevels: elsewhere)
    }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let plan = try await Self.plan(request, unit)
        // The links are for whoever keeps the village's records; others read the steps.
        let mayAct = request.principal?.may(.editRecords, at: unit.path) ?? false
        return HTMLResponse.page(request, T(.planTitle, plan.village, String(plan.year)), Self.view(plan, unitID: try unit.requireID(), mayAct: mayAct))
    }

    @Sendable func api(_ request: Request, _ unit: OrgUnit) async throws -> PlanDTO { try await Self.plan(request, unit) }

    /// Kept short (a village far from 达标 has forty items here): a measured check shows its
    /// steps, or its explanation when the engine has none; an evidenced one a line and its
    /// upload link; the sheet has the rest.
    static func view(_ plan: PlanDTO, unitID: UUID, mayAct: Bool) -> Node {
        let now = plan.score.map(Figure.text) ?? "—"
        var parts: [Node] = [
            .el("p", ["id": "plan-summary"], plan.items.isEmpty ? T(.planNothing, now)
                : T(.planSummary, plan.asOf, now, Figure.text(plan.passMark), plan.passed ? T(.statusMet) : T(.statusNotMet),
                    String(plan.items.count(where: \.reachable)), plan.scoreIfAllDone.map(Figure.text) ?? "—")),
            .when(plan.itemsToPass != nil, .el("p", ["class": "notice", "id": "plan-to-pass"], T(.planToPass, String(plan.itemsToPass ?? 0)))),
            .when(!plan.passed && plan.itemsToPass == nil && !plan.items.isEmpty, .el("p", ["class": "notice"], T(.planOutOfReach))),
        ]
        func link(_ href: String?, _ text: String) -> Node {
            guard mayAct, let href else { return .group([]) }
            return .group([.text(" "), .el("a", ["href": href], text)])
        }
        for item in plan.items {
            parts.append(.el("section", ["id": "item-\(item.item)"], [
                .el("h2", [:], [.text(T(.sheetItem, String(item.item)) + " " + item.headline + " "), StandardViews.statusNode(Status(rawValue: item.status) ?? .pending)]),
                .el("p", [:], (item.scoreIfMet.map { T(.planIfMet, Figure.text($0)) } ?? "") + (item.reachable ? "" : T(.planLostThisYear))),
                .el("ul", ["class": "checks"], item.checks.map { check in
                    let head = StandardViews.statusNode(Status(rawValue: check.status) ?? .pending)
                    guard check.kind == CheckKind.measured.rawValue || check.steps.isEmpty else {
                        return .el("li", [:], [head, .text(" \(check.check) \(check.title)" + T(.sepColon) + check.steps[0].text), link(check.steps[0].link, T(.planDo))])
                    }
                    let generic = check.steps.count == 1 && check.steps[0].text == T(.planSeeRecords)
                    return .el("li", [:], [
                        head, .text(" \(check.check) \(check.title)" + (generic ? T(.sepColon) + check.explanation : "")),
                        .when(generic, link(check.steps.first?.link, T(.planDo))),
                        .when(!generic, .el("ul", [:], check.steps.map { step in
                            .el("li", ["class": step.pastPeriod ? "muted" : nil], [.text(step.text), link(step.link, T(.planDo))])
                        })),
                    ])
                }),
            ]))
        }
        if !plan.otherLevels.isEmpty {
            parts.append(.el("h2", [:], T(.planOtherLevels)))
            parts.append(.el("p", ["class": "muted"], T(.planOtherLevelsNote)))
            parts.append(.el("ul", ["class": "checks"], plan.otherLevels.map { check in
                .el("li", [:], [StandardViews.statusNode(Status(rawValue: check.status) ?? .pending),
                                .text(" \(check.check) \(check.title)" + T(.parenthesized, UnitViews.kindLabel(UnitKind(rawValue: check.level) ?? .township)))])
            }))
        }
        return .group(parts)
    }
}

struct PlanStepDTO: Content {
    var text: String
    /// The page that takes the step (a new record filled in, the profile, the evidence upload).
    var link: String?
    /// Only repairs the record of a period already over.
    var pastPeriod: Bool
}

struct PlanCheckDTO: Content {
    var check: String
    /// measured (from the records) or evidenced (reviewed evidence).
    var kind: String
    var title: String
    var status: String
    var explanation: String
    var level: String
    /// False for another level's check: the village cannot change it alone.
    var byVillage: Bool
    var steps: [PlanStepDTO]
}

struct PlanItemDTO: Content {
    var item: Int
    var headline: String
    var status: String
    /// The village's score with this item met and nothing else changed.
    var scoreIfMet: Double?
    /// False when a period already over stands in the way: only its record can repair it.
    var reachable: Bool
    var checks: [PlanCheckDTO]
}

struct PlanDTO: Content {
    var village: String
    var year: Int
    var asOf: String
    var score: Double?
    var passMark: Double
    var passed: Bool
    /// The score with every reachable item met.
    var scoreIfAllDone: Double?
    /// The fewest more items met that reach the pass mark (nil: passed, or out of reach this year).
    var itemsToPass: Int?
    var items: [PlanItemDTO]
    /// Unmet checks of the township or district shown on the village's sheet.
    var otherLevels: [PlanCheckDTO]

    static var schemas: [String: Schema] {
        typealias O = Schema
        let check = O.object(["check": O.string, "kind": O.oneOf(CheckKind.allCases.map(\.rawValue)), "title": O.string, "status": O.oneOf(Status.allCases.map(\.rawValue)), "explanation": O.string,
                              "level": O.string, "byVillage": O.boolean,
                              "steps": O.array(O.object(["text": O.string, "link": O.string.nullable, "pastPeriod": O.boolean], required: ["text", "pastPeriod"]))])
        return ["Plan": O.object(["village": O.string, "year": O.integer, "asOf": O.date, "score": O.number.nullable, "passMark": O.number,
                                  "passed": O.boolean, "scoreIfAllDone": O.number.nullable, "itemsToPass": O.integer.nullable,
                                  "items": O.array(O.object(["item": O.integer, "headline": O.string, "status": O.oneOf(Status.allCases.map(\.rawValue)),
                                                             "scoreIfMet": O.number.nullable, "reachable": O.boolean, "checks": O.array(check)],
                                                            required: ["item", "headline", "status", "reachable", "checks"])),
                                  "otherLevels": O.array(check)],
                                 required: ["village", "year", "asOf", "passMark", "passed", "items", "otherLevels"])]
    }
}
