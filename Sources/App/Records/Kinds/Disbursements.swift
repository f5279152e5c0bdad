import Foundation
import StandardKit

struct DisbursementRecord: KindRecord {
    static let key = "disbursements"
    enum Field: String, RecordField {
        case budgetLine, amount, date, disclosure
    }

    static let kind = RecordKind(key: key, table: "rec_disbursements", label: "经费拨付", items: "第8、20、58条",
        fields: [
            FieldSpec(Field.budgetLine, label: "预算项目", type: .reference(BudgetLineRecord.key), required: true, listed: true),
            FieldSpec(Field.amount, label: "拨付金额（元）", type: .money, required: true, listed: true),
            FieldSpec(Field.date, label: "拨付日期", type: .date, required: true, listed: true),
            FieldSpec(Field.disclosure, label: "公开该笔拨付的村务公开", type: .reference(DisclosureRecord.key), listed: true),
        ], dateField: Field.date.rawValue, titleField: Field.date.rawValue)

    let record: Record
}

extension RecordKind {
    static var disbursements: RecordKind { DisbursementRecord.kind }
}
