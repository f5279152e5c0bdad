import Fluent
import StandardKit
import Vapor

/// The demo's assessment cycle for the current year, opened by the city for both
/// districts: 前辛庄村 filling in with its evidence ready to submit (its records stay open
/// for the station's work), 峪口村 waiting for the township, 后辛庄村 approved (its year
/// locked), 北宅村 returned with one check to answer, 怀柔区's own sheet waiting for the
/// city, the rest still filling in.
enum DemoAssessment {
    static func seed(_ app: Application, city: OrgUnit, units: [String: OrgUnit]) async throws {
        let district = city
        let db = app.db
        let catalogue = app.config.catalogue
        let today = StandardController.beijingToday(app.clock.now)
        let year = today.year
        let cycle = AssessmentCycle()
        cycle.id = UUID()
        cycle.unitID = try district.requireID()
        cycle.unitPath = district.path
        cycle.name = "\(year)年度"
        cycle.year = year
        cycle.standard = catalogue.version
        cycle.asOf = LocalDate.lastDay(of: year).description
        cycle.submitBy = max(today.adding(days: 10), LocalDate(year: year, month: 12, day: 10) ?? today).description
        cycle.reviewBy = max(today.adding(days: 20), LocalDate(year: year, month: 12, day: 25) ?? today).description
        cycle.passMark = app.config.scheme.passMark
        cycle.partialCredit = false
        cycle.createdBy = "demo.city"
        let states: [String: SheetState] = ["峪口村": .submitted, "后辛庄村": .approved, "北宅村": .returned, "怀柔区": .submitted]
        let evidenceReady: Set<String> = ["前辛庄村"]
        let evidenced = Sheets.evidencedChecks(catalogue, level: .village)
        try await db.transaction { db in
            try await cycle.create(on: db)
            for unit in units.values where unit.path.hasPrefix(district.path) && unit.kind != .city {
                let sheet = try AssessmentSheet(cycle: cycle, unit: unit)
                sheet.id = UUID()
                sheet.state = states[unit.name] ?? .draft
                if sheet.state != .draft { sheet.submittedOn = today.adding(days: -3).description }
                if sheet.state == .approved { sheet.approvedOn = today.adding(days: -1).description }
                try await sheet.create(on: db)
                // 北宅村 follows up two rectifications, one past its deadline (the township's list shows it).
                if unit.name == "北宅村" {
                    for (check, days, owner, followUp) in [("7.1", -5, "李强（村委会主任）", "第四季度村民代表会议已排期"), ("12.1", 20, "王淑芬", "")] {
                        let row = Rectification()
                        row.sheetID = try sheet.requireID()
                        row.checkID = check
                        row.responsible = owner
                        row.deadline = today.adding(days: days).description
                        row.followUp = followUp
                        try await row.create(on: db)
                    }
                }
                guard unit.kind == .village, sheet.state != .draft || evidenceReady.contains(unit.name) else { continue }
                for (n, check) in evidenced.enumerated() {
                    let evidence = Evidence()
                    evidence.sheetID = try sheet.requireID()
                    evidence.checkID = check.id
                    evidence.kind = "note"
                    evidence.name = "见村委会档案"
                    evidence.note = "见村委会档案盒\(n + 1)：\(check.evidence ?? check.title)"
                    evidence.createdBy = "陈晓东"
                    try await evidence.create(on: db)
                    guard sheet.state != .submitted, sheet.state != .draft else { continue }
                    let decision = SheetCheck()
                    decision.sheetID = try sheet.requireID()
                    decision.checkID = check.id
                    let returned = sheet.state == .returned && n == 0
                    decision.decision = returned ? "returned" : "accepted"
                    decision.reason = returned ? "请补充党支部成立的批复文件" : nil
                    decision.reviewer = "钱志刚"
                    try await decision.create(on: db)
                }
            }
        }
    }
}
