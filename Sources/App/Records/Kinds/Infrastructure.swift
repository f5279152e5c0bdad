import Foundation
import StandardKit

struct InfrastructureRecord: KindRecord {
    static let key = "infrastructure"
    enum Field: String, RecordField {
        case kind, name, status, completedOn, upkeepArranged, upkeepArrangement
    }

    static let kind = RecordKind(key: key, table: "rec_infrastructure", label: "基础设施工程和管护", items: "第24条",
        fields: [
            FieldSpec(Field.kind, label: "类别", type: .choice(Choice.from(InfrastructureKind.self)), required: true, listed: true),
            FieldSpec(Field.name, label: "工程或设施名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.status, label: "状态", type: .choice(Choice.from(WorksStatus.self)), required: true, listed: true),
            FieldSpec(Field.completedOn, label: "完成日期", type: .date),
            FieldSpec(Field.upkeepArranged, label: "已落实长效管护", type: .flag, listed: true),
            FieldSpec(Field.upkeepArrangement, label: "管护安排（责任人、经费）", type: .longText),
        ], dateField: Field.completedOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// The infrastructure works, their status and whether lasting upkeep is arranged (item 24).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        facts.infrastructure = records.of(Self.self).compactMap { project in
            guard let kind: InfrastructureKind = project[choice: .kind], let status: WorksStatus = project[choice: .status] else { return nil }
            return .init(kind: kind, status: status, upkeepArranged: project[flag: .upkeepArranged])
        }
    }
}

extension RecordKind {
    static var infrastructure: RecordKind { InfrastructureRecord.kind }
}
