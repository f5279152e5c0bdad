import Foundation
import StandardKit

struct VolunteerActivityRecord: KindRecord {
    static let key = "volunteerActivities"
    enum Field: String, RecordField {
        case date, title, team, categories, targetGroups, participants, note
    }

    static let kind = RecordKind(key: key, table: "rec_volunteer_activities", label: "志愿服务活动", items: "第35–36条",
        fields: [
            FieldSpec(Field.date, label: "活动日期", type: .date, required: true, listed: true),
            FieldSpec(Field.title, label: "活动名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.team, label: "组织队伍", type: .reference(VolunteerTeamRecord.key), listed: true),
            FieldSpec(Field.categories, label: "服务类别", type: .choices(Choice.from(VolunteerCategory.self)), listed: true),
            FieldSpec(Field.targetGroups, label: "服务对象", type: .choices(Choice.from(TargetGroup.self))),
            FieldSpec(Field.participants, label: "参加人数", type: .integer(0...100_000)),
            FieldSpec(Field.note, label: "说明", type: .longText),
        ], dateField: Field.date.rawValue, titleField: Field.title.rawValue)

    let record: Record

    /// This year's volunteer activities, their categories and whom they served (items 35, 36).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        facts.volunteerActivities = records.of(Self.self).compactMap { activity in
            guard let date = activity[date: .date], records.inYear(date) else { return nil }
            return .init(date: date, categories: activity[choices: .categories], targetGroups: activity[choices: .targetGroups])
        }
    }
}

extension RecordKind {
    static var volunteerActivities: RecordKind { VolunteerActivityRecord.kind }
}
