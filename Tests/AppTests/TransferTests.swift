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

    /// Dates as office staff write them, and a real date cell, import as the same date;
    /// a kind that was not importable before (budget lines) imports, money and all.
    @Test("import takes 2026/4/10, 2026.5.10, 2026年6月10日 and date cells; every record kind imports; a bad date says what a date is")
    func importDatesAndKinds() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            #expect(RecordTransferController.importable.count == RecordKind.all.count)
            for (text, iso) in [("2026/4/10", "2026-04-10"), ("2026.05.10", "2026-05-10"), ("2026年6月10日", "2026-06-10"), ("2026-7-1", "2026-07-01")] {
                #expect(RecordTransferController.isoDate(text) == iso, "\(text)")
            }
            for bad in ["2026/4-10", "2026/2/30", "26/4/10", "2026年4月", "二〇二六年四月十日"] { #expect(RecordTransferController.isoDate(bad) == nil, "\(bad)") }
            let kind = RecordKind.budgetLines
            let fund = try #require({ if case let .choice(choices)? = kind.field("kind")?.type { return choices.first?.label }; return nil }())
            let header = kind.fields.map(\.label)
            let sheet = TypedSheet(header: header, rows: [
                [.text(fund), .text("办公经费第一批"), .number(12_000.5, decimals: 2), .text("2026/4/10")],
                [.text(fund), .text("办公经费第二批"), .number(8_000, decimals: 2), .date(year: 2026, month: 9, day: 1)],
                [.text(fund), .text("办公经费第三批"), .text("3000"), .text("2026年11月1日")],
            ])
            let base = "/units/\(village)/records/budgetLines"
            let preview = try await Self.upload(app, base + "/import", as: session, file: try XLSX.write(sheet), name: "b.xlsx")
            #expect(preview.status == .ok, "\(preview.body)")
            let action = try #require(preview.body.components(separatedBy: "action=\"").last?.components(separatedBy: "\"").first)
            #expect(try await send(app, .POST, action, as: session, form: [:]).status == .seeOther)
            let lines = try await RecordStore.list(kind, village: village, on: app.db)
            #expect(Set(lines.compactMap { $0.text("plannedOn") }) == ["2026-04-10", "2026-09-01", "2026-11-01"])
            #expect(Set(lines.compactMap { $0.number("planned") }) == [1_200_050, 800_000, 300_000])
            // A date that is none of these is named with what a date must look like.
            let wrong = TypedSheet(header: header, rows: [[.text(fund), .text("第四批"), .text("100"), .text("4月10日")]])
            let refused = try await Self.upload(app, base + "/import", as: session, file: try XLSX.write(wrong), name: "b.xlsx")
            #expect(refused.status == .unprocessableEntity && refused.body.contains("计划拨付日期"))
        }
    }

    /// openpyxl from PyPI reads what office staff would open, when CI provides it.
    static let python = ProcessInfo.processInfo.environment["CUNWU_OPENPYXL"]

    static func openpyxl(_ data: Data) throws -> [String: Any] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-app-\(UUID().uuidString).xlsx")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SpreadsheetTests/Tools/openpyxl_check.py").path, "read", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
    }

    static func download(_ app: Application, _ path: String, as session: Session) async throws -> Data {
        var data = Data()
        try await app.testing().test(.GET, path, beforeRequest: { $0.headers = session.headers() }) { response in
            #expect(response.status == .ok)
            data = Data(response.body.readableBytesView)
        }
        return data
    }

    @Test("exports open in a real reader typed: dates as dates, counts and money as numbers; templates have drop-down lists and text identity and phone columns",
          .enabled(if: python != nil))
    func typedExports() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            _ = try await RecordStore.insert(.meetings, values: ["kind": .text("representativeMeeting"), "date": .text("2026-04-10"), "title": .text("二季度会"),
                                                                "attendance": .number(38)], village: world.villageV1, author: request.author, on: request.db)
            _ = try await RecordStore.insert(.budgetLines, values: ["kind": .text("officeFunds"), "title": .text("办公经费"), "planned": .number(1_200_050),
                                                                   "plannedOn": .text("2026-03-31")], village: world.villageV1, author: request.author, on: request.db)
            let base = "/units/\(try world.villageV1.requireID())/records"
            let meetings = try Self.openpyxl(try await Self.download(app, base + "/meetings/export.xlsx", as: session))
            let rows = try #require(meetings["cells"] as? [[[String: Any]]])
            let labels = rows[0].map { $0["value"] as? String ?? "" }
            let date = try #require(labels.firstIndex(of: "召开日期")), attendance = try #require(labels.firstIndex(of: "出席人数"))
            #expect(rows[1][date]["type"] as? String == "date" && rows[1][date]["value"] as? String == "2026-04-10")
            #expect(rows[1][attendance]["type"] as? String == "number" && rows[1][attendance]["value"] as? Int == 38)
            #expect(meetings["freeze"] as? String == "A2" && rows[0][0]["bold"] as? Bool == true)
            let budget = try #require(try Self.openpyxl(try await Self.download(app, base + "/budgetLines/export.xlsx", as: session))["cells"] as? [[[String: Any]]])
            let money = try #require(budget[0].firstIndex { $0["value"] as? String == "计划金额（元）" })
            #expect(budget[1][money]["type"] as? String == "number" && budget[1][money]["value"] as? Double == 12_000.5 && budget[1][money]["format"] as? String == "0.00")
            // Templates: the meeting kind's drop-down, the volunteers' phone and identity columns as text.
            let template = try Self.openpyxl(try await Self.download(app, base + "/meetings/template.xlsx", as: session))
            let lists = try #require(template["lists"] as? [[String: Any]])
            #expect(lists.contains { ($0["formula"] as? String)?.contains("村民代表会议") == true }, "\(lists)")
            let volunteers = try Self.openpyxl(try await Self.download(app, base + "/volunteers/template.xlsx", as: session))
            let formats = try #require(volunteers["columnFormats"] as? [String: String])
            let header = RecordKind.volunteers.fields.map(\.label)
            for label in ["身份证号", "联系电话"] {
                let column = XLSX.column(try #require(header.firstIndex(of: label), "\(label)"))
                #expect(formats[column] == "@", "\(label) in \(column): \(formats)")
            }
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

    /// The API stages, previews and confirms as the page does: problems named as
    /// `rows[N].field`, only the user who staged may confirm, all or nothing.
    @Test("import through the API: 422 naming each bad row's field, 201 preview, confirm writes every row once; a large one runs as a job")
    func importThroughAPI() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "li", .committeeMember, at: world.villageV1)
            try await World.user(app, "sup", .supervisor, at: world.villageV1)
            let session = try await login(app, "zhang")
            let village = try world.villageV1.requireID()
            let base = "/api/v1/units/\(village)/volunteers/imports"
            func row(_ name: String, date: String = "2026-03-01", team: String = "") -> [String] {
                Self.header.map { $0 == "姓名" ? name : $0 == "登记日期" ? date : $0 == "所属队伍" ? team : "" }
            }
            func post(_ sheet: Sheet, as who: Session) async throws -> (status: HTTPStatus, body: String) {
                try await postMultipart(app, base, as: who, fields: [:], file: CSV.write(sheet), filename: "v.csv")
            }
            // Not a file upload at all.
            let json = try await send(app, .POST, base, as: session, json: ["file": "x"])
            #expect(json.status == .unprocessableEntity && json.body.contains("\"field\":\"file\""), "\(json.body)")
            // Bad rows: each problem names the row and the field.
            let bad = try await post(Self.volunteersSheet([row("王芳", date: "2026-02-30"), row("刘洋", team: "不存在的队"), row("王芳", date: "2026-02-30")]), as: session)
            #expect(bad.status == .unprocessableEntity)
            let fields = try StationFixture.decode(ErrorBody.self, bad.body).error.fields
            #expect(fields.map(\.field).contains("rows[2].registeredOn"), "\(fields)")
            #expect(fields.contains { $0.field == "rows[3].team" && $0.message.contains("第3行") && $0.message.contains("不存在的队") }, "\(fields)")
            #expect(try await RecordStore.list(.volunteers, village: village, on: app.db).isEmpty)
            // A supervisor may not import.
            let sup = try await login(app, "sup")
            #expect(try await post(Self.volunteersSheet([row("王芳")]), as: sup).status == .forbidden)
            // Good: staged, previewed, confirmed once by the user who staged it.
            let staged = try await post(Self.volunteersSheet([row("王芳"), row("刘洋", date: "2026/4/5")]), as: session)
            #expect(staged.status == .created, "\(staged.body)")
            let preview = try StationFixture.decode(RecordTransferController.ImportPreviewDTO.self, staged.body)
            #expect(preview.rowCount == 2 && preview.rows.count == 2 && preview.rows[1]["registeredOn"] == "2026-04-05")
            #expect(preview.confirm == "\(base)/\(preview.id)/confirm")
            #expect(try await RecordStore.list(.volunteers, village: village, on: app.db).isEmpty, "staging writes nothing")
            let li = try await login(app, "li")
            #expect(try await send(app, .POST, preview.confirm, as: li, json: EmptyBody()).status == .notFound)
            let confirmed = try await send(app, .POST, preview.confirm, as: session, json: EmptyBody())
            #expect(confirmed.status == .ok, "\(confirmed.body)")
            let result = try StationFixture.decode(RecordTransferController.ImportResultDTO.self, confirmed.body)
            #expect(result.done && result.rowCount == 2 && result.job == nil)
            #expect(try await RecordStore.list(.volunteers, village: village, on: app.db).count == 2)
            #expect(try await send(app, .POST, preview.confirm, as: session, json: EmptyBody()).status == .notFound, "a batch is written once")
            // A large one: a job, every row.
            let count = RecordTransferController.backgroundRows + 10
            let large = try await post(Self.volunteersSheet((1...count).map { row("志愿者\($0)") }), as: session)
            #expect(large.status == .created)
            let largePreview = try StationFixture.decode(RecordTransferController.ImportPreviewDTO.self, large.body)
            #expect(largePreview.rows.count == 20 && largePreview.rowCount == count)
            let started = try StationFixture.decode(RecordTransferController.ImportResultDTO.self, try await send(app, .POST, largePreview.confirm, as: session, json: EmptyBody()).body)
            #expect(!started.done && started.job?.kind == "import")
            await app.jobTasks.drain(cancel: false)
            #expect(try await RecordStore.list(.volunteers, village: village, on: app.db).count == count + 2)
        }
    }
}
