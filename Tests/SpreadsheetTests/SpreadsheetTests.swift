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
