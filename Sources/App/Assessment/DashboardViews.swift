import Foundation
import StandardKit
import Vapor

/// Dashboard, summary and report pages; charts are inline SVG that print in black and white.
enum DashboardViews {
    /// `mayStartJobs`: the export and recompute buttons, for roles that may start them.
    static func body(_ d: DashboardDTO, unitID: UUID, catalogue: Catalogue, print: Bool, csrf: Node = .empty, mayStartJobs: Bool = false,
                     table given: VillageTable? = nil, base: String = "") -> Node {
        // Print has every village; the page, one sorted page of them.
        let table = given ?? VillageTable(d.villages, sort: nil, descending: nil, page: nil, pageSize: max(1, d.villages.count))
        let c = d.completeness
        let change = d.meanScore.flatMap { now in d.previousMeanScore.map { now - $0 } }
        let summary: [Node] = [
            .el("dt", [:], T(.dashMean)), .el("dd", [:], d.meanScore.map(Figure.text) ?? "—"),
            .el("dt", [:], T(.dashChange)), .el("dd", [:], change.map { ($0 >= 0 ? "+" : "") + Figure.text(($0 * 10).rounded() / 10) } ?? T(.dashNoPrevious)),
            .el("dt", [:], T(.dashCompleteness)),
            .el("dd", [:], T(.dashCompletenessText, String(c.sheets), String(c.submitted), String(c.submittedOnTime), String(c.reviewed), String(c.approved))),
        ]
        return .group([
            // Figures being computed again after many villages changed: said, with what to do.
            .when(d.refreshing > 0, .el("p", ["class": "summary", "role": "status"], T(.dashRefreshing, String(d.refreshing)))),
            .when(!print, .group([
                .el("p", [:], [.el("a", ["href": Route.unit(.value(unitID), .report(.value(d.cycle.id))).path], T(.reportPrint))]),
                // Exports and recomputation run in the background with a progress page.
                .when(mayStartJobs, .group([.el("form", ["method": "post", "action": CycleLinks(unit: unitID, cycle: d.cycle.id)(.exports), "class": "inline"], [
                    csrf, .el("button", ["type": "submit", "name": "format", "value": "xlsx"], T(.exportXLSX)), .text(" "),
                    .el("button", ["type": "submit", "name": "format", "value": "csv"], T(.exportCSV)),
                ]),
                .text(" "),
                .el("form", ["method": "post", "action": CycleLinks(unit: unitID, cycle: d.cycle.id)(.recompute), "class": "inline"], [
                    csrf, .el("button", ["type": "submit"], T(.jobRecompute)),
                ]),
                ])),
            ])),
            .el("dl", ["class": "facts"], summary),
            parts(d, print: print),
            .el("h2", [:], T(.dashAreas)),
            rateChart(d.areas.map { (T(.areaShort, String($0.number), $0.name), $0.metRate.map { ($0 * 1000).rounded() / 10 }) }, label: T(.dashAreasChart), percent: true),
            Layout.table(caption: nil, headers: [T(.dashArea), T(.dashMetRate)], rows: d.areas.map { [.text("\($0.number). \($0.name)"), .text(DashboardController.percent($0.metRate))] }),
            .el("h2", [:], T(.dashGoals)),
            Layout.table(caption: nil, headers: [T(.dashGoal), T(.dashMetRate)], rows: d.goals.map { [.text(T(.goalHeading, String($0.number), $0.name)), .text(DashboardController.percent($0.metRate))] }),
            .el("h2", [:], T(.dashWeakest)),
            .el("ol", [:], d.weakestItems.map { .el("li", [:], T(.dashWeakItem, String($0.number), DashboardController.percent($0.metRate), $0.text)) }),
            .el("details", print ? ["open": ""] : [:], [.el("summary", [:], T(.dashAllItems)),
                                 Layout.table(caption: nil, headers: [T(.standardItem), T(.dashMetRate)],
                                              rows: d.items.map { [.text("\($0.number). \($0.text)…"), .text(DashboardController.percent($0.metRate))] })]),
            readings(catalogue, print: print),
            .el("h2", [:], T(.dashHeat)),
            .when(table.pages > 1, .el("p", ["class": "muted"], T(.dashHeatPage, String(table.page), String(table.pages)))),
            .el("div", ["class": "scroll"], [heatMap(d, rows: heatRows(d, table))]),
            .el("details", print ? ["open": ""] : [:], [.el("summary", [:], T(.dashHeatTable)),
                                 Layout.table(caption: nil, headers: [d.villages.isEmpty ? T(.dashPart) : T(.overdueVillage)] + d.areas.map { String($0.number) },
                                              rows: heatRows(d, table).map { v in [.text(v.name)] + v.rates.map { .text(DashboardController.percent($0)) } })]),
            .when(!d.villages.isEmpty, villageTable(d, table, print: print, base: base)),
        ])
    }

    /// The villages, one sorted page: each header sorts by its column (again: the other way),
    /// page links below; all of them when printed.
    static func villageTable(_ d: DashboardDTO, _ table: VillageTable, print: Bool, base: String) -> Node {
        let columns: [(VillageTable.Key, String)] = [(.township, T(.exportTownship)), (.name, T(.overdueVillage)), (.state, T(.sheetState)),
                                                     (.score, T(.sheetScore)), (.previous, T(.dashPrevious))]
        // The sorted column says so to screen readers (aria-sort on its header cell).
        let headers: [Node] = columns.map { key, title in
            guard !print else { return .el("th", ["scope": "col"], title) }
            let current = table.sort == key
            let mark = current ? (table.descending ? " ▼" : " ▲") : ""
            return .el("th", ["scope": "col", "aria-sort": current ? (table.descending ? "descending" : "ascending") : nil], [
                .el("a", ["href": base + "?" + table.query(sort: key, descending: current ? !table.descending : key.startsDescending, page: 1) + "#villages"], title + mark),
            ])
        }
        let rows: [Node] = table.rows.map { v in
            .el("tr", [:], [
                .el("td", [:], [print || d.townships[v.township] == nil ? .text(v.township)
                    : .el("a", ["href": Route.unit(.value(d.townships[v.township].linked), .dashboard(.value(d.cycle.id))).path], v.township)]),
                .el("td", [:], [print ? .text(v.name) : .el("a", ["href": CycleLinks(unit: v.unitID, cycle: d.cycle.id)(.sheet)], v.name)]),
                .el("td", [:], SheetState(rawValue: v.state)?.label ?? v.state), .el("td", [:], v.score.map(Figure.text) ?? "—"),
                .el("td", [:], v.previousScore.map(Figure.text) ?? "—"),
            ])
        }
        var pager: [Node] = []
        if table.pages > 1 && !print {
            pager.append(.text(T(.dashPageOf, String(table.page), String(table.pages), String(table.total)) + " "))
            for number in 1...table.pages {
                pager.append(number == table.page ? .el("strong", ["aria-current": "page"], String(number))
                    : .el("a", ["href": base + "?" + table.query(sort: table.sort, descending: table.descending, page: number) + "#villages"], String(number)))
                pager.append(.text(" "))
            }
        }
        return .group([
            .el("table", ["id": "villages"], [
                .el("caption", [:], T(.dashVillagesCaption, String(table.total))),
                .el("thead", [:], [.el("tr", [:], headers)]),
                .el("tbody", [:], rows),
            ]),
            .when(!pager.isEmpty, .el("nav", ["class": "pager", "aria-label": T(.dashPages)], pager)),
        ])
    }

    /// Horizontal bars on a 0–100 axis with gridlines every 20, each named and carrying its
    /// value (a bar without one says "—"). Drawn at its own size in a scrolling box, so its
    /// 11 px text stays 11 px on a phone.
    static func rateChart(_ rows: [(name: String, value: Double?)], label: String, percent: Bool) -> Node {
        let left = 190, span = 300, row = 26, top = 6
        let width = left + span + 56, height = top + row * rows.count + 20
        var parts: [Node] = [.el("title", [:], label)]
        for mark in stride(from: 0, through: 100, by: 20) {
            let x = String(left + mark * span / 100)
            parts.append(.el("line", ["x1": x, "x2": x, "y1": String(top), "y2": String(top + row * rows.count), "class": "grid"]))
            parts.append(.el("text", ["x": x, "y": String(height - 4), "class": "c"], String(mark)))
        }
        for (i, item) in rows.enumerated() {
            let y = top + i * row
            parts.append(.el("text", ["x": String(left - 6), "y": String(y + 17), "class": "e"], fit(item.name, width: left - 10, size: 13)))
            let length = Int(((item.value ?? 0) / 100 * Double(span)).rounded())
            if item.value != nil { parts.append(.el("rect", ["x": String(left), "y": String(y + 4), "width": String(max(length, 1)), "height": "18", "class": "bar"])) }
            parts.append(.el("text", ["x": String(left + length + 4), "y": String(y + 17)], item.value.map { Figure.text($0) + (percent ? "%" : "") } ?? "—"))
        }
        return .el("figure", ["class": "scroll"], [.el("figcaption", [:], label),
                                                   .el("svg", ["viewBox": "0 0 \(width) \(height)", "role": "img", "aria-label": label, "class": "chart rate",
                                                               "width": String(width), "height": String(height)], parts)])
    }

    /// A name cut to fit `width` pixels of `size` px text (a CJK character about `size`, others about half again as narrow).
    static func fit(_ name: String, width: Int, size: Int = 11) -> String {
        var used = 0, out = ""
        for character in name {
            let w = character.unicodeScalars.first.map { $0.value > 0x2E80 } == true ? size : (size * 6 + 10) / 11
            if used + w > width - 6 { return out + "…" }
            used += w
            out.append(character)
        }
        return out
    }

    /// The units one level down side by side (a city's districts, a district's townships),
    /// each linked to its own dashboard of the same cycle.
    static func parts(_ d: DashboardDTO, print: Bool) -> Node {
        guard !d.parts.isEmpty else { return .empty }
        func share(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        return .group([
            .el("h2", [:], T(.dashParts)),
            rateChart(d.parts.map { ($0.name, $0.meanScore) }, label: T(.dashPartsChart), percent: false),
            Layout.table(caption: T(.dashPartsCaption), headers: [T(.dashPart), T(.dashOwnSheet), T(.dashPartVillages), T(.dashPartSubmitted), T(.dashOnTimeRate),
                                                                  T(.dashPartReviewed), T(.dashPartApproved), T(.dashMean), T(.dashPassRate), T(.dashPartWeakest)],
                         rows: d.parts.map { p in
                [print ? .text(p.name) : .el("a", ["href": Route.unit(.value(p.unitID), .dashboard(.value(d.cycle.id))).path], p.name),
                 .text(p.ownState.flatMap(SheetState.init(rawValue:))?.label ?? "—"),
                 .text(String(p.completeness.sheets)),
                 .text(T(.dashPartSubmittedText, String(p.completeness.submitted), String(p.completeness.submittedOnTime))),
                 .text(DashboardController.percent(share(p.completeness.submittedOnTime, p.completeness.sheets))),
                 .text(String(p.completeness.reviewed)),
                 .text(String(p.completeness.approved)),
                 .text(p.meanScore.map(Figure.text) ?? "—"), .text(DashboardController.percent(p.passRate)),
                 .text(p.weakestItems.isEmpty ? "—" : p.weakestItems.map { T(.sheetItem, String($0)) }.joined(separator: T(.sepList)))]
            }),
        ])
    }

    /// The heat map's rows: every village, or at a city (whose villages are listed by district) each district.
    static func heatRows(_ d: DashboardDTO, _ table: VillageTable) -> [(name: String, rates: [Double?])] {
        d.villages.isEmpty ? d.parts.map { ($0.name, $0.areaRates) } : table.rows.map { ($0.name, $0.areaRates) }
    }

    /// The checks read beyond the text's own numbers, and those assessed at a township or
    /// district: what an official needs to read a rate right. Open in print.
    static func readings(_ catalogue: Catalogue, print: Bool) -> Node {
        let checks = catalogue.areas.flatMap(\.goals).flatMap(\.items).flatMap(\.checks).filter { $0.level != .village || $0.reading != nil }
        return .el("details", print ? ["open": ""] : [:], [
            .el("summary", [:], T(.dashReadings)),
            .el("p", ["class": "muted"], T(.dashReadingsNote)),
            Layout.table(caption: nil, headers: [T(.dashReadingCheck), T(.dashReadingLevel), T(.dashReadingText)], rows: checks.map { check in
                [.text("\(check.id) \(check.title)"), .text(check.level.label), .text(check.reading ?? "—")]
            }),
        ])
    }

    /// Villages × areas: darker is higher, and every cell carries its number, so it reads in
    /// grey. Fills and strokes come from the stylesheet's classes (`svg.heat`): a district's
    /// 2,000 cells repeated them as attributes, a third of its page's bytes.
    static func heatMap(_ d: DashboardDTO, rows: [(name: String, rates: [Double?])]) -> Node {
        let cell = 44, left = 110, top = 22
        let width = left + cell * d.areas.count + 10, height = top + 22 * rows.count + 6
        var parts: [Node] = [.el("title", [:], T(.dashHeat))]
        for (a, area) in d.areas.enumerated() {
            parts.append(.el("text", ["x": String(left + a * cell + cell / 2), "y": "14", "class": "c"], String(area.number)))
        }
        for (r, row) in rows.enumerated() {
            let y = top + r * 22
            parts.append(.el("text", ["x": "4", "y": String(y + 15)], fit(row.name, width: left - 4)))
            for (a, rate) in row.rates.enumerated() {
                let level = max(0, min(4, Int(((rate ?? 0) * 4).rounded())))
                parts.append(.el("rect", ["x": String(left + a * cell), "y": String(y), "width": String(cell - 2), "height": "20", "class": "h\(level)"]))
                parts.append(.el("text", ["x": String(left + a * cell + cell / 2 - 1), "y": String(y + 14), "class": level >= 3 ? "c d" : "c"],
                                 rate.map { String(Int(($0 * 100).rounded())) } ?? "—"))
            }
        }
        return .el("svg", ["viewBox": "0 0 \(width) \(height)", "role": "img", "aria-label": T(.dashHeat), "class": "chart heat",
                           "width": String(width), "height": String(height)], parts)
    }

    static func villageReport(_ s: SheetDTO, rectification: [RectificationDTO], catalogue: Catalogue) -> Node {
        let byID = Dictionary(s.checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var parts: [Node] = [
            .el("dl", ["class": "facts"], [
                .el("dt", [:], T(.sheetState)), .el("dd", [:], s.stateLabel),
                .el("dt", [:], T(.sheetScore)), .el("dd", [:], s.score.map { Figure.text($0) + T(.parenthesized, "\(T(.cyclePassMark)) \(Figure.text(s.cycle.passMark))") } ?? "—"),
                .el("dt", [:], T(.cycleAsOf)), .el("dd", [:], s.cycle.asOf),
            ]),
        ]
        for area in catalogue.areas {
            var rows: [[Node]] = []
            for item in area.goals.flatMap(\.items) {
                let checks = item.checks.compactMap { byID[$0.id] }
                rows.append([.text(String(item.number)), .el("ul", ["class": "checks"], checks.map { c in
                    .el("li", [:], [AssessmentViews.statusNode(c.status), .text(" \(c.id) \(c.title)"),
                                    .when(c.level != Level.village.rawValue, .text(T(.parenthesized, Level(rawValue: c.level)?.label ?? c.level))),
                                    .text(c.status == "met" ? "" : T(.sepColon) + c.explanation),
                                    .when(!c.evidence.isEmpty, .text(T(.parenthesized, T(.reportEvidence, c.evidence.map(\.name).joined(separator: T(.sepList))))))])
                })])
            }
            parts.append(.group([.el("h2", [:], area.heading), Layout.table(caption: nil, headers: [T(.standardItem), T(.standardChecks)], rows: rows)]))
        }
        parts.append(.el("h2", [:], T(.rectTitleShort)))
        parts.append(Layout.table(caption: nil, headers: [T(.rectCheck), T(.rectMissing), T(.rectResponsible), T(.rectDeadline)],
                                  rows: rectification.filter { $0.status == "open" }.map { [.text($0.check), .text($0.missing), .text($0.responsible), .text($0.deadline ?? "—")] }))
        return .group(parts)
    }

    /// What heads a printed report and what signs it off.
    struct TitleBlock: Sendable {
        var unit: String
        var parent: String?
        var kind: String
        var cycle: String
        var asOf: String
        var printed: String
        /// A village's report is signed by the village and its reviewer; a summary by the unit.
        var village: Bool
    }

    /// An A4 document: a title block (the report, the unit, the cycle, the dates), the body
    /// with every section open, and the signature block (落款). Page numbers sit in the page
    /// margin (the stylesheet's @page rules), never over a table's repeated header.
    static func printPage(title: String, block: TitleBlock, body: Node) -> String {
        let signature: Node = .el("section", ["class": "signature", "aria-label": T(.reportSignature)], block.village
            ? [.el("p", [:], T(.reportSignUnit, block.unit)), .el("p", [:], T(.reportSignReviewer, block.parent ?? "")),
               .el("p", [:], T(.reportSignPerson)), .el("p", [:], T(.reportSignPerson)), .el("p", [:], T(.reportSignDate)), .el("p", [:], T(.reportSignDate))]
            : [.el("p", [:], T(.reportSignUnit, block.unit)), .el("p", [:], T(.reportSignPerson)), .el("p", [:], T(.reportSignDate))])
        return Node.group([
            .trusted("<!doctype html>"),
            .el("html", ["lang": Language.current.htmlTag], [
                .el("head", [:], [.void("meta", [("charset", "utf-8")]), .el("title", [:], title), .void("link", [("rel", "stylesheet"), ("href", Stylesheet.path)])]),
                .el("body", ["class": "print report"], [
                    .el("main", [:], [
                        .el("header", ["class": "title-block"], [
                            .el("h1", [:], title),
                            .el("dl", ["class": "facts"], [
                                .el("dt", [:], block.kind), .el("dd", [:], block.parent.map { $0 + " · " + block.unit } ?? block.unit),
                                .el("dt", [:], T(.queueCycle)), .el("dd", [:], block.cycle),
                                .el("dt", [:], T(.cycleAsOf)), .el("dd", [:], block.asOf),
                                .el("dt", [:], T(.reportPrinted)), .el("dd", [:], block.printed),
                            ]),
                        ]),
                        body, signature,
                    ]),
                ]),
            ]),
        ]).render()
    }
}
