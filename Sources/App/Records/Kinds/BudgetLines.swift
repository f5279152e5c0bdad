import Foundation
import StandardKit

struct BudgetLineRecord: KindRecord {
    static let key = "budgetLines"
    enum Field: String, RecordField {
        case kind, title, planned, plannedOn
    }

    static let kind = RecordKind(key: key, table: "rec_budget_lines", label: "经费预算", items: "第20、57–59条",
        fields: [
            FieldSpec(Field.kind, label: "经费类别", type: .choice(Choice.from(FundKind.self)), required: true, listed: true),
            FieldSpec(Field.title, label: "项目", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.planned, label: "计划金额（元）", type: .money, required: true, listed: true),
            FieldSpec(Field.plannedOn, label: "计划拨付日期", type: .date, required: true, listed: true),
        ], dateField: Field.plannedOn.rawValue, titleField: Field.title.rawValue)

    let record: Record

    /// This year's budget lines with what was paid on each and whether a live disclosure
    /// shows the payment (items 8, 20, 57–59).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let paid = Dictionary(grouping: records.of(DisbursementRecord.self), by: { $0[text: .budgetLine] ?? "" })
        let liveDisclosures = records.references(of: DisclosureRecord.self)
        facts.funds = records.of(Self.self).compactMap { line in
            guard let kind: FundKind = line[choice: .kind], let plannedOn = line[date: .plannedOn], records.inYear(plannedOn) else { return nil }
            let disbursements = (paid[line.reference] ?? []).compactMap { payment -> VillageFacts.Disbursement? in
                guard let date = payment[date: .date] else { return nil }
                return .init(amount: Money(fen: payment[number: .amount] ?? 0), date: date,
                             disclosed: payment[text: .disclosure].map(liveDisclosures.contains) ?? false)
            }
            return .init(kind: kind, planned: Money(fen: line[number: .planned] ?? 0), plannedOn: plannedOn, disbursements: disbursements)
        }
    }
}

extension RecordKind {
    static var budgetLines: RecordKind { BudgetLineRecord.kind }
}
