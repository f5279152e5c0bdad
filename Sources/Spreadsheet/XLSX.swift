import Foundation
import ZIPFoundation

/// The smallest real XLSX (Office Open XML) that Excel, WPS and LibreOffice open: one
/// worksheet of inline strings. Reading takes the first worksheet of any XLSX, with
/// shared or inline strings.
public enum XLSX {
    public static let maximumBytes = 10 * 1024 * 1024

    public static func write(_ sheet: Sheet, name: String = "Sheet1") throws -> Data {
        try write(TypedSheet(sheet), name: name)
    }

    /// A workbook whose cells carry their types (numbers, money, dates, text), with a bold
    /// frozen header row, column widths, text-formatted columns and drop-down lists.
    public static func write(_ sheet: TypedSheet, name: String = "Sheet1") throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        // Drop-down lists: up to 255 characters typed into the rule; a longer one (or one
        // whose choices hold commas) as a column of a hidden second sheet the rule points at.
        var inline: [(Int, String)] = []
        var long: [(column: Int, choices: [String])] = []
        for (c, list) in sheet.choices.enumerated() {
            guard let list, !list.isEmpty else { continue }
            let formula = "\"" + list.map { $0.replacingOccurrences(of: "\"", with: "\"\"") }.joined(separator: ",") + "\""
            if formula.count <= 257, !list.contains(where: { $0.contains(",") }) { inline.append((c, formula)) } else { long.append((c, list)) }
        }
        let listsSheet = "lists"
        try add("[Content_Types].xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        \(long.isEmpty ? "" : "<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>")\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """)
        try add("_rels/.rels", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """)
        try add("xl/workbook.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="\(escape(String(name.prefix(31))))" sheetId="1" r:id="rId1"/>\
        \(long.isEmpty ? "" : "<sheet name=\"\(listsSheet)\" sheetId=\"2\" state=\"hidden\" r:id=\"rId3\"/>")</sheets></workbook>
        """)
        try add("xl/_rels/workbook.xml.rels", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        \(long.isEmpty ? "" : "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/>")\
        </Relationships>
        """)
        // Styles by index: 0 general, 1 bold header, 2 whole number, 3 two decimals,
        // 4 date (yyyy-mm-dd), 5 text (@), 6 date and time.
        try add("xl/styles.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
        <xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """)
        let width = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        """
        if !sheet.header.isEmpty {
            xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        }
        if width > 0 {
            xml += "<cols>"
            for c in 0..<width {
                let style = c < sheet.textColumns.count && sheet.textColumns[c] ? " style=\"5\"" : ""
                xml += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(sheet.width(of: c))\" customWidth=\"1\"\(style)/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        var r = 0
        if !sheet.header.isEmpty {
            xml += "<row r=\"1\">"
            for (c, title) in sheet.header.enumerated() where !title.isEmpty {
                xml += "<c r=\"\(column(c))1\" s=\"1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(title))</t></is></c>"
            }
            xml += "</row>"
            r = 1
        }
        var names: [String] = []
        for row in sheet.rows {
            r += 1
            xml += "<row r=\"\(r)\">"
            while names.count < row.count { names.append(column(names.count)) }
            for (c, cell) in row.enumerated() {
                let ref = names[c] + String(r)
                switch cell {
                case let .text(text):
                    guard !text.isEmpty else { continue }
                    let style = c < sheet.textColumns.count && sheet.textColumns[c] ? " s=\"5\"" : ""
                    xml += "<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                case let .number(value, decimals):
                    guard value.isFinite else { continue }
                    xml += "<c r=\"\(ref)\" s=\"\(decimals == 0 ? 2 : 3)\"><v>\(numberText(value))</v></c>"
                case let .date(year, month, day):
                    xml += "<c r=\"\(ref)\" s=\"4\"><v>\(serial(year: year, month: month, day: day))</v></c>"
                case let .dateTime(year, month, day, minutes):
                    let value = Double(serial(year: year, month: month, day: day)) + Double(minutes) / 1440
                    xml += "<c r=\"\(ref)\" s=\"6\"><v>\(numberText(value))</v></c>"
                case .empty:
                    continue
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        let lists = inline + long.enumerated().map { n, list in
            (list.column, "\(listsSheet)!$\(column(n))$1:$\(column(n))$\(list.choices.count)")
        }
        if !lists.isEmpty {
            let first = sheet.header.isEmpty ? 1 : 2
            xml += "<dataValidations count=\"\(lists.count)\">"
            for (c, formula) in lists {
                xml += "<dataValidation type=\"list\" allowBlank=\"1\" showErrorMessage=\"1\" sqref=\"\(column(c))\(first):\(column(c))1048576\">"
                    + "<formula1>\(escape(formula))</formula1></dataValidation>"
            }
            xml += "</dataValidations>"
        }
        xml += "</worksheet>"
        try add("xl/worksheets/sheet1.xml", xml)
        if !long.isEmpty {
            var lists = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """
            for r in 0..<(long.map(\.choices.count).max() ?? 0) {
                lists += "<row r=\"\(r + 1)\">"
                for (n, list) in long.enumerated() where r < list.choices.count {
                    lists += "<c r=\"\(column(n))\(r + 1)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(list.choices[r]))</t></is></c>"
                }
                lists += "</row>"
            }
            try add("xl/worksheets/sheet2.xml", lists + "</sheetData></worksheet>")
        }
        guard let data = archive.data else { throw SpreadsheetError.notXLSX(.cannotWrite) }
        return data
    }

    /// A date as Excel's serial number in the 1900 date system (1 = 1900-01-01; the
    /// system's phantom 29 February 1900 is why the epoch is 1899-12-30).
    static func serial(year: Int, month: Int, day: Int) -> Int {
        daysFromCivil(year, month, day) - daysFromCivil(1899, 12, 30)
    }

    /// A serial number back to a date, in either date system.
    public static func date(serial: Double, date1904: Bool) -> (year: Int, month: Int, day: Int)? {
        guard serial.isFinite, serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        let epoch = date1904 ? daysFromCivil(1904, 1, 1) : daysFromCivil(1899, 12, 30)
        return civil(fromDays: epoch + Int(serial.rounded(.down)))
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A number as the file stores it: no exponent, no trailing ".0".
    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        // Ten places, then the trailing zeros (and a point left bare) cut: no pattern
        // compiled for each number (a third of writing an export's workbook).
        var text = String(format: "%.10f", value)
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// "A", "B", … "Z", "AA", …
    public static func column(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static func columnIndex(_ reference: String) -> Int? {
        var n = 0
        var sawLetter = false
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            // Past XFD (the last column) it is no cell reference; stop before it could overflow.
            guard n <= 16_384 else { return nil }
            n = n * 26 + Int(scalar.value) - 64
            sawLetter = true
        }
        return sawLetter ? n - 1 : nil
    }

    static func escape(_ text: String) -> String {
        // Most cells have nothing to escape or drop: returned as they are.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"")
            || ($0 < 0x20 && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r")) }) {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 forbids most control characters.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func read(_ data: Data) throws(SpreadsheetError) -> Sheet {
        guard data.count <= maximumBytes else { throw .tooLarge(limit: maximumBytes) }
        // Read from a file of our own naming, not from memory: ZIPFoundation's in-memory
        // archive traps (a negative range) when a damaged central directory points past the
        // end of the data, and one upload would take the server down. A file read past its
        // end just reads nothing.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-xlsx-\(UUID().uuidString).zip")
        do { try data.write(to: url, options: .atomic) } catch { throw .notXLSX(.unreadable) }
        defer { try? FileManager.default.removeItem(at: url) }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch { throw .notXLSX(.notZip) }
        let limit = 64 * 1024 * 1024
        func file(_ path: String) throws(SpreadsheetError) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize < limit else { throw .tooLarge(limit: limit) }
            var out = Data()
            do {
                // The declared size may lie (a zip bomb): count what actually comes out.
                _ = try archive.extract(entry) { chunk in
                    out.append(chunk)
                    if out.count > limit { throw SpreadsheetError.tooLarge(limit: limit) }
                }
            } catch let error as SpreadsheetError {
                throw error
            } catch {
                throw .notXLSX(.corrupt)
            }
            return out
        }
        guard let workbookRels = try file("xl/_rels/workbook.xml.rels"), let workbook = try file("xl/workbook.xml") else {
            throw .notXLSX(.noWorkbook)
        }
        // The first sheet's relationship id, then its target.
        let sheets = try XMLRows.attributes(of: "sheet", in: workbook)
        let rels = try XMLRows.attributes(of: "Relationship", in: workbookRels)
        guard let firstID = sheets.first?["r:id"], let target = rels.first(where: { $0["Id"] == firstID })?["Target"] else {
            throw .notXLSX(.noSheets)
        }
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetData = try file(path) else { throw .notXLSX(.sheetMissing) }
        let shared = try file("xl/sharedStrings.xml").map { data throws(SpreadsheetError) in try XMLRows.sharedStrings(data) } ?? []
        // Dates are numbers with a date format: find which styles are dates, and the epoch.
        let date1904 = try XMLRows.attributes(of: "workbookPr", in: workbook).first.map { ["1", "true"].contains($0["date1904"] ?? "") } ?? false
        let dateStyles = try file("xl/styles.xml").map { data throws(SpreadsheetError) in try XMLRows.dateStyles(data) } ?? []
        return try XMLRows.sheet(sheetData, shared: shared, dateStyles: dateStyles, date1904: date1904)
    }
}

/// Small readers for the parts of an XLSX this project needs, on `XMLScanner`.
final class XMLRows: XMLHandler {
    /// Scans a part; damaged markup is a damaged workbook.
    static func parse(_ data: Data, with handler: any XMLHandler) throws(SpreadsheetError) {
        do { try XMLScanner.scan(data, handler) } catch { throw .notXLSX(.corrupt) }
    }

    private var element: String
    private var found: [[String: String]] = []

    private init(element: String) { self.element = element }

    static func attributes(of element: String, in data: Data) throws(SpreadsheetError) -> [[String: String]] {
        let reader = XMLRows(element: element)
        try parse(data, with: reader)
        return reader.found
    }

    func start(_ name: String, _ attributes: [String: String]) {
        if name == element { found.append(attributes) }
    }
    func end(_ name: String) {}
    func text(_ text: String) {}

    static func sharedStrings(_ data: Data) throws(SpreadsheetError) -> [String] {
        let reader = SharedStrings()
        try parse(data, with: reader)
        return reader.strings
    }

    /// For each cell style (`cellXfs`, by index), whether its number format shows a date.
    static func dateStyles(_ data: Data) throws(SpreadsheetError) -> [Bool] {
        let reader = StyleReader()
        try parse(data, with: reader)
        return reader.styles.map { id in
            if (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id) { return true }
            guard let code = reader.formats[id] else { return false }
            // A date format has d, m or y outside quotes and brackets ([Red], [$-804]).
            var quoted = false, bracket = false, sawDate = false
            for ch in code.lowercased() {
                switch ch {
                case "\"": quoted.toggle()
                case "[": bracket = true
                case "]": bracket = false
                case "d", "m", "y": if !quoted && !bracket { sawDate = true }
                default: break
                }
            }
            return sawDate
        }
    }

    /// The most cells (empty ones padded in included) a sheet may hold once read: a cell
    /// placed at XFD on each of many short rows would otherwise pad them into billions.
    static let maximumCells = 2_000_000

    static func sheet(_ data: Data, shared: [String], dateStyles: [Bool] = [], date1904: Bool = false) throws(SpreadsheetError) -> Sheet {
        let reader = SheetReader(shared: shared, dateStyles: dateStyles, date1904: date1904)
        try parse(data, with: reader)
        if reader.overflow { throw .tooLarge(limit: maximumCells) }
        let rows = reader.rows.filter { !$0.allSatisfy { $0.isEmpty } }
        // Empty cells are not stored: pad every row to the widest, as CSV would have it.
        let width = rows.map(\.count).max() ?? 0
        guard rows.count * width <= maximumCells else { throw .tooLarge(limit: maximumCells) }
        return Sheet(rows: rows.map { $0 + Array(repeating: "", count: width - $0.count) })
    }
}

private final class SharedStrings: XMLHandler {
    var strings: [String] = []
    private var current = ""
    private var inText = false

    func start(_ name: String, _ attributes: [String: String]) {
        if name == "si" { current = "" }
        if name == "t" { inText = true }
    }

    func text(_ string: String) { if inText { current += string } }

    func end(_ name: String) {
        if name == "t" { inText = false }
        if name == "si" { strings.append(current) }
    }
}

/// The number formats of a styles part: the custom codes by id, and each cell style's id.
private final class StyleReader: XMLHandler {
    var formats: [Int: String] = [:]
    var styles: [Int] = []
    private var inCellXfs = false

    func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { formats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf": if inCellXfs { styles.append(attributes["numFmtId"].flatMap(Int.init) ?? 0) }
        default: break
        }
    }

    func text(_ text: String) {}

    func end(_ name: String) {
        if name == "cellXfs" { inCellXfs = false }
    }
}

private final class SheetReader: XMLHandler {
    let shared: [String]
    let dateStyles: [Bool]
    let date1904: Bool
    var rows: [[String]] = []
    /// Set once the cells read (padding included) pass `XMLRows.maximumCells`; reading stops.
    private(set) var overflow = false
    private var cells = 0
    private var row: [String] = []
    private var column = 0
    private var type = ""
    private var style = 0
    private var text = ""
    private var capture = false

    init(shared: [String], dateStyles: [Bool], date1904: Bool) {
        self.shared = shared
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "row": row = []
        case "c":
            // A column beyond XFD (16,384) is no real cell: it would only pad rows.
            column = min(attributes["r"].flatMap(XLSX.columnIndex) ?? row.count, 16_383)
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            text = ""
        case "v", "t": capture = true
        default: break
        }
    }

    func text(_ string: String) { if capture { text += string } }

    func end(_ name: String) {
        switch name {
        case "v", "t": capture = false
        case "c":
            var value = text
            if type == "s", let index = Int(text), shared.indices.contains(index) { value = shared[index] }
            if type == "b" { value = text == "1" ? "TRUE" : "FALSE" }
            // A number shown as a date is read as the date it shows (ISO 8601).
            if type == "n", dateStyles.indices.contains(style), dateStyles[style], let serial = Double(text),
               let d = XLSX.date(serial: serial, date1904: date1904) {
                value = String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
            }
            if column >= row.count {
                cells += column + 1 - row.count
                guard cells <= XMLRows.maximumCells else { overflow = true; return }
            }
            while row.count < column { row.append("") }
            if row.count == column { row.append(value) } else if column < row.count { row[column] = value }
        case "row":
            if !overflow { rows.append(row) }
        default: break
        }
    }
}
