import Foundation
import StandardKit

struct MeetingRecord: KindRecord {
    static let key = "meetings"
    enum Field: String, RecordField {
        case kind, date, title, attendance, attendees, agenda, majorDecisions, decisions, minutes
    }

    static let kind = RecordKind(key: key, table: "rec_meetings", label: "会议", items: "第5、7、9、53条",
        fields: [
            FieldSpec(Field.kind, label: "会议类型", type: .choice(Choice.from(MeetingKind.self)), required: true, listed: true),
            FieldSpec(Field.date, label: "召开日期", type: .date, required: true, listed: true),
            FieldSpec(Field.title, label: "会议名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.attendance, label: "出席人数", type: .integer(0...100_000), listed: true),
            FieldSpec(Field.attendees, label: "出席人员（每行一人）", type: .longText),
            FieldSpec(Field.agenda, label: "议程", type: .longText),
            FieldSpec(Field.majorDecisions, label: "重大事项决定（每行一项）", type: .longText),
            FieldSpec(Field.decisions, label: "其他决定（每行一项）", type: .longText),
            FieldSpec(Field.minutes, label: "会议纪要", type: .longText),
        ], dateField: Field.date.rawValue, titleField: Field.title.rawValue)

    let record: Record

    /// The year's meetings by kind and date (items 5, 7, 9, 53).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        for meeting in records.of(Self.self) {
            if let date = meeting[date: .date], records.inYear(date), let kind: MeetingKind = meeting[choice: .kind] {
                let major = !(meeting[text: .majorDecisions] ?? "").allSatisfy(\.isWhitespace)
                facts.meetings.append(.init(kind: kind, date: date, majorDecision: major))
            }
        }
    }
}

extension RecordKind {
    static var meetings: RecordKind { MeetingRecord.kind }
}
