import Foundation
import StandardKit

struct SocialOrganizationRecord: KindRecord {
    static let key = "socialOrganizations"
    enum Field: String, RecordField {
        case name, type, status, registrationNumber, registeredOn, dissolvedOn, contactName, contactPhone, members, rating, evaluatedOn, reviewer, activities
    }

    static let kind = RecordKind(key: key, table: "rec_social_organizations", label: "社区社会组织", items: "第11–14条",
        fields: [
            FieldSpec(Field.name, label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.type, label: "类型", type: .choice(Choice.from(SocialOrganizationType.self)), required: true, listed: true),
            FieldSpec(Field.status, label: "登记备案状态", type: .choice(Choice.from(RegistrationStatus.self)), required: true, listed: true),
            FieldSpec(Field.registrationNumber, label: "登记或备案号", type: .text(max: 50)),
            FieldSpec(Field.registeredOn, label: "登记或备案日期", type: .date),
            FieldSpec(Field.dissolvedOn, label: "注销日期", type: .date),
            FieldSpec(Field.contactName, label: "联系人", type: .text(max: 50)),
            FieldSpec(Field.contactPhone, label: "联系电话", type: .personal(.phone)),
            FieldSpec(Field.members, label: "成员人数", type: .integer(0...100_000), listed: true),
            FieldSpec(Field.rating, label: "年度评价等次", type: .choice([Choice(value: "excellent", label: "优秀"), Choice(value: "good", label: "良好"),
                                                                       Choice(value: "fair", label: "合格"), Choice(value: "poor", label: "不合格")])),
            FieldSpec(Field.evaluatedOn, label: "评价日期", type: .date),
            FieldSpec(Field.reviewer, label: "评价单位或人员", type: .text(max: 50)),
            FieldSpec(Field.activities, label: "开展的活动", type: .longText),
        ], dateField: Field.registeredOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// Every social organization with its type, registration, last evaluation and the dates
    /// of this year's activities it held (items 11–14).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        var held: [String: [LocalDate]] = [:]
        for activity in records.of(ActivityRecord.self) {
            guard let organization = activity[text: .organization], let date = activity[date: .date], records.inYear(date) else { continue }
            held[organization, default: []].append(date)
        }
        for organization in records.of(Self.self) {
            guard let type: SocialOrganizationType = organization[choice: .type], let status: RegistrationStatus = organization[choice: .status] else { continue }
            facts.socialOrganizations.append(.init(name: organization[text: .name] ?? "", type: type, status: status,
                                                   registeredOn: organization[date: .registeredOn], dissolvedOn: organization[date: .dissolvedOn],
                                                   lastEvaluatedOn: organization[date: .evaluatedOn],
                                                   activityDates: (held[organization.reference] ?? []).sorted()))
        }
    }
}

extension RecordKind {
    static var socialOrganizations: RecordKind { SocialOrganizationRecord.kind }
}
