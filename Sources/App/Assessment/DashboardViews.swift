import Foundation
import StandardKit
import Vapor

/// Dashboard, summary and report pages; charts are inline SVG that print in black and white.
enum DashboardViews {
    /// `mayStartJobs`: the export and recompute buttons, for roles that may start them.
    static func body(_ d: DashboardDTO, unitID: UUID, catalogue: Catalogue, print: Bool, csrf: Node = .empty, mayStartJobs: Bool = false) -> Node {
        let c = d.completeness
        let change = d.meanScore.flatMap { now in d.previousMeanScore.map { now - $0 } }
        let summary: [Node] = [
            .el("dt", [:], T(.dashMean)), .el("dd", [:], d.meanScore.map(Figure.text) ?? "—"),
            .el("dt", [:], T(.dashChange)), .el("dd", [:], change.map { ($0 >= 0 ? "+" : "") + Figure.text(($0 * 10).rounded() / 10) } ?? T(.dashNoPrevious)),
            .el("dt", [:], T(.dashCompleteness)),
            .el("dd", [:], T(.dashCompletenessText, String(c.sheets), String(c.submitted), String(c.submittedOnTime), String(c.reviewed), String(c.approved))),
        ]
        return .group([
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
            Charts.bars(d.areas.map { (String($0.number), (($0.metRate ?? 0) * 1000).rounded() / 10) }, label: T(.dashAreasChart)),
            Layout.table(caption: nil, headers: [T(.dashArea), T(.dashMetRate)], rows: d.areas.map { [.text("\($0.number). \($0.name)"), .text(DashboardController.percent($0.metRate))] }),
            .el("h2", [:], T(.dashGoals)),
            Layout.table(caption: nil, headers: [T(.dashGoal), T(.dashMetRate)], rows: d.goals.map { [.text(T(.goalHeading, String($0.number), $0.name)), .text(DashboardController.percent($0.metRate))] }),
            .el("h2", [:], T(.dashWeakest)),
            .el("ol", [:], d.weakestItems.map { .el("li", [:], T(.dashWeakItem, String($0.number), DashboardController.percent($0.metRate), $0.text)) }),
            .el("details", [:], [.el("summary", [:], T(.dashAllItems)),
                                 Layout.table(caption: nil, headers: [T(.standardItem), T(.dashMetRate)],
                                              rows: d.items.map { [.text("\($0.number). \($0.text)…"), .text(DashboardController.percent($0.metRate))] })]),
            readings(catalogue, print: print),
            .el("h2", [:], T(.dashHeat)),
            heatMap(d),
            .el("details", [:], [.el("summary", [:], T(.dashHeatTable)),
                                 Layout.table(caption: nil, headers: [d.villages.isEmpty ? T(.dashPart) : T(.overdueVillage)] + d.areas.map { String($0.number) },
                                              rows: heatRows(d).map { v in [.text(v.name)] + v.rates.map { .text(DashboardController.percent($0)) } })]),
            .when(!d.villages.isEmpty, Layout.table(caption: nil, headers: [T(.exportTownship), T(.overdueVillage), T(.sheetState), T(.sheetScore), T(.dashPrevious)],
                         rows: d.villages.map { v in
                [print || d.townships[v.township] == nil ? .text(v.township) : .el("a", ["href": Route.unit(.value(d.townships[v.township].linked), .dashboard(.value(d.cycle.id))).path], v.township),
                 print ? .text(v.name) : .el("a", ["href": CycleLinks(unit: v.unitID, cycle: d.cycle.id)(.sheet)], v.name),
                 .text(SheetState(rawValue: v.state)?.label ?? v.state), .text(v.score.map(Figure.text) ?? "—"), .text(v.previousScore.map(Figure.text) ?? "—")]
            })),
        ])
    }

    /// The units one level down side by side (a city's districts, a district's townships),
    /// each linked to its own dashboard of the same cycle.
    static func parts(_ d: DashboardDTO, print: Bool) -> Node {
        guard !d.parts.isEmpty else { return .empty }
        return .group([
            .el("h2", [:], T(.dashParts)),
            Layout.table(caption: nil, headers: [T(.dashPart), T(.dashOwnSheet), T(.dashPartVillages), T(.dashPartSubmitted), T(.dashPartApproved),
                                                 T(.dashMean), T(.dashPassRate), T(.dashPartWeakest)],
                         rows: d.parts.map { p in
                [print ? .text(p.name) : .el("a", ["href": Route.unit(.value(p.unitID), .dashboard(.value(d.cycle.id))).path], p.name),
                 .text(p.ownState.flatMap(SheetState.init(rawValue:))?.label ?? "—"),
                 .text(String(p.completeness.sheets)),
                 .text(T(.dashPartSubmittedText, String(p.completeness.submitted), String(p.completeness.submittedOnTime))),
                 .text(String(p.completeness.approved)),
                 .text(p.meanScore.map(Figure.text) ?? "—"), .text(DashboardController.percent(p.passRate)),
                 .text(p.weakestItem.map { T(.sheetItem, String($0)) } ?? "—")]
            }),
        ])
    }

    /// The heat map's rows: every village, or at a city (whose villages are listed by district) each district.
    static func heatRows(_ d: DashboardDTO) -> [(name: String, rates: [Double?])] {
        d.villages.isEmpty ? d.parts.map { ($0.name, $0.areaRates) } : d.villages.map { ($0.name, $0.areaRates) }
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
    static func heatMap(_ d: DashboardDTO) -> Node {
        let cell = 44, left = 110, top = 22
        let rows = heatRows(d)
        let width = left + cell * d.areas.count + 10, height = top + 22 * rows.count + 6
        var parts: [Node] = [.el("title", [:], T(.dashHeat))]
        for (a, area) in d.areas.enumerated() {
            parts.append(.el("text", ["x": String(left + a * cell + cell / 2), "y": "14", "class": "c"], String(area.number)))
        }
        for (r, row) in rows.enumerated() {
            let y = top + r * 22
            parts.append(.el("text", ["x": "4", "y": String(y + 15)], row.name))
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

    /// An A4 document: the cycle's name repeats at the top of every printed page and
    /// the page number at the bottom (the stylesheet's @page rules).
    static func printPage(title: String, running: String, body: Node) -> String {
        Node.group([
            .trusted("<!doctype html>"),
            .el("html", ["lang": Language.current.htmlTag], [
                .el("head", [:], [.void("meta", [("charset", "utf-8")]), .el("title", [:], title), .void("link", [("rel", "stylesheet"), ("href", Stylesheet.path)])]),
                .el("body", ["class": "print report"], [
                    .el("div", ["class": "running"], running),
                    .el("main", [:], [.el("h1", [:], title), body]),
                ]),
            ]),
        ]).render()
    }
}
