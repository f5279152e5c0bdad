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
        ], dateField: Field.from.rawValue, titleField: Field.role.rawValue,
        check: { parsed, context in try await WorkerRoleRecord.checkOnePost(&parsed, context) })

    let record: Record

    /// The full-time posts of item 45: one person fills one of them on any day (专职 is one post).
    static let fullTime: Set<WorkerRole> = [.partyBuildingWorker, .stationStaff]

    /// Refuses a full-time role for a worker who holds another full-time role on some of the
    /// same days, naming it.
    static func checkOnePost(_ parsed: inout RecordInput.Parsed, _ context: RecordCheckContext) async throws {
        guard let worker = parsed[text: Field.worker], let role = parsed[text: Field.role].flatMap(WorkerRole.init(rawValue:)),
              fullTime.contains(role), let from = parsed[text: Field.from].flatMap(LocalDate.init) else { return }
        let to = parsed[text: Field.to].flatMap(LocalDate.init)
        if let to, to < from {
            parsed.errors.append(FieldError(field: Field.to.rawValue, message: T(.workerRoleEndsBeforeStart)))
            return
        }
        let roles = try await RecordStore.list(.workerRoles, village: try context.owner.requireID(), on: context.db)
            .filter { $0.id != context.recordID }.map(WorkerRoleRecord.init(record:))
        for other in roles where other[text: .worker] == worker {
            guard let otherRole: WorkerRole = other[choice: .role], otherRole != role, fullTime.contains(otherRole),
                  let otherFrom = other[date: .from] else { continue }
            let otherTo = other[date: .to]
            // Two spans overlap when each starts before the other ends (an open end never ends).
            if (otherTo.map { from <= $0 } ?? true) && (to.map { otherFrom <= $0 } ?? true) {
                parsed.errors.append(FieldError(field: Field.role.rawValue, message: T(.workerRoleTwoFullTime, otherRole.label)))
                return
            }
        }
    }
}

extension RecordKind {
    static var workerRoles: RecordKind { WorkerRoleRecord.kind }
}
