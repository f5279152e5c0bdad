/// Identity-card and phone numbers inside free text (a refusal reason, a disclosure, a
/// ledger event's details), masked before the text is shown publicly or written to the
/// ledger (issue 18). The text is read as runs of digits (ASCII or full-width, as Chinese
/// input methods type them) standing alone (no digit or Latin letter touching them), made of
/// groups joined by a single `-` or space. Within a run, groups are taken from the left: one
/// group, or the groups of a usual way of writing a number apart (139 1234 5678, 010-6964 1234,
/// 010-69641234, 110101 19900307 1234), that is
/// - an identity-card number: 18 digits (the last may be X) or the old 15;
/// - a mobile number: 11 digits starting 13–19;
/// - a fixed-line number with its area code: 10–12 digits starting with 0;
/// so "13800138000 2份" and two phones side by side are found too. Dates ("2026-12-04"),
/// amounts and 12-digit division codes are none of these and stay as written.
enum PersonalText {
    enum Scope {
        /// Identity-card, mobile and fixed-line numbers (a reply to a resident, the ledger).
        case all
        /// Identity-card and mobile numbers; a fixed line is an office's, published on
        /// purpose (a disclosure's supervision hotline).
        case keepFixedLines
    }

    /// The ASCII digit a character stands for (`3` or full-width `３`), if it is one.
    private static func digit(_ c: Character) -> Character? {
        guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return c
        case 0xFF10...0xFF19: return Character(Unicode.Scalar(scalar.value - 0xFF10 + 0x30) ?? "0")
        default: return nil
        }
    }

    private static func isX(_ c: Character) -> Bool { c == "X" || c == "x" || c == "Ｘ" || c == "ｘ" }

    static func masked(_ text: String, _ scope: Scope = .all) -> String {
        let characters = Array(text)
        guard characters.contains(where: { digit($0) != nil }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
        var i = 0
        while i < characters.count {
            let c = characters[i]
            // A run starts at a digit that no digit or Latin letter precedes.
            guard digit(c) != nil, i == 0 || !(digit(characters[i - 1]) != nil || isLetter(characters[i - 1])) else {
                out.append(c)
                i += 1
                continue
            }
            // The run's groups: (start, end) index ranges of digits, joined by one separator.
            var groups: [Range<Int>] = []
            var j = i
            while j < characters.count, digit(characters[j]) != nil {
                let start = j
                while j < characters.count, digit(characters[j]) != nil { j += 1 }
                // An identity number's final X belongs to its group.
                if j < characters.count, isX(characters[j]), j - start == 17 { j += 1 }
                groups.append(start..<j)
                if j + 1 < characters.count, characters[j] == "-" || characters[j] == " ", digit(characters[j + 1]) != nil { j += 1 } else { break }
            }
            let end = groups.last?.upperBound ?? i
            let standsAlone = end == characters.count || !(digit(characters[end]) != nil || isLetter(characters[end]))
            var g = 0
            while g < groups.count {
                var taken: (count: Int, masked: String)?
                // The longest way of writing a number apart that starts at g, then g alone; the
                // run's last group counts only when nothing touches the run's end.
                for last in stride(from: min(groups.count - 1, g + 2), through: g, by: -1) where standsAlone || last < groups.count - 1 {
                    let lengths = groups[g...last].map(\.count)
                    guard lengths.count == 1 || Self.writtenApart.contains(lengths) else { continue }
                    let digits = String(groups[g...last].flatMap { characters[$0] }.map { digit($0) ?? "X" })
                    if let masked = mask(digits, scope) { taken = (last - g + 1, masked); break }
                }
                if let taken {
                    out += taken.masked
                    g += taken.count
                } else {
                    out += String(characters[groups[g]])
                    g += 1
                }
                // The separator after the groups just written, if the run goes on.
                if g < groups.count { out.append(characters[groups[g - 1].upperBound]) }
            }
            i = end
        }
        return out
    }

    /// The group lengths of numbers written apart: a mobile 3-4-4; a fixed line with its area
    /// code 3-8, 4-7, 4-8, 3-4-4, 4-4-4 (or 4-3-4); an identity-card number 6-8-4.
    private static let writtenApart: Set<[Int]> = [[3, 4, 4], [3, 8], [4, 7], [4, 8], [3, 7], [4, 4, 4], [4, 3, 4], [6, 8, 4]]

    /// The masked form of a number, or nil when it is no identity or phone number.
    private static func mask(_ digits: String, _ scope: Scope) -> String? {
        let d = Array(digits)
        guard d.dropLast().allSatisfy(\.isNumber), d.last?.isNumber == true || (d.count == 18 && d.last == "X") else { return nil }
        func keep(_ head: Int, _ tail: Int) -> String {
            String(d.prefix(head)) + String(repeating: "*", count: d.count - head - tail) + String(d.suffix(tail))
        }
        switch d.count {
        case 18, 15: return keep(3, 4)
        case 11 where d[0] == "1" && ("3"..."9").contains(d[1]): return keep(3, 4)
        case 10...12 where d[0] == "0": return scope == .all ? keep(4, 2) : nil
        default: return nil
        }
    }
}
