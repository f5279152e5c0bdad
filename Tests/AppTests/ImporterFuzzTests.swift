@testable import App
import Fluent
import Foundation
import SQLKit
import Spreadsheet
import Testing
import Vapor
import VaporTesting

/// Malformed files into every importer (issue 10, item 6): each answers with a clear
/// error (or, for a file that still parses, a preview) and writes nothing; none answers 5xx.
@Suite("Importers against malformed files")
struct ImporterFuzzTests {
    /// Hand-made bad files, each a different way to be wrong.
    static func malformed(header: [String]) throws -> [(String, Data)] {
        let good = try XLSX.write(Sheet(rows: [header, header.map { _ in "x" }]))
        // An end-of-central-directory record and nothing else: a valid, empty zip.
        let zipWithoutWorkbook = Data([0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18))
        return [
            ("empty.csv", Data()),
            ("bom.csv", Data([0xEF, 0xBB, 0xBF])),
            ("wrong-header.csv", Data("甲,乙,丙\n1,2,3\n".utf8)),
            ("invalid-utf8.csv", Data(header.joined(separator: ",").utf8) + Data([0x0A, 0xFF, 0xFE, 0xC3, 0x28, 0x0A])),
            ("nul.csv", Data((header.joined(separator: ",") + "\n\u{0}\u{0},\u{0}\n").utf8)),
            ("open-quote.csv", Data((header.joined(separator: ",") + "\n\"never closed,1\n").utf8)),
            ("too-many-fields.csv", Data((header.joined(separator: ",") + "\n" + Array(repeating: "x", count: header.count + 40).joined(separator: ",") + "\n").utf8)),
            ("wide.csv", Data((Array(repeating: "列", count: 20_000).joined(separator: ",") + "\n").utf8)),
            ("long-field.csv", Data((header.joined(separator: ",") + "\n" + String(repeating: "长", count: 400_000) + "\n").utf8)),
            ("gbk.csv", Data([0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xC1, 0xAA, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A])),
            ("formula.csv", Data((header.joined(separator: ",") + "\n" + header.map { _ in "=cmd|' /C calc'!A0" }.joined(separator: ",") + "\n").utf8)),
            ("random.xlsx", Data((0..<4096).map { _ in UInt8.random(in: 0...255) })),
            ("pk-header.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 1, 2, 3])),
            ("empty-zip.xlsx", zipWithoutWorkbook),
            ("truncated.xlsx", good.prefix(good.count / 2)),
            ("tail-only.xlsx", good.suffix(good.count / 3)),
            ("text-as.xlsx", Data("名称,日期\n".utf8)),
            ("no-extension", Data("名称\n".utf8)),
            ("../../etc/passwd.csv", Data("名称\n".utf8)),
        ]
    }

    /// Rows of a table, to compare before and after.
    static func count(_ app: Application, _ table: String) async throws -> Int {
        let row = try await Dialect.sql(app.db).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test("every importable record kind's CSV/XLSX import refuses each malformed file with a message and writes nothing; random damage to a good file never gives 5xx")
    func recordImports() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "town", .townshipOfficial, at: world.townshipA1)
            let village = try await login(app, "zhang"), township = try await login(app, "town")
            var random = SeededRandom(seed: 2026)
            for kind in RecordTransferController.importable {
                let unit = kind.level == .village ? world.villageV1 : world.townshipA1
                let session = kind.level == .village ? village : township
                let base = "/units/\(try unit.requireID())/records/\(kind.key)/import"
                let header = kind.fields.map(\.label)
                let records = try await Self.count(app, kind.table), batches = try await Self.count(app, "import_batches")
                for (name, file) in try Self.malformed(header: header) {
                    let answer = try await postMultipart(app, base, as: session, fields: ["_csrf": session.csrf], file: file, filename: name)
                    #expect(answer.status == .unprocessableEntity || answer.status == .payloadTooLarge, "\(kind.key) \(name): \(answer.status)")
                    #expect(answer.body.contains("class=\"error") || answer.body.contains("role=\"alert\""), "\(kind.key) \(name): a message is shown")
                }
                #expect(try await Self.count(app, "import_batches") == batches, "\(kind.key): nothing staged")
                // A good file, damaged at random: a preview or a refusal, never a failure.
                let good = Sheet(rows: [header, kind.fields.map { _ in "1" }])
                let sources: [(String, Data)] = [("good.csv", CSV.write(good)), ("good.xlsx", try XLSX.write(good))]
                for (name, data) in sources {
                    for _ in 0..<6 {
                        var bytes = [UInt8](data)
                        switch Int.random(in: 0..<3, using: &random) {
                        case 0: for _ in 0..<max(1, bytes.count / 50) { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
                        case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
                        default: bytes.insert(contentsOf: (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }, at: Int.random(in: 0...bytes.count, using: &random))
                        }
                        let answer = try await postMultipart(app, base, as: session, fields: ["_csrf": session.csrf], file: Data(bytes), filename: name)
                        #expect(answer.status == .ok || answer.status == .unprocessableEntity, "\(kind.key) damaged \(name): \(answer.status)")
                    }
                }
                // A preview stages rows; only the confirmation writes records.
                #expect(try await Self.count(app, kind.table) == records, "\(kind.key): no record written by a preview")
            }
        }
    }

    @Test("the calendar import (API and form) and the 96156 ticket intake refuse malformed JSON with a field name and change nothing")
    func jsonImports() async throws {
        try await withApp { app, _ in
            _ = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let admin = try await login(app, "root")
            let calendar = try await send(app, .GET, "/api/v1/calendar", as: admin).body
            let bodies = ["", "{", "null", "[]", "{\"years\": \"2026\"}", "{\"years\": [{\"year\": \"二〇二六\"}]}",
                          "{\"years\": [{\"year\": 2026, \"holidays\": [\"2026-02-30\"]}]}", String(repeating: "[", count: 10_000),
                          "{\"years\": [{\"year\": 99999999999999999999999}]}", "\u{FEFF}{}", "{\"years\": [{\"year\": 2026, \"holidays\": [null]}]}"]
            for body in bodies {
                var headers = admin.headers()
                headers.contentType = .json
                var answer: (HTTPStatus, String) = (.internalServerError, "")
                try await app.testing().test(.POST, "/api/v1/calendar", beforeRequest: { request in
                    request.headers = headers
                    request.body = ByteBuffer(string: body)
                }, afterResponse: { response in answer = (response.status, response.body.string) })
                #expect(answer.0 == .unprocessableEntity || answer.0 == .badRequest, "calendar \(body.prefix(30)): \(answer.0)")
                #expect(answer.1.contains("\"field\""), "calendar \(body.prefix(30)): \(answer.1.prefix(200))")
                let form = try await send(app, .POST, "/admin/calendar/import", as: admin, form: ["_csrf": admin.csrf, "data": body])
                #expect(form.status == .unprocessableEntity, "calendar form \(body.prefix(30)): \(form.status)")
            }
            #expect(try await send(app, .GET, "/api/v1/calendar", as: admin).body == calendar, "the calendar is unchanged")

            let requests = try await Self.count(app, "service_requests")
            for body in ["", "{", "[]", "{\"ticketId\": 7}", String(repeating: "{\"a\":", count: 5_000)] {
                var answer: HTTPStatus = .internalServerError
                try await app.testing().test(.POST, "/integrations/96156/tickets", beforeRequest: { request in
                    request.headers.contentType = .json
                    request.body = ByteBuffer(string: body)
                }, afterResponse: { response in answer = response.status })
                #expect(answer.code >= 400 && answer.code < 500, "96156 \(body.prefix(20)): \(answer)")
            }
            #expect(try await Self.count(app, "service_requests") == requests)
        }
    }
}
