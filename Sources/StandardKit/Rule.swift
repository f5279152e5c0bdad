/// The parameters of one measured check, as configured in the catalogue and
/// overridden by settings. Getters throw a settings error naming the parameter.
public struct RuleParameters: Sendable {
    let checkID: String
    let members: [(key: String, node: JSONNode)]

    private func node(_ key: String) throws(CatalogueError) -> JSONNode {
        guard let node = members.first(where: { $0.key == key })?.node else {
            throw .malformed("检查项\(checkID)缺少参数\(key)")
        }
        return node
    }

    private func bad(_ key: String, _ message: String) -> CatalogueError {
        .badSettings(path: "\(checkID).\(key)", message: message)
    }

    func integer(_ key: String, minimum: Int = 0) throws(CatalogueError) -> Int {
        guard let text = try node(key).number, let value = Int(text) else { throw bad(key, "应为整数") }
        guard value >= minimum else { throw bad(key, "不能小于\(minimum)") }
        return value
    }

    /// A least number of the listed kinds: at least 1, at most `count` (the list's length).
    func least(_ key: String, of count: Int) throws(CatalogueError) -> Int {
        let value = try integer(key, minimum: 1)
        guard value <= count else { throw bad(key, "不能大于列出的类别数\(count)") }
        return value
    }

    func number(_ key: String, minimum: Double = 0, maximum: Double = .greatestFiniteMagnitude) throws(CatalogueError) -> Double {
        guard let text = try node(key).number, let value = Double(text), value.isFinite else { throw bad(key, "应为数字") }
        guard value >= minimum, value <= maximum else { throw bad(key, "应在\(FactsSchema.format(minimum))到\(FactsSchema.format(maximum))之间") }
        return value
    }

    func word<V: Vocabulary>(_ key: String, as type: V.Type) throws(CatalogueError) -> V {
        guard let text = try node(key).string, let value = V(rawValue: text) else {
            throw bad(key, "应为以下取值之一：\(V.words.joined(separator: ", "))")
        }
        return value
    }

    func words<V: Vocabulary>(_ key: String, as type: V.Type, allowEmpty: Bool = false) throws(CatalogueError) -> [V] {
        guard let elements = try node(key).array else { throw bad(key, "应为数组") }
        var values: [V] = []
        for element in elements {
            guard let text = element.string, let value = V(rawValue: text) else {
                throw bad(key, "应为以下取值组成的数组：\(V.words.joined(separator: ", "))")
            }
            if !values.contains(value) { values.append(value) }
        }
        if values.isEmpty && !allowEmpty { throw bad(key, "不能为空") }
        return values
    }
}

/// Where a "so many per period" rule counts its records.
public enum RecordSource: String, Sendable, CaseIterable {
    case meetings, activities, volunteerActivities
}

/// A measured rule with its parameters. Each case is documented in docs/standard.md.
public enum Rule: Sendable {
    case organizationExists(OrganizationKind)
    case periodicMeetings(kinds: [MeetingKind], period: Period, minimum: Int)
    case periodicActivities(kinds: [ActivityKind], period: Period, minimum: Int)
    case periodicVolunteerActivities(period: Period, minimum: Int)
    /// Item 5 and the Organic Law of Villagers' Committees, Art. 30: each category at least each
    /// quarter, and a meeting's major decision disclosed (village affairs) within `promptDays`.
    case quarterlyDisclosures(categories: [DisclosureCategory], promptDays: Int)
    case deliberationBody(minimumResidentUnits: Int, minimumSocialOrganizations: Int)
    case disbursementsDisclosed(kinds: [FundKind], graceDays: Int)
    case opinionChannel(facilityTypes: [FacilityType], meetingKinds: [MeetingKind])
    case activeVolunteers(minimumPer100Residents: Double, minimumHours: Double)
    /// Item 11: community social organizations of these types registered or filed; mass
    /// organizations (item 13) and economic co-operatives (item 14) are not counted.
    case registeredSocialOrganizations(types: [SocialOrganizationType], minimum: Int)
    case socialOrganizationEvaluations(maximumAgeDays: Int)
    case socialOrganizationTypes(types: [SocialOrganizationType])
    /// Item 13: the organizations named before 等 are examples; at least `minimumKinds` kinds
    /// present whose role is shown, by this year's activities or by `evidenceCheck` accepted.
    case massOrganizations(types: [SocialOrganizationType], minimumKinds: Int, evidenceCheck: String)
    /// An evidenced check's records: organizations of these kinds held activities this year.
    case organizationActivities(types: [SocialOrganizationType])
    case residentUnitAgreements(kinds: [AgreementKind], minimum: Int)
    case residentUnitContributions(minimum: Int)
    case stationUtilities(utilities: [Utility])
    case requiredFacilities(types: [FacilityType])
    /// Item 38's 电信、金融、邮局等服务机构: the kinds are examples; at least `minimumKinds` in use.
    case servicePoints(types: [FacilityType], minimumKinds: Int)
    case stationFloorArea(minimum: Double)
    case fundsBudgeted(kinds: [FundKind], minimum: Int)
    case fundsDisbursed(kinds: [FundKind], graceDays: Int)
    case facilitiesCondition(types: [FacilityType], maximumInspectionAgeDays: Int)
    case maintenancePlans
    /// 实施了…等工程: the kinds are examples; at least `minimumKinds` under way or completed.
    case infrastructureWorks(kinds: [InfrastructureKind], minimumKinds: Int)
    case infrastructureUpkeep(kinds: [InfrastructureKind])
    /// Item 25 asks the station to 努力解决: met when at least `minimumRate` of the complaints due
    /// were settled within `maximumDays`, or no more than `allowedLate` were late.
    case complaintsResolved(maximumDays: Int, minimumRate: Double, allowedLate: Int)
    case postsMapped(minimumStandingPosts: Int)
    case postsBackedUp
    case ledgerTracked
    case weeklyOpeningHours(minimumHours: Double)
    case onTimeCompletion(minimumRate: Double)
    case serviceFields(fields: [ServiceField])
    case publicGuides
    case volunteerTeams(minimum: Int)
    case volunteersRegistered96156(minimumShare: Double)
    case volunteersTrained(minimumShare: Double)
    case fiveEldersVolunteers(minimum: Int)
    case volunteerActivityCategories(categories: [VolunteerCategory], minimumCovered: Int)
    /// Item 36's 老年人、未成年人、低收入人群、优抚对象等群体: the groups are examples; served this
    /// year: at least `minimumGroups` groups, named or not.
    case volunteerTargetGroups(groups: [TargetGroup], minimumGroups: Int)
    case hotline
    case serviceChannels(channels: [ServiceChannel], minimum: Int)
    case artTeams(minimum: Int)
    case workersInRole(role: WorkerRole, minimum: Int)
    /// Item 45: full-time station staff by households. 专职 is one post: a worker in post in any
    /// of `exclusiveOf` (the full-time party-building worker) is not also counted here.
    case stationStaffing(householdsPerStaff: Int, minimum: Int, exclusiveOf: [WorkerRole])
    case collegeGraduateOfficials(minimum: Int)
    case assistantsManaged
    case workerEvaluations(maximumAgeDays: Int)
    case workerPay
    case everyoneTrained
    case averageTrainingHours(minimumHours: Double)
    case socialWorkers(minimum: Int)
    case linkedTo96156

    /// The labels of the rule's principal list ("图书室、文化室…"), joined once when the
    /// catalogue loads and quoted by explanations.
    var subject: String {
        switch self {
        case let .periodicMeetings(kinds, _, _): return MeetingKind.labels(kinds)
        case let .periodicActivities(kinds, _, _): return ActivityKind.labels(kinds)
        case let .socialOrganizationTypes(types), let .registeredSocialOrganizations(types, _), let .massOrganizations(types, _, _),
             let .organizationActivities(types):
            return SocialOrganizationType.labels(types)
        case let .residentUnitAgreements(kinds, _): return AgreementKind.labels(kinds)
        case let .stationUtilities(utilities): return Utility.labels(utilities)
        case let .requiredFacilities(types), let .facilitiesCondition(types, _), let .servicePoints(types, _): return FacilityType.labels(types)
        case let .fundsBudgeted(kinds, _), let .fundsDisbursed(kinds, _), let .disbursementsDisclosed(kinds, _): return FundKind.labels(kinds)
        case let .infrastructureWorks(kinds, _), let .infrastructureUpkeep(kinds): return InfrastructureKind.labels(kinds)
        case let .serviceFields(fields): return ServiceField.labels(fields)
        case let .volunteerTargetGroups(groups, _): return TargetGroup.labels(groups)
        case let .volunteerActivityCategories(categories, _): return VolunteerCategory.labels(categories)
        case let .quarterlyDisclosures(categories, _): return DisclosureCategory.labels(categories)
        default: return ""
        }
    }

    /// The explanation when met, for rules where it depends only on the rule's
    /// parameters: made once per catalogue instead of once per village.
    var fixedMetText: String {
        switch self {
        case let .organizationExists(kind): return say(.metOrganizationExists, kind.label)
        case .socialOrganizationTypes: return say(.metSocialOrganizationTypes, subject)
        case .stationUtilities: return say(.metStationUtilities, subject)
        case .requiredFacilities: return say(.metRequiredFacilities, subject)
        case .infrastructureUpkeep: return say(.metInfrastructureUpkeep, subject)
        case .serviceFields: return say(.metServiceFields, subject)
        default: return ""
        }
    }

    /// Every rule name the catalogue may use.
    public static let names: [String] = [
        "organizationExists", "periodicRecords", "quarterlyDisclosures", "deliberationBody", "disbursementsDisclosed",
        "opinionChannel", "activeVolunteers", "registeredSocialOrganizations", "socialOrganizationEvaluations",
        "socialOrganizationTypes", "massOrganizations", "organizationActivities", "residentUnitAgreements", "residentUnitContributions", "stationUtilities",
        "requiredFacilities", "servicePoints", "stationFloorArea", "fundsBudgeted", "fundsDisbursed", "facilitiesCondition",
        "maintenancePlans", "infrastructureWorks", "infrastructureUpkeep", "complaintsResolved", "postsMapped",
        "postsBackedUp", "ledgerTracked", "weeklyOpeningHours", "onTimeCompletion", "serviceFields", "publicGuides",
        "volunteerTeams", "volunteersRegistered96156", "volunteersTrained", "fiveEldersVolunteers",
        "volunteerActivityCategories", "volunteerTargetGroups", "hotline", "serviceChannels", "artTeams",
        "workersInRole", "stationStaffing", "collegeGraduateOfficials", "assistantsManaged", "workerEvaluations",
        "workerPay", "everyoneTrained", "averageTrainingHours", "socialWorkers", "linkedTo96156",
    ]

    init(name: String, parameters p: RuleParameters) throws(CatalogueError) {
        switch name {
        case "organizationExists": self = .organizationExists(try p.word("organization", as: OrganizationKind.self))
        case "periodicRecords":
            let period = try p.word("period", as: Period.self)
            let minimum = try p.integer("minimum", minimum: 1)
            guard let sourceText = p.members.first(where: { $0.key == "source" })?.node.string,
                  let source = RecordSource(rawValue: sourceText) else {
                throw .badSettings(path: "\(p.checkID).source", message: "应为meetings、activities或volunteerActivities")
            }
            switch source {
            case .meetings: self = .periodicMeetings(kinds: try p.words("kinds", as: MeetingKind.self), period: period, minimum: minimum)
            case .activities: self = .periodicActivities(kinds: try p.words("kinds", as: ActivityKind.self), period: period, minimum: minimum)
            case .volunteerActivities: self = .periodicVolunteerActivities(period: period, minimum: minimum)
            }
        case "quarterlyDisclosures":
            self = .quarterlyDisclosures(categories: try p.words("categories", as: DisclosureCategory.self), promptDays: try p.integer("promptDays", minimum: 1))
        case "deliberationBody":
            self = .deliberationBody(minimumResidentUnits: try p.integer("minimumResidentUnits"),
                                     minimumSocialOrganizations: try p.integer("minimumSocialOrganizations"))
        case "disbursementsDisclosed":
            self = .disbursementsDisclosed(kinds: try p.words("kinds", as: FundKind.self), graceDays: try p.integer("graceDays"))
        case "opinionChannel":
            self = .opinionChannel(facilityTypes: try p.words("facilityTypes", as: FacilityType.self, allowEmpty: true),
                                   meetingKinds: try p.words("meetingKinds", as: MeetingKind.self, allowEmpty: true))
        case "activeVolunteers":
            self = .activeVolunteers(minimumPer100Residents: try p.number("minimumPer100Residents", maximum: 100),
                                     minimumHours: try p.number("minimumHours"))
        case "registeredSocialOrganizations":
            self = .registeredSocialOrganizations(types: try p.words("types", as: SocialOrganizationType.self), minimum: try p.integer("minimum"))
        case "socialOrganizationEvaluations": self = .socialOrganizationEvaluations(maximumAgeDays: try p.integer("maximumAgeDays", minimum: 1))
        case "socialOrganizationTypes": self = .socialOrganizationTypes(types: try p.words("types", as: SocialOrganizationType.self))
        case "massOrganizations":
            guard let check = p.members.first(where: { $0.key == "evidenceCheck" })?.node.string else { throw .malformed("检查项\(p.checkID)缺少参数evidenceCheck") }
            self = .massOrganizations(types: try p.words("types", as: SocialOrganizationType.self), minimumKinds: try p.integer("minimumKinds", minimum: 1),
                                      evidenceCheck: check)
        case "organizationActivities": self = .organizationActivities(types: try p.words("types", as: SocialOrganizationType.self))
        case "residentUnitAgreements":
            self = .residentUnitAgreements(kinds: try p.words("kinds", as: AgreementKind.self), minimum: try p.integer("minimum"))
        case "residentUnitContributions": self = .residentUnitContributions(minimum: try p.integer("minimum"))
        case "stationUtilities": self = .stationUtilities(utilities: try p.words("utilities", as: Utility.self))
        case "requiredFacilities": self = .requiredFacilities(types: try p.words("types", as: FacilityType.self))
        case "servicePoints":
            let types = try p.words("types", as: FacilityType.self)
            self = .servicePoints(types: types, minimumKinds: try p.least("minimumKinds", of: types.count))
        case "stationFloorArea": self = .stationFloorArea(minimum: try p.number("minimum"))
        case "fundsBudgeted": self = .fundsBudgeted(kinds: try p.words("kinds", as: FundKind.self), minimum: try p.integer("minimum"))
        case "fundsDisbursed": self = .fundsDisbursed(kinds: try p.words("kinds", as: FundKind.self), graceDays: try p.integer("graceDays"))
        case "facilitiesCondition":
            self = .facilitiesCondition(types: try p.words("types", as: FacilityType.self),
                                        maximumInspectionAgeDays: try p.integer("maximumInspectionAgeDays", minimum: 1))
        case "maintenancePlans": self = .maintenancePlans
        case "infrastructureWorks": self = .infrastructureWorks(kinds: try p.words("kinds", as: InfrastructureKind.self), minimumKinds: try p.integer("minimumKinds", minimum: 1))
        case "infrastructureUpkeep": self = .infrastructureUpkeep(kinds: try p.words("kinds", as: InfrastructureKind.self))
        case "complaintsResolved":
            self = .complaintsResolved(maximumDays: try p.integer("maximumDays", minimum: 1), minimumRate: try p.number("minimumRate", maximum: 1),
                                       allowedLate: try p.integer("allowedLate"))
        case "postsMapped": self = .postsMapped(minimumStandingPosts: try p.integer("minimumStandingPosts"))
        case "postsBackedUp": self = .postsBackedUp
        case "ledgerTracked": self = .ledgerTracked
        case "weeklyOpeningHours": self = .weeklyOpeningHours(minimumHours: try p.number("minimumHours", maximum: 168))
        case "onTimeCompletion": self = .onTimeCompletion(minimumRate: try p.number("minimumRate", maximum: 1))
        case "serviceFields": self = .serviceFields(fields: try p.words("fields", as: ServiceField.self))
        case "publicGuides": self = .publicGuides
        case "volunteerTeams": self = .volunteerTeams(minimum: try p.integer("minimum"))
        case "volunteersRegistered96156": self = .volunteersRegistered96156(minimumShare: try p.number("minimumShare", maximum: 1))
        case "volunteersTrained": self = .volunteersTrained(minimumShare: try p.number("minimumShare", maximum: 1))
        case "fiveEldersVolunteers": self = .fiveEldersVolunteers(minimum: try p.integer("minimum"))
        case "volunteerActivityCategories":
            let categories = try p.words("categories", as: VolunteerCategory.self)
            self = .volunteerActivityCategories(categories: categories, minimumCovered: try p.least("minimumCovered", of: categories.count))
        case "volunteerTargetGroups":
            self = .volunteerTargetGroups(groups: try p.words("groups", as: TargetGroup.self), minimumGroups: try p.integer("minimumGroups", minimum: 1))
        case "hotline": self = .hotline
        case "serviceChannels":
            let channels = try p.words("channels", as: ServiceChannel.self)
            let minimum = try p.integer("minimum", minimum: 1)
            guard minimum <= channels.count else {
                throw .badSettings(path: "\(p.checkID).minimum", message: "不能大于列出的手段数\(channels.count)")
            }
            self = .serviceChannels(channels: channels, minimum: minimum)
        case "artTeams": self = .artTeams(minimum: try p.integer("minimum"))
        case "workersInRole": self = .workersInRole(role: try p.word("role", as: WorkerRole.self), minimum: try p.integer("minimum"))
        case "stationStaffing":
            self = .stationStaffing(householdsPerStaff: try p.integer("householdsPerStaff", minimum: 1), minimum: try p.integer("minimum"),
                                    exclusiveOf: try p.words("exclusiveOf", as: WorkerRole.self, allowEmpty: true))
        case "collegeGraduateOfficials": self = .collegeGraduateOfficials(minimum: try p.integer("minimum"))
        case "assistantsManaged": self = .assistantsManaged
        case "workerEvaluations": self = .workerEvaluations(maximumAgeDays: try p.integer("maximumAgeDays", minimum: 1))
        case "workerPay": self = .workerPay
        case "everyoneTrained": self = .everyoneTrained
        case "averageTrainingHours": self = .averageTrainingHours(minimumHours: try p.number("minimumHours", maximum: 8784))
        case "socialWorkers": self = .socialWorkers(minimum: try p.integer("minimum"))
        case "linkedTo96156": self = .linkedTo96156
        default: throw .malformed("检查项\(p.checkID)使用了未知规则\(name)")
        }
    }
}
