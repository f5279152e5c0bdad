@testable import App
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Issue 25, item 6: `/metrics` for Prometheus, reachable from configured addresses only,
/// and logs as one JSON object a line naming the request.
@Suite("Metrics and JSON logs")
struct MetricsTests {
    @Test("/metrics counts requests by route pattern, intake batches, failed logins; from this machine only")
    func metrics() async throws {
        let port = ServerProcess.freePort()
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            _ = try await s.intake(app)
            _ = try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "wang", password: "wrong-password-1"))
            _ = try await send(app, .GET, "/no-such-page-\(UUID().uuidString)")
            let scraped = try await send(app, .GET, "/metrics", port: port)
            #expect(scraped.status == .ok)
            #expect(scraped.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scraped.body
            // The route's pattern, never its path: the intake above was under a village's id.
            #expect(text.contains(#"cunwu_http_request_duration_seconds_count{route="/api/v1/units/:unitID/requests",method="POST",status="2xx"} 1"#), "\(text)")
            #expect(text.contains(#"route="unmatched",method="GET",status="4xx""#))
            #expect(!text.contains("no-such-page"))
            #expect(text.contains("cunwu_login_failures_total 1"))
            #expect(text.contains("cunwu_intake_batch_size_count 1"))
            #expect(text.contains("cunwu_intake_queue_depth 0"))
            #expect(text.contains("cunwu_jobs_running 0"))
            #expect(text.contains("cunwu_http_requests_in_flight 1"), "the scrape itself")
            // The pool's use as PostgreSQL sees it: this server's connections by state (the
            // scrape's own left out); on SQLite there are none to count.
            let idle = text.split(separator: "\n").first { $0.hasPrefix(#"cunwu_database_connections{state="idle"}"#) }
            if ProcessInfo.processInfo.environment["DATABASE_URL"].map({ !$0.isEmpty }) == true {
                #expect(text.contains(#"cunwu_database_connections{state="active"} 0"#), "\(text)")
                #expect((idle?.split(separator: " ").last).flatMap { Double($0) }.map { $0 >= 1 } == true, "the intake's connection waits in the pool")
            } else {
                #expect(idle == nil)
            }
            // Not from elsewhere: no peer address (in-process), or one the setting does not name.
            #expect(try await send(app, .GET, "/metrics").status == .notFound)
        }
        try await withApp(environment: ["CUNWU_METRICS_ALLOW": "10.0.0.0/8"]) { app, _ in
            let elsewhere = try await send(app, .GET, "/metrics", port: port)
            #expect(elsewhere.status == .notFound)
        }
        // Through a trusted proxy on this machine, the client is whoever the proxy names.
        try await withApp(environment: ["CUNWU_TRUSTED_PROXIES": "127.0.0.1,::1"]) { app, _ in
            let outside = try await send(app, .GET, "/metrics", headers: ["X-Forwarded-For": "198.51.100.7"], port: port)
            #expect(outside.status == .notFound)
        }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_METRICS_ALLOW": "everyone"], testing: true) }
    }

    @Test("A log line is one JSON object with the request's id, whatever the message holds")
    func jsonLines() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "cunwu.test") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "request-id"] = "8F2C"
        logger.info("受理 \"引号\"\n第二行", metadata: ["unit": "村"])
        logger.debug("below the level")
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["request_id"] == "8F2C")
        #expect(object["message"] == "受理 \"引号\"\n第二行")
        #expect(object["unit"] == "村")
        #expect(object["level"] == "info")
        #expect(object["label"] == "cunwu.test")
        #expect(object["time"].flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) } != nil)
    }
}
