import Fluent
import NIOConcurrencyHelpers
import SQLKit
import StandardKit
import Vapor

enum JobState: String, Codable, Sendable {
    case running, done, failed
}

/// Long work (a cycle's export, a cycle-wide recomputation) run in the background of the
/// server that was asked, with its progress in the database so that the page showing it
/// can be served by any server. A job whose server stopped is seen by its silence.
final class Job: Model, @unchecked Sendable {
    static let schema = "jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "unit_id") var unitID: UUID
    @OptionalField(key: "cycle_id") var cycleID: UUID?
    /// What the kind needs besides the unit and cycle (an export's format).
    @OptionalField(key: "parameter") var parameter: String?
    @Field(key: "state") var state: JobState
    @Field(key: "done") var done: Int
    @Field(key: "total") var total: Int
    /// The `L` key of the current phase.
    @OptionalField(key: "phase") var phase: String?
    @OptionalField(key: "error") var error: String?
    @OptionalField(key: "result_hash") var resultHash: String?
    @OptionalField(key: "result_name") var resultName: String?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $kind, $userID, $unitID, $cycleID, $parameter, $state, $done, $total, $phase, $error, $resultHash, $resultName,
            $createdAt, $updatedAt
        ]
    }

    init() {}

    /// Running and silent for this long: its server stopped (progress is written at least
    /// every few seconds while work goes on).
    static let silence: TimeInterval = 300

    func isInterrupted(now: Date) -> Bool {
        state == .running && now.timeIntervalSince(updatedAt ?? createdAt ?? now) > Self.silence
    }
}

/// What a job reports as it goes: a phase, and done of total. Kept in this server's
/// memory at once (`JobTasks.live`) and written to the job's row at most every half second
/// (and at every phase change), so progress costs little and other servers see it.
/// `persistent: false` is for work inside one SQLite write transaction, where no other
/// write can happen until it ends: SQLite serves one server, which reads its memory.
final class JobProgress: Sendable {
    let jobID: UUID
    private let db: any Database
    private let clock: any WallClock
    private let persistent: Bool
    private let live: JobTasks
    private struct State { var done = 0, total = 0, phase: L?, written = Date.distantPast }
    private let state = NIOLockedValueBox(State())

    init(jobID: UUID, db: any Database, clock: any WallClock, persistent: Bool = true, live: JobTasks) {
        self.jobID = jobID
        self.db = db
        self.clock = clock
        self.persistent = persistent
        self.live = live
    }

    func phase(_ phase: L, total: Int? = nil) async {
        state.withLockedValue { s in
            s.phase = phase
            if let total { s.total = total; s.done = 0 }
        }
        try? await write()
    }

    func advance(by count: Int = 1) async throws {
        try Task.checkCancellation()
        let due = state.withLockedValue { s -> Bool in
            s.done += count
            return clock.now.timeIntervalSince(s.written) >= 0.5 || s.done == s.total
        }
        if due { try await write() }
    }

    private func write() async throws {
        let (done, total, phase, now) = state.withLockedValue { s -> (Int, Int, L?, Date) in
            s.written = clock.now
            return (s.done, s.total, s.phase, s.written)
        }
        live.report(jobID, LiveProgress(done: done, total: total, phase: phase, at: now))
        guard persistent else { return }
        try await Dialect.sql(db).raw("""
            UPDATE jobs SET done = \(bind: done), total = \(bind: total), phase = \(bind: phase?.rawValue), updated_at = \(bind: now)
            WHERE id = \(bind: jobID) AND state = 'running'
            """).run()
    }
}

/// A job's output: a file to download, or nothing (the work was the point).
struct JobResult: Sendable {
    var data: Data
    var name: String
}

/// A running job's latest progress in this server's memory.
struct LiveProgress: Sendable {
    var done: Int, total: Int, phase: L?, at: Date
}

/// The background tasks of this server, so shutdown can stop and wait for them, and their
/// latest progress.
final class JobTasks: Sendable {
    private let tasks = NIOLockedValueBox([UUID: Task<Void, Never>]())
    private let progress = NIOLockedValueBox([UUID: LiveProgress]())

    /// Starts work that shutdown waits for and that removes itself when done (it is added
    /// under the lock its own removal takes, so it cannot be removed before it is added).
    /// Jobs running on this server now.
    var count: Int { tasks.withLockedValue { $0.count } }

    func start(_ id: UUID, _ work: @escaping @Sendable () async -> Void) {
        tasks.withLockedValue { tasks in
            tasks[id] = Task {
                await work()
                self.remove(id)
            }
        }
    }
    func remove(_ id: UUID) {
        _ = tasks.withLockedValue { $0.removeValue(forKey: id) }
        _ = progress.withLockedValue { $0.removeValue(forKey: id) }
    }
    func report(_ id: UUID, _ live: LiveProgress) { progress.withLockedValue { $0[id] = live } }
    func live(_ id: UUID) -> LiveProgress? { progress.withLockedValue { $0[id] } }

    /// Waits for every running job (tests and commands), or cancels them first (shutdown).
    func drain(cancel: Bool) async {
        while let next = tasks.withLockedValue({ $0.first }) {
            if cancel { next.value.cancel() }
            await next.value.value
            remove(next.key)
        }
    }
}

extension Application {
    private struct JobTasksKey: StorageKey { typealias Value = JobTasks }
    var jobTasks: JobTasks {
        if let tasks = storage[JobTasksKey.self] { return tasks }
        let tasks = JobTasks()
        storage[JobTasksKey.self] = tasks
        return tasks
    }
}

/// Cancels and waits for running jobs before the database goes away.
struct JobShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.jobTasks.drain(cancel: true)
    }
}

enum Jobs {
    typealias Work = @Sendable (Request, JobProgress) async throws -> JobResult?

    /// Records a job and starts it in the background; returns at once. The work gets a
    /// request of its own (the same application, clock and language), not the caller's,
    /// which ends with its response.
    static func start(_ request: Request, kind: String, unit: OrgUnit, cycleID: UUID?, parameter: String? = nil,
                      persistentProgress: Bool = true, work: @escaping Work) async throws -> Job {
        let principal = try request.requirePrincipal()
        let job = Job()
        job.kind = kind
        job.userID = principal.userID
        job.unitID = try unit.requireID()
        job.cycleID = cycleID
        job.parameter = parameter
        job.state = .running
        job.done = 0
        job.total = 0
        job.createdAt = request.now
        job.updatedAt = request.now
        try await job.create(on: request.db)
        let id = try job.requireID()
        let app = request.application
        let background = Request(application: app, method: .GET, url: request.url, on: app.eventLoopGroup.any())
        // Writes the job makes are the caller's (the audit log names them).
        background.principal = principal
        let progress = JobProgress(jobID: id, db: app.db, clock: app.clock, persistent: persistentProgress, live: app.jobTasks)
        let logger = request.logger
        // An unstructured task keeps the caller's task-locals: the language of the result.
        app.jobTasks.start(id) {
            let outcome: Result<JobResult?, any Error>
            do { outcome = .success(try await Pacer.background(app) { try await work(background, progress) }) } catch { outcome = .failure(error) }
            do {
                try await finish(id, outcome, app: app)
            } catch {
                logger.report(error: error)
            }
        }
        return job
    }

    private static func finish(_ id: UUID, _ outcome: Result<JobResult?, any Error>, app: Application) async throws {
        guard let job = try await Job.find(id, on: app.db) else { return }
        job.updatedAt = app.clock.now
        // The last progress, which a job that could not write it as it went kept in memory.
        if let live = app.jobTasks.live(id) {
            job.done = live.done
            job.total = live.total
            job.phase = live.phase?.rawValue
        }
        switch outcome {
        case let .success(result):
            if let result {
                job.resultHash = try await app.threadPool.runIfActive { try app.files.put(result.data) }
                job.resultName = result.name
            }
            job.state = .done
            job.done = max(job.done, job.total)
        case let .failure(error):
            app.logger.report(error: error)
            job.state = .failed
            job.error = (error as? AppError)?.message ?? T(.jobFailed)
        }
        try await job.save(on: app.db)
        app.metrics.jobsFinished[job.state]?.increment()
    }

    /// The job if it is the caller's own (404 otherwise: others' jobs are not even named),
    /// with this server's newer progress when it runs here.
    static func own(_ request: Request) async throws -> Job {
        let principal = try request.requirePrincipal()
        guard let id = request.parameters.get("jobID", as: UUID.self), let job = try await Job.find(id, on: request.db),
              job.userID == principal.userID else { throw AppError.notFound }
        if job.state == .running, let live = request.application.jobTasks.live(id), live.at >= (job.updatedAt ?? .distantPast) {
            job.done = live.done
            job.total = live.total
            job.phase = live.phase?.rawValue
            job.updatedAt = live.at
        }
        return job
    }

}
