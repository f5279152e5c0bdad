/// What the engine knows about one village for one assessment year: the facts
/// format, version 1 (docs/facts.md, docs/facts.schema.json). The web application
/// computes these from a village's records; the command line reads them from a file.
/// Every collection defaults to empty, so a village with few records is still valid.
public struct VillageFacts: Sendable, Codable, Equatable {
    public static let currentVersion = 1

    public var factsVersion: Int
    public var standard: String
    public var year: Int
    public var asOf: LocalDate?
    public var village: Village
    public var organizations: Organizations
    public var station: Station
    public var meetings: [Meeting]
    public var disclosures: [Disclosure]
    public var socialOrganizations: [SocialOrganization]
    public var residentUnits: [ResidentUnit]
    public var volunteerTeams: [VolunteerTeam]
    public var volunteers: [Volunteer]
    public var volunteerActivities: [VolunteerActivity]
    public var facilities: [Facility]
    public var infrastructure: [Infrastructure]
    public var funds: [BudgetLine]
    public var activities: [Activity]
    public var artTeams: [ArtTeam]
    public var workers: [Worker]
    public var posts: [Post]
    public var services: [Service]
    public var serviceRequests: ServiceRequestSummary
    public var complaints: [Complaint]
    public var reviews: [Review]
    public var otherLevelResults: [OtherLevelResult]

    public init(year: Int, village: Village) {
        self.factsVersion = Self.currentVersion
        self.standard = Catalogue.defaultVersion
        self.year = year
        self.asOf = nil
        self.village = village
        self.organizations = Organizations()
        self.station = Station()
        self.meetings = []
        self.disclosures = []
        self.socialOrganizations = []
        self.residentUnits = []
        self.volunteerTeams = []
        self.volunteers = []
        self.volunteerActivities = []
        self.facilities = []
        self.infrastructure = []
        self.funds = []
        self.activities = []
        self.artTeams = []
        self.workers = []
        self.posts = []
        self.services = []
        self.serviceRequests = ServiceRequestSummary()
        self.complaints = []
        self.reviews = []
        self.otherLevelResults = []
    }

    public struct Village: Sendable, Codable, Equatable {
        public var name: String
        /// 12-digit statistical division code, when known.
        public var code: String?
        public var households: Int
        public var residentPopulation: Int
        /// The village's collective finances are busy (many receipts and payments): item 5's
        /// finances are then disclosed every month (Organic Law of Villagers' Committees, Art. 30).
        public var busyFinances: Bool
        public init(name: String, code: String? = nil, households: Int, residentPopulation: Int = 0, busyFinances: Bool = false) {
            self.name = name
            self.code = code
            self.households = households
            self.residentPopulation = residentPopulation
            self.busyFinances = busyFinances
        }
    }

    public struct Organizations: Sendable, Codable, Equatable {
        public var partyOrganization = false
        public var villageCommittee = false
        public var serviceStation = false
        public var supervisionCommittee = false
        public var deliberationBody: DeliberationBody?
        public init() {}

        public func exists(_ kind: OrganizationKind) -> Bool {
            switch kind {
            case .partyOrganization: return partyOrganization
            case .villageCommittee: return villageCommittee
            case .serviceStation: return serviceStation
            case .supervisionCommittee: return supervisionCommittee
            }
        }
    }

    public struct DeliberationBody: Sendable, Codable, Equatable {
        public var residentUnitMembers: Int
        public var socialOrganizationMembers: Int
        public init(residentUnitMembers: Int, socialOrganizationMembers: Int) {
            self.residentUnitMembers = residentUnitMembers
            self.socialOrganizationMembers = socialOrganizationMembers
        }
    }

    public struct Station: Sendable, Codable, Equatable {
        /// Square metres.
        public var floorArea: Double = 0
        public var openingHours: [OpeningInterval] = []
        public var utilities: [Utility] = []
        public var hotline: String?
        public var channels: [ServiceChannel] = []
        public var linkedTo96156 = false
        public init() {}
    }

    /// One opening interval in the weekly schedule, e.g. Monday 08:30–12:00.
    public struct OpeningInterval: Sendable, Codable, Equatable {
        /// 1 = Monday … 7 = Sunday.
        public var weekday: Int
        public var from: ClockTime
        public var to: ClockTime
        public init(weekday: Int, from: ClockTime, to: ClockTime) {
            self.weekday = weekday
            self.from = from
            self.to = to
        }
    }

    public struct Meeting: Sendable, Codable, Equatable {
        public var kind: MeetingKind
        public var date: LocalDate
        /// The meeting decided matters of major interest to villagers (item 5: disclosed promptly).
        public var majorDecision: Bool
        public init(kind: MeetingKind, date: LocalDate, majorDecision: Bool = false) { self.kind = kind; self.date = date; self.majorDecision = majorDecision }
    }

    public struct Disclosure: Sendable, Codable, Equatable {
        public var category: DisclosureCategory
        public var publishedOn: LocalDate
        public init(category: DisclosureCategory, publishedOn: LocalDate) { self.category = category; self.publishedOn = publishedOn }
    }

    public struct SocialOrganization: Sendable, Codable, Equatable {
        public var name: String
        public var type: SocialOrganizationType
        public var status: RegistrationStatus
        public var registeredOn: LocalDate?
        public var dissolvedOn: LocalDate?
        public var lastEvaluatedOn: LocalDate?
        /// This year's activities the organization held (item 13: its role shown).
        public var activityDates: [LocalDate]
        public init(name: String, type: SocialOrganizationType, status: RegistrationStatus,
                    registeredOn: LocalDate? = nil, dissolvedOn: LocalDate? = nil, lastEvaluatedOn: LocalDate? = nil, activityDates: [LocalDate] = []) {
            self.name = name
            self.type = type
            self.status = status
            self.registeredOn = registeredOn
            self.dissolvedOn = dissolvedOn
            self.lastEvaluatedOn = lastEvaluatedOn
            self.activityDates = activityDates
        }
    }

    public struct ResidentUnit: Sendable, Codable, Equatable {
        public var name: String
        public var agreements: [Agreement]
        public var contributions: [Contribution]
        public init(name: String, agreements: [Agreement] = [], contributions: [Contribution] = []) {
            self.name = name
            self.agreements = agreements
            self.contributions = contributions
        }
    }

    public struct Agreement: Sendable, Codable, Equatable {
        public var kind: AgreementKind
        public var from: LocalDate
        public var to: LocalDate?
        public init(kind: AgreementKind, from: LocalDate, to: LocalDate? = nil) { self.kind = kind; self.from = from; self.to = to }
    }

    public struct Contribution: Sendable, Codable, Equatable {
        public var kind: ContributionKind
        public var date: LocalDate
        public init(kind: ContributionKind, date: LocalDate) { self.kind = kind; self.date = date }
    }

    public struct VolunteerTeam: Sendable, Codable, Equatable {
        public var name: String
        public var brand: String?
        public init(name: String, brand: String? = nil) { self.name = name; self.brand = brand }
    }

    public struct Volunteer: Sendable, Codable, Equatable {
        public var registered96156: Bool
        public var fiveElders: Bool
        public var trained: Bool
        /// Service hours in the assessment year.
        public var hours: Double
        public init(registered96156: Bool = false, fiveElders: Bool = false, trained: Bool = false, hours: Double = 0) {
            self.registered96156 = registered96156
            self.fiveElders = fiveElders
            self.trained = trained
            self.hours = hours
        }
    }

    public struct VolunteerActivity: Sendable, Codable, Equatable {
        public var date: LocalDate
        public var categories: [VolunteerCategory]
        public var targetGroups: [TargetGroup]
        public init(date: LocalDate, categories: [VolunteerCategory] = [], targetGroups: [TargetGroup] = []) {
            self.date = date
            self.categories = categories
            self.targetGroups = targetGroups
        }
    }

    public struct Facility: Sendable, Codable, Equatable {
        public var type: FacilityType
        public var condition: FacilityCondition
        public var inspectedOn: LocalDate?
        public var nextMaintenanceOn: LocalDate?
        /// The latest maintenance done (item 23): on or after the planned date, the plan was kept.
        public var lastMaintainedOn: LocalDate?
        public init(type: FacilityType, condition: FacilityCondition = .good, inspectedOn: LocalDate? = nil, nextMaintenanceOn: LocalDate? = nil,
                    lastMaintainedOn: LocalDate? = nil) {
            self.type = type
            self.condition = condition
            self.inspectedOn = inspectedOn
            self.nextMaintenanceOn = nextMaintenanceOn
            self.lastMaintainedOn = lastMaintainedOn
        }
    }

    public struct Infrastructure: Sendable, Codable, Equatable {
        public var kind: InfrastructureKind
        public var status: WorksStatus
        public var upkeepArranged: Bool
        public init(kind: InfrastructureKind, status: WorksStatus, upkeepArranged: Bool = false) {
            self.kind = kind
            self.status = status
            self.upkeepArranged = upkeepArranged
        }
    }

    public struct BudgetLine: Sendable, Codable, Equatable {
        public var kind: FundKind
        public var planned: Money
        public var plannedOn: LocalDate
        public var disbursements: [Disbursement]
        public init(kind: FundKind, planned: Money, plannedOn: LocalDate, disbursements: [Disbursement] = []) {
            self.kind = kind
            self.planned = planned
            self.plannedOn = plannedOn
            self.disbursements = disbursements
        }
    }

    public struct Disbursement: Sendable, Codable, Equatable {
        public var amount: Money
        public var date: LocalDate
        public var disclosed: Bool
        public init(amount: Money, date: LocalDate, disclosed: Bool = false) { self.amount = amount; self.date = date; self.disclosed = disclosed }
    }

    public struct Activity: Sendable, Codable, Equatable {
        public var kind: ActivityKind
        public var date: LocalDate
        public init(kind: ActivityKind, date: LocalDate) { self.kind = kind; self.date = date }
    }

    public struct ArtTeam: Sendable, Codable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct Worker: Sendable, Codable, Equatable {
        public var name: String
        public var roles: [RolePeriod]
        /// Training hours (学时) in the assessment year.
        public var trainingHours: Double
        public var qualification: SocialWorkQualification
        public var lastEvaluatedOn: LocalDate?
        public var payInPlace: Bool
        /// For community assistants: brought under the station's management (item 47).
        public var underStationManagement: Bool
        public init(name: String, roles: [RolePeriod], trainingHours: Double = 0, qualification: SocialWorkQualification = .none,
                    lastEvaluatedOn: LocalDate? = nil, payInPlace: Bool = false, underStationManagement: Bool = false) {
            self.name = name
            self.roles = roles
            self.trainingHours = trainingHours
            self.qualification = qualification
            self.lastEvaluatedOn = lastEvaluatedOn
            self.payInPlace = payInPlace
            self.underStationManagement = underStationManagement
        }
    }

    /// A role held over a period; `to` is the last day held, nil while still held.
    public struct RolePeriod: Sendable, Codable, Equatable {
        public var role: WorkerRole
        public var from: LocalDate
        public var to: LocalDate?
        public init(role: WorkerRole, from: LocalDate, to: LocalDate? = nil) { self.role = role; self.from = from; self.to = to }

        public func covers(_ date: LocalDate) -> Bool { from <= date && (to.map { date <= $0 } ?? true) }
    }

    public struct Post: Sendable, Codable, Equatable {
        public var name: String
        public var kind: PostKind
        public var townshipDepartment: String?
        public var holderA: String?
        public var holderB: String?
        public init(name: String, kind: PostKind, townshipDepartment: String? = nil, holderA: String? = nil, holderB: String? = nil) {
            self.name = name
            self.kind = kind
            self.townshipDepartment = townshipDepartment
            self.holderA = holderA
            self.holderB = holderB
        }
    }

    public struct Service: Sendable, Codable, Equatable {
        public var name: String
        public var field: ServiceField
        public var publicGuide: Bool
        public init(name: String, field: ServiceField, publicGuide: Bool = false) { self.name = name; self.field = field; self.publicGuide = publicGuide }
    }

    /// Figures of the station's request ledger for the year up to the as-of date.
    public struct ServiceRequestSummary: Sendable, Codable, Equatable {
        public var received = 0
        /// Requests whose due date fell on or before the as-of date.
        public var dueByAsOf = 0
        /// Of those, completed by their due date.
        public var completedOnTime = 0
        public var withFirstInquiryOwner = 0
        /// Requests whose every state change is an event in the ledger.
        public var withFullHistory = 0
        public var ledgerIntact = true
        public init() {}
    }

    public struct Complaint: Sendable, Codable, Equatable {
        public var receivedOn: LocalDate
        public var resolvedOn: LocalDate?
        public init(receivedOn: LocalDate, resolvedOn: LocalDate? = nil) { self.receivedOn = receivedOn; self.resolvedOn = resolvedOn }
    }

    /// A reviewer's decision on an evidenced check of this village.
    public struct Review: Sendable, Codable, Equatable {
        public var check: String
        public var decision: ReviewDecision
        public var note: String?
        public init(check: String, decision: ReviewDecision, note: String? = nil) { self.check = check; self.decision = decision; self.note = note }
    }

    /// The result of a township- or district-level check, assessed once for that unit.
    public struct OtherLevelResult: Sendable, Codable, Equatable {
        public var check: String
        public var status: OtherLevelStatus
        public var note: String?
        public init(check: String, status: OtherLevelStatus, note: String? = nil) { self.check = check; self.status = status; self.note = note }
    }
}

/// An amount of yuan held exactly, in fen (1/100 yuan).
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var fen: Int
    public init(fen: Int) { self.fen = fen }

    /// Parses "12345", "12345.6" or "12345.67"; nil for anything else (more decimals, signs, exponents).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 13,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : "00"
        guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if fraction.count == 1 { fraction += "0" }
        guard let w = Int(whole), let f = Int(fraction) else { return nil }
        self.fen = w * 100 + f
    }

    public var description: String {
        let f = fen % 100
        return "\(fen / 100).\(f < 10 ? "0" : "")\(f)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let money = Money(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "金额格式应为“12345.67”")
        }
        self = money
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A time of day in minutes, "HH:MM", 00:00 … 24:00.
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var minutes: Int
    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m),
              h < 24 || m == 0 else { return nil }
        self.minutes = h * 60 + m
    }

    public var description: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = ClockTime(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "时间格式应为“HH:MM”")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension LocalDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "日期格式应为“YYYY-MM-DD”")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
