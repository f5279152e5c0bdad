import Foundation
import Testing
@testable import Spreadsheet

@Suite("CSV and XLSX")
struct SpreadsheetTests {
    let sheet = Sheet(rows: [["姓名", "备注", "电话"], ["李明", "说\"好\",\n第二行", "13812345678"], ["王芳", "", "=1+2"]])

    @Test("CSV: BOM, CRLF, quotes and line breaks round-trip; formulas are defused")
    func csv() throws {
        let data = CSV.write(sheet)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"说\"\"好\"\",\n第二行\""))
        #expect(text.contains("'=1+2"))
        let back = try CSV.read(data)
        #expect(back.rows[1] == sheet.rows[1])
        #expect(back.rows[2][2] == "'=1+2")
        #expect(try CSV.read(Data("a,b\r\n1,2\r\n\r\n".utf8)).rows == [["a", "b"], ["1", "2"]])
        #expect(throws: SpreadsheetError.unterminatedQuote(line: 2)) { try CSV.read(Data("a,b\n\"1,2\n".utf8)) }
        #expect(throws: SpreadsheetError.notUTF8) { try CSV.read(Data([0x61, 0xFF, 0xFE, 0x0A])) }
        #expect(throws: SpreadsheetError.tooLarge(limit: CSV.maximumBytes)) { try CSV.read(Data(count: CSV.maximumBytes + 1)) }
    }

    @Test("XLSX: a real zip of Office Open XML that reads back the same")
    func xlsx() throws {
        let data = try XLSX.write(sheet, name: "志愿者")
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a ZIP file")
        let back = try XLSX.read(data)
        #expect(back.rows == sheet.rows)
        #expect(XLSX.column(0) == "A" && XLSX.column(25) == "Z" && XLSX.column(26) == "AA" && XLSX.column(701) == "ZZ")
        #expect(XLSX.columnIndex("AB12") == 27)
        #expect(throws: SpreadsheetError.self) { try XLSX.read(Data("not a zip".utf8)) }
    }

    @Test("XML parts: damaged, crafted or hostile markup is a damaged workbook, never a crash (FoundationXML trapped on some)")
    func hostileXML() throws {
        final class Collect: XMLHandler {
            var events: [String] = []
            func start(_ name: String, _ attributes: [String: String]) { events.append("<" + name + attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()) }
            func end(_ name: String) { events.append("/" + name) }
            func text(_ text: String) { events.append(text) }
        }
        let good = Collect()
        try XMLScanner.scan(Data(#"<?xml version="1.0"?><x:row r='1'><c r="A1" t="s"><v>&lt;1&amp;2&#x4E2D;&#25991;</v></c><!-- note --><c/></x:row>"#.utf8), good)
        #expect(good.events == ["<row r=1", "<c r=A1 t=s", "<v", "<1&2中文", "/v", "/c", "<c", "/c", "/row"])
        // The damaged sheet that crashed FoundationXML, and other shapes of damage.
        let crashed = #"<worksheet><sheetData><ro5eM-ftto>://6M-f>Sols><col min="1" max="1" width="6" customWidth="1"inlineStrh="il ms.org:spac<cosheserve">x</tls>il m/c="6"></sheetData></worksheet>"#
        for bad in [crashed, "<a><b></a>", "<a", "<a b=c/>", "<a b=\"1></a>", "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>", "<x>&bogus;</x>",
                    "<x>&#xFFFFFFFF;</x>", "</x>", "<x></x></x>", "<a b=\"<\"/>", "<x><![CDATA[unterminated</x>"] {
            #expect(throws: XMLScanner.Malformed.self, "\(bad)") { try XMLScanner.scan(Data(bad.utf8), Collect()) }
        }
        // A cell reference far past the last column neither overflows nor pads a row to millions.
        #expect(XLSX.columnIndex("ZZZZZZZZZZZZZZZZZZZZ1") == nil && XLSX.columnIndex("XFD1") == 16_383)
        // Many short rows each with a cell at XFD would pad into billions of cells: refused.
        let padded = "<worksheet><sheetData>" + (1...200).map { "<row><c r=\"XFD\($0)\"><v>1</v></c></row>" }.joined() + "</sheetData></worksheet>"
        #expect(throws: SpreadsheetError.tooLarge(limit: XMLRows.maximumCells)) { try XMLRows.sheet(Data(padded.utf8), shared: []) }
        // One row at XFD alone is a sheet, padded as usual.
        #expect(try XMLRows.sheet(Data(#"<worksheet><sheetData><row><c r="C1"><v>1</v></c></row></sheetData></worksheet>"#.utf8), shared: []).rows == [["", "", "1"]])
    }

    /// An export as Cunwu writes one: text, a count, money, a date, a date and time, an
    /// identity number kept as text, a drop-down column.
    static let typed = TypedSheet(
        header: ["名称", "人数", "金额", "日期", "时间", "身份证号", "类型"],
        rows: [[.text("第一季度会议"), .number(31, decimals: 0), .number(1234.5, decimals: 2), .date(year: 2026, month: 11, day: 23),
                .dateTime(year: 2026, month: 3, day: 2, minutes: 9 * 60 + 30), .text("110116198001011234"), .text("村民代表会议")],
               [.text("第二季度会议"), .number(0, decimals: 0), .number(0.1, decimals: 2), .date(year: 1900, month: 3, day: 1), .empty,
                .text("11011619800101123X"), .empty]],
        textColumns: [false, false, false, false, false, true, false],
        choices: [nil, nil, nil, nil, nil, nil, ["村民会议", "村民代表会议"]])

    @Test("XLSX dates: Excel's serial numbers in both date systems, and back")
    func serials() {
        #expect(XLSX.serial(year: 2026, month: 11, day: 23) == 46_349)
        #expect(XLSX.serial(year: 1900, month: 3, day: 1) == 61)
        #expect(XLSX.date(serial: 46_349, date1904: false)! == (2026, 11, 23))
        #expect(XLSX.date(serial: 46_349 - 1_462, date1904: true)! == (2026, 11, 23))
        #expect(XLSX.date(serial: 46_349.75, date1904: false)! == (2026, 11, 23), "the time of day is dropped")
        #expect(XLSX.date(serial: .nan, date1904: false) == nil && XLSX.date(serial: -1, date1904: false) == nil && XLSX.date(serial: 1e12, date1904: false) == nil)
        for day in stride(from: 0, to: 60_000, by: 37) {
            let d = XLSX.date(serial: Double(day + 61), date1904: false)!
            #expect(XLSX.serial(year: d.year, month: d.month, day: d.day) == day + 61)
        }
    }

    @Test("XLSX typed: numbers and dates are cells of their type and read back as text and ISO dates; CSV writes the same text")
    func typedRoundTrip() throws {
        let data = try XLSX.write(Self.typed, name: "导出")
        let back = try XLSX.read(data)
        #expect(back.rows[0] == Self.typed.header)
        #expect(back.rows[1] == ["第一季度会议", "31", "1234.5", "2026-11-23", "2026-03-02", "110116198001011234", "村民代表会议"])
        #expect(back.rows[2][0...5] == ["第二季度会议", "0", "0.1", "1900-03-01", "", "11011619800101123X"])
        #expect(Self.typed.plain.rows[1][2] == "1234.50" && Self.typed.plain.rows[1][4] == "2026-03-02 09:30")
    }

    @Test("XLSX numbers are written shortest to ten places, never with a bare point; cell text is escaped and stripped of XML's forbidden controls")
    func numberAndText() throws {
        #expect(XLSX.numberText(31) == "31" && XLSX.numberText(-2) == "-2" && XLSX.numberText(0) == "0")
        #expect(XLSX.numberText(1234.5) == "1234.5" && XLSX.numberText(0.1) == "0.1" && XLSX.numberText(-0.125) == "-0.125")
        #expect(XLSX.numberText(1.0 / 3) == "0.3333333333" && XLSX.numberText(2.00000000001) == "2")
        #expect(XLSX.numberText(1e20) == "100000000000000000000" && XLSX.numberText(-1e16 - 2) == "-10000000000000002")
        #expect(XLSX.numberText(1e-11) == "0" && XLSX.numberText(-1e-11) == "0" && XLSX.numberText(-0.0) == "0")
        #expect(XLSX.escape("村民代表会议 A1") == "村民代表会议 A1")
        #expect(XLSX.escape("a<b & \"c\">d") == "a&lt;b &amp; &quot;c&quot;&gt;d")
        #expect(XLSX.escape("行一\n行二\t\u{1}\u{7}尾") == "行一\n行二\t尾")
        let sheet = TypedSheet(header: ["名称", "数"], rows: [[.text("甲<乙>&\u{2}"), .number(1.0 / 3, decimals: 2)], [.text("丙"), .number(0.75, decimals: 2)]])
        let back = try XLSX.read(try XLSX.write(sheet))
        #expect(back.rows == [["名称", "数"], ["甲<乙>&", "0.3333333333"], ["丙", "0.75"]])
    }

    /// openpyxl from PyPI, when CI provides it (`CUNWU_OPENPYXL`: a python with openpyxl).
    static let python = ProcessInfo.processInfo.environment["CUNWU_OPENPYXL"]
    static let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tools/openpyxl_check.py").path

    static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return out
    }

    @Test("openpyxl reads Cunwu's export typed: dates as dates, counts and money as numbers with their formats, ids as text, a frozen bold header, widths, a drop-down list",
          .enabled(if: python != nil))
    func openpyxlReadsExport() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-typed-\(UUID().uuidString).xlsx")
        try XLSX.write(Self.typed, name: "导出").write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let json = try #require(try JSONSerialization.jsonObject(with: try Self.run(["read", url.path])) as? [String: Any])
        let cells = try #require(json["cells"] as? [[[String: Any]]])
        func cell(_ r: Int, _ c: Int) -> [String: Any] { cells[r][c] }
        #expect(cell(0, 0)["bold"] as? Bool == true && cell(0, 0)["type"] as? String == "text")
        #expect(cell(1, 1)["type"] as? String == "number" && cell(1, 1)["value"] as? Int == 31 && cell(1, 1)["format"] as? String == "0")
        #expect(cell(1, 2)["type"] as? String == "number" && cell(1, 2)["value"] as? Double == 1234.5 && cell(1, 2)["format"] as? String == "0.00")
        #expect(cell(1, 3)["type"] as? String == "date" && cell(1, 3)["value"] as? String == "2026-11-23")
        #expect(cell(1, 4)["type"] as? String == "date" && cell(1, 4)["value"] as? String == "2026-03-02T09:30")
        #expect(cell(1, 5)["type"] as? String == "text" && cell(1, 5)["value"] as? String == "110116198001011234" && cell(1, 5)["format"] as? String == "@")
        #expect(cell(2, 3)["value"] as? String == "1900-03-01")
        #expect(json["freeze"] as? String == "A2")
        #expect((json["widths"] as? [String: Double])?["F"] ?? 0 >= 18, "an identity number's column is wide enough")
        let lists = try #require(json["lists"] as? [[String: Any]])
        #expect(lists.count == 1 && (lists[0]["sqref"] as? String)?.hasPrefix("G2:G") == true && lists[0]["formula"] as? String == "\"村民会议,村民代表会议\"")
        #expect((json["columnFormats"] as? [String: String])?["F"] == "@", "the identity column stays text for what is typed into it")
    }

    @Test("a drop-down list too long to type into the rule (or with commas in its choices) points at a hidden sheet of choices; Cunwu reads only the first sheet",
          .enabled(if: python != nil))
    func longListsOnAHiddenSheet() throws {
        let many = (1...60).map { "第\($0)号选项" }
        let sheet = TypedSheet(header: ["短", "长", "逗号"], rows: [[.text("甲"), .text("第7号选项"), .text("a,b")]],
                               choices: [["甲", "乙"], many, ["a,b", "c"]])
        let data = try XLSX.write(sheet, name: "模板")
        #expect(try XLSX.read(data).rows == [["短", "长", "逗号"], ["甲", "第7号选项", "a,b"]], "the choices' sheet is not read as data")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-lists-\(UUID().uuidString).xlsx")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let json = try #require(try JSONSerialization.jsonObject(with: try Self.run(["read", url.path])) as? [String: Any])
        let lists = try #require(json["lists"] as? [[String: Any]])
        let formulas = Dictionary(lists.compactMap { l in (l["sqref"] as? String).map { (String($0.prefix(1)), l["formula"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
        #expect(formulas == ["A": "\"甲,乙\"", "B": "lists!$A$1:$A$60", "C": "lists!$B$1:$B$2"], "\(formulas)")
        let others = try #require(json["others"] as? [[String: Any]])
        #expect(others.count == 1 && others[0]["name"] as? String == "lists" && others[0]["state"] as? String == "hidden")
        let columns = try #require(others[0]["columns"] as? [[Any]])
        #expect(columns[0].compactMap { $0 as? String } == many && columns[1].compactMap { $0 as? String } == ["a,b", "c"])
    }

    @Test("Cunwu reads real date cells written by openpyxl in both date systems, as ISO dates; dates typed as text stay as typed",
          .enabled(if: python != nil), arguments: ["1900", "1904"])
    func readsOpenpyxlDates(system: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-dates-\(system)-\(UUID().uuidString).xlsx")
        _ = try Self.run(["write", url.path, system])
        defer { try? FileManager.default.removeItem(at: url) }
        let sheet = try XLSX.read(try Data(contentsOf: url))
        #expect(sheet.rows.map { $0[1] } == ["召开日期", "2026-03-20", "2026-06-18", "2026年9月16日", "1904-01-02"])
        #expect(sheet.rows[1][2] == "31")
    }

    /// The offsets of each central-directory record (signature PK\u{1}\u{2}) in a zip.
    static func centralRecords(_ bytes: [UInt8]) -> [Int] {
        (0..<max(0, bytes.count - 46)).filter { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 1 && bytes[$0 + 3] == 2 }
    }

    @Test("XLSX: a central directory pointing past the end, a lying size or random damage is an error, never a crash")
    func damagedXLSX() throws {
        let good = [UInt8](try XLSX.write(sheet, name: "志愿者"))
        let records = Self.centralRecords(good)
        #expect(records.count >= 4)
        // Each entry's local-header offset (bytes 42–45 of its record) moved past the end:
        // ZIPFoundation's in-memory reader trapped on this (a negative range).
        for record in records {
            var bytes = good
            for (n, byte) in [UInt8(0x00), 0xFF, 0xFF, 0x7F].enumerated() { bytes[record + 42 + n] = byte }
            #expect(throws: SpreadsheetError.self) { try XLSX.read(Data(bytes)) }
            bytes = good
            for n in 0..<4 { bytes[record + 42 + n] = UInt8(truncatingIfNeeded: (good.count + 100) >> (8 * n)) }
            #expect(throws: SpreadsheetError.self) { try XLSX.read(Data(bytes)) }
        }
        // Random damage, reproducibly: each either reads or throws.
        var state: UInt64 = 2026
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        for round in 0..<400 {
            var bytes = good
            switch round % 4 {
            case 0: for _ in 0..<1 + next(8) { bytes[next(bytes.count)] = UInt8(next(256)) }
            case 1: bytes = Array(bytes.prefix(next(bytes.count)))
            case 2: bytes = Array(bytes.suffix(next(bytes.count)))
            default:
                let at = records[next(records.count)] + 10 + next(36)
                bytes[at] = UInt8(next(256))
            }
                        _ = try? XLSX.read(Data(bytes))
        }
    }
}
