@testable import App
import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Testing
import Vapor

/// Effects injected (issue 19, item 6): the time, residents' tracking codes and the intake
/// sink come from the application, which tests give fakes; nothing reads the wall clock.
@Suite("Effects from the application: clock, tracking codes, intake sink, shutdown's wait")
struct EffectsTests {
    @Test("an action on a request and a resolved complaint are stamped with the application's time")
    func stampsFromTheClock() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            clock.advance(minutes: 10)
            try await s.act(app, item.id, ["action": "start"])
            let sql = try Dialect.sql(app.db)
            let stamped = try #require(try await sql.select().column("updated_at").from(ServiceRequest.schema)
                .where("id", .equal, SQLBind(item.id)).first()).decode(column: "updated_at", as: Date.self)
            #expect(abs(stamped.timeIntervalSince(clock.now)) < 1, "\(stamped) vs the clock's \(clock.now)")
            let complaint = try await send(app, .POST, "/api/v1/units/\(s.village)/complaints", as: s.wang,
                                           json: ["trackingCode": item.trackingCode, "complainantName": "张", "complainantPhone": "13900000000", "content": "太慢"])
            #expect(complaint.status == .created, "\(complaint.body)")
            let id = try #require(try StationFixture.json(complaint.body)["id"] as? String)
            clock.advance(minutes: 10)
            let resolved = try await send(app, .POST, "/api/v1/units/\(s.village)/complaints/\(id)/resolve", as: s.wang,
                                          json: ["result": "已解释", "satisfaction": "satisfied"])
            #expect(resolved.status == .ok, "\(resolved.body)")
            let complaintID = try #require(UUID(uuidString: id))
            let complaintStamp = try #require(try await sql.select().column("updated_at").from(Complaint.schema)
                .where("id", .equal, SQLBind(complaintID)).first()).decode(column: "updated_at", as: Date.self)
            #expect(abs(complaintStamp.timeIntervalSince(clock.now)) < 1)
        }
    }

    @Test("intake and its ledger event carry the application's time, not the machine's")
    func intakeFromTheClock() async throws {
        try await withApp { app, clock in
            // Months before the machine's date: a time read from the wall would be far from it.
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            let received = try #require(try await ServiceRequest.find(item.id, on: app.db)).receivedAt
            #expect(abs(received.timeIntervalSince(clock.now)) < 1, "\(received) vs the clock's \(clock.now)")
            let event = try #require(try await Dialect.sql(app.db).select().column("occurred_at").from("ledger_events")
                .where("subject_id", .equal, SQLBind(item.id.uuidString)).first())
            let occurred = Date(timeIntervalSince1970: Double(try event.decode(column: "occurred_at", as: Int64.self)) / 1000)
            #expect(abs(occurred.timeIntervalSince(clock.now)) < 1, "\(occurred) vs the clock's \(clock.now)")
        }
    }

    @Test("a resident's tracking code comes from the application's source; a code already given out is replaced, not refused")
    func trackingCodes() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            app.trackingCodes = ScriptedCodes(["AAAA2222BB", "AAAA2222BB", "CCCC3333DD"])
            let first = try await s.intake(app)
            #expect(first.trackingCode == "AAAA2222BB")
            // The source hands out the same code again (as a random one will, some day).
            let second = try await s.intake(app)
            #expect(second.trackingCode == "CCCC3333DD")
            #expect(try await s.count(app, ServiceRequest.schema) == 2)
            let track = try await send(app, .GET, "/api/v1/public/track/CCCC3333DD")
            #expect(track.status == .ok, "\(track.body)")
        }
    }

    @Test("when the intake sink cannot store a request, the person is told to try again and nothing is kept")
    func failingSink() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let events = try await s.count(app, "ledger_events")
            app.intakeSink = FailingSink()
            let result = try await send(app, .POST, s.requests, as: s.wang,
                                        json: ["serviceCode": "SB-01", "residentName": "赵大爷", "residentPhone": "13812345678", "content": "办理"])
            #expect(result.status == .serviceUnavailable, "\(result.body)")
            #expect(try StationFixture.json(result.body)["error"] != nil)
            #expect(try await s.count(app, ServiceRequest.schema) == 0)
            #expect(try await s.count(app, "ledger_events") == events)
        }
    }
}

/// Codes in a given order, then random ones.
final class ScriptedCodes: TrackingCodeSource {
    private let codes: NIOLockedValueBox<[String]>
    init(_ codes: [String]) { self.codes = NIOLockedValueBox(codes) }
    func next() -> String { codes.withLockedValue { $0.isEmpty ? RandomTrackingCodes().next() : $0.removeFirst() } }
}

/// A sink whose database is down.
struct FailingSink: IntakeSink {
    func submit(_ entry: IntakeQueue.Entry) async throws { throw AppError.unavailable }
}

/// A clock that moves only when a test moves it; its sleepers wake when it passes their deadline.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let lock = NIOLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [(deadline: Instant, wake: CheckedContinuation<Void, any Error>)] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
            let due = lock.withLock {
                if deadline <= current { return true }
                sleepers.append((deadline, wake))
                return false
            }
            if due { wake.resume() }
        }
    }

    /// Moves time on and wakes whoever's deadline it passed.
    func advance(by duration: Duration) {
        let due = lock.withLock {
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        due.forEach { $0.wake.resume() }
    }

    /// Waits (a few real milliseconds at a time, at most 10 s) until someone sleeps on this clock.
    func sleeperArrived() async -> Bool {
        for _ in 0..<10_000 {
            if lock.withLock({ !sleepers.isEmpty }) { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return false
    }
}
