/// The shape of the facts format, version 1: one description that validates input
/// (collecting every problem with its field path and line), fills in defaults, and
/// is published as a JSON Schema (docs/facts.schema.json is generated from it).
public indirect enum FactsShape: Sendable {
    case object([FactsField])
    case array(FactsShape)
    case string(nonEmpty: Bool)
    /// `YYYY-MM-DD`; with `inYear`, the date must fall inside the assessment year.
    case date(inYear: Bool)
    /// `HH:MM`, 00:00 … 24:00.
    case time
    case integer(ClosedRange<Int>)
    case number(minimum: Double, maximum: Double)
    /// Yuan with at most two decimals, as a string ("1200.50") or a number.
    case money
    case boolean
    case word([String])
}

public struct FactsField: Sendable {
    public var name: String
    public var shape: FactsShape
    public var required: Bool
    public var defaultValue: JSONValue?
    public var summary: String

    static func required(_ name: String, _ shape: FactsShape, _ summary: String) -> FactsField {
        FactsField(name: name, shape: shape, required: true, defaultValue: nil, summary: summary)
    }

    static func optional(_ name: String, _ shape: FactsShape, _ summary: String, default value: JSONValue? = nil) -> FactsField {
        FactsField(name: name, shape: shape, required: false, defaultValue: value, summary: summary)
    }
}

/// One problem in a facts file: where it is and what is wrong, in Chinese.
public struct FactsProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var position: JSONPosition?
    public var message: String

    public var description: String {
        let place = position.map { "第\($0.line)行第\($0.column)列 " } ?? ""
        return "\(place)\(path.isEmpty ? "(文件)" : path)：\(message)"
    }
}

/// A facts file that cannot be evaluated, with every problem found.
public struct FactsError: Error, Sendable, Equatable {
    public var problems: [FactsProblem]
}

public enum FactsSchema {
    private static let empty = JSONValue.array([])
    private static let no = JSONValue.bool(false)
    private static let largeCount = 0...10_000_000

    private static func words<V: Vocabulary>(_ type: V.Type) -> FactsShape { .word(V.words) }
    private static func list(_ fields: [FactsField]) -> FactsShape { .array(.object(fields)) }

    public static let root: FactsShape = .object([
        .required("factsVersion", .integer(1...1), "事实格式版本，目前为1"),
        .optional("standard", .string(nonEmpty: true), "标准版本", default: .string(Catalogue.defaultVersion)),
        .required("year", .integer(2000...2100), "评估年度"),
        .optional("asOf", .date(inYear: false), "评估截止日（含当日）；缺省为命令行 --as-of，再缺省为年度最后一天"),
        .required("village", .object([
            .required("name", .string(nonEmpty: true), "村（社区）名称"),
            .optional("code", .string(nonEmpty: true), "12位统计用区划代码"),
            .required("households", .integer(largeCount), "实有户数"),
            .optional("residentPopulation", .integer(largeCount), "常住人口", default: .number("0")),
            .optional("busyFinances", .boolean, "集体财务往来较多：财务每月公开（第5条，《村民委员会组织法》第三十条）", default: no),
        ]), "村（社区）基本情况"),
        .optional("organizations", .object([
            .optional("partyOrganization", .boolean, "已设立社区（村）党组织", default: no),
            .optional("villageCommittee", .boolean, "已设立村（居）民委员会", default: no),
            .optional("serviceStation", .boolean, "已设立社区服务站", default: no),
            .optional("supervisionCommittee", .boolean, "已建立村务监督委员会", default: no),
            .optional("deliberationBody", .object([
                .required("residentUnitMembers", .integer(largeCount), "参加的驻区单位数"),
                .required("socialOrganizationMembers", .integer(largeCount), "参加的社区社会组织数"),
            ]), "议事协商机构；未建立则省略"),
        ]), "村级组织", default: .object([])),
        .optional("station", .object([
            .optional("floorArea", .number(minimum: 0, maximum: 1_000_000), "服务站面积（平方米）", default: .number("0")),
            .optional("openingHours", list([
                .required("weekday", .integer(1...7), "星期几，1为星期一，7为星期日"),
                .required("from", .time, "开始时间 HH:MM"),
                .required("to", .time, "结束时间 HH:MM，晚于开始时间"),
            ]), "每周开放时间表", default: empty),
            .optional("utilities", .array(words(Utility.self)), "具备的使用功能", default: empty),
            .optional("hotline", .string(nonEmpty: true), "便民服务热线号码"),
            .optional("channels", .array(words(ServiceChannel.self)), "信息服务手段", default: empty),
            .optional("linkedTo96156", .boolean, "已与96156平台联网对接", default: no),
        ]), "社区服务站", default: .object([])),
        .optional("meetings", list([
            .required("kind", words(MeetingKind.self), "会议类型"),
            .required("date", .date(inYear: true), "召开日期"),
            .optional("majorDecision", .boolean, "作出了涉及村民利益的重大事项决定（第5条：决定后及时公开）", default: no),
        ]), "本年度会议", default: empty),
        .optional("disclosures", list([
            .required("category", words(DisclosureCategory.self), "公开类别"),
            .required("publishedOn", .date(inYear: true), "公开日期"),
        ]), "本年度村务公开", default: empty),
        .optional("socialOrganizations", list([
            .required("name", .string(nonEmpty: true), "名称"),
            .required("type", words(SocialOrganizationType.self), "类型"),
            .required("status", words(RegistrationStatus.self), "登记备案状态"),
            .optional("registeredOn", .date(inYear: false), "登记或备案日期"),
            .optional("dissolvedOn", .date(inYear: false), "注销或撤销日期"),
            .optional("lastEvaluatedOn", .date(inYear: false), "最近一次服务评价日期"),
            .optional("activityDates", .array(.date(inYear: true)), "本年度开展活动（慈善、捐助、救助等为群众服务的活动）的日期", default: empty),
        ]), "社区社会组织", default: empty),
        .optional("residentUnits", list([
            .required("name", .string(nonEmpty: true), "驻区单位名称"),
            .optional("agreements", list([
                .required("kind", words(AgreementKind.self), "协议类型"),
                .required("from", .date(inYear: false), "生效日期"),
                .optional("to", .date(inYear: false), "终止日期（含）；长期有效则省略"),
            ]), "协议", default: empty),
            .optional("contributions", list([
                .required("kind", words(ContributionKind.self), "投入方式"),
                .required("date", .date(inYear: true), "投入日期"),
            ]), "本年度投入", default: empty),
        ]), "驻区单位", default: empty),
        .optional("volunteerTeams", list([
            .required("name", .string(nonEmpty: true), "队伍名称"),
            .optional("brand", .string(nonEmpty: true), "服务品牌"),
        ]), "志愿者队伍", default: empty),
        .optional("volunteers", list([
            .optional("registered96156", .boolean, "已在96156注册", default: no),
            .optional("fiveElders", .boolean, "属“五老”", default: no),
            .optional("trained", .boolean, "已接受培训", default: no),
            .optional("hours", .number(minimum: 0, maximum: 8784), "本年度服务时长（小时）", default: .number("0")),
        ]), "志愿者", default: empty),
        .optional("volunteerActivities", list([
            .required("date", .date(inYear: true), "活动日期"),
            .optional("categories", .array(words(VolunteerCategory.self)), "服务类别", default: empty),
            .optional("targetGroups", .array(words(TargetGroup.self)), "服务对象", default: empty),
        ]), "本年度志愿服务活动", default: empty),
        .optional("facilities", list([
            .required("type", words(FacilityType.self), "设施类型"),
            .optional("condition", words(FacilityCondition.self), "状况", default: .string(FacilityCondition.good.rawValue)),
            .optional("inspectedOn", .date(inYear: false), "最近检查日期"),
            .optional("nextMaintenanceOn", .date(inYear: false), "计划下次维护日期；无维护计划则省略"),
            .optional("lastMaintainedOn", .date(inYear: false), "最近一次维护的日期；在计划日期当天或之后维护过，即按计划维护，不算逾期"),
        ]), "设施和办公设备", default: empty),
        .optional("infrastructure", list([
            .required("kind", words(InfrastructureKind.self), "工程或设施类别"),
            .required("status", words(WorksStatus.self), "状态"),
            .optional("upkeepArranged", .boolean, "已落实长效管护", default: no),
        ]), "基础设施整治工程和管护", default: empty),
        .optional("funds", list([
            .required("kind", words(FundKind.self), "经费类别"),
            .required("planned", .money, "计划金额（元）"),
            .required("plannedOn", .date(inYear: true), "计划拨付日期"),
            .optional("disbursements", list([
                .required("amount", .money, "拨付金额（元）"),
                .required("date", .date(inYear: false), "拨付日期"),
                .optional("disclosed", .boolean, "已纳入村务公开", default: no),
            ]), "实际拨付", default: empty),
        ]), "本年度经费预算和拨付", default: empty),
        .optional("activities", list([
            .required("kind", words(ActivityKind.self), "活动类别"),
            .required("date", .date(inYear: true), "活动日期"),
        ]), "本年度文化体育和宣传教育活动", default: empty),
        .optional("artTeams", list([
            .required("name", .string(nonEmpty: true), "文艺团队名称"),
        ]), "群众性文艺团队", default: empty),
        .optional("workers", list([
            .required("name", .string(nonEmpty: true), "姓名"),
            .required("roles", list([
                .required("role", words(WorkerRole.self), "岗位角色"),
                .required("from", .date(inYear: false), "起始日期"),
                .optional("to", .date(inYear: false), "终止日期（含）；在岗则省略"),
            ]), "任职经历"),
            .optional("trainingHours", .number(minimum: 0, maximum: 8784), "本年度培训学时", default: .number("0")),
            .optional("qualification", words(SocialWorkQualification.self), "社会工作资格", default: .string(SocialWorkQualification.none.rawValue)),
            .optional("lastEvaluatedOn", .date(inYear: false), "最近一次民主评议日期"),
            .optional("payInPlace", .boolean, "工资补贴、福利待遇已落实", default: no),
            .optional("underStationManagement", .boolean, "（协管员）已纳入服务站规范化管理", default: no),
        ]), "社区工作者", default: empty),
        .optional("posts", list([
            .required("name", .string(nonEmpty: true), "岗位名称"),
            .required("kind", words(PostKind.self), "岗位类别"),
            .optional("townshipDepartment", .string(nonEmpty: true), "对应的乡镇科室或站所"),
            .optional("holderA", .string(nonEmpty: true), "A岗人员"),
            .optional("holderB", .string(nonEmpty: true), "B岗人员"),
        ]), "服务站岗位", default: empty),
        .optional("services", list([
            .required("name", .string(nonEmpty: true), "服务事项名称"),
            .required("field", words(ServiceField.self), "服务领域"),
            .optional("publicGuide", .boolean, "已公示办事指南", default: no),
        ]), "服务事项目录", default: empty),
        .optional("serviceRequests", .object([
            .optional("received", .integer(largeCount), "本年度受理服务事项数", default: .number("0")),
            .optional("dueByAsOf", .integer(largeCount), "截止日前到期的事项数", default: .number("0")),
            .optional("completedOnTime", .integer(largeCount), "其中按时办结数", default: .number("0")),
            .optional("withFirstInquiryOwner", .integer(largeCount), "记录了首问责任人的事项数", default: .number("0")),
            .optional("withFullHistory", .integer(largeCount), "办理全过程有台账记录的事项数", default: .number("0")),
            .optional("ledgerIntact", .boolean, "台账哈希链校验完整", default: .bool(true)),
        ]), "服务事项办理台账汇总", default: .object([])),
        .optional("complaints", list([
            .required("receivedOn", .date(inYear: true), "投诉受理日期"),
            .optional("resolvedOn", .date(inYear: false), "办结日期；未办结则省略"),
        ]), "本年度投诉", default: empty),
        .optional("reviews", list([
            .required("check", .string(nonEmpty: true), "检查项编号，如“7.2”"),
            .required("decision", words(ReviewDecision.self), "审核结论"),
            .optional("note", .string(nonEmpty: false), "审核意见；退回时说明原因"),
        ]), "佐证材料审核结论（仅限本村的佐证类检查项）", default: empty),
        .optional("otherLevelResults", list([
            .required("check", .string(nonEmpty: true), "乡镇或区县层级检查项编号，如“6.1”"),
            .required("status", words(OtherLevelStatus.self), "评定结果"),
            .optional("note", .string(nonEmpty: false), "说明"),
        ]), "乡镇和区县层级检查项的评定结果", default: empty),
    ])

    /// Validates `node` against the shape; returns the tree with defaults filled in.
    static func validate(_ node: JSONNode, year: Int?) -> (JSONValue, [FactsProblem]) {
        var problems: [FactsProblem] = []
        let value = check(node, root, path: "", year: year, problems: &problems)
        return (value, problems)
    }

    private static func check(_ node: JSONNode, _ shape: FactsShape, path: String, year: Int?, problems: inout [FactsProblem]) -> JSONValue {
        func problem(_ message: String) {
            problems.append(FactsProblem(path: path, position: node.position, message: message))
        }
        switch shape {
        case let .object(fields):
            guard let members = node.members else {
                problem("应为对象，实际为\(node.value.typeName)")
                return node.value
            }
            let known = Set(fields.map(\.name))
            for member in members where !known.contains(member.key) {
                problems.append(FactsProblem(path: join(path, member.key), position: member.node.position,
                                             message: "未知字段“\(member.key)”"))
            }
            var out: [(key: String, node: JSONNode)] = []
            for field in fields {
                let childPath = join(path, field.name)
                if let child = node[field.name], child.value != .null {
                    out.append((field.name, JSONNode(check(child, field.shape, path: childPath, year: year, problems: &problems), at: child.position)))
                } else if field.required {
                    problem("缺少必填字段“\(field.name)”")
                } else if let value = field.defaultValue {
                    // Validate the default too, so an omitted object gets its own fields' defaults.
                    out.append((field.name, JSONNode(check(JSONNode(value, at: node.position), field.shape, path: childPath, year: year, problems: &problems))))
                }
            }
            return .object(out)
        case let .array(element):
            guard let elements = node.array else {
                problem("应为数组，实际为\(node.value.typeName)")
                return node.value
            }
            return .array(elements.enumerated().map { index, child in
                JSONNode(check(child, element, path: "\(path)[\(index)]", year: year, problems: &problems), at: child.position)
            })
        case let .string(nonEmpty):
            guard let s = node.string else { problem("应为字符串，实际为\(node.value.typeName)"); return node.value }
            if nonEmpty && s.allSatisfy(\.isWhitespace) { problem("不能为空") }
        case let .date(inYear):
            guard let s = node.string else { problem("应为日期字符串“YYYY-MM-DD”，实际为\(node.value.typeName)"); return node.value }
            guard let date = LocalDate(s) else { problem("“\(s)”不是有效日期，应为“YYYY-MM-DD”"); return node.value }
            if inYear, let year, date.year != year { problem("日期\(s)不在评估年度\(year)年内") }
        case .time:
            guard let s = node.string else { problem("应为时间字符串“HH:MM”，实际为\(node.value.typeName)"); return node.value }
            if ClockTime(s) == nil { problem("“\(s)”不是有效时间，应为“HH:MM”（00:00至24:00）") }
        case let .integer(range):
            guard let n = node.number else { problem("应为整数，实际为\(node.value.typeName)"); return node.value }
            guard let i = Int(n) else { problem("应为整数，实际为\(n)"); return node.value }
            if i < range.lowerBound { problem(range.lowerBound == 0 ? "不能为负数（\(i)）" : "不能小于\(range.lowerBound)（实际为\(i)）") }
            if i > range.upperBound { problem("不能大于\(range.upperBound)（实际为\(i)）") }
        case let .number(minimum, maximum):
            guard let n = node.number else { problem("应为数字，实际为\(node.value.typeName)"); return node.value }
            guard let d = Double(n), d.isFinite else { problem("无效的数字\(n)"); return node.value }
            if d < minimum { problem(minimum == 0 ? "不能为负数（\(n)）" : "不能小于\(format(minimum))（实际为\(n)）") }
            if d > maximum { problem("不能大于\(format(maximum))（实际为\(n)）") }
        case .money:
            let text: String
            switch node.value {
            case let .string(s): text = s
            case let .number(n): text = n
            default: problem("应为金额（如“1200.50”），实际为\(node.value.typeName)"); return node.value
            }
            if text.hasPrefix("-") { problem("金额不能为负数（\(text)）"); return node.value }
            guard Money(text) != nil else { problem("“\(text)”不是有效金额，应为元，最多两位小数"); return node.value }
            return .string(text)
        case .boolean:
            if node.bool == nil { problem("应为true或false，实际为\(node.value.typeName)") }
        case let .word(words):
            guard let s = node.string else { problem("应为字符串，实际为\(node.value.typeName)"); return node.value }
            if !words.contains(s) { problem("“\(s)”不是可用的取值；可用取值：\(words.joined(separator: ", "))") }
        }
        return node.value
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// The JSON Schema (draft 2020-12) of the facts format, as pretty-printed text.
    public static func jsonSchema() -> String {
        var body = schema(root)
        body.insert(("$schema", .string("https://json-schema.org/draft/2020-12/schema")), at: 0)
        body.insert(("$id", .string("https://cunwu.example/schemas/facts-v1.json")), at: 1)
        body.insert(("title", .string("Cunwu village facts, version 1")), at: 2)
        return pretty(.object(body.map { ($0.0, JSONNode($0.1)) }), indent: 0) + "\n"
    }

    private static func schema(_ shape: FactsShape) -> [(String, JSONValue)] {
        func obj(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(pairs.map { ($0.0, JSONNode($0.1)) }) }
        switch shape {
        case let .object(fields):
            var properties: [(String, JSONValue)] = []
            for field in fields {
                var p = schema(field.shape)
                p.append(("description", .string(field.summary)))
                if let d = field.defaultValue { p.append(("default", d)) }
                properties.append((field.name, obj(p)))
            }
            var out: [(String, JSONValue)] = [("type", .string("object")), ("properties", obj(properties))]
            let required = fields.filter(\.required).map { JSONNode(.string($0.name)) }
            if !required.isEmpty { out.append(("required", .array(required))) }
            out.append(("additionalProperties", .bool(false)))
            return out
        case let .array(element):
            return [("type", .string("array")), ("items", obj(schema(element)))]
        case let .string(nonEmpty):
            return nonEmpty ? [("type", .string("string")), ("minLength", .number("1"))] : [("type", .string("string"))]
        case .date:
            return [("type", .string("string")), ("format", .string("date")), ("pattern", .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
        case .time:
            return [("type", .string("string")), ("pattern", .string("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
        case let .integer(range):
            return [("type", .string("integer")), ("minimum", .number(String(range.lowerBound))), ("maximum", .number(String(range.upperBound)))]
        case let .number(minimum, maximum):
            return [("type", .string("number")), ("minimum", .number(format(minimum))), ("maximum", .number(format(maximum)))]
        case .money:
            return [("type", .array([JSONNode(.string("string")), JSONNode(.string("number"))])),
                    ("pattern", .string("^[0-9]{1,13}(\\.[0-9]{1,2})?$")), ("minimum", .number("0"))]
        case .boolean:
            return [("type", .string("boolean"))]
        case let .word(words):
            return [("type", .string("string")), ("enum", .array(words.map { JSONNode(.string($0)) }))]
        }
    }

    /// Pretty JSON with two-space indentation, arrays of scalars on one line.
    static func pretty(_ value: JSONValue, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch value {
        case let .object(members):
            if members.isEmpty { return "{}" }
            let inner = members.map { m -> String in
                var key = ""
                JSONValue.writeString(m.key, to: &key)
                return pad + key + ": " + pretty(m.node.value, indent: indent + 1)
            }
            return "{\n" + inner.joined(separator: ",\n") + "\n" + end + "}"
        case let .array(elements):
            if elements.allSatisfy({ if case .object = $0.value { return false }; if case .array = $0.value { return false }; return true }) {
                return "[" + elements.map { $0.value.serialized }.joined(separator: ", ") + "]"
            }
            return "[\n" + elements.map { pad + pretty($0.value, indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
        default:
            return value.serialized
        }
    }
}
