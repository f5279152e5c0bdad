import Foundation
import StandardKit

struct FacilityRecord: KindRecord {
    static let key = "facilities"
    enum Field: String, RecordField {
        case type, name, floorArea, condition, inspectedOn, nextMaintenanceOn, maintenancePerson, maintenanceFunds, note
    }

    static let kind = RecordKind(key: key, table: "rec_facilities", label: "设施和办公设备", items: "第17–19、21–23、31、32、38、43、44条",
        fields: [
            FieldSpec(Field.type, label: "类型", type: .choice(Choice.from(FacilityType.self)), required: true, listed: true),
            FieldSpec(Field.name, label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.floorArea, label: "面积（平方米）", type: .hundredths(max: 1_000_000)),
            FieldSpec(Field.condition, label: "状况", type: .choice(Choice.from(FacilityCondition.self)), required: true, listed: true),
            FieldSpec(Field.inspectedOn, label: "检查日期", type: .date, listed: true),
            FieldSpec(Field.nextMaintenanceOn, label: "计划下次维护日期", type: .date, listed: true),
            FieldSpec(Field.maintenancePerson, label: "维护责任人", type: .text(max: 50)),
            FieldSpec(Field.maintenanceFunds, label: "维护经费（元）", type: .money),
            FieldSpec(Field.note, label: "说明", type: .longText),
        ], dateField: Field.inspectedOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// Every facility with its condition and upkeep dates (items 17–19, 21–23, 31, 32, 38, 43, 44),
    /// its last maintenance the latest of its maintenance logs.
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let lastMaintained = MaintenanceLogRecord.latest(records.of(MaintenanceLogRecord.self))
        facts.facilities = records.of(Self.self).compactMap { facility in
            guard let type: FacilityType = facility[choice: .type] else { return nil }
            return .init(type: type, condition: facility[choice: .condition] ?? .good,
                         inspectedOn: facility[date: .inspectedOn], nextMaintenanceOn: facility[date: .nextMaintenanceOn],
                         lastMaintainedOn: lastMaintained[facility.reference])
        }
    }
}

extension RecordKind {
    static var facilities: RecordKind { FacilityRecord.kind }
}
