@testable import App
import Foundation
import SourceScan
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
        let e = T(.outer, T(.inner, "a"), "b")
        """#
        let calls = SwiftCalls.find("T", in: source)
        #expect(calls.map(\.key) == ["one", "two", "three", "outer", "inner"])
        #expect(calls.map(\.arguments) == [0, 3, 2, 2, 1])
        #expect(calls.map(\.line) == [1, 2, 3, 7, 7])
    }

    /// Files whose Chinese is data rather than text of the application, and why.
    static let chineseData: [String: String] = [
        "Commands/DemoData.swift": "the demo district's records",
        "Commands/DemoStation.swift": "the demo station's requests",
        "Commands/DemoAssessment.swift": "the demo cycle's notes",
        "Commands/GenerateCommand.swift": "the generated data set's records",
        "Records/Kinds/": "record kinds' labels, declared in Chinese; their English is terms.en.json, keyed by the Chinese",
        "Station/Kinds/": "record kinds' labels, as Records/Kinds/",
        "Records/Terms.swift": "reads an item reference (第5、7条) to say it in English",
        "Records/RecordTransferController.swift": "accepts 是 and Chinese list separators in imported cells",
        "Records/RecordInput.swift": "accepts 是 as a ticked box",
        "Core/Language.swift": "中文, the language switch's name for Chinese in Chinese",
        "Core/PersonalText.swift": "accepts a full-width Ｘ as an ID number's check digit",
    ]

    @Test("no Chinese in the application's code outside the catalogue, but the data files listed with their reasons")
    func noChineseInCode() throws {
        let root = Self.sources.appendingPathComponent("App")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var found: [String] = [], dataFiles = Set<String>()
        for file in files where file.pathExtension == "swift" && file.lastPathComponent != "Messages.swift" {
            let path = String(file.path.dropFirst(root.path.count + 1))
            let code = SwiftText.withoutComments(try String(contentsOf: file, encoding: .utf8))
            let lines = code.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter { SwiftText.hasChinese($0.element) }
            if let allowed = Self.chineseData.keys.first(where: { path == $0 || ($0.hasSuffix("/") && path.hasPrefix($0)) }) {
                if !lines.isEmpty { dataFiles.insert(allowed) }
                continue
            }
            found += lines.map { "\(path):\($0.offset + 1): \($0.element.trimmingCharacters(in: .whitespaces))" }
        }
        #expect(found == [], "Chinese in code: make it a key of L with its text in messages.zh.json and messages.en.json")
        // The list does not rot: every entry still holds Chinese data.
        #expect(Set(Self.chineseData.keys).subtracting(dataFiles).sorted() == [])
        #expect(SwiftText.hasChinese("a“b") && SwiftText.hasChinese("第") && !SwiftText.hasChinese("plain -> ok"))
        #expect(SwiftText.withoutComments("let a = \"x\" // 中文\n/* 注释\n */ let b = \"//\" + \"是\"") == "let a = \"x\" \n\n let b = \"//\" + \"是\"")
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
