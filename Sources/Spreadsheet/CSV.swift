import Foundation

/// A table of text: a header row and data rows, read from or written to CSV and XLSX.
public struct Sheet: Sendable, Equatable {
    public var rows: [[String]]
    public init(rows: [[String]]) { self.rows = rows }
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
