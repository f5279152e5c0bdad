import Foundation
import StandardKit

extension SheetSummary {
    /// A kept summary (`snapshot` or `result`) read back. Foundation's `JSONDecoder` took
    /// half of a district dashboard's time on its 300 summaries (about 0.2 ms each), so the
    /// shape `JSONEncoder` writes for this type is read by hand; anything else (an older
    /// shape, a stray value) goes to `JSONDecoder`, so nothing it reads is lost.
    /// Without `checks`, the checks' statuses and explanations are left out (skipped, not
    /// built: they were most of the reading).
    static func decodeKept(_ text: String, checks: Bool = true) -> SheetSummary? {
        var copy = text
        if let fast = copy.withUTF8({ SummaryReader.read($0, checks: checks) }) { return fast }
        guard var slow = try? JSONDecoder().decode(SheetSummary.self, from: Data(text.utf8)) else { return nil }
        if !checks { slow.checks = [:]; slow.explanations = [:] }
        return slow
    }
}

extension SheetSummary {
    /// A kept summary's text without its checks' statuses and explanations: what a dashboard
    /// reads (`VillageSheet.Texts.brief`); nil for a text that is not a summary.
    static func brief(of text: String) -> String? {
        guard let summary = decodeKept(text, checks: false) else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Reads exactly the JSON `JSONEncoder` writes for `SheetSummary`: one object of known keys
/// in any order, with numbers, `true`/`false`/`null`, arrays of arrays of whole numbers and
/// objects of strings. Returns nil at anything it does not expect.
struct SummaryReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Whether the checks' statuses and explanations are read or only stepped over.
    let checks: Bool
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>, checks: Bool = true) {
        self.bytes = bytes
        self.checks = checks
    }

    /// The statuses' raw values in `Status.allCases` order (`ItemStatuses` codes count from it).
    static let statuses = Status.allCases.map(\.rawValue)
    /// The same as bytes, compared without a string's views (a district's dashboard reads 19,000).
    static let statusBytes = statuses.map { Array($0.utf8) }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>, checks: Bool = true) -> SheetSummary? {
        var reader = SummaryReader(bytes: bytes, checks: checks)
        return reader.summary()
    }

    mutating func summary() -> SheetSummary? {
        var score: Double?, passed: Bool?, areas: [[Int]]?, goals: [[Int]]?
        var checks: [String: String] = [:], items = ItemStatuses(), explanations: [String: String] = [:]
        let read = object { reader, key in
            switch key {
            case "score":
                if reader.literal("null") { score = nil } else { guard let n = reader.number() else { return false }; score = n }
            case "passed":
                if reader.literal("true") { passed = true } else if reader.literal("false") { passed = false } else { return false }
            case "areas": guard let t = reader.tallies() else { return false }; areas = t
            case "goals":
                if reader.literal("null") { goals = nil } else { guard let t = reader.tallies() else { return false }; goals = t }
            case "checks" where !reader.checks, "explanations" where !reader.checks: return reader.skipStrings()
            case "checks": guard let m = reader.strings() else { return false }; checks = m
            case "items": guard let m = reader.itemStatuses() else { return false }; items = m
            case "explanations": guard let m = reader.strings() else { return false }; explanations = m
            default: return false
            }
            return true
        }
        guard read, let passed, let areas else { return nil }
        var summary = SheetSummary(score: score, passed: passed, areas: areas, checks: checks, items: items, explanations: explanations)
        summary.goals = goals
        return summary
    }

    /// `{"explanations":{…},"language":"…"}` (`KeptExplanations`, keys in any order).
    mutating func keptExplanations() -> KeptExplanations? {
        var language: String?, explanations: [String: String]?
        let read = object { reader, key in
            switch key {
            case "language": guard let value = reader.string() else { return false }; language = value
            case "explanations": guard let m = reader.strings() else { return false }; explanations = m
            default: return false
            }
            return true
        }
        guard read, let language, let explanations else { return nil }
        return KeptExplanations(language: language, explanations: explanations)
    }

    /// The whole text as one object of known keys in any order: `member` reads each key's
    /// value (false: not a shape it expects). Nothing may follow the object but spaces.
    private mutating func object(_ member: (inout SummaryReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")), member(&self, key) else { return false }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return false }
        }
        skipSpace()
        return at == bytes.count
    }

    private mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        return literalBytes(word)
    }

    private mutating func number() -> Double? {
        skipSpace()
        let start = at
        while at < bytes.count, (bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9")) || bytes[at] == UInt8(ascii: "-")
            || bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: ".") || bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
        }
        guard at > start else { return nil }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
    }

    /// A whole number; plain digits (what `JSONEncoder` writes for one) are read as they
    /// are, without making text of them (the tallies are most of a summary's numbers).
    private mutating func integer() -> Int? {
        skipSpace()
        var value = 0, end = at
        while end < bytes.count, end - at < 15, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[end] - UInt8(ascii: "0"))
            end += 1
        }
        if end > at, end == bytes.count || bytes[end] == UInt8(ascii: ",") || bytes[end] == UInt8(ascii: "]") {
            at = end
            return value
        }
        guard let n = number(), n == n.rounded(), abs(n) < 1e15 else { return nil }
        return Int(n)
    }

    private mutating func tallies() -> [[Int]]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var out: [[Int]] = []
        if take(UInt8(ascii: "]")) { return out }
        repeat {
            guard take(UInt8(ascii: "[")) else { return nil }
            var row: [Int] = []
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard let n = integer() else { return nil }
                    row.append(n)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
            out.append(row)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? out : nil
    }

    private mutating func strings() -> [String: String]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var out: [String: String] = [:]
        if take(UInt8(ascii: "}")) { return out }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), let value = string() else { return nil }
            out[key] = value
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? out : nil
    }

    /// `{"12":"met",…}`: plain numbers as keys, the four statuses as values (anything else,
    /// an escape included, is left to `JSONDecoder`).
    private mutating func itemStatuses() -> ItemStatuses? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var out = ItemStatuses()
        if take(UInt8(ascii: "}")) { return out }
        repeat {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var number = 0, digits = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9"), digits < 6 {
                number = number * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                digits += 1
                at += 1
            }
            guard digits > 0, at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            at += 1
            guard take(UInt8(ascii: ":")), take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<at])
            at += 1
            // The statuses differ in length: found by it, then compared once, byte for byte.
            guard let index = Self.statusBytes.firstIndex(where: { $0.count == raw.count }),
                  Self.statusBytes[index].elementsEqual(raw),
                  out.set(number, code: UInt8(index + 1)) else { return nil }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? out : nil
    }

    /// Steps over an object of strings, checking its shape as `strings` does, building nothing.
    private mutating func skipStrings() -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard skipString(), take(UInt8(ascii: ":")), skipString() else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// Steps over a JSON string; one with escapes is read to check them.
    private mutating func skipString() -> Bool {
        skipSpace()
        var end = at + 1
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return false }
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            at = end + 1
            return true
        }
        return string() != nil
    }

    /// A JSON string with its escapes (`\uXXXX` with surrogate pairs included).
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = at
        // The usual case, no escapes: the bytes as they are.
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
            guard bytes[at] >= 0x20 else { return nil }
            at += 1
        }
        guard at < bytes.count else { return nil }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<at - 1])
            // Statuses are most of the values: the same four strings, not made anew.
            for known in Self.statuses where known.utf8.elementsEqual(raw) { return known }
            return String(validating: raw, as: UTF8.self)
        }
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""): return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { return nil }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard literalBytes("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                out.append(byte)
            }
        }
        return nil
    }

    private mutating func literalBytes(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { return false }
        for i in 0..<count where bytes[at + i] != word.utf8Start[i] { return false }
        at += count
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            at += 1
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}

/// A summary's item statuses by item number, kept as `{"1":"met",…}` (the shape of a
/// dictionary of strings, which summaries kept before this type still have) and held as one
/// byte per number: a district dashboard reads 300 summaries of 62 items and counts them
/// per item, and a dictionary of strings made that most of its time.
struct ItemStatuses: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral {
    /// Index: the item's number; 0 no status, else 1 + the status's place in `Status.allCases`.
    private var codes: [UInt8] = []
    /// Item numbers run 1…62 in the standard; a kept number beyond this is refused.
    static let largest = 4095

    init() {}

    init(dictionaryLiteral elements: (String, String)...) {
        for (key, value) in elements { if let n = Int(key), let status = Status(rawValue: value) { self[n] = status } }
    }

    subscript(number: Int) -> Status? {
        get { let code = code(at: number); return code > 0 ? Status.allCases[Int(code) - 1] : nil }
        set { _ = set(number, code: newValue.map(Self.code) ?? 0) }
    }

    /// Every item with a status, by number.
    var statuses: [(number: Int, status: Status)] {
        codes.indices.compactMap { n in self[n].map { (n, $0) } }
    }

    /// A status's code: 1 + its place in `Status.allCases`.
    static func code(_ status: Status) -> UInt8 { UInt8(Status.allCases.firstIndex(of: status) ?? 0) + 1 }

    /// The raw code at a number (0 none): for counting without making a `Status`.
    func code(at number: Int) -> UInt8 { codes.indices.contains(number) ? codes[number] : 0 }

    /// Sets the code at a number (0 clears it); false for a number or code out of range.
    mutating func set(_ number: Int, code: UInt8) -> Bool {
        guard code <= UInt8(Status.allCases.count), (0...Self.largest).contains(number) else { return false }
        if codes.count <= number {
            guard code != 0 else { return true }
            codes.append(contentsOf: repeatElement(0, count: number + 1 - codes.count))
        }
        codes[number] = code
        // No trailing empties: equal statuses are equal values.
        while codes.last == 0 { codes.removeLast() }
        return true
    }

    private struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let pairs = try decoder.singleValueContainer().decode([String: String].self)
        for (key, value) in pairs {
            guard let n = Int(key), (0...Self.largest).contains(n), let status = Status(rawValue: value) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an item status: \(key): \(value)"))
            }
            self[n] = status
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (n, status) in statuses { try container.encode(status.rawValue, forKey: Name(stringValue: String(n))) }
    }
}
