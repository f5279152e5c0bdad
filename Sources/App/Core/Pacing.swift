import NIOConcurrencyHelpers
import NIOPosix
import StandardKit
import Vapor

/// Background work (an export, a recomputation, a dashboard's refresh) gives way to the
/// people the server is answering: between its pieces it pauses, and while requests are in
/// flight the pause is as long as the piece it just did (twice as long on PostgreSQL; capped),
/// so it takes at most half (a third) of the time; with no request in flight it goes on at full speed. A
/// district's export kept one of this machine's two cores busy for its 2 s and put the
/// officials' pages at p95 117 ms in the mixed peak (docs/performance.md, session 17).
///
/// The pacer of the current task is a task-local: code deep in the store (after a
/// township's evaluation, between two stations' ledgers) calls `Pacer.pause()`, which does
/// nothing outside background work. It is never called inside a transaction (an import
/// writes its rows in one): a pause there would hold the transaction's locks, and on
/// SQLite every other write with them. Its long computations run on one low-priority
/// thread (`LowPriority`), not on every core.
final class Pacer: Sendable {
    @TaskLocal static var current: Pacer?

    /// The longest single pause: a long piece (writing a workbook) is not matched in full.
    static let longest: Duration = .milliseconds(250)

    /// Pause per unit of work: 1 on SQLite (the piece's work is all in this process, on a
    /// thread of nice 10); 2 on PostgreSQL, where much of a piece is the database's own
    /// process at full priority, which the low-priority thread does not lower.
    let ratio: Int
    private let busy: @Sendable () -> Bool
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void
    private let resumed: NIOLockedValueBox<ContinuousClock.Instant>

    /// `busy` says whether people's requests are being answered; `now` and `sleep` are the
    /// clock (injected, so tests see each pause without waiting for it).
    init(ratio: Int = 1, busy: @escaping @Sendable () -> Bool,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
         sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.ratio = max(1, ratio)
        self.busy = busy
        self.now = now
        self.sleep = sleep
        resumed = NIOLockedValueBox(now())
    }

    /// The pause after the piece of work done since the last one: the piece's length times
    /// `ratio` (at most `longest` times it) while people are waiting, else none.
    func pauseLength() -> Duration? {
        let worked = now() - resumed.withLockedValue { $0 }
        guard busy(), worked > .zero else { return nil }
        return min(worked * ratio, Self.longest * ratio)
    }

    func pause() async throws {
        if let length = pauseLength() { try await sleep(length) } else { await Task.yield() }
        resumed.withLockedValue { $0 = now() }
    }

    /// Between two pieces of background work; nothing outside it. A cancelled task stops here.
    static func pause() async throws {
        guard let pacer = current else { return }
        try Task.checkCancellation()
        try await pacer.pause()
    }

    /// Whether the current task is background work (which then keeps to one core).
    static var inBackground: Bool { current != nil }

    /// A long computation (the engine over a township, a workbook written): in background
    /// work, on the low-priority thread; else here.
    static func compute<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        inBackground ? try await LowPriority.run(work) : try work()
    }

    /// Runs `work` as paced background work of `app`. People count as waiting when a request
    /// is in flight at the pause or began during the piece just done: asked only at the
    /// pause, the question missed the requests that came and went while the piece ran, and
    /// under a steady mix the export went on at full speed a third of the time.
    static func background<T: Sendable>(_ app: Application, _ work: () async throws -> T) async rethrows -> T {
        let ratio = if case .postgres = app.config.storage { 2 } else { 1 }
        return try await $current.withValue(Pacer(ratio: ratio, busy: busySince(app.inFlightRequests))) { try await work() }
    }

    /// Whether `requests` has a request in flight, or began one since the last time asked.
    static func busySince(_ requests: InFlightRequests) -> @Sendable () -> Bool {
        let seen = NIOLockedValueBox(requests.started)
        return {
            let started = requests.started
            let before = seen.withLockedValue { seen in
                defer { seen = started }
                return seen
            }
            return requests.current > 0 || started != before
        }
    }
}

extension Application {
    private struct InFlightKey: StorageKey { typealias Value = InFlightRequests }
    /// The requests being answered now (`InFlightMiddleware` counts them).
    var inFlightRequests: InFlightRequests {
        if let requests = storage[InFlightKey.self] { return requests }
        let requests = InFlightRequests()
        storage[InFlightKey.self] = requests
        return requests
    }
}

/// One thread of lower scheduling priority (nice 10) for background work's computations.
/// Linux's scheduler then gives people's requests about ten times its share of a core
/// when both want it, and gives it the whole core when nothing else does: an export
/// finishes as fast as before on an idle server, and gives way on a busy one. (Linux keeps
/// a nice value per thread; `setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's.)
enum LowPriority {
    static let nice: Int32 = 10

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Runs `work` on the low-priority thread, in the caller's language.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let language = Language.current
        return try await pool.runIfActive {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
            return try Language.$current.withValue(language) { try work() }
        }
    }

    /// The calling thread's nice value (for tests).
    static func currentNice() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }
}
