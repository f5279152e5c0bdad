import Foundation
import StandardKit

struct DisclosureRecord: KindRecord {
    static let key = "disclosures"
    enum Field: String, RecordField {
        case category, title, periodFrom, periodTo, publishedOn, channel, content
    }

    static let kind = RecordKind(key: key, table: "rec_disclosures", label: "村务公开", items: "第5、8条",
        fields: [
            FieldSpec(Field.category, label: "公开类别", type: .choice(Choice.from(DisclosureCategory.self)), required: true, listed: true),
            FieldSpec(Field.title, label: "标题", type: .text(max: 100), required: true, listed: true),
            FieldSpec(Field.periodFrom, label: "所属期间（起）", type: .date),
            FieldSpec(Field.periodTo, label: "所属期间（止）", type: .date),
            FieldSpec(Field.publishedOn, label: "公开日期", type: .date, required: true, listed: true),
            FieldSpec(Field.channel, label: "公开方式", type: .choice([Choice(value: "board", label: "公开栏"), Choice(value: "online", label: "网上公开"),
                                                                     Choice(value: "meeting", label: "会议公开")]), required: true, listed: true),
            FieldSpec(Field.content, label: "公开内容", type: .longText, required: true),
        ], dateField: Field.publishedOn.rawValue, titleField: Field.title.rawValue)

    let record: Record

    /// The year's disclosures by category and date (items 5, 8).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        for disclosure in records.of(Self.self) {
            if let date = disclosure[date: .publishedOn], records.inYear(date), let category: DisclosureCategory = disclosure[choice: .category] {
                facts.disclosures.append(.init(category: category, publishedOn: date))
            }
        }
    }
}

extension RecordKind {
    static var disclosures: RecordKind { DisclosureRecord.kind }
}
