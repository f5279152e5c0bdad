@testable import App
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@Suite("Residents' intake runs on threads of its own, not behind the pages' work")
struct LaneTests {
    @Test("window intake (form and API), 96156 tickets, Open311 and the public form are the intake lane, and nothing else is")
    func intakeRoutes() async throws {
        try await withApp { app, _ in
            let intake = Set(app.routeTable.specs.filter { $0.lane == .intake }.map { "\($0.method.rawValue) \($0.path)" })
            #expect(intake == [
                "POST /units/:unitID/requests/new",
                "POST /api/v1/units/:unitID/requests",
                "POST /integrations/96156/tickets",
                "POST /open311/v2/requests.json",
                "POST /public/stations/:stationID/requests/new",
            ])
        }
    }

    /// What a probe saw of where it ran.
    struct Seen: Sendable, Equatable {
        var middlewareOnIntake: Bool
        var handlerOnIntake: Bool
        var lane: Lane
    }

    /// Notes, for the path asked, whether the middleware ran on the intake lane's threads.
    struct Probe: AsyncMiddleware {
        let seen: NIOLockedValueBox<[String: Seen]>
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            let here = ThreadsExecutor.current === ThreadsExecutor.intake
            seen.withLockedValue { $0[request.url.path] = Seen(middlewareOnIntake: here, handlerOnIntake: false, lane: .pages) }
            // Past a suspension the task is still in its lane.
            try await Task.sleep(for: .milliseconds(1))
            return try await next.respond(to: request)
        }
    }

    @Test("an intake route's middleware and handler run on the intake lane's threads, across suspensions; a page's on Swift's shared pool")
    func whereItRuns() async throws {
        try await withBareApp { app in
            let seen = NIOLockedValueBox<[String: Seen]>([:])
            app.middleware = Middlewares()
            app.middleware.use(FrontMiddleware(chain: [Probe(seen: seen)]))
            let router = Router(app: app)
            let handler: @Sendable (Request, OrgUnit?) async throws -> Response = { request, _ in
                // After a database-like wait on an event loop, as a real handler's.
                try await request.eventLoop.scheduleTask(in: .milliseconds(2)) {}.futureResult.get()
                let here = ThreadsExecutor.current === ThreadsExecutor.intake
                seen.withLockedValue { $0[request.url.path]?.handlerOnIntake = here; $0[request.url.path]?.lane = Lane.current }
                return Response(status: .ok)
            }
            router.page(.GET, .healthz, .open, lane: .intake, handler)
            router.page(.GET, .stylesheet, .open, handler)
            try await app.testing().test(.GET, Route.healthz.path) { response async in #expect(response.status == .ok) }
            try await app.testing().test(.GET, Route.stylesheet.path) { response async in #expect(response.status == .ok) }
            // A path no route has: Vapor's not-found answer, from the shared pool, with the chain
            // (without the application's error middleware the not-found error is thrown).
            let missing = Request(application: app, method: .GET, url: URI(path: "/no-such-page"), on: app.eventLoopGroup.any())
            await #expect(throws: RouteNotFound.self) { try await app.responder.respond(to: missing).get() }
            let result = seen.withLockedValue { $0 }
            #expect(result[Route.healthz.path] == Seen(middlewareOnIntake: true, handlerOnIntake: true, lane: .intake))
            #expect(result[Route.stylesheet.path] == Seen(middlewareOnIntake: false, handlerOnIntake: false, lane: .pages))
            #expect(result["/no-such-page"]?.middlewareOnIntake == false)
        }
    }

    @Test("with every thread of Swift's shared pool held by long work, an intake is still answered")
    func intakeWhilePoolBusy() async throws {
        try await withBareApp { app in
            app.middleware = Middlewares()
            app.middleware.use(FrontMiddleware(chain: [SecurityHeadersMiddleware()]))
            let router = Router(app: app)
            router.page(.GET, .healthz, .open, lane: .intake) { (request: Request, _: OrgUnit?) in
                try await request.eventLoop.scheduleTask(in: .milliseconds(1)) {}.futureResult.get()
                return Response(status: .ok)
            }
            try await app.testing().test(.GET, Route.healthz.path) { response async in #expect(response.status == .ok) }
            // Hold every thread of the shared pool (this test's own included) until the intake is
            // answered, or 10 s. In the shared pool the intake could not start until then.
            let answered = DispatchSemaphore(value: 0)
            let holders = max(0, System.coreCount - 1)
            let holding = NIOLockedValueBox(0)
            for _ in 0..<holders {
                Task.detached {
                    holding.withLockedValue { $0 += 1 }
                    _ = answered.wait(timeout: .now() + 10)
                    answered.signal()
                }
            }
            let begin = ContinuousClock.now
            while holding.withLockedValue({ $0 }) < holders, ContinuousClock.now - begin < .seconds(10) { usleep(1000) }
            let request = Request(application: app, method: .GET, url: URI(path: Route.healthz.path), on: app.eventLoopGroup.any())
            let started = ContinuousClock.now
            let status = NIOLockedValueBox<HTTPStatus?>(nil)
            app.responder.respond(to: request).whenComplete { result in
                status.withLockedValue { $0 = (try? result.get())?.status }
                answered.signal()
            }
            _ = answered.wait(timeout: .now() + 10)
            let took = ContinuousClock.now - started
            answered.signal()
            #expect(status.withLockedValue { $0 } == .ok)
            // In the shared pool it was not answered before the holders let go (10 s); in its
            // lane it is answered in milliseconds.
            #expect(took < .milliseconds(900), "answered after \(took)")
        }
    }

    /// An application with nothing configured, shut down however `body` ends.
    func withBareApp(_ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        do {
            try await body(app)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
