import Foundation

/// A table of text: a header row and data rows, read from or written to CSV and XLSX.
public struct Sheet: Sendable, Equatable {
    public var rows: [[String]]
    public init(rows: [[String]]) { self.rows = rows }
}

/// One cell of a typed sheet: what Excel and WPS should sum, filter and sort as such.
public enum SheetCell: Sendable, Equatable {
    case empty
    case text(String)
    /// A count (`decimals` 0) or money and scores (`decimals` 2).
    case number(Double, decimals: Int)
    case date(year: Int, month: Int, day: Int)
    case dateTime(year: Int, month: Int, day: Int, minutes: Int)

    /// The cell as CSV writes it.
    public var text: String {
        switch self {
        case .empty: return ""
        case let .text(t): return t
        case let .number(value, decimals): return decimals == 0 && value == value.rounded() ? String(Int64(value)) : String(format: "%.\(decimals)f", value)
        case let .date(y, m, d): return String(format: "%04d-%02d-%02d", y, m, d)
        case let .dateTime(y, m, d, minutes): return String(format: "%04d-%02d-%02d %02d:%02d", y, m, d, minutes / 60, minutes % 60)
        }
    }
}

/// A sheet with a header row and typed cells, as an export or a template is written:
/// column widths, columns kept as text (identity and phone numbers) and drop-down lists.
public struct TypedSheet: Sendable, Equatable {
    public var header: [String]
    public var rows: [[SheetCell]]
    /// Columns whose cells are text whatever is typed into them.
    public var textColumns: [Bool]
    /// Per column, the choices of a drop-down list (nil: free).
    public var choices: [[String]?]
    /// Per column, a width in characters (nil: from the contents).
    public var widths: [Double?]

    public init(header: [String], rows: [[SheetCell]], textColumns: [Bool] = [], choices: [[String]?] = [], widths: [Double?] = []) {
        self.header = header
        self.rows = rows
        self.textColumns = textColumns
        self.choices = choices
        self.widths = widths
    }

    /// A sheet of text, its first row the header.
    public init(_ sheet: Sheet) {
        self.init(header: sheet.rows.first ?? [], rows: sheet.rows.dropFirst().map { $0.map { $0.isEmpty ? .empty : .text($0) } })
    }

    /// The column's width: as set, else fitted to its longest text (a CJK character counts
    /// twice), between 6 and 60.
    func width(of column: Int) -> Int {
        if column < widths.count, let set = widths[column] { return Int(set.rounded()) }
        func size(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) } }
        var widest = column < header.count ? size(header[column]) : 0
        for row in rows.prefix(500) where column < row.count { widest = max(widest, size(row[column].text)) }
        return min(60, max(6, widest + 2))
    }

    /// As plain text (CSV).
    public var plain: Sheet { Sheet(rows: [header] + rows.map { $0.map(\.text) }) }
}

/// What is wrong with a file; the application says it in the reader's language.
public enum SpreadsheetError: Error, Sendable, Equatable {
    case tooLarge(limit: Int)
    case notUTF8
    case unterminatedQuote(line: Int)
    case notXLSX(XLSXProblem)
}

/// Why a file is not a workbook this reader can take.
public enum XLSXProblem: String, Sendable, Equatable {
    /// Writing: the archive could not be made.
    case cannotWrite
    /// The upload could not be put where the reader opens it.
    case unreadable
    /// Not a ZIP archive (an Office file is one).
    case notZip
    /// An entry could not be unpacked.
    case corrupt
    case noWorkbook
    case noSheets
    case sheetMissing
}

/// CSV as Excel reads and writes it: UTF-8 with a byte-order mark, CRLF, quotes doubled.
public enum CSV {
    public static let maximumBytes = 5 * 1024 * 1024

    public static func write(_ sheet: Sheet) -> Data {
        var out = "\u{FEFF}"
        for row in sheet.rows {
            out += row.map(quote).joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }

    /// Cells that a spreadsheet would run as formulas are prefixed with a quote mark
    /// (OWASP "CSV injection"); cells with separators, quotes or line breaks are quoted.
    static func quote(_ cell: String) -> String {
        var text = cell
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func read(_ data: Data) throws(SpreadsheetError) -> Sheet {
        guard data.count <= maximumBytes else { throw .tooLarge(limit: maximumBytes) }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else { throw .notUTF8 }
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var quoteLine = 1
        var iterator = text.makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { cell.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    cell.append(c)
                }
                continue
            }
            switch c {
            case "\"" where cell.isEmpty:
                quoted = true
                quoteLine = line
            case ",":
                row.append(cell)
                cell = ""
            case "\n", "\r\n", "\r":
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
                line += 1
            default:
                cell.append(c)
            }
        }
        if quoted { throw .unterminatedQuote(line: quoteLine) }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        // Drop wholly empty lines (Excel writes them at the end).
        return Sheet(rows: rows.filter { !$0.allSatisfy { $0.isEmpty } })
    }
}
