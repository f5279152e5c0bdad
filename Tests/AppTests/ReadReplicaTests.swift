@testable import App
import FluentPostgresDriver
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 25, item 1: pages that only read use a standby when one is fit; a standby that is
/// down, not a standby, or behind is skipped; a browser that just wrote reads the primary.
@Suite("Read replicas")
struct ReadReplicaTests {
    static let postgresURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""

    /// Registers a replica pool for `url`'s server and returns the app's replicas.
    static func replicas(_ app: Application, url: String, maxLag: Double = 5) throws -> ReadReplicas {
        try ReadReplicas.register(app, url: url, connectionsPerLoop: 1, maxLag: maxLag)
        return try #require(app.readReplicas)
    }

    static func metric(_ app: Application, _ line: String) async -> String? {
        await app.metrics.refresh(app)
        return app.metrics.registry.emitToString().split(separator: "\n").first { $0.hasPrefix(line) }.map(String.init)
    }

    @Test("A standby that is down is skipped: the page is answered from the primary, never an error")
    func downStandby() async throws {
        let closed = ServerProcess.freePort()
        try await withApp { app, _ in
            let world = try await World.make(app)
            let replicas = try Self.replicas(app, url: "postgres://cunwu:cunwu@127.0.0.1:\(closed)/cunwu?sslmode=disable")
            // Unchecked: not used.
            #expect(replicas.pick() == nil)
            // Checked: not answering, still skipped.
            await replicas.check(app)
            #expect(replicas.pick() == nil)
            #expect(replicas.lags.map(\.lag) == [nil])
            // Believed fit, but down: the read fails over to the primary within the request.
            replicas.record(0, .fit(lag: 0), app.logger)
            #expect(replicas.pick() != nil)
            let village = try world.villageV1.requireID()
            let page = try await send(app, .GET, "/public/villages/\(village)/disclosures")
            #expect(page.status == .ok)
            #expect(replicas.pick() == nil, "marked skipped by the failed read")
            #expect(await Self.metric(app, #"cunwu_database_reads_total{target="primary"}"#)?.hasSuffix(" 1") == true)
            #expect(await Self.metric(app, #"cunwu_database_reads_total{target="replica"}"#)?.hasSuffix(" 0") == true)
        }
    }

    @Test("Fitness: lag within the bound is used, beyond it skipped; replicas take turns")
    func fitness() async throws {
        try await withApp { app, _ in
            let replicas = try Self.replicas(app, url: "postgres://u:p@127.0.0.1:1,127.0.0.1:2/d", maxLag: 5)
            replicas.record(0, .fit(lag: 0.2), app.logger)
            replicas.record(1, .fit(lag: 4.9), app.logger)
            let picks = Set((0..<4).compactMap { _ in replicas.pick() })
            #expect(picks == Set(replicas.ids))
            replicas.record(1, .skipped("7.0 s behind"), app.logger)
            #expect(Set((0..<4).compactMap { _ in replicas.pick() }) == [replicas.ids[0]])
            #expect(await Self.metric(app, #"cunwu_database_replica_fit{host="127.0.0.1:2"}"#)?.hasSuffix(" 0.0") == true)
            #expect(await Self.metric(app, #"cunwu_database_replica_lag_seconds{host="127.0.0.1:1"}"#)?.hasSuffix(" 0.2") == true)
        }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["DATABASE_READ_URL": "postgres://h/d"], testing: true) }
        #expect(throws: ConfigError.self) {
            try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://h/d", "DATABASE_READ_URL": "mysql://h/d"], testing: true)
        }
    }

    @Test("Reads go to a fit replica; a server that is not a standby is skipped; after a write this browser reads the primary",
          .enabled(if: !postgresURL.isEmpty))
    func routing() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let village = try world.villageV1.requireID()
            // The test's own database as the "replica": the same data, but not in recovery.
            let replicas = try Self.replicas(app, url: PostgresAdmin.url(Self.postgresURL, database: try await PostgresAdmin.currentDatabase(app)))
            await replicas.check(app)
            #expect(replicas.pick() == nil, "a server not in recovery is no standby")
            replicas.record(0, .fit(lag: 0), app.logger)
            #expect(try await send(app, .GET, "/public/villages/\(village)/disclosures").status == .ok)
            #expect(try await send(app, .GET, "/api/v1/public/villages/\(village)/disclosures").status == .ok)
            #expect(await Self.metric(app, #"cunwu_database_reads_total{target="replica"}"#)?.hasSuffix(" 2") == true)
            // A browser that has just written carries the cookie (set only when replicas are configured).
            let wrote = try await send(app, .GET, "/public/villages/\(village)/disclosures", headers: ["Cookie": "\(Reading.wroteCookie)=1"])
            #expect(wrote.status == .ok)
            #expect(await Self.metric(app, #"cunwu_database_reads_total{target="primary"}"#)?.hasSuffix(" 1") == true)
        }
    }

    @Test("While the primary does not answer, an official still signed in gets the dashboard, summary report and export from a fit standby; what needs the primary is 503",
          .enabled(if: !postgresURL.isEmpty))
    func primaryAway() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            let before = try StationFixture.decode(DashboardDTO.self, try await send(app, .GET, f.path(district, "/dashboard"), as: f.qu).body)
            #expect(before.villages.count == 3)
            // One village's kept summary dropped: during the outage it is evaluated from the
            // standby, and not kept (nowhere to write), yet shown.
            try await Snapshots.invalidate(path: f.world.villageV1.path, on: app.db)
            let replicas = try Self.replicas(app, url: PostgresAdmin.url(Self.postgresURL, database: try await PostgresAdmin.currentDatabase(app)))
            replicas.record(0, .fit(lag: 0), app.logger)
            // The primary goes away: Fluent's default pool now reaches a port nobody listens on.
            try registerUnreachableDatabase(app, as: DatabaseID(string: "psql-gone"), isDefault: true)
            let during = try await send(app, .GET, f.path(district, "/dashboard"), as: f.qu)
            #expect(during.status == .ok, "\(during.body)")
            let shown = try StationFixture.decode(DashboardDTO.self, during.body)
            #expect(shown.villages.map(\.score) == before.villages.map(\.score))
            #expect(shown.villages.map(\.unitID) == before.villages.map(\.unitID))
            let page = try await send(app, .GET, "/units/\(district)/dashboard/\(f.cycle)", as: f.qu)
            #expect(page.status == .ok && page.body.contains("<svg"))
            #expect(try await send(app, .GET, "/units/\(district)/report/\(f.cycle)", as: f.qu).status == .ok)
            let export = try await send(app, .GET, Route.unit(.value(district), .cycle(.value(f.cycle), .export)).path + "?format=csv", as: f.qu)
            #expect(export.status == .ok && export.body.contains(f.world.villageV1.name))
            #expect(await Self.metric(app, #"cunwu_database_reads_total{target="replica"}"#)?.hasSuffix(" 4") == true)
            // A page that reads the primary, and any write, say "try again" (never 500).
            let requests = try await send(app, .GET, "/api/v1/units/\(f.v1)/requests", as: f.wang)
            #expect(requests.status == .serviceUnavailable && requests.headers.first(name: .retryAfter) == "5")
            let write = try await send(app, .POST, "/api/v1/units/\(district)/cycles/\(f.cycle)/recompute", as: f.qu)
            #expect(write.status == .serviceUnavailable)
            // A session the standby does not have (one made a moment ago, not yet replayed) is
            // unknown, not ended: this request is anonymous, and the browser keeps its cookie.
            try await UserSession.query(on: standbyDB(app, replicas)).filter(\.$tokenHash == Token.hash(f.town.cookie)).delete()
            let unknown = try await send(app, .GET, "/units/\(try f.world.townshipA1.requireID())/dashboard/\(f.cycle)", as: f.town)
            #expect(unknown.status != .ok)
            #expect(unknown.headers.setCookie?[SessionCookie.name] == nil, "the cookie is not cleared")
            // Nothing was written to the standby meanwhile (it is the same database here: the
            // village's summary stays dropped until the primary is back).
            let sheet = try #require(try await AssessmentSheet.query(on: standbyDB(app, replicas)).filter(\.$unitID == f.v1).filter(\.$cycleID == f.cycle).first())
            #expect(sheet.snapshotAtSeq != sheet.snapshotSeq)
        }
    }

    func standbyDB(_ app: Application, _ replicas: ReadReplicas) throws -> any Database {
        try #require(app.databases.database(replicas.ids[0], logger: app.logger, on: app.eventLoopGroup.any()))
    }


    @Test("A change answered below 400 marks the browser as having written, for a little longer than the lag bound")
    func wroteCookie() async throws {
        try await withApp { app, _ in
            // Without replicas no such cookie is set.
            _ = try await World.make(app)
            let login = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "nobody", password: "wrong-password-1"))
            #expect(login.headers.setCookie?[Reading.wroteCookie] == nil)
        }
        let app = try await Application.make(.testing)
        app.middleware.use(WroteMiddleware(seconds: 7, secure: false))
        app.get("read") { _ in "r" }
        app.post("write") { _ in "w" }
        app.post("refused") { _ -> String in throw Abort(.forbidden) }
        try await app.testing().test(.GET, "read") { response async in #expect(response.headers.setCookie?[Reading.wroteCookie] == nil) }
        try await app.testing().test(.POST, "write") { response async in
            let cookie = response.headers.setCookie?[Reading.wroteCookie]
            #expect(cookie?.maxAge == 7)
            #expect(cookie?.isHTTPOnly == true)
        }
        try await app.testing().test(.POST, "refused") { response async in #expect(response.headers.setCookie?[Reading.wroteCookie] == nil) }
        try await app.asyncShutdown()
    }
}
