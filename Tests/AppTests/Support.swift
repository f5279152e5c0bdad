@testable import App
import Fluent
import FluentPostgresDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import StandardKit
import Testing
import Vapor
import VaporTesting

/// A clock tests can move.
final class TestClock: WallClock {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_798_761_600)) // 2027-01-01 00:00 UTC
    var now: Date { current.withLockedValue { $0 } }
    func advance(minutes: Double) { current.withLockedValue { $0 = $0.addingTimeInterval(minutes * 60) } }
    func advance(days: Int) { advance(minutes: Double(days) * 1440) }
    func set(_ date: Date) { current.withLockedValue { $0 = date } }
    /// Sets the clock to 10:00 Beijing time on a day ("2026-02-13").
    func set(beijingDay text: String) {
        guard let day = LocalDate(text) else { return }
        current.withLockedValue { $0 = Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400 + 2 * 3600) }
    }
}

/// A fresh application per test: in-memory SQLite, or — when DATABASE_URL is set — a new
/// PostgreSQL database made for this test and dropped after, so tests run in parallel.
/// Migrated before the body, shut down on every path.
/// An application holding the demo (`serve --demo`) as on 27 November 2026, signed in
/// with the password "demo-pass-2026".
func withDemo(_ body: (Application) async throws -> Void) async throws {
    setenv("CUNWU_DEMO_PASSWORD", "demo-pass-2026", 1)
    try await withApp { app, clock in
        clock.set(beijingDay: "2026-11-27")
        try await DemoData.seed(app)
        try await body(app)
    }
}

/// `postgresURL` may rewrite the test database's URL (e.g. to list other hosts before it).
func withApp(environment extra: [String: String] = [:], postgresURL: (String) -> String = { $0 },
             _ body: (Application, TestClock) async throws -> Void) async throws {
    guard let base = ProcessInfo.processInfo.environment["DATABASE_URL"], !base.isEmpty, !PostgresGate.held else {
        return try await runApp(environment: extra, postgresURL: postgresURL, body)
    }
    await PostgresGate.shared.acquire()
    do {
        try await PostgresGate.$held.withValue(true) { try await runApp(environment: extra, postgresURL: postgresURL, body) }
    } catch let error as PSQLError {
        await PostgresGate.shared.release()
        // PSQLError's description hides everything; a failed test must say what the server said.
        throw DescribedError(text: String(reflecting: error))
    } catch {
        await PostgresGate.shared.release()
        throw error
    }
    await PostgresGate.shared.release()
}

/// A PostgreSQL error with what the server said, for a test's report.
struct DescribedError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// How many tests hold a PostgreSQL database and pool at once. Every test's pools open up to
/// (connections per loop + the writer's one) × cores connections, and swift-testing starts
/// every test at once: on a machine with many cores the server's connection slots ran out
/// ("sorry, too many clients already"). The bound leaves room for the server-process tests.
actor PostgresGate {
    /// `CUNWU_TEST_PG_SLOTS` sets the bound (at least 1), for measuring the suite's connections.
    static let shared = PostgresGate(slots: max(1, Int(ProcessInfo.processInfo.environment["CUNWU_TEST_PG_SLOTS"] ?? "") ?? max(4, 360 / (3 * max(1, System.coreCount)))))
    /// Set while this task holds a slot, so a `withApp` inside another (in this task or its
    /// child tasks) does not wait for a second. A `withApp` in a `Task.detached` would not see
    /// it and would take a slot of its own: keep nested ones structured.
    @TaskLocal static var held = false

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

private func runApp(environment extra: [String: String], postgresURL: (String) -> String,
                    _ body: (Application, TestClock) async throws -> Void) async throws {
    var environment: [String: String] = ["CUNWU_BCRYPT_COST": "4"].merging(extra) { $1 }
    var scratch: String?
    if let base = ProcessInfo.processInfo.environment["DATABASE_URL"], !base.isEmpty {
        let name = "cunwu_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await PostgresAdmin.run(base, "CREATE DATABASE \(name)")
        scratch = name
        environment["DATABASE_URL"] = postgresURL(PostgresAdmin.url(base, database: String(name)))
    }
    let app = try await Application.make(.testing)
    let clock = TestClock()
    do {
        try await configure(app, environment: environment)
        app.clock = clock
        try await prepareDatabase(app)
        try await body(app, clock)
    } catch {
        try? await app.asyncShutdown()
        if let scratch, let base = ProcessInfo.processInfo.environment["DATABASE_URL"] { try? await PostgresAdmin.run(base, "DROP DATABASE \(scratch)") }
        throw error
    }
    try await app.asyncShutdown()
    if let scratch, let base = ProcessInfo.processInfo.environment["DATABASE_URL"] { try await PostgresAdmin.drop(base, scratch) }
}

/// A PostgreSQL pool on a port nobody listens on, registered as `id` (Fluent's default when
/// `isDefault`): a database that is away, for the outage tests. Any store may register it.
@discardableResult
func registerUnreachableDatabase(_ app: Application, as id: DatabaseID, isDefault: Bool = false) throws -> any Database {
    let closed = ServerProcess.freePort()
    _ = try PostgresHosts.registerPools(app, url: "postgres://cunwu:cunwu@127.0.0.1:\(closed)/cunwu?sslmode=disable", variable: "DATABASE_URL",
                                        connectionsPerLoop: 1, defaultFirst: isDefault) { _ in id }
    return try #require(app.databases.database(id, logger: app.logger, on: app.eventLoopGroup.any()))
}

enum PostgresAdmin {
    /// The name of the database the app's default pool is connected to.
    static func currentDatabase(_ app: Application) async throws -> String {
        let sql = try #require(app.db as? any SQLDatabase)
        return try #require(try await sql.raw("SELECT current_database() AS d").first()?.decode(column: "d", as: String.self))
    }

    /// Drops a test's database, ending whatever is still connected to it. A server process
    /// of no role (an autovacuum worker starting up) cannot be ended by the test role and
    /// fails the drop now and then under the full suite's load: it is tried again.
    static func drop(_ url: String, _ database: String) async throws {
        for attempt in 1...8 {
            do {
                return try await run(url, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
            } catch where attempt < 8 {
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    /// Runs one statement on the server named by `url` (its own database).
    static func run(_ url: String, _ sql: String) async throws {
        let app = try await Application.make(.testing)
        do {
            try app.databases.use(.postgres(url: url), as: .psql)
            if let db = app.db as? any SQLDatabase { try await db.raw(SQLQueryString(sql)).run() }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func url(_ base: String, database: String) -> String {
        guard var components = URLComponents(string: base) else { return base }
        components.path = "/" + database
        return components.string ?? base
    }
}

/// A small hierarchy: two districts; district A has townships A1 and A2; A1 has villages
/// V1 and V2; A2 has village V3. Enough for own / child / sibling / parent in every level.
struct World {
    var city: OrgUnit
    var districtA: OrgUnit, districtB: OrgUnit
    var townshipA1: OrgUnit, townshipA2: OrgUnit
    var villageV1: OrgUnit, villageV2: OrgUnit, villageV3: OrgUnit

    static let password = "correct-horse-42"

    static func make(_ app: Application) async throws -> World {
        func unit(_ kind: UnitKind, _ name: String, _ parent: OrgUnit?) async throws -> OrgUnit {
            let unit = OrgUnit(kind: kind, name: name, code: nil, parent: parent)
            try await unit.create(on: app.db)
            if kind == .village {
                let profile = VillageProfile(unitID: try unit.requireID())
                profile.households = 640
                profile.stationFloorArea = 60
                profile.openingHours = "周一至周五 08:30-12:00 13:00-17:30"
                try await profile.create(on: app.db)
            }
            return unit
        }
        let c = try await unit(.city, "北京市", nil)
        let a = try await unit(.district, "怀柔区", c)
        let b = try await unit(.district, "密云区", c)
        let a1 = try await unit(.township, "桥梓镇", a)
        let a2 = try await unit(.township, "怀北镇", a)
        let v1 = try await unit(.village, "前辛庄村", a1)
        let v2 = try await unit(.village, "后辛庄村", a1)
        let v3 = try await unit(.village, "河防口村", a2)
        return World(city: c, districtA: a, districtB: b, townshipA1: a1, townshipA2: a2, villageV1: v1, villageV2: v2, villageV3: v3)
    }

    @discardableResult
    static func user(_ app: Application, _ username: String, _ role: Role, at unit: OrgUnit?, password: String = password) async throws -> User {
        let hash = try Bcrypt.hash(password, cost: 4)
        let user = User(username: username, displayName: username, passwordHash: hash)
        try await user.create(on: app.db)
        try await RoleAssignment(userID: try user.requireID(), role: role, unit: unit).create(on: app.db)
        return user
    }
}

/// A signed-in client: the session cookie and CSRF token from the API login.
struct Session {
    var cookie: String
    var csrf: String

    func headers(json: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(SessionCookie.name)=\(cookie)")
        headers.add(name: CSRF.header, value: csrf)
        if json { headers.contentType = .json }
        return headers
    }
}

/// The id of the record a POST created, from its JSON answer ("" when there is none).
func createdID(_ body: String) -> String {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["id"] as? String ?? ""
}

func login(_ app: Application, _ username: String, _ password: String = World.password) async throws -> Session {
    var session: Session?
    try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { request in
        try request.content.encode(LoginInput(username: username, password: password), as: .json)
    }, afterResponse: { response in
        #expect(response.status == .ok, "login \(username): \(response.body.string)")
        let me = try response.content.decode(MeDTO.self)
        let cookie = response.headers.setCookie?[SessionCookie.name]?.string ?? ""
        session = Session(cookie: cookie, csrf: me.csrfToken)
    })
    return try #require(session)
}

/// Sends a request and returns the response (status, headers, body).
@discardableResult
/// `port`: over a real connection to 127.0.0.1 on that port (the peer address is then real).
func send(_ app: Application, _ method: HTTPMethod, _ path: String, as session: Session? = nil, json: (some Encodable)? = EmptyBody?.none,
          form: [String: String]? = nil, headers extra: HTTPHeaders = [:], port: Int? = nil, body raw: String? = nil) async throws -> (status: HTTPStatus, headers: HTTPHeaders, body: String) {
    var result: (HTTPStatus, HTTPHeaders, String) = (.internalServerError, [:], "")
    let tester = try port.map { try app.testing(method: .running(hostname: "127.0.0.1", port: $0)) } ?? app.testing()
    try await tester.test(method, path, beforeRequest: { request in
        if let session { request.headers = session.headers() }
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if let json { try request.content.encode(json, as: .json) }
        if let form { try request.content.encode(form, as: .urlEncodedForm) }
        if let raw { request.body = ByteBuffer(string: raw) }
    }, afterResponse: { response in
        result = (response.status, response.headers, response.body.string)
    })
    return result
}

struct EmptyBody: Encodable {}

func auditCount(_ app: Application) async throws -> Int { try await AuditEvent.query(on: app.db).count() }

/// Posts form fields and one file as a browser would (multipart/form-data).
func postMultipart(_ app: Application, _ path: String, as session: Session, fields: KeyValuePairs<String, String>, file: Data, filename: String,
                   headers extra: HTTPHeaders = [:]) async throws -> (status: HTTPStatus, body: String) {
    let boundary = "----cunwu\(UUID().uuidString)"
    var body = Data()
    for (name, value) in fields { body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)) }
    body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
    body.append(file)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    var result: (HTTPStatus, String) = (.internalServerError, "")
    try await app.testing().test(.POST, path, beforeRequest: { request in
        request.headers = session.headers()
        request.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = ByteBuffer(data: body)
    }, afterResponse: { response in result = (response.status, response.body.string) })
    return result
}
