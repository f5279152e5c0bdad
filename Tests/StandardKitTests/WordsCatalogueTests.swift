import Foundation
import SourceScan
@testable import StandardKit
import Testing

/// The word catalogue (issue 19, item 4): `words.zh.json` and `words.en.json` hold exactly
/// the texts of `Word` and the labels of every vocabulary, each with the same placeholders
/// in both languages, and every `say(.key, …)` passes as many arguments as its text takes.
@Suite("Word catalogue: files, keys, placeholders, calls")
struct WordsCatalogueTests {
    static let sources = Fixture.root.appendingPathComponent("Sources/StandardKit").resolvingSymlinksInPath()

    /// The library's Swift files, by name.
    static func librarySources() throws -> [(name: String, text: String)] {
        let files = try FileManager.default.contentsOfDirectory(at: sources, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(files.count > 10, "found \(files.count) Swift files in \(sources.path)")
        return try files.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    /// Every vocabulary word's key, "MeetingKind.representativeMeeting".
    static var vocabularyKeys: [String] {
        func keys<V: Vocabulary>(_: V.Type) -> [String] { V.allCases.map { Words.key($0) } }
        return allVocabularies.flatMap { keys($0) }
    }

    static func placeholders(_ text: String) -> Set<Int> { Words.placeholders(in: text) }

    @Test("allVocabularies names every type that conforms to Vocabulary, once")
    func everyVocabularyListed() throws {
        let conformance = try Regex(#"(?:enum|extension) (\w+)\s*:[^{\n]*\bVocabulary\b"#)
        var declared: [String] = []
        for (_, text) in try Self.librarySources() {
            for match in text.matches(of: conformance) {
                if let name = match.output[1].substring { declared.append(String(name)) }
            }
        }
        let listed = allVocabularies.map { "\($0)" }
        #expect(Set(listed).count == listed.count, "a vocabulary is listed twice")
        #expect(declared.sorted() == listed.sorted())
        #expect(listed.count >= 24)
    }

    @Test("both files hold exactly the Word keys and every vocabulary word's key, each with text")
    func filesAndKeys() throws {
        let vocabulary = Self.vocabularyKeys
        #expect(Set(vocabulary).count == vocabulary.count)
        let keys = Set(Word.allCases.map(\.rawValue)).union(vocabulary)
        #expect(keys.count == Word.allCases.count + vocabulary.count, "a Word key looks like a vocabulary word's")
        for language in Language.allCases {
            let file = try Words.file(language)
            #expect(keys.subtracting(file.keys).sorted() == [], "words.\(language.rawValue).json misses keys")
            #expect(Set(file.keys).subtracting(keys).sorted() == [], "words.\(language.rawValue).json has keys nothing uses")
            for (key, text) in file {
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language.rawValue) \(key) is empty")
            }
        }
    }

    /// Texts whose two languages leave out different arguments, because the sentence is built
    /// differently: for "at least N per period", Chinese repeats the verb and the subject in
    /// each period's finding ("第三季度召开村民代表会议0次"), English names the subject once before
    /// the list and has no verb ("Villagers' representative meeting: 0 in Q3").
    static let differingPlaceholders: Set<Word> = [
        .periodicFailure, .periodicNotMet, .periodicRunning, .periodicRunningMet, .periodicMetYear, .periodicMetOne, .periodicMetMany,
    ]

    @Test("a text's placeholders are {0}…{n-1}, the same in both languages (but for the texts listed); labels have none")
    func placeholdersAgree() throws {
        let zh = try Words.file(.zh), en = try Words.file(.en)
        for word in Word.allCases {
            let inChinese = Self.placeholders(zh[word.rawValue] ?? ""), inEnglish = Self.placeholders(en[word.rawValue] ?? "")
            let used = inChinese.union(inEnglish)
            if Self.differingPlaceholders.contains(word) {
                #expect(inChinese != inEnglish, "\(word.rawValue) has the same placeholders in both languages: take it off the list")
            } else {
                #expect(inChinese == inEnglish, "\(word.rawValue): 中文 \(inChinese.sorted()), English \(inEnglish.sorted())")
            }
            #expect(used == Set(0..<used.count), "\(word.rawValue): placeholders \(used.sorted()) leave a gap")
            #expect(word.arity == used.count)
        }
        for key in Self.vocabularyKeys {
            #expect(Self.placeholders(zh[key] ?? "").isEmpty && Self.placeholders(en[key] ?? "").isEmpty, "\(key)")
        }
    }

    @Test("a Word's ordinal is its position in allCases (its text is found by it)")
    func ordinals() {
        for (index, word) in Word.allCases.enumerated() { #expect(word.ordinal == index, "\(word)") }
        #expect(Word.allCases.count < 256)
    }

    @Test("every Word is said somewhere, every say(.key, …) passes as many arguments as its text takes, and a Word named elsewhere takes none")
    func callsMatchPlaceholders() throws {
        var said = Set<Word>(), named = Set<Word>()
        let name = try Regex(#"\.([a-z][A-Za-z0-9]*)\b"#)
        let cases = Dictionary(uniqueKeysWithValues: Word.allCases.map { ("\($0)", $0) })
        for (file, text) in try Self.librarySources() {
            for call in SwiftCalls.find("say", in: text) {
                guard let word = cases[call.key] else {
                    Issue.record("\(file):\(call.line): say(.\(call.key)) is not a Word")
                    continue
                }
                said.insert(word)
                #expect(call.arguments == word.arity, "\(file):\(call.line): say(.\(call.key)) with \(call.arguments) arguments; its text takes \(word.arity)")
            }
            // A Word passed around as a value (`Period.nameWord`, a verb) is said by a call the
            // counter cannot read, so it must take no arguments.
            guard file != "Words.swift" else { continue }
            let outsideSay = SwiftCalls.removingKeys("say", from: text)
            for match in outsideSay.matches(of: name) {
                if let key = match.output[1].substring, let word = cases[String(key)] { named.insert(word) }
            }
        }
        for word in named.subtracting(said) {
            #expect(word.arity == 0, "\(word.rawValue) is said through a value, so its arguments cannot be counted; it takes \(word.arity)")
        }
        #expect(Set(Word.allCases).subtracting(said).subtracting(named).map(\.rawValue).sorted() == [], "Words nothing says")
    }

    @Test("labels and texts read from the catalogue, in both languages")
    func spotChecks() {
        let zh = Language.$current.withValue(.zh) {
            [MeetingKind.representativeMeeting.label, TargetGroup.fiveGuarantees.label, Period.halfYear.label, Status.notMet.label,
             FacilityType.labels([.library, .clinic]), OpeningSchedule.hoursText(minutes: 2430), say(.otherLevelResultWithNote, "区县", "达标", "好"),
             Period.quarter.name(2), Period.halfYear.name(0)]
        }
        let en = Language.$current.withValue(.en) {
            [MeetingKind.representativeMeeting.label, TargetGroup.fiveGuarantees.label, Period.halfYear.label, Status.notMet.label,
             FacilityType.labels([.library, .clinic]), OpeningSchedule.hoursText(minutes: 2430), say(.otherLevelResultWithNote, "district", "met", "fine"),
             Period.quarter.name(2), Period.halfYear.name(0)]
        }
        #expect(zh == ["村民代表会议", "“五保”对象", "每半年", "未达标", "图书室、卫生室", "40小时30分", "由区县评定，不计入本村得分；评定结果：达标（好）", "第三季度", "上半年"])
        #expect(en == ["Villagers' representative meeting", "\"Five guarantees\" recipients", "each half-year", "not met", "Library, Clinic",
                       "40 h 30 min", "Assessed by the district, not counted in the village's score; result: met (fine)", "Q3", "the first half"])
        #expect(Language.$current.withValue(.en) { OpeningSchedule.hoursText(minutes: 2400) } == "40 h")
    }

    @Test("placeholders are filled in one pass; an argument's own braces stay as they are")
    func filling() {
        #expect(Words.fill("第{0}行的“{1}”", ["3", "{0}"]) == "第3行的“{0}”")
        #expect(Words.fill("{1} on line {0}", ["3", "x"]) == "x on line 3")
        #expect(Words.fill("{a} {9} {", ["x"]) == "{a} {9} {")
        // English plurals: the singular form for 1, the plural for anything else.
        #expect(Words.fill("{0} {0|notice|notices}, {1} {1|check is|checks are} open", ["1", "0"]) == "1 notice, 0 checks are open")
        #expect(Words.fill("{0} {0|row|rows}", ["12"]) == "12 rows")
        #expect(Words.fill("{1|a|b} {0|x}", ["1"]) == "{1|a|b} {0|x}", "an unknown argument or a malformed choice stays as written")
        let template = Template("第{0}行{x}")
        #expect(template.pieces.map { piece -> String in
            switch piece {
            case let .text(stretch): return stretch
            case let .argument(index): return "#\(index)"
            }
        } == ["第", "#0", "行{x}"])
        #expect(template.fixedLength == "第行{x}".utf8.count)
        #expect(Template("").fill([]) == "" && Template("{0}{0}").fill(["ab"]) == "abab")
        #expect(Template("无占位").constant == "无占位" && template.constant == nil)
        // The engine's precut templates and the one-pass fill (the application's messages) agree.
        for (text, arguments) in [("第{0}行的“{1}”", ["3", "{0}"]), ("{a} {9} {", ["x"]), ("{1}{0}{1}", ["a", "b"]), ("{", []), ("}{0", ["x"]),
                                  ("{0}", []), ("{-1}{0}", ["y"]), ("{00}", ["z"]), ("", ["q"]), ("全年{0}{1}分别为{2}次", ["召开", "会议", "4"])] {
            #expect(Template(text).fill(arguments) == Words.fill(text, arguments), "\(text)")
        }
        // The fixed-arity forms the engine uses say the same as the array form.
        let table = Words.zh
        #expect(table.say(.workersNone, "2026-06-30") == table.say(.workersNone, ["2026-06-30"]))
        #expect(table.say(.scheduleBadDays, "3", "周八") == "第3行的“周八”不是星期几（周一至周日）")
        #expect(table.say(.semicolon) == "；" && Words.en.say(.semicolon) == "; ")
        let seven = ["1", "季度", "召开", "会议", "第一季度1次", "每季度至少1次", ""]
        #expect(table.say(.periodicMetOne, seven[0], seven[1], seven[2], seven[3], seven[4], seven[5], seven[6]) == table.say(.periodicMetOne, seven))
        #expect(table.say(.periodicMetYear, "召开", "会议", "全年2次", "每年至少1次", "") == table.say(.periodicMetYear, ["召开", "会议", "全年2次", "每年至少1次", ""]))
    }
}
