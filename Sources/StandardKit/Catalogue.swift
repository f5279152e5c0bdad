import Foundation

/// Who a check binds: the village itself, or the township or district government,
/// whose checks are assessed once for that unit and only shown on a village's sheet.
public enum Level: String, Sendable, Codable, CaseIterable {
    case village, township, district
    public var label: String {
        switch self {
        case .village: return say(.levelVillage)
        case .township: return say(.levelTownship)
        case .district: return say(.levelDistrict)
        }
    }
}

public enum CheckKind: String, Sendable, Codable, CaseIterable {
    /// Computed from the village's records.
    case measured
    /// A reviewer accepts evidence.
    case evidenced
    public var label: String { self == .measured ? say(.checkKindMeasured) : say(.checkKindEvidenced) }
}

/// Immutable and shared: a class so walking the catalogue copies no fields.
public final class Check: Sendable {
    /// "7.1": item number, then the check's place in the item.
    public let id: String
    public let item: Int
    public let kind: CheckKind
    public let level: Level
    public let titleText: Bilingual
    public var title: String { titleText.text }
    /// What evidence a reviewer expects (evidenced checks).
    public let evidenceText: Bilingual?
    public var evidence: String? { evidenceText?.text }
    /// The rule that computes it (measured checks), with its settings applied, and
    /// the rule's name in the catalogue (docs/standard.md describes each).
    public let rule: Rule?
    public let ruleName: String?
    /// For an evidenced check: records that show it while no reviewer has decided (a
    /// reviewer's decision always wins).
    public let recordsRule: Rule?
    /// How a number not in the standard's text is read (本地解读), with the check's parameters
    /// as configured filled in; shown in every explanation of the check and in docs/standard.md.
    public let readingText: Bilingual?
    public var reading: String? { readingText?.text }
    /// What each explanation of the check ends with: "；本地解读（可设置）：…", made once.
    let readingSuffix: Bilingual?
    /// The rule's parameters as configured, for display (`cunwu standard`).
    public let parameters: [(key: String, node: JSONNode)]

    /// The explanation while no decision is recorded, made once per catalogue.
    let waitingExplanation: Bilingual
    /// The rule's list as text, and its explanation when met where that is fixed, made
    /// once per catalogue in each language.
    let subject: Bilingual
    let metText: Bilingual

    init(id: String, item: Int, kind: CheckKind, level: Level, title: Bilingual, evidence: Bilingual?, rule: Rule?,
         ruleName: String?, parameters: [(key: String, node: JSONNode)], recordsRule: Rule? = nil, reading: Bilingual? = nil) {
        self.ruleName = ruleName
        self.recordsRule = recordsRule
        self.readingText = reading
        self.readingSuffix = reading.map { reading in Bilingual { say(.semicolon) + say(.readingLocal, reading.text) } }
        self.id = id
        self.item = item
        self.kind = kind
        self.level = level
        self.titleText = title
        self.evidenceText = evidence
        self.rule = rule
        self.parameters = parameters
        self.subject = Bilingual { rule?.subject ?? "" }
        self.metText = Bilingual { rule?.fixedMetText ?? "" }
        switch level {
        case .village:
            waitingExplanation = Bilingual { say(.checkAwaitingEvidence, evidence?.text ?? say(.checkEvidence)) }
        case .township, .district:
            waitingExplanation = Bilingual { say(.checkAwaitingOtherLevel, level.label) }
        }
    }
}

public final class Item: Sendable {
    public let number: Int
    public let text: String
    public let checks: [Check]
    public var binds: Set<Level> { Set(checks.map(\.level)) }
    /// A short line naming the item: the start of its official text (only in Chinese),
    /// or in English the title of its first check.
    public var headline: String {
        let start = String(text.prefix(40))
        return Language.current == .en ? checks.first?.titleText.en ?? start : start
    }
    init(number: Int, text: String, checks: [Check]) { self.number = number; self.text = text; self.checks = checks }
}

public final class Goal: Sendable {
    public let number: Int
    public let titleText: Bilingual
    public var title: String { titleText.text }
    public let items: [Item]
    init(number: Int, title: Bilingual, items: [Item]) { self.number = number; self.titleText = title; self.items = items }
    /// （一）…（十八）
    public var numeral: String { "（\(Catalogue.chineseNumeral(number))）" }
}

public final class Area: Sendable {
    public let number: Int
    public let nameText: Bilingual
    public var name: String { nameText.text }
    public let goals: [Goal]
    init(number: Int, name: Bilingual, goals: [Goal]) { self.number = number; self.nameText = name; self.goals = goals }
    public var numeral: String { Catalogue.chineseNumeral(number) }
    /// "一、社区管理体制" or "1. Community governance".
    public var heading: String { say(.areaHeading, Language.current == .en ? String(number) : numeral, nameText.text) }
}

public enum CatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownVersion(String)
    case resourceMissing(String)
    case malformed(String)
    case badSettings(path: String, message: String)

    public var description: String {
        switch self {
        case let .unknownVersion(v): return "未知的标准版本“\(v)”；可用版本：\(Catalogue.versions.joined(separator: ", "))"
        case let .resourceMissing(name): return "找不到标准数据文件\(name)"
        case let .malformed(message): return "标准数据文件有误：\(message)"
        case let .badSettings(path, message): return "设置\(path)：\(message)"
        }
    }
}

/// One version of the standard: areas → goals → items → checks.
public struct Catalogue: Sendable {
    public static let defaultVersion = "beijing-2012-trial"
    public static let versions = [defaultVersion]

    public let version: String
    public let titleText: Bilingual
    public var title: String { titleText.text }
    public let areas: [Area]
    public let items: [Item]
    public let checks: [Check]
    private let checkIndex: [String: Int]

    public var goals: [Goal] { areas.flatMap(\.goals) }

    public func check(_ id: String) -> Check? { checkIndex[id].map { checks[$0] } }
    public func item(_ number: Int) -> Item? { items.first { $0.number == number } }

    /// Loads a bundled version, with optional per-check setting overrides
    /// (`{"7.1": {"minimum": 2}}`), validated against each rule's parameters.
    public static func load(version: String = defaultVersion, overrides: [String: JSONNode] = [:]) throws(CatalogueError) -> Catalogue {
        guard versions.contains(version) else { throw .unknownVersion(version) }
        guard let url = Bundle.module.url(forResource: version, withExtension: "json"),
              let data = try? Data(contentsOf: url) else { throw .resourceMissing("\(version).json") }
        let root: JSONNode
        do { root = try JSONParser.parse(Array(data)) } catch { throw .malformed("\(error.message)（第\(error.position.line)行）") }
        return try Catalogue(root: root, overrides: overrides)
    }

    /// The shipped default catalogue, loaded once.
    public static let standard: Catalogue? = try? load()

    init(root: JSONNode, overrides: [String: JSONNode]) throws(CatalogueError) {
        guard let version = root["version"]?.string, let title = root["title"]?.string, let areaNodes = root["areas"]?.array else {
            throw .malformed("缺少version、title或areas")
        }
        var unused = Set(overrides.keys)
        var areas: [Area] = []
        for areaNode in areaNodes {
            guard let number = areaNode["number"].flatMap({ $0.number.flatMap { Int($0) } }),
                  let name = areaNode["name"]?.string, let goalNodes = areaNode["goals"]?.array else { throw .malformed("项目格式错误") }
            var goals: [Goal] = []
            for goalNode in goalNodes {
                guard let gNumber = goalNode["number"].flatMap({ $0.number.flatMap { Int($0) } }),
                      let gTitle = goalNode["title"]?.string, let itemNodes = goalNode["items"]?.array else { throw .malformed("目标要求格式错误") }
                var items: [Item] = []
                for itemNode in itemNodes {
                    guard let iNumber = itemNode["number"].flatMap({ $0.number.flatMap { Int($0) } }),
                          let text = itemNode["text"]?.string, let checkNodes = itemNode["checks"]?.array else { throw .malformed("指导标准格式错误") }
                    var checks: [Check] = []
                    for checkNode in checkNodes {
                        guard let id = checkNode["id"]?.string,
                              let kind = checkNode["kind"]?.string.flatMap(CheckKind.init(rawValue:)),
                              let level = checkNode["level"]?.string.flatMap(Level.init(rawValue:)),
                              let checkTitle = checkNode["title"]?.string else { throw .malformed("第\(iNumber)条的检查项格式错误") }
                        var rule: Rule?
                        var ruleName: String?
                        var parameters: [(key: String, node: JSONNode)] = []
                        if kind == .measured {
                            guard let name = checkNode["rule"]?.string else { throw .malformed("检查项\(id)缺少rule") }
                            ruleName = name
                            parameters = checkNode["params"]?.members ?? []
                            if let override = overrides[id] {
                                unused.remove(id)
                                guard let changes = override.members else { throw .badSettings(path: id, message: "应为对象") }
                                for change in changes {
                                    guard let at = parameters.firstIndex(where: { $0.key == change.key }) else {
                                        let known = parameters.map(\.key).joined(separator: ", ")
                                        throw .badSettings(path: "\(id).\(change.key)", message: "该检查项没有此参数；可设置的参数：\(known)")
                                    }
                                    parameters[at].node = change.node
                                }
                            }
                            rule = try Rule(name: name, parameters: RuleParameters(checkID: id, members: parameters))
                        } else if overrides[id] != nil {
                            throw .badSettings(path: id, message: "佐证类检查项没有可设置的参数")
                        }
                        var reading: Bilingual?
                        if let zh = checkNode["reading"]?.string {
                            var en: String?
                            if let text = checkNode["readingEn"]?.string { en = try Self.fill(text, parameters, check: id) }
                            reading = Bilingual(zh: try Self.fill(zh, parameters, check: id), en: en)
                        }
                        var recordsRule: Rule?
                        if let records = checkNode["records"] {
                            guard kind == .evidenced, let name = records["rule"]?.string else { throw .malformed("检查项\(id)的records有误") }
                            recordsRule = try Rule(name: name, parameters: RuleParameters(checkID: id, members: records["params"]?.members ?? []))
                        }
                        let evidence = checkNode["evidence"]?.string.map { Bilingual(zh: $0, en: checkNode["evidenceEn"]?.string) }
                        checks.append(Check(id: id, item: iNumber, kind: kind, level: level,
                                            title: Bilingual(zh: checkTitle, en: checkNode["titleEn"]?.string), evidence: evidence, rule: rule, ruleName: ruleName, parameters: parameters,
                                            recordsRule: recordsRule, reading: reading))
                    }
                    guard !checks.isEmpty else { throw .malformed("第\(iNumber)条没有检查项") }
                    items.append(Item(number: iNumber, text: text, checks: checks))
                }
                goals.append(Goal(number: gNumber, title: Bilingual(zh: gTitle, en: goalNode["titleEn"]?.string), items: items))
            }
            areas.append(Area(number: number, name: Bilingual(zh: name, en: areaNode["nameEn"]?.string), goals: goals))
        }
        if let id = unused.sorted().first { throw .badSettings(path: id, message: "没有这个数据测算类检查项") }
        self.version = version
        self.titleText = Bilingual(zh: title, en: root["titleEn"]?.string)
        self.areas = areas
        self.items = areas.flatMap { $0.goals.flatMap(\.items) }
        self.checks = items.flatMap(\.checks)
        var index: [String: Int] = [:]
        for (i, check) in checks.enumerated() {
            guard index.updateValue(i, forKey: check.id) == nil else { throw .malformed("检查项编号\(check.id)重复") }
        }
        self.checkIndex = index
    }

    /// A reading's text with "{name}" replaced by the parameter's value and "{name%}" by it as
    /// a percentage (0.95 → 95%).
    static func fill(_ template: String, _ parameters: [(key: String, node: JSONNode)], check: String) throws(CatalogueError) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            var name = String(rest[rest.index(after: open)..<close])
            let percent = name.hasSuffix("%")
            if percent { name.removeLast() }
            guard let node = parameters.first(where: { $0.key == name })?.node, let text = node.number, let value = Double(text) else {
                throw .malformed("检查项\(check)的reading引用了没有的数值参数\(name)")
            }
            out += percent ? FactsSchema.format((value * 1000).rounded() / 10) + "%" : FactsSchema.format(value)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
    static func chineseNumeral(_ n: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        switch n {
        case 0...9: return digits[n]
        case 10: return "十"
        case 11...19: return "十" + digits[n - 10]
        case 20...99: return digits[n / 10] + "十" + (n % 10 == 0 ? "" : digits[n % 10])
        default: return String(n)
        }
    }
}
