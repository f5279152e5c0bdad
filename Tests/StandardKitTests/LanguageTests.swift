import Foundation
@testable import StandardKit
import Testing

@Suite("Explanations in English")
struct LanguageTests {
    /// Every string value of a facts file: names and notes the explanations may quote.
    static func dataStrings(_ bytes: [UInt8]) throws -> [String] {
        var out: [String] = []
        func walk(_ value: Any) {
            if let text = value as? String { out.append(text) }
            if let array = value as? [Any] { array.forEach(walk) }
            if let object = value as? [String: Any] { object.values.forEach(walk) }
        }
        walk(try JSONSerialization.jsonObject(with: Data(bytes)))
        // Longest first, so a name inside a longer name is not removed first.
        return out.sorted { $0.count > $1.count }
    }

    static func hasChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3000...0x303F).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) }
    }

    static let minimalFacts = #"{"factsVersion": 1, "year": 2026, "village": {"name": "Test", "households": 900, "residentPopulation": 2500}}"#

    @Test("every explanation of every check is English (apart from quoted data) and decides the same as in Chinese",
          arguments: ["village-meets-all.json", "village-misses-several.json", "minimal"])
    func explanations(_ example: String) throws {
        let bytes = example == "minimal" ? Array(Self.minimalFacts.utf8) : try Fixture.exampleBytes(example)
        let facts = try FactsReader.read(bytes, catalogue: Fixture.catalogue)
        let data = try Self.dataStrings(bytes)
        // Before any quarter ends, mid-year, and after the year.
        for asOf in ["2026-02-10", "2026-07-15", "2026-12-31"] {
            let chinese = Language.$current.withValue(.zh) { Fixture.evaluate(facts, asOf: asOf) }
            let english = Language.$current.withValue(.en) { Fixture.evaluate(facts, asOf: asOf) }
            for (zh, en) in zip(chinese.items.flatMap(\.checks), english.items.flatMap(\.checks)) {
                #expect(zh.status == en.status, "\(example) \(asOf) \(zh.id): language changed the result")
                var stripped = en.explanation
                for text in data where !text.isEmpty { stripped = stripped.replacingOccurrences(of: text, with: "") }
                #expect(!Self.hasChinese(stripped), "\(example) \(asOf) \(en.id): \(en.explanation)")
                #expect(!en.explanation.isEmpty, "\(example) \(asOf) \(en.id): no explanation")
            }
            #expect(zh(chinese.tally.score) == zh(english.tally.score))
        }
    }

    private func zh(_ score: Double?) -> String { score.map { String($0) } ?? "-" }

    @Test("the catalogue and every vocabulary have English for every title, evidence note and label")
    func catalogueAndVocabularies() {
        let catalogue = Fixture.catalogue
        #expect(!Self.hasChinese(catalogue.titleText.en))
        for area in catalogue.areas {
            #expect(!Self.hasChinese(area.nameText.en), "area \(area.number)")
            for goal in area.goals { #expect(!Self.hasChinese(goal.titleText.en), "goal \(goal.number)") }
        }
        for check in catalogue.checks {
            #expect(!Self.hasChinese(check.titleText.en), "\(check.id) title")
            if let evidence = check.evidenceText { #expect(!Self.hasChinese(evidence.en), "\(check.id) evidence") }
        }
        func labels<V: Vocabulary>(_: V.Type) {
            for word in V.allCases {
                let english = Language.$current.withValue(.en) { word.label }
                let chinese = Language.$current.withValue(.zh) { word.label }
                #expect(!Self.hasChinese(english) && !english.isEmpty, "\(V.self).\(word): \(english)")
                #expect(Self.hasChinese(chinese), "\(V.self).\(word): \(chinese)")
            }
        }
        for type in allVocabularies { labels(type) }
        for status in [Status.met, .notMet, .pending, .notApplicable] {
            #expect(!Self.hasChinese(Language.$current.withValue(.en) { status.label }))
        }
    }

    @Test("a text made once per catalogue is kept in both languages, not in whichever came first")
    func bilingual() {
        let made = Language.$current.withValue(.en) { Bilingual { Status.met.label } }
        #expect(made.zh == "达标" && made.en == "met")
        #expect(Language.$current.withValue(.zh) { made.text } == "达标")
        #expect(Language.$current.withValue(.en) { made.text } == "met")
        #expect(Bilingual(zh: "村", en: nil).en == "村")
    }
}
