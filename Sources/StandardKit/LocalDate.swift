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

    /// Days in the months of `year` before `month`.
    static func daysBefore(month: Int, year: Int) -> Int {
        var days = 0
        for m in 1..<max(1, month) { days += daysIn(month: m, year: year) }
        return days
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
        // Ten ASCII bytes, written directly: this runs for many explanations.
        var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 45, 0, 0, 45, 0, 0)
        let zero = UInt8(ascii: "0")
        let y = max(0, min(year, 9999))
        bytes.0 = zero + UInt8(y / 1000); bytes.1 = zero + UInt8(y / 100 % 10); bytes.2 = zero + UInt8(y / 10 % 10); bytes.3 = zero + UInt8(y % 10)
        bytes.5 = zero + UInt8(month / 10); bytes.6 = zero + UInt8(month % 10)
        bytes.8 = zero + UInt8(day / 10); bytes.9 = zero + UInt8(day % 10)
        return withUnsafeBytes(of: &bytes) { String(decoding: $0, as: UTF8.self) }
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// The years a person may enter where a date or a year is asked for (a cycle, a promise,
    /// a filter): wide enough for any work the standard describes, narrow enough that no
    /// arithmetic on it can overflow.
    public static let sane = 2000...2100

    /// The first and last day of `year`, for years 1–9999 (a year outside is taken as the
    /// nearest of them, so a stray number can never overflow the day arithmetic).
    public static func firstDay(of year: Int) -> LocalDate { LocalDate(dayNumber: daysFromCivil(year: clamped(year), month: 1, day: 1)) }
    public static func lastDay(of year: Int) -> LocalDate { LocalDate(dayNumber: daysFromCivil(year: clamped(year), month: 12, day: 31)) }

    private static func clamped(_ year: Int) -> Int { min(max(year, 1), 9999) }
}

/// A division of the assessment year used by "at least N per period" rules.
public enum Period: String, Vocabulary {
    case quarter
    case halfYear
    case year

    /// What one period is called in explanations.
    public var noun: String { say(nounWord) }

    /// How many periods a year has.
    public var count: Int {
        switch self {
        case .quarter: return 4
        case .halfYear: return 2
        case .year: return 1
        }
    }

    /// The name of period `index` (0-based): 第一季度 (Q1), 上半年 (the first half), 全年 (the year).
    public func name(_ index: Int) -> String { say(nameWord(index)) }

    /// The catalogue's word for the name of period `index` (0-based; clamped to the year's periods).
    func nameWord(_ index: Int) -> Word {
        switch self {
        case .quarter:
            switch index {
            case ..<1: return .periodNameQuarter1
            case 1: return .periodNameQuarter2
            case 2: return .periodNameQuarter3
            default: return .periodNameQuarter4
            }
        case .halfYear: return index <= 0 ? .periodNameHalfYear1 : .periodNameHalfYear2
        case .year: return .periodNameYear
        }
    }

    /// The catalogue's word for what one period is called (`noun`).
    var nounWord: Word {
        switch self {
        case .quarter: return .periodNounQuarter
        case .halfYear: return .periodNounHalfYear
        case .year: return .periodNounYear
        }
    }

    /// How many periods of `year` have ended by `date` (inclusive: a period whose last
    /// day is `date` has ended).
    public func endedCount(in year: Int, by date: LocalDate) -> Int {
        if date.year < year { return 0 }
        if date.year > year { return count }
        let months = 12 / count
        let lastFullMonth = date.day == LocalDate.daysIn(month: date.month, year: date.year) ? date.month : date.month - 1
        return lastFullMonth / months
    }

    /// Period `index` (0-based) of `year`, computed without allocating.
    public func span(_ index: Int, of year: Int) -> PeriodSpan {
        let months = 12 / count
        let first = index * months + 1, last = first + months - 1
        let start = LocalDate.firstDay(of: year).adding(days: LocalDate.daysBefore(month: first, year: year))
        let end = LocalDate.firstDay(of: year).adding(days: LocalDate.daysBefore(month: last, year: year) + LocalDate.daysIn(month: last, year: year) - 1)
        return PeriodSpan(name: name(index), start: start, end: end)
    }

    /// The periods of `year`, each with its first and last day and a Chinese name.
    public func spans(of year: Int) -> [PeriodSpan] {
        (0..<count).map { span($0, of: year) }
    }
}

public struct PeriodSpan: Sendable, Equatable {
    public var name: String
    public var start: LocalDate
    public var end: LocalDate

    public func contains(_ date: LocalDate) -> Bool { start <= date && date <= end }
}
