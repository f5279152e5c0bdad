import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import StandardKit
import WorkCalendar

/// The working-day calendar kept in the database, so administrators can correct it and
/// import later years; built into a `WorkCalendar` for each use (a few dozen rows a year).
enum CalendarStore {
    static func years(on db: any Database) async throws -> [WorkCalendar.Year] {
        let sql = try Dialect.sql(db)
        let years = try await sql.select().column("year").column("source").from("calendar_years").orderBy("year").all()
        let days = try await sql.select().column("*").from("calendar_days").orderBy("date").all()
        var out: [Int: WorkCalendar.Year] = [:]
        for row in years {
            let year = try row.decode(column: "year", as: Int.self)
            out[year] = WorkCalendar.Year(year: year, source: try row.decode(column: "source", as: String.self), holidays: [], workdays: [])
        }
        for row in days {
            let year = try row.decode(column: "year", as: Int.self)
            let date = try row.decode(column: "date", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            if try row.decode(column: "kind", as: String.self) == "holiday" {
                out[year]?.holidays.append(.init(name: name, from: date, to: date))
            } else {
                out[year]?.workdays.append(.init(name: name, date: date))
            }
        }
        return out.keys.sorted().compactMap { out[$0] }
    }

    static func load(on db: any Database) async throws -> WorkCalendar {
        (try? WorkCalendar(years: try await years(on: db))) ?? WorkCalendar()
    }

    /// Replaces one year's days (inside the caller's transaction).
    static func replace(_ year: WorkCalendar.Year, on db: any Database) async throws {
        let sql = try Dialect.sql(db)
        try await sql.delete(from: "calendar_days").where("year", .equal, SQLBind(year.year)).run()
        try await sql.delete(from: "calendar_years").where("year", .equal, SQLBind(year.year)).run()
        try await sql.insert(into: "calendar_years").columns("id", "year", "source").values(SQLBind(UUID()), SQLBind(year.year), SQLBind(year.source)).run()
        var seen = Set<String>()
        for holiday in year.holidays {
            guard let from = LocalDate(holiday.from), let to = LocalDate(holiday.to), from <= to else { continue }
            for n in from.dayNumber...to.dayNumber {
                let date = LocalDate(dayNumber: n).description
                guard seen.insert(date).inserted else { continue }
                try await insertDay(sql, year: year.year, date: date, kind: "holiday", name: holiday.name)
            }
        }
        for workday in year.workdays where seen.insert(workday.date).inserted {
            try await insertDay(sql, year: year.year, date: workday.date, kind: "workday", name: workday.name)
        }
    }

    private static func insertDay(_ sql: any SQLDatabase, year: Int, date: String, kind: String, name: String) async throws {
        try await sql.insert(into: "calendar_days").columns("id", "year", "date", "kind", "name")
            .values(SQLBind(UUID()), SQLBind(year), SQLBind(date), SQLBind(kind), SQLBind(name)).run()
    }
}

/// The calendar kept in a server's memory for half a minute: every intake and action needs
/// it, and it changes about once a year. A change made on this server is seen at once
/// (`forget`), one made on another within 30 seconds.
final class CalendarCache: Sendable {
    private let value = NIOLockedValueBox<(calendar: WorkCalendar, at: Date)?>(nil)

    func calendar(at now: Date, on db: any Database) async throws -> WorkCalendar {
        if let kept = value.withLockedValue({ $0 }), now.timeIntervalSince(kept.at) < 30, now >= kept.at { return kept.calendar }
        let calendar = try await CalendarStore.load(on: db)
        value.withLockedValue { $0 = (calendar, now) }
        return calendar
    }

    func forget() {
        value.withLockedValue { $0 = nil }
    }
}
