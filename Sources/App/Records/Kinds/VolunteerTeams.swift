import Foundation
import StandardKit

struct VolunteerTeamRecord: KindRecord {
    static let key = "volunteerTeams"
    enum Field: String, RecordField {
        case name, brand, leader, foundedOn
    }

    static let kind = RecordKind(key: key, table: "rec_volunteer_teams", label: "志愿者队伍", items: "第33条",
        fields: [
            FieldSpec(Field.name, label: "队伍名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.brand, label: "服务品牌", type: .text(max: 100), listed: true),
            FieldSpec(Field.leader, label: "负责人", type: .text(max: 50), listed: true),
            FieldSpec(Field.foundedOn, label: "成立日期", type: .date),
        ], dateField: Field.foundedOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// The volunteer teams and their service brands (item 33).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        facts.volunteerTeams = records.of(Self.self).map { .init(name: $0[text: .name] ?? "", brand: $0[text: .brand]) }
    }
}

extension RecordKind {
    static var volunteerTeams: RecordKind { VolunteerTeamRecord.kind }
}
