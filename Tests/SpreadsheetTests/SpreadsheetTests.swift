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
}
