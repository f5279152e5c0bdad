/// The closed word lists of the standard, each value with the label the product
/// shows, in Chinese and English. Raw values are the facts format's words (docs/facts.md).
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {
    var label: String { get }
}

/// How lists are joined in running text: 、 in Chinese, a comma in English.
public var listSeparator: String { say("、", ", ") }

extension Vocabulary {
    public static var words: [String] { allCases.map(\.rawValue) }

    public static func labels(_ values: some Sequence<Self>) -> String {
        values.map(\.label).joined(separator: listSeparator)
    }
}

public enum OrganizationKind: String, Vocabulary {
    case partyOrganization, villageCommittee, serviceStation, supervisionCommittee
    public var label: String {
        switch self {
        case .partyOrganization: return say("社区（村）党组织", "Community (village) Party organization")
        case .villageCommittee: return say("村（居）民委员会", "Villagers' (residents') committee")
        case .serviceStation: return say("社区服务站", "Community service station")
        case .supervisionCommittee: return say("村务监督委员会", "Village affairs supervision committee")
        }
    }
}

public enum MeetingKind: String, Vocabulary {
    case villagersMeeting, representativeMeeting, jointMeeting, deliberationMeeting, opinionForum, stationReport, other
    public var label: String {
        switch self {
        case .villagersMeeting: return say("村民会议", "Villagers' meeting")
        case .representativeMeeting: return say("村民代表会议", "Villagers' representative meeting")
        case .jointMeeting: return say("党组织与村委会联席会议", "Joint meeting of the Party organization and the village committee")
        case .deliberationMeeting: return say("议事协商会议", "Deliberation meeting")
        case .opinionForum: return say("民情恳谈会", "Residents' forum")
        case .stationReport: return say("服务站工作汇报会", "Service station report meeting")
        case .other: return say("其他会议", "Other meeting")
        }
    }
}

public enum DisclosureCategory: String, Vocabulary {
    case villageAffairs, finance, partyAffairs, subsidies, other
    public var label: String {
        switch self {
        case .villageAffairs: return say("村务", "Village affairs")
        case .finance: return say("财务", "Finance")
        case .partyAffairs: return say("党务", "Party affairs")
        case .subsidies: return say("补贴和福利资金", "Subsidies and welfare funds")
        case .other: return say("其他", "Other")
        }
    }
}

public enum SocialOrganizationType: String, Vocabulary {
    case youthLeague, womensFederation, disabledPersonsFederation, redCross, volunteerAssociation
    case farmersCooperative, intermediary, industryAssociation, economicAssociation, volunteerOrganization, other
    public var label: String {
        switch self {
        case .youthLeague: return say("共青团", "Communist Youth League")
        case .womensFederation: return say("妇联", "Women's federation")
        case .disabledPersonsFederation: return say("残联", "Disabled persons' federation")
        case .redCross: return say("红十字会", "Red Cross")
        case .volunteerAssociation: return say("志愿者协会", "Volunteer association")
        case .farmersCooperative: return say("农民专业合作社", "Farmers' cooperative")
        case .intermediary: return say("民间中介组织", "Civil intermediary")
        case .industryAssociation: return say("行业协会", "Trade association")
        case .economicAssociation: return say("专业经济组织协会", "Specialized economic association")
        case .volunteerOrganization: return say("社区志愿者组织", "Community volunteer organization")
        case .other: return say("其他社会组织", "Other social organization")
        }
    }
}

public enum RegistrationStatus: String, Vocabulary {
    case registered, filed, notFiled
    public var label: String {
        switch self {
        case .registered: return say("已登记", "Registered")
        case .filed: return say("已备案", "Filed")
        case .notFiled: return say("未登记备案", "Neither registered nor filed")
        }
    }
}

public enum AgreementKind: String, Vocabulary {
    case coBuilding, pairing
    public var label: String { self == .coBuilding ? say("共驻共建", "Co-building") : say("结对帮扶", "Paired assistance") }
}

public enum ContributionKind: String, Vocabulary {
    case funds, technology, information, volunteerService
    public var label: String {
        switch self {
        case .funds: return say("资金", "Funds")
        case .technology: return say("技术", "Technology")
        case .information: return say("信息", "Information")
        case .volunteerService: return say("志愿服务", "Volunteer service")
        }
    }
}

public enum FacilityType: String, Vocabulary {
    // Item 21's nine public service facilities.
    case partyActivityVenue, culturalRoom, library, clinic, chainStore, deliberationVenue, fitnessFacility, legalServiceRoom, policeStation
    // Item 17's office equipment.
    case computer, printer, telephone, fax, copier
    // Item 38's service points.
    case telecomPoint, financePoint, postPoint
    // Items 9 and 41.
    case receptionRoom, bulletinBoard
    case other
    public var label: String {
        switch self {
        case .partyActivityVenue: return say("党员活动场所", "Party members' activity venue")
        case .culturalRoom: return say("文化室", "Culture room")
        case .library: return say("图书室", "Library")
        case .clinic: return say("卫生室", "Clinic")
        case .chainStore: return say("连锁便利店", "Chain convenience store")
        case .deliberationVenue: return say("村（居）民议事场所", "Villagers' deliberation venue")
        case .fitnessFacility: return say("全民健身设施", "Public fitness facilities")
        case .legalServiceRoom: return say("农村法律服务室", "Rural legal service room")
        case .policeStation: return say("社区警务站", "Community police post")
        case .computer: return say("电脑", "Computer")
        case .printer: return say("打印机", "Printer")
        case .telephone: return say("电话", "Telephone")
        case .fax: return say("传真机", "Fax machine")
        case .copier: return say("复印机", "Copier")
        case .telecomPoint: return say("电信服务点", "Telecom service point")
        case .financePoint: return say("金融服务点", "Financial service point")
        case .postPoint: return say("邮政服务点", "Postal service point")
        case .receptionRoom: return say("民意接待室", "Public opinion reception room")
        case .bulletinBoard: return say("宣传栏", "Bulletin board")
        case .other: return say("其他设施", "Other facility")
        }
    }
}

public enum FacilityCondition: String, Vocabulary {
    case good, needsRepair, outOfUse
    public var label: String {
        switch self {
        case .good: return say("完好", "Good")
        case .needsRepair: return say("待维修", "Needs repair")
        case .outOfUse: return say("停用", "Out of use")
        }
    }
}

public enum Utility: String, Vocabulary {
    case water, electricity, heating, sanitation, telecom, network
    public var label: String {
        switch self {
        case .water: return say("水", "Water")
        case .electricity: return say("电", "Electricity")
        case .heating: return say("暖", "Heating")
        case .sanitation: return say("卫", "Sanitation")
        case .telecom: return say("通讯", "Telecommunications")
        case .network: return say("信息网络", "Information network")
        }
    }
}

public enum InfrastructureKind: String, Vocabulary {
    // Works of item 24's first clause.
    case roadHardening, riverWorks, toiletUpgrade, greening
    // Assets needing long-term upkeep, item 24's second clause.
    case streets, waterMains, publicToilets, streetLights
    case other
    public var label: String {
        switch self {
        case .roadHardening: return say("道路硬化", "Road paving")
        case .riverWorks: return say("河道整治", "River works")
        case .toiletUpgrade: return say("卫生改厕", "Toilet upgrades")
        case .greening: return say("村庄绿化", "Village greening")
        case .streets: return say("街路", "Streets")
        case .waterMains: return say("供水管网", "Water mains")
        case .publicToilets: return say("公厕", "Public toilets")
        case .streetLights: return say("路灯", "Street lights")
        case .other: return say("其他", "Other")
        }
    }
}

public enum WorksStatus: String, Vocabulary {
    case planned, inProgress, completed, notApplicable
    public var label: String {
        switch self {
        case .planned: return say("计划中", "Planned")
        case .inProgress: return say("实施中", "In progress")
        case .completed: return say("已完成", "Completed")
        case .notApplicable: return say("本村无此项", "Not present in this village")
        }
    }
}

public enum FundKind: String, Vocabulary {
    case officeFunds, publicWelfareSubsidy, purchaseOfServices, other
    public var label: String {
        switch self {
        case .officeFunds: return say("社区办公经费", "Community office funds")
        case .publicWelfareSubsidy: return say("公益事业专项补助资金", "Public welfare special subsidy")
        case .purchaseOfServices: return say("政府购买服务资金", "Government purchase of services")
        case .other: return say("其他资金", "Other funds")
        }
    }
}

public enum ActivityKind: String, Vocabulary {
    case culture, sports, healthLecture, publicity, education, farmerTraining, festival
    public var label: String {
        switch self {
        case .culture: return say("文化活动", "Cultural activity")
        case .sports: return say("体育活动", "Sports activity")
        case .healthLecture: return say("健康知识讲座", "Health lecture")
        case .publicity: return say("社区建设宣传", "Community building publicity")
        case .education: return say("政策法规和思想道德教育", "Policy, law and civic education")
        case .farmerTraining: return say("农民科技培训", "Farmers' technical training")
        case .festival: return say("传统节庆和文艺竞赛", "Traditional festival or arts contest")
        }
    }
}

public enum VolunteerCategory: String, Vocabulary {
    case mediation, militaryFamilySupport, securityPatrol, legalPublicity, legalAid, environment, elderAndDisabilityHelp, other
    public var label: String {
        switch self {
        case .mediation: return say("人民调解", "People's mediation")
        case .militaryFamilySupport: return say("拥军优属", "Support for military families")
        case .securityPatrol: return say("治安防范", "Public security patrol")
        case .legalPublicity: return say("普法宣传", "Legal publicity")
        case .legalAid: return say("法律援助", "Legal aid")
        case .environment: return say("环境保护", "Environmental protection")
        case .elderAndDisabilityHelp: return say("助老助残", "Help for the elderly and disabled")
        case .other: return say("其他", "Other")
        }
    }
}

public enum TargetGroup: String, Vocabulary {
    case elderly, minors, lowIncome, specialCare, fiveGuarantees, disabled, singleParent
    public var label: String {
        switch self {
        case .elderly: return say("老年人", "Elderly")
        case .minors: return say("未成年人", "Minors")
        case .lowIncome: return say("低收入人群", "Low-income residents")
        case .specialCare: return say("优抚对象", "Entitled groups (veterans' families)")
        case .fiveGuarantees: return say("“五保”对象", "\"Five guarantees\" recipients")
        case .disabled: return say("残疾人", "Disabled people")
        case .singleParent: return say("单亲家庭", "Single-parent families")
        }
    }
}

public enum WorkerRole: String, Vocabulary {
    case partyBuildingWorker, committeeMember, stationStaff, collegeGraduateOfficial, communityAssistant
    public var label: String {
        switch self {
        case .partyBuildingWorker: return say("专职党建工作者", "Full-time Party-building worker")
        case .committeeMember: return say("村委会成员", "Village committee member")
        case .stationStaff: return say("服务站专职工作人员", "Full-time service station staff")
        case .collegeGraduateOfficial: return say("大学生村官", "College-graduate village official")
        case .communityAssistant: return say("社区协管员", "Community assistant")
        }
    }
}

public enum SocialWorkQualification: String, Vocabulary {
    case none, certified, graduate
    public var label: String {
        switch self {
        case .none: return say("无", "None")
        case .certified: return say("持国家社会工作者职业水平证书", "Holds the national social worker certificate")
        case .graduate: return say("高校社会工作专业毕业", "Social work graduate")
        }
    }
}

public enum ServiceField: String, Vocabulary {
    // Item 29's ten public services.
    case employment, socialSecurity, elderCare, cultureSportsEducation, populationFamilyPlanning
    case communitySafety, migrantManagement, agriculturalExtension, animalPlantDiseaseControl, agriProductQuality
    // Item 37's five convenience services.
    case homeCare, agency, billPayment, goodsDelivery, agriConsulting
    case other
    public var label: String {
        switch self {
        case .employment: return say("劳动就业", "Employment")
        case .socialSecurity: return say("社会保障", "Social security")
        case .elderCare: return say("社区养老", "Community elderly care")
        case .cultureSportsEducation: return say("文体教育", "Culture, sports and education")
        case .populationFamilyPlanning: return say("人口计生", "Population and family planning")
        case .communitySafety: return say("社区安全", "Community safety")
        case .migrantManagement: return say("流动人口管理", "Migrant population management")
        case .agriculturalExtension: return say("农技推广", "Agricultural extension")
        case .animalPlantDiseaseControl: return say("动植物疫病防治", "Animal and plant disease control")
        case .agriProductQuality: return say("农产品质量监督", "Farm produce quality supervision")
        case .homeCare: return say("居家养老（助残）", "Home care (elderly and disabled)")
        case .agency: return say("代办代理", "Errands on residents' behalf")
        case .billPayment: return say("便利缴费", "Bill payment")
        case .goodsDelivery: return say("商品配送", "Goods delivery")
        case .agriConsulting: return say("农科咨询", "Agricultural advice")
        case .other: return say("其他服务", "Other service")
        }
    }
}

public enum ServiceChannel: String, Vocabulary {
    case phone, fax, online
    public var label: String {
        switch self {
        case .phone: return say("电话", "Telephone")
        case .fax: return say("传真", "Fax")
        case .online: return say("网络", "Online")
        }
    }
}

public enum PostKind: String, Vocabulary {
    case standing, special
    public var label: String { self == .standing ? say("常设岗位", "Standing post") : say("特设岗位", "Special post") }
}

public enum ReviewDecision: String, Vocabulary {
    case accepted, returned
    public var label: String { self == .accepted ? say("审核通过", "Accepted") : say("审核退回", "Returned") }
}

public enum OtherLevelStatus: String, Vocabulary {
    case met, notMet, pending
    public var label: String {
        switch self {
        case .met: return say("达标", "Met")
        case .notMet: return say("未达标", "Not met")
        case .pending: return say("待审核", "Awaiting review")
        }
    }
}

extension Vocabulary {
    /// The case's position in declaration order (0, 1, …). A Swift enum without
    /// payloads is stored as exactly this index (one byte for fewer than 256 cases);
    /// a test checks it against `allCases` for every vocabulary.
    @inlinable public var ordinal: Int {
        withUnsafeBytes(of: self) { Int($0.load(as: UInt8.self)) }
    }
}

/// A set of words of one vocabulary as a bit mask: no hashing, no allocation.
public struct WordSet<Word: Vocabulary>: Sendable, Equatable {
    public private(set) var bits: UInt64 = 0

    public init() {}
    public init(_ words: some Sequence<Word>) { for w in words { insert(w) } }

    @inlinable public func contains(_ word: Word) -> Bool { bits & (1 << UInt64(word.ordinal)) != 0 }
    public mutating func insert(_ word: Word) { bits |= 1 << UInt64(word.ordinal) }
    public mutating func formUnion(_ words: some Sequence<Word>) { for w in words { insert(w) } }
    public var count: Int { bits.nonzeroBitCount }
}
