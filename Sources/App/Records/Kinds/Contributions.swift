import Foundation
import StandardKit

struct ContributionRecord: KindRecord {
    static let key = "contributions"
    enum Field: String, RecordField {
        case residentUnit, date, kind, amount, hours, description
    }

    static let kind = RecordKind(key: key, table: "rec_contributions", label: "驻区单位投入", items: "第16条",
        fields: [
            FieldSpec(Field.residentUnit, label: "驻区单位", type: .reference(ResidentUnitRecord.key), required: true, listed: true),
            FieldSpec(Field.date, label: "日期", type: .date, required: true, listed: true),
            FieldSpec(Field.kind, label: "投入方式", type: .choice(Choice.from(ContributionKind.self)), required: true, listed: true),
            FieldSpec(Field.amount, label: "资金金额（元）", type: .money, listed: true),
            FieldSpec(Field.hours, label: "志愿服务时长（小时）", type: .hundredths(max: 1_000_000)),
            FieldSpec(Field.description, label: "内容", type: .longText),
        ], dateField: Field.date.rawValue, titleField: Field.description.rawValue)

    let record: Record
}

extension RecordKind {
    static var contributions: RecordKind { ContributionRecord.kind }
}
