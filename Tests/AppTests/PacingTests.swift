@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@Suite("Background work gives way to people's requests")
struct PacingTests {
    /// A clock moved by hand (and by `step` at each reading), and the pauses asked of it.
    final class FakeClock: Sendable {
        private let state = NIOLockedValueBox((now: ContinuousClock.now, slept: [Duration]()))
        let step: Duration
        init(step: Duration = .zero) { self.step = step }
        var now: ContinuousClock.Instant { state.withLockedValue { $0.now = $0.now.advanced(by: step); return $0.now } }
        var slept: [Duration] { state.withLockedValue { $0.slept } }
        func advance(_ by: Duration) { state.withLockedValue { $0.now = $0.now.advanced(by: by) } }
        func sleep(_ length: Duration) { state.withLockedValue { $0.slept.append(length); $0.now = $0.now.advanced(by: length) } }
    }

    static func pacer(_ clock: FakeClock, busy: NIOLockedValueBox<Bool>) -> Pacer {
        Pacer(busy: { busy.withLockedValue { $0 } }, now: { clock.now }, sleep: { clock.sleep($0) })
    }

    @Test("while requests are in flight a pause is as long as the work before it (at most 250 ms); with none there is no pause")
    func pauseFollowsWork() async throws {
        let clock = FakeClock()
        let busy = NIOLockedValueBox(true)
        let pacer = Self.pacer(clock, busy: busy)
        clock.advance(.milliseconds(40))
        try await pacer.pause()
        clock.advance(.milliseconds(3))
        try await pacer.pause()
        // A long piece (a workbook written in one go) is not matched in full.
        clock.advance(.seconds(2))
        try await pacer.pause()
        #expect(clock.slept == [.milliseconds(40), .milliseconds(3), Pacer.longest])
        // The time slept is not counted as work: straight after a pause there is none to match.
        #expect(pacer.pauseLength() == nil)
        busy.withLockedValue { $0 = false }
        clock.advance(.milliseconds(90))
        try await pacer.pause()
        #expect(clock.slept.count == 3, "no request in flight: no pause")
        busy.withLockedValue { $0 = true }
        clock.advance(.milliseconds(10))
        #expect(pacer.pauseLength() == .milliseconds(10), "the idle stretch's work was not carried over")
    }

    @Test("on PostgreSQL a pause is twice the work before it (at most twice 250 ms): the database's own process works at full priority")
    func ratioTwo() async throws {
        let clock = FakeClock()
        let pacer = Pacer(ratio: 2, busy: { true }, now: { clock.now }, sleep: { clock.sleep($0) })
        clock.advance(.milliseconds(40))
        try await pacer.pause()
        clock.advance(.seconds(2))
        try await pacer.pause()
        #expect(clock.slept == [.milliseconds(80), Pacer.longest * 2])
        try await withApp { app, _ in
            let ratio = await Pacer.background(app) { Pacer.current?.ratio }
            #expect(ratio == (Dialect.serializesWrites(app.db) ? 1 : 2))
        }
    }

    @Test("people count as waiting when a request is in flight at the pause or began during the piece before it")
    func busyDuringThePiece() {
        let requests = InFlightRequests()
        let busy = Pacer.busySince(requests)
        #expect(!busy(), "nothing began, nothing in flight")
        // A request that came and went while the piece ran: asked only at the pause, the
        // old question said no one was waiting.
        requests.enter()
        requests.leave()
        #expect(requests.current == 0)
        #expect(busy())
        #expect(!busy(), "the same request is not counted twice")
        requests.enter()
        #expect(busy())
        #expect(busy(), "still in flight")
        requests.leave()
        #expect(!busy())
    }

    @Test("outside background work a pause does nothing; a job's work is background work; a progress step never pauses")
    func whereItApplies() async throws {
        #expect(!Pacer.inBackground)
        try await Pacer.pause()
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let user = try #require(try await User.query(on: app.db).first())
            request.principal = Principal(userID: try user.requireID(), username: user.username, displayName: user.displayName, assignments: [], csrfToken: "")
            let seen = NIOLockedValueBox<Bool?>(nil)
            _ = try await Jobs.start(request, kind: JobKind.recompute.rawValue, unit: f.world.districtA, cycleID: f.cycle) { _, _ in
                seen.withLockedValue { $0 = Pacer.inBackground }
                return nil
            }
            await app.jobTasks.drain(cancel: false)
            #expect(seen.withLockedValue { $0 } == true)
            #expect(!Pacer.inBackground)
            // A progress step never pauses: an import steps inside its one transaction, where a
            // pause would hold the transaction's locks (and, on SQLite, every other write).
            let ticking = FakeClock(step: .milliseconds(20))
            let progress = JobProgress(jobID: UUID(), db: app.db, clock: app.clock, persistent: false, live: app.jobTasks)
            try await Pacer.$current.withValue(Self.pacer(ticking, busy: NIOLockedValueBox(true))) {
                await progress.phase(.jobPhaseImporting, total: 3)
                for _ in 0..<3 { try await progress.advance() }
            }
            #expect(ticking.slept.isEmpty)
            // A cancelled job (shutdown) stops at its next pause, busy or not.
            let cancelled = Task {
                try await Pacer.$current.withValue(Self.pacer(FakeClock(), busy: NIOLockedValueBox(false))) {
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await Pacer.pause()
                }
            }
            await #expect(throws: CancellationError.self) { try await cancelled.value }
        }
    }

    @Test("a district evaluated in the background pauses after each township while people are being answered, and its results are the same")
    func districtPausesByTownship() async throws {
        try await withDemo { app in
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let district = try #require(try await OrgUnit.query(on: app.db).filter(\.$name == "怀柔区").first())
            let cycle = try #require(try await AssessmentCycle.query(on: app.db).first())
            let townships = try await Hierarchy.children(of: district, on: app.db).filter { $0.kind == .township }
            let foreground = try await Sheets.summaries(cycle: cycle, under: district, context: request.sheets, recompute: true)
            // Each reading of the clock moves it 20 ms: each township's work before its pause.
            let clock = FakeClock(step: .milliseconds(20))
            let pacer = Self.pacer(clock, busy: NIOLockedValueBox(true))
            let background = try await Pacer.$current.withValue(pacer) {
                #expect(Pacer.inBackground)
                return try await Sheets.summaries(cycle: cycle, under: district, context: request.sheets, recompute: true)
            }
            #expect(background == foreground && !foreground.isEmpty)
            var withVillages = 0
            for township in townships where try await OrgUnit.below(township.path, on: app.db).contains(where: { $0.kind == .village }) { withVillages += 1 }
            #expect(withVillages > 1, "the demo district has several townships with villages")
            #expect(clock.slept == Array(repeating: .milliseconds(20), count: withVillages), "one pause after each township: \(clock.slept)")
            // Without requests in flight, the same work does not pause.
            let idle = FakeClock(step: .milliseconds(20))
            _ = try await Pacer.$current.withValue(Self.pacer(idle, busy: NIOLockedValueBox(false))) {
                try await Sheets.summaries(cycle: cycle, under: district, context: request.sheets, recompute: true)
            }
            #expect(idle.slept.isEmpty)
        }
    }

    @Test("background computations run on a thread of nice 10, in the caller's language; the caller's thread keeps its priority")
    func lowPriorityThread() async throws {
        let before = LowPriority.currentNice()
        let (nice, english) = try await Language.$current.withValue(.en) {
            try await LowPriority.run { (LowPriority.currentNice(), T(.exportTownship)) }
        }
        #expect(nice == LowPriority.nice)
        #expect(english == Messages.en[.exportTownship] && english != Messages.zh[.exportTownship])
        #expect(LowPriority.currentNice() == before)
        // In background work, `compute` and `concurrentMap` go there; outside it they do not.
        let clock = FakeClock()
        let inside = try await Pacer.$current.withValue(Self.pacer(clock, busy: NIOLockedValueBox(false))) {
            (try await Pacer.compute { LowPriority.currentNice() }, try await Array(0..<100).concurrentMap { _ in LowPriority.currentNice() })
        }
        #expect(inside.0 == LowPriority.nice && inside.1.allSatisfy { $0 == LowPriority.nice })
        #expect(try await Pacer.compute { LowPriority.currentNice() } == before)
    }
}
