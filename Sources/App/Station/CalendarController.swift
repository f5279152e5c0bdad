import Fluent
import StandardKit
import Vapor
import WorkCalendar

/// The working-day calendar: administrators correct days and import later years from
/// the State Council's notice, in the same format as the shipped data file.
struct CalendarController {
    func register(_ router: Router) {
        // Made at boot, before requests run concurrently (Application's storage is not locked).
        _ = router.app.calendarCache
        router.page(.GET, .calendar, .everywhere(.manageCalendar), page)
        router.page(.POST, .calendarDays, .everywhere(.manageCalendar), addDay)
        router.page(.POST, .calendarDaysDelete, .everywhere(.manageCalendar), deleteDay)
        router.page(.POST, .calendarImport, .everywhere(.manageCalendar), importYears)
        router.api(.GET, .calendar, .signedIn, APIDoc(summary: T(.apiCalendar), response: "CalendarYears"), apiList)
        router.api(.POST, .calendar, .everywhere(.manageCalendar),
                   APIDoc(summary: T(.apiImportCalendar), request: "CalendarYears", response: "CalendarYears"),
                   apiImport)
    }

    struct YearsDTO: Content { var years: [WorkCalendar.Year] }

    /// Replaces the given years after checking the whole calendar they would make.
    static func store(_ years: [WorkCalendar.Year], request: Request) async throws {
        var all = try await CalendarStore.years(on: request.db).filter { old in !years.contains { $0.year == old.year } }
        all += years
        do { _ = try WorkCalendar(years: all) } catch {
            throw AppError.validation([FieldError(field: "years", message: error.text)])
        }
        var seen: [String: Int] = [:]
        for year in all {
            for day in year.workdays.map(\.date) + year.holidays.flatMap(Self.dates) {
                if let other = seen[day], other != year.year { throw AppError.validation([FieldError(field: "years", message: T(.calendarDayInTwoYears, day))]) }
                seen[day] = year.year
            }
        }
        try await request.db.transaction { db in
            for year in years { try await CalendarStore.replace(year, on: db) }
            try await Audit.record(on: db, author: request.author, action: "updateCalendar", objectType: "calendar",
                                   objectID: years.map { String($0.year) }.joined(separator: ","), unitPath: "/")
        }
        request.application.calendarCache.forget()
    }

    static func dates(_ holiday: WorkCalendar.Holiday) -> [String] {
        guard let from = LocalDate(holiday.from), let to = LocalDate(holiday.to), from <= to, from.days(until: to) < 31 else { return [] }
        return (from.dayNumber...to.dayNumber).map { LocalDate(dayNumber: $0).description }
    }

    private func render(_ request: Request, errors: [FieldError] = [], status: HTTPStatus = .ok) async throws -> Response {
        let years = try await CalendarStore.years(on: request.db)
        var parts: [Node] = [.el("p", [:], T(.calendarIntro)), Layout.errorSummary(errors)]
        for year in years.reversed() {
            let days = (year.holidays.map { ($0.from, T(.calendarHoliday), $0.name) } + year.workdays.map { ($0.date, T(.calendarWorkday), $0.name) })
                .sorted { $0.0 < $1.0 }
            let rows: [[Node]] = days.map { [.text($0.0), .text($0.1), .text($0.2), deleteButton(request, $0.0)] }
            parts.append(.el("h2", [:], T(.calendarYear, String(year.year))))
            parts.append(.el("p", ["class": "muted"], year.source))
            parts.append(Layout.table(caption: nil, headers: [T(.calendarDate), T(.calendarKind), T(.calendarName), ""], rows: rows))
        }
        parts.append(.el("form", ["method": "post", "action": Route.calendarDays.path], [
            .el("h2", [:], T(.calendarAddDay)), Layout.csrfField(request),
            Layout.field("date", T(.calendarDate), value: "", type: "date", errors: errors),
            Layout.select("kind", T(.calendarKind), options: [("holiday", T(.calendarHoliday)), ("workday", T(.calendarWorkday))], selected: "holiday", errors: errors),
            Layout.field("name", T(.calendarName), value: "", errors: errors),
            .el("button", ["type": "submit"], T(.calendarAddDay)),
        ]))
        parts.append(.el("form", ["method": "post", "action": Route.calendarImport.path], [
            .el("h2", [:], T(.calendarImport)), Layout.csrfField(request),
            Layout.textarea("data", T(.calendarImportData), value: "", errors: errors, hint: T(.calendarImportHint), rows: 8),
            .el("button", ["type": "submit"], T(.calendarImport)),
        ]))
        return HTMLResponse.page(request, T(.calendarTitle), .group(parts), status: status)
    }

    private func deleteButton(_ request: Request, _ date: String) -> Node {
        .el("form", ["method": "post", "action": Route.calendarDaysDelete.path, "class": "inline"], [
            Layout.csrfField(request), .input(["type": "hidden", "name": "date", "value": date]), .el("button", ["type": "submit", "class": "link"], T(.calendarRemove)),
        ])
    }

    @Sendable func page(_ request: Request, _: OrgUnit?) async throws -> Response { try await render(request) }

    private func changing(_ request: Request, _ change: ([WorkCalendar.Year]) throws -> [WorkCalendar.Year]) async throws -> Response {
        do {
            try await Self.store(try change(try await CalendarStore.years(on: request.db)), request: request)
            return request.redirect(to: Route.calendar.path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await render(request, errors: errors, status: .unprocessableEntity)
        }
    }

    @Sendable func addDay(_ request: Request, _: OrgUnit?) async throws -> Response {
        let form = try FormFields(request)
        return try await changing(request) { years in
            var v = Validator()
            let date = v.date("date", T(.calendarDate), form["date"]).flatMap(LocalDate.init)
            if date == nil && (form["date"] ?? "").isEmpty { v.fail("date", T(.validationRequired, T(.calendarDate))) }
            let name = v.text("name", T(.calendarName), form["name"], maxLength: 30)
            let kind = form["kind"] ?? ""
            if kind != "holiday" && kind != "workday" { v.fail("kind", T(.calendarKindUnknown)) }
            try v.finish()
            guard let date else { return [] }
            var year = years.first { $0.year == date.year } ?? WorkCalendar.Year(year: date.year, source: T(.calendarAddedByAdmin), holidays: [], workdays: [])
            year.holidays.removeAll { $0.from == date.description }
            year.workdays.removeAll { $0.date == date.description }
            if kind == "holiday" { year.holidays.append(.init(name: name, from: date.description, to: date.description)) }
            else { year.workdays.append(.init(name: name, date: date.description)) }
            return [year]
        }
    }

    @Sendable func deleteDay(_ request: Request, _: OrgUnit?) async throws -> Response {
        let date = try FormFields(request)["date"] ?? ""
        return try await changing(request) { years in
            guard let day = LocalDate(date), var year = years.first(where: { $0.year == day.year }) else {
                throw AppError.validation([FieldError(field: "date", message: T(.validationDate, T(.calendarDate)))])
            }
            year.holidays.removeAll { $0.from == date }
            year.workdays.removeAll { $0.date == date }
            return [year]
        }
    }

    @Sendable func importYears(_ request: Request, _: OrgUnit?) async throws -> Response {
        let data = try FormFields(request)["data"] ?? ""
        return try await changing(request) { _ in
            do throws(WorkCalendarError) { return try WorkCalendar.decode(Data(data.utf8)) } catch {
                throw AppError.validation([FieldError(field: "data", message: error.text)])
            }
        }
    }

    @Sendable func apiList(_ request: Request, _: OrgUnit?) async throws -> YearsDTO { YearsDTO(years: try await CalendarStore.years(on: request.db)) }

    @Sendable func apiImport(_ request: Request, _: OrgUnit?) async throws -> YearsDTO {
        let data = request.body.data.map { Data($0.readableBytesView) } ?? Data()
        let years: [WorkCalendar.Year]
        do { years = try WorkCalendar.decode(data) } catch { throw AppError.validation([FieldError(field: "years", message: error.text)]) }
        try await Self.store(years, request: request)
        return YearsDTO(years: try await CalendarStore.years(on: request.db))
    }
}

extension WorkCalendar.Year: Content {}

extension Application {
    private struct CalendarCacheKey: StorageKey { typealias Value = CalendarCache }
    var calendarCache: CalendarCache {
        if let cache = storage[CalendarCacheKey.self] { return cache }
        let cache = CalendarCache()
        storage[CalendarCacheKey.self] = cache
        return cache
    }
}

extension Request {
    /// The working-day calendar, from this server's cache (`CalendarCache`).
    func workCalendar() async throws -> WorkCalendar {
        try await application.calendarCache.calendar(at: now, on: readDB)
    }
}
