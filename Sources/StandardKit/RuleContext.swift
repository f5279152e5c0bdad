/// One village's facts prepared for its rules: the as-of date, the cut-off inside the
/// year, and who is in post. Each rule reads only what it needs.
final class RuleContext {
    let facts: VillageFacts
    let asOf: LocalDate
    let yearStart: LocalDate
    let yearEnd: LocalDate
    /// min(as-of, last day of the year): events after it are not counted.
    let cutoff: LocalDate
    let yearEnded: Bool
    /// Community workers (every role but community assistant) in post at the cut-off.
    let communityWorkers: [VillageFacts.Worker]
    /// Facility types recorded and not out of use.
    let usableFacilities: WordSet<FacilityType>
    // Dates as text, made once: explanations quote them often.
    let asOfText: String
    let cutoffText: String
    let yearStartText: String
    /// Quarters, half-years and years of the assessment year ended by the as-of date.
    let endedQuarters: Int, endedHalves: Int, endedYears: Int
    /// Explanations in English, and the language's texts (read once: the language is fixed
    /// for an evaluation).
    let english: Bool
    let words: Words.Table
    init(facts: VillageFacts, asOf: LocalDate) {
        self.english = Language.current == .en
        self.words = english ? Words.en : Words.zh
        self.facts = facts
        self.asOf = asOf
        self.yearStart = LocalDate.firstDay(of: facts.year)
        self.yearEnd = LocalDate.lastDay(of: facts.year)
        self.cutoff = min(asOf, yearEnd)
        self.yearEnded = asOf >= yearEnd
        let cutoff = self.cutoff
        self.communityWorkers = facts.workers.filter { worker in
            worker.roles.contains { $0.role != .communityAssistant && $0.covers(cutoff) }
        }
        var usable = WordSet<FacilityType>()
        for f in facts.facilities where f.condition != .outOfUse { usable.insert(f.type) }
        self.usableFacilities = usable
        self.asOfText = asOf.description
        self.cutoffText = self.cutoff.description
        self.yearStartText = yearStart.description
        self.endedQuarters = Period.quarter.endedCount(in: facts.year, by: asOf)
        self.endedHalves = Period.halfYear.endedCount(in: facts.year, by: asOf)
        self.endedYears = Period.year.endedCount(in: facts.year, by: asOf)
    }

    /// The text of `key` in the evaluation's language, its placeholders filled with `arguments`.
    @inline(__always) private func say(_ key: Word) -> String { words.say(key) }
    @inline(__always) private func say(_ key: Word, _ a: String) -> String { words.say(key, a) }
    @inline(__always) private func say(_ key: Word, _ a: String, _ b: String) -> String { words.say(key, a, b) }
    @inline(__always) private func say(_ key: Word, _ a: String, _ b: String, _ c: String) -> String { words.say(key, a, b, c) }
    @inline(__always) private func say(_ key: Word, _ a: String, _ b: String, _ c: String, _ d: String,
                                       _ e: String? = nil, _ f: String? = nil, _ g: String? = nil) -> String {
        words.say(key, a, b, c, d, e, f, g)
    }
    private var semicolon: String { say(.semicolon) }
    private var listJoin: String { say(.listSeparator) }

    private var noWorkers: String { say(.workersNone, cutoffText) }

    func counted(_ date: LocalDate) -> Bool { date >= yearStart && date <= cutoff }

    private func inPost(_ role: WorkerRole) -> [VillageFacts.Worker] {
        facts.workers.filter { isInPost($0, role) }
    }

    func isInPost(_ worker: VillageFacts.Worker, _ role: WorkerRole) -> Bool {
        worker.roles.contains { $0.role == role && $0.covers(cutoff) }
    }


    private func yearlyDeferral(_ met: Bool, _ explanation: String) -> (Status, String) {
        if met { return (.met, explanation) }
        // Not yet due is not met: pending (its item not 达标) until the year ends.
        if !yearEnded { return (.pending, say(.yearNotEnded, asOfText, explanation)) }
        return (.notMet, explanation)
    }

    /// `subject` and `met` are `rule.subject` and `rule.fixedMetText`, made once by the catalogue.
    func evaluate(_ rule: Rule, subject: String, met: String) -> (Status, String) {
        switch rule {
        case let .organizationExists(kind):
            return facts.organizations.exists(kind) ? (.met, met) : (.notMet, say(.organizationMissing, kind.label))

        case let .periodicMeetings(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for m in facts.meetings where m.date <= asOf && kinds.contains(m.kind) { counts.add(m.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: .periodicVerbConvene, what: subject)

        case let .periodicActivities(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.activities where a.date <= asOf && kinds.contains(a.kind) { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: .periodicVerbCarryOut, what: subject)

        case let .periodicVolunteerActivities(period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.volunteerActivities where a.date <= asOf { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: .periodicVerbCarryOut, what: say(.periodicVolunteerActivities))

        case let .quarterlyDisclosures(categories, promptDays):
            var failures = "", notes = ""
            // Matters of major interest disclosed promptly after they are decided (随时公布).
            let late = facts.meetings.filter { meeting in
                meeting.majorDecision && counted(meeting.date) && meeting.date.adding(days: promptDays) <= asOf
                    && !facts.disclosures.contains { $0.category == .villageAffairs && $0.publishedOn >= meeting.date
                                                     && $0.publishedOn <= meeting.date.adding(days: promptDays) }
            }
            if !late.isEmpty {
                failures = say(.disclosuresMajorLate, late.map(\.date.description).joined(separator: listJoin), String(promptDays))
            }
            for category in categories {
                if category == .finance && facts.village.busyFinances {
                    // Busy collective finances: every month (Art. 30, 财务往来较多的…每月公布一次).
                    var months = [Int](repeating: 0, count: 12)
                    for d in facts.disclosures where d.category == category && d.publishedOn <= asOf && d.publishedOn.year == facts.year {
                        months[d.publishedOn.month - 1] += 1
                    }
                    let endedMonths = asOf.year < facts.year ? 0 : asOf.year > facts.year ? 12
                        : (asOf.day == LocalDate.daysIn(month: asOf.month, year: asOf.year) ? asOf.month : asOf.month - 1)
                    for index in 0..<endedMonths where months[index] < 1 {
                        failures += (failures.isEmpty ? "" : semicolon)
                            + say(.disclosuresMonthFailure, String(index + 1), category.label, String(months[index]))
                    }
                    notes += (notes.isEmpty ? "" : semicolon) + say(.disclosuresMonthsEnded, category.label, String(endedMonths))
                    continue
                }
                var counts = PeriodCounts(period: .quarter)
                for d in facts.disclosures where d.category == category && d.publishedOn <= asOf { counts.add(d.publishedOn, year: facts.year) }
                for index in 0..<endedQuarters where counts[index] < 1 {
                    failures += (failures.isEmpty ? "" : semicolon)
                        + say(.disclosuresFailure, say(Period.quarter.nameWord(index)), category.label, String(counts[index]))
                }
                // Only read when a quarter has ended.
                notes += (notes.isEmpty ? "" : semicolon) + say(.disclosuresAllEnded, category.label, String(endedQuarters))
            }
            if !failures.isEmpty { return (.notMet, failures) }
            if endedQuarters == 0 { return (.pending, say(.disclosuresNotYet, asOfText)) }
            return (.met, notes)

        case let .deliberationBody(minimumUnits, minimumOrganizations):
            guard let body = facts.organizations.deliberationBody else { return (.notMet, say(.deliberationNone)) }
            let units = String(body.residentUnitMembers), organizations = String(body.socialOrganizationMembers)
            var gaps: [String] = []
            if body.residentUnitMembers < minimumUnits { gaps.append(say(.deliberationFewUnits, units, String(minimumUnits))) }
            if body.socialOrganizationMembers < minimumOrganizations {
                gaps.append(say(.deliberationFewOrganizations, organizations, String(minimumOrganizations)))
            }
            let summary = say(.deliberationSummary, units, organizations)
            return gaps.isEmpty ? (.met, summary) : (.notMet, say(.deliberationTooFew, gaps.joined(separator: semicolon)))

        case let .disbursementsDisclosed(kinds, graceDays):
            let due = asOf.adding(days: -graceDays)
            var total = 0, disclosed = 0
            var firstMissing: String?
            for line in facts.funds where kinds.contains(line.kind) {
                for d in line.disbursements where d.date <= due {
                    total += 1
                    if d.disclosed { disclosed += 1 } else if firstMissing == nil {
                        firstMissing = say(.disbursementsExample, "\(d.date)", line.kind.label, "\(d.amount)")
                    }
                }
            }
            if total == 0 {
                return (.notApplicable, say(.disbursementsNoneDue, "\(due)", String(graceDays)))
            }
            let summary = say(.disbursementsSummary, String(total), String(disclosed))
            return disclosed == total ? (.met, summary) : (.notMet, say(.disbursementsNotDisclosed, summary, firstMissing ?? ""))

        case let .opinionChannel(facilityTypes, meetingKinds):
            let usable = usableFacilities
            let rooms = facilityTypes.filter { usable.contains($0) }
            let forums = facts.meetings.count(where: { meetingKinds.contains($0.kind) && counted($0.date) })
            var parts: [String] = []
            if !rooms.isEmpty { parts.append(say(.opinionRooms, FacilityType.labels(rooms))) }
            if forums > 0 { parts.append(say(.opinionForums, MeetingKind.labels(meetingKinds), String(forums))) }
            if parts.isEmpty {
                let options = meetingKinds.isEmpty ? FacilityType.labels(facilityTypes)
                    : say(.opinionOptions, FacilityType.labels(facilityTypes), MeetingKind.labels(meetingKinds))
                return (.notMet, say(.opinionNone, options))
            }
            return (.met, parts.joined(separator: say(.opinionSeparator)))

        case let .activeVolunteers(per100, minimumHours):
            let population = facts.village.residentPopulation
            let required = max(1, Int((Double(population) * per100 / 100 - 1e-9).rounded(.up)))
            let active = facts.volunteers.count(where: { $0.hours >= minimumHours - 1e-9 })
            let summary = say(.volunteersActive, Self.number(minimumHours), String(active), String(population), Self.number(per100), String(required))
            return (active >= required ? .met : .notMet, summary)

        case let .registeredSocialOrganizations(types, minimum):
            let registered = activeOrganizations().filter { $0.status != .notFiled }
            let counted = registered.count(where: { types.contains($0.type) })
            let summary = say(.organizationsRegistered, String(counted), String(minimum))
            let others = registered.filter { !types.contains($0.type) }
            let text = others.isEmpty ? summary
                : summary + semicolon + say(.organizationsNotCounted, others.map { say(.infrastructureStatus, $0.name, $0.type.label) }.joined(separator: listJoin))
            return (counted >= minimum ? .met : .notMet, text)

        case let .socialOrganizationEvaluations(maximumAgeDays):
            let earliest = asOf.adding(days: -maximumAgeDays)
            let due = activeOrganizations().filter { org in
                org.status != .notFiled && (org.registeredOn.map { $0 <= earliest } ?? true)
            }
            if due.isEmpty { return (.notApplicable, say(.organizationsNoneDue, String(maximumAgeDays))) }
            let missing = due.filter { org in
                guard let last = org.lastEvaluatedOn else { return true }
                return last < earliest || last > asOf
            }
            let summary = say(.organizationsEvaluated, String(due.count), String(maximumAgeDays), String(due.count - missing.count))
            return missing.isEmpty ? (.met, summary) : (.notMet, say(.organizationsNotEvaluated, summary, missing.map(\.name).joined(separator: listJoin)))

        case let .socialOrganizationTypes(types):
            let present = WordSet(activeOrganizations().lazy.map(\.type))
            let missing = types.filter { !present.contains($0) }
            if missing.isEmpty { return (.met, met) }
            return (.notMet, say(.missingList, SocialOrganizationType.labels(missing)))

        case let .massOrganizations(types, minimumKinds, evidenceCheck):
            let organizations = activeOrganizations()
            let accepted = facts.reviews.contains { $0.check == evidenceCheck && $0.decision == .accepted }
            var shown: [String] = [], silent: [String] = [], absent: [String] = []
            for type in types {
                let ofType = organizations.filter { $0.type == type }
                if ofType.isEmpty { absent.append(type.label); continue }
                let activities = ofType.reduce(0) { $0 + $1.activityDates.count(where: counted) }
                if activities > 0 {
                    shown.append(say(.massOrganizationActivities, type.label, String(activities)))
                } else if accepted {
                    shown.append(say(.massOrganizationByEvidence, type.label))
                } else {
                    silent.append(type.label)
                }
            }
            var parts = [say(.massOrganizationsShown, String(shown.count), shown.isEmpty ? "—" : shown.joined(separator: listJoin))]
            if !silent.isEmpty { parts.append(say(.massOrganizationsSilent, silent.joined(separator: listJoin))) }
            if !absent.isEmpty { parts.append(say(.missingList, absent.joined(separator: listJoin))) }
            return yearlyDeferral(shown.count >= minimumKinds, parts.joined(separator: semicolon))

        case let .organizationActivities(types):
            let held = activeOrganizations().filter { types.contains($0.type) }.reduce(0) { $0 + $1.activityDates.count(where: counted) }
            return (held > 0 ? .met : .notMet, say(.organizationActivitiesHeld, String(held)))

        case let .residentUnitAgreements(kinds, minimum):
            let units = facts.residentUnits.filter { unit in
                unit.agreements.contains { kinds.contains($0.kind) && $0.from <= cutoff && ($0.to.map { $0 >= cutoff } ?? true) }
            }
            let what = subject
            return (units.count >= minimum ? .met : .notMet, say(.agreementsSummary, cutoffText, what, String(units.count), String(minimum)))

        case let .residentUnitContributions(minimum):
            var byKind = [Int](repeating: 0, count: ContributionKind.allCases.count)
            for unit in facts.residentUnits { for c in unit.contributions where counted(c.date) { byKind[c.kind.ordinal] += 1 } }
            let total = byKind.reduce(0, +)
            let detail = ContributionKind.allCases.compactMap { k in byKind[k.ordinal] > 0 ? say(.contributionsKind, k.label, String(byKind[k.ordinal])) : nil }
                .joined(separator: listJoin)
            return (total >= minimum ? .met : .notMet, detail.isEmpty ? say(.contributionsSummary, String(total), String(minimum))
                : say(.contributionsSummaryListed, String(total), detail, String(minimum)))

        case let .stationUtilities(utilities):
            let present = WordSet(facts.station.utilities)
            let missing = utilities.filter { !present.contains($0) }
            return missing.isEmpty ? (.met, met) : (.notMet, say(.missingList, Utility.labels(missing)))

        case let .requiredFacilities(types):
            let usable = usableFacilities
            let missing = types.filter { !usable.contains($0) }
            if missing.isEmpty { return (.met, met) }
            let outOfUse = WordSet(facts.facilities.lazy.filter { $0.condition == .outOfUse }.map(\.type))
            let described = missing.map { outOfUse.contains($0) ? say(.facilitiesOutOfUse, $0.label) : $0.label }
            return (.notMet, say(.missingList, described.joined(separator: listJoin)))

        case let .servicePoints(types, minimumKinds):
            let usable = usableFacilities
            let present = types.filter { usable.contains($0) }
            let missing = types.filter { !usable.contains($0) }
            var text = present.isEmpty ? say(.servicePointsNone, String(minimumKinds))
                : say(.servicePointsSome, String(present.count), FacilityType.labels(present), String(minimumKinds))
            if !missing.isEmpty && !present.isEmpty { text += semicolon + say(.missingList, FacilityType.labels(missing)) }
            return (present.count >= minimumKinds ? .met : .notMet, text)

        case let .stationFloorArea(minimum):
            let area = facts.station.floorArea
            return (area >= minimum ? .met : .notMet, say(.stationFloorArea, Self.number(area), Self.number(minimum)))

        case let .fundsBudgeted(kinds, minimum):
            let count = facts.funds.count(where: { kinds.contains($0.kind) })
            return (count >= minimum ? .met : .notMet, say(.fundsBudgeted, subject, String(count), String(minimum)))

        case let .fundsDisbursed(kinds, graceDays):
            return fundsDisbursed(kinds: kinds, graceDays: graceDays, label: subject)

        case let .facilitiesCondition(types, maximumAge):
            let relevant = facts.facilities.filter { types.contains($0.type) }
            if relevant.isEmpty { return (.notMet, say(.facilitiesNoneRecorded, subject)) }
            let earliest = asOf.adding(days: -maximumAge)
            var problems: [String] = []
            for f in relevant {
                if f.condition != .good { problems.append(say(.facilitiesCondition, f.type.label, f.condition.label)) }
                guard let inspected = f.inspectedOn, inspected >= earliest, inspected <= asOf else {
                    problems.append(say(.facilitiesNotInspected, f.type.label, String(maximumAge)))
                    continue
                }
            }
            let summary = say(.facilitiesVenues, String(relevant.count))
            return problems.isEmpty ? (.met, say(.facilitiesVenuesInOrder, summary))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case .maintenancePlans:
            let relevant = facts.facilities.filter { $0.condition != .outOfUse && Self.maintainedTypes.contains($0.type) }
            if relevant.isEmpty { return (.notApplicable, say(.maintenanceNoneRecorded)) }
            let noPlan = relevant.filter { $0.nextMaintenanceOn == nil }
            // Planned for a day already past, and not maintained on or after it.
            let overdue = relevant.filter { f in
                guard let planned = f.nextMaintenanceOn, planned < asOf else { return false }
                return !(f.lastMaintainedOn.map { $0 >= planned && $0 <= asOf } ?? false)
            }
            var problems: [String] = []
            if !noPlan.isEmpty { problems.append(say(.maintenanceNoPlan, noPlan.map(\.type.label).joined(separator: listJoin))) }
            if !overdue.isEmpty {
                problems.append(say(.maintenanceOverdue, overdue.map { f in
                    let planned = f.nextMaintenanceOn.map(String.init(describing:)) ?? ""
                    guard let last = f.lastMaintainedOn, last <= asOf else { return say(.maintenanceOverdueFacility, f.type.label, planned) }
                    return say(.maintenanceOverdueFacilityLast, f.type.label, planned, last.description)
                }.joined(separator: listJoin)))
            }
            let summary = say(.maintenanceSummary, String(relevant.count))
            return problems.isEmpty ? (.met, say(.maintenanceAllPlanned, summary))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case let .infrastructureWorks(kinds, minimumKinds):
            // 实施了 is under way or done; the kinds named before 等 are examples, so the check
            // asks for the works the village has, at least `minimumKinds` of them (a local reading).
            var implemented: [String] = [], planned: [String] = []
            for kind in kinds {
                let entries = facts.infrastructure.filter { $0.kind == kind }
                if let done = entries.first(where: { $0.status == .completed }) ?? entries.first(where: { $0.status == .inProgress }) {
                    implemented.append(say(.infrastructureStatus, kind.label, done.status.label))
                } else if entries.contains(where: { $0.status == .planned }) {
                    planned.append(kind.label)
                }
            }
            var parts = [implemented.isEmpty ? say(.infrastructureNoneImplemented)
                                             : say(.infrastructureImplemented, String(implemented.count), implemented.joined(separator: listJoin))]
            if !planned.isEmpty { parts.append(say(.infrastructurePlanned, planned.joined(separator: listJoin))) }
            return (implemented.count >= minimumKinds ? .met : .notMet, parts.joined(separator: semicolon))

        case let .infrastructureUpkeep(kinds):
            let missing = kinds.filter { kind in
                !facts.infrastructure.contains { $0.kind == kind && ($0.upkeepArranged || $0.status == .notApplicable) }
            }
            return missing.isEmpty ? (.met, met) : (.notMet, say(.infrastructureNoUpkeep, InfrastructureKind.labels(missing)))

        case let .complaintsResolved(maximumDays, minimumRate, allowedLate):
            let due = facts.complaints.filter { counted($0.receivedOn) && $0.receivedOn.adding(days: maximumDays) <= asOf }
            let late = due.filter { c in
                guard let resolved = c.resolvedOn, resolved <= asOf else { return true }
                return c.receivedOn.days(until: resolved) > maximumDays
            }
            if due.isEmpty { return (.met, say(.complaintsNoneDue, String(maximumDays))) }
            let summary = say(.complaintsSummary, String(due.count), String(maximumDays), String(due.count - late.count))
            if late.isEmpty { return (.met, summary) }
            let text = say(.complaintsLate, summary, String(late.count))
            let rate = Double(due.count - late.count) / Double(due.count)
            return (late.count <= allowedLate || rate >= minimumRate - 1e-9 ? .met : .notMet, text)

        case let .postsMapped(minimumStanding):
            let standing = facts.posts.count(where: { $0.kind == .standing })
            let unmapped = facts.posts.filter { ($0.townshipDepartment ?? "").isEmpty }
            var problems: [String] = []
            if standing < minimumStanding { problems.append(say(.postsFewStanding, String(standing), String(minimumStanding))) }
            if !unmapped.isEmpty {
                problems.append(say(.postsUnmapped, unmapped.map(\.name).joined(separator: listJoin)))
            }
            let summary = say(.postsSummary, String(facts.posts.count), String(standing))
            return problems.isEmpty ? (.met, say(.postsAllMapped, summary))
                : (.notMet, problems.joined(separator: semicolon))

        case .postsBackedUp:
            if facts.posts.isEmpty { return (.notMet, say(.postsNone)) }
            let bad = facts.posts.filter { post in
                guard let a = post.holderA, let b = post.holderB, !a.isEmpty, !b.isEmpty else { return true }
                return a == b
            }
            let summary = say(.postsCount, String(facts.posts.count))
            return bad.isEmpty ? (.met, say(.postsBackedUp, summary))
                : (.notMet, say(.postsNotBackedUp, bad.map(\.name).joined(separator: listJoin)))

        case .ledgerTracked:
            let r = facts.serviceRequests
            if r.received == 0 { return (.notMet, say(.ledgerEmpty)) }
            var problems: [String] = []
            if r.withFirstInquiryOwner < r.received {
                problems.append(say(.ledgerNoOwner, String(r.received - r.withFirstInquiryOwner)))
            }
            if r.withFullHistory < r.received {
                problems.append(say(.ledgerIncomplete, String(r.received - r.withFullHistory)))
            }
            if !r.ledgerIntact { problems.append(say(.ledgerAltered)) }
            let summary = say(.ledgerSummary, String(r.received))
            return problems.isEmpty ? (.met, say(.ledgerComplete, summary))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case let .weeklyOpeningHours(minimumHours):
            let minutes = Self.weeklyMinutes(facts.station.openingHours)
            let required = Int((minimumHours * 60).rounded())
            let shown = minutes % 60 == 0 ? say(.hoursWhole, String(minutes / 60)) : say(.hoursWithMinutes, String(minutes / 60), String(minutes % 60))
            return (minutes >= required ? .met : .notMet, say(.stationOpeningHours, shown, Self.number(minimumHours)))

        case let .onTimeCompletion(minimumRate):
            let r = facts.serviceRequests
            if r.dueByAsOf == 0 { return (.notApplicable, say(.requestsNoneDue, asOfText)) }
            let met = Double(r.completedOnTime) >= minimumRate * Double(r.dueByAsOf) - 1e-9
            let rate = Self.percent(Double(r.completedOnTime) / Double(r.dueByAsOf))
            return (met ? .met : .notMet, say(.requestsOnTime, String(r.dueByAsOf), String(r.completedOnTime), rate, Self.percent(minimumRate)))

        case let .serviceFields(fields):
            let present = WordSet(facts.services.lazy.map(\.field))
            let missing = fields.filter { !present.contains($0) }
            return missing.isEmpty ? (.met, met) : (.notMet, say(.servicesLacking, ServiceField.labels(missing)))

        case .publicGuides:
            if facts.services.isEmpty { return (.notMet, say(.servicesNone)) }
            let missing = facts.services.filter { !$0.publicGuide }
            let summary = say(.servicesCount, String(facts.services.count))
            return missing.isEmpty ? (.met, say(.servicesAllGuides, summary))
                : (.notMet, say(.servicesMissingGuides, summary, String(missing.count), missing.prefix(5).map(\.name).joined(separator: listJoin)))

        case let .volunteerTeams(minimum):
            let count = facts.volunteerTeams.count
            return (count >= minimum ? .met : .notMet, say(.volunteersTeams, String(count), String(minimum)))

        case let .volunteersRegistered96156(share):
            return volunteerShare(facts.volunteers.count(where: \.registered96156), share: share, what: say(.volunteersRegistered96156))

        case let .volunteersTrained(share):
            return volunteerShare(facts.volunteers.count(where: \.trained), share: share, what: say(.volunteersTrained))

        case let .fiveEldersVolunteers(minimum):
            let count = facts.volunteers.count(where: \.fiveElders)
            return (count >= minimum ? .met : .notMet, say(.volunteersFiveElders, String(count), String(minimum)))

        case let .volunteerActivityCategories(categories, minimumCovered):
            var covered = WordSet<VolunteerCategory>()
            for a in facts.volunteerActivities where counted(a.date) { covered.formUnion(a.categories) }
            let hit = categories.filter { covered.contains($0) }
            let missing = categories.filter { !covered.contains($0) }
            let summary = hit.isEmpty ? say(.volunteersCategories, String(hit.count), String(minimumCovered))
                : say(.volunteersCategoriesListed, String(hit.count), VolunteerCategory.labels(hit), String(minimumCovered))
            if hit.count >= minimumCovered { return (.met, summary) }
            return yearlyDeferral(false, say(.volunteersCategoriesNotYet, summary, VolunteerCategory.labels(missing)))

        case let .volunteerTargetGroups(groups, minimumGroups):
            // 等群体: the named groups are examples; any group served counts toward the least number.
            var served = WordSet<TargetGroup>()
            for a in facts.volunteerActivities where counted(a.date) { served.formUnion(a.targetGroups) }
            let all = TargetGroup.allCases.filter { served.contains($0) }
            let missing = groups.filter { !served.contains($0) }
            var text = all.isEmpty ? say(.volunteersGroupsNone, String(minimumGroups))
                : say(.volunteersGroupsServed, String(all.count), TargetGroup.labels(all), String(minimumGroups))
            if !missing.isEmpty { text += semicolon + say(.volunteersGroupsNotYet, TargetGroup.labels(missing)) }
            return yearlyDeferral(all.count >= minimumGroups, text)

        case .hotline:
            if let number = facts.station.hotline, !number.isEmpty { return (.met, say(.hotlineOpen, number)) }
            return (.notMet, say(.hotlineNone))

        case let .serviceChannels(channels, minimum):
            let present = channels.filter { facts.station.channels.contains($0) }
            let summary = present.isEmpty ? say(.channelsNone, String(minimum))
                : say(.channelsSome, String(present.count), ServiceChannel.labels(present), String(minimum))
            return (present.count >= minimum ? .met : .notMet, summary)

        case let .artTeams(minimum):
            let count = facts.artTeams.count
            return (count >= minimum ? .met : .notMet, say(.artTeams, String(count), String(minimum)))

        case let .workersInRole(role, minimum):
            let count = facts.workers.count(where: { isInPost($0, role) })
            return (count >= minimum ? .met : .notMet, say(.workersInRole, cutoffText, role.label, String(count), String(minimum)))

        case let .stationStaffing(perStaff, minimum, exclusiveOf):
            let households = facts.village.households
            let required = max(minimum, (households + perStaff - 1) / perStaff)
            let staff = facts.workers.filter { isInPost($0, .stationStaff) }
            // 专职 is one post: whoever also holds one of the other full-time posts counts there.
            let doubled = staff.filter { worker in exclusiveOf.contains { isInPost(worker, $0) } }
            let count = staff.count - doubled.count
            let basis = say(.staffBasis, String(households), String(perStaff), String(minimum), String(required))
            var text = say(.staffSummary, cutoffText, String(count), basis)
            for worker in doubled {
                let other = exclusiveOf.first { isInPost(worker, $0) }
                text += semicolon + say(.staffDoubleCounted, worker.name, other?.label ?? "")
            }
            return (count >= required ? .met : .notMet, text)

        case let .collegeGraduateOfficials(minimum):
            return collegeGraduates(minimum: minimum)

        case .assistantsManaged:
            let assistants = inPost(.communityAssistant)
            if assistants.isEmpty { return (.notApplicable, say(.assistantsNone)) }
            let outside = assistants.filter { !$0.underStationManagement }
            let summary = say(.assistantsSummary, String(assistants.count), String(assistants.count - outside.count))
            return outside.isEmpty ? (.met, summary) : (.notMet, say(.assistantsNotManaged, summary, outside.map(\.name).joined(separator: listJoin)))

        case let .workerEvaluations(maximumAge):
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let earliest = asOf.adding(days: -maximumAge)
            let due = communityWorkers.filter { w in (w.roles.lazy.map(\.from).min() ?? cutoff) <= earliest }
            if due.isEmpty { return (.notApplicable, say(.workersNoneDue, String(maximumAge))) }
            let missing = due.filter { w in
                guard let last = w.lastEvaluatedOn else { return true }
                return last < earliest || last > asOf
            }
            let summary = say(.workersEvaluated, String(maximumAge), String(due.count), String(due.count - missing.count))
            return missing.isEmpty ? (.met, summary) : (.notMet, say(.workersNotEvaluated, summary, missing.map(\.name).joined(separator: listJoin)))

        case .workerPay:
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let missing = communityWorkers.filter { !$0.payInPlace }
            let summary = say(.workersInPost, String(communityWorkers.count))
            return missing.isEmpty ? (.met, say(.workersPaid, summary))
                : (.notMet, say(.workersUnpaid, summary, missing.map(\.name).joined(separator: listJoin)))

        case .everyoneTrained:
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let untrained = communityWorkers.filter { $0.trainingHours <= 0 }
            let summary = say(.workersTrained, String(communityWorkers.count), String(communityWorkers.count - untrained.count))
            if untrained.isEmpty { return (.met, summary) }
            return yearlyDeferral(false, say(.workersUntrained, summary, untrained.map(\.name).joined(separator: listJoin)))

        case let .averageTrainingHours(minimumHours):
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            // Hundredths of an hour, so the average is compared exactly.
            let total = communityWorkers.reduce(0) { $0 + Int(($1.trainingHours * 100).rounded()) }
            let required = Int((minimumHours * 100).rounded()) * communityWorkers.count
            let average = Double(total) / Double(communityWorkers.count) / 100
            let summary = say(.workersAverageTraining, String(communityWorkers.count), Self.number(average), Self.number(minimumHours))
            return yearlyDeferral(total >= required, summary)

        case let .socialWorkers(minimum):
            let qualified = communityWorkers.filter { $0.qualification != .none }
            let certified = qualified.count(where: { $0.qualification == .certified })
            let summary = say(.workersSocial, String(certified), String(qualified.count - certified), String(qualified.count), String(minimum))
            return (qualified.count >= minimum ? .met : .notMet, summary)

        case .linkedTo96156:
            return facts.station.linkedTo96156 ? (.met, say(.stationLinked)) : (.notMet, say(.stationNotLinked))
        }
    }

    // MARK: - Shared pieces

    static let maintainedTypes = WordSet<FacilityType>([
        .partyActivityVenue, .culturalRoom, .library, .clinic, .deliberationVenue, .fitnessFacility,
        .legalServiceRoom, .policeStation, .receptionRoom, .bulletinBoard, .other,
    ])

    /// Social organizations existing at the cut-off: registered (if dated) by then and not dissolved.
    func activeOrganizations() -> [VillageFacts.SocialOrganization] {
        facts.socialOrganizations.filter { org in
            (org.registeredOn.map { $0 <= cutoff } ?? true) && (org.dissolvedOn.map { $0 > cutoff } ?? true)
        }
    }

    /// Records per period of the year, counted in one pass without allocating.
    struct PeriodCounts {
        let period: Period
        var counts = (0, 0, 0, 0)

        init(period: Period) { self.period = period }

        mutating func add(_ date: LocalDate, year: Int) {
            guard date.year == year else { return }
            switch period {
            case .quarter:
                switch date.quarter {
                case 1: counts.0 += 1
                case 2: counts.1 += 1
                case 3: counts.2 += 1
                default: counts.3 += 1
                }
            case .halfYear: if date.month <= 6 { counts.0 += 1 } else { counts.1 += 1 }
            case .year: counts.0 += 1
            }
        }

        subscript(index: Int) -> Int {
            switch index {
            case 0: return counts.0
            case 1: return counts.1
            case 2: return counts.2
            default: return counts.3
            }
        }
    }

    /// A period counts once its last day is on or before the as-of date; the running
    /// period is reported but cannot fail; before any period ends the check is met only
    /// if the running period already has enough, otherwise not yet due. "第三季度召开村民代表会议0次，
    /// 要求每季度不少于1次"; "Villagers' representative meeting: 0 in Q3, at least 1 required each quarter".
    private func periodic(_ counts: PeriodCounts, minimum: Int, verb: Word, what: String) -> (Status, String) {
        let period = counts.period
        let ended = period == .quarter ? endedQuarters : period == .halfYear ? endedHalves : endedYears
        let verb = say(verb)
        let requirement = say(.periodicRequirement, words.label(period), String(minimum))
        var failures = ""
        for index in 0..<ended where counts[index] < minimum {
            if !failures.isEmpty { failures += semicolon }
            failures += say(.periodicFailure, say(period.nameWord(index)), verb, what, String(counts[index]))
        }
        if !failures.isEmpty { return (.notMet, say(.periodicNotMet, what, failures, requirement)) }
        // The period running at the as-of date, if the year has begun and not ended.
        let running: (name: String, count: Int)? = ended < period.count && asOf >= yearStart ? (say(period.nameWord(ended)), counts[ended]) : nil
        let runningText = running.map { say(.periodicRunning, $0.name, verb, String($0.count)) } ?? ""
        if ended == 0 {
            if let running, running.count >= minimum {
                return (.met, say(.periodicRunningMet, running.name, verb, what, String(running.count), requirement))
            }
            return (.pending, period == .year ? say(.periodicNotYetYear, asOfText, runningText)
                : say(.periodicNotYet, asOfText, say(period.nounWord), runningText))
        }
        var list = ""
        for index in 0..<ended {
            if index > 0 { list += listJoin }
            list += String(counts[index])
        }
        if period == .year { return (.met, say(.periodicMetYear, verb, what, list, requirement, runningText)) }
        let noun = say(period.nounWord)
        if ended == 1 { return (.met, say(.periodicMetOne, "1", noun, verb, what, list, requirement, runningText)) }
        return (.met, say(.periodicMetMany, String(ended), noun, verb, what, list, requirement, runningText))
    }

    private func fundsDisbursed(kinds: [FundKind], graceDays: Int, label: String) -> (Status, String) {
        let lines = facts.funds.filter { kinds.contains($0.kind) }
        let due = lines.filter { $0.plannedOn.adding(days: graceDays) <= asOf }
        if due.isEmpty {
            if lines.isEmpty { return (.notApplicable, say(.fundsNoneListed, label)) }
            return (.pending, say(.fundsNoneDue, asOfText, label, String(graceDays)))
        }
        var problems: [String] = []
        for line in due {
            let deadline = line.plannedOn.adding(days: graceDays)
            let byDeadline = line.disbursements.filter { $0.date <= deadline }.reduce(0) { $0 + $1.amount.fen }
            if byDeadline >= line.planned.fen { continue }
            let soFar = line.disbursements.filter { $0.date <= asOf }.reduce(0) { $0 + $1.amount.fen }
            let state = soFar >= line.planned.fen ? say(.fundsLate) : say(.fundsShort)
            problems.append(say(.fundsProblem, "\(line.plannedOn)", "\(line.planned)", "\(deadline)", "\(Money(fen: byDeadline))", asOfText, "\(Money(fen: soFar))", state))
        }
        let summary = say(.fundsDisbursed, label, String(due.count), String(due.count - problems.count))
        return problems.isEmpty ? (.met, summary) : (.notMet, summary + semicolon + problems.joined(separator: semicolon))
    }

    private func volunteerShare(_ count: Int, share: Double, what: String) -> (Status, String) {
        let total = facts.volunteers.count
        if total == 0 { return (.notMet, say(.volunteersNone)) }
        let met = Double(count) >= share * Double(total) - 1e-9
        let rate = Self.percent(Double(count) / Double(total))
        return (met ? .met : .notMet, say(.volunteersShare, String(total), what, String(count), rate, Self.percent(share)))
    }

    /// The fewest officials in post on any day from 1 January to the cut-off.
    private func collegeGraduates(minimum: Int) -> (Status, String) {
        var changes: [(day: Int, delta: Int)] = []
        for worker in facts.workers where worker.roles.contains(where: { $0.role == .collegeGraduateOfficial }) {
            // Merge each person's own periods so overlapping records count them once.
            let spans = worker.roles.filter { $0.role == .collegeGraduateOfficial }
                .map { (max($0.from.dayNumber, yearStart.dayNumber), min(($0.to ?? cutoff).dayNumber, cutoff.dayNumber)) }
                .filter { $0.0 <= $0.1 }
                .sorted { $0.0 < $1.0 }
            var merged: [(Int, Int)] = []
            for span in spans {
                if let last = merged.last, span.0 <= last.1 + 1 { merged[merged.count - 1].1 = max(last.1, span.1) } else { merged.append(span) }
            }
            for (from, to) in merged {
                changes.append((from, 1))
                changes.append((to + 1, -1))
            }
        }
        changes.sort { $0.day < $1.day }
        // Walk the days from 1 January to the cut-off, tracking the fewest in post.
        var current = 0
        var fewest = Int.max
        var fewestDay = yearStart.dayNumber
        var day = yearStart.dayNumber
        var index = 0
        while index < changes.count, changes[index].day <= cutoff.dayNumber {
            let key = changes[index].day
            if key > day, current < fewest { fewest = current; fewestDay = day }
            while index < changes.count, changes[index].day == key { current += changes[index].delta; index += 1 }
            day = max(day, key)
        }
        if day <= cutoff.dayNumber, current < fewest { fewest = current; fewestDay = day }
        let atCutoff = facts.workers.count(where: { isInPost($0, .collegeGraduateOfficial) })
        let range = say(.graduatesRange, yearStartText, cutoffText)
        if fewest >= minimum {
            return (.met, say(.graduatesAlways, range, String(fewest), String(minimum)))
        }
        let since = LocalDate(dayNumber: fewestDay)
        return (.notMet, say(.graduatesFell, range, String(fewest), "\(since)", cutoffText, String(atCutoff), String(minimum)))
    }

    /// Total minutes of the weekly schedule, overlapping intervals on a day counted once.
    static func weeklyMinutes(_ intervals: [VillageFacts.OpeningInterval]) -> Int {
        var total = 0
        for weekday in 1...7 {
            let day = intervals.filter { $0.weekday == weekday && $0.from < $0.to }.sorted { $0.from < $1.from }
            var end = -1
            for interval in day {
                let start = max(interval.from.minutes, end)
                if interval.to.minutes > start { total += interval.to.minutes - start }
                end = max(end, interval.to.minutes)
            }
        }
        return total
    }

    static func number(_ value: Double) -> String { Figure.text(value) }

    static func percent(_ rate: Double) -> String { number(rate * 100) + "%" }
}
