import Foundation
import StandardKit

/// SplitMix64: a small, fast, reproducible generator (the same seed gives the same data).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic facts for one village: households skewed around 320 (80–3,000), and a
/// spread of compliance so every rule sees both outcomes.
struct FactsGenerator {
    var random: SeededRandom
    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private func date(_ year: Int, _ dayOfYear: Int) -> LocalDate { LocalDate.firstDay(of: year).adding(days: dayOfYear) }
    private mutating func anyDay(_ year: Int) -> LocalDate { date(year, int(0...364)) }

    mutating func village(number: Int, year: Int) -> VillageFacts {
        // Log-normal-ish households: most near 320, a long tail to 3,000.
        let households = min(3000, max(80, Int(320 * exp(Double.random(in: -0.9...1.4, using: &random)))))
        var facts = VillageFacts(year: year, village: .init(name: "村\(number)", households: households, residentPopulation: households * int(2...4)))
        let quality = Double.random(in: 0.55...1, using: &random)
        func good(_ g: inout FactsGenerator) -> Bool { g.chance(quality) }

        facts.organizations.partyOrganization = true
        facts.organizations.villageCommittee = true
        facts.organizations.serviceStation = good(&self)
        facts.organizations.supervisionCommittee = good(&self)
        if good(&self) { facts.organizations.deliberationBody = .init(residentUnitMembers: int(0...3), socialOrganizationMembers: int(1...4)) }
        facts.station.floorArea = Double(int(300...1500)) / 10
        let close = good(&self) ? "17:30" : "16:00"
        facts.station.openingHours = (1...5).compactMap { w -> VillageFacts.OpeningInterval? in
            guard let from = ClockTime("08:30"), let to = ClockTime(close) else { return nil }
            return .init(weekday: w, from: from, to: to)
        }
        facts.station.utilities = Utility.allCases.filter { _ in good(&self) }
        facts.station.hotline = good(&self) ? "010-6\(int(1_000_000...9_999_999))" : nil
        facts.station.channels = ServiceChannel.allCases.filter { _ in good(&self) }
        facts.station.linkedTo96156 = good(&self)

        for kind in MeetingKind.allCases {
            for _ in 0..<int(0...6) { facts.meetings.append(.init(kind: kind, date: anyDay(year))) }
        }
        for quarter in 0..<4 where good(&self) {
            facts.meetings.append(.init(kind: .representativeMeeting, date: date(year, quarter * 91 + int(5...80))))
        }
        for category in DisclosureCategory.allCases {
            for quarter in 0..<4 where good(&self) { facts.disclosures.append(.init(category: category, publishedOn: date(year, quarter * 91 + int(5...85)))) }
        }
        for i in 0..<int(1...7) {
            let type = SocialOrganizationType.allCases[int(0...SocialOrganizationType.allCases.count - 1)]
            let status: RegistrationStatus = good(&self) ? (chance(0.5) ? .registered : .filed) : .notFiled
            facts.socialOrganizations.append(.init(name: "组织\(i)", type: type, status: status,
                                                   registeredOn: date(year - int(1...10), int(0...364)),
                                                   lastEvaluatedOn: good(&self) ? anyDay(year) : nil))
        }
        for i in 0..<int(0...3) {
            facts.residentUnits.append(.init(name: "单位\(i)",
                                             agreements: [.init(kind: chance(0.5) ? .coBuilding : .pairing, from: date(year - 2, 0))],
                                             contributions: (0..<int(0...3)).map { _ in .init(kind: ContributionKind.allCases[int(0...3)], date: anyDay(year)) }))
        }
        facts.volunteerTeams = (0..<int(0...4)).map { .init(name: "志愿队\($0)", brand: chance(0.5) ? "品牌\($0)" : nil) }
        facts.volunteers = (0..<int(5...60)).map { _ in
            .init(registered96156: good(&self), fiveElders: chance(0.1), trained: good(&self), hours: Double(int(0...120)))
        }
        facts.volunteerActivities = (0..<int(2...24)).map { _ in
            .init(date: anyDay(year), categories: [VolunteerCategory.allCases[int(0...7)]], targetGroups: [TargetGroup.allCases[int(0...6)]])
        }
        for type in FacilityType.allCases where good(&self) {
            facts.facilities.append(.init(type: type, condition: good(&self) ? .good : .needsRepair,
                                          inspectedOn: anyDay(year), nextMaintenanceOn: date(year + 1, int(0...200))))
        }
        for kind in InfrastructureKind.allCases {
            facts.infrastructure.append(.init(kind: kind, status: good(&self) ? .completed : .inProgress, upkeepArranged: good(&self)))
        }
        for kind in FundKind.allCases where good(&self) {
            let planned = int(10_000...200_000) * 100
            let paid = good(&self) ? planned : planned / 2
            let plannedOn = date(year, int(0...300))
            facts.funds.append(.init(kind: kind, planned: Money(fen: planned), plannedOn: plannedOn,
                                     disbursements: [.init(amount: Money(fen: paid), date: plannedOn.adding(days: int(0...40)), disclosed: good(&self))]))
        }
        for kind in ActivityKind.allCases {
            for _ in 0..<int(0...5) { facts.activities.append(.init(kind: kind, date: anyDay(year))) }
        }
        facts.artTeams = (0..<int(0...3)).map { .init(name: "文艺队\($0)") }
        let staffNeeded = max(2, (households + 299) / 300)
        var workers: [VillageFacts.Worker] = []
        func add(_ g: inout FactsGenerator, _ role: WorkerRole, _ count: Int) {
            for i in 0..<count {
                let left: LocalDate? = g.chance(0.05) ? g.anyDay(year) : nil
                workers.append(.init(name: "\(role.rawValue)\(i)", roles: [.init(role: role, from: g.date(year - g.int(0...8), g.int(0...364)), to: left)],
                                     trainingHours: g.chance(quality) ? Double(g.int(300...600)) / 10 : Double(g.int(0...30)),
                                     qualification: g.chance(0.2) ? (g.chance(0.5) ? .certified : .graduate) : .none,
                                     lastEvaluatedOn: g.chance(quality) ? g.anyDay(year) : nil, payInPlace: g.chance(quality),
                                     underStationManagement: g.chance(quality)))
            }
        }
        add(&self, .partyBuildingWorker, good(&self) ? 1 : 0)
        add(&self, .committeeMember, int(3...7))
        add(&self, .stationStaff, good(&self) ? staffNeeded : staffNeeded - 1)
        add(&self, .collegeGraduateOfficial, int(0...3))
        add(&self, .communityAssistant, int(0...4))
        facts.workers = workers
        facts.posts = (0..<int(2...6)).map { i -> VillageFacts.Post in
            .init(name: "岗位\(i)", kind: i < 2 ? .standing : .special, townshipDepartment: good(&self) ? "科室\(i)" : nil,
                  holderA: "A\(i)", holderB: good(&self) ? "B\(i)" : "A\(i)")
        }
        facts.services = ServiceField.allCases.filter { _ in good(&self) }.map { .init(name: $0.label, field: $0, publicGuide: good(&self)) }
        let received = households * 4
        facts.serviceRequests.received = received
        facts.serviceRequests.dueByAsOf = received - int(0...20)
        facts.serviceRequests.completedOnTime = Int(Double(facts.serviceRequests.dueByAsOf) * Double.random(in: 0.85...1, using: &random))
        facts.serviceRequests.withFirstInquiryOwner = received
        facts.serviceRequests.withFullHistory = good(&self) ? received : received - 1
        facts.complaints = (0..<int(0...6)).map { _ -> VillageFacts.Complaint in
            let received = date(year, int(0...330))
            return .init(receivedOn: received, resolvedOn: received.adding(days: int(1...25)))
        }
        return facts
    }
}
