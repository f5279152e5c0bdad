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
    /// Explanations in English (read once: the language is fixed for an evaluation).
    let english: Bool
    init(facts: VillageFacts, asOf: LocalDate) {
        self.english = Language.current == .en
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

    /// The explanation in the evaluation's language; only the chosen one is built.
    private func s(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { english ? en() : zh() }
    private var semicolon: String { english ? "; " : "；" }
    private var listJoin: String { english ? ", " : "、" }

    private var noWorkers: String { s("截至\(cutoffText)未登记在岗社区工作者", "No community workers in post on \(cutoffText)") }

    private func counted(_ date: LocalDate) -> Bool { date >= yearStart && date <= cutoff }

    private func inPost(_ role: WorkerRole) -> [VillageFacts.Worker] {
        facts.workers.filter { isInPost($0, role) }
    }

    private func isInPost(_ worker: VillageFacts.Worker, _ role: WorkerRole) -> Bool {
        worker.roles.contains { $0.role == role && $0.covers(cutoff) }
    }


    private func yearlyDeferral(_ met: Bool, _ explanation: String) -> (Status, String) {
        if met { return (.met, explanation) }
        if !yearEnded { return (.notApplicable, s("年度尚未结束，暂不评定（截至\(asOfText)：\(explanation)）", "The year has not ended; not assessed yet (as of \(asOfText): \(explanation))")) }
        return (.notMet, explanation)
    }

    /// `subject` and `met` are `rule.subject` and `rule.fixedMetText`, made once by the catalogue.
    func evaluate(_ rule: Rule, subject: String, met: String) -> (Status, String) {
        switch rule {
        case let .organizationExists(kind):
            return facts.organizations.exists(kind) ? (.met, met) : (.notMet, s("未设立\(kind.label)", "No \(kind.label) set up"))

        case let .periodicMeetings(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for m in facts.meetings where m.date <= asOf && kinds.contains(m.kind) { counts.add(m.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: "召开", what: subject)

        case let .periodicActivities(kinds, period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.activities where a.date <= asOf && kinds.contains(a.kind) { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: "开展", what: subject)

        case let .periodicVolunteerActivities(period, minimum):
            var counts = PeriodCounts(period: period)
            for a in facts.volunteerActivities where a.date <= asOf { counts.add(a.date, year: facts.year) }
            return periodic(counts, minimum: minimum, verb: "开展", what: s("志愿服务活动", "volunteer activities"))

        case let .quarterlyDisclosures(categories):
            var failures = "", notes = ""
            var ended = 0
            for category in categories {
                var counts = PeriodCounts(period: .quarter)
                for d in facts.disclosures where d.category == category && d.publishedOn <= asOf { counts.add(d.publishedOn, year: facts.year) }
                ended = endedQuarters
                for index in 0..<ended where counts[index] < 1 {
                    failures += (failures.isEmpty ? "" : semicolon) + s(Period.quarter.name(index) + category.label + "公开" + String(counts[index]) + "次，要求不少于1次",
                                                                       "\(category.label) disclosed \(counts[index]) times in \(Period.quarter.name(index)), at least 1 required")
                }
                notes += (notes.isEmpty ? "" : semicolon) + s(category.label + (ended > 0 ? "公开已结束的\(ended)个季度均有公开" : "公开尚无已结束的季度"),
                                                           category.label + (ended > 0 ? " disclosed in each of the \(ended) ended quarters" : ": no quarter has ended yet"))
            }
            if !failures.isEmpty { return (.notMet, failures) }
            if ended == 0 { return (.notApplicable, s("截至\(asOfText)本年度尚无已结束的季度，暂不评定", "No quarter of the year has ended by \(asOfText); not assessed yet")) }
            return (.met, notes)

        case let .deliberationBody(minimumUnits, minimumOrganizations):
            guard let body = facts.organizations.deliberationBody else { return (.notMet, s("未建立议事协商机构", "No deliberation body set up")) }
            var gaps: [String] = []
            if body.residentUnitMembers < minimumUnits { gaps.append(s("驻区单位\(body.residentUnitMembers)个，要求不少于\(minimumUnits)个", "\(body.residentUnitMembers) resident units, at least \(minimumUnits) required")) }
            if body.socialOrganizationMembers < minimumOrganizations {
                gaps.append(s("社区社会组织\(body.socialOrganizationMembers)个，要求不少于\(minimumOrganizations)个",
                              "\(body.socialOrganizationMembers) community social organizations, at least \(minimumOrganizations) required"))
            }
            let summary = s("议事协商机构有驻区单位\(body.residentUnitMembers)个、社区社会组织\(body.socialOrganizationMembers)个参加",
                            "The deliberation body has \(body.residentUnitMembers) resident units and \(body.socialOrganizationMembers) community social organizations")
            return gaps.isEmpty ? (.met, summary) : (.notMet, s("议事协商机构参加单位不足：", "The deliberation body has too few members: ") + gaps.joined(separator: semicolon))

        case let .disbursementsDisclosed(kinds, graceDays):
            let due = asOf.adding(days: -graceDays)
            var total = 0, disclosed = 0
            var firstMissing: String?
            for line in facts.funds where kinds.contains(line.kind) {
                for d in line.disbursements where d.date <= due {
                    total += 1
                    if d.disclosed { disclosed += 1 } else if firstMissing == nil {
                        firstMissing = s("\(d.date)拨付的\(line.kind.label)\(d.amount)元", "\(line.kind.label) of \(d.amount) yuan paid on \(d.date)")
                    }
                }
            }
            if total == 0 {
                return (.notApplicable, s("截至\(due)（拨付后\(graceDays)天内公开）尚无应公开的资金拨付",
                                          "No payments due for disclosure by \(due) (disclosed within \(graceDays) days of payment)"))
            }
            let summary = s("应公开的资金拨付\(total)笔，已公开\(disclosed)笔", "\(total) payments due for disclosure, \(disclosed) disclosed")
            return disclosed == total ? (.met, summary) : (.notMet, summary + s("；未公开的如：", "; not disclosed, e.g. ") + (firstMissing ?? ""))

        case let .opinionChannel(facilityTypes, meetingKinds):
            let usable = usableFacilities
            let rooms = facilityTypes.filter { usable.contains($0) }
            let forums = facts.meetings.count(where: { meetingKinds.contains($0.kind) && counted($0.date) })
            var parts: [String] = []
            if !rooms.isEmpty { parts.append(s("设有\(FacilityType.labels(rooms))", "Has \(FacilityType.labels(rooms))")) }
            if forums > 0 { parts.append(s("本年度举办\(MeetingKind.labels(meetingKinds))\(forums)次", "\(forums) \(MeetingKind.labels(meetingKinds)) held this year")) }
            if parts.isEmpty {
                let options = FacilityType.labels(facilityTypes) + (meetingKinds.isEmpty ? "" : s("或", " or ") + MeetingKind.labels(meetingKinds))
                return (.notMet, s("未设立\(options)", "No \(options)"))
            }
            return (.met, parts.joined(separator: s("，", "; ")))

        case let .activeVolunteers(per100, minimumHours):
            let population = facts.village.residentPopulation
            let required = max(1, Int((Double(population) * per100 / 100 - 1e-9).rounded(.up)))
            let active = facts.volunteers.count(where: { $0.hours >= minimumHours - 1e-9 })
            let summary = s("本年度服务时长不少于\(Self.number(minimumHours))小时的志愿者\(active)人，"
                + "按常住人口\(population)人、每百人\(Self.number(per100))名计，要求不少于\(required)人",
                            "\(active) volunteers served at least \(Self.number(minimumHours)) hours this year; "
                + "with \(population) residents at \(Self.number(per100)) per hundred, at least \(required) required")
            return (active >= required ? .met : .notMet, summary)

        case let .registeredSocialOrganizations(minimum):
            let count = activeOrganizations().count(where: { $0.status != .notFiled })
            return (count >= minimum ? .met : .notMet, s("登记备案的社区社会组织\(count)个，要求不少于\(minimum)个", "\(count) registered or filed community social organizations, at least \(minimum) required"))

        case let .socialOrganizationEvaluations(maximumAgeDays):
            let earliest = asOf.adding(days: -maximumAgeDays)
            let due = activeOrganizations().filter { org in
                org.status != .notFiled && (org.registeredOn.map { $0 <= earliest } ?? true)
            }
            if due.isEmpty { return (.notApplicable, s("没有登记备案满\(maximumAgeDays)天的社区社会组织", "No community social organization has been registered for \(maximumAgeDays) days")) }
            let missing = due.filter { org in
                guard let last = org.lastEvaluatedOn else { return true }
                return last < earliest || last > asOf
            }
            let summary = s("应接受评价的社区社会组织\(due.count)个，\(maximumAgeDays)天内已评价\(due.count - missing.count)个",
                            "\(due.count) community social organizations due for evaluation, \(due.count - missing.count) evaluated within \(maximumAgeDays) days")
            return missing.isEmpty ? (.met, summary) : (.notMet, summary + s("；未评价：", "; not evaluated: ") + missing.map(\.name).joined(separator: listJoin))

        case let .socialOrganizationTypes(types):
            let present = WordSet(activeOrganizations().lazy.map(\.type))
            let missing = types.filter { !present.contains($0) }
            if missing.isEmpty { return (.met, met) }
            return (.notMet, s("缺少：", "Missing: ") + SocialOrganizationType.labels(missing))

        case let .residentUnitAgreements(kinds, minimum):
            let units = facts.residentUnits.filter { unit in
                unit.agreements.contains { kinds.contains($0.kind) && $0.from <= cutoff && ($0.to.map { $0 >= cutoff } ?? true) }
            }
            let what = subject
            return (units.count >= minimum ? .met : .notMet, s("截至\(cutoffText)有效的\(what)协议涉及驻区单位\(units.count)个，要求不少于\(minimum)个",
                                                                 "\(what) agreements in force on \(cutoffText) cover \(units.count) resident units, at least \(minimum) required"))

        case let .residentUnitContributions(minimum):
            var byKind = [Int](repeating: 0, count: ContributionKind.allCases.count)
            for unit in facts.residentUnits { for c in unit.contributions where counted(c.date) { byKind[c.kind.ordinal] += 1 } }
            let total = byKind.reduce(0, +)
            let detail = ContributionKind.allCases.compactMap { k in byKind[k.ordinal] > 0 ? s("\(k.label)\(byKind[k.ordinal])次", "\(k.label) \(byKind[k.ordinal])") : nil }
                .joined(separator: listJoin)
            return (total >= minimum ? .met : .notMet, s("本年度驻区单位投入\(total)次" + (detail.isEmpty ? "" : "（\(detail)）") + "，要求不少于\(minimum)次",
                                                         "\(total) contributions by resident units this year" + (detail.isEmpty ? "" : " (\(detail))") + ", at least \(minimum) required"))

        case let .stationUtilities(utilities):
            let present = WordSet(facts.station.utilities)
            let missing = utilities.filter { !present.contains($0) }
            return missing.isEmpty ? (.met, met) : (.notMet, s("缺少：", "Missing: ") + Utility.labels(missing))

        case let .requiredFacilities(types):
            let usable = usableFacilities
            let missing = types.filter { !usable.contains($0) }
            if missing.isEmpty { return (.met, met) }
            let outOfUse = WordSet(facts.facilities.lazy.filter { $0.condition == .outOfUse }.map(\.type))
            let described = missing.map { outOfUse.contains($0) ? $0.label + s("（停用）", " (out of use)") : $0.label }
            return (.notMet, s("缺少：", "Missing: ") + described.joined(separator: listJoin))

        case let .stationFloorArea(minimum):
            let area = facts.station.floorArea
            return (area >= minimum ? .met : .notMet, s("服务站面积\(Self.number(area))平方米，要求不低于\(Self.number(minimum))平方米",
                                                       "The station has \(Self.number(area)) m², at least \(Self.number(minimum)) m² required"))

        case let .fundsBudgeted(kinds, minimum):
            let count = facts.funds.count(where: { kinds.contains($0.kind) })
            return (count >= minimum ? .met : .notMet, s("本年度\(subject)预算\(count)笔，要求不少于\(minimum)笔", "\(count) budget lines for \(subject) this year, at least \(minimum) required"))

        case let .fundsDisbursed(kinds, graceDays):
            return fundsDisbursed(kinds: kinds, graceDays: graceDays, label: subject)

        case let .facilitiesCondition(types, maximumAge):
            let relevant = facts.facilities.filter { types.contains($0.type) }
            if relevant.isEmpty { return (.notMet, s("未登记\(subject)", "No \(subject) recorded")) }
            let earliest = asOf.adding(days: -maximumAge)
            var problems: [String] = []
            for f in relevant {
                if f.condition != .good { problems.append(s("\(f.type.label)\(f.condition.label)", "\(f.type.label): \(f.condition.label)")) }
                guard let inspected = f.inspectedOn, inspected >= earliest, inspected <= asOf else {
                    problems.append(s("\(f.type.label)\(maximumAge)天内未检查", "\(f.type.label) not inspected within \(maximumAge) days"))
                    continue
                }
            }
            let summary = s("登记的文体活动场所\(relevant.count)处", "\(relevant.count) cultural and sports venues recorded")
            return problems.isEmpty ? (.met, summary + s("，均完好且按期检查", ", all in good order and inspected on time"))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case .maintenancePlans:
            let relevant = facts.facilities.filter { $0.condition != .outOfUse && Self.maintainedTypes.contains($0.type) }
            if relevant.isEmpty { return (.notApplicable, s("未登记需要维护的公共服务设施", "No public service facilities needing maintenance are recorded")) }
            let noPlan = relevant.filter { $0.nextMaintenanceOn == nil }
            let overdue = relevant.filter { ($0.nextMaintenanceOn.map { $0 < asOf }) ?? false }
            var problems: [String] = []
            if !noPlan.isEmpty { problems.append(s("无维护计划：", "no maintenance plan: ") + noPlan.map(\.type.label).joined(separator: listJoin)) }
            if !overdue.isEmpty {
                problems.append(s("维护逾期：", "maintenance overdue: ") + overdue.map { f in
                    let planned = f.nextMaintenanceOn.map(String.init(describing:)) ?? ""
                    return s("\(f.type.label)（计划\(planned)）", "\(f.type.label) (planned \(planned))")
                }.joined(separator: listJoin))
            }
            let summary = s("公共服务设施\(relevant.count)处", "\(relevant.count) public service facilities")
            return problems.isEmpty ? (.met, summary + s("，均有维护计划且无逾期", ", all with maintenance plans and none overdue"))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case let .infrastructureWorks(kinds):
            var missing: [String] = []
            for kind in kinds {
                let entries = facts.infrastructure.filter { $0.kind == kind }
                if entries.contains(where: { $0.status == .completed || $0.status == .notApplicable }) { continue }
                missing.append(kind.label + (entries.first.map { s("（\($0.status.label)）", " (\($0.status.label))") } ?? s("（未实施）", " (not started)")))
            }
            return missing.isEmpty ? (.met, met) : (.notMet, s("未完成：", "Not completed: ") + missing.joined(separator: listJoin))

        case let .infrastructureUpkeep(kinds):
            let missing = kinds.filter { kind in
                !facts.infrastructure.contains { $0.kind == kind && ($0.upkeepArranged || $0.status == .notApplicable) }
            }
            return missing.isEmpty ? (.met, met) : (.notMet, s("未落实长效管护：", "No lasting upkeep arranged: ") + InfrastructureKind.labels(missing))

        case let .complaintsResolved(maximumDays):
            let due = facts.complaints.filter { counted($0.receivedOn) && $0.receivedOn.adding(days: maximumDays) <= asOf }
            let late = due.filter { c in
                guard let resolved = c.resolvedOn, resolved <= asOf else { return true }
                return c.receivedOn.days(until: resolved) > maximumDays
            }
            if due.isEmpty { return (.met, s("本年度无已到处理期限的投诉（期限\(maximumDays)天）", "No complaint has reached its deadline this year (\(maximumDays) days)")) }
            let summary = s("已到期限的投诉\(due.count)件，\(maximumDays)天内办结\(due.count - late.count)件",
                            "Complaints past their deadline: \(due.count), resolved within \(maximumDays) days: \(due.count - late.count)")
            return late.isEmpty ? (.met, summary) : (.notMet, summary + s("，未及时办结\(late.count)件", ", late: \(late.count)"))

        case let .postsMapped(minimumStanding):
            let standing = facts.posts.count(where: { $0.kind == .standing })
            let unmapped = facts.posts.filter { ($0.townshipDepartment ?? "").isEmpty }
            var problems: [String] = []
            if standing < minimumStanding { problems.append(s("常设岗位\(standing)个，要求不少于\(minimumStanding)个", "\(standing) standing posts, at least \(minimumStanding) required")) }
            if !unmapped.isEmpty {
                problems.append(s("未明确对应乡镇科室的岗位：", "posts without a township counterpart: ") + unmapped.map(\.name).joined(separator: listJoin))
            }
            let summary = s("设置岗位\(facts.posts.count)个（常设\(standing)个）", "\(facts.posts.count) posts (\(standing) standing)")
            return problems.isEmpty ? (.met, summary + s("，均已明确对应的乡镇科室或站所", ", each matched to a township department or station"))
                : (.notMet, problems.joined(separator: semicolon))

        case .postsBackedUp:
            if facts.posts.isEmpty { return (.notMet, s("未设置岗位", "No posts set up")) }
            let bad = facts.posts.filter { post in
                guard let a = post.holderA, let b = post.holderB, !a.isEmpty, !b.isEmpty else { return true }
                return a == b
            }
            let summary = s("岗位\(facts.posts.count)个", "\(facts.posts.count) posts")
            return bad.isEmpty ? (.met, summary + s("，均配备了不同的A岗和B岗人员", ", each with different A and B holders"))
                : (.notMet, s("未配备不同的A、B岗人员的岗位：", "Posts without different A and B holders: ") + bad.map(\.name).joined(separator: listJoin))

        case .ledgerTracked:
            let r = facts.serviceRequests
            if r.received == 0 { return (.notMet, s("本年度台账无服务事项办理记录", "The ledger has no service requests this year")) }
            var problems: [String] = []
            if r.withFirstInquiryOwner < r.received {
                problems.append(s("\(r.received - r.withFirstInquiryOwner)件未记录首问责任人", "\(r.received - r.withFirstInquiryOwner) without a first-inquiry owner"))
            }
            if r.withFullHistory < r.received {
                problems.append(s("\(r.received - r.withFullHistory)件办理过程记录不完整", "\(r.received - r.withFullHistory) with an incomplete history"))
            }
            if !r.ledgerIntact { problems.append(s("台账校验发现记录被改动", "ledger verification found altered events")) }
            let summary = s("本年度受理服务事项\(r.received)件", "\(r.received) service requests this year")
            return problems.isEmpty ? (.met, summary + s("，全过程记录完整，台账校验无误", ", every history complete and the ledger verified"))
                : (.notMet, summary + semicolon + problems.joined(separator: semicolon))

        case let .weeklyOpeningHours(minimumHours):
            let minutes = Self.weeklyMinutes(facts.station.openingHours)
            let required = Int((minimumHours * 60).rounded())
            let shown = s("\(minutes / 60)小时" + (minutes % 60 == 0 ? "" : "\(minutes % 60)分"), "\(minutes / 60) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min"))
            return (minutes >= required ? .met : .notMet, s("服务站每周开放\(shown)，要求不少于\(Self.number(minimumHours))小时",
                                                            "The station is open \(shown) a week, at least \(Self.number(minimumHours)) h required"))

        case let .onTimeCompletion(minimumRate):
            let r = facts.serviceRequests
            if r.dueByAsOf == 0 { return (.notApplicable, s("截至\(asOfText)尚无到期的服务事项", "No service request was due by \(asOfText)")) }
            let met = Double(r.completedOnTime) >= minimumRate * Double(r.dueByAsOf) - 1e-9
            let rate = Self.percent(Double(r.completedOnTime) / Double(r.dueByAsOf))
            return (met ? .met : .notMet, s("到期服务事项\(r.dueByAsOf)件，按时办结\(r.completedOnTime)件，按时办结率\(rate)，要求不低于\(Self.percent(minimumRate))",
                                            "\(r.dueByAsOf) requests due, \(r.completedOnTime) completed on time (\(rate)), at least \(Self.percent(minimumRate)) required"))

        case let .serviceFields(fields):
            let present = WordSet(facts.services.lazy.map(\.field))
            let missing = fields.filter { !present.contains($0) }
            return missing.isEmpty ? (.met, met) : (.notMet, s("服务事项目录缺少：", "The service catalogue lacks: ") + ServiceField.labels(missing))

        case .publicGuides:
            if facts.services.isEmpty { return (.notMet, s("未建立服务事项目录", "No service catalogue")) }
            let missing = facts.services.filter { !$0.publicGuide }
            let summary = s("服务事项\(facts.services.count)项", "\(facts.services.count) services")
            return missing.isEmpty ? (.met, summary + s("，均已公示办事指南", ", all with published guides"))
                : (.notMet, summary + s("，未公示办事指南\(missing.count)项：", ", \(missing.count) without a published guide: ") + missing.prefix(5).map(\.name).joined(separator: listJoin))

        case let .volunteerTeams(minimum):
            let count = facts.volunteerTeams.count
            return (count >= minimum ? .met : .notMet, s("社区志愿者队伍\(count)支，要求不少于\(minimum)支", "\(count) community volunteer teams, at least \(minimum) required"))

        case let .volunteersRegistered96156(share):
            return volunteerShare(facts.volunteers.count(where: \.registered96156), share: share, what: s("在96156注册", "registered with 96156"))

        case let .volunteersTrained(share):
            return volunteerShare(facts.volunteers.count(where: \.trained), share: share, what: s("接受培训", "trained"))

        case let .fiveEldersVolunteers(minimum):
            let count = facts.volunteers.count(where: \.fiveElders)
            return (count >= minimum ? .met : .notMet, s("“五老”志愿者\(count)人，要求不少于\(minimum)人", "\(count) \"five elders\" volunteers, at least \(minimum) required"))

        case let .volunteerActivityCategories(categories, minimumCovered):
            var covered = WordSet<VolunteerCategory>()
            for a in facts.volunteerActivities where counted(a.date) { covered.formUnion(a.categories) }
            let hit = categories.filter { covered.contains($0) }
            let missing = categories.filter { !covered.contains($0) }
            let covers = hit.isEmpty ? "" : VolunteerCategory.labels(hit)
            let summary = s("本年度志愿服务涵盖\(hit.count)类" + (hit.isEmpty ? "" : "（\(covers)）") + "，要求不少于\(minimumCovered)类",
                            "Volunteer service covered \(hit.count) kinds this year" + (hit.isEmpty ? "" : " (\(covers))") + ", at least \(minimumCovered) required")
            if hit.count >= minimumCovered { return (.met, summary) }
            return yearlyDeferral(false, summary + s("；尚未开展：", "; not yet: ") + VolunteerCategory.labels(missing))

        case let .volunteerTargetGroups(groups):
            var served = WordSet<TargetGroup>()
            for a in facts.volunteerActivities where counted(a.date) { served.formUnion(a.targetGroups) }
            let missing = groups.filter { !served.contains($0) }
            if missing.isEmpty { return (.met, met) }
            return yearlyDeferral(false, s("本年度尚未面向\(TargetGroup.labels(missing))开展服务", "No service this year yet for: \(TargetGroup.labels(missing))"))

        case .hotline:
            if let number = facts.station.hotline, !number.isEmpty { return (.met, s("已开通便民服务热线\(number)", "Service hotline \(number) is open")) }
            return (.notMet, s("未开通便民服务热线", "No service hotline"))

        case let .serviceChannels(channels, minimum):
            let present = channels.filter { facts.station.channels.contains($0) }
            let summary = s("采用\(present.isEmpty ? "0种信息服务手段" : ServiceChannel.labels(present) + "\(present.count)种手段")，要求不少于\(minimum)种",
                            "\(present.count) information channels" + (present.isEmpty ? "" : " (\(ServiceChannel.labels(present)))") + ", at least \(minimum) required")
            return (present.count >= minimum ? .met : .notMet, summary)

        case let .artTeams(minimum):
            let count = facts.artTeams.count
            return (count >= minimum ? .met : .notMet, s("群众性文艺团队\(count)支，要求不少于\(minimum)支", "\(count) residents' art teams, at least \(minimum) required"))

        case let .workersInRole(role, minimum):
            let count = facts.workers.count(where: { isInPost($0, role) })
            return (count >= minimum ? .met : .notMet, s("截至\(cutoffText)在岗\(role.label)\(count)名，要求不少于\(minimum)名",
                                                         "\(count) in post as \(role.label) on \(cutoffText), at least \(minimum) required"))

        case let .stationStaffing(perStaff, minimum):
            let households = facts.village.households
            let required = max(minimum, (households + perStaff - 1) / perStaff)
            let count = facts.workers.count(where: { isInPost($0, .stationStaff) })
            let basis = s("实有\(households)户，按每\(perStaff)户1名、不少于\(minimum)名计应配备\(required)名",
                          "\(households) households at one per \(perStaff), at least \(minimum): \(required) required")
            return (count >= required ? .met : .notMet, s("截至\(cutoffText)服务站专职工作人员\(count)名；\(basis)", "\(count) full-time station staff on \(cutoffText); \(basis)"))

        case let .collegeGraduateOfficials(minimum):
            return collegeGraduates(minimum: minimum)

        case .assistantsManaged:
            let assistants = inPost(.communityAssistant)
            if assistants.isEmpty { return (.notApplicable, s("本村未登记在岗社区协管员", "No community assistants in post are recorded")) }
            let outside = assistants.filter { !$0.underStationManagement }
            let summary = s("在岗社区协管员\(assistants.count)名，纳入服务站管理\(assistants.count - outside.count)名",
                            "\(assistants.count) community assistants in post, \(assistants.count - outside.count) managed by the station")
            return outside.isEmpty ? (.met, summary) : (.notMet, summary + s("；未纳入：", "; not managed: ") + outside.map(\.name).joined(separator: listJoin))

        case let .workerEvaluations(maximumAge):
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let earliest = asOf.adding(days: -maximumAge)
            let due = communityWorkers.filter { w in (w.roles.lazy.map(\.from).min() ?? cutoff) <= earliest }
            if due.isEmpty { return (.notApplicable, s("在岗社区工作者任职均不满\(maximumAge)天", "No community worker in post has served \(maximumAge) days")) }
            let missing = due.filter { w in
                guard let last = w.lastEvaluatedOn else { return true }
                return last < earliest || last > asOf
            }
            let summary = s("任职满\(maximumAge)天的社区工作者\(due.count)名，\(maximumAge)天内接受民主评议\(due.count - missing.count)名",
                            "\(due.count) community workers have served \(maximumAge) days, \(due.count - missing.count) evaluated within \(maximumAge) days")
            return missing.isEmpty ? (.met, summary) : (.notMet, summary + s("；未评议：", "; not evaluated: ") + missing.map(\.name).joined(separator: listJoin))

        case .workerPay:
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let missing = communityWorkers.filter { !$0.payInPlace }
            let summary = s("在岗社区工作者\(communityWorkers.count)名", "\(communityWorkers.count) community workers in post")
            return missing.isEmpty ? (.met, summary + s("，工资补贴和福利待遇均已落实", ", all with pay and benefits in place"))
                : (.notMet, summary + s("；未落实：", "; not in place: ") + missing.map(\.name).joined(separator: listJoin))

        case .everyoneTrained:
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            let untrained = communityWorkers.filter { $0.trainingHours <= 0 }
            let summary = s("在岗社区工作者\(communityWorkers.count)名，本年度参加培训\(communityWorkers.count - untrained.count)名",
                            "\(communityWorkers.count) community workers in post, \(communityWorkers.count - untrained.count) trained this year")
            if untrained.isEmpty { return (.met, summary) }
            return yearlyDeferral(false, summary + s("；未参加培训：", "; not trained: ") + untrained.map(\.name).joined(separator: listJoin))

        case let .averageTrainingHours(minimumHours):
            if communityWorkers.isEmpty { return (.notMet, noWorkers) }
            // Hundredths of an hour, so the average is compared exactly.
            let total = communityWorkers.reduce(0) { $0 + Int(($1.trainingHours * 100).rounded()) }
            let required = Int((minimumHours * 100).rounded()) * communityWorkers.count
            let average = Double(total) / Double(communityWorkers.count) / 100
            let summary = s("在岗社区工作者\(communityWorkers.count)名，本年度平均培训\(Self.number(average))学时，要求不少于\(Self.number(minimumHours))学时",
                            "\(communityWorkers.count) community workers in post averaged \(Self.number(average)) training hours this year, at least \(Self.number(minimumHours)) required")
            return yearlyDeferral(total >= required, summary)

        case let .socialWorkers(minimum):
            let qualified = communityWorkers.filter { $0.qualification != .none }
            let certified = qualified.count(where: { $0.qualification == .certified })
            let summary = s("持证社工\(certified)名、社会工作专业毕业生\(qualified.count - certified)名，合计\(qualified.count)名，要求不少于\(minimum)名",
                            "\(certified) certified social workers and \(qualified.count - certified) social work graduates, \(qualified.count) in all, at least \(minimum) required")
            return (qualified.count >= minimum ? .met : .notMet, summary)

        case .linkedTo96156:
            return facts.station.linkedTo96156 ? (.met, s("服务站已与96156平台联网对接", "The station is linked to the 96156 platform"))
                : (.notMet, s("服务站未与96156平台联网对接", "The station is not linked to the 96156 platform"))
        }
    }

    // MARK: - Shared pieces

    static let maintainedTypes = WordSet<FacilityType>([
        .partyActivityVenue, .culturalRoom, .library, .clinic, .deliberationVenue, .fitnessFacility,
        .legalServiceRoom, .policeStation, .receptionRoom, .bulletinBoard, .other,
    ])

    /// Social organizations existing at the cut-off: registered (if dated) by then and not dissolved.
    private func activeOrganizations() -> [VillageFacts.SocialOrganization] {
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
    /// if the running period already has enough, otherwise not yet due.
    private func periodic(_ counts: PeriodCounts, minimum: Int, verb: String, what: String) -> (Status, String) {
        if english { return periodicInEnglish(counts, minimum: minimum, what: what) }
        // Built by appending into one reserved buffer: ten checks of every village run this.
        let period = counts.period
        var out = ""
        out.reserveCapacity(192)
        var failed = false, endedList = ""
        let ended = period == .quarter ? endedQuarters : period == .halfYear ? endedHalves : endedYears
        for index in 0..<ended {
            let count = counts[index]
            endedList += index == 0 ? String(count) : "、" + String(count)
            if count < minimum {
                if failed { out += "；" }
                out += period.name(index); out += verb; out += what; out += String(count); out += "次"
                failed = true
            }
        }
        // The period running at the as-of date, if the year has begun and not ended.
        let running: (name: String, count: Int)? = ended < period.count && asOf >= yearStart ? (period.name(ended), counts[ended]) : nil
        func requirement(_ out: inout String) {
            out += "要求"; out += period.label; out += "不少于"; out += String(minimum); out += "次"
        }
        func runningText(_ out: inout String) {
            guard let running else { return }
            out += "；"; out += running.name; out += "（未结束）已"; out += verb; out += String(running.count); out += "次"
        }
        if failed {
            out += "，"
            requirement(&out)
            return (.notMet, out)
        }
        if ended == 0 {
            if let current = running, current.count >= minimum {
                out += current.name; out += "已"; out += verb; out += what; out += String(current.count); out += "次，"
                requirement(&out)
                return (.met, out)
            }
            out += "截至"; out += asOfText; out += "本年度尚无已结束的"; out += period.noun; out += "，暂不评定"
            runningText(&out)
            return (.notApplicable, out)
        }
        if period == .year { out += "全年" } else { out += "已结束的"; out += String(ended); out += "个"; out += period.noun }
        out += verb; out += what; out += "分别为"; out += endedList; out += "次，"
        requirement(&out)
        runningText(&out)
        return (.met, out)
    }

    /// `periodic` in English, with the same decisions (rarely used, so plainly built):
    /// "Villagers' representative meeting: 0 in Q3, at least 1 required each quarter".
    private func periodicInEnglish(_ counts: PeriodCounts, minimum: Int, what: String) -> (Status, String) {
        let period = counts.period
        let ended = period == .quarter ? endedQuarters : period == .halfYear ? endedHalves : endedYears
        let requirement = "at least \(minimum) required \(period.label)"
        let failures = (0..<ended).filter { counts[$0] < minimum }.map { "\(counts[$0]) in \(period.name($0))" }
        if !failures.isEmpty { return (.notMet, "\(what): " + failures.joined(separator: "; ") + ", " + requirement) }
        let running: (name: String, count: Int)? = ended < period.count && asOf >= yearStart ? (period.name(ended), counts[ended]) : nil
        let runningText = running.map { "; \($0.count) so far in \($0.name) (not ended)" } ?? ""
        if ended == 0 {
            if let running, running.count >= minimum { return (.met, "\(what): \(running.count) so far in \(running.name), " + requirement) }
            let notYet = period == .year ? "The year has not ended by \(asOfText)" : "No \(period.noun) of the year has ended by \(asOfText)"
            return (.notApplicable, notYet + "; not assessed yet" + runningText)
        }
        let list = (0..<ended).map { String(counts[$0]) }.joined(separator: ", ")
        let scope = period == .year ? "in the year" : ended == 1 ? "in the ended \(period.noun)" : "in the \(ended) ended \(period.noun)s"
        return (.met, "\(what) \(scope): \(list), " + requirement + runningText)
    }

    private func fundsDisbursed(kinds: [FundKind], graceDays: Int, label: String) -> (Status, String) {
        let lines = facts.funds.filter { kinds.contains($0.kind) }
        let due = lines.filter { $0.plannedOn.adding(days: graceDays) <= asOf }
        if due.isEmpty {
            return (.notApplicable, lines.isEmpty ? s("本年度未列入\(label)", "No \(label) this year")
                : s("截至\(asOfText)尚无到期应拨付的\(label)（计划日期后\(graceDays)天内拨付）", "No \(label) due for payment by \(asOfText) (paid within \(graceDays) days of the planned date)"))
        }
        var problems: [String] = []
        for line in due {
            let deadline = line.plannedOn.adding(days: graceDays)
            let byDeadline = line.disbursements.filter { $0.date <= deadline }.reduce(0) { $0 + $1.amount.fen }
            if byDeadline >= line.planned.fen { continue }
            let soFar = line.disbursements.filter { $0.date <= asOf }.reduce(0) { $0 + $1.amount.fen }
            let state = soFar >= line.planned.fen ? s("拨付不及时", "late") : s("拨付不足额", "short")
            problems.append(s("计划\(line.plannedOn)拨付\(line.planned)元，\(deadline)前拨付\(Money(fen: byDeadline))元，截至\(asOfText)共拨付\(Money(fen: soFar))元（\(state)）",
                              "\(line.planned) yuan planned for \(line.plannedOn): \(Money(fen: byDeadline)) paid by \(deadline), \(Money(fen: soFar)) by \(asOfText) (\(state))"))
        }
        let summary = s("到期应拨付的\(label)\(due.count)笔，及时足额\(due.count - problems.count)笔",
                        "\(due.count) payments of \(label) due, \(due.count - problems.count) in full and on time")
        return problems.isEmpty ? (.met, summary) : (.notMet, summary + semicolon + problems.joined(separator: semicolon))
    }

    private func volunteerShare(_ count: Int, share: Double, what: String) -> (Status, String) {
        let total = facts.volunteers.count
        if total == 0 { return (.notMet, s("未登记志愿者", "No volunteers recorded")) }
        let met = Double(count) >= share * Double(total) - 1e-9
        let rate = Self.percent(Double(count) / Double(total))
        return (met ? .met : .notMet, s("志愿者\(total)人，\(what)\(count)人（\(rate)），要求不低于\(Self.percent(share))",
                                        "\(total) volunteers, \(count) \(what) (\(rate)), at least \(Self.percent(share)) required"))
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
        let range = s("\(yearStartText)至\(cutoffText)", "\(yearStartText) to \(cutoffText)")
        if fewest >= minimum {
            return (.met, s("\(range)期间大学生村官始终不少于\(fewest)名，要求常年不少于\(minimum)名",
                            "From \(range) there were always at least \(fewest) college-graduate officials; at least \(minimum) required at all times"))
        }
        let since = LocalDate(dayNumber: fewestDay)
        return (.notMet, s("\(range)期间大学生村官最少时为\(fewest)名（自\(since)起），截至\(cutoffText)在岗\(atCutoff)名，要求常年不少于\(minimum)名",
                           "From \(range) college-graduate officials fell to \(fewest) (from \(since)); \(atCutoff) in post on \(cutoffText); at least \(minimum) required at all times"))
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
