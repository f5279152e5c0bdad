import StandardKit
import Testing
@testable import WorkCalendar

private func date(_ text: String) throws -> LocalDate { try #require(LocalDate(text)) }

@Suite struct WorkCalendarTests {
    let calendar: WorkCalendar

    init() throws {
        calendar = try WorkCalendar(years: WorkCalendar.shippedYears())
    }

    @Test func shipsTheStateCouncilYears() throws {
        #expect(calendar.covers(2025) && calendar.covers(2026))
        #expect(!calendar.covers(2027))
        for year in WorkCalendar.shippedYears() { #expect(year.source.contains("国务院办公厅")) }
    }

    @Test func weekdaysAreRight() throws {
        #expect(WorkCalendar.weekday(try date("1970-01-01")) == 4)
        #expect(WorkCalendar.weekday(try date("2026-02-14")) == 6)
        #expect(WorkCalendar.weekday(try date("2026-02-15")) == 7)
        #expect(WorkCalendar.weekday(try date("2025-01-26")) == 7)
    }

    @Test func holidaysAndMakeUpDays() throws {
        #expect(calendar.kind(of: try date("2026-02-16")) == .holiday("春节"))
        #expect(calendar.kind(of: try date("2026-02-14")) == .makeUpWorkday("春节调休上班"))
        #expect(calendar.kind(of: try date("2026-02-28")).isWorking)
        #expect(calendar.kind(of: try date("2026-03-01")) == .weekend)
        #expect(calendar.kind(of: try date("2026-02-24")) == .workday)
        #expect(!calendar.isWorkingDay(try date("2025-10-08")))  // the merged National Day and Mid-Autumn break
        #expect(calendar.isWorkingDay(try date("2025-10-11")))  // a Saturday worked
        #expect(calendar.isWorkingDay(try date("2025-01-26")))  // a Sunday worked before the Spring Festival
    }

    /// A three-working-day matter accepted on the Friday before the 2026 Spring Festival
    /// break: the next day is a make-up Saturday, then nine days off.
    @Test func threeWorkingDaysAcrossTheSpringFestival() throws {
        let accepted = try date("2026-02-13")
        #expect(calendar.adding(workingDays: 1, after: accepted) == (try date("2026-02-14")))
        #expect(calendar.adding(workingDays: 2, after: accepted) == (try date("2026-02-24")))
        #expect(calendar.adding(workingDays: 3, after: accepted) == (try date("2026-02-25")))
        #expect(calendar.workingDays(after: accepted, through: try date("2026-02-24")) == 2)
    }

    /// 2025: accepted on Friday 24 January; Sunday 26 January is worked, then the break
    /// runs 28 January – 4 February.
    @Test func threeWorkingDaysAcrossTheSpringFestival2025() throws {
        let accepted = try date("2025-01-24")
        #expect(calendar.adding(workingDays: 3, after: accepted) == (try date("2025-02-05")))
        let onlyWeekends = WorkCalendar()
        #expect(onlyWeekends.adding(workingDays: 3, after: accepted) == (try date("2025-01-29")))
    }

    @Test func nationalDayAndLabourDay() throws {
        // Friday 26 September 2025 + 2 working days: Sunday 28 September (worked), then Monday 29.
        #expect(calendar.adding(workingDays: 2, after: try date("2025-09-26")) == (try date("2025-09-29")))
        // 30 April 2026 (Thursday) + 1: the break runs 1–5 May, so Wednesday 6 May.
        #expect(calendar.adding(workingDays: 1, after: try date("2026-04-30")) == (try date("2026-05-06")))
        // 2026 New Year: Wednesday 31 December 2025 + 1 is Sunday 4 January 2026 (worked).
        #expect(calendar.adding(workingDays: 1, after: try date("2025-12-31")) == (try date("2026-01-04")))
    }

    @Test func zeroDaysIsTheSameDay() throws {
        let day = try date("2026-02-16")
        #expect(calendar.adding(workingDays: 0, after: day) == day)
        #expect(calendar.workingDays(after: day, through: day) == 0)
        #expect(calendar.workingDays(after: try date("2026-03-02"), through: try date("2026-02-27")) == 0)
    }

    @Test func countsAgreeWithAdding() throws {
        var start = try date("2025-01-01")
        while start.year < 2027 {
            for n in [1, 3, 5, 10] {
                let due = calendar.adding(workingDays: n, after: start)
                #expect(calendar.workingDays(after: start, through: due) == n)
                #expect(calendar.isWorkingDay(due))
            }
            start = start.adding(days: 5)
        }
    }

    @Test func badDataIsRefusedWithAReason() throws {
        func refused(_ year: WorkCalendar.Year) -> WorkCalendarError? {
            do { _ = try WorkCalendar(years: [year]); return nil } catch { return error }
        }
        #expect(refused(.init(year: 2027, source: "x", holidays: [.init(name: "春节", from: "2027-02-30", to: "2027-02-31")], workdays: []))
                == .badHolidayDates(name: "春节", from: "2027-02-30", to: "2027-02-31"))
        #expect(refused(.init(year: 2027, source: "x", holidays: [.init(name: "春节", from: "2027-02-10", to: "2027-02-05")], workdays: [])) == .badHolidaySpan(name: "春节"))
        #expect(refused(.init(year: 2027, source: "x", holidays: [], workdays: [.init(name: "调休", date: "2027-02-03")])) == .workdayNotOnWeekend("2027-02-03"))
        #expect(refused(.init(year: 2027, source: "x", holidays: [.init(name: "假", from: "2027-02-06", to: "2027-02-07")],
                              workdays: [.init(name: "调休", date: "2027-02-06")])) == .holidayAndWorkday("2027-02-06"))
        #expect(refused(.init(year: 1999, source: "x", holidays: [], workdays: [])) == .yearOutOfRange(1999))
        #expect(throws: WorkCalendarError.duplicateYear(2025)) { _ = try WorkCalendar(years: WorkCalendar.shippedYears() + WorkCalendar.shippedYears()) }
        #expect(throws: WorkCalendarError.notACalendarFile) { _ = try WorkCalendar.decode(Data("[1]".utf8)) }
    }

    @Test func decodesOneYearOrAFile() throws {
        let one = #"{"year": 2027, "source": "通知", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}], "workdays": []}"#
        let years = try WorkCalendar.decode(Data(one.utf8))
        #expect(years.count == 1 && years[0].holidays[0].name == "元旦")
        #expect(throws: WorkCalendarError.self) { _ = try WorkCalendar.decode(Data("[1,2]".utf8)) }
    }
}

import Foundation
