/// The closed word lists of the standard, each value with the Chinese label the
/// product shows. Raw values are the facts format's words (docs/facts.md).
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {
    var label: String { get }
}

extension Vocabulary {
    public static var words: [String] { allCases.map(\.rawValue) }

    public static func labels(_ values: some Sequence<Self>) -> String {
        values.map(\.label).joined(separator: "、")
    }
}

public enum OrganizationKind: String, Vocabulary {
    case partyOrganization, villageCommittee, serviceStation, supervisionCommittee
    public var label: String {
        switch self {
        case .partyOrganization: return "社区（村）党组织"
        case .villageCommittee: return "村（居）民委员会"
        case .serviceStation: return "社区服务站"
        case .supervisionCommittee: return "村务监督委员会"
        }
    }
}

public enum MeetingKind: String, Vocabulary {
    case villagersMeeting, representativeMeeting, jointMeeting, deliberationMeeting, opinionForum, stationReport, other
    public var label: String {
        switch self {
        case .villagersMeeting: return "村民会议"
        case .representativeMeeting: return "村民代表会议"
        case .jointMeeting: return "党组织与村委会联席会议"
        case .deliberationMeeting: return "议事协商会议"
        case .opinionForum: return "民情恳谈会"
        case .stationReport: return "服务站工作汇报会"
        case .other: return "其他会议"
        }
    }
}

public enum DisclosureCategory: String, Vocabulary {
    case villageAffairs, finance, partyAffairs, subsidies, other
    public var label: String {
        switch self {
        case .villageAffairs: return "村务"
        case .finance: return "财务"
        case .partyAffairs: return "党务"
        case .subsidies: return "补贴和福利资金"
        case .other: return "其他"
        }
    }
}

public enum SocialOrganizationType: String, Vocabulary {
    case youthLeague, womensFederation, disabledPersonsFederation, redCross, volunteerAssociation
    case farmersCooperative, intermediary, industryAssociation, economicAssociation, volunteerOrganization, other
    public var label: String {
        switch self {
        case .youthLeague: return "共青团"
        case .womensFederation: return "妇联"
        case .disabledPersonsFederation: return "残联"
        case .redCross: return "红十字会"
        case .volunteerAssociation: return "志愿者协会"
        case .farmersCooperative: return "农民专业合作社"
        case .intermediary: return "民间中介组织"
        case .industryAssociation: return "行业协会"
        case .economicAssociation: return "专业经济组织协会"
        case .volunteerOrganization: return "社区志愿者组织"
        case .other: return "其他社会组织"
        }
    }
}

public enum RegistrationStatus: String, Vocabulary {
    case registered, filed, notFiled
    public var label: String {
        switch self {
        case .registered: return "已登记"
        case .filed: return "已备案"
        case .notFiled: return "未登记备案"
        }
    }
}

public enum AgreementKind: String, Vocabulary {
    case coBuilding, pairing
    public var label: String { self == .coBuilding ? "共驻共建" : "结对帮扶" }
}

public enum ContributionKind: String, Vocabulary {
    case funds, technology, information, volunteerService
    public var label: String {
        switch self {
        case .funds: return "资金"
        case .technology: return "技术"
        case .information: return "信息"
        case .volunteerService: return "志愿服务"
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
        case .partyActivityVenue: return "党员活动场所"
        case .culturalRoom: return "文化室"
        case .library: return "图书室"
        case .clinic: return "卫生室"
        case .chainStore: return "连锁便利店"
        case .deliberationVenue: return "村（居）民议事场所"
        case .fitnessFacility: return "全民健身设施"
        case .legalServiceRoom: return "农村法律服务室"
        case .policeStation: return "社区警务站"
        case .computer: return "电脑"
        case .printer: return "打印机"
        case .telephone: return "电话"
        case .fax: return "传真机"
        case .copier: return "复印机"
        case .telecomPoint: return "电信服务点"
        case .financePoint: return "金融服务点"
        case .postPoint: return "邮政服务点"
        case .receptionRoom: return "民意接待室"
        case .bulletinBoard: return "宣传栏"
        case .other: return "其他设施"
        }
    }
}

public enum FacilityCondition: String, Vocabulary {
    case good, needsRepair, outOfUse
    public var label: String {
        switch self {
        case .good: return "完好"
        case .needsRepair: return "待维修"
        case .outOfUse: return "停用"
        }
    }
}

public enum Utility: String, Vocabulary {
    case water, electricity, heating, sanitation, telecom, network
    public var label: String {
        switch self {
        case .water: return "水"
        case .electricity: return "电"
        case .heating: return "暖"
        case .sanitation: return "卫"
        case .telecom: return "通讯"
        case .network: return "信息网络"
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
        case .roadHardening: return "道路硬化"
        case .riverWorks: return "河道整治"
        case .toiletUpgrade: return "卫生改厕"
        case .greening: return "村庄绿化"
        case .streets: return "街路"
        case .waterMains: return "供水管网"
        case .publicToilets: return "公厕"
        case .streetLights: return "路灯"
        case .other: return "其他"
        }
    }
}

public enum WorksStatus: String, Vocabulary {
    case planned, inProgress, completed, notApplicable
    public var label: String {
        switch self {
        case .planned: return "计划中"
        case .inProgress: return "实施中"
        case .completed: return "已完成"
        case .notApplicable: return "本村无此项"
        }
    }
}

public enum FundKind: String, Vocabulary {
    case officeFunds, publicWelfareSubsidy, purchaseOfServices, other
    public var label: String {
        switch self {
        case .officeFunds: return "社区办公经费"
        case .publicWelfareSubsidy: return "公益事业专项补助资金"
        case .purchaseOfServices: return "政府购买服务资金"
        case .other: return "其他资金"
        }
    }
}

public enum ActivityKind: String, Vocabulary {
    case culture, sports, healthLecture, publicity, education, farmerTraining, festival
    public var label: String {
        switch self {
        case .culture: return "文化活动"
        case .sports: return "体育活动"
        case .healthLecture: return "健康知识讲座"
        case .publicity: return "社区建设宣传"
        case .education: return "政策法规和思想道德教育"
        case .farmerTraining: return "农民科技培训"
        case .festival: return "传统节庆和文艺竞赛"
        }
    }
}

public enum VolunteerCategory: String, Vocabulary {
    case mediation, militaryFamilySupport, securityPatrol, legalPublicity, legalAid, environment, elderAndDisabilityHelp, other
    public var label: String {
        switch self {
        case .mediation: return "人民调解"
        case .militaryFamilySupport: return "拥军优属"
        case .securityPatrol: return "治安防范"
        case .legalPublicity: return "普法宣传"
        case .legalAid: return "法律援助"
        case .environment: return "环境保护"
        case .elderAndDisabilityHelp: return "助老助残"
        case .other: return "其他"
        }
    }
}

public enum TargetGroup: String, Vocabulary {
    case elderly, minors, lowIncome, specialCare, fiveGuarantees, disabled, singleParent
    public var label: String {
        switch self {
        case .elderly: return "老年人"
        case .minors: return "未成年人"
        case .lowIncome: return "低收入人群"
        case .specialCare: return "优抚对象"
        case .fiveGuarantees: return "“五保”对象"
        case .disabled: return "残疾人"
        case .singleParent: return "单亲家庭"
        }
    }
}

public enum WorkerRole: String, Vocabulary {
    case partyBuildingWorker, committeeMember, stationStaff, collegeGraduateOfficial, communityAssistant
    public var label: String {
        switch self {
        case .partyBuildingWorker: return "专职党建工作者"
        case .committeeMember: return "村委会成员"
        case .stationStaff: return "服务站专职工作人员"
        case .collegeGraduateOfficial: return "大学生村官"
        case .communityAssistant: return "社区协管员"
        }
    }
}

public enum SocialWorkQualification: String, Vocabulary {
    case none, certified, graduate
    public var label: String {
        switch self {
        case .none: return "无"
        case .certified: return "持国家社会工作者职业水平证书"
        case .graduate: return "高校社会工作专业毕业"
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
        case .employment: return "劳动就业"
        case .socialSecurity: return "社会保障"
        case .elderCare: return "社区养老"
        case .cultureSportsEducation: return "文体教育"
        case .populationFamilyPlanning: return "人口计生"
        case .communitySafety: return "社区安全"
        case .migrantManagement: return "流动人口管理"
        case .agriculturalExtension: return "农技推广"
        case .animalPlantDiseaseControl: return "动植物疫病防治"
        case .agriProductQuality: return "农产品质量监督"
        case .homeCare: return "居家养老（助残）"
        case .agency: return "代办代理"
        case .billPayment: return "便利缴费"
        case .goodsDelivery: return "商品配送"
        case .agriConsulting: return "农科咨询"
        case .other: return "其他服务"
        }
    }
}

public enum ServiceChannel: String, Vocabulary {
    case phone, fax, online
    public var label: String {
        switch self {
        case .phone: return "电话"
        case .fax: return "传真"
        case .online: return "网络"
        }
    }
}

public enum PostKind: String, Vocabulary {
    case standing, special
    public var label: String { self == .standing ? "常设岗位" : "特设岗位" }
}

public enum ReviewDecision: String, Vocabulary {
    case accepted, returned
    public var label: String { self == .accepted ? "审核通过" : "审核退回" }
}

public enum OtherLevelStatus: String, Vocabulary {
    case met, notMet, pending
    public var label: String {
        switch self {
        case .met: return "达标"
        case .notMet: return "未达标"
        case .pending: return "待审核"
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
