import Foundation
import StandardKit

struct MaintenanceLogRecord: KindRecord {
    static let key = "maintenanceLogs"
    enum Field: String, RecordField {
        case facility, date, work, cost, person
    }

    static let kind = RecordKind(key: key, table: "rec_maintenance_logs", label: "维护记录", items: "第23条",
        fields: [
            FieldSpec(Field.facility, label: "设施", type: .reference(FacilityRecord.key), required: true, listed: true),
            FieldSpec(Field.date, label: "维护日期", type: .date, required: true, listed: true),
            FieldSpec(Field.work, label: "维护内容", type: .text(max: 200), required: true, listed: true),
            FieldSpec(Field.cost, label: "费用（元）", type: .money, listed: true),
            FieldSpec(Field.person, label: "维护人", type: .text(max: 50)),
        ], dateField: Field.date.rawValue, titleField: Field.work.rawValue)

    let record: Record

    /// Each facility's latest maintenance, by the facility's reference.
    static func latest(_ logs: [MaintenanceLogRecord]) -> [String: LocalDate] {
        var latest: [String: LocalDate] = [:]
        for log in logs {
            guard let facility = log[text: .facility], let date = log[date: .date] else { continue }
            latest[facility] = max(date, latest[facility] ?? date)
        }
        return latest
    }
}

extension RecordKind {
    static var maintenanceLogs: RecordKind { MaintenanceLogRecord.kind }
}
