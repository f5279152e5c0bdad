import Foundation
import StandardKit
import StationKit

/// A post holder's leave, trip or meeting: while the A holder is away, the post's
/// requests go to the B holder.
struct AbsenceRecord: KindRecord {
    static let key = "absences"
    enum Field: String, RecordField {
        case worker, kind, `from`, `to`, note
    }

    static let kind = RecordKind(key: key, table: "rec_absences", label: T(.kindAbsences), items: "第27条",
        fields: [
            FieldSpec(Field.worker, label: T(.fieldAbsenceWorker), type: .reference(WorkerRecord.key), required: true, listed: true),
            FieldSpec(Field.kind, label: T(.fieldAbsenceKind), type: .choice(AbsenceKind.choices), required: true, listed: true),
            FieldSpec(Field.from, label: T(.fieldAbsenceFrom), type: .date, required: true, listed: true),
            FieldSpec(Field.to, label: T(.fieldAbsenceTo), type: .date, required: true, listed: true),
            FieldSpec(Field.note, label: T(.fieldNote), type: .longText),
        ], dateField: Field.from.rawValue, titleField: Field.kind.rawValue,
        check: { parsed, context in try await RecordKind.checkAbsence(&parsed, context) })

    let record: Record
}

extension RecordKind {
    static var absences: RecordKind { AbsenceRecord.kind }
}

/// Why a post holder is away.
enum AbsenceKind: String, CaseIterable, Sendable {
    case leave, trip, meeting

    var label: String {
        switch self {
        case .leave: return T(.absenceLeave)
        case .trip: return T(.absenceTrip)
        case .meeting: return T(.absenceMeeting)
        }
    }

    static var choices: [Choice] { allCases.map { Choice(value: $0.rawValue, label: $0.label) } }
}

extension RecordKind {
    /// An absence must end on or after it starts, and must not leave a post with both its
    /// holders away (or, for a post without a B holder, its A holder away): the message
    /// names the post.
    static func checkAbsence(_ parsed: inout RecordInput.Parsed, _ context: RecordCheckContext) async throws {
        typealias Field = AbsenceRecord.Field
        guard let worker = parsed[text: Field.worker], let from = parsed[text: Field.from].flatMap(LocalDate.init),
              let to = parsed[text: Field.to].flatMap(LocalDate.init) else { return }
        guard from <= to else {
            parsed.errors.append(FieldError(field: Field.to.rawValue, message: T(.absenceEndsBeforeStart)))
            return
        }
        guard from.days(until: to) <= 366 else {
            parsed.errors.append(FieldError(field: Field.to.rawValue, message: T(.absenceTooLong)))
            return
        }
        let village = try context.owner.requireID()
        let absences = try await RecordStore.list(.absences, village: village, on: context.db).filter { $0.id != context.recordID }
            .map(AbsenceRecord.init(record:))
        func away(_ holder: String) -> Bool {
            absences.contains { absence in
                guard absence[text: .worker] == holder, let f = absence[date: .from], let t = absence[date: .to] else { return false }
                return f <= to && from <= t
            }
        }
        for post in try await RecordStore.list(.posts, village: village, on: context.db).map(PostRecord.init(record:)) {
            let a = post[text: .holderA], b = post[text: .holderB]
            let name = post[text: .name] ?? ""
            if a == worker {
                guard let b else {
                    parsed.errors.append(FieldError(field: Field.worker.rawValue, message: T(.absenceNoBackup, name)))
                    return
                }
                if away(b) { parsed.errors.append(FieldError(field: Field.from.rawValue, message: T(.absenceBothAway, name))); return }
            } else if b == worker, let a, away(a) {
                parsed.errors.append(FieldError(field: Field.from.rawValue, message: T(.absenceBothAway, name)))
                return
            }
        }
    }
}
