import Foundation
import StandardKit

struct VolunteerHoursRecord: KindRecord {
    static let key = "volunteerHours"
    enum Field: String, RecordField {
        case activity, volunteer, hours
    }

    static let kind = RecordKind(key: key, table: "rec_volunteer_hours", label: "志愿服务时长", items: "第10条",
        fields: [
            FieldSpec(Field.activity, label: "活动", type: .reference(VolunteerActivityRecord.key), required: true, listed: true),
            FieldSpec(Field.volunteer, label: "志愿者", type: .reference(VolunteerRecord.key), required: true, listed: true),
            FieldSpec(Field.hours, label: "时长（小时）", type: .hundredths(max: 100_000), required: true, listed: true),
        ], dateField: nil, titleField: Field.hours.rawValue)

    let record: Record
}

extension RecordKind {
    static var volunteerHours: RecordKind { VolunteerHoursRecord.kind }
}
