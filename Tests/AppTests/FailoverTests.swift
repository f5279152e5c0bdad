@testable import App
import AsyncKit
import Foundation
import NIOCore
import NIOPosix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 25: the app finds the primary among listed PostgreSQL hosts, and a database that
/// went away is answered 503 with `Retry-After`, never 500.
@Suite("Failover: listed hosts and database outages")
struct FailoverTests {
    static let postgresURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""

    @Test("DATABASE_URL lists hosts as libpq does; each gets the same credentials, database and options")
    func hostsSplit() throws {
        #expect(try PostgresHosts.split("postgres://u:p@db1:5433/cunwu?sslmode=disable") == ["postgres://u:p@db1:5433/cunwu?sslmode=disable"])
        #expect(try PostgresHosts.split("postgres://u:p@10.0.0.1,10.0.0.2:5433/cunwu?sslmode=require") == [
            "postgres://u:p@10.0.0.1:5432/cunwu?sslmode=require", "postgres://u:p@10.0.0.2:5433/cunwu?sslmode=require",
        ])
        // An "@" in the password: the hosts follow the last one.
        #expect(try PostgresHosts.split("postgresql://u:p@ss@a:1,b:2/d") == ["postgresql://u:p@ss@a:1/d", "postgresql://u:p@ss@b:2/d"])
        #expect(try PostgresHosts.split("postgres://u@[::1]:5433,[fe80::1]/d") == ["postgres://u@[::1]:5433/d", "postgres://u@[fe80::1]:5432/d"])
        #expect(try PostgresHosts.split("postgres://h1,h2") == ["postgres://h1:5432", "postgres://h2:5432"])
        for bad in ["postgres://u:p@a,,b/d", "postgres://u:p@a:0/d", "postgres://u:p@a:99999/d", "postgres://u:p@a:x/d", "no-scheme", "postgres://u:p@a b/d"] {
            #expect(throws: PostgresHosts.Problem.malformed, "\(bad)") { try PostgresHosts.split(bad) }
        }
        let nine = (1...9).map { "h\($0)" }.joined(separator: ",")
        #expect(throws: PostgresHosts.Problem.tooMany) { try PostgresHosts.split("postgres://\(nine)/d") }
        #expect(PrimaryLocator.hostOnly("postgres://u:secret@db1:5433/cunwu?x=1") == "db1:5433")
    }

    @Test("Errors that mean the database went away are told from a bad query")
    func outageErrors() {
        #expect(DatabaseOutage.matches(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(DatabaseOutage.matches(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(DatabaseOutage.matches(ConnectionPoolError.shutdown))
        #expect(!DatabaseOutage.matches(IOError(errnoCode: ENOENT, reason: "open")))
        #expect(!DatabaseOutage.matches(AppError.notFound))
        #expect(!DatabaseOutage.matches(DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "x"))))
        // An outage is no write conflict: a station's transaction is not tried again (each try
        // would wait for the pool before the 503).
        #expect(!LedgerStore.retryable(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(!LedgerStore.retryable(ConnectionPoolTimeoutError.connectionRequestTimeout))
    }

    @Test("A database outage is 503 with Retry-After, in Chinese on a page and as JSON in the API")
    func outageAnswer() async throws {
        try await withApp { app, _ in
            let refused: @Sendable (Request) async throws -> String = { _ in throw IOError(errnoCode: ECONNREFUSED, reason: "connect") }
            app.get("outage-probe", use: refused)
            app.get("api", "v1", "outage-probe", use: refused)
            try await app.testing().test(.GET, "outage-probe") { response async in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers.first(name: .retryAfter) == "5")
                #expect(response.body.string.contains("服务暂时不可用"))
            }
            try await app.testing().test(.GET, "api/v1/outage-probe") { response async in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers.first(name: .retryAfter) == "5")
                #expect(response.body.string.contains("\"code\":\"unavailable\""))
            }
        }
    }

    @Test("A host that is down, listed first, is passed over for the primary after it",
          .enabled(if: !postgresURL.isEmpty))
    func listedHostsFindThePrimary() async throws {
        let closed = ServerProcess.freePort()
        var live = ""
        try await withApp(postgresURL: { url in
            live = PrimaryLocator.hostOnly(url)
            return url.replacingOccurrences(of: "@" + live, with: "@127.0.0.1:\(closed)," + live)
        }) { app, _ in
            let locator = try #require(app.primaryLocator)
            #expect(locator.hosts == ["127.0.0.1:\(closed)", live])
            #expect(locator.currentHost == live)
            try await app.testing().test(.GET, "healthz") { response async in #expect(response.status == .ok) }
            let s = try await StationFixture.make(app)
            #expect(try await OrgUnit.query(on: app.db).count() == 8)
            // Intake is written on its own connection (`PostgresWriter`): it follows the
            // locator to the second host, where the first would answer 503.
            let taken = try await s.intake(app)
            #expect(try await ServiceRequest.find(taken.id, on: app.db) != nil)
            #expect(await app.intakeQueue.written == 1)
            // Looking again finds the same primary: nothing switches.
            #expect(await locator.locate(app) == 1)
            #expect(locator.switches == 1)
        }
    }

    @Test("With no listed host a primary, the app does not start, and says why",
          .enabled(if: !postgresURL.isEmpty))
    func noPrimaryStopsBoot() async throws {
        let (first, second) = (ServerProcess.freePort(), ServerProcess.freePort())
        await #expect(throws: ConfigError.self) {
            try await withApp(postgresURL: { url in
                let live = PrimaryLocator.hostOnly(url)
                return url.replacingOccurrences(of: "@" + live, with: "@127.0.0.1:\(first),127.0.0.1:\(second)")
            }) { _, _ in }
        }
    }

    @Test("Connections ended under the app give 503 with Retry-After or a fresh connection, never 500",
          .enabled(if: !postgresURL.isEmpty))
    func endedConnections() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let village = try world.villageV1.requireID()
            let database = try await PostgresAdmin.currentDatabase(app)
            var statuses: [HTTPStatus] = []
            for _ in 0..<3 {
                try await PostgresAdmin.run(Self.postgresURL, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()")
                for path in ["healthz", "api/v1/public/villages/\(village)/disclosures", "public/villages/\(village)/disclosures"] {
                    try await app.testing().test(.GET, path) { response async in
                        statuses.append(response.status)
                        if response.status == .serviceUnavailable { #expect(response.headers.first(name: .retryAfter) == "5") }
                    }
                }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .serviceUnavailable }, "\(statuses)")
            try await app.testing().test(.GET, "api/v1/public/villages/\(village)/disclosures") { response async in #expect(response.status == .ok) }
        }
    }
}
