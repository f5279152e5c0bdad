import StandardKit
import Vapor

/// Collects field errors while reading a form or a JSON body; nothing is written
/// unless it ends empty.
struct Validator {
    private(set) var errors: [FieldError] = []

    mutating func fail(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

    mutating func text(_ field: String, _ label: String, _ value: String?, required: Bool = true, maxLength: Int = 100) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { fail(field, T(.validationRequired, label)) }
        if trimmed.count > maxLength { fail(field, T(.validationTooLong, label, String(maxLength))) }
        return trimmed
    }

    mutating func integer(_ field: String, _ label: String, _ value: String?, range: ClosedRange<Int>) -> Int {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        guard let number = Int(trimmed) else {
            fail(field, trimmed.isEmpty ? T(.validationRequired, label) : T(.validationInteger, label))
            return 0
        }
        return integer(field, label, number, range: range)
    }

    mutating func integer(_ field: String, _ label: String, _ number: Int, range: ClosedRange<Int>) -> Int {
        if number < range.lowerBound { fail(field, range.lowerBound == 0 ? T(.validationNegative, label) : T(.validationTooSmall, label, String(range.lowerBound))) }
        if number > range.upperBound { fail(field, T(.validationTooLarge, label, String(range.upperBound))) }
        return number
    }

    mutating func decimal(_ field: String, _ label: String, _ value: String?, range: ClosedRange<Double>) -> Double {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        guard let number = Double(trimmed), number.isFinite else {
            fail(field, trimmed.isEmpty ? T(.validationRequired, label) : T(.validationNumber, label))
            return 0
        }
        return decimal(field, label, number, range: range)
    }

    mutating func decimal(_ field: String, _ label: String, _ number: Double, range: ClosedRange<Double>) -> Double {
        if !number.isFinite { fail(field, T(.validationNumber, label)); return 0 }
        if number < range.lowerBound { fail(field, T(.validationNegative, label)) }
        if number > range.upperBound { fail(field, T(.validationTooLarge, label, String(Int(range.upperBound)))) }
        return number
    }

    mutating func date(_ field: String, _ label: String, _ value: String?) -> String? {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard LocalDate(trimmed) != nil else { fail(field, T(.validationDate, label)); return nil }
        return trimmed
    }

    mutating func divisionCode(_ field: String, _ value: String?) -> String? {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard trimmed.count == 12, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { fail(field, T(.validationCode)); return nil }
        return trimmed
    }

    /// A required phone number: digits and "-", at least 7 digits.
    mutating func phone(_ field: String, _ label: String, _ value: String?) -> String {
        let phone = text(field, label, value, maxLength: 20)
        if !phone.isEmpty, !phone.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) || phone.filter(\.isNumber).count < 7 {
            fail(field, T(.requestPhoneFormat))
        }
        return phone
    }

    func finish() throws { if !errors.isEmpty { throw AppError.validation(errors) } }
}

/// A submitted HTML form (application/x-www-form-urlencoded) as plain strings. Parsed
/// here rather than decoded, so repeated names (check boxes) and odd input never fail
/// the whole form: a field missing from the form is nil.
struct FormFields {
    private var values: [String: [String]] = [:]

    init(_ request: Request) throws {
        self.init(request.body.string ?? "")
    }

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            var name = decode(parts[0])
            if name.hasSuffix("[]") { name.removeLast(2) }
            values[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    subscript(_ name: String) -> String? { values[name]?.first }

    /// Every field name sent.
    var names: [String] { Array(values.keys) }

    func all(_ name: String) -> [String] { values[name] ?? [] }
}
