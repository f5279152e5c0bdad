import Foundation
import Testing
@testable import StandardKit

@Suite("Reading facts files")
struct FactsReaderTests {
    static let minimal = #"{"factsVersion": 1, "year": 2026, "village": {"name": "甲村", "households": 320}}"#

    @Test("a minimal file is valid and every collection defaults to empty")
    func minimal() throws {
        let facts = try FactsReader.read(Array(Self.minimal.utf8), catalogue: Fixture.catalogue)
        #expect(facts.village.households == 320)
        #expect(facts.meetings.isEmpty && facts.workers.isEmpty)
        #expect(facts.serviceRequests.ledgerIntact)
        #expect(facts.standard == "beijing-2012-trial")
        let evaluation = Fixture.evaluate(facts)
        #expect(evaluation.items.count == 62)
        #expect(evaluation.check("18.1")?.status == .notMet)
    }

    @Test("not JSON: one problem with line and column")
    func notJSON() {
        let problems = Fixture.readProblems("{\n  \"year\": 2026,\n  oops\n}")
        #expect(problems.count == 1)
        #expect(problems.first?.position == JSONPosition(line: 3, column: 3))
        #expect(problems.first?.message.hasPrefix("不是有效的JSON") == true)
        #expect(Fixture.readProblems("").first?.message.contains("文件为空") == true)
        #expect(Fixture.readProblems("[1, 2").count == 1)
    }

    @Test("every problem is reported at once, each with its field path and line")
    func manyProblems() {
        let json = """
        {
          "factsVersion": 1,
          "year": 2026,
          "village": {"name": "甲村", "households": -5},
          "station": {"floorArea": "大"},
          "meetings": [
            {"kind": "representativeMeeting", "date": "2025-12-31"},
            {"kind": "teaParty", "date": "2026-02-30"}
          ],
          "colour": "red"
        }
        """
        let problems = Fixture.readProblems(json)
        let byPath = Dictionary(problems.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["village.households"]?.message == "不能为负数（-5）")
        #expect(byPath["village.households"]?.position?.line == 4)
        #expect(byPath["station.floorArea"]?.message == "应为数字，实际为string")
        #expect(byPath["meetings[0].date"]?.message == "日期2025-12-31不在评估年度2026年内")
        #expect(byPath["meetings[0].date"]?.position?.line == 7)
        #expect(byPath["meetings[1].kind"]?.message.hasPrefix("“teaParty”不是可用的取值") == true)
        #expect(byPath["meetings[1].date"]?.message == "“2026-02-30”不是有效日期，应为“YYYY-MM-DD”")
        #expect(byPath["colour"]?.message == "未知字段“colour”")
        #expect(byPath["colour"]?.position?.line == 10)
        #expect(problems.count == 6)
    }

    @Test("missing required fields, wrong types and duplicate keys")
    func requiredAndTypes() {
        let missing = Fixture.readProblems(#"{"factsVersion": 1, "village": {"name": ""}}"#)
        #expect(Set(missing.map(\.path)) == ["", "village", "village.name"])
        #expect(missing.contains { $0.message == "缺少必填字段“year”" })
        #expect(missing.contains { $0.message == "缺少必填字段“households”" })
        #expect(missing.contains { $0.path == "village.name" && $0.message == "不能为空" })
        let types = Fixture.readProblems(#"{"factsVersion": 1, "year": "2026", "village": {"name": "甲", "households": 3.5}}"#)
        #expect(types.contains { $0.path == "year" && $0.message == "应为整数，实际为string" })
        #expect(types.contains { $0.path == "village.households" && $0.message == "应为整数，实际为3.5" })
        let duplicate = Fixture.readProblems(#"{"year": 2026, "year": 2027}"#)
        #expect(duplicate.first?.message == "不是有效的JSON：字段“year”重复")
        #expect(Fixture.readProblems(#"{"factsVersion": 2, "year": 2026, "village": {"name": "甲", "households": 1}}"#)
            .contains { $0.path == "factsVersion" })
    }

    @Test("meaning: time ranges, role periods, counts that cannot exceed their totals, reviews")
    func semanticProblems() {
        let json = """
        {"factsVersion": 1, "year": 2026, "asOf": "2025-12-31",
         "village": {"name": "甲村", "households": 10, "code": "1101"},
         "station": {"openingHours": [{"weekday": 1, "from": "12:00", "to": "08:00"}, {"weekday": 8, "from": "08:00", "to": "24:01"}]},
         "workers": [{"name": "甲", "roles": [{"role": "stationStaff", "from": "2026-05-01", "to": "2026-04-01"}]}],
         "serviceRequests": {"received": 5, "dueByAsOf": 6, "completedOnTime": 7},
         "reviews": [{"check": "18.1", "decision": "accepted"}, {"check": "99.9", "decision": "accepted"},
                     {"check": "7.2", "decision": "returned"}],
         "otherLevelResults": [{"check": "7.2", "status": "met"}, {"check": "6.1", "status": "met"}]}
        """
        // Every problem in one pass: the shape's (weekday 8 and 24:01) and the meaning's together.
        let meaning: Set<String> = ["asOf", "village.code", "station.openingHours[0].to", "workers[0].roles[0].to",
                                    "serviceRequests.dueByAsOf", "serviceRequests.completedOnTime",
                                    "reviews[0].check", "reviews[1].check", "reviews[2].note", "otherLevelResults[0].check"]
        let all = Fixture.readProblems(json)
        #expect(Set(all.map(\.path)) == meaning.union(["station.openingHours[1].weekday", "station.openingHours[1].to"]))
        let fixed = json.replacingOccurrences(of: #", {"weekday": 8, "from": "08:00", "to": "24:01"}"#, with: "")
        let problems = Fixture.readProblems(fixed)
        let paths = Set(problems.map(\.path))
        #expect(paths == meaning)
        // A bad entry before a good one: the later entry's problem keeps its place in the file.
        let shifted = json.replacingOccurrences(of: #"{"weekday": 1, "from": "12:00", "to": "08:00"}, {"weekday": 8, "from": "08:00", "to": "24:01"}"#,
                                                with: #"{"weekday": 8, "from": "08:00", "to": "24:01"}, {"weekday": 1, "from": "12:00", "to": "08:00"}"#)
        #expect(Set(Fixture.readProblems(shifted).map(\.path)).isSuperset(of: ["station.openingHours[0].weekday", "station.openingHours[1].to"]))
        #expect(problems.first { $0.path == "reviews[2].note" }?.message == "退回必须说明原因")
        // Very many shape problems: reported by shape alone, the meaning pass (a tree copy per
        // entry left out) not attempted.
        let many = (0...FactsReader.maximumRepairs).map { _ in #"{"roles": []}"# }.joined(separator: ",")
        let flood = Fixture.readProblems(#"{"factsVersion": 1, "year": 2026, "asOf": "2025-12-31", "village": {"name": "甲村", "households": 10}, "workers": [\#(many)]}"#)
        #expect(flood.count == FactsReader.maximumRepairs + 1 && !flood.contains { $0.path == "asOf" })
        #expect(problems.allSatisfy { $0.position != nil })
    }

    @Test("money is exact: strings or numbers with at most two decimals")
    func money() throws {
        #expect(Money("12345.67")?.fen == 1_234_567)
        #expect(Money("0.1")?.fen == 10)
        #expect(Money("7")?.fen == 700)
        #expect(Money("1.234") == nil)
        #expect(Money("-1") == nil)
        #expect(Money("1e3") == nil)
        #expect(Money(".5") == nil)
        #expect(Money(fen: 1_234_501).description == "12345.01")
        let base = #"{"factsVersion": 1, "year": 2026, "village": {"name": "甲", "households": 1}, "funds": [{"kind": "officeFunds", "planned": PLANNED, "plannedOn": "2026-03-01"}]}"#
        let asNumber = try FactsReader.read(Array(base.replacingOccurrences(of: "PLANNED", with: "1200.5").utf8), catalogue: Fixture.catalogue)
        #expect(asNumber.funds.first?.planned.fen == 120_050)
        let bad = Fixture.readProblems(base.replacingOccurrences(of: "PLANNED", with: "\"-3\""))
        #expect(bad.first?.message == "金额不能为负数（-3）")
        #expect(Fixture.readProblems(base.replacingOccurrences(of: "PLANNED", with: "1.005")).first?.path == "funds[0].planned")
    }

    @Test("the committed JSON Schema is the one the reader uses")
    func schemaIsCurrent() throws {
        let committed = try String(contentsOf: Fixture.root.appendingPathComponent("docs/facts.schema.json"), encoding: .utf8)
        #expect(committed == FactsSchema.jsonSchema(), "regenerate with: swift run cunwu standard --facts-schema > docs/facts.schema.json")
    }

    @Test("every field of the facts model is described by the schema, and back")
    func schemaCoversModel() throws {
        let facts = try Fixture.goodVillage()
        let encoded = try JSONParser.parse(String(decoding: JSONEncoder().encode(facts), as: UTF8.self))
        func keys(_ node: JSONNode, _ shape: FactsShape, _ path: String, _ out: inout [String]) {
            switch shape {
            case let .object(fields):
                let names = Set(fields.map(\.name))
                for member in node.members ?? [] {
                    if !names.contains(member.key) { out.append("\(path).\(member.key)") }
                    if let field = fields.first(where: { $0.name == member.key }) { keys(member.node, field.shape, "\(path).\(member.key)", &out) }
                }
            case let .array(element):
                for child in node.array ?? [] { keys(child, element, path + "[]", &out) }
            default: break
            }
        }
        var unknown: [String] = []
        keys(encoded, FactsSchema.root, "", &unknown)
        #expect(unknown.isEmpty, "model fields missing from the schema: \(unknown)")
        // And the example round-trips through the reader unchanged.
        let again = try FactsReader.read(Array(JSONEncoder().encode(facts)), catalogue: Fixture.catalogue)
        #expect(again == facts)
    }

    @Test("settings files: scoring and check overrides, each bad field named")
    func settings() throws {
        let settings = try EvaluationSettings.read(Array(#"{"checks": {"7.1": {"minimum": 2}}, "scoring": {"passMark": 90, "partialCredit": true, "weights": {"18": 2}}}"#.utf8))
        #expect(settings.scheme == ScoringScheme(passMark: 90, partialCredit: true, weights: [18: 2]))
        #expect(settings.checkOverrides["7.1"] != nil)
        do {
            _ = try EvaluationSettings.read(Array(#"{"scoring": {"passMark": 120, "weights": {"70": 1, "5": -1}, "bonus": 1}, "x": 1}"#.utf8))
            Issue.record("bad settings were accepted")
        } catch {
            #expect(Set(error.problems.map(\.path)) == ["scoring.passMark", "scoring.weights.70", "scoring.weights.5", "scoring.bonus", "x"])
        }
    }
}

@Suite("JSON and dates")
struct JSONAndDateTests {
    @Test("JSON strings, escapes, surrogate pairs and numbers")
    func json() throws {
        let node = try JSONParser.parse(#"{"a": "村\n\"务\" \u00e9 \ud83d\ude00", "n": -12.50e+1, "b": [true, false, null]}"#)
        #expect(node["a"]?.string == "村\n\"务\" é 😀")
        #expect(node["n"]?.number == "-12.50e+1")
        #expect(node["b"]?.array?.count == 3)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("01") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"\\ud83d\"") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("\"a\nb\"") }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(String(repeating: "[", count: 100)) }
        let text = #"{"k":"\"\\\u0001 村"}"#
        #expect(try JSONParser.parse(text).value.serialized == text.replacingOccurrences(of: #"\u0001"#, with: #"\u0001"#))
    }

    @Test("dates: leap years, day numbers both ways, strict parsing")
    func dates() {
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("1900-02-29") == nil)
        #expect(LocalDate("2000-02-29") != nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("1970-01-01")?.dayNumber == 0)
        for n in stride(from: -719_000, through: 2_900_000, by: 997) {
            let date = LocalDate(dayNumber: n)
            #expect(LocalDate(date.description)?.dayNumber == n)
        }
        #expect(LocalDate("2026-03-31")?.adding(days: 1).description == "2026-04-01")
        #expect(LocalDate("2026-12-31")?.quarter == 4)
        #expect(Period.quarter.spans(of: 2024)[0].end.description == "2024-03-31")
        #expect(Period.halfYear.spans(of: 2026)[1].start.description == "2026-07-01")
    }

    @Test("clock times: 00:00 to 24:00 only")
    func clock() {
        #expect(ClockTime("24:00")?.minutes == 1440)
        #expect(ClockTime("24:01") == nil)
        #expect(ClockTime("8:30") == nil)
        #expect(ClockTime("08:60") == nil)
        #expect(ClockTime("08:30")?.description == "08:30")
    }
}

@Suite("Periods and vocabularies")
struct PeriodTests {
    @Test("ended periods agree with the periods' own last days, for every day around two years")
    func endedCount() {
        for year in [2024, 2026] {
            var date = LocalDate.firstDay(of: year).adding(days: -3)
            while date <= LocalDate.lastDay(of: year).adding(days: 3) {
                for period in Period.allCases {
                    let expected = period.spans(of: year).count { $0.end <= date }
                    #expect(period.endedCount(in: year, by: date) == expected, "\(period) \(date)")
                }
                date = date.adding(days: 1)
            }
        }
    }

    @Test("every vocabulary's ordinal is its position in allCases (WordSet relies on it)")
    func ordinals() {
        func check<V: Vocabulary>(_: V.Type) {
            for (index, word) in V.allCases.enumerated() { #expect(word.ordinal == index, "\(V.self).\(word)") }
            #expect(V.allCases.count <= 64)
        }
        for type in allVocabularies { check(type) }
        var set = WordSet<FacilityType>([.library, .clinic, .library])
        #expect(set.count == 2 && set.contains(.clinic) && !set.contains(.fax))
        set.insert(.other)
        #expect(set.contains(.other))
    }
}
