import Foundation

/// Reading Swift source in tests: the catalogue tests of the application and of StandardKit
/// count the arguments of `T(.key, …)` and `say(.key, …)` calls and look for Chinese left in
/// code. Enough of Swift's syntax (strings, multi-line strings, interpolations, brackets,
/// comments) for that, and no more.

/// Swift source as the catalogue tests read it.
public enum SwiftText {
    /// `source` without its comments (strings, including multi-line ones, kept; a "//" in a
    /// string is not a comment). Line breaks stay, so line numbers still count.
    public static func withoutComments(_ source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0, inString = false, inBlock = false
        func at(_ offset: Int) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }
        while i < scalars.count {
            let c = scalars[i]
            if inBlock {
                if c == "*", at(1) == "/" { inBlock = false; i += 2; continue }
                if c == "\n" { out.append(c) }
                i += 1
                continue
            }
            if inString {
                if c == "\\" { out.append(c); if let next = at(1) { out.append(next) }; i += 2; continue }
                if c == "\"" { inString = false }
                out.append(c)
                i += 1
                continue
            }
            if c == "/", at(1) == "/" {
                while i < scalars.count, scalars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", at(1) == "*" { inBlock = true; i += 2; continue }
            if c == "\"" { inString = true }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    /// Whether `text` holds a Chinese character or Chinese punctuation.
    public static func hasChinese<S: StringProtocol>(_ text: S) -> Bool {
        text.unicodeScalars.contains { scalar in
            (0x3000...0x303F).contains(scalar.value) || (0x3400...0x9FFF).contains(scalar.value)
                || (0xFF00...0xFFEF).contains(scalar.value) || (0x2018...0x201D).contains(scalar.value)
        }
    }
}

/// Finds calls `name(.key…)` in Swift source and counts their arguments after the key: enough
/// of Swift's syntax (strings, interpolations, brackets) to count commas at the call's own
/// level. A call nested in another's arguments is found too.
public enum SwiftCalls {
    public struct Call: Equatable, Sendable {
        public var key: String
        public var arguments: Int
        public var line: Int
    }

    public static func find(_ name: String, in text: String) -> [Call] {
        let bytes = Array(text.utf8)
        let opener = Array((name + "(.").utf8)
        var calls: [Call] = []
        var i = 0
        while i + opener.count <= bytes.count {
            guard bytes[i..<i + opener.count].elementsEqual(opener), i == 0 || !isIdentifier(bytes[i - 1]) else {
                if bytes[i] == UInt8(ascii: "\"") { i = skipString(bytes, i) } else { i += 1 }
                continue
            }
            let line = bytes[..<i].filter { $0 == UInt8(ascii: "\n") }.count + 1
            var j = i + opener.count
            let keyStart = j
            while j < bytes.count, isIdentifier(bytes[j]) { j += 1 }
            let key = String(decoding: bytes[keyStart..<j], as: UTF8.self)
            calls.append(Call(key: key, arguments: countArguments(bytes, j).0, line: line))
            // On from the key, not the call's end, so a call inside its arguments is found too.
            i = j
        }
        return calls
    }

    /// `text` with the key of every `name(.key…)` call taken out, so what remains names a key
    /// only where it is used some other way.
    public static func removingKeys(_ name: String, from text: String) -> String {
        var bytes = Array(text.utf8)
        let opener = Array((name + "(.").utf8)
        var i = 0
        while i + opener.count <= bytes.count {
            guard bytes[i..<i + opener.count].elementsEqual(opener), i == 0 || !isIdentifier(bytes[i - 1]) else { i += 1; continue }
            var j = i + opener.count
            while j < bytes.count, isIdentifier(bytes[j]) { bytes[j] = UInt8(ascii: " "); j += 1 }
            i = j
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
    }

    /// From just after the key to the call's closing parenthesis: the arguments that follow.
    static func countArguments(_ bytes: [UInt8], _ start: Int) -> (Int, Int) {
        var depth = 0, commas = 0, i = start
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): i = skipString(bytes, i); continue
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0 { return (commas, i + 1) }
                depth -= 1
            case UInt8(ascii: ","): if depth == 0 { commas += 1 }
            default: break
            }
            i += 1
        }
        return (commas, i)
    }

    /// From an opening quote to just after its string's end, through `\( … )`.
    static func skipString(_ bytes: [UInt8], _ start: Int) -> Int {
        let quote = UInt8(ascii: "\"")
        let multiline = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var i = start + (multiline ? 3 : 1)
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                if bytes[i + 1] == UInt8(ascii: "(") {
                    i = countArguments(bytes, i + 2).1
                } else {
                    i += 2
                }
                continue
            }
            if bytes[i] == quote {
                if !multiline { return i + 1 }
                if i + 2 < bytes.count, bytes[i + 1] == quote, bytes[i + 2] == quote { return i + 3 }
            }
            i += 1
        }
        return i
    }
}
