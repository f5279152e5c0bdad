import Foundation
import StandardKit
import StationKit

/// Standing and special posts of the station, each with an A and a different B holder (items 26, 27).
struct PostRecord: KindRecord {
    static let key = "posts"
    enum Field: String, RecordField {
        case name, kind, department, holderA, holderB, duties
    }

    static let kind = RecordKind(key: key, table: "rec_posts", label: T(.kindPosts), items: "第26、27条",
        fields: [
            FieldSpec(Field.name, label: T(.fieldPostName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(Field.kind, label: T(.fieldPostKind), type: .choice(Choice.from(PostKind.self)), required: true, listed: true),
            FieldSpec(Field.department, label: T(.fieldPostDepartment), type: .reference(DepartmentRecord.key), listed: true),
            FieldSpec(Field.holderA, label: T(.fieldHolderA), type: .reference(WorkerRecord.key), required: true, listed: true),
            FieldSpec(Field.holderB, label: T(.fieldHolderB), type: .reference(WorkerRecord.key), listed: true),
            FieldSpec(Field.duties, label: T(.fieldDuties), type: .longText),
        ], dateField: nil, titleField: Field.name.rawValue,
        check: { parsed, context in
            if let a = parsed[text: Field.holderA], a == parsed[text: Field.holderB] {
                parsed.errors.append(FieldError(field: Field.holderB.rawValue, message: T(.postSameHolder)))
            } else if let a = parsed[text: Field.holderA], let b = parsed[text: Field.holderB] {
                // The new pair must not both be away on some day from today on.
                let absences = try await RecordStore.list(.absences, village: context.owner.requireID(), on: context.db).map(AbsenceRecord.init(record:))
                func spans(_ worker: String) -> [(LocalDate, LocalDate)] {
                    absences.compactMap { absence in
                        guard absence[text: .worker] == worker, let f = absence[date: .from], let t = absence[date: .to], t >= context.today else { return nil }
                        return (max(f, context.today), t)
                    }
                }
                if spans(a).contains(where: { x in spans(b).contains { y in x.0 <= y.1 && y.0 <= x.1 } }) {
                    parsed.errors.append(FieldError(field: Field.holderB.rawValue, message: T(.absenceBothAway, parsed[text: Field.name] ?? "")))
                }
            }
            try await RecordKind.uniqueText(Field.name, in: context.kind, parsed: &parsed, context: context, message: T(.postNameTaken))
        })

    let record: Record

    /// The station's posts with the township department each answers to and the names of
    /// its A and B holders (items 26, 27).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let workers = Dictionary(records.of(WorkerRecord.self).map { ($0.reference, $0[text: .name] ?? "") }, uniquingKeysWith: { a, _ in a })
        let departments = Dictionary(records.of(DepartmentRecord.self).map { ($0.reference, $0[text: .name] ?? "") }, uniquingKeysWith: { a, _ in a })
        facts.posts = records.of(Self.self).compactMap { post in
            guard let kind: PostKind = post[choice: .kind] else { return nil }
            return .init(name: post[text: .name] ?? "", kind: kind, townshipDepartment: post[text: .department].flatMap { departments[$0] },
                         holderA: post[text: .holderA].flatMap { workers[$0] }, holderB: post[text: .holderB].flatMap { workers[$0] })
        }
    }
}

extension RecordKind {
    static var posts: RecordKind { PostRecord.kind }
}
