import Foundation
import StandardKit

struct ActivityRecord: KindRecord {
    static let key = "activities"
    enum Field: String, RecordField {
        case kind, date, title, organizer, participants, note, organization
    }

    static let kind = RecordKind(key: key, table: "rec_activities", label: "文化体育和宣传教育活动", items: "第31、35、40–44、61、62条",
        fields: [
            FieldSpec(Field.kind, label: "活动类别", type: .choice(Choice.from(ActivityKind.self)), required: true, listed: true),
            FieldSpec(Field.date, label: "活动日期", type: .date, required: true, listed: true),
            FieldSpec(Field.title, label: "活动名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.organizer, label: "组织者", type: .text(max: 100)),
            FieldSpec(Field.participants, label: "参加人数", type: .integer(0...100_000), listed: true),
            FieldSpec(Field.note, label: "说明", type: .longText),
            // Item 13: an activity a mass organization held shows its role.
            FieldSpec(Field.organization, label: "主办的社会组织", type: .reference(SocialOrganizationRecord.key)),
        ], dateField: Field.date.rawValue, titleField: Field.title.rawValue)

    let record: Record

    /// This year's cultural, sports and education activities by kind (items 31, 35, 40–44, 61, 62).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        facts.activities = records.of(Self.self).compactMap { activity in
            guard let date = activity[date: .date], records.inYear(date), let kind: ActivityKind = activity[choice: .kind] else { return nil }
            return .init(kind: kind, date: date)
        }
    }
}

extension RecordKind {
    static var activities: RecordKind { ActivityRecord.kind }
}
