import Foundation
import Testing
@testable import StandardKit

@Suite("The standard as data")
struct CatalogueTests {
    let catalogue = Fixture.catalogue

    @Test("7 areas, 18 goals, 62 items numbered in order")
    func counts() {
        #expect(catalogue.areas.count == 7)
        #expect(catalogue.goals.count == 18)
        #expect(catalogue.items.count == 62)
        #expect(catalogue.items.map(\.number) == Array(1...62))
        #expect(catalogue.goals.map(\.number) == Array(1...18))
        #expect(catalogue.version == "beijing-2012-trial")
    }

    /// Reads the shared text on its own (not through the generator script) and compares.
    @Test("every item's and goal's text matches the shared standard, whitespace aside",
          .enabled(if: Fixture.standardText != nil, "the shared standard text is not beside this checkout"))
    func textsMatchSharedStandard() throws {
        let text = try #require(Fixture.standardText)
        var items: [Int: String] = [:]
        var goals: [String] = []
        let itemPattern = try NSRegularExpression(pattern: #"^(\d+)\s*[\.．]\s*(.*)$"#)
        let goalPattern = try NSRegularExpression(pattern: #"^[（(]([一二三四五六七八九十]+)[）)](.*)$"#)
        for raw in text.components(separatedBy: .newlines) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let range = NSRange(line.startIndex..., in: line)
            if let m = itemPattern.firstMatch(in: line, range: range),
               let n = Range(m.range(at: 1), in: line).flatMap({ Int(line[$0]) }), let body = Range(m.range(at: 2), in: line) {
                items[n] = String(line[body])
            } else if let m = goalPattern.firstMatch(in: line, range: range), let body = Range(m.range(at: 2), in: line) {
                goals.append(String(line[body]))
            }
        }
        func squeeze(_ s: String) -> String { s.filter { !$0.isWhitespace } }
        #expect(items.count == 62, "the shared text should hold 62 items")
        #expect(goals.count == 18, "the shared text should hold 18 goals")
        for item in catalogue.items {
            #expect(squeeze(item.text) == squeeze(items[item.number] ?? ""), "item \(item.number) differs from the shared text")
        }
        for (goal, shared) in zip(catalogue.goals, goals) {
            #expect(squeeze(goal.title) == squeeze(shared), "goal \(goal.number) differs")
        }
        let areaNames = ["社区管理体制", "社区基础设施", "社区服务", "社区文化建设", "社区工作队伍", "社区信息化", "保障机制"]
        #expect(catalogue.areas.map(\.name) == areaNames)
        for name in areaNames {
            // The area names stand one character a line in the shared text.
            #expect(squeeze(text).contains(name) || name.allSatisfy { squeeze(text).contains($0) })
        }
    }

    @Test("every item has checks; ids, kinds and levels are consistent")
    func checksAreWellFormed() {
        for item in catalogue.items {
            #expect(!item.checks.isEmpty, "item \(item.number) has no check")
            for (i, check) in item.checks.enumerated() {
                #expect(check.id == "\(item.number).\(i + 1)")
                #expect(check.item == item.number)
                switch check.kind {
                case .measured:
                    #expect(check.rule != nil, "\(check.id) is measured without a rule")
                case .evidenced:
                    #expect(check.rule == nil)
                    #expect(!(check.evidence ?? "").isEmpty, "\(check.id) names no evidence")
                }
            }
        }
    }

    @Test("items binding the township or district are assessed there, not failed on the village sheet")
    func levels() {
        let upper = Set(catalogue.checks.filter { $0.level != .village }.map(\.item))
        for item in [6, 55, 56, 57, 60] { #expect(upper.contains(item), "item \(item) should bind an upper level") }
        for item in [6, 56, 60] { #expect(catalogue.item(item)?.binds == [.district]) }
        #expect(catalogue.item(55)?.binds == [.district, .township])
    }

    @Test("the rules the issue names are measured checks on the right items")
    func namedMeasuredRules() {
        func rules(_ item: Int) -> [Rule] { catalogue.item(item)?.checks.compactMap(\.rule) ?? [] }
        #expect(rules(18).contains { if case .stationFloorArea(50) = $0 { return true }; return false })
        #expect(rules(7).contains { if case .periodicMeetings([.representativeMeeting], .quarter, 1) = $0 { return true }; return false })
        #expect(rules(11).contains { if case let .registeredSocialOrganizations(types, 3) = $0 { return !types.contains(.youthLeague) && !types.contains(.farmersCooperative) }; return false })
        #expect(rules(28).contains { if case .weeklyOpeningHours(40) = $0 { return true }; return false })
        #expect(rules(33).contains { if case .volunteerTeams(2) = $0 { return true }; return false })
        #expect(rules(45).contains { if case .stationStaffing(300, 2, [.partyBuildingWorker]) = $0 { return true }; return false })
        #expect(rules(45).contains { if case .workersInRole(.partyBuildingWorker, 1) = $0 { return true }; return false })
        #expect(rules(46).contains { if case .collegeGraduateOfficials(2) = $0 { return true }; return false })
        #expect(rules(49).count == 3)
        #expect(rules(21).contains { if case let .requiredFacilities(types) = $0 { return types.count == 9 }; return false })
        #expect(rules(17).contains { if case let .requiredFacilities(types) = $0 { return types == [.computer, .printer, .telephone, .fax, .copier] }; return false })
        #expect(rules(29).contains { if case let .serviceFields(fields) = $0 { return fields.count == 10 }; return false })
        #expect(rules(37).contains { if case let .serviceFields(fields) = $0 { return fields.count == 5 }; return false })
    }

    @Test("every rule the engine knows is used by some check")
    func noDeadRules() throws {
        let data = try Data(contentsOf: Fixture.root.appendingPathComponent("Sources/StandardKit/Resources/beijing-2012-trial.json"))
        let root = try JSONParser.parse(Array(data))
        var used = Set<String>()
        for area in root["areas"]?.array ?? [] {
            for goal in area["goals"]?.array ?? [] {
                for item in goal["items"]?.array ?? [] {
                    for check in item["checks"]?.array ?? [] {
                        if let rule = check["rule"]?.string { used.insert(rule) }
                        if let rule = check["records"]?["rule"]?.string { used.insert(rule) }
                    }
                }
            }
        }
        #expect(used == Set(Rule.names))
    }

    @Test("settings override a rule's parameters and are checked")
    func overrides() throws {
        let two = try Catalogue.load(overrides: ["7.1": JSONParser.parse(#"{"minimum": 2}"#)])
        #expect({ if case .periodicMeetings(_, .quarter, 2) = two.check("7.1")?.rule { return true }; return false }())
        #expect(throws: CatalogueError.self) { try Catalogue.load(overrides: ["7.1": JSONParser.parse(#"{"minimun": 2}"#)]) }
        #expect(throws: CatalogueError.self) { try Catalogue.load(overrides: ["7.1": JSONParser.parse(#"{"minimum": 0}"#)]) }
        #expect(throws: CatalogueError.self) { try Catalogue.load(overrides: ["7.2": JSONParser.parse(#"{"minimum": 1}"#)]) }
        #expect(throws: CatalogueError.self) { try Catalogue.load(overrides: ["99.1": JSONParser.parse(#"{"minimum": 1}"#)]) }
        #expect(throws: CatalogueError.self) { try Catalogue.load(version: "beijing-2099") }
    }

    @Test("catalogue JSON output parses and carries every check")
    func catalogueJSON() throws {
        let json = try JSONParser.parse(Report.catalogueJSON(catalogue))
        let checks = (json["areas"]?.array ?? []).flatMap { $0["goals"]?.array ?? [] }.flatMap { $0["items"]?.array ?? [] }
            .flatMap { $0["checks"]?.array ?? [] }
        #expect(checks.count == catalogue.checks.count)
        let one = try JSONParser.parse(Report.catalogueJSON(catalogue, item: 18))
        #expect(one["areas"]?.array?.count == 1)
        #expect(Report.catalogueText(catalogue, item: 18).contains("面积不低于50平方米"))
    }
}

@Suite("Documentation stays true")
struct DocumentationTests {
    @Test("docs/standard.md carries the generated table of every check")
    func standardTable() throws {
        let doc = try String(contentsOf: Fixture.root.appendingPathComponent("docs/standard.md"), encoding: .utf8)
        let begin = try #require(doc.range(of: "<!-- BEGIN GENERATED TABLE: cunwu standard --format markdown -->\n"))
        let end = try #require(doc.range(of: "<!-- END GENERATED TABLE -->"))
        let table = String(doc[begin.upperBound..<end.lowerBound])
        #expect(table == Report.catalogueMarkdown(Fixture.catalogue), "regenerate the table with: swift run cunwu standard --format markdown")
        for check in Fixture.catalogue.checks { #expect(table.contains("| \(check.id) |")) }
    }
}
