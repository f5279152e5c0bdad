/// Identity-card and phone numbers inside free text (a refusal reason, a disclosure, a
/// ledger event's details), masked before the text is shown publicly or written to the
/// ledger (issue 18). A number is a run of digits, with single `-` or spaces between
/// groups, standing alone (no digit or Latin letter touching it):
/// - an identity-card number: 18 digits (the last may be X) or the old 15;
/// - a mobile number: 11 digits starting 13–19;
/// - a fixed-line number with its area code: 10–12 digits starting with 0.
/// Dates ("2026-12-04"), amounts and 12-digit division codes are none of these and stay.
enum PersonalText {
    enum Scope {
        /// Identity-card, mobile and fixed-line numbers (a reply to a resident, the ledger).
        case all
        /// Identity-card and mobile numbers; a fixed line is an office's, published on
        /// purpose (a disclosure's supervision hotline).
        case keepFixedLines
    }

    static func masked(_ text: String, _ scope: Scope = .all) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return text }
        let characters = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
        while i < characters.count {
            let c = characters[i]
            // A run starts at a digit that no digit or Latin letter precedes.
            guard isDigit(c), i == 0 || !(isDigit(characters[i - 1]) || isLetter(characters[i - 1])) else {
                out.append(c)
                i += 1
                continue
            }
            var j = i, digits = ""
            while j < characters.count {
                if isDigit(characters[j]) { digits.append(characters[j]); j += 1; continue }
                if (characters[j] == "-" || characters[j] == " "), j + 1 < characters.count, isDigit(characters[j + 1]) { j += 1; continue }
                break
            }
            if digits.count == 17, j < characters.count, characters[j] == "X" || characters[j] == "x" { digits.append("X"); j += 1 }
            let standsAlone = j == characters.count || !(isDigit(characters[j]) || isLetter(characters[j]))
            if standsAlone, let masked = mask(digits, scope) {
                out += masked
            } else {
                out += String(characters[i..<j])
            }
            i = j
        }
        return out
    }

    /// The masked form of a number, or nil when it is no identity or phone number.
    private static func mask(_ digits: String, _ scope: Scope) -> String? {
        let d = Array(digits)
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
