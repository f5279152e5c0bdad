/// Text and JSON renderings of the catalogue and of evaluations, for the command
/// line and the API. JSON keys are stable; text is for people, in Chinese.
public enum Report {
    // MARK: Catalogue

    public static func catalogueText(_ catalogue: Catalogue, item: Int? = nil) -> String {
        var out = item == nil ? "\(catalogue.title)（版本 \(catalogue.version)）\n7个项目、18项目标要求、62条指导标准\n" : ""
        for area in catalogue.areas {
            for goal in area.goals {
                let items = goal.items.filter { item == nil || $0.number == item }
                if items.isEmpty { continue }
                out += "\n\(area.numeral)、\(area.name)  \(goal.numeral)\(goal.title)\n"
                for it in items {
                    out += "\n\(it.number). \(it.text)\n"
                    for check in it.checks {
                        out += "  [\(check.id)] \(check.kind.label)·\(check.level.label)  \(check.title)\n"
                        if let evidence = check.evidence { out += "        佐证材料：\(evidence)\n" }
                        if !check.parameters.isEmpty {
                            out += "        参数：" + check.parameters.map { "\($0.key)=\($0.node.value.serialized)" }.joined(separator: "，") + "\n"
                        }
                        if let reading = check.reading { out += "        本地解读：\(reading)\n" }
                    }
                }
            }
        }
        return out
    }

    public static func catalogueJSON(_ catalogue: Catalogue, item: Int? = nil) -> String {
        var out = "{\"version\":"
        JSONValue.writeString(catalogue.version, to: &out)
        out += ",\"title\":"
        JSONValue.writeString(catalogue.title, to: &out)
        out += ",\"areas\":["
        var firstArea = true
        for area in catalogue.areas {
            let goals = area.goals.filter { g in item == nil || g.items.contains { $0.number == item } }
            if goals.isEmpty { continue }
            if !firstArea { out += "," }
            firstArea = false
            out += "{\"number\":\(area.number),\"name\":"
            JSONValue.writeString(area.name, to: &out)
            out += ",\"goals\":["
            for (gi, goal) in goals.enumerated() {
                if gi > 0 { out += "," }
                out += "{\"number\":\(goal.number),\"title\":"
                JSONValue.writeString(goal.title, to: &out)
                out += ",\"items\":["
                for (ii, it) in goal.items.filter({ item == nil || $0.number == item }).enumerated() {
                    if ii > 0 { out += "," }
                    out += "{\"number\":\(it.number),\"text\":"
                    JSONValue.writeString(it.text, to: &out)
                    out += ",\"checks\":["
                    for (ci, check) in it.checks.enumerated() {
                        if ci > 0 { out += "," }
                        out += "{\"id\":\"\(check.id)\",\"kind\":\"\(check.kind.rawValue)\",\"level\":\"\(check.level.rawValue)\",\"title\":"
                        JSONValue.writeString(check.title, to: &out)
                        if let evidence = check.evidence {
                            out += ",\"evidence\":"
                            JSONValue.writeString(evidence, to: &out)
                        }
                        if !check.parameters.isEmpty {
                            out += ",\"parameters\":" + JSONValue.object(check.parameters).serialized
                        }
                        out += "}"
                    }
                    out += "]}"
                }
                out += "]}"
            }
            out += "]}"
        }
        return out + "]}"
    }

    /// The table of docs/standard.md: every item with its checks, kind, level and settings.
    public static func catalogueMarkdown(_ catalogue: Catalogue) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "| 条 | 检查项 | 类型 | 层级 | 内容 | 规则与参数（可设置） / 佐证材料 |\n|---|---|---|---|---|---|\n"
        for area in catalogue.areas {
            out += "| **\(area.numeral)** | | | | **\(cell(area.name))** | |\n"
            for goal in area.goals {
                out += "| | | | | **\(goal.numeral)\(cell(goal.title))** | |\n"
                for item in goal.items {
                    // The text's own words each check below rests on.
                    out += "| \(item.number) | | | | 原文：“\(cell(item.text))” | |\n"
                    for check in item.checks {
                        let detail: String
                        if check.kind == .measured {
                            let parameters = check.parameters.map { "`\($0.key)=\($0.node.value.serialized)`" }.joined(separator: " ")
                            detail = "`\(check.ruleName ?? "")` \(parameters)"
                                + (check.reading.map { "<br>本地解读：" + cell($0) } ?? "<br>数值和范围均出自原文")
                        } else {
                            detail = cell(check.evidence ?? "") + (check.recordsRule == nil ? "" : "<br>无审核结论时，按本村记录判定")
                        }
                        out += "| | \(check.id) | \(check.kind.label) | \(check.level.label) | \(cell(check.title)) | \(detail) |\n"
                    }
                }
            }
        }
        return out
    }

    // MARK: Evaluation

    public static func evaluationText(_ evaluation: Evaluation, catalogue: Catalogue) -> String {
        let score = evaluation.tally.score.map { RuleContext.number($0) } ?? "—"
        var out = "\(evaluation.village)  \(evaluation.year)年度  评估截止日 \(evaluation.asOf)  标准 \(evaluation.standard)\n"
        out += "得分 \(score)（及格线 \(RuleContext.number(evaluation.passMark))，\(evaluation.passed ? "合格" : "不合格")）  "
        out += tallyText(evaluation.tally) + "\n"
        var index = 0
        for (a, area) in catalogue.areas.enumerated() {
            let areaResult = evaluation.areas[a]
            out += "\n\(area.numeral)、\(area.name)  [\(areaResult.status.label)] \(tallyText(areaResult.tally))\n"
            for goal in area.goals {
                for item in goal.items {
                    let result = evaluation.items[index]
                    index += 1
                    out += "  \(item.number). [\(result.status.label)]\n"
                    for (check, checkResult) in zip(item.checks, result.checks) {
                        out += "     \(check.id) \(checkResult.status.label)  \(check.title)：\(checkResult.explanation)\n"
                    }
                }
            }
        }
        return out
    }

    static func tallyText(_ tally: Tally) -> String {
        "达标\(tally.met) 未达标\(tally.notMet) 待审核\(tally.pending) 不适用\(tally.notApplicable)"
    }

    public static func evaluationJSON(_ evaluation: Evaluation) -> String {
        var out = "{\"standard\":"
        JSONValue.writeString(evaluation.standard, to: &out)
        out += ",\"village\":"
        JSONValue.writeString(evaluation.village, to: &out)
        out += ",\"year\":\(evaluation.year),\"asOf\":\"\(evaluation.asOf)\","
        out += "\"score\":" + (evaluation.tally.score.map { RuleContext.number($0) } ?? "null")
        out += ",\"passMark\":\(RuleContext.number(evaluation.passMark)),\"passed\":\(evaluation.passed),\"tally\":"
        writeTally(evaluation.tally, to: &out)
        out += ",\"areas\":["
        for (i, area) in evaluation.areas.enumerated() {
            if i > 0 { out += "," }
            writeGroup(area, to: &out)
        }
        out += "],\"goals\":["
        for (i, goal) in evaluation.goals.enumerated() {
            if i > 0 { out += "," }
            writeGroup(goal, to: &out)
        }
        out += "],\"items\":["
        for (i, item) in evaluation.items.enumerated() {
            if i > 0 { out += "," }
            out += "{\"number\":\(item.number),\"status\":\"\(item.status.rawValue)\",\"scored\":\(item.scored),"
            out += "\"weight\":\(RuleContext.number(item.weight)),\"earned\":\(RuleContext.number(item.earned)),\"checks\":["
            for (j, check) in item.checks.enumerated() {
                if j > 0 { out += "," }
                out += "{\"id\":\"\(check.id)\",\"status\":\"\(check.status.rawValue)\","
                // Another level's check: its result there, beside the village's notApplicable.
                if let level = check.levelStatus { out += "\"levelStatus\":\"\(level.rawValue)\"," }
                out += "\"explanation\":"
                JSONValue.writeString(check.explanation, to: &out)
                out += "}"
            }
            out += "]}"
        }
        return out + "]}"
    }

    private static func writeTally(_ tally: Tally, to out: inout String) {
        out += "{\"met\":\(tally.met),\"notMet\":\(tally.notMet),\"pending\":\(tally.pending),\"notApplicable\":\(tally.notApplicable),"
        out += "\"earned\":\(RuleContext.number(tally.earned)),\"possible\":\(RuleContext.number(tally.possible)),"
        out += "\"score\":" + (tally.score.map { RuleContext.number($0) } ?? "null") + "}"
    }

    private static func writeGroup(_ group: GroupResult, to out: inout String) {
        out += "{\"number\":\(group.number),\"status\":\"\(group.status.rawValue)\",\"tally\":"
        writeTally(group.tally, to: &out)
        out += "}"
    }
}
