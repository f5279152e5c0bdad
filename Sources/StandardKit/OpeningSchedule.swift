import Foundation

/// The station's weekly opening schedule as people write it, one line per rule:
///
///     周一至周五 08:30-12:00 13:30-17:30
///     周六 09:00-12:00
///
/// Days are 周一…周日 (or 星期一…, or 1–7), a single day or a range with “至” or “-”.
public enum OpeningSchedule {
    public struct LineError: Error, Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// Every problem in a schedule, in line order.
    public struct Problems: Error, Sendable, Equatable {
        public var lines: [LineError]
    }

    static let dayNames: [String: Int] = [
        "周一": 1, "周二": 2, "周三": 3, "周四": 4, "周五": 5, "周六": 6, "周日": 7, "周天": 7,
        "星期一": 1, "星期二": 2, "星期三": 3, "星期四": 4, "星期五": 5, "星期六": 6, "星期日": 7, "星期天": 7,
        "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7,
    ]
    public static let weekdayNames = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

    /// Every problem, each with its line number; intervals only when there are none.
    public static func parse(_ text: String) -> Result<[VillageFacts.OpeningInterval], Problems> {
        var intervals: [VillageFacts.OpeningInterval] = []
        var errors: [LineError] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "，" || $0 == "," || $0 == "　" }).map(String.init)
            guard parts.count >= 2 else {
                errors.append(LineError(line: index + 1, message: say(.scheduleBadLine, String(index + 1))))
                continue
            }
            guard let days = Self.days(parts[0]) else {
                errors.append(LineError(line: index + 1, message: say(.scheduleBadDays, String(index + 1), parts[0])))
                continue
            }
            for span in parts.dropFirst() {
                let ends = span.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "~" || $0 == "至" }).map(String.init)
                guard ends.count == 2, let from = ClockTime(ends[0]), let to = ClockTime(ends[1]) else {
                    errors.append(LineError(line: index + 1, message: say(.scheduleBadSpan, String(index + 1), span)))
                    continue
                }
                guard from < to else {
                    errors.append(LineError(line: index + 1, message: say(.scheduleSpanBackwards, String(index + 1), span)))
                    continue
                }
                for day in days { intervals.append(VillageFacts.OpeningInterval(weekday: day, from: from, to: to)) }
            }
        }
        return errors.isEmpty ? .success(intervals) : .failure(Problems(lines: errors))
    }

    private static func days(_ text: String) -> [Int]? {
        if let day = dayNames[text] { return [day] }
        for separator in ["至", "-", "~", "–"] where text.contains(separator) {
            let ends = text.components(separatedBy: separator)
            guard ends.count == 2, let first = dayNames[ends[0]], let last = dayNames[ends[1]], first <= last else { return nil }
            return Array(first...last)
        }
        return nil
    }

    /// Total minutes a week, overlapping intervals of a day counted once.
    public static func weeklyMinutes(_ intervals: [VillageFacts.OpeningInterval]) -> Int {
        RuleContext.weeklyMinutes(intervals)
    }

    /// "40小时" or "38小时30分" ("40 h", "38 h 30 min").
    public static func hoursText(minutes: Int) -> String {
        minutes % 60 == 0 ? say(.hoursWhole, String(minutes / 60)) : say(.hoursWithMinutes, String(minutes / 60), String(minutes % 60))
    }
}

/// How the product writes figures: at most two decimals, trailing zeros dropped (50, 49.9, 12.25).
public enum Figure {
    public static func text(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100, fraction = abs(hundredths % 100)
        if fraction == 0 { return String(whole) }
        let sign = hundredths < 0 && whole == 0 ? "-" : ""
        return fraction % 10 == 0 ? "\(sign)\(whole).\(fraction / 10)" : "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
