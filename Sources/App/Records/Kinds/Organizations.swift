import Fluent
import Foundation
import StandardKit

struct OrganizationRecord: KindRecord {
    static let key = "organizations"
    enum Field: String, RecordField {
        case kind, name, establishedOn, termStart, termEnd, members, branches, memberResidentUnits, memberSocialOrganizations, note
    }

    static let kind = RecordKind(key: key, table: "rec_organizations", label: "村级组织", items: "第1–4、8、53条",
        fields: [
            FieldSpec(Field.kind, label: "组织类别", type: .choice(Choice.from(OrganizationKind.self) + [Choice(value: deliberationBody, label: "议事协商机构")]),
                      required: true, listed: true),
            FieldSpec(Field.name, label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.establishedOn, label: "成立日期", type: .date, listed: true),
            FieldSpec(Field.termStart, label: "本届任期开始", type: .date),
            FieldSpec(Field.termEnd, label: "本届任期结束", type: .date),
            FieldSpec(Field.members, label: "成员（每行一人）", type: .longText),
            FieldSpec(Field.branches, label: "下设支部数", type: .integer(0...100)),
            FieldSpec(Field.memberResidentUnits, label: "参加的驻区单位（议事协商机构）", type: .references(ResidentUnitRecord.key)),
            FieldSpec(Field.memberSocialOrganizations, label: "参加的社区社会组织（议事协商机构）", type: .references(SocialOrganizationRecord.key)),
            FieldSpec(Field.note, label: "备注", type: .longText),
        ], dateField: Field.establishedOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// The choice that is not one of the standard's organizations (item 53's deliberation body).
    static let deliberationBody = "deliberationBody"

    /// Which organizations are set up (items 1–4), and the deliberation body's members
    /// that are live records of the village (item 53).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        for organization in records.of(Self.self) {
            if let kind: OrganizationKind = organization[choice: .kind] {
                switch kind {
                case .partyOrganization: facts.organizations.partyOrganization = true
                case .villageCommittee: facts.organizations.villageCommittee = true
                case .serviceStation: facts.organizations.serviceStation = true
                case .supervisionCommittee: facts.organizations.supervisionCommittee = true
                }
            } else if organization[text: .kind] == deliberationBody {
                let units = records.references(of: ResidentUnitRecord.self)
                let organizations = records.references(of: SocialOrganizationRecord.self)
                facts.organizations.deliberationBody = .init(residentUnitMembers: organization[words: .memberResidentUnits].filter(units.contains).count,
                                                             socialOrganizationMembers: organization[words: .memberSocialOrganizations].filter(organizations.contains).count)
            }
        }
    }
}

extension RecordKind {
    static var organizations: RecordKind { OrganizationRecord.kind }
}
