import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The requests being answered, so that stopping the server (SIGTERM, SIGINT) lets them
/// finish before the databases close. Without it a request still waiting to be committed
/// at shutdown reached for a closed database pool and the process crashed.
final class InFlightRequests: Sendable {
    private let count = NIOLockedValueBox((current: 0, started: 0))

    /// Requests being answered now.
    var current: Int { count.withLockedValue { $0.current } }
    /// Requests begun since the process started.
    var started: Int { count.withLockedValue { $0.started } }

    func enter() { count.withLockedValue { $0.current += 1; $0.started += 1 } }
    func leave() { count.withLockedValue { $0.current -= 1 } }
}

/// Counts each request while it is answered (first in the chain).
struct InFlightMiddleware: AsyncMiddleware {
    let requests: InFlightRequests

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        requests.enter()
        defer { requests.leave() }
        return try await next.respond(to: request)
    }
}

/// At shutdown (after the server has stopped taking connections, before storage closes)
/// waits up to `limit` for the requests in flight to be answered.
/// The waiting is on `clock` (injected: the tests drive it by hand).
struct DrainRequests<C: Clock>: LifecycleHandler where C.Duration == Duration {
    let requests: InFlightRequests
    let limit: Duration
    let clock: C
    /// How often the count is looked at.
    static var poll: Duration { .milliseconds(10) }

    init(requests: InFlightRequests, limit: Duration = .seconds(10), clock: C) {
        self.requests = requests
        self.limit = limit
        self.clock = clock
    }

    func shutdownAsync(_ application: Application) async {
        let deadline = clock.now.advanced(by: limit)
        while requests.current > 0, clock.now < deadline {
            try? await clock.sleep(until: min(clock.now.advanced(by: Self.poll), deadline), tolerance: nil)
        }
        if requests.current > 0 {
            application.logger.warning("shutdown: \(requests.current) requests still unanswered after \(limit)")
        }
    }
}

extension DrainRequests where C == ContinuousClock {
    init(requests: InFlightRequests, limit: Duration = .seconds(10)) {
        self.init(requests: requests, limit: limit, clock: ContinuousClock())
    }
}

extension Environment {
    /// Whether the application runs the server (`serve`, Vapor's default command), not
    /// another command, a request for help, or the tests: work only a server needs starts on this.
    var serving: Bool {
        self != .testing && (arguments.count < 2 || arguments[1] == "serve" || arguments[1].hasPrefix("-"))
            && !arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
    }
}
