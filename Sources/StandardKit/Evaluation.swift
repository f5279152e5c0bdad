/// The outcome of a check, item, goal or area.
public enum Status: String, Sendable, Codable, CaseIterable {
    /// 达标
    case met
    /// 未达标
    case notMet
    /// 待审核: awaiting evidence or a reviewer's decision.
    case pending
    /// 不适用: not applicable, not yet due, or assessed at another level.
    case notApplicable

    public var label: String {
        switch self {
        case .met: return "达标"
        case .notMet: return "未达标"
        case .pending: return "待审核"
        case .notApplicable: return "不适用"
        }
    }

    /// Any not met → not met; else any pending → pending; else all not applicable → not applicable; else met.
    public static func combine(_ statuses: some Sequence<Status>) -> Status {
        var sawPending = false, sawMet = false
        for status in statuses {
            switch status {
            case .notMet: return .notMet
            case .pending: sawPending = true
            case .met: sawMet = true
            case .notApplicable: break
            }
        }
        return sawPending ? .pending : (sawMet ? .met : .notApplicable)
    }
}

/// How results become a score: every village-level item weighs 1 unless a weight is
/// set; a met item earns its weight (or, with partial credit, its share of met
/// checks); not-applicable items leave the denominator.
public struct ScoringScheme: Sendable, Equatable {
    public var passMark: Double = 80
    public var partialCredit = false
    /// Item number → weight.
    public var weights: [Int: Double] = [:]
    public init(passMark: Double = 80, partialCredit: Bool = false, weights: [Int: Double] = [:]) {
        self.passMark = passMark
        self.partialCredit = partialCredit
        self.weights = weights
    }

    public func weight(of item: Int) -> Double { weights[item] ?? 1 }
}

public struct CheckResult: Sendable, Equatable {
    public var id: String
    public var status: Status
    public var explanation: String
}

public struct ItemResult: Sendable, Equatable {
    public var number: Int
    public var status: Status
    /// Whether the item counts in the village's score.
    public var scored: Bool
    public var weight: Double
    public var earned: Double
    public var checks: [CheckResult]
}

public struct Tally: Sendable, Equatable {
    public var met = 0, notMet = 0, pending = 0, notApplicable = 0
    public var earned = 0.0, possible = 0.0

    mutating func add(_ item: ItemResult) {
        switch item.status {
        case .met: met += 1
        case .notMet: notMet += 1
        case .pending: pending += 1
        case .notApplicable: notApplicable += 1
        }
        if item.scored { earned += item.earned; possible += item.weight }
    }

    /// 0…100, nil when nothing here is scored.
    public var score: Double? { possible > 0 ? (earned / possible * 1000).rounded() / 10 : nil }
}

public struct GroupResult: Sendable, Equatable {
    public var number: Int
    public var status: Status
    public var tally: Tally
}

public struct Evaluation: Sendable, Equatable {
    public var standard: String
    public var village: String
    public var year: Int
    public var asOf: LocalDate
    public var items: [ItemResult]
    public var goals: [GroupResult]
    public var areas: [GroupResult]
    public var tally: Tally
    public var passMark: Double
    public var passed: Bool

    public func item(_ number: Int) -> ItemResult? { items.first { $0.number == number } }
    public func check(_ id: String) -> CheckResult? {
        for item in items { if let c = item.checks.first(where: { $0.id == id }) { return c } }
        return nil
    }
}

/// Evaluates villages against one catalogue under one scoring scheme.
public struct Evaluator: Sendable {
    public let catalogue: Catalogue
    public let scheme: ScoringScheme

    public init(catalogue: Catalogue, scheme: ScoringScheme = ScoringScheme()) {
        self.catalogue = catalogue
        self.scheme = scheme
    }

    /// `asOf` defaults to the facts' own date, then to the last day of the year.
    public func evaluate(_ facts: VillageFacts, asOf: LocalDate? = nil) -> Evaluation {
        let asOf = asOf ?? facts.asOf ?? LocalDate.lastDay(of: facts.year)
        let context = RuleContext(facts: facts, asOf: asOf)
        var reviews: [String: VillageFacts.Review] = [:]
        for review in facts.reviews { reviews[review.check] = review }
        var others: [String: VillageFacts.OtherLevelResult] = [:]
        for result in facts.otherLevelResults { others[result.check] = result }

        var items: [ItemResult] = []
        items.reserveCapacity(catalogue.items.count)
        for item in catalogue.items {
            var results: [CheckResult] = []
            results.reserveCapacity(item.checks.count)
            var villageStatuses: [Status] = []
            for check in item.checks {
                let (status, explanation): (Status, String)
                if check.level != .village {
                    (status, explanation) = otherLevel(check, others[check.id])
                } else if let rule = check.rule {
                    (status, explanation) = context.evaluate(rule)
                    villageStatuses.append(status)
                } else {
                    (status, explanation) = evidenced(check, reviews[check.id])
                    villageStatuses.append(status)
                }
                results.append(CheckResult(id: check.id, status: status, explanation: explanation))
            }
            let status = villageStatuses.isEmpty ? .notApplicable : Status.combine(villageStatuses)
            let scored = status != .notApplicable
            let weight = scheme.weight(of: item.number)
            var earned = 0.0
            if scored {
                if status == .met {
                    earned = weight
                } else if scheme.partialCredit {
                    let assessable = villageStatuses.filter { $0 != .notApplicable }
                    let met = assessable.filter { $0 == .met }.count
                    earned = assessable.isEmpty ? 0 : weight * Double(met) / Double(assessable.count)
                }
            }
            items.append(ItemResult(number: item.number, status: status, scored: scored, weight: weight, earned: earned, checks: results))
        }

        var goals: [GroupResult] = []
        var areas: [GroupResult] = []
        var total = Tally()
        var index = 0
        for area in catalogue.areas {
            var areaTally = Tally()
            var areaStatuses: [Status] = []
            for goal in area.goals {
                var tally = Tally()
                let slice = items[index..<index + goal.items.count]
                index += goal.items.count
                for item in slice { tally.add(item); areaTally.add(item); total.add(item) }
                let status = Status.combine(slice.map(\.status))
                areaStatuses.append(status)
                goals.append(GroupResult(number: goal.number, status: status, tally: tally))
            }
            areas.append(GroupResult(number: area.number, status: Status.combine(areaStatuses), tally: areaTally))
        }
        return Evaluation(standard: catalogue.version, village: facts.village.name, year: facts.year, asOf: asOf,
                          items: items, goals: goals, areas: areas, tally: total, passMark: scheme.passMark,
                          passed: (total.score ?? 0) >= scheme.passMark)
    }

    private func evidenced(_ check: Check, _ review: VillageFacts.Review?) -> (Status, String) {
        guard let review else { return (.pending, "尚无审核结论，需提供：\(check.evidence ?? "佐证材料")") }
        let note = review.note.flatMap { $0.isEmpty ? nil : $0 }
        switch review.decision {
        case .accepted: return (.met, "佐证材料审核通过" + (note.map { "：\($0)" } ?? ""))
        case .returned: return (.notMet, "佐证材料被退回" + (note.map { "：\($0)" } ?? ""))
        }
    }

    private func otherLevel(_ check: Check, _ result: VillageFacts.OtherLevelResult?) -> (Status, String) {
        let unit = check.level.label
        guard let result else { return (.notApplicable, "由\(unit)评定，不计入本村得分；尚无评定结果") }
        let note = result.note.flatMap { $0.isEmpty ? nil : $0 }
        return (.notApplicable, "由\(unit)评定，不计入本村得分；评定结果：\(result.status.label)" + (note.map { "（\($0)）" } ?? ""))
    }
}
