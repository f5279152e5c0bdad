@testable import App
import Foundation
import StandardKit
import Testing

/// The text catalogue (issue 19, item 4): the files and the typed keys agree, every key is
/// used, and every call passes as many arguments as its text has placeholders.
@Suite("Text catalogue: files, keys, placeholders, calls")
struct CatalogueTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// The Swift files of the application, but the key list itself.
    static func applicationSources() throws -> [(name: String, text: String)] {
        let root = sources.appendingPathComponent("App")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try files.filter { $0.pathExtension == "swift" && $0.lastPathComponent != "Messages.swift" }
            .map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    /// The placeholder numbers of a text, in the order they appear.
    static func placeholders(_ text: String) -> [Int] {
        var found: [Int] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]) { found.append(n) }
            rest = after
        }
        return found
    }

    @Test("both files hold exactly the typed keys, each with text")
    func filesAndKeys() throws {
        let keys = Set(L.allCases.map(\.rawValue))
        for language in [Language.zh, .en] {
            let file = try Messages.file(language)
            #expect(Set(file.keys).subtracting(keys).sorted() == [], "messages.\(language.rawValue).json has keys that are not in L")
            #expect(keys.subtracting(file.keys).sorted() == [], "messages.\(language.rawValue).json misses keys")
            for (key, text) in file { #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language.rawValue).\(key) is empty") }
        }
    }

    @Test("a text's placeholders are {0}…{n-1}, the same in both languages")
    func placeholdersAgree() {
        for key in L.allCases {
            let zh = Self.placeholders(Messages.zh[key] ?? ""), en = Self.placeholders(Messages.en[key] ?? "")
            #expect(Set(zh) == Set(en), "\(key): 中文 \(zh), English \(en)")
            #expect(Set(zh) == Set(0..<Set(zh).count), "\(key): placeholders \(zh) leave a gap")
        }
    }

    @Test("every key is used by the code")
    func noUnusedKey() throws {
        let code = try Self.applicationSources().map(\.text).joined(separator: "\n")
        let unused = L.allCases.filter { key in
            // `.key` followed by something that cannot continue an identifier.
            var rest = Substring(code)
            while let range = rest.range(of: "." + key.rawValue) {
                let next = rest[range.upperBound...].first
                if next.map({ !($0.isLetter || $0.isNumber || $0 == "_") }) ?? true { return false }
                rest = rest[range.upperBound...]
            }
            return true
        }
        #expect(unused == [], "keys no code uses")
    }

    @Test("every T(.key, …) passes as many arguments as the key's text has placeholders")
    func callsMatchPlaceholders() throws {
        var calls = 0
        for (name, text) in try Self.applicationSources() {
            for call in SwiftCalls.find("T", in: text) {
                guard let key = L(rawValue: call.key) else {
                    Issue.record("\(name):\(call.line): T(.\(call.key)) is not a key")
                    continue
                }
                calls += 1
                let wanted = Set(Self.placeholders(Messages.zh[key] ?? "")).count
                #expect(call.arguments == wanted, "\(name):\(call.line): T(.\(key)) with \(call.arguments) arguments; its text has \(wanted) placeholders")
            }
        }
        // The scan found the calls (about a thousand), so the check above is not empty.
        #expect(calls > 800, "\(calls)")
    }

    @Test("the call scanner counts arguments through strings, interpolations, closures and nested calls")
    func scanner() {
        let source = #"""
        let a = T(.one)
        let b = T(.two, "x, y", f(1, 2), [3, 4].map { $0, $1 }.count)
        let c = T(.three, "\(g(1, ")"))", """
            many, lines
            """)
        let d = XT(.not, 1)
        """#
        let calls = SwiftCalls.find("T", in: source)
        #expect(calls.map(\.key) == ["one", "two", "three"])
        #expect(calls.map(\.arguments) == [0, 3, 2])
        #expect(calls.map(\.line) == [1, 2, 3])
    }

    @Test("every English term is one a record kind uses")
    func noUnusedTerm() {
        var used = Set<String>()
        for kind in RecordKind.all {
            used.insert(kind.labelText.zh)
            used.insert(kind.itemsText.zh)
            for field in kind.fields {
                used.insert(field.text.zh)
                switch field.type {
                case let .choice(choices), let .choices(choices): used.formUnion(choices.map(\.text.zh))
                default: break
                }
            }
        }
        #expect(Set(Terms.en.keys).subtracting(used).sorted() == [], "terms.en.json has terms no kind uses")
        #expect(Terms.en.count > 100)
    }
}

/// Finds calls `name(.key…)` in Swift source and counts their arguments after the key:
/// enough of Swift's syntax (strings, multi-line strings, interpolations, brackets) to
/// count commas at the call's own level.
enum SwiftCalls {
    struct Call: Equatable {
        var key: String
        var arguments: Int
        var line: Int
    }

    static func find(_ name: String, in text: String) -> [Call] {
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
            let (arguments, end) = countArguments(bytes, j)
            calls.append(Call(key: key, arguments: arguments, line: line))
            i = end
        }
        return calls
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
                    // An interpolation: an expression up to its closing parenthesis.
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
