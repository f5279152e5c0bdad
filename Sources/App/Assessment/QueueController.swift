import Fluent
import Foundation
import StandardKit
import Vapor
import WorkCalendar

/// One sheet in an official's queue.
struct QueueRowDTO: Content {
    var unitID: UUID
    var name: String
    /// The township of a village (for a district's list).
    var parent: String
    var cycleID: UUID
    var cycle: String
    var state: String
    var submittedOn: String?
    /// The day it is due: the review deadline for a sheet to review or approve, the
    /// submission deadline for one not yet submitted.
    var deadline: String
    /// Days past `deadline` (nil: not late).
    var daysLate: Int?
    /// Checks returned, and how many of them the unit has answered.
    var returnedChecks: Int
    var answeredChecks: Int
    var link: String
}

/// A township of a district that is behind the cycle's schedule.
struct QueueBehindDTO: Content {
    var unitID: UUID
    var name: String
    var cycle: String
    var villages: Int
    /// Villages not yet submitted past the submission deadline.
    var lateSubmissions: Int
    /// Sheets submitted and not yet reviewed past the review deadline.
    var lateReviews: Int
    var link: String
}

/// What waits for an official at a township, district or city.
struct QueueDTO: Content {
    /// Submitted for the first time, waiting for the reader's review; oldest first.
    var toReview: [QueueRowDTO]
    /// Submitted again after a return, with the unit's answers; oldest first.
    var answered: [QueueRowDTO]
    /// Sent back, waiting for the unit's answers.
    var returned: [QueueRowDTO]
    /// Not submitted by the submission deadline.
    var late: [QueueRowDTO]
    /// Reviewed, waiting for the reader's approval; oldest first.
    var toApprove: [QueueRowDTO]
    var townshipsBehind: [QueueBehindDTO]
    /// Rows left out of a list longer than `QueueController.limit` (the dashboard has them all).
    var more: Int
    var overdueRequests: Int
    var overdueRequestsLink: String
    var overdueRectifications: Int
    var rectificationsLink: String

    var isEmpty: Bool {
        toReview.isEmpty && answered.isEmpty && returned.isEmpty && late.isEmpty && toApprove.isEmpty && townshipsBehind.isEmpty
            && overdueRequests == 0 && overdueRectifications == 0
    }
}

/// The official's queue: built from the sheets' states and the cycle's deadlines at the
/// reader's unit, for the reader's duties (a township reviews its villages, a district
/// approves them and watches its townships).
struct QueueController {
    static let limit = 100

    func register(_ router: Router) {
        router.api(.GET, .unit(.key, .queue), .onUnit(.viewUnit), APIDoc(summary: T(.apiQueue), response: "Queue")) { request, unit in
            guard unit.kind != .village else { throw AppError.notFound }
            return try await Self.queue(request, unit: unit)
        }
    }

    static func queue(_ request: Request, unit: OrgUnit) async throws -> QueueDTO {
        let principal = try request.requirePrincipal()
        let today = request.today
        let unitID = try unit.requireID()
        var out = QueueDTO(toReview: [], answered: [], returned: [], late: [], toApprove: [], townshipsBehind: [], more: 0,
                           overdueRequests: try await StationController.overdueCount(request, under: unit, today: today),
                           overdueRequestsLink: Route.unit(.value(unitID), .overdue).path,
                           overdueRectifications: try await RectificationController.counts(request, under: unit).overdue,
                           rectificationsLink: Route.unit(.value(unitID), .rectifications).path)
        let units = try await OrgUnit.names(below: unit.path, on: request.db)
        let byID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for cycle in try await AssessmentController.cycles(covering: unit, on: request.db) {
            let cycleID = try cycle.requireID()
            let sheets = try await AssessmentSheet.open(cycle: cycleID, below: unit.path, excluding: unitID, on: request.db)
            guard !sheets.isEmpty else { continue }
            let checks = try await returnCounts(sheets.filter { $0.state == .submitted || $0.state == .returned }.compactMap(\.id), on: request.db)
            func row(_ sheet: AssessmentSheet, deadline: String) -> QueueRowDTO {
                let due = LocalDate(deadline)
                let counts = sheet.id.flatMap { checks[$0] } ?? (0, 0)
                // The parent named only where it is not the reader's own unit.
                let parent = byID[sheet.unitID]?.parentID.flatMap { $0 == unitID ? nil : byID[$0]?.name } ?? ""
                return QueueRowDTO(unitID: sheet.unitID, name: byID[sheet.unitID]?.name ?? "", parent: parent,
                                   cycleID: cycleID, cycle: cycle.name, state: sheet.state.rawValue, submittedOn: sheet.submittedOn, deadline: deadline,
                                   daysLate: due.flatMap { $0 < today ? today.dayNumber - $0.dayNumber : nil },
                                   returnedChecks: counts.returned, answeredChecks: counts.answered, link: CycleLinks(unit: sheet.unitID, cycle: cycleID)(.sheet))
            }
            for sheet in sheets {
                let reviews = SheetRole.mayReview(principal, sheet)
                switch sheet.state {
                case .submitted where reviews:
                    let r = row(sheet, deadline: cycle.reviewBy)
                    if r.answeredChecks > 0 { out.answered.append(r) } else { out.toReview.append(r) }
                case .returned where reviews:
                    out.returned.append(row(sheet, deadline: cycle.submitBy))
                case .reviewed where SheetRole.mayApprove(principal, sheet):
                    out.toApprove.append(row(sheet, deadline: cycle.reviewBy))
                default: break
                }
                if reviews, sheet.state.editable, let due = LocalDate(cycle.submitBy), due < today {
                    out.late.append(row(sheet, deadline: cycle.submitBy))
                }
            }
            // A district's (or city's) townships behind the schedule, most behind first.
            if unit.kind == .district || unit.kind == .city {
                let submitPast = LocalDate(cycle.submitBy).map { $0 < today } ?? false
                let reviewPast = LocalDate(cycle.reviewBy).map { $0 < today } ?? false
                var behind: [QueueBehindDTO] = []
                // Grouped by township once (a city has ~180 townships over ~4,000 villages).
                let sheetsByTownship = Dictionary(grouping: sheets.filter { $0.level == .village }) { byID[$0.unitID]?.parentID }
                let villagesByTownship = Dictionary(grouping: units.filter { $0.kind == .village }) { $0.parentID }
                for township in units where township.kind == .township {
                    let id = township.id
                    let here = sheetsByTownship[id] ?? []
                    let lateSubmissions = submitPast ? here.count { $0.state.editable } : 0
                    let lateReviews = reviewPast ? here.count { $0.state == .submitted } : 0
                    guard lateSubmissions + lateReviews > 0 else { continue }
                    let villages = villagesByTownship[id]?.count ?? 0
                    behind.append(QueueBehindDTO(unitID: id, name: township.name, cycle: cycle.name, villages: villages, lateSubmissions: lateSubmissions,
                                                 lateReviews: lateReviews, link: Route.unit(.value(id), .dashboard(.value(cycleID))).path))
                }
                out.townshipsBehind += behind.sorted { ($0.lateSubmissions + $0.lateReviews, $1.name) > ($1.lateSubmissions + $1.lateReviews, $0.name) }
            }
        }
        // Oldest first (a sheet never submitted has no date and goes last), then by place.
        func oldest(_ a: QueueRowDTO, _ b: QueueRowDTO) -> Bool {
            (a.submittedOn ?? "9999", a.parent, a.name) < (b.submittedOn ?? "9999", b.parent, b.name)
        }
        func capped(_ rows: [QueueRowDTO], by order: (QueueRowDTO, QueueRowDTO) -> Bool) -> [QueueRowDTO] {
            out.more += max(0, rows.count - limit)
            return Array(rows.sorted(by: order).prefix(limit))
        }
        out.toReview = capped(out.toReview, by: oldest)
        out.answered = capped(out.answered, by: oldest)
        out.toApprove = capped(out.toApprove, by: oldest)
        out.returned = capped(out.returned) { ($0.parent, $0.name) < ($1.parent, $1.name) }
        out.late = capped(out.late) { ($0.daysLate ?? 0, $1.parent, $1.name) > ($1.daysLate ?? 0, $0.parent, $0.name) }
        return out
    }

    /// Per sheet, its returned checks and how many of them carry the unit's answer.
    private static func returnCounts(_ sheets: [UUID], on db: any Database) async throws -> [UUID: (returned: Int, answered: Int)] {
        guard !sheets.isEmpty else { return [:] }
        var out: [UUID: (returned: Int, answered: Int)] = [:]
        for row in try await SheetCheck.query(on: db).filter(\.$sheetID ~~ sheets).group(.or, { $0.filter(\.$decision == "returned").filter(\.$answer != nil) }).all() {
            var counts = out[row.sheetID] ?? (0, 0)
            if row.decision == "returned" { counts.returned += 1 }
            if !(row.answer ?? "").isEmpty { counts.answered += 1 }
            out[row.sheetID] = counts
        }
        return out
    }
}

/// The queue as the official's home page shows it, above the unit's figures.
enum QueueViews {
    static func section(_ q: QueueDTO) -> Node {
        var parts: [Node] = [.el("h2", ["id": "queue"], T(.queueTitle))]
        if q.isEmpty { parts.append(.el("p", [:], T(.queueNone))) }
        func sheets(_ title: L, _ rows: [QueueRowDTO], late: L, action: L, extra: ((QueueRowDTO) -> String)? = nil) {
            guard !rows.isEmpty else { return }
            parts.append(Layout.table(caption: T(title, String(rows.count)),
                                      headers: [T(.queueUnit), T(.queueCycle), T(.queueSubmitted), T(.queueDeadline), T(.queueStatus), ""],
                                      rows: rows.map { r in
                let name = r.parent.isEmpty ? r.name : r.parent + " · " + r.name
                var status = r.daysLate.map { T(late, String($0)) } ?? T(.queueOnTime)
                if let extra { status += T(.sepSemicolon) + extra(r) }
                return [.text(name), .text(r.cycle), .text(r.submittedOn ?? "—"), .text(r.deadline),
                        r.daysLate == nil ? .text(status) : .el("strong", ["class": "notmet"], status),
                        .el("a", ["href": r.link], T(action))]
            }))
        }
        sheets(.queueToReview, q.toReview, late: .queueReviewLate, action: .queueReview)
        sheets(.queueAnswered, q.answered, late: .queueReviewLate, action: .queueReview) { T(.queueAnsweredChecks, String($0.answeredChecks)) }
        sheets(.queueToApprove, q.toApprove, late: .queueReviewLate, action: .queueApprove)
        sheets(.queueReturned, q.returned, late: .queueSubmitLate, action: .queueOpen) { T(.queueReturnedChecks, String($0.returnedChecks), String($0.answeredChecks)) }
        sheets(.queueLate, q.late, late: .queueSubmitLate, action: .queueOpen)
        if !q.townshipsBehind.isEmpty {
            parts.append(Layout.table(caption: T(.queueBehind, String(q.townshipsBehind.count)),
                                      headers: [T(.kindTownship), T(.queueCycle), T(.figVillages), T(.queueLateSubmissions), T(.queueLateReviews), ""],
                                      rows: q.townshipsBehind.map { b in
                [.text(b.name), .text(b.cycle), .text(String(b.villages)), .text(String(b.lateSubmissions)), .text(String(b.lateReviews)),
                 .el("a", ["href": b.link], T(.dashboardShort))]
            }))
        }
        if q.more > 0 { parts.append(.el("p", ["class": "muted"], T(.queueMore, String(q.more)))) }
        var overdue: [Node] = []
        if q.overdueRequests > 0 { overdue.append(.el("li", [:], [.el("a", ["href": q.overdueRequestsLink], T(.queueOverdueRequests, String(q.overdueRequests)))])) }
        if q.overdueRectifications > 0 { overdue.append(.el("li", [:], [.el("a", ["href": q.rectificationsLink], T(.queueOverdueRectifications, String(q.overdueRectifications)))])) }
        if !overdue.isEmpty { parts.append(.el("ul", [:], overdue)) }
        return .el("section", ["class": "queue", "aria-labelledby": "queue"], parts)
    }
}
