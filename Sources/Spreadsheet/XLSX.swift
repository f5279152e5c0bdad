import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// The smallest real XLSX (Office Open XML) that Excel, WPS and LibreOffice open: one
/// worksheet of inline strings. Reading takes the first worksheet of any XLSX, with
/// shared or inline strings.
public enum XLSX {
    public static let maximumBytes = 10 * 1024 * 1024

    public static func write(_ sheet: Sheet, name: String = "Sheet1") throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
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
        <sheets><sheet name="\(escape(String(name.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>
        """)
        try add("xl/_rels/workbook.xml.rels", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        </Relationships>
        """)
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
        """
        for (r, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() where !cell.isEmpty {
                xml += "<c r=\"\(column(c))\(r + 1)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(cell))</t></is></c>"
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        try add("xl/worksheets/sheet1.xml", xml)
        guard let data = archive.data else { throw SpreadsheetError.notXLSX(.cannotWrite) }
        return data
    }

    /// "A", "B", … "Z", "AA", …
    static func column(_ index: Int) -> String {
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
            n = n * 26 + Int(scalar.value) - 64
            sawLetter = true
        }
        return sawLetter ? n - 1 : nil
    }

    static func escape(_ text: String) -> String {
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
        let sheets = XMLRows.attributes(of: "sheet", in: workbook)
        let rels = XMLRows.attributes(of: "Relationship", in: workbookRels)
        guard let firstID = sheets.first?["r:id"], let target = rels.first(where: { $0["Id"] == firstID })?["Target"] else {
            throw .notXLSX(.noSheets)
        }
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetData = try file(path) else { throw .notXLSX(.sheetMissing) }
        let shared = try file("xl/sharedStrings.xml").map(XMLRows.sharedStrings) ?? []
        return XMLRows.sheet(sheetData, shared: shared)
    }
}

/// Small SAX readers for the parts of an XLSX this project needs.
final class XMLRows: NSObject, XMLParserDelegate {
    private var element: String
    private var found: [[String: String]] = []

    private init(element: String) { self.element = element }

    static func attributes(of element: String, in data: Data) -> [[String: String]] {
        let reader = XMLRows(element: element)
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.parse()
        return reader.found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == element || qualifiedName == element { found.append(attributes) }
    }

    static func sharedStrings(_ data: Data) -> [String] {
        let reader = SharedStrings()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.parse()
        return reader.strings
    }

    static func sheet(_ data: Data, shared: [String]) -> Sheet {
        let reader = SheetReader(shared: shared)
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.parse()
        let rows = reader.rows.filter { !$0.allSatisfy { $0.isEmpty } }
        // Empty cells are not stored: pad every row to the widest, as CSV would have it.
        let width = rows.map(\.count).max() ?? 0
        return Sheet(rows: rows.map { $0 + Array(repeating: "", count: width - $0.count) })
    }
}

private final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inText = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "si" { current = "" }
        if name == "t" { inText = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "t" { inText = false }
        if name == "si" { strings.append(current) }
    }
}

private final class SheetReader: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [[String]] = []
    private var row: [String] = []
    private var column = 0
    private var type = ""
    private var text = ""
    private var capture = false

    init(shared: [String]) { self.shared = shared }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row": row = []
        case "c":
            column = attributes["r"].flatMap(XLSX.columnIndex) ?? row.count
            type = attributes["t"] ?? "n"
            text = ""
        case "v", "t": capture = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if capture { text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": capture = false
        case "c":
            var value = text
            if type == "s", let index = Int(text), shared.indices.contains(index) { value = shared[index] }
            if type == "b" { value = text == "1" ? "TRUE" : "FALSE" }
            while row.count < column { row.append("") }
            if row.count == column { row.append(value) } else if column < row.count { row[column] = value }
        case "row": rows.append(row)
        default: break
        }
    }
}
