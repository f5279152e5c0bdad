import Foundation
import StandardKit

struct ArtTeamRecord: KindRecord {
    static let key = "artTeams"
    enum Field: String, RecordField {
        case name, leader, members, foundedOn
    }

    static let kind = RecordKind(key: key, table: "rec_art_teams", label: "文艺团队", items: "第43条",
        fields: [
            FieldSpec(Field.name, label: "团队名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.leader, label: "负责人", type: .text(max: 50), listed: true),
            FieldSpec(Field.members, label: "成员（每行一人）", type: .longText),
            FieldSpec(Field.foundedOn, label: "成立日期", type: .date),
        ], dateField: Field.foundedOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// The art teams (item 43).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        facts.artTeams = records.of(Self.self).map { .init(name: $0[text: .name] ?? "") }
    }
}

extension RecordKind {
    static var artTeams: RecordKind { ArtTeamRecord.kind }
}
