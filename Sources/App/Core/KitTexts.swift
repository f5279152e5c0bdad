import Ledger
import Spreadsheet
import WorkCalendar

// The pure kits report what is wrong as typed cases; the application says each in the
// reader's language from its catalogue.

extension SpreadsheetError {
    var text: String {
        switch self {
        case let .tooLarge(limit): T(.sheetTooLarge, String(limit / 1024 / 1024))
        case .notUTF8: T(.sheetNotUTF8)
        case let .unterminatedQuote(line): T(.sheetUnterminatedQuote, String(line))
        case let .notXLSX(problem): T(.sheetNotXLSX, problem.text)
        }
    }
}

extension XLSXProblem {
    var text: String {
        switch self {
        case .cannotWrite: T(.xlsxCannotWrite)
        case .unreadable: T(.xlsxUnreadable)
        case .notZip: T(.xlsxNotZip)
        case .corrupt: T(.xlsxCorrupt)
        case .noWorkbook: T(.xlsxNoWorkbook)
        case .noSheets: T(.xlsxNoSheets)
        case .sheetMissing: T(.xlsxSheetMissing)
        }
    }
}

extension WorkCalendarError {
    var text: String {
        switch self {
        case let .yearOutOfRange(year): T(.calendarYearOutOfRange, String(year))
        case let .duplicateYear(year): T(.calendarDuplicateYear, String(year))
        case let .unnamedHoliday(year): T(.calendarUnnamedHoliday, String(year))
        case let .badHolidayDates(name, from, to): T(.calendarBadHolidayDates, name, from, to)
        case let .badHolidaySpan(name): T(.calendarBadHolidaySpan, name)
        case let .badWorkdayDate(date): T(.calendarBadWorkdayDate, date)
        case let .workdayNotOnWeekend(date): T(.calendarWorkdayNotWeekend, date)
        case let .holidayAndWorkday(date): T(.calendarHolidayAndWorkday, date)
        case .notACalendarFile: T(.calendarNotAFile)
        }
    }
}

extension LedgerChain.Reason {
    var text: String {
        switch self {
        case .contentChanged: T(.chainContentChanged)
        case .linkBroken: T(.chainLinkBroken)
        case .sequenceGap: T(.chainSequenceGap)
        case .truncated: T(.chainTruncated)
        case .rewritten: T(.chainRewritten)
        }
    }
}

extension AnchorLog.Problem {
    var text: String {
        switch self {
        case let .notAuthentic(line): T(.anchorNotAuthentic, String(line))
        case let .unknownKey(line, keyID): T(.anchorUnknownKey, String(line), keyID)
        case let .linkBroken(line): T(.anchorLinkBroken, String(line))
        case let .conflicting(line, station): T(.anchorConflicting, String(line), station)
        }
    }
}
