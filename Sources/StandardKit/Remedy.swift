/// One thing a village can do towards meeting a check, as the engine computes it from the
/// same facts the check reads: "再配备1名专职工作人员（640户应配3名，现有2名）".
public struct RemedyStep: Sendable, Equatable {
    /// What to do, in the evaluation's language.
    public var text: String
    /// A day to put on the record this step asks for (inside the period that lacks it).
    public var date: LocalDate?
    /// The kind of record to make (a meeting's or activity's kind), as its raw value.
    public var kind: String?
    /// The person it is about (an untrained worker).
    public var person: String?
    /// The step can only repair the record of a period already over: if the thing was
    /// not done then, nothing done now meets the check this year.
    public var pastPeriod: Bool

    init(_ text: String, date: LocalDate? = nil, kind: String? = nil, person: String? = nil, pastPeriod: Bool = false) {
        self.text = text
        self.date = date
        self.kind = kind
        self.person = person
        self.pastPeriod = pastPeriod
    }
}

extension Evaluator {
    /// The steps that would meet each of `checks` (village-level measured checks not met
    /// or pending), computed from `facts` as of the evaluation's date. A check with no
    /// countable shortfall (a record to correct, a link to make) gets no steps: its
    /// explanation says what is wrong.
    public func remedies(_ facts: VillageFacts, asOf: LocalDate? = nil, checks: Set<String>) -> [String: [RemedyStep]] {
        let asOf = asOf ?? facts.asOf ?? LocalDate.lastDay(of: facts.year)
        let context = RuleContext(facts: facts, asOf: asOf)
        var out: [String: [RemedyStep]] = [:]
        for check in catalogue.checks where check.level == .village && checks.contains(check.id) {
            guard let rule = check.rule else { continue }
            let steps = context.remedy(rule, subject: check.subject.text(english: context.english))
            if !steps.isEmpty { out[check.id] = steps }
        }
        return out
    }
}

extension RuleContext {
    func remedy(_ rule: Rule, subject: String) -> [RemedyStep] {
        let words = self.words
        func more(_ have: Int, _ minimum: Int) -> [RemedyStep] {
            have >= minimum ? [] : [RemedyStep(words.say(.remedyMore, String(minimum - have), String(minimum), String(have)))]
        }
        func missing(_ labels: [String]) -> [RemedyStep] {
            labels.isEmpty ? [] : [RemedyStep(words.say(.remedyMissing, labels.joined(separator: words.say(.listSeparator))))]
        }
        switch rule {
        case let .periodicMeetings(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for m in facts.meetings where m.date <= asOf && kinds.contains(m.kind) { counts.add(m.date, year: facts.year) }
            return periodic(counts, minimum: minimum, what: subject, kind: kinds.first?.rawValue)
        case let .periodicActivities(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.activities where a.date <= asOf && kinds.contains(a.kind) { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, what: subject, kind: kinds.first?.rawValue)
        case let .periodicVolunteerActivities(period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.volunteerActivities where a.date <= asOf { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, what: words.say(.periodicVolunteerActivities), kind: nil)
        case let .stationStaffing(perStaff, minimum, exclusiveOf):
            let households = facts.village.households
            let required = max(minimum, (households + perStaff - 1) / perStaff)
            let count = facts.workers.count { worker in isInPost(worker, .stationStaff) && !exclusiveOf.contains { isInPost(worker, $0) } }
            guard count < required else { return [] }
            return [RemedyStep(words.say(.remedyStaff, String(required - count), String(households), String(required), String(count)))]
        case let .registeredSocialOrganizations(types, minimum):
            return more(activeOrganizations().count { $0.status != .notFiled && types.contains($0.type) }, minimum)
        case let .activeVolunteers(per100, minimumHours):
            let required = max(1, Int((Double(facts.village.residentPopulation) * per100 / 100 - 1e-9).rounded(.up)))
            return more(facts.volunteers.count { $0.hours >= minimumHours - 1e-9 }, required)
        case let .volunteerTeams(minimum): return more(facts.volunteerTeams.count, minimum)
        case let .artTeams(minimum): return more(facts.artTeams.count, minimum)
        case let .fiveEldersVolunteers(minimum): return more(facts.volunteers.count(where: \.fiveElders), minimum)
        case let .workersInRole(role, minimum): return more(facts.workers.count { isInPost($0, role) }, minimum)
        case let .socialWorkers(minimum): return more(communityWorkers.count { $0.qualification != .none }, minimum)
        case let .fundsBudgeted(kinds, minimum): return more(facts.funds.count { kinds.contains($0.kind) }, minimum)
        case let .residentUnitContributions(minimum):
            return more(facts.residentUnits.reduce(0) { $0 + $1.contributions.count { counted($0.date) } }, minimum)
        case let .residentUnitAgreements(kinds, minimum):
            return more(facts.residentUnits.count { unit in
                unit.agreements.contains { kinds.contains($0.kind) && $0.from <= cutoff && ($0.to.map { $0 >= cutoff } ?? true) }
            }, minimum)
        case let .servicePoints(types, minimumKinds):
            let present = types.filter { usableFacilities.contains($0) }
            guard present.count < minimumKinds else { return [] }
            return [RemedyStep(words.say(.remedyMoreOf, String(minimumKinds - present.count),
                                         FacilityType.labels(types.filter { !usableFacilities.contains($0) })))]
        case let .stationFloorArea(minimum):
            let area = facts.station.floorArea
            guard area < minimum else { return [] }
            return [RemedyStep(words.say(.remedyArea, Self.number(minimum - area), Self.number(minimum), Self.number(area)))]
        case let .weeklyOpeningHours(minimumHours):
            let minutes = Self.weeklyMinutes(facts.station.openingHours)
            let short = Int((minimumHours * 60).rounded()) - minutes
            guard short > 0 else { return [] }
            let shown = short % 60 == 0 ? words.say(.hoursWhole, String(short / 60)) : words.say(.hoursWithMinutes, String(short / 60), String(short % 60))
            return [RemedyStep(words.say(.remedyHours, shown, Self.number(minimumHours)))]
        case let .requiredFacilities(types): return missing(types.filter { !usableFacilities.contains($0) }.map(\.label))
        case let .stationUtilities(utilities):
            let present = WordSet(facts.station.utilities)
            return missing(utilities.filter { !present.contains($0) }.map(\.label))
        case let .socialOrganizationTypes(types):
            let present = WordSet(activeOrganizations().lazy.map(\.type))
            return missing(types.filter { !present.contains($0) }.map(\.label))
        case let .serviceFields(fields):
            let present = WordSet(facts.services.lazy.map(\.field))
            return missing(fields.filter { !present.contains($0) }.map(\.label))
        case let .organizationExists(kind):
            return facts.organizations.exists(kind) ? [] : missing([kind.label])
        case .everyoneTrained:
            return communityWorkers.filter { $0.trainingHours <= 0 }.map { worker in
                RemedyStep(words.say(.remedyTrain, worker.name), person: worker.name)
            }
        case let .averageTrainingHours(minimumHours):
            guard !communityWorkers.isEmpty else { return [] }
            let total = communityWorkers.reduce(0) { $0 + Int(($1.trainingHours * 100).rounded()) }
            let required = Int((minimumHours * 100).rounded()) * communityWorkers.count
            guard total < required else { return [] }
            return [RemedyStep(words.say(.remedyTrainingHours, Self.number(Double(required - total) / 100), String(communityWorkers.count), Self.number(minimumHours)))]
        default:
            return []
        }
    }

    /// Periods over with too few records: record what was held (if it was); the period
    /// running now: hold what is still lacking before it ends.
    private func periodic(_ counts: PeriodCounts, minimum: Int, what: String, kind: String?) -> [RemedyStep] {
        let period = counts.period
        let ended = period == .quarter ? endedQuarters : period == .halfYear ? endedHalves : endedYears
        var steps: [RemedyStep] = []
        for index in 0..<ended where counts[index] < minimum {
            steps.append(RemedyStep(words.say(.remedyPastPeriod, words.say(period.nameWord(index)), what),
                                    date: period.span(index, of: facts.year).end, kind: kind, pastPeriod: true))
        }
        if ended < period.count, asOf >= yearStart, asOf <= yearEnd, counts[ended] < minimum {
            let end = period.span(ended, of: facts.year).end
            steps.append(RemedyStep(words.say(.remedyRunningPeriod, words.say(period.nameWord(ended)), end.description,
                                              String(minimum - counts[ended]), what), date: asOf, kind: kind))
        }
        return steps
    }
}
