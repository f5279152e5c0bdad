import Fluent
import Fluent
import Foundation
import StandardKit

struct WorkerRecord: KindRecord {
    static let key = "workers"
    enum Field: String, RecordField {
        case name, idNumber, phone, qualification, certificateNumber, certificateLevel, certifiedOn, lastEvaluatedOn, evaluationResult, account, payInPlace, payNote, underStationManagement
    }

    static let kind = RecordKind(key: key, table: "rec_workers", label: "社区工作者", items: "第45–49条",
        fields: [
            FieldSpec(Field.name, label: "姓名", type: .text(max: 50), required: true, listed: true),
            FieldSpec(Field.idNumber, label: "身份证号", type: .personal(.idCard)),
            FieldSpec(Field.phone, label: "联系电话", type: .personal(.phone)),
            FieldSpec(Field.qualification, label: "社会工作资格", type: .choice(Choice.from(SocialWorkQualification.self)), listed: true),
            FieldSpec(Field.certificateNumber, label: "社会工作者证书编号", type: .text(max: 50)),
            FieldSpec(Field.certificateLevel, label: "证书等级", type: .choice([Choice(value: "assistant", label: "助理社会工作师"),
                                                                               Choice(value: "worker", label: "社会工作师"),
                                                                               Choice(value: "senior", label: "高级社会工作师")])),
            FieldSpec(Field.certifiedOn, label: "取得证书日期", type: .date),
            FieldSpec(Field.lastEvaluatedOn, label: "最近一次民主评议日期", type: .date),
            FieldSpec(Field.evaluationResult, label: "民主评议结果", type: .choice([Choice(value: "excellent", label: "优秀"), Choice(value: "competent", label: "称职"),
                                                                                 Choice(value: "basic", label: "基本称职"), Choice(value: "incompetent", label: "不称职")])),
            FieldSpec(Field.account, label: T(.fieldWorkerAccount), type: .text(max: 50), listed: true),
            FieldSpec(Field.payInPlace, label: "工资补贴、福利待遇已落实", type: .flag, listed: true),
            FieldSpec(Field.payNote, label: "待遇说明", type: .text(max: 200)),
            FieldSpec(Field.underStationManagement, label: "（协管员）已纳入服务站规范化管理", type: .flag),
        ], dateField: nil, titleField: Field.name.rawValue,
        check: { parsed, context in try await RecordKind.checkWorkerAccount(&parsed, context) })

    let record: Record

    /// Every worker with their roles over time, this year's training hours from the
    /// sessions they attended, qualification, evaluation and pay (items 45–49).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let roles = Dictionary(grouping: records.of(WorkerRoleRecord.self), by: { $0[text: .worker] ?? "" })
        var trainingHours: [String: Int] = [:]
        for training in records.of(TrainingRecord.self) where records.inYear(training[date: .date]) {
            for worker in training[words: .attendees] { trainingHours[worker, default: 0] += training[number: .hours] ?? 0 }
        }
        facts.workers = records.of(Self.self).map { worker in
            let periods = (roles[worker.reference] ?? []).compactMap { role -> VillageFacts.RolePeriod? in
                guard let kind: WorkerRole = role[choice: .role], let from = role[date: .from] else { return nil }
                return .init(role: kind, from: from, to: role[date: .to])
            }
            return .init(name: worker[text: .name] ?? "", roles: periods, trainingHours: Double(trainingHours[worker.reference] ?? 0) / 100,
                         qualification: (worker[choice: .qualification] as SocialWorkQualification?) ?? SocialWorkQualification.none, lastEvaluatedOn: worker[date: .lastEvaluatedOn],
                         payInPlace: worker[flag: .payInPlace], underStationManagement: worker[flag: .underStationManagement])
        }
    }
}

extension RecordKind {
    static var workers: RecordKind { WorkerRecord.kind }
}

extension RecordKind {
    /// A worker's account, when given, must be a user with a role at this village: that
    /// is how the station desk knows whose post (and whose cover work) is whose.
    static func checkWorkerAccount(_ parsed: inout RecordInput.Parsed, _ context: RecordCheckContext) async throws {
        guard let username = parsed[text: WorkerRecord.Field.account] else { return }
        let village = try context.owner.requireID()
        guard let user = try await User.query(on: context.db).filter(\.$username == username).first(),
              try await RoleAssignment.query(on: context.db).filter(\.$user.$id == user.requireID()).filter(\.$unit.$id == village).first() != nil else {
            parsed.errors.append(FieldError(field: WorkerRecord.Field.account.rawValue, message: T(.workerAccountUnknown, username)))
            return
        }
        try await RecordKind.uniqueText(WorkerRecord.Field.account, in: context.kind, parsed: &parsed, context: context, message: T(.workerAccountTaken))
    }
}
