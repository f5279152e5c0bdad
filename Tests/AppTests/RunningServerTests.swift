@testable import App
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Testing

/// `cunwu serve` as a separate process on 127.0.0.1, on a SQLite file or (when
/// DATABASE_URL is set) a PostgreSQL database of its own: what a test does to it is what
/// happens to a real server (killed, backed up, run twice).
final class ServerProcess: @unchecked Sendable {
    let port: Int
    let process = Process()
    let log: URL
    var base: String { "http://127.0.0.1:\(port)" }

    init(environment: [String: String], demo: Bool = false) throws {
        port = Self.freePort()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = try #require(CLI.binary, "build the cunwu executable first (swift build)")
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)] + (demo ? ["--demo"] : [])
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    private static let given = NIOLockedValueBox<Set<Int>>([])

    /// A port below Linux's ephemeral range (32768–60999, where outgoing connections take
    /// theirs, so a random pick there can be in use), not given out before in this run, and
    /// free now: a probe binds it and lets it go.
    static func freePort() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000...32_000)
            guard given.withLockedValue({ $0.insert(port).inserted }) else { continue }
            if bindable(port) { return port }
        }
        return Int.random(in: 20_000...32_000)
    }

    private static func bindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Waits until `/healthz` answers (migrations and the demo can take a while).
    func ready(_ client: HTTPClient, seconds: Double = 120) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard process.isRunning else { throw ServerFailure("the server exited: \(output())") }
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ServerFailure("no answer from \(base) in \(seconds) s: \(output())")
    }

    func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGKILL: no shutdown, no draining, nothing flushed that was not already.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: log)
    }
}

struct ServerFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A signed-in API client of one server.
struct APISession: Sendable {
    var base: String
    var cookie: String
    var csrf: String

    static func login(_ client: HTTPClient, _ base: String, _ username: String, _ password: String) async throws -> APISession {
        let (status, headers, body) = try await call(client, .POST, base + "/api/v1/session", json: ["username": username, "password": password])
        guard status == .ok, let csrf = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["csrfToken"] as? String,
              let cookie = headers["set-cookie"].first(where: { $0.hasPrefix(SessionCookie.name + "=") })?.split(separator: ";").first else {
            throw ServerFailure("login \(username) at \(base): \(status) \(String(decoding: body, as: UTF8.self))")
        }
        return APISession(base: base, cookie: String(cookie), csrf: csrf)
    }

    /// The same session at another server (sessions live in the database).
    func at(_ other: String) -> APISession { APISession(base: other, cookie: cookie, csrf: csrf) }

    func send(_ client: HTTPClient, _ method: HTTPMethod, _ path: String, json: [String: String]? = nil) async throws -> (HTTPResponseStatus, Data) {
        let (status, _, body) = try await Self.call(client, method, base + path, json: json, headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        return (status, body)
    }

    func json(_ client: HTTPClient, _ path: String) async throws -> [String: Any] {
        let (status, body) = try await send(client, .GET, path)
        guard status == .ok, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw ServerFailure("GET \(path): \(status) \(String(decoding: body, as: UTF8.self).prefix(300))")
        }
        return object
    }

    static func call(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, json: [String: String]? = nil,
                     headers: [String: String] = [:]) async throws -> (HTTPResponseStatus, HTTPHeaders, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 32 << 20)
        return (response.status, response.headers, Data(buffer: body))
    }
}

/// A store for one test's servers: a new SQLite file, or a new PostgreSQL database. It
/// starts the servers and ends them all, however the test ends.
final class ServerStore: @unchecked Sendable {
    let environment: [String: String]
    let folder: URL
    let drop: String?
    private let servers = NIOLockedValueBox<[ServerProcess]>([])

    private init(environment: [String: String], folder: URL, drop: String?) {
        self.environment = environment
        self.folder = folder
        self.drop = drop
    }

    /// Runs `body` with a new store and an HTTP client; afterwards every server it started
    /// is killed, the client shut down and the store removed, on every path.
    static func with(_ body: (ServerStore, HTTPClient) async throws -> Void) async throws {
        let store = try await make()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do { try await body(store, client) } catch {
            try? await client.shutdown()
            await store.remove()
            throw error
        }
        try await client.shutdown()
        await store.remove()
    }

    private static func make() async throws -> ServerStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ["CUNWU_DATA_KEY": DataKey.random().base64, "CUNWU_DEMO_PASSWORD": "demo-pass-2026",
                           "CUNWU_LEDGER_ANCHOR_FILE": folder.appendingPathComponent("ledger.anchors").path,
                           "CUNWU_FILES_PATH": folder.appendingPathComponent("files").path, "CUNWU_BCRYPT_COST": "4", "LOG_LEVEL": "warning"]
        var drop: String?
        if let base = ProcessInfo.processInfo.environment["DATABASE_URL"], !base.isEmpty {
            let name = "cunwu_r_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await PostgresAdmin.run(base, "CREATE DATABASE \(name)")
            environment["DATABASE_URL"] = PostgresAdmin.url(base, database: String(name))
            drop = String(name)
        } else {
            environment["CUNWU_DATABASE_PATH"] = folder.appendingPathComponent("cunwu.sqlite").path
            environment["DATABASE_URL"] = ""
        }
        return ServerStore(environment: environment, folder: folder, drop: drop)
    }

    var postgres: Bool { drop != nil }

    /// Starts `cunwu serve` on this store (or on `environment`), kept to be ended at the end.
    func start(environment: [String: String]? = nil, demo: Bool = false) throws -> ServerProcess {
        let server = try ServerProcess(environment: environment ?? self.environment, demo: demo)
        servers.withLockedValue { $0.append(server) }
        return server
    }

    private func remove() async {
        for server in servers.withLockedValue({ $0 }) where server.process.isRunning { server.kill() }
        if let drop, let base = ProcessInfo.processInfo.environment["DATABASE_URL"] { try? await PostgresAdmin.run(base, "DROP DATABASE \(drop) WITH (FORCE)") }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The demo station's village and its requests, seen through the API.
struct DemoStationClient {
    var session: APISession
    var village: String

    static func make(_ client: HTTPClient, _ base: String) async throws -> DemoStationClient {
        let session = try await APISession.login(client, base, "demo.station", "demo-pass-2026")
        let me = try await session.json(client, "/api/v1/me")
        guard let village = (me["roles"] as? [[String: Any]])?.compactMap({ $0["unitID"] as? String }).first else {
            throw ServerFailure("demo.station has no unit: \(me)")
        }
        return DemoStationClient(session: session, village: village)
    }

    /// Submits one request at the window; its id and tracking code when the server said 201.
    func submit(_ client: HTTPClient, _ n: Int) async throws -> (id: String, code: String)? {
        let (status, body) = try await session.send(client, .POST, "/api/v1/units/\(village)/requests",
                                                    json: ["serviceCode": "SB-01", "residentName": "测试\(n)", "residentPhone": "139\(String(format: "%08d", n))",
                                                           "content": "持久性测试 \(n)"])
        guard status == .created, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let id = object["id"] as? String, let code = object["trackingCode"] as? String else {
            throw ServerFailure("\(status.code) \(String(decoding: body, as: UTF8.self).prefix(200))")
        }
        return (id, code)
    }

    /// Every request id and tracking code the station holds, page by page.
    func requests(_ client: HTTPClient) async throws -> [String: String] {
        var out: [String: String] = [:]
        var cursor: String?
        repeat {
            let list = try await session.json(client, "/api/v1/units/\(village)/requests?limit=200" + (cursor.map { "&cursor=" + $0 } ?? ""))
            for item in list["requests"] as? [[String: Any]] ?? [] {
                if let id = item["id"] as? String, let code = item["trackingCode"] as? String { out[id.uppercased()] = code }
            }
            cursor = list["next"] as? String
        } while cursor != nil
        return out
    }

    /// The subjects of the station's ledger events with the given action.
    func ledgerSubjects(_ client: HTTPClient, action: String) async throws -> Set<String> {
        var out = Set<String>()
        var cursor: String?
        repeat {
            let ledger = try await session.json(client, "/api/v1/units/\(village)/ledger?limit=200" + (cursor.map { "&cursor=" + $0 } ?? ""))
            out.formUnion((ledger["events"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == action }.compactMap { ($0["subjectID"] as? String)?.uppercased() })
            cursor = ledger["next"] as? String
        } while cursor != nil
        return out
    }

    /// Whether every chain below the village verifies from its first event.
    func ledgerIntact(_ client: HTTPClient) async throws -> Bool {
        let verification = try await session.json(client, "/api/v1/units/\(village)/ledger/verification")
        let chains = verification["chains"] as? [[String: Any]] ?? []
        return !chains.isEmpty && chains.allSatisfy { $0["intact"] as? Bool == true }
    }
}

/// Clients submitting requests as fast as they are answered, until told to stop or the
/// server goes away; what was acknowledged (201) is collected.
actor Acknowledged {
    var items: [(id: String, code: String)] = []
    /// Answers other than 201 (a refused or failed request; the connection still stood).
    var failures: [String] = []
    func add(_ item: (id: String, code: String)) { items.append(item) }
    func fail(_ answer: String) { failures.append(answer) }
}

func submitting(_ client: HTTPClient, _ stations: [DemoStationClient], clients: Int, until stop: @escaping @Sendable (Int) async -> Bool) async -> Acknowledged {
    let acknowledged = Acknowledged()
    await submittingInto(acknowledged, client, stations, clients: clients, until: stop)
    return acknowledged
}

func submittingInto(_ acknowledged: Acknowledged, _ client: HTTPClient, _ stations: [DemoStationClient], clients: Int,
                    until stop: @escaping @Sendable (Int) async -> Bool) async {
    await withTaskGroup(of: Void.self) { group in
        for c in 0..<clients {
            let station = stations[c % stations.count]
            group.addTask {
                var n = c * 100_000
                while true {
                    n += 1
                    let count = await acknowledged.items.count
                    if await stop(count) { return }
                    do {
                        if let item = try await station.submit(client, n) { await acknowledged.add(item) }
                    } catch let failure as ServerFailure {
                        await acknowledged.fail(failure.description)
                    } catch {
                        return  // the server is gone
                    }
                }
            }
        }
    }
}

@Suite("Running servers: killed mid-intake, backed up and restored, two at once", .serialized)
struct RunningServerTests {
    @Test("SIGKILL while 16 clients submit: after a restart every acknowledged request is there with its ledger event, and every chain verifies")
    func killedMidIntake() async throws {
        try await ServerStore.with { store, client in
            let first = try store.start(demo: true)
            try await first.ready(client)
            let station = try await DemoStationClient.make(client, first.base)
            // Kill the server once 150 requests are acknowledged, with the others in flight.
            let killed = NIOLockedValueBox(false)
            let acknowledged = await submitting(client, [station], clients: 16) { count in
                if count >= 150, killed.withLockedValue({ done in defer { done = true }; return !done }) { first.kill() }
                return killed.withLockedValue { $0 }
            }
            let acked = await acknowledged.items, refused = await acknowledged.failures
            #expect(acked.count >= 150, "acknowledged before the kill: \(acked.count)")
            #expect(refused.isEmpty, "refused before the kill: \(refused.prefix(3))")

            let second = try store.start()
            try await second.ready(client)
            let after = try await DemoStationClient.make(client, second.base)
            let stored = try await after.requests(client)
            let missing = acked.filter { stored[$0.id.uppercased()] != $0.code }
            #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
            let accepted = try await after.ledgerSubjects(client, action: "accept")
            #expect(acked.allSatisfy { accepted.contains($0.id.uppercased()) }, "every acknowledged request has its ledger event")
            #expect(try await after.ledgerIntact(client))
            // And the restarted server takes new requests on the same chain.
            #expect(try await after.submit(client, 999_999) != nil)
            #expect(try await after.ledgerIntact(client))
            second.stop()
        }
    }

    @Test("backup while 8 clients submit, then restore: everything acknowledged before the backup began is back, nothing else appears, every chain verifies")
    func backupAndRestore() async throws {
        try await ServerStore.with { store, client in
            let server = try store.start(demo: true)
            try await server.ready(client)
            let station = try await DemoStationClient.make(client, server.base)
            let file = store.folder.appendingPathComponent("backup.db").path
            let existing = try await station.requests(client)
            let backedUp = NIOLockedValueBox<(before: [(id: String, code: String)], result: CLI.Result?)>(([], nil))
            let acknowledged = Acknowledged()
            let intake = Task { await submittingInto(acknowledged, client, [station], clients: 8) { _ in backedUp.withLockedValue { $0.result != nil } } }
            // Once intake is under way: note what is acknowledged, then back up while it goes on.
            while await acknowledged.items.count < 100 { try await Task.sleep(for: .milliseconds(20)) }
            let before = await acknowledged.items
            let result = try await CLI.run(["backup", file], environment: store.environment)
            backedUp.withLockedValue { $0 = (before, result) }
            await intake.value
            #expect(result.status == 0, "\(result.output) \(result.errors)")
            #expect(result.output.contains("备份完成"))
            // The copy and the anchor log that goes with it are the owner's alone.
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
            #expect(try FileManager.default.attributesOfItem(atPath: file + ".anchors")[.posixPermissions] as? Int == 0o600)
            let all = await acknowledged.items, refused = await acknowledged.failures
            #expect(all.count > before.count, "intake went on during the backup")
            #expect(refused.isEmpty, "refused during the backup: \(refused.prefix(3))")
            #expect(try await CLI.run(["backup", file], environment: store.environment).status == 2, "an existing file is not overwritten")
            server.stop()

            var restored = store.environment
            if store.postgres, let base = ProcessInfo.processInfo.environment["DATABASE_URL"] {
                // Into a new database: pg_restore as an operator would after losing the old one.
                let name = "cunwu_rr_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
                try await PostgresAdmin.run(base, "CREATE DATABASE \(name)")
                restored["DATABASE_URL"] = PostgresAdmin.url(base, database: String(name))
                let back = try await CLI.run(["restore", file], environment: restored)
                #expect(back.status == 0, "\(back.output) \(back.errors)")
            } else {
                // Over the database itself, which has moved on since the backup.
                let refused = try await CLI.run(["restore", file], environment: restored)
                #expect(refused.status == 2 && refused.errors.contains("--force"))
                let back = try await CLI.run(["restore", file, "--force"], environment: restored)
                #expect(back.status == 0, "\(back.output) \(back.errors)")
                let garbage = store.folder.appendingPathComponent("garbage.db")
                try Data("not a database".utf8).write(to: garbage)
                #expect(try await CLI.run(["restore", garbage.path, "--force"], environment: restored).status == 2)
            }
            // The backup's anchor log is now the live one: the live one named heads the restored chains no longer reach.
            let live = try #require(restored["CUNWU_LEDGER_ANCHOR_FILE"])
            #expect(FileManager.default.contents(atPath: live) == FileManager.default.contents(atPath: file + ".anchors"))
            let again = try store.start(environment: restored)
            try await again.ready(client)
            let after = try await DemoStationClient.make(client, again.base)
            let stored = try await after.requests(client)
            #expect(before.allSatisfy { stored[$0.id.uppercased()] == $0.code }, "acknowledged before the backup began")
            let known = Set(all.map { $0.id.uppercased() })
            #expect(Set(stored.keys).subtracting(existing.keys).isSubset(of: known), "nothing that was not acknowledged")
            #expect(try await after.ledgerIntact(client))
            again.stop()
            if let drop = restored["DATABASE_URL"], drop != store.environment["DATABASE_URL"], let base = ProcessInfo.processInfo.environment["DATABASE_URL"],
               let name = drop.split(separator: "/").last?.split(separator: "?").first {
                try? await PostgresAdmin.run(base, "DROP DATABASE \(name) WITH (FORCE)")
            }
        }
    }

    @Test("two servers on one PostgreSQL: a session made on one works on the other; intake on both gives unique tracking codes and an intact ledger",
          .enabled(if: !(ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty))
    func twoInstances() async throws {
        try await ServerStore.with { store, client in
            let one = try store.start(demo: true)
            try await one.ready(client)
            let two = try store.start()
            try await two.ready(client)
            let onOne = try await DemoStationClient.make(client, one.base)
            // The session made on the first server, used on the second.
            let onTwo = DemoStationClient(session: onOne.session.at(two.base), village: onOne.village)
            let me = try await onTwo.session.json(client, "/api/v1/me")
            #expect(me["username"] as? String == "demo.station")
            let before = try await onOne.requests(client)
            let acknowledged = await submitting(client, [onOne, onTwo], clients: 16) { $0 >= 400 }
            let acked = await acknowledged.items, failures = await acknowledged.failures
            #expect(acked.count >= 400 && failures.isEmpty, "\(failures.count) refused: \(failures.prefix(3))")
            #expect(Set(acked.map(\.code)).count == acked.count, "tracking codes unique")
            let stored = try await onTwo.requests(client)
            #expect(stored.count == before.count + acked.count)
            #expect(Set(stored.values).count == stored.count)
            let intactOne = try await onOne.ledgerIntact(client), intactTwo = try await onTwo.ledgerIntact(client)
            #expect(intactOne && intactTwo)
            let accepted = try await onOne.ledgerSubjects(client, action: "accept")
            #expect(acked.allSatisfy { accepted.contains($0.id.uppercased()) })
            // Signing out on one ends the session on both.
            #expect(try await onTwo.session.send(client, .DELETE, "/api/v1/session").0.code / 100 == 2)
            #expect(try await onOne.session.send(client, .GET, "/api/v1/me").0 == .unauthorized)
            one.stop()
            two.stop()
        }
    }
}
