import Foundation
import StandardKit

struct WorkerRoleRecord: KindRecord {
    static let key = "workerRoles"
    enum Field: String, RecordField {
        case worker, role, `from`, `to`
    }

    static let kind = RecordKind(key: key, table: "rec_worker_roles", label: "任职经历", items: "第45–47条",
        fields: [
            FieldSpec(Field.worker, label: "社区工作者", type: .reference(WorkerRecord.key), required: true, listed: true),
            FieldSpec(Field.role, label: "岗位角色", type: .choice(Choice.from(WorkerRole.self)), required: true, listed: true),
            FieldSpec(Field.from, label: "起始日期", type: .date, required: true, listed: true),
            FieldSpec(Field.to, label: "终止日期（在岗则不填）", type: .date, listed: true),
        ], dateField: Field.from.rawValue, titleField: Field.role.rawValue)

    let record: Record
}

extension RecordKind {
    static var workerRoles: RecordKind { WorkerRoleRecord.kind }
}
