import Foundation
import StandardKit

struct VolunteerRecord: KindRecord {
    static let key = "volunteers"
    enum Field: String, RecordField {
        case name, idNumber, phone, registration96156, team, skills, fiveElders, trained, registeredOn
    }

    static let kind = RecordKind(key: key, table: "rec_volunteers", label: "志愿者", items: "第10、34–35条",
        fields: [
            FieldSpec(Field.name, label: "姓名", type: .text(max: 50), required: true, listed: true),
            FieldSpec(Field.idNumber, label: "身份证号", type: .personal(.idCard)),
            FieldSpec(Field.phone, label: "联系电话", type: .personal(.phone), listed: true),
            FieldSpec(Field.registration96156, label: "96156注册号", type: .text(max: 50), listed: true),
            FieldSpec(Field.team, label: "所属队伍", type: .reference(VolunteerTeamRecord.key), listed: true),
            FieldSpec(Field.skills, label: "专长", type: .text(max: 200)),
            FieldSpec(Field.fiveElders, label: "属“五老”", type: .flag, listed: true),
            FieldSpec(Field.trained, label: "已接受培训", type: .flag),
            FieldSpec(Field.registeredOn, label: "登记日期", type: .date),
        ], dateField: Field.registeredOn.rawValue, titleField: Field.name.rawValue)

    let record: Record

    /// Every volunteer, with the hours served at this year's activities (items 10, 34, 35).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let activitiesInYear = Set(records.of(VolunteerActivityRecord.self).filter { records.inYear($0[date: .date]) }.map(\.reference))
        var hours: [String: Int] = [:]
        for served in records.of(VolunteerHoursRecord.self) where activitiesInYear.contains(served[text: .activity] ?? "") {
            hours[served[text: .volunteer] ?? "", default: 0] += served[number: .hours] ?? 0
        }
        facts.volunteers = records.of(Self.self).map { volunteer in
            .init(registered96156: !(volunteer[text: .registration96156] ?? "").isEmpty, fiveElders: volunteer[flag: .fiveElders],
                  trained: volunteer[flag: .trained], hours: Double(hours[volunteer.reference] ?? 0) / 100)
        }
    }
}

extension RecordKind {
    static var volunteers: RecordKind { VolunteerRecord.kind }
}
