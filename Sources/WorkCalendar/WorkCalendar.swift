import Foundation
import StandardKit

/// China's working-day calendar: Monday to Friday are working days, except the public
/// holidays the State Council announces each year, and some weekend days are working
/// days instead (调休上班). Time limits at a service station count these working days.
public struct WorkCalendar: Sendable {
    /// One year's announced days, in the format of the shipped data file.
    public struct Year: Sendable, Codable, Equatable {
        public var year: Int
        /// The notice the days come from.
        public var source: String
        public var holidays: [Holiday]
        public var workdays: [Workday]
        public init(year: Int, source: String, holidays: [Holiday], workdays: [Workday]) {
            self.year = year
            self.source = source
            self.holidays = holidays
            self.workdays = workdays
        }
    }

    /// A run of public holidays, both ends included.
    public struct Holiday: Sendable, Codable, Equatable {
        public var name: String
        public var from: String
        public var to: String
        public init(name: String, from: String, to: String) { self.name = name; self.from = from; self.to = to }
    }

    /// A weekend day that is worked instead.
    public struct Workday: Sendable, Codable, Equatable {
        public var name: String
        public var date: String
        public init(name: String, date: String) { self.name = name; self.date = date }
    }

    public enum DayKind: Sendable, Equatable {
        case workday
        case weekend
        case holiday(String)
        case makeUpWorkday(String)

        public var isWorking: Bool {
            switch self {
            case .workday, .makeUpWorkday: return true
            case .weekend, .holiday: return false
            }
        }
    }

    private var holidays: [Int: String] = [:]
    private var workdays: [Int: String] = [:]
    public private(set) var years: Set<Int> = []

    /// An empty calendar: Monday to Friday, no holidays.
    public init() {}

    /// Builds a calendar from announced years, checking each: real dates, ranges in order,
    /// no day both a holiday and a working day, make-up working days on a weekend.
    public init(years data: [Year]) throws(WorkCalendarError) {
        for year in data {
            guard (2000...2100).contains(year.year) else { throw .yearOutOfRange(year.year) }
            guard !years.contains(year.year) else { throw .duplicateYear(year.year) }
            years.insert(year.year)
            for holiday in year.holidays {
                guard !holiday.name.isEmpty else { throw .unnamedHoliday(year: year.year) }
                guard let from = LocalDate(holiday.from), let to = LocalDate(holiday.to) else {
                    throw .badHolidayDates(name: holiday.name, from: holiday.from, to: holiday.to)
                }
                guard from <= to, from.days(until: to) < 31 else { throw .badHolidaySpan(name: holiday.name) }
                for day in from.dayNumber...to.dayNumber { holidays[day] = holiday.name }
            }
            for workday in year.workdays {
                guard let date = LocalDate(workday.date) else { throw .badWorkdayDate(workday.date) }
                guard Self.weekday(date) >= 6 else { throw .workdayNotOnWeekend(workday.date) }
                workdays[date.dayNumber] = workday.name
            }
        }
        if let clash = holidays.keys.first(where: { workdays[$0] != nil }) {
            throw .holidayAndWorkday(LocalDate(dayNumber: clash).description)
        }
    }

    /// The years shipped with Cunwu (2025 and 2026), from the State Council's notices.
    public static func shippedYears() -> [Year] {
        guard let url = Bundle.module.url(forResource: "china-holidays", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.years
    }

    /// Reads years in the data file's format (`{"years": [...]}`) or a single year.
    public static func decode(_ data: Data) throws(WorkCalendarError) -> [Year] {
        if let file = try? JSONDecoder().decode(File.self, from: data) { return file.years }
        if let year = try? JSONDecoder().decode(Year.self, from: data) { return [year] }
        throw .notACalendarFile
    }

    private struct File: Codable { var years: [Year] }

    /// 1 = Monday … 7 = Sunday.
    public static func weekday(_ date: LocalDate) -> Int {
        let w = (date.dayNumber + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    public func kind(of date: LocalDate) -> DayKind {
        if let name = holidays[date.dayNumber] { return .holiday(name) }
        if let name = workdays[date.dayNumber] { return .makeUpWorkday(name) }
        return Self.weekday(date) >= 6 ? .weekend : .workday
    }

    public func isWorkingDay(_ date: LocalDate) -> Bool { kind(of: date).isWorking }

    /// Whether the year's holidays are known; without them only weekends are skipped.
    public func covers(_ year: Int) -> Bool { years.contains(year) }

    /// The years from `start` to `end` whose holidays are not in the calendar: working days
    /// counted there assume Monday to Friday and may move once the year is announced.
    public func uncoveredYears(from start: LocalDate, through end: LocalDate) -> [Int] {
        guard start <= end else { return [] }
        return (start.year...end.year).filter { !years.contains($0) }
    }

    /// The `count`-th working day after `start` (the count begins the day after). With
    /// a count of 0, `start` itself: a matter settled on the spot is due the same day.
    public func adding(workingDays count: Int, after start: LocalDate) -> LocalDate {
        var day = start
        var left = count
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days in (start, end]: how many have been used of a time limit counted
    /// from `start`. Zero when `end` is not after `start`.
    public func workingDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard start < end else { return 0 }
        var count = 0
        for n in (start.dayNumber + 1)...end.dayNumber where isWorkingDay(LocalDate(dayNumber: n)) { count += 1 }
        return count
    }
}

/// What is wrong with announced years; the application says it in the reader's language.
public enum WorkCalendarError: Error, Sendable, Equatable {
    case yearOutOfRange(Int)
    case duplicateYear(Int)
    case unnamedHoliday(year: Int)
    case badHolidayDates(name: String, from: String, to: String)
    /// Ends before it starts, or lasts a month or more.
    case badHolidaySpan(name: String)
    case badWorkdayDate(String)
    case workdayNotOnWeekend(String)
    case holidayAndWorkday(String)
    /// Neither `{"years": [...]}` nor one year.
    case notACalendarFile
}
