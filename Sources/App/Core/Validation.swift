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
        if TextCheck.hasForbidden(trimmed) { fail(field, T(.inputControlCharacters)) }
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

    /// A date a person entered, within `range` (2000–2100 unless said: a promise for
    /// 9999-12-31 is a typing slip, and a year that far off overflows the arithmetic on it).
    mutating func date(_ field: String, _ label: String, _ value: String?, range: ClosedRange<Int> = LocalDate.sane) -> String? {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard let date = LocalDate(trimmed) else { fail(field, T(.validationDate, label)); return nil }
        guard range.contains(date.year) else {
            fail(field, T(.validationDateRange, label, String(range.lowerBound), String(range.upperBound)))
            return nil
        }
        return trimmed
    }

    mutating func divisionCode(_ field: String, _ value: String?) -> String? {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard trimmed.count == 12, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { fail(field, T(.validationCode)); return nil }
        return trimmed
    }

    /// A required phone number: digits and "-", at least 7 digits.
    /// A Chinese mobile (1[3-9] and 9 more digits) or landline number (with its 0-led area
    /// code, or the 7–8 local digits), written with spaces, dashes, brackets or +86 as
    /// people write them; kept as typed.
    mutating func phone(_ field: String, _ label: String, _ value: String?) -> String {
        let phone = text(field, label, value, maxLength: 20)
        if !phone.isEmpty, !Self.isChinesePhone(phone) { fail(field, T(.requestPhoneFormat)) }
        return phone
    }

    static func isChinesePhone(_ text: String) -> Bool {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || " -()+".contains($0)) }),
              !text.trimmingCharacters(in: .whitespaces).dropFirst().contains("+") else { return false }
        var digits = text.filter(\.isNumber)
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("+") {
            guard digits.hasPrefix("86") else { return false }
            digits.removeFirst(2)
        } else if digits.count == 13, digits.hasPrefix("86") {
            digits.removeFirst(2)
        }
        let d = Array(digits)
        switch d.count {
        case 11 where d[0] == "1": return ("3"..."9").contains(d[1])
        case 10...12 where d[0] == "0":
            // Area codes 010 and 02x have three digits, the others four; then 7–8 local digits
            // that do not start with 0 or 1.
            let area = d[1] == "1" || d[1] == "2" ? 3 : 4
            return d[1] != "0" && (7...8).contains(d.count - area) && d[area] != "0" && d[area] != "1"
        case 7...8: return d[0] != "0" && d[0] != "1"
        default: return false
        }
    }

    func finish() throws { if !errors.isEmpty { throw AppError.validation(errors) } }
}

/// A submitted HTML form (application/x-www-form-urlencoded) or a URL's query, as plain
/// strings. Parsed here rather than decoded, in one linear pass with its number of fields
/// bounded (Vapor's decoder copies its storage for every repeated name: 30,000 repeats
/// took minutes), so repeated names (check boxes) and odd input never fail the whole form:
/// a field missing from the form is nil. A name or value that does not decode to text
/// (bytes that are not UTF-8, control characters) is refused naming the field.
struct FormFields {
    private var values: [String: [String]] = [:]

    struct Key: StorageKey { typealias Value = FormFields }

    enum Source { case body, query }

    /// The request's form, parsed once: by the router's input check, else here.
    init(_ request: Request) throws {
        if let parsed = request.storage[Key.self] { self = parsed; return }
        let parsed = try Self.parse(Substring(request.body.string ?? ""), maxFields: RequestLimits.signedIn.maxFields, what: .body)
        request.storage[Key.self] = parsed
        self = parsed
    }

    private init() {}

    static func parse(_ text: Substring, maxFields: Int, what: Source) throws -> FormFields {
        var form = FormFields()
        guard !text.isEmpty else { return form }
        // Counted before anything is decoded.
        let fields = text.utf8.reduce(1) { $1 == UInt8(ascii: "&") ? $0 + 1 : $0 }
        if fields > maxFields { throw what == .query ? AppError.badRequest(T(.inputTooManyQueryFields, String(maxFields))) : AppError.tooLarge }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            var name = try decode(parts[0], field: nil)
            if name.hasSuffix("[]") { name.removeLast(2) }
            form.values[name, default: []].append(parts.count > 1 ? try decode(parts[1], field: name) : "")
        }
        return form
    }

    /// `+` as a space, then percent-decoding; refused when that is not text.
    private static func decode(_ part: Substring, field: String?) throws -> String {
        let spaced = part.contains("+") ? part.replacingOccurrences(of: "+", with: " ") : String(part)
        let text: String
        if spaced.contains("%") {
            guard let decoded = spaced.removingPercentEncoding else {
                throw AppError.validation([FieldError(field: field ?? "?", message: T(.inputNotUTF8))])
            }
            text = decoded
        } else {
            text = spaced
        }
        if TextCheck.hasForbidden(text) {
            throw AppError.validation([FieldError(field: field ?? "?", message: T(.inputControlCharacters))])
        }
        return text
    }

    subscript(_ name: String) -> String? { values[name]?.first }

    /// Every field name sent.
    var names: [String] { Array(values.keys) }

    func all(_ name: String) -> [String] { values[name] ?? [] }
}
