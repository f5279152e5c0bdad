import Foundation
import StandardKit

struct TrainingRecord: KindRecord {
    static let key = "trainings"
    enum Field: String, RecordField {
        case date, topic, hours, organizer, attendees
    }

    static let kind = RecordKind(key: key, table: "rec_trainings", label: "培训", items: "第42、49条",
        fields: [
            FieldSpec(Field.date, label: "培训日期", type: .date, required: true, listed: true),
            FieldSpec(Field.topic, label: "培训内容", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.hours, label: "学时", type: .hundredths(max: 1000), required: true, listed: true),
            FieldSpec(Field.organizer, label: "组织单位", type: .text(max: 100), listed: true),
            FieldSpec(Field.attendees, label: "参加人员", type: .references(WorkerRecord.key)),
        ], dateField: Field.date.rawValue, titleField: Field.topic.rawValue)

    let record: Record
}

extension RecordKind {
    static var trainings: RecordKind { TrainingRecord.kind }
}
