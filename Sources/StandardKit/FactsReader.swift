import Foundation

/// Reads a facts file: syntax, shape, then meaning, reporting every problem found
/// with its field path and line, and returning facts only when there are none.
public enum FactsReader {
    public static func read(_ bytes: [UInt8], catalogue: Catalogue) throws(FactsError) -> VillageFacts {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw FactsError(problems: [FactsProblem(path: "", position: error.position, message: "不是有效的JSON：\(error.message)")])
        }
        let year = root["year"]?.number.flatMap { Int($0) }
        let (filled, shapeProblems) = FactsSchema.validate(root, year: year)
        if !shapeProblems.isEmpty {
            // Every problem in one pass: leave out the list entries (or fields) the shape check
            // refused, and check the meaning of what is left.
            var problems = shapeProblems
            // Leaving entries out copies the tree once per entry, so a file with very many shape
            // problems is reported by its shape alone (the first fixes show the rest).
            guard shapeProblems.count <= maximumRepairs else { throw FactsError(problems: inFileOrder(problems)) }
            // The entries to leave out, each once, the later of a list first so earlier indices hold.
            let targets = Set(shapeProblems.map { target(of: $0.path) }).sorted { a, b in
                a.lexicographicallyPrecedes(b) { x, y in
                    switch (x, y) {
                    case let (.index(i), .index(j)): return i > j
                    case let (.key(i), .key(j)): return i < j
                    case (.key, .index): return true
                    case (.index, .key): return false
                    }
                }
            }
            let repaired = targets.reduce(root) { node, steps in dropping(steps, from: node) }
            let (refilled, again) = FactsSchema.validate(repaired, year: year)
            if again.isEmpty, let partial = try? JSONDecoder().decode(VillageFacts.self, from: Data(refilled.serialized.utf8)) {
                // Their paths name entries of what was left: put each back at its place in the file.
                var removed: [String: [Int]] = [:]
                for steps in targets {
                    guard case let .index(index)? = steps.last else { continue }
                    removed[render(steps.dropLast()), default: []].append(index)
                }
                problems += meaning(partial, root: root, catalogue: catalogue, path: { original(of: $0, removed: removed) })
            }
            throw FactsError(problems: inFileOrder(problems))
        }

        let facts: VillageFacts
        do {
            facts = try JSONDecoder().decode(VillageFacts.self, from: Data(filled.serialized.utf8))
        } catch {
            // The shape check above admits only decodable input; reaching here is a bug in the schema.
            throw FactsError(problems: [FactsProblem(path: "", position: nil, message: "内部错误：事实格式与解码不一致（\(error)）")])
        }
        let problems = meaning(facts, root: root, catalogue: catalogue)
        if !problems.isEmpty { throw FactsError(problems: inFileOrder(problems)) }
        return facts
    }

    /// What is wrong with well-formed facts: dates out of order, counts that cannot be, checks
    /// that do not exist or take no decision.
    static func meaning(_ facts: VillageFacts, root: JSONNode, catalogue: Catalogue, path place: (String) -> String = { $0 }) -> [FactsProblem] {
        var problems: [FactsProblem] = []
        func problem(_ partialPath: String, _ message: String) {
            let path = place(partialPath)
            // A missing field is placed at its nearest enclosing value.
            var at = path
            var node = root.node(atPath: at)
            while node == nil, let cut = at.lastIndex(where: { $0 == "." || $0 == "[" }) {
                at = String(at[..<cut])
                node = root.node(atPath: at)
            }
            problems.append(FactsProblem(path: path, position: (node ?? root).position, message: message))
        }
        if facts.standard != catalogue.version {
            problem("standard", "事实文件的标准版本“\(facts.standard)”与评估所用版本“\(catalogue.version)”不一致")
        }
        if let asOf = facts.asOf, asOf < LocalDate.firstDay(of: facts.year) {
            problem("asOf", "评估截止日\(asOf)早于评估年度\(facts.year)年")
        }
        if let code = facts.village.code, !(code.count == 12 && code.allSatisfy { $0.isASCII && $0.isNumber }) {
            problem("village.code", "统计用区划代码应为12位数字")
        }
        for (i, interval) in facts.station.openingHours.enumerated() where interval.to <= interval.from {
            problem("station.openingHours[\(i)].to", "结束时间\(interval.to)应晚于开始时间\(interval.from)")
        }
        for (i, org) in facts.socialOrganizations.enumerated() {
            if let from = org.registeredOn, let to = org.dissolvedOn, to < from {
                problem("socialOrganizations[\(i)].dissolvedOn", "注销日期\(to)早于登记日期\(from)")
            }
        }
        for (i, unit) in facts.residentUnits.enumerated() {
            for (j, agreement) in unit.agreements.enumerated() {
                if let to = agreement.to, to < agreement.from {
                    problem("residentUnits[\(i)].agreements[\(j)].to", "终止日期\(to)早于生效日期\(agreement.from)")
                }
            }
        }
        for (i, worker) in facts.workers.enumerated() {
            for (j, period) in worker.roles.enumerated() {
                if let to = period.to, to < period.from {
                    problem("workers[\(i)].roles[\(j)].to", "终止日期\(to)早于起始日期\(period.from)")
                }
            }
        }
        for (i, complaint) in facts.complaints.enumerated() {
            if let resolved = complaint.resolvedOn, resolved < complaint.receivedOn {
                problem("complaints[\(i)].resolvedOn", "办结日期\(resolved)早于受理日期\(complaint.receivedOn)")
            }
        }
        let r = facts.serviceRequests
        for (field, value) in [("dueByAsOf", r.dueByAsOf), ("withFirstInquiryOwner", r.withFirstInquiryOwner), ("withFullHistory", r.withFullHistory)]
        where value > r.received {
            problem("serviceRequests.\(field)", "\(value)不能大于受理总数received（\(r.received)）")
        }
        if r.completedOnTime > r.dueByAsOf {
            problem("serviceRequests.completedOnTime", "\(r.completedOnTime)不能大于到期事项数dueByAsOf（\(r.dueByAsOf)）")
        }
        var reviewed = Set<String>()
        for (i, review) in facts.reviews.enumerated() {
            let path = "reviews[\(i)].check"
            guard let check = catalogue.check(review.check) else { problem(path, "没有编号为“\(review.check)”的检查项"); continue }
            if check.kind != .evidenced || check.level != .village {
                problem(path, "检查项\(check.id)不是本村的佐证审核类检查项")
            }
            if !reviewed.insert(review.check).inserted { problem(path, "检查项\(review.check)的审核结论重复") }
            if review.decision == .returned, (review.note ?? "").allSatisfy(\.isWhitespace) {
                problem("reviews[\(i)].note", "退回必须说明原因")
            }
        }
        var assessed = Set<String>()
        for (i, result) in facts.otherLevelResults.enumerated() {
            let path = "otherLevelResults[\(i)].check"
            guard let check = catalogue.check(result.check) else { problem(path, "没有编号为“\(result.check)”的检查项"); continue }
            if check.level == .village { problem(path, "检查项\(check.id)由本村评定，不属于乡镇或区县层级") }
            else if check.kind == .measured { problem(path, "检查项\(check.id)按本村记录计算，不接受评定结果") }
            if !assessed.insert(result.check).inserted { problem(path, "检查项\(result.check)的评定结果重复") }
        }
        return problems
    }

    /// The most shape problems whose entries are left out to check the rest's meaning.
    static let maximumRepairs = 200

    enum Step: Hashable { case key(String), index(Int) }

    static func steps(_ path: String) -> [Step] {
        var steps: [Step] = []
        var name = ""
        var chars = Substring(path)
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "." {
                if !name.isEmpty { steps.append(.key(name)); name = "" }
            } else if c == "[" {
                if !name.isEmpty { steps.append(.key(name)); name = "" }
                let digits = chars.prefix { $0 != "]" }
                chars = chars.dropFirst(digits.count + 1)
                if let n = Int(digits) { steps.append(.index(n)) }
            } else {
                name.append(c)
            }
        }
        if !name.isEmpty { steps.append(.key(name)) }
        return steps
    }

    static func render<S: Sequence<Step>>(_ steps: S) -> String {
        steps.reduce(into: "") { out, step in
            switch step {
            case let .key(key): out += out.isEmpty ? key : "." + key
            case let .index(index): out += "[\(index)]"
            }
        }
    }

    /// What a shape problem at `path` leaves out: the innermost list entry on it, else the field.
    static func target(of path: String) -> [Step] {
        let all = steps(path)
        guard let last = all.lastIndex(where: { if case .index = $0 { return true } else { return false } }) else { return all }
        return Array(all[...last])
    }

    /// `node` without what `steps` name.
    static func dropping(_ steps: [Step], from node: JSONNode) -> JSONNode {
        func drop(_ node: JSONNode, _ rest: ArraySlice<Step>) -> JSONNode? {
            guard let step = rest.first else { return nil }
            var copy = node
            switch (step, node.value) {
            case let (.key(key), .object(members)):
                copy.value = .object(members.compactMap { member in
                    guard member.key == key else { return member }
                    return drop(member.node, rest.dropFirst()).map { (key: member.key, node: $0) }
                })
            case let (.index(index), .array(elements)) where elements.indices.contains(index):
                var kept = elements
                if let changed = drop(elements[index], rest.dropFirst()) { kept[index] = changed } else { kept.remove(at: index) }
                copy.value = .array(kept)
            default:
                return node
            }
            return copy
        }
        return steps.isEmpty ? node : drop(node, steps[...]) ?? node
    }

    /// A path in what was left after `removed` entries (by list path, indices in the file) were
    /// left out, as the path in the file.
    static func original(of path: String, removed: [String: [Int]]) -> String {
        var out: [Step] = []
        for step in steps(path) {
            if case let .index(index) = step, let gone = removed[render(out)]?.sorted() {
                var at = index
                for r in gone where r <= at { at += 1 }
                out.append(.index(at))
            } else {
                out.append(step)
            }
        }
        return render(out)
    }

    /// Problems sorted by where they are in the file (stable for the same place).
    static func inFileOrder(_ problems: [FactsProblem]) -> [FactsProblem] {
        problems.enumerated().sorted { a, b in
            let pa = a.element.position ?? JSONPosition(line: 0, column: 0), pb = b.element.position ?? JSONPosition(line: 0, column: 0)
            return (pa.line, pa.column, a.offset) < (pb.line, pb.column, b.offset)
        }.map(\.element)
    }
}

/// Rule settings and the scoring scheme, read from a settings file:
/// `{"checks": {"7.1": {"minimum": 2}}, "scoring": {"passMark": 80, "partialCredit": false, "weights": {"18": 2}}}`.
public struct EvaluationSettings: Sendable {
    public var checkOverrides: [String: JSONNode] = [:]
    public var scheme = ScoringScheme()
    public init() {}

    public static func read(_ bytes: [UInt8]) throws(FactsError) -> EvaluationSettings {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw FactsError(problems: [FactsProblem(path: "", position: error.position, message: "不是有效的JSON：\(error.message)")])
        }
        var settings = EvaluationSettings()
        var problems: [FactsProblem] = []
        func problem(_ node: JSONNode, _ path: String, _ message: String) {
            problems.append(FactsProblem(path: path, position: node.position, message: message))
        }
        guard let members = root.members else { throw FactsError(problems: [FactsProblem(path: "", position: root.position, message: "应为对象")]) }
        for member in members {
            switch member.key {
            case "checks":
                guard let checks = member.node.members else { problem(member.node, "checks", "应为对象"); continue }
                for check in checks { settings.checkOverrides[check.key] = check.node }
            case "scoring":
                guard let scoring = member.node.members else { problem(member.node, "scoring", "应为对象"); continue }
                for field in scoring {
                    let path = "scoring.\(field.key)"
                    switch field.key {
                    case "passMark":
                        guard let value = field.node.number.flatMap(Double.init), (0...100).contains(value) else {
                            problem(field.node, path, "应为0到100之间的数字"); continue
                        }
                        settings.scheme.passMark = value
                    case "partialCredit":
                        guard let value = field.node.bool else { problem(field.node, path, "应为true或false"); continue }
                        settings.scheme.partialCredit = value
                    case "weights":
                        guard let weights = field.node.members else { problem(field.node, path, "应为对象，如{\"18\": 2}"); continue }
                        for weight in weights {
                            guard let item = Int(weight.key), (1...62).contains(item) else {
                                problem(weight.node, "\(path).\(weight.key)", "应为指导标准编号1至62"); continue
                            }
                            guard let value = weight.node.number.flatMap(Double.init), value >= 0, value.isFinite else {
                                problem(weight.node, "\(path).\(weight.key)", "权重应为不小于0的数字"); continue
                            }
                            settings.scheme.weights[item] = value
                        }
                    default:
                        problem(field.node, path, "未知字段“\(field.key)”；可用字段：passMark, partialCredit, weights")
                    }
                }
            default:
                problem(member.node, member.key, "未知字段“\(member.key)”；可用字段：checks, scoring")
            }
        }
        if !problems.isEmpty { throw FactsError(problems: problems) }
        return settings
    }
}

extension JSONNode {
    /// The node at a path such as `workers[2].roles[0].to`.
    func node(atPath path: String) -> JSONNode? {
        var node: JSONNode? = self
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"),
                  let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indexes.insert(i, at: 0)
                name = name[..<open]
            }
            node = node?[String(name)]
            for i in indexes {
                guard let elements = node?.array, elements.indices.contains(i) else { return nil }
                node = elements[i]
            }
        }
        return node
    }
}
