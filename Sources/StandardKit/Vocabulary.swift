/// The closed word lists of the standard, each value with the label the product
/// shows, in Chinese and English. Raw values are the facts format's words (docs/facts.md).
/// Labels are in the word catalogue (`Resources/words.zh.json`, `words.en.json`), keyed
/// "<type>.<raw value>" ("MeetingKind.representativeMeeting"): the case is the typed key.
/// A new vocabulary joins `allVocabularies`; a new case needs its label in both files
/// (WordsCatalogueTests fails until it has them).
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {
    var label: String { get }
}

/// Every vocabulary of the standard. The word catalogue reads their labels through this
/// list, and a test checks that it names every type that conforms to `Vocabulary`.
public let allVocabularies: [any Vocabulary.Type] = [
    OrganizationKind.self, MeetingKind.self, DisclosureCategory.self, SocialOrganizationType.self,
    RegistrationStatus.self, AgreementKind.self, ContributionKind.self, FacilityType.self,
    FacilityCondition.self, Utility.self, InfrastructureKind.self, WorksStatus.self,
    FundKind.self, ActivityKind.self, VolunteerCategory.self, TargetGroup.self,
    WorkerRole.self, SocialWorkQualification.self, ServiceField.self, ServiceChannel.self,
    PostKind.self, ReviewDecision.self, OtherLevelStatus.self, Period.self,
]

/// How lists are joined in running text: 、 in Chinese, a comma in English.
public var listSeparator: String { say(.listSeparator) }

extension Vocabulary {
    /// The word's label in the current language, from the word catalogue.
    public var label: String { Words.label(self) }

    public static var words: [String] { allCases.map(\.rawValue) }

    public static func labels(_ values: some Sequence<Self>) -> String {
        values.map(\.label).joined(separator: listSeparator)
    }
}

public enum OrganizationKind: String, Vocabulary {
    case partyOrganization, villageCommittee, serviceStation, supervisionCommittee
}

public enum MeetingKind: String, Vocabulary {
    case villagersMeeting, representativeMeeting, jointMeeting, deliberationMeeting, opinionForum, stationReport, other
}

public enum DisclosureCategory: String, Vocabulary {
    case villageAffairs, finance, partyAffairs, subsidies, other
}

public enum SocialOrganizationType: String, Vocabulary {
    case youthLeague, womensFederation, disabledPersonsFederation, redCross, volunteerAssociation
    case farmersCooperative, intermediary, industryAssociation, economicAssociation, volunteerOrganization, other
}

public enum RegistrationStatus: String, Vocabulary {
    case registered, filed, notFiled
}

public enum AgreementKind: String, Vocabulary {
    case coBuilding, pairing
}

public enum ContributionKind: String, Vocabulary {
    case funds, technology, information, volunteerService
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
}

public enum FacilityCondition: String, Vocabulary {
    case good, needsRepair, outOfUse
}

public enum Utility: String, Vocabulary {
    case water, electricity, heating, sanitation, telecom, network
}

public enum InfrastructureKind: String, Vocabulary {
    // Works of item 24's first clause.
    case roadHardening, riverWorks, toiletUpgrade, greening
    // Assets needing long-term upkeep, item 24's second clause.
    case streets, waterMains, publicToilets, streetLights
    case other
}

public enum WorksStatus: String, Vocabulary {
    case planned, inProgress, completed, notApplicable
}

public enum FundKind: String, Vocabulary {
    case officeFunds, publicWelfareSubsidy, purchaseOfServices, other
}

public enum ActivityKind: String, Vocabulary {
    case culture, sports, healthLecture, publicity, education, farmerTraining, festival
}

public enum VolunteerCategory: String, Vocabulary {
    case mediation, militaryFamilySupport, securityPatrol, legalPublicity, legalAid, environment, elderAndDisabilityHelp, other
}

public enum TargetGroup: String, Vocabulary {
    case elderly, minors, lowIncome, specialCare, fiveGuarantees, disabled, singleParent
}

public enum WorkerRole: String, Vocabulary {
    case partyBuildingWorker, committeeMember, stationStaff, collegeGraduateOfficial, communityAssistant
}

public enum SocialWorkQualification: String, Vocabulary {
    case none, certified, graduate
}

public enum ServiceField: String, Vocabulary {
    // Item 29's ten public services.
    case employment, socialSecurity, elderCare, cultureSportsEducation, populationFamilyPlanning
    case communitySafety, migrantManagement, agriculturalExtension, animalPlantDiseaseControl, agriProductQuality
    // Item 37's five convenience services.
    case homeCare, agency, billPayment, goodsDelivery, agriConsulting
    case other
}

public enum ServiceChannel: String, Vocabulary {
    case phone, fax, online
}

public enum PostKind: String, Vocabulary {
    case standing, special
}

public enum ReviewDecision: String, Vocabulary {
    case accepted, returned
}

public enum OtherLevelStatus: String, Vocabulary {
    case met, notMet, pending
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
