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
        case .met: return say(.statusMet)
        case .notMet: return say(.statusNotMet)
        case .pending: return say(.statusPending)
        case .notApplicable: return say(.statusNotApplicable)
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

    public func weight(of item: Int) -> Double { weights.isEmpty ? 1 : weights[item] ?? 1 }
}

public struct CheckResult: Sendable, Equatable {
    public var id: String
    /// The status in the village's own tally: a check assessed at the township or district
    /// is notApplicable here, whatever that level's result.
    public var status: Status
    public var explanation: String
    /// For a check assessed at the township or district: its result there (computed from
    /// the village's records for a measured check, given by that level for an evidenced
    /// one), shown on the village's sheet but never scored against it. Nil for the village's own.
    public var levelStatus: Status?

    public init(id: String, status: Status, explanation: String, levelStatus: Status? = nil) {
        self.id = id
        self.status = status
        self.explanation = explanation
        self.levelStatus = levelStatus
    }

    /// What the sheet shows: the level's result for another level's check, else the status.
    public var shownStatus: Status { levelStatus ?? status }
}

public struct ItemResult: Sendable, Equatable {
    public var number: Int
    public var status: Status
    /// Whether the item counts in the village's score.
    public var scored: Bool
    public var weight: Double
    public var earned: Double
    /// This item's checks: a slice of the evaluation's one array of results.
    public var checks: ArraySlice<CheckResult>
}

public struct Tally: Sendable, Equatable {
    public var met = 0, notMet = 0, pending = 0, notApplicable = 0
    public var earned = 0.0, possible = 0.0

    mutating func count(_ status: Status) {
        switch status {
        case .met: met += 1
        case .notMet: notMet += 1
        case .pending: pending += 1
        case .notApplicable: notApplicable += 1
        }
    }

    /// The combined status of what was counted (see `Status.combine`).
    public var status: Status {
        notMet > 0 ? .notMet : pending > 0 ? .pending : met > 0 ? .met : .notApplicable
    }

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

        // All check results go into one array; each item holds a slice of it.
        var results: [CheckResult] = []
        results.reserveCapacity(catalogue.checks.count)
        var summaries: [(status: Status, earned: Double, range: Range<Int>)] = []
        summaries.reserveCapacity(catalogue.items.count)
        for item in catalogue.items {
            let first = results.count
            var village = Tally()
            for check in item.checks {
                let (status, explanation): (Status, String)
                var levelStatus: Status?
                if check.level != .village, let rule = check.rule {
                    // The government's duty (拨付及时…), measured from what the village recorded:
                    // shown on its sheet, assessed at the check's level, never scored here.
                    let (computed, text) = context.evaluate(rule, subject: check.subject.text(english: context.english),
                                                            met: check.metText.text(english: context.english))
                    (status, explanation, levelStatus) = (.notApplicable, say(.otherLevelMeasured, check.level.label, computed.label, Self.withReading(text, check, context)), computed)
                } else if check.level != .village {
                    let result = others.isEmpty ? nil : others[check.id]
                    (status, explanation) = otherLevel(check, result, english: context.english)
                    levelStatus = result.map { Status(rawValue: $0.status.rawValue) ?? .pending }
                } else {
                    if let rule = check.rule {
                        let (computed, text) = context.evaluate(rule, subject: check.subject.text(english: context.english),
                                                                met: check.metText.text(english: context.english))
                        (status, explanation) = (computed, Self.withReading(text, check, context))
                    } else {
                        (status, explanation) = evidenced(check, reviews.isEmpty ? nil : reviews[check.id], context: context)
                    }
                    village.count(status)
                }
                results.append(CheckResult(id: check.id, status: status, explanation: explanation, levelStatus: levelStatus))
            }
            let status = village.status
            let weight = scheme.weight(of: item.number)
            var earned = 0.0
            if status == .met {
                earned = weight
            } else if status != .notApplicable, scheme.partialCredit {
                let assessable = village.met + village.notMet + village.pending
                earned = assessable == 0 ? 0 : weight * Double(village.met) / Double(assessable)
            }
            summaries.append((status, earned, first..<results.count))
        }
        var items: [ItemResult] = []
        items.reserveCapacity(catalogue.items.count)
        for (item, summary) in zip(catalogue.items, summaries) {
            items.append(ItemResult(number: item.number, status: summary.status, scored: summary.status != .notApplicable,
                                    weight: scheme.weight(of: item.number), earned: summary.earned, checks: results[summary.range]))
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

    /// A measured check's explanation with its local reading, if it has one.
    private static func withReading(_ text: String, _ check: Check, _ context: RuleContext) -> String {
        guard let suffix = check.readingSuffix?.text(english: context.english) else { return text }
        return text + suffix
    }

    private func evidenced(_ check: Check, _ review: VillageFacts.Review?, context: RuleContext) -> (Status, String) {
        guard let review else {
            // No decision yet: the village's records may show it already.
            if let rule = check.recordsRule {
                let (status, text) = context.evaluate(rule, subject: rule.subject, met: "")
                if status == .met { return (.met, say(.evidenceByRecords, text)) }
            }
            return (.pending, check.waitingExplanation.text(english: context.english))
        }
        let note = review.note.flatMap { $0.isEmpty ? nil : $0 }
        switch review.decision {
        case .accepted: return (.met, note.map { say(.evidenceAcceptedWithNote, $0) } ?? say(.evidenceAccepted))
        case .returned: return (.notMet, note.map { say(.evidenceReturnedWithNote, $0) } ?? say(.evidenceReturned))
        }
    }

    private func otherLevel(_ check: Check, _ result: VillageFacts.OtherLevelResult?, english: Bool) -> (Status, String) {
        guard let result else { return (.notApplicable, check.waitingExplanation.text(english: english)) }
        let unit = check.level.label
        let note = result.note.flatMap { $0.isEmpty ? nil : $0 }
        return (.notApplicable, note.map { say(.otherLevelResultWithNote, unit, result.status.label, $0) }
                                    ?? say(.otherLevelResult, unit, result.status.label))
    }
}
