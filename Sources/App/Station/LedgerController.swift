import Fluent
import SQLKit
import Ledger
import Spreadsheet
import StandardKit
import Vapor

/// The station ledger (台账): every event of every request and complaint, filterable
/// and exportable by period, and a verification page for the supervision committee.
struct LedgerController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .ledger), .onUnit(.viewUnit), page)
        router.page(.GET, .unit(.key, .ledgerVerify), .onUnit(.viewUnit), verifyPage)
        router.page(.GET, .unit(.key, .stationStats), .onUnit(.viewUnit), statsPage)
        router.api(.GET, .unit(.key, .ledger), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiLedger), response: "LedgerEventList",
                          query: [("from", .string), ("to", .string), ("subject", .string), ("limit", .integer), ("cursor", .string)]), api)
        router.api(.GET, .unit(.key, .ledgerVerification), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiLedgerVerify), response: "LedgerVerification"), apiVerify)
        router.api(.GET, .unit(.key, .stationStats), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiStationStats), response: "StationStats"), apiStats)
    }

    struct Period {
        var from: LocalDate
        var to: LocalDate
        var subject: String?
        var millis: (Int64, Int64) {
            // Beijing days: [from 00:00, to + 1 day 00:00) at UTC+8.
            (Int64(from.dayNumber) * 86_400_000 - 8 * 3_600_000, Int64(to.dayNumber + 1) * 86_400_000 - 8 * 3_600_000)
        }
    }

    /// ?from=&to= (default: this year to today), checked; ?subject=request|complaint.
    static func period(_ request: Request) throws -> Period {
        let today = request.today
        var v = Validator()
        let from = v.date("from", T(.ledgerFrom), request.query[String.self, at: "from"]).flatMap(LocalDate.init) ?? LocalDate.firstDay(of: today.year)
        let to = v.date("to", T(.ledgerTo), request.query[String.self, at: "to"]).flatMap(LocalDate.init) ?? today
        if from > to { v.fail("to", T(.absenceEndsBeforeStart)) }
        let subject = request.query[String.self, at: "subject"].flatMap { $0.isEmpty ? nil : $0 }
        if let subject, subject != "request", subject != "complaint" { v.fail("subject", T(.ledgerSubjectUnknown)) }
        if let format = request.query[String.self, at: "format"], !["", "csv", "xlsx"].contains(format) {
            v.fail("format", T(.queryChoice, "format", "csv, xlsx"))
        }
        // They come in the address: a bad one is a bad request (400), each field named.
        do { try v.finish() } catch let AppError.validation(errors) { throw AppError.badQuery(errors) }
        return Period(from: from, to: to, subject: subject)
    }

    /// A period's events whole, for the exports.
    static func rows(_ request: Request, _ unit: OrgUnit, _ period: Period) async throws -> [LedgerRow] {
        let (from, to) = period.millis
        return try await LedgerStore.events(under: unit.path, from: from, to: to, subjectType: period.subject, on: request.db)
    }

    /// One page of a period's events, newest first by (time, station, sequence): `limit`
    /// (50, at most 200) after `cursor`, the next page's cursor and the period's count.
    static func keysetPage(_ request: Request, _ unit: OrgUnit, _ period: Period) async throws -> Page<LedgerRow> {
        let limit = try Paging.limit(request.query[String.self, at: "limit"])
        var after: (at: Int64, unit: UUID, seq: Int)?
        if let cursor = request.query[String.self, at: "cursor"], !cursor.isEmpty {
            let parts = try Paging.parts(cursor, count: 3)
            guard parts[0].count <= 20, let at = Int64(parts[0]), let unitID = UUID(uuidString: parts[1]), parts[2].count <= 20, let seq = Int(parts[2]) else {
                throw AppError.badQuery([FieldError(field: "cursor", message: T(.pagingCursor))])
            }
            after = (at, unitID, seq)
        }
        let (from, to) = period.millis
        let rows = try await LedgerStore.eventsPage(under: unit.path, from: from, to: to, subjectType: period.subject, after: after, limit: limit + 1, on: request.db)
        let (items, next) = Paging.split(rows, limit: limit) { [String($0.entry.occurredAt), $0.unitID.uuidString, String($0.entry.sequence)] }
        let total = try await LedgerStore.eventCount(under: unit.path, from: from, to: to, subjectType: period.subject, on: request.db)
        return Page(items: items, next: next, total: total)
    }

    /// The page's filters as its links keep them.
    static func filters(_ request: Request, _ period: Period) -> [String: String] {
        var out = ["from": period.from.description, "to": period.to.description]
        if let subject = period.subject { out["subject"] = subject }
        if let limit = request.query[String.self, at: "limit"], !limit.isEmpty { out["limit"] = limit }
        return out
    }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let period: Period
        do { period = try Self.period(request) } catch let AppError.badQuery(errors) {
            return HTMLResponse.make(Layout.page(request: request, title: T(.ledgerTitle, unit.name), body: Layout.errorSummary(errors)), status: .badRequest)
        }
        let export = ["csv", "xlsx"].contains(request.query[String.self, at: "format"] ?? "")
        let shown = export ? nil : try await Self.keysetPage(request, unit, period)
        let rows = if let shown { shown.items } else { try await Self.rows(request, unit, period) }
        let names = try await Self.villageNames(request, rows)
        let header = [T(.overdueVillage), T(.ledgerSequence), T(.ledgerAt), T(.ledgerSubject), T(.ledgerAction), T(.ledgerActor), T(.ledgerDetails), T(.ledgerHash)]
        /// The page shows a hash's first 12 characters; exports carry whole hashes, the
        /// previous one too, so the chain can be checked from the file alone.
        func cells(_ row: LedgerRow, whole: Bool = false) -> [String] {
            [names[row.unitID] ?? "", String(row.entry.sequence), Format.dateTime(row.occurredAt),
             row.subjectType == "request" ? T(.ledgerSubjectRequest) : T(.ledgerSubjectComplaint),
             StationText.actionLabel(row.entry.action), Actor.shown(id: row.entry.actorID, recorded: row.entry.actorName), Format.details(row.payload)]
                + (whole ? [row.entry.previousHash, row.entry.hash] : [String(row.entry.hash.prefix(12))])
        }
        let exportHeader = Array(header.dropLast()) + [T(.ledgerPreviousHash), T(.ledgerHash)]
        // The sequence a number and the time a date and time (Beijing), so a spreadsheet sorts and filters them.
        func typed(_ row: LedgerRow) -> [SheetCell] {
            var out = cells(row, whole: true).map { SheetCell.text($0) }
            out[1] = .number(Double(row.entry.sequence), decimals: 0)
            let beijing = row.occurredAt.addingTimeInterval(8 * 3600)
            let day = LocalDate(dayNumber: Int((beijing.timeIntervalSince1970 / 86_400).rounded(.down)))
            let minutes = Int(beijing.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 60)
            out[2] = .dateTime(year: day.year, month: day.month, day: day.day, minutes: max(0, minutes))
            return out
        }
        let exported = TypedSheet(header: exportHeader, rows: rows.map(typed), widths: [12, 8, 17, 8, 10, 12, 50, 66, 66])
        switch request.query[String.self, at: "format"] {
        case "csv"?:
            return RecordTransferController.file(CSV.write(exported.plain), name: "ledger-\(period.from)-\(period.to).csv")
        case "xlsx"?:
            return RecordTransferController.file(try XLSX.write(exported, name: T(.ledgerTitleShort)),
                                                 name: "ledger-\(period.from)-\(period.to).xlsx")
        default: break
        }
        let total = shown?.total ?? rows.count
        let base = Route.unit(.value(try unit.requireID()), .ledger).path
        let query = "from=\(period.from)&to=\(period.to)" + (period.subject.map { "&subject=\($0)" } ?? "")
        let body: Node = .group([
            .el("form", ["method": "get", "action": base, "class": "filters"], [
                Layout.field("from", T(.ledgerFrom), value: period.from.description, type: "date", errors: []),
                Layout.field("to", T(.ledgerTo), value: period.to.description, type: "date", errors: []),
                Layout.select("subject", T(.ledgerSubject), options: [("", T(.ledgerSubjectAll)), ("request", T(.ledgerSubjectRequest)), ("complaint", T(.ledgerSubjectComplaint))],
                              selected: period.subject ?? "", errors: []),
                .el("button", ["type": "submit"], T(.filter)),
            ]),
            .el("p", [:], [.el("a", ["href": base + "?" + query + "&format=xlsx"], T(.exportXLSX)), .text(" · "),
                           .el("a", ["href": base + "?" + query + "&format=csv"], T(.exportCSV)), .text(" · "),
                           .el("a", ["href": Route.unit(.value(try unit.requireID()), .ledgerVerify).path], T(.ledgerVerifyShort))]),
            rows.isEmpty ? .el("p", ["class": "muted"], T(.ledgerNone))
                : Layout.table(caption: T(.pagingCaption, String(total), String(rows.count)),
                               headers: header, rows: rows.map { cells($0).map { Node.text($0) } }),
            Paging.pager(request, path: base, filters: Self.filters(request, period), next: shown?.next),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.ledgerTitle, unit.name), body: body))
    }

    static func villageNames(_ request: Request, _ rows: [LedgerRow]) async throws -> [UUID: String] {
        let units = try await OrgUnit.query(on: request.db).filter(\.$id ~~ Set(rows.map(\.unitID))).all()
        return Dictionary(units.compactMap { u in u.id.map { ($0, u.name) } }, uniquingKeysWith: { a, _ in a })
    }

    static func verification(_ request: Request, _ unit: OrgUnit) async throws -> VerificationDTO {
        let anchors = try LedgerAnchors.configuredLog(request.application)
        let results = try await LedgerStore.verify(under: unit, anchors: anchors, on: request.db, at: request.now)
        return VerificationDTO(chains: try results.map { try ChainDTO(village: $0.village, result: $0.result) }, anchorLog: anchors == nil ? nil : request.application.config.ledgerAnchorPath, anchorProblems: anchors?.problems.map(\.text) ?? [])
    }

    /// What a broken chain's finding says, in the reader's language.
    static func finding(_ chain: ChainDTO) -> String {
        let reason = chain.reason.flatMap(LedgerChain.Reason.init(rawValue:))
        let source = chain.anchoredBy == LedgerChain.AnchorSource.anchorLog.rawValue ? T(.ledgerSourceAnchor) : T(.ledgerSourceCheckpoint)
        switch reason {
        case .truncated?:
            return T(.ledgerTruncated, String(chain.endsAt ?? 0), source, String(chain.expectedSequence ?? 0), String((chain.expectedHash ?? "").prefix(16)))
        case .rewritten?:
            return T(.ledgerRewritten, String(chain.expectedSequence ?? 0), String((chain.expectedHash ?? "").prefix(16)), source)
        default:
            return T(.ledgerBrokenAt, String(chain.firstBrokenSequence ?? 0), reason?.text ?? "")
        }
    }

    @Sendable func verifyPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let result = try await Self.verification(request, unit)
        let broken = result.chains.filter { !$0.intact }
        let rows: [[Node]] = result.chains.map { chain in
            let state: Node = chain.intact ? .el("span", ["class": "met"], T(.ledgerIntact)) : .el("span", ["class": "notmet"], Self.finding(chain))
            return [.el("a", ["href": Route.unit(.value(chain.unitID), .ledger).path], chain.name), .text(String(chain.events)), state]
        }
        let body: Node = .group([
            .el("p", [:], T(.ledgerVerifyIntro)),
            .el("p", ["class": "muted"], result.anchorLog.map { T(.ledgerAnchoredBy, $0) } ?? T(.ledgerNotAnchored)),
            .when(!result.anchorProblems.isEmpty, .el("div", ["class": "error-summary", "role": "alert"], [
                .el("p", [:], T(.ledgerAnchorProblems)), .el("ul", [:], result.anchorProblems.map { .el("li", [:], $0) }),
            ])),
            .el("p", ["class": broken.isEmpty ? "met" : "notmet"], broken.isEmpty ? T(.ledgerAllIntact, String(result.chains.count)) : T(.ledgerSomeBroken, String(broken.count))),
            Layout.table(caption: nil, headers: [T(.overdueVillage), T(.ledgerEvents), T(.ledgerState)], rows: rows),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.ledgerVerifyTitle, unit.name), body: body))
    }

    /// One page of the ledger, newest first (`limit`, `cursor`; `next`, `total`). The exports
    /// (`?format=` on the page) have a period's events whole.
    @Sendable func api(_ request: Request, _ unit: OrgUnit) async throws -> LedgerListDTO {
        let page = try await Self.keysetPage(request, unit, try Self.period(request))
        return LedgerListDTO(events: page.items.map(LedgerEventDTO.init), next: page.next, total: page.total)
    }

    @Sendable func apiVerify(_ request: Request, _ unit: OrgUnit) async throws -> VerificationDTO {
        return try await Self.verification(request, unit)
    }

    // MARK: Rates per month (items 25–28)

    /// Items 25–28's figures for each month of `year` and the whole year, over every station
    /// at or below `unit`. Counted in the database, a month at a time (`GROUP BY` the month of
    /// receipt): a district's year is some 300,000 requests, which the server once read whole.
    static func stats(_ request: Request, _ unit: OrgUnit, year: Int, asOf: LocalDate) async throws -> StationStatsDTO {
        let first = LocalDate.firstDay(of: year).description, last = LocalDate.lastDay(of: year).description
        let sql = try Dialect.sql(request.db)
        let today = asOf.description
        // Due by the as-of date (refused ones are never due); on time: completed by the due day.
        let due: SQLQueryString = "status <> 'refused' AND due_on IS NOT NULL AND due_on <= \(bind: today)"
        let onTime = due + " AND completed_on IS NOT NULL AND completed_on <= due_on"
        let requests = try await sql.raw("""
            SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS n, \(Dialect.count(sql, where: due)) AS due,
              \(Dialect.count(sql, where: onTime)) AS on_time, \(Dialect.count(sql, where: "feedback IS NOT NULL")) AS rated,
              \(Dialect.count(sql, where: "feedback IS NOT NULL AND feedback <> 'dissatisfied'")) AS satisfied
            FROM service_requests WHERE \(Dialect.pathBelow(sql, unit.path, column: "unit_path")) AND received_on >= \(bind: first) AND received_on <= \(bind: last)
            GROUP BY substr(received_on, 1, 7)
            """).all()
        let complaints = try await sql.raw("""
            SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS n, \(Dialect.count(sql, where: "satisfaction IS NOT NULL")) AS rated,
              \(Dialect.count(sql, where: "satisfaction IS NOT NULL AND satisfaction <> 'dissatisfied'")) AS satisfied
            FROM complaints WHERE \(Dialect.pathBelow(sql, unit.path, column: "unit_path")) AND received_on >= \(bind: first) AND received_on <= \(bind: last)
            GROUP BY substr(received_on, 1, 7)
            """).all()
        struct Tally { var received = 0, due = 0, onTime = 0, rated = 0, satisfied = 0, complaints = 0, complaintsRated = 0, complaintsSatisfied = 0 }
        var byMonth: [String: Tally] = [:]
        // A count over no rows is NULL on some stores: 0.
        func count(_ row: any SQLRow, _ column: String) throws -> Int { try row.decode(column: column, as: Int?.self) ?? 0 }
        for row in requests {
            var t = Tally()
            (t.received, t.due, t.onTime, t.rated, t.satisfied) = (try count(row, "n"), try count(row, "due"), try count(row, "on_time"),
                                                                   try count(row, "rated"), try count(row, "satisfied"))
            byMonth[try row.decode(column: "month", as: String.self)] = t
        }
        for row in complaints {
            let month = try row.decode(column: "month", as: String.self)
            var t = byMonth[month] ?? Tally()
            (t.complaints, t.complaintsRated, t.complaintsSatisfied) = (try count(row, "n"), try count(row, "rated"), try count(row, "satisfied"))
            byMonth[month] = t
        }
        func share(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        func figures(_ label: String, _ t: Tally) -> MonthStatsDTO {
            // 满意率: of the complaints resolved with the resident's rating, satisfied or basically satisfied.
            MonthStatsDTO(month: label, received: t.received, due: t.due, completedOnTime: t.onTime, onTimeRate: share(t.onTime, t.due),
                          complaints: t.complaints, complaintRate: share(t.complaints, t.received),
                          complaintsRated: t.complaintsRated, complaintsSatisfied: t.complaintsSatisfied,
                          satisfactionRate: share(t.complaintsSatisfied, t.complaintsRated),
                          requestsRated: t.rated, requestsSatisfied: t.satisfied, feedbackRate: share(t.satisfied, t.rated))
        }
        let labels = (1...12).map { m in "\(year)-\(m < 10 ? "0" : "")\(m)" }
        let whole = labels.compactMap { byMonth[$0] }.reduce(into: Tally()) { sum, t in
            sum.received += t.received; sum.due += t.due; sum.onTime += t.onTime; sum.rated += t.rated; sum.satisfied += t.satisfied
            sum.complaints += t.complaints; sum.complaintsRated += t.complaintsRated; sum.complaintsSatisfied += t.complaintsSatisfied
        }
        return StationStatsDTO(year: year, months: labels.map { figures($0, byMonth[$0] ?? Tally()) }, total: figures(String(year), whole))
    }

    @Sendable func statsPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (year, asOf) = try StandardController.period(request)
        let stats = try await Self.stats(request, unit, year: year, asOf: asOf)
        func rate(_ r: Double?) -> String { r.map { Figure.text(($0 * 1000).rounded() / 10) + "%" } ?? "—" }
        let rows: [[Node]] = (stats.months + [stats.total]).map { m in
            [.text(m.month), .text(String(m.received)), .text(String(m.due)), .text(String(m.completedOnTime)), .text(rate(m.onTimeRate)),
             .text(String(m.complaints)), .text(rate(m.complaintRate)), .text(rate(m.satisfactionRate)), .text(rate(m.feedbackRate))]
        }
        let body: Node = .group([
            .el("p", ["class": "muted"], T(.statsIntro, asOf.description)),
            Charts.bars(stats.months.map { (String($0.month.suffix(2)), Double($0.received)) }, label: T(.statsChartLabel, String(year))),
            Layout.table(caption: nil, headers: [T(.statsMonth), T(.statsReceived), T(.statsDue), T(.statsOnTime), T(.statsOnTimeRate), T(.statsComplaints), T(.statsComplaintRate), T(.statsSatisfactionRate), T(.statsFeedbackRate)],
                         rows: rows),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.statsTitle, unit.name, String(year)), body: body))
    }

    @Sendable func apiStats(_ request: Request, _ unit: OrgUnit) async throws -> StationStatsDTO {
        let (year, asOf) = try StandardController.period(request)
        return try await Self.stats(request, unit, year: year, asOf: asOf)
    }
}

/// Inline SVG charts: no script, readable without colour (values are labelled).
enum Charts {
    static func bars(_ values: [(label: String, value: Double)], label: String) -> Node {
        let width = 36 * values.count + 20, height = 150
        let top = max(values.map(\.value).max() ?? 0, 1)
        var parts: [Node] = [.el("title", [:], label)]
        for (i, item) in values.enumerated() {
            let h = Int((item.value / top * 100).rounded())
            let x = 10 + i * 36
            parts.append(.el("rect", ["x": String(x), "y": String(120 - h), "width": "26", "height": String(h), "class": "bar"]))
            parts.append(.el("text", ["x": String(x + 13), "y": String(115 - h), "text-anchor": "middle", "class": "value"], Figure.text(item.value)))
            parts.append(.el("text", ["x": String(x + 13), "y": "138", "text-anchor": "middle"], item.label))
        }
        return .el("svg", ["viewBox": "0 0 \(width) \(height)", "role": "img", "aria-label": label, "class": "chart", "width": String(width), "height": String(height)], parts)
    }
}
