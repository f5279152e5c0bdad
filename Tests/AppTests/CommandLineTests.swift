@testable import App
import SQLKit
import SQLiteNIO
import Vapor
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Runs the built `cunwu` executable as a user would and checks output and exit codes.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `cunwu` binary beside this test bundle (swift build/test builds every product).
    static var binary: URL? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = here.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("cunwu")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fallback = root.appendingPathComponent(".build/debug/cunwu")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    struct Result { var status: Int32; var output: String; var errors: String }

    /// Runs the command and waits for it on a thread of its own: a test waiting for a process
    /// must not hold one of the few threads every other test's tasks run on (two on this
    /// machine; held, they starved timing tests and servers starting beside them).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let binary = try #require(Self.binary, "build the cunwu executable first (swift build)")
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result<CLI.Result, any Error> { try runBlocking(binary, arguments, environment: environment) })
            }.start()
        }
    }

    private static func runBlocking(_ binary: URL, _ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      errors: String(decoding: errors, as: UTF8.self))
    }

    static func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

@Suite("Command line: cunwu standard and cunwu evaluate", .serialized)
struct CommandLineTests {
    @Test("standard prints all 62 items; --item 18 only that one; json parses")
    func standard() async throws {
        let all = try await CLI.run(["standard"])
        #expect(all.status == 0)
        #expect(all.output.contains("62条指导标准"))
        #expect(all.output.contains("62. 大力宣传农村社区建设"))
        let one = try await CLI.run(["standard", "--item", "18"])
        #expect(one.output.contains("[18.1] 数据测算·村（社区）  社区服务站面积不低于50平方米"))
        #expect(!one.output.contains("[17.1]"))
        let json = try await CLI.run(["standard", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect((object?["areas"] as? [Any])?.count == 7)
    }

    @Test("the documented example outputs are what evaluate prints today")
    func examplesAreCurrent() async throws {
        for name in ["village-meets-all", "village-misses-several"] {
            let result = try await CLI.run(["evaluate", "docs/examples/\(name).json"])
            #expect(result.status == 0)
            let expected = try String(contentsOf: CLI.root.appendingPathComponent("docs/examples/\(name).txt"), encoding: .utf8)
            #expect(result.output == expected, "regenerate docs/examples/\(name).txt")
        }
    }

    @Test("--as-of moves the evaluation date; --format json gives the same statuses")
    func asOfAndJSON() async throws {
        let text = try await CLI.run(["evaluate", "docs/examples/village-misses-several.json", "--as-of", "2026-09-29"])
        #expect(text.status == 0)
        #expect(text.output.contains("评估截止日 2026-09-29"))
        // The third quarter has not ended, so item 7 is met.
        #expect(text.output.contains("7.1 达标"))
        let json = try await CLI.run(["evaluate", "docs/examples/village-misses-several.json", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(object?["passed"] as? Bool == false)
        #expect((object?["items"] as? [Any])?.count == 62)
    }

    @Test("settings change a rule and the score", arguments: [
        (#"{"checks": {"18.1": {"minimum": 40}}}"#, "18.1 达标"),
        (#"{"checks": {"7.1": {"minimum": 2}}}"#, "第一季度召开村民代表会议1次"),
    ])
    func settings(settings: String, expected: String) async throws {
        let path = try CLI.temporaryFile(settings)
        let result = try await CLI.run(["evaluate", "docs/examples/village-misses-several.json", "--settings", path])
        #expect(result.status == 0)
        #expect(result.output.contains(expected))
    }

    @Test("bad input: exit 2, every problem named with its line, nothing on standard output", arguments: [
        ("{not json", ["第1行第2列", "不是有效的JSON"]),
        (#"{"factsVersion": 1, "year": 2026, "village": {"name": "甲", "households": "many"}}"#, ["village.households", "应为整数"]),
        ("{\"factsVersion\": 1,\n \"year\": 2026,\n \"village\": {\"name\": \"甲\", \"households\": -1},\n \"meetings\": [{\"kind\": \"representativeMeeting\", \"date\": \"2027-01-05\"}],\n \"extra\": 1}",
         ["发现3个问题", "第3行", "不能为负数（-1）", "第4行", "meetings[0].date", "不在评估年度2026年内", "第5行", "未知字段“extra”"]),
    ])
    func badInput(file: String, expected: [String]) async throws {
        let path = try CLI.temporaryFile(file)
        let result = try await CLI.run(["evaluate", path])
        #expect(result.status == 2)
        #expect(result.output.isEmpty, "nothing half-printed")
        for fragment in expected { #expect(result.errors.contains(fragment), "missing “\(fragment)” in: \(result.errors)") }
    }

    @Test("bad usage: missing file, bad date, bad format, bad item, bad settings — exit 2")
    func badUsage() async throws {
        #expect(try await CLI.run(["evaluate", "/nonexistent/facts.json"]).status == 2)
        let badDate = try await CLI.run(["evaluate", "docs/examples/village-meets-all.json", "--as-of", "2026-13-01"])
        #expect(badDate.status == 2)
        #expect(badDate.errors.contains("--as-of"))
        #expect(try await CLI.run(["evaluate", "docs/examples/village-meets-all.json", "--as-of", "2025-06-01"]).status == 2)
        #expect(try await CLI.run(["evaluate", "docs/examples/village-meets-all.json", "--format", "xml"]).status == 2)
        #expect(try await CLI.run(["standard", "--item", "63"]).status == 2)
        let settings = try CLI.temporaryFile(#"{"checks": {"18.1": {"minimun": 40}}}"#)
        let bad = try await CLI.run(["evaluate", "docs/examples/village-meets-all.json", "--settings", settings])
        #expect(bad.status == 2)
        #expect(bad.errors.contains("18.1.minimun"))
        #expect(bad.output.isEmpty)
    }

    @Test("the facts JSON Schema printed by the command is the committed one")
    func schema() async throws {
        let result = try await CLI.run(["standard", "--facts-schema"])
        let committed = try String(contentsOf: CLI.root.appendingPathComponent("docs/facts.schema.json"), encoding: .utf8)
        #expect(result.output == committed)
    }
}

@Suite("Command line: serve and create-user", .serialized, .enabled(if: ProcessInfo.processInfo.environment["DATABASE_URL"] == nil, "runs on its own SQLite files"))
struct ServerCommandTests {
    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-cli-\(UUID().uuidString).sqlite").path
    }

    @Test("create-user makes the first administrator on a fresh database and refuses a weak password")
    func createUser() async throws {
        let path = Self.temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let weak = try await CLI.run(["create-user", "--username", "admin", "--name", "管理员"],
                                environment: ["CUNWU_DATABASE_PATH": path, "CUNWU_NEW_PASSWORD": "admin12345", "CUNWU_BCRYPT_COST": "4"])
        #expect(weak.status == 2)
        #expect(weak.errors.contains("password"))
        let made = try await CLI.run(["create-user", "--username", "admin", "--name", "管理员"],
                                environment: ["CUNWU_DATABASE_PATH": path, "CUNWU_NEW_PASSWORD": "a-long-enough-secret", "CUNWU_BCRYPT_COST": "4"])
        #expect(made.status == 0, "\(made.errors)")
        #expect(made.output.contains("已创建用户 admin（系统管理员）"))
        let again = try await CLI.run(["create-user", "--username", "admin", "--name", "管理员"],
                                 environment: ["CUNWU_DATABASE_PATH": path, "CUNWU_NEW_PASSWORD": "a-long-enough-secret", "CUNWU_BCRYPT_COST": "4"])
        #expect(again.status == 2 && again.errors.contains("已存在"))
    }

    @Test("serve --demo migrates a new SQLite file, seeds the demo, prints the accounts and answers")
    func serveDemo() async throws {
        let path = Self.temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm", ".key", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let binary = try #require(CLI.binary)
        let port = ServerProcess.freePort()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--demo", "--port", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["CUNWU_DATABASE_PATH": path, "CUNWU_DEMO_PASSWORD": "demo-pass-2026", "CUNWU_BCRYPT_COST": "4",
             "CUNWU_DATA_KEY": "", "CUNWU_DATA_KEY_FILE": "", "DATABASE_URL": ""]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        var healthy = false
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/healthz"))
        // Up to two minutes, as for every server the tests start (the suite loads the machine).
        for _ in 0..<1200 {
            try await Task.sleep(for: .milliseconds(100))
            if let (data, _) = try? await URLSession.shared.data(from: url), String(decoding: data, as: UTF8.self).contains("\"status\":\"ok\"") {
                healthy = true
                break
            }
        }
        #expect(healthy)
        process.terminate()
        process.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("演示数据已就绪"))
        for username in ["demo.admin", "demo.district", "demo.township", "demo.secretary", "demo.committee", "demo.station", "demo.supervisor", "demo.contact", "demo.station2"] {
            #expect(printed.contains(username))
        }
        #expect(printed.contains("demo-pass-2026"))
        // No key was configured: the demo made its own beside the database, for its owner only.
        #expect(printed.contains(path + ".key"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let key = try String(contentsOfFile: path + ".key", encoding: .utf8)
        #expect(throws: Never.self) { try DataKey(text: key, variable: "CUNWU_DATA_KEY_FILE") }
    }

    @Test("serve will not start without a data key and says which variable to set; rotate-key reseals a generated village under a new key")
    func dataKeyCommands() async throws {
        let path = Self.temporaryDatabase()
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var environment = ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": "", "CUNWU_DATA_KEY": "", "CUNWU_DATA_KEY_FILE": "",
                           "CUNWU_DATA_KEY_PREVIOUS": "", "CUNWU_DATA_KEY_PREVIOUS_FILE": ""]
        let refused = try await CLI.run(["serve", "--port", "0"], environment: environment)
        #expect(refused.status == 2 && refused.errors.contains("CUNWU_DATA_KEY_FILE") && refused.errors.contains("openssl rand"))
        #expect(try await CLI.run(["generate", "--villages", "1"], environment: environment).status == 2, "generate needs the key too")
        let first = DataKey.random(), second = DataKey.random()
        environment["CUNWU_DATA_KEY"] = first.base64
        let generated = try await CLI.run(["generate", "--villages", "1", "--requests-per-week", "5"], environment: environment)
        #expect(generated.status == 0, "\(generated.errors)")
        environment["CUNWU_DATA_KEY"] = second.base64
        environment["CUNWU_DATA_KEY_PREVIOUS"] = first.base64
        let rotated = try await CLI.run(["rotate-key"], environment: environment)
        #expect(rotated.status == 0, "\(rotated.errors)")
        #expect(rotated.output.contains("service_requests.resident_phone") && rotated.output.contains(second.id))
        environment["CUNWU_DATA_KEY_PREVIOUS"] = ""
        let again = try await CLI.run(["rotate-key"], environment: environment)
        #expect(again.status == 0 && again.output.contains("重新加密0个值"), "\(again.output)\(again.errors)")
        // The first key alone no longer opens anything: the message names the key it lacks.
        environment["CUNWU_DATA_KEY"] = first.base64
        let lacking = try await CLI.run(["rotate-key"], environment: environment)
        #expect(lacking.status == 2 && lacking.errors.contains(second.id), "\(lacking.errors)")
        // A new key file, never over an existing one.
        let keyFile = path + ".new.key"
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        #expect(try await CLI.run(["rotate-key", "--make-key", keyFile]).status == 0)
        #expect(throws: Never.self) { try DataKey(text: try String(contentsOfFile: keyFile, encoding: .utf8), variable: "file") }
        #expect(try await CLI.run(["rotate-key", "--make-key", keyFile]).status == 2)
    }
    @Test("bench-evaluate writes the HTTP benchmark's targets even when no village is open to the one-village measurement")
    func benchTargetsWhenEverySheetIsSubmitted() async throws {
        let path = Self.temporaryDatabase()
        let folder = path + ".targets"
        defer {
            for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try? FileManager.default.removeItem(atPath: folder)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let environment = ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": "", "CUNWU_DATA_KEY": DataKey.random().base64, "CUNWU_DATA_KEY_FILE": "",
                           "CUNWU_DEMO_PASSWORD": "bench-pass-2026", "CUNWU_BCRYPT_COST": "4"]
        let generated = try await CLI.run(["generate", "--villages", "1", "--seed", "1", "--requests-per-week", "5"], environment: environment)
        #expect(generated.status == 0, "\(generated.errors)")
        // Every village's sheet submitted: each village's year is locked against changes
        // (the data set compare.sh made once the calendar moved on).
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            _ = try await connection.query("UPDATE assessment_sheets SET state = 'submitted', submitted_on = '2026-12-01' WHERE level = 'village'", [])
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        let run = try await CLI.run(["bench-evaluate", "--rounds", "1", "--targets", folder], environment: environment)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("跳过"), "\(run.output)")
        let villages = try String(contentsOfFile: folder + "/villages.txt", encoding: .utf8).split(separator: "\n")
        #expect(villages.count == 1)
        #expect(villages.first.map { $0.hasSuffix(" SB-01") && UUID(uuidString: String($0.prefix(36))) != nil } == true, "\(villages)")
        let urls = try String(contentsOfFile: folder + "/urls.txt", encoding: .utf8).split(separator: "\n")
        #expect(urls.map { $0.split(separator: " ").first.map(String.init) } == ["district-dashboard", "township-page", "village-sheet", "ledger-first-page"])
    }
}

@Suite("Command line: cunwu verify-ledger", .serialized)
struct VerifyLedgerCommandTests {
    @Test("verify-ledger names the first altered event and exits 1; an intact station exits 0; an unknown station exits 2")
    func verifyLedger() async throws {
        // The same store the suite runs on: a SQLite file, or a scratch PostgreSQL database.
        let path = NSTemporaryDirectory() + "cunwu-ledger-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var environment = ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": ""]
        var scratch: String?
        if let base = ProcessInfo.processInfo.environment["DATABASE_URL"], !base.isEmpty {
            let name = "cunwu_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await PostgresAdmin.run(base, "CREATE DATABASE \(name)")
            scratch = String(name)
            environment["DATABASE_URL"] = PostgresAdmin.url(base, database: String(name))
        }
        defer {
            if let scratch, let base = ProcessInfo.processInfo.environment["DATABASE_URL"] {
                let done = DispatchSemaphore(value: 0)
                Task { try? await PostgresAdmin.run(base, "DROP DATABASE \(scratch) WITH (FORCE)"); done.signal() }
                done.wait()
            }
        }
        let app = try await Application.make(.testing)
        let village: UUID, other: UUID
        do {
            try await configure(app, environment: environment.merging(["CUNWU_BCRYPT_COST": "4"]) { $1 })
            try await prepareDatabase(app)
            let s = try await StationFixture.make(app)
            village = s.village
            other = try s.world.villageV2.requireID()
            let item = try await s.intake(app)
            try await s.act(app, item.id, ["action": "start"])
            try await s.act(app, item.id, ["action": "complete", "result": "已办结"])
            try await Dialect.sql(app.db).update("ledger_events").set("payload", to: SQLBind(#"{"result":"改过的结果","status":"completed"}"#))
                .where("unit_id", .equal, SQLBind(village)).where("seq", .equal, SQLBind(3)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        let all = try await CLI.run(["verify-ledger"], environment: environment)
        #expect(all.status == 1, "\(all.output)\(all.errors)")
        #expect(all.output.contains("前辛庄村") && all.output.contains("第3条记录起校验不通过"))
        #expect(all.output.contains("后辛庄村（\(other)）：完整"))
        let one = try await CLI.run(["verify-ledger", "--station", village.uuidString], environment: environment)
        #expect(one.status == 1)
        let intact = try await CLI.run(["verify-ledger", "--station", other.uuidString], environment: environment)
        #expect(intact.status == 0 && intact.output.contains("校验通过"))
        let unknown = try await CLI.run(["verify-ledger", "--station", "999999999999"], environment: environment)
        #expect(unknown.status == 2 && unknown.errors.contains("找不到服务站"))
    }
}
