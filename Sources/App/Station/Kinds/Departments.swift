import Foundation
import StandardKit
import StationKit

/// A township's departments, offices and centres that station posts answer to (item 26).
struct DepartmentRecord: KindRecord {
    static let key = "departments"
    enum Field: String, RecordField {
        case name, category, phone, duties
    }

    static let kind = RecordKind(key: key, table: "rec_departments", label: T(.kindDepartments), items: "第26条",
        fields: [
            FieldSpec(Field.name, label: T(.fieldDepartmentName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(Field.category, label: T(.fieldDepartmentCategory),
                      type: .choice([Choice(value: "office", label: T(.departmentOffice)), Choice(value: "station", label: T(.departmentStation)),
                                     Choice(value: "centre", label: T(.departmentCentre))]), listed: true),
            FieldSpec(Field.phone, label: T(.fieldDepartmentPhone), type: .text(max: 30), listed: true),
            FieldSpec(Field.duties, label: T(.fieldDuties), type: .longText),
        ], dateField: nil, titleField: Field.name.rawValue, level: .township, editPermission: .manageDepartments,
        check: { parsed, context in
            try await RecordKind.uniqueText(Field.name, in: context.kind, parsed: &parsed, context: context, message: T(.departmentNameTaken))
        })

    let record: Record
}

extension RecordKind {
    static var departments: RecordKind { DepartmentRecord.kind }
}
