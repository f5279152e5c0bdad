/// A calendar date without a time zone (the standard's years, quarters and deadlines
/// are civil dates in Beijing). Ordered and hashable; arithmetic is on day numbers, so
/// the engine never touches Foundation's Calendar on its hot path.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.dayNumber = LocalDate.daysFromCivil(year: year, month: month, day: day)
    }

    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
        self.dayNumber = dayNumber
    }

    /// Parses `YYYY-MM-DD` strictly (ISO 8601 calendar date, four-digit year).
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let b = utf8[i]
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// 1...4
    public var quarter: Int { (month - 1) / 3 + 1 }

    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-"
            + (m.count == 1 ? "0" : "") + m + "-" + (d.count == 1 ? "0" : "") + d
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public static func firstDay(of year: Int) -> LocalDate { LocalDate(dayNumber: daysFromCivil(year: year, month: 1, day: 1)) }
    public static func lastDay(of year: Int) -> LocalDate { LocalDate(dayNumber: daysFromCivil(year: year, month: 12, day: 31)) }
}

/// A division of the assessment year used by "at least N per period" rules.
public enum Period: String, Vocabulary {
    case quarter
    case halfYear
    case year

    public var label: String {
        switch self {
        case .quarter: return "每季度"
        case .halfYear: return "每半年"
        case .year: return "每年"
        }
    }

    /// What one period is called in explanations.
    public var noun: String {
        switch self {
        case .quarter: return "季度"
        case .halfYear: return "半年度"
        case .year: return "年度"
        }
    }

    /// The periods of `year`, each with its first and last day and a Chinese name.
    public func spans(of year: Int) -> [PeriodSpan] {
        let months: [(Int, Int, String)]
        switch self {
        case .quarter: months = [(1, 3, "第一季度"), (4, 6, "第二季度"), (7, 9, "第三季度"), (10, 12, "第四季度")]
        case .halfYear: months = [(1, 6, "上半年"), (7, 12, "下半年")]
        case .year: months = [(1, 12, "全年")]
        }
        return months.compactMap { first, last, name in
            guard let start = LocalDate(year: year, month: first, day: 1),
                  let end = LocalDate(year: year, month: last, day: LocalDate.daysIn(month: last, year: year)) else { return nil }
            return PeriodSpan(name: name, start: start, end: end)
        }
    }
}

public struct PeriodSpan: Sendable, Equatable {
    public var name: String
    public var start: LocalDate
    public var end: LocalDate

    public func contains(_ date: LocalDate) -> Bool { start <= date && date <= end }
}
