import Foundation
import StandardKit

struct ResidentUnitRecord: KindRecord {
    static let key = "residentUnits"
    enum Field: String, RecordField {
        case name, unitType, agreements, agreementFrom, agreementTo, contact
    }

    static let kind = RecordKind(key: key, table: "rec_resident_units", label: "驻区单位", items: "第15–16条",
        fields: [
            FieldSpec(Field.name, label: "单位名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.unitType, label: "单位类型", type: .choice([
                Choice(value: "agency", label: "机关"), Choice(value: "institution", label: "事业单位"), Choice(value: "enterprise", label: "企业"),
                Choice(value: "school", label: "学校"), Choice(value: "hospital", label: "医疗机构"), Choice(value: "military", label: "部队"),
                Choice(value: "other", label: "其他"),
            ]), required: true, listed: true),
            FieldSpec(Field.agreements, label: "协议", type: .choices(Choice.from(AgreementKind.self)), listed: true),
            FieldSpec(Field.agreementFrom, label: "协议生效日期", type: .date),
            FieldSpec(Field.agreementTo, label: "协议终止日期", type: .date),
            FieldSpec(Field.contact, label: "联系人", type: .text(max: 50)),
        ], dateField: Field.agreementFrom.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// Every resident unit with its agreements and this year's contributions (items 15, 16).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let contributions = Dictionary(grouping: records.of(ContributionRecord.self), by: { $0[text: .residentUnit] ?? "" })
        for unit in records.of(Self.self) {
            let agreements = (unit[choices: .agreements] as [AgreementKind]).compactMap { kind -> VillageFacts.Agreement? in
                guard let from = unit[date: .agreementFrom] else { return nil }
                return .init(kind: kind, from: from, to: unit[date: .agreementTo])
            }
            let given = (contributions[unit.reference] ?? []).compactMap { contribution -> VillageFacts.Contribution? in
                guard let date = contribution[date: .date], records.inYear(date), let kind: ContributionKind = contribution[choice: .kind] else { return nil }
                return .init(kind: kind, date: date)
            }
            facts.residentUnits.append(.init(name: unit[text: .name] ?? "", agreements: agreements, contributions: given))
        }
    }
}

extension RecordKind {
    static var residentUnits: RecordKind { ResidentUnitRecord.kind }
}
