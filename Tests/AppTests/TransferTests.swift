@testable import App
import Fluent
import Foundation
import Spreadsheet
import Testing
import Vapor
import VaporTesting

@Suite("Exports and imports of village records")
struct TransferTests {
    /// Posts a file as a browser form would (multipart/form-data).
    static func upload(_ app: Application, _ path: String, as session: Session, file: Data, name: String) async throws -> (status: HTTPStatus, body: String) {
        try await postMultipart(app, path, as: session, fields: ["_csrf": session.csrf], file: file, filename: name)
    }

    static let header = RecordKind.volunteers.fields.map(\.label)

    static func volunteersSheet(_ rows: [[String]]) -> Sheet { Sheet(rows: [header] + rows) }

    @Test("export: CSV with BOM and XLSX, personal data masked")
    func export() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            _ = try await RecordStore.insert(.volunteers, values: ["name": .text("李明"), "phone": .text("13812345678"), "fiveElders": .flag(true)],
                                             village: world.villageV1, author: request.author, on: request.db)
            let base = "/units/\(try world.villageV1.requireID())/records/volunteers"
            var csv = Data()
            try await app.testing().test(.GET, base + "/export.csv", beforeRequest: { $0.headers = session.headers() }) { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: .contentDisposition)?.contains(".csv") == true)
                csv = Data(response.body.readableBytesView)
            }
            #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
            let sheet = try CSV.read(csv)
            #expect(sheet.rows.first == Self.header)
            #expect(sheet.rows[1].contains("138****5678") && sheet.rows[1].contains("是"))
            var xlsx = Data()
            try await app.testing().test(.GET, base + "/export.xlsx", beforeRequest: { $0.headers = session.headers() }) { response in
                xlsx = Data(response.body.readableBytesView)
            }
            #expect(try XLSX.read(xlsx).rows == sheet.rows)
        }
    }

    @Test("import: preview shows every bad row and writes nothing; a good file writes all rows at once")
    func importVolunteers() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "li", .committeeMember, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            _ = try await RecordStore.insert(.volunteerTeams, values: ["name": .text("红马甲巡逻队")], village: world.villageV1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.volunteers, values: ["name": .text("赵强"), "registeredOn": .text("2025-01-01")], village: world.villageV1, author: request.author, on: request.db)
            let base = "/units/\(try world.villageV1.requireID())/records/volunteers"
            let before = try await auditCount(app)
            func row(_ name: String, _ phone: String = "", team: String = "", date: String = "2026-03-01", elder: String = "") -> [String] {
                Self.header.map { label in
                    switch label {
                    case "姓名": return name
                    case "联系电话": return phone
                    case "所属队伍": return team
                    case "登记日期": return date
                    case "属“五老”": return elder
                    default: return ""
                    }
                }
            }
            // Bad rows: a bad date, an unknown team, a duplicate within the file, one already recorded.
            let bad = Self.volunteersSheet([row("王芳", date: "2026-02-30"), row("刘洋", team: "不存在的队"), row("陈静"), row("陈静"),
                                            row("赵强", date: "2025-01-01")])
            let refused = try await Self.upload(app, base + "/import", as: session, file: CSV.write(bad), name: "v.csv")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("<td>2</td><td>登记日期</td>"))
            #expect(refused.body.contains("<td>3</td><td>所属队伍</td><td>本村没有名为“不存在的队”的所属队伍</td>"))
            #expect(refused.body.contains("与第4行重复"))
            #expect(refused.body.contains("<td>6</td>") && refused.body.contains("与已有记录重复"))
            #expect(try await auditCount(app) == before)
            // A wrong header is named.
            let header = try await Self.upload(app, base + "/import", as: session, file: CSV.write(Sheet(rows: [["名字", "电话"], ["a", "b"]])), name: "v.csv")
            #expect(header.status == .unprocessableEntity && header.body.contains("缺少列") && header.body.contains("多出的列：名字"))
            // Not a spreadsheet at all, and too large.
            let garbage = try await Self.upload(app, base + "/import", as: session, file: Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 1]), name: "v.xlsx")
            #expect(garbage.status == .unprocessableEntity && garbage.body.contains("XLSX"))
            let large = try await Self.upload(app, base + "/import", as: session, file: Data(repeating: 0x61, count: 6 * 1024 * 1024), name: "v.csv")
            #expect(large.status == .unprocessableEntity && large.body.contains("MB"))
            // The file's problem in the reader's language.
            let quote = Data("姓名,电话\n\"王芳,1\n".utf8)
            let chinese = try await Self.upload(app, base + "/import", as: session, file: quote, name: "v.csv")
            #expect(chinese.status == .unprocessableEntity && chinese.body.contains("第2行的引号没有结束"))
            let english = try await postMultipart(app, base + "/import", as: session, fields: ["_csrf": session.csrf], file: quote, filename: "v.csv",
                                                  headers: ["Accept-Language": "en"])
            #expect(english.status == .unprocessableEntity && english.body.contains("The quote on line 2 is not closed"))
            // A good XLSX: preview, then confirm writes all rows.
            let good = Self.volunteersSheet([row("王芳", "13912345678", team: "红马甲巡逻队", elder: "是"), row("刘洋")])
            let preview = try await Self.upload(app, base + "/import", as: session, file: try XLSX.write(good), name: "v.xlsx")
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(preview.body.contains("共2行，全部检查通过"))
            #expect(try await RecordStore.list(.volunteers, village: try world.villageV1.requireID(), on: app.db).count == 1)
            let action = try #require(preview.body.components(separatedBy: "action=\"").last?.components(separatedBy: "\"").first)
            // Only the user who previewed may confirm.
            let li = try await login(app, "li")
            #expect(try await send(app, .POST, action, as: li, form: [:]).status == .notFound)
            #expect(try await send(app, .POST, action, as: session, form: [:]).status == .seeOther)
            let all = try await RecordStore.list(.volunteers, village: try world.villageV1.requireID(), on: app.db)
            #expect(all.count == 3)
            let wang = try #require(all.first { $0.text("name") == "王芳" })
            #expect(wang.flag("fiveElders") && wang.text("phone") == "13912345678" && wang.text("team") != nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "import").count() == 2)
            // Confirming twice writes nothing more.
            #expect(try await send(app, .POST, action, as: session, form: [:]).status == .notFound)
        }
    }

    @Test("a large import runs as a job with progress, writes every row in one transaction, and is audited as the user who confirmed it")
    func largeImportJob() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let base = "/units/\(try world.villageV1.requireID())/records/volunteers"
            let count = RecordTransferController.backgroundRows + 50
            let rows = (1...count).map { n in Self.header.map { label in label == "姓名" ? "志愿者\(n)" : label == "登记日期" ? "2026-03-01" : "" } }
            let preview = try await Self.upload(app, base + "/import", as: session, file: CSV.write(Self.volunteersSheet(rows)), name: "v.csv")
            #expect(preview.status == .ok, "\(preview.body.prefix(300))")
            let action = try #require(preview.body.components(separatedBy: "action=\"").last?.components(separatedBy: "\"").first)
            let confirmed = try await send(app, .POST, action, as: session, form: [:])
            #expect(confirmed.status == .seeOther)
            let jobPage = try #require(confirmed.headers.first(name: .location))
            #expect(jobPage.hasPrefix("/jobs/"), "a large file goes to the progress page")
            await app.jobTasks.drain(cancel: false)
            let done = try StationFixture.decode(JobDTO.self, try await send(app, .GET, "/api/v1" + jobPage, as: session).body)
            #expect(done.state == "done" && done.done == count && done.total == count, "\(done)")
            #expect(try await RecordStore.list(.volunteers, village: try world.villageV1.requireID(), on: app.db).count == count)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "import").all()
            #expect(audited.count == count && audited.allSatisfy { $0.username == "zhang" }, "the job writes as the user who confirmed")
            let page = try await send(app, .GET, jobPage, as: session)
            #expect(page.body.contains(base), "the finished page leads back to the records")
        }
    }

    @Test("a file made from the Chinese template imports for someone reading in English, choices by either language's label")
    func importAcrossLanguages() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let base = "/units/\(try world.villageV1.requireID())/records/meetings"
            let kind = RecordKind.meetings
            let chinese = kind.fields.map(\.text.zh)
            func row(_ kindLabel: String, _ title: String) -> [String] {
                kind.fields.map { $0.key == "kind" ? kindLabel : $0.key == "date" ? "2026-03-15" : $0.key == "title" ? title : "" }
            }
            let file = CSV.write(Sheet(rows: [chinese, row("村民代表会议", "一季度会议"), row("Villagers' representative meeting", "Q1 meeting")]))
            let preview = try await postMultipart(app, base + "/import", as: session, fields: ["_csrf": session.csrf], file: file, filename: "m.csv",
                                                  headers: ["Accept-Language": "en"])
            #expect(preview.status == .ok && preview.body.contains("2 rows, all checked"), "\(preview.body.prefix(400))")
        }
    }
}
