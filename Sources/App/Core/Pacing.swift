import NIOConcurrencyHelpers
import Vapor

/// Background work (an export, a recomputation, a dashboard's refresh) gives way to the
/// people the server is answering: between its pieces it pauses, and while requests are in
/// flight the pause is as long as the piece it just did (capped), so it takes at most half
/// the time of the core it runs on; with no request in flight it goes on at full speed. A
/// district's export kept one of this machine's two cores busy for its 2 s and put the
/// officials' pages at p95 117 ms in the mixed peak (docs/performance.md, session 17).
///
/// The pacer of the current task is a task-local: code deep in the store (the evaluation
/// of a township, a progress step) calls `Pacer.pause()`, which does nothing outside
/// background work. Background work also runs the engine on one core, not on every core
/// (`concurrentMap`).
final class Pacer: Sendable {
    @TaskLocal static var current: Pacer?

    /// The longest single pause: a long piece (writing a workbook) is not matched in full.
    static let longest: Duration = .milliseconds(250)

    private let busy: @Sendable () -> Bool
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void
    private let resumed: NIOLockedValueBox<ContinuousClock.Instant>

    /// `busy` says whether people's requests are being answered; `now` and `sleep` are the
    /// clock (injected, so tests see each pause without waiting for it).
    init(busy: @escaping @Sendable () -> Bool,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
         sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.busy = busy
        self.now = now
        self.sleep = sleep
        resumed = NIOLockedValueBox(now())
    }

    /// The pause after the piece of work done since the last one: the piece's length
    /// (at most `longest`) while requests are in flight, else none.
    func pauseLength() -> Duration? {
        let worked = now() - resumed.withLockedValue { $0 }
        guard busy(), worked > .zero else { return nil }
        return min(worked, Self.longest)
    }

    func pause() async throws {
        if let length = pauseLength() { try await sleep(length) } else { await Task.yield() }
        resumed.withLockedValue { $0 = now() }
    }

    /// Between two pieces of background work; nothing outside it. A cancelled task stops here.
    static func pause() async throws {
        guard let pacer = current else { return }
        try await pacer.pause()
    }

    /// Whether the current task is background work (which then keeps to one core).
    static var inBackground: Bool { current != nil }

    /// Runs `work` as paced background work of `app`.
    static func background<T: Sendable>(_ app: Application, _ work: () async throws -> T) async rethrows -> T {
        let requests = app.inFlightRequests
        return try await $current.withValue(Pacer(busy: { requests.current > 0 })) { try await work() }
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
