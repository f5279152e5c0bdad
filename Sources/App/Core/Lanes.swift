import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// Where a request's work runs. Residents' requests coming in (window intake, 96156
/// tickets, Open311 and the public form) have threads of their own; everything else runs
/// on Swift's shared pool.
///
/// Swift's shared pool has one thread per core and runs each piece of work to its next
/// suspension: a district's dashboard (about 30 ms of computation and rendering) holds a
/// thread for all of it, and with two cores two such pieces held every thread while an
/// intake waited its turn, once for each of its steps. In the mixed peak that was the
/// intake's p99 (docs/performance.md, session 23). On threads of its own an intake waits
/// for no page: Linux shares the cores between the threads and gives a thread that wakes
/// after a short sleep the core soon, where the shared pool's queue would make it wait for
/// the whole piece.
enum Lane: Sendable, Hashable {
    /// Residents' requests coming in.
    case intake
    /// Pages, lists, reviews, dashboards: Swift's shared pool.
    case pages

    /// The lane of the request the current task answers (`FrontMiddleware` sets it; outside
    /// a request, `.pages`). Swift does not pass a task's executor preference on to a task it
    /// starts (`Task {}`); the few places that must start one start it here.
    @TaskLocal static var current: Lane = .pages

    /// Where this lane's tasks run: nil is Swift's shared pool.
    var executor: (any TaskExecutor)? {
        switch self {
        case .intake: return ThreadsExecutor.intake
        case .pages: return nil
        }
    }

    /// `body` as a new task in this lane (on its executor, with `Lane.current` set), its result
    /// as a future of `loop`: where an event loop's callback has to start async work.
    func future<T: Sendable>(on loop: any EventLoop, _ body: @escaping @Sendable () async throws -> T) -> EventLoopFuture<T> {
        let promise = loop.makePromise(of: T.self)
        let lane = self
        Task(executorPreference: executor) {
            do { promise.succeed(try await Lane.$current.withValue(lane) { try await body() }) } catch { promise.fail(error) }
        }
        return promise.futureResult
    }
}

/// Runs tasks' jobs on a few threads with one queue between them (SE-0417 task executor
/// preference): a job goes to whichever thread is free first.
final class ThreadsExecutor: TaskExecutor, Sendable {
    /// The intake lane: one thread per core, made at the first intake and kept for the
    /// process's life (idle threads cost nothing; the tests' many applications share them).
    static let intake = ThreadsExecutor(threads: System.coreCount)

    private let pool: NIOThreadPool
    private static let running = ThreadSpecificVariable<ThreadsExecutor>()

    init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// The executor whose thread this is, if any (for tests and logs).
    static var current: ThreadsExecutor? { running.currentValue }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { [self] _ in
            if Self.running.currentValue !== self { Self.running.currentValue = self }
            job.runSynchronously(on: executor)
        }
    }
}

/// A route's handler, run in its lane. The body is collected first (as Vapor's own
/// responder does, bounded by the route's limit).
struct LaneResponder: Responder {
    let lane: Lane
    let body: HTTPBodyStreamStrategy
    let handler: @Sendable (Request) async throws -> Response

    func run(_ request: Request) async throws -> Response {
        if case let .collect(max) = body, request.body.data == nil {
            _ = try await request.eventLoop.flatSubmit {
                request.body.collect(max: max?.value ?? request.application.routes.defaultMaxBodySize.value)
            }.get()
        }
        return try await handler(request)
    }

    /// Only without `FrontMiddleware` in front (it calls `run` directly).
    func respond(to request: Request) -> EventLoopFuture<Response> {
        lane.future(on: request.eventLoop) { try await run(request) }
    }
}

/// The application's middleware, all in one task started in the route's lane, and the
/// route's handler in the same task. Vapor starts a task for each async middleware and
/// one for the handler: eight for every request here (nine with read replicas), each
/// waiting its turn on the shared pool to start and again to go on.
struct FrontMiddleware: Middleware {
    let chain: [any AsyncMiddleware]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let route = next as? LaneResponder
        return (route?.lane ?? .pages).future(on: request.eventLoop) { try await run(request, from: 0, route, next) }
    }

    private func run(_ request: Request, from index: Int, _ route: LaneResponder?, _ next: any Responder) async throws -> Response {
        guard index < chain.count else {
            if let route { return try await route.run(request) }
            return try await next.respond(to: request).get()
        }
        return try await chain[index].respond(to: request, chainingTo: AsyncBasicResponder { request in
            try await run(request, from: index + 1, route, next)
        })
    }
}
