import Fluent
import StandardKit
import Vapor

/// Reads a record's fields from a form or a JSON body, checking every field and
/// reporting each problem with its field name, before anything is written.
enum RecordInput {
    struct Parsed {
        var values: [String: FieldValue] = [:]
        var errors: [FieldError] = []
    }

    /// One field from its text (forms; also JSON strings).
    /// The allowed choices as a person and a program read them: "村民会议（villagersMeeting）、…".
    static func choiceList(_ choices: [Choice]) -> String {
        choices.map { T(.titledValue, $0.label, $0.value) }.joined(separator: T(.sepList))
    }

    static func read(_ field: FieldSpec, text raw: String?, many: [String] = [], into parsed: inout Parsed) {
        func fail(_ message: String) { parsed.errors.append(FieldError(field: field.key, message: message)) }
        let text = (raw ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        // Imported cells reach here without the request's own check (`InputGuard`).
        if TextCheck.hasForbidden(text) { return fail(T(.inputControlCharacters)) }
        if case .flag = field.type {
            parsed.values[field.key] = .flag(["on", "true", "1", "是"].contains(text))
            return
        }
        if case .references = field.type {
            let ids = many.isEmpty ? text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : many.filter { !$0.isEmpty }
            guard ids.allSatisfy({ UUID(uuidString: $0) != nil }) else { return fail(T(.recordReference, field.label)) }
            if ids.isEmpty {
                if field.required { fail(T(.validationRequired, field.label)) }
                return
            }
            parsed.values[field.key] = .text(Array(Set(ids.map { $0.uppercased() })).sorted().joined(separator: ","))
            return
        }
        if case let .choices(choices) = field.type {
            let words = many.isEmpty ? text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : many
            let known = Set(choices.map(\.value))
            if let unknown = words.first(where: { !known.contains($0) }) {
                return fail(T(.validationChoice, unknown, field.label, Self.choiceList(choices)))
            }
            if words.isEmpty {
                if field.required { fail(T(.validationRequired, field.label)) }
                return
            }
            // Stored in the choices' own order, each once.
            parsed.values[field.key] = .text(choices.map(\.value).filter { words.contains($0) }.joined(separator: ","))
            return
        }
        if text.isEmpty {
            if field.required { fail(T(.validationRequired, field.label)) }
            return
        }
        switch field.type {
        case let .text(max):
            if text.count > max { return fail(T(.validationTooLong, field.label, String(max))) }
            parsed.values[field.key] = .text(text)
        case .longText:
            if text.count > 20_000 { return fail(T(.validationTooLong, field.label, "20000")) }
            parsed.values[field.key] = .text(text)
        case .date:
            guard let date = LocalDate(text) else { return fail(T(.validationDate, field.label)) }
            // Records reach back further than today's work (an organization founded in 1958).
            guard RecordKind.dateYears.contains(date.year) else {
                return fail(T(.validationDateRange, field.label, String(RecordKind.dateYears.lowerBound), String(RecordKind.dateYears.upperBound)))
            }
            parsed.values[field.key] = .text(text)
        case let .integer(range):
            guard let number = Int(text) else { return fail(T(.validationInteger, field.label)) }
            if number < range.lowerBound { return fail(range.lowerBound == 0 ? T(.validationNegative, field.label) : T(.validationTooSmall, field.label, String(range.lowerBound))) }
            if number > range.upperBound { return fail(T(.validationTooLarge, field.label, String(range.upperBound))) }
            parsed.values[field.key] = .number(number)
        case let .hundredths(max):
            guard let money = Money(text.hasPrefix("-") ? String(text.dropFirst()) : text) else {
                return fail(text.hasPrefix("-") ? T(.validationNegative, field.label) : T(.recordTwoDecimals, field.label))
            }
            if text.hasPrefix("-") { return fail(T(.validationNegative, field.label)) }
            if money.fen > max * 100 { return fail(T(.validationTooLarge, field.label, String(max))) }
            parsed.values[field.key] = .number(money.fen)
        case .money:
            if text.hasPrefix("-") { return fail(T(.validationNegative, field.label)) }
            guard let money = Money(text) else { return fail(T(.recordMoney, field.label)) }
            // Bounded so that a village's sums can never overflow.
            if money.fen > RecordKind.maxMoneyYuan * 100 { return fail(T(.validationTooLarge, field.label, String(RecordKind.maxMoneyYuan))) }
            parsed.values[field.key] = .number(money.fen)
        case let .choice(choices):
            guard choices.contains(where: { $0.value == text }) else { return fail(T(.validationChoice, text, field.label, Self.choiceList(choices))) }
            parsed.values[field.key] = .text(text)
        case .reference:
            guard UUID(uuidString: text) != nil else { return fail(T(.recordReference, field.label)) }
            parsed.values[field.key] = .text(text.uppercased())
        case let .personal(kind):
            let clean = text.replacingOccurrences(of: " ", with: "")
            switch kind {
            case .idCard: guard IDCard.isValid(clean) else { return fail(T(.recordIDCard, field.label)) }
            case .phone:
                guard (7...20).contains(clean.count), clean.allSatisfy({ $0.isASCII && ($0.isNumber || "-+".contains($0)) }) else {
                    return fail(T(.recordPhoneFormat, field.label))
                }
            }
            parsed.values[field.key] = .text(clean.uppercased())
        case .flag, .choices, .references:
            break
        }
    }

    static func fromForm(_ form: FormFields, kind: RecordKind) -> Parsed {
        var parsed = Parsed()
        for field in kind.fields { read(field, text: form[field.key], many: form.all(field.key), into: &parsed) }
        return parsed
    }

    /// From a JSON object; unknown keys are refused, wrong JSON types named.
    static func fromJSON(_ bytes: [UInt8], kind: RecordKind) -> Parsed {
        var parsed = Parsed()
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            parsed.errors.append(FieldError(field: "", message: T(.errorBadRequest)))
            return parsed
        }
        guard let members = root.members else {
            parsed.errors.append(FieldError(field: "", message: T(.errorBadRequest)))
            return parsed
        }
        for member in members where kind.field(member.key) == nil && !["id", "createdAt", "updatedAt"].contains(member.key) {
            parsed.errors.append(FieldError(field: member.key, message: T(.recordUnknownField, member.key)))
        }
        for field in kind.fields {
            let node = root[field.key]
            switch node?.value {
            case nil, .null?: read(field, text: nil, into: &parsed)
            case let .string(s)?: read(field, text: s, into: &parsed)
            case let .number(n)?:
                switch field.type {
                case .integer, .hundredths, .money: read(field, text: n, into: &parsed)
                default: parsed.errors.append(FieldError(field: field.key, message: T(.recordWrongType, field.label)))
                }
            case let .bool(b)?:
                if case .flag = field.type { read(field, text: b ? "true" : "false", into: &parsed) }
                else { parsed.errors.append(FieldError(field: field.key, message: T(.recordWrongType, field.label))) }
            case let .array(elements)?:
                if field.type.isMulti, elements.allSatisfy({ $0.string != nil }) {
                    let words = elements.compactMap(\.string)
                    if words.isEmpty { read(field, text: nil, into: &parsed) } else { read(field, text: nil, many: words, into: &parsed) }
                } else {
                    parsed.errors.append(FieldError(field: field.key, message: T(.recordWrongType, field.label)))
                }
            case .object?:
                parsed.errors.append(FieldError(field: field.key, message: T(.recordWrongType, field.label)))
            }
        }
        return parsed
    }

    /// Checks that need the database: references point at live records of the same
    /// village (or of its township, for a township's kinds), then the kind's own check.
    static func checkInDatabase(_ parsed: inout Parsed, kind: RecordKind, owner: OrgUnit, recordID: UUID?, today: LocalDate, on db: any Database) async throws {
        try await checkReferences(&parsed, kind: kind, owner: owner, on: db)
        if parsed.errors.isEmpty, let check = kind.check {
            try await check(&parsed, RecordCheckContext(kind: kind, owner: owner, recordID: recordID, today: today, db: db))
        }
    }

    private static func checkReferences(_ parsed: inout Parsed, kind: RecordKind, owner: OrgUnit, on db: any Database) async throws {
        for field in kind.fields {
            let target: String
            switch field.type {
            case let .reference(t), let .references(t): target = t
            default: continue
            }
            guard let text = parsed.values[field.key]?.text, let targetKind = RecordKind.named(target),
                  let targetOwner = RecordKind.ownerID(of: targetKind, from: owner) else { continue }
            for id in text.split(separator: ",").compactMap({ UUID(uuidString: String($0)) }) {
                if try await RecordStore.find(targetKind, id: id, village: targetOwner, on: db) == nil {
                    parsed.errors.append(FieldError(field: field.key, message: T(.recordReferenceMissing, field.label)))
                    break
                }
            }
        }
    }
}

/// Resident identity card numbers (GB 11643-1999): 17 digits and a check character.
enum IDCard {
    static func isValid(_ text: String) -> Bool {
        let characters = Array(text.uppercased())
        guard characters.count == 18, characters.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(characters.prefix(17), weights).reduce(0) { $0 + (Int(String($1.0)) ?? 0) * $1.1 }
        let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
        guard characters[17] == checks[sum % 11] else { return false }
        // The birth date inside it must be a real date.
        let birth = String(characters[6..<14])
        return LocalDate("\(birth.prefix(4))-\(birth.dropFirst(4).prefix(2))-\(birth.suffix(2))") != nil
    }
}
