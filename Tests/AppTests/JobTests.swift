@testable import App
import Fluent
import Foundation
import SQLKit
import StandardKit
import Testing
import Vapor
import VaporTesting

@Suite("Long work: background jobs with progress, and the kept live summaries")
struct JobTests {
    static func sheets(_ app: Application, _ cycle: UUID) async throws -> [UUID: AssessmentSheet] {
        let all = try await AssessmentSheet.query(on: app.db).filter(\.$cycleID == cycle).filter(\.$level == .village).all()
        return Dictionary(all.map { ($0.unitID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The live summaries computed afresh, ignoring anything kept.
    static func fresh(_ app: Application, _ f: CycleFixture) async throws -> [UUID: SheetSummary] {
        let request = Request(application: app, on: app.eventLoopGroup.any())
        let cycle = try #require(try await AssessmentCycle.find(f.cycle, on: app.db))
        return try await Sheets.summaries(cycle: cycle, under: f.world.districtA, context: request.sheets, recompute: true)
    }

    static func scores(_ app: Application, _ f: CycleFixture, as session: Session? = nil) async throws -> [UUID: Double?] {
        let result = try await send(app, .GET, f.path(try f.world.districtA.requireID(), "/dashboard"), as: session ?? f.qu)
        #expect(result.status == .ok, "\(result.body)")
        let dashboard = try StationFixture.decode(DashboardDTO.self, result.body)
        return Dictionary(dashboard.villages.map { ($0.unitID, $0.score) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("a full ledger verification whose verdict changes drops the village's kept summary (item 27.3 follows it); one that finds what was known leaves it")
    func verificationDropsSummary() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            for _ in 0..<2 {
                try await app.db.transaction { db in
                    try await LedgerStore.append(on: db, station: f.world.villageV1, subjectType: "request", subjectID: UUID(), action: .submit,
                                                 actor: .publicForm, at: clock.now, payload: [:])
                }
            }
            _ = try await Self.scores(app, f)
            let kept = try #require(try await Self.sheets(app, f.cycle)[f.v1])
            #expect(kept.snapshotAtSeq == kept.snapshotSeq)
            // Intact, as assumed: nothing dropped.
            _ = try await LedgerStore.verifyChain(f.v1, checkpoint: nil, anchor: nil, at: clock.now, on: app.db)
            #expect(try await Self.sheets(app, f.cycle)[f.v1]?.snapshotSeq == kept.snapshotSeq)
            // An event altered before the checkpoint, found by the next full verification: dropped.
            let sql = try Dialect.sql(app.db)
            try await sql.update("ledger_events").set("actor_name", to: SQLBind("冒名顶替")).where("unit_id", .equal, SQLBind(f.v1))
                .where("seq", .equal, SQLBind(1)).run()
            var checkpoints = try await LedgerStore.checkpoints(under: f.world.villageV1.path, on: app.db)
            let found = try await LedgerStore.verifyChain(f.v1, checkpoint: checkpoints[f.v1], anchor: nil, at: clock.now, on: app.db)
            #expect(!found.intact)
            #expect(try await Self.sheets(app, f.cycle)[f.v1]?.snapshotSeq == kept.snapshotSeq + 1)
            // Found again: the same verdict, nothing more dropped.
            checkpoints = try await LedgerStore.checkpoints(under: f.world.villageV1.path, on: app.db)
            _ = try await LedgerStore.verifyChain(f.v1, checkpoint: checkpoints[f.v1], anchor: nil, at: clock.now, on: app.db)
            #expect(try await Self.sheets(app, f.cycle)[f.v1]?.snapshotSeq == kept.snapshotSeq + 1)
        }
    }

    @Test("work spread over every core comes back in the elements' order, and an error in any part is thrown")
    func concurrentMapKeepsOrder() async throws {
        let numbers = Array(0..<1_000)
        #expect(try await numbers.concurrentMap { $0 * 3 } == numbers.map { $0 * 3 })
        #expect(try await Array(0..<5).concurrentMap { $0 + 1 } == [1, 2, 3, 4, 5])
        struct Odd: Error {}
        await #expect(throws: Odd.self) { try await numbers.concurrentMap { n -> Int in if n == 777 { throw Odd() }; return n } }
    }

    @Test("a district's many villages are evaluated a township at a time, with the same results as all at once and as each township's own")
    func districtByTownships() async throws {
        try await withDemo { app in
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let district = try #require(try await OrgUnit.query(on: app.db).filter(\.$name == "怀柔区").first())
            // The demo's cycle is the city's, covering the district.
            let cycle = try #require(try await AssessmentCycle.query(on: app.db).first())
            #expect(district.path.hasPrefix(cycle.unitPath))
            let villages = try await OrgUnit.below(district.path, on: app.db).filter { $0.kind == .village }
            #expect(villages.count > Sheets.groupAbove, "the demo district must be big enough to be grouped")
            let together = try await Sheets.summaries(cycle: cycle, under: district, context: request.sheets, recompute: true)
            var apart: [UUID: SheetSummary] = [:]
            for township in try await Hierarchy.children(of: district, on: app.db) {
                apart.merge(try await Sheets.summaries(cycle: cycle, under: township, context: request.sheets, recompute: true)) { a, _ in a }
            }
            let atOnce = Dictionary(uniqueKeysWithValues: try await Sheets.evaluate(cycle: cycle, under: district, context: request.sheets)
                .map { (try $0.village.requireID(), SheetSummary($0.evaluation)) })
            #expect(together.count == villages.count && !together.isEmpty)
            #expect(together == apart)
            #expect(together == atOnce)
        }
    }

    @Test("a dashboard keeps each village's summary; a write drops only that village's, and the dashboard always equals a fresh computation")
    func keptSummaries() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let v2 = try f.world.villageV2.requireID()
            let before = try await Self.scores(app, f)
            var kept = try await Self.sheets(app, f.cycle)
            #expect(kept.values.allSatisfy { $0.snapshot != nil && $0.snapshotAsOf == "2026-12-01" }, "every village's summary is kept after a view")
            #expect(kept[f.v1]?.snapshot?.contains("\"explanations\":{}") == true, "kept without explanations, which are in the reader's language")

            // A record of village 1 that changes a measured check (item 21: facilities; 33.1: two volunteer teams).
            for name in ["红马甲巡逻队", "夕阳红助老队"] {
                try await StationFixture.create(app, f.wang, "/api/v1/units/\(f.v1)/volunteerTeams", ["name": name])
            }
            kept = try await Self.sheets(app, f.cycle)
            #expect(kept[f.v1].map { $0.snapshotAtSeq != $0.snapshotSeq } == true, "village 1's summary was made stale by its write")
            #expect(kept[v2].map { $0.snapshot != nil && $0.snapshotAtSeq == $0.snapshotSeq } == true, "village 2's summary is untouched")
            let seq = try #require(kept[f.v1]?.snapshotSeq)
            #expect(seq >= 2, "each write counts")

            let after = try await Self.scores(app, f)
            let freshSummaries = try await Self.fresh(app, f)
            #expect(after[f.v1] == freshSummaries[f.v1]?.score, "the dashboard shows what a fresh computation gives")
            #expect(after[v2] == before[v2])
            let kept1 = try #require(try await Self.sheets(app, f.cycle)[f.v1]?.snapshot)
            #expect(kept1.contains("\"33.1\":\"met\""), "the new summary has the teams: \(kept1.prefix(200))")

            // The date is part of the result: the next day computes again. Every village of the
            // district is stale then, more than a district's reader waits for: the view says so
            // and they are computed in the background.
            clock.advance(days: 1)
            let qu = try await login(app, "qu")
            let view = try StationFixture.decode(DashboardDTO.self, try await send(app, .GET, f.path(try f.world.districtA.requireID(), "/dashboard"), as: qu).body)
            #expect(view.refreshing == 3 && Sheets.viewStaleLimit(.district) < 3)
            var renewed = false
            for _ in 0..<100 where !renewed {
                renewed = try await Self.sheets(app, f.cycle).values.allSatisfy { $0.snapshotAsOf == "2026-12-02" }
                if !renewed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(renewed, "the background pass kept the new day's summaries")
            #expect(try StationFixture.decode(DashboardDTO.self, try await send(app, .GET, f.path(try f.world.districtA.requireID(), "/dashboard"), as: qu).body).refreshing == 0)
        }
    }

    @Test("an export and a sheet's page read the explanations kept beside current summaries in the reader's language, and evaluate only what changed or was kept in another language")
    func keptExplanations() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let v2 = try f.world.villageV2.requireID()
            let cycle = try #require(try await AssessmentCycle.find(f.cycle, on: app.db))
            let request = Request(application: app, on: app.eventLoopGroup.any())
            func exported(_ language: Language = .zh) async throws -> [UUID: SheetSummary] {
                try await Language.$current.withValue(language) {
                    try await Sheets.summaries(cycle: cycle, under: f.world.districtA, context: request.sheets, explanations: true)
                }
            }
            func kept(_ village: UUID) async throws -> KeptExplanations? {
                let sheet = try #require(try await Self.sheets(app, f.cycle)[village])
                return try await Snapshots.explanations(of: [try sheet.requireID()], on: app.db)[try sheet.requireID()]?.kept
            }
            // A dashboard's view keeps each summary with its explanations beside it, in Chinese.
            _ = try await Self.scores(app, f)
            let fresh = try await Self.fresh(app, f)
            let keptV2 = try #require(try await kept(v2))
            #expect(keptV2.language == "zh" && !keptV2.explanations.isEmpty)
            #expect(keptV2.explanations == fresh[v2]?.explanations, "the kept explanations are what a fresh evaluation writes")

            // What an export reads for a current summary is what was kept: a marked text shows it.
            let check = try #require(keptV2.explanations.keys.sorted().first)
            var marked = keptV2
            marked.explanations[check] = "MARKED"
            let text = String(decoding: try JSONEncoder().encode(marked), as: UTF8.self)
            try await Dialect.sql(app.db).raw("UPDATE assessment_sheets SET snapshot_explanations = \(bind: text) WHERE unit_id = \(bind: v2) AND cycle_id = \(bind: f.cycle)").run()
            let first = try await exported()
            #expect(first[v2]?.explanations[check] == "MARKED", "read from the kept explanations, not evaluated again")
            #expect(first[v2]?.checks == fresh[v2]?.checks && first[v2]?.score == fresh[v2]?.score)
            #expect(first[f.v1]?.explanations == fresh[f.v1]?.explanations && first[f.v1]?.explanations.isEmpty == false)
            // The sheet's page reads them too, instead of evaluating the village on every view.
            let page = try await f.sheet(app, v2, as: f.qu)
            #expect(page.checks.first { $0.id == check }?.explanation == "MARKED")
            #expect(page.checks.filter { $0.id != check && $0.level == "village" }.allSatisfy { $0.explanation == fresh[v2]?.explanations[$0.id] })

            // In English the Chinese text is not used: evaluated again, and kept in English.
            let english = try await exported(.en)
            #expect(english[v2]?.explanations[check] != "MARKED" && english[v2]?.explanations != fresh[v2]?.explanations)
            #expect(english[v2]?.explanations.isEmpty == false)
            #expect(try await kept(v2)?.language == "en")

            // A write to village 2 makes its summary stale (as every audited write does): the
            // export evaluates it again.
            _ = try await exported()
            try await Dialect.sql(app.db).raw("UPDATE assessment_sheets SET snapshot_explanations = \(bind: text) WHERE unit_id = \(bind: v2) AND cycle_id = \(bind: f.cycle)").run()
            #expect(try await exported()[v2]?.explanations[check] == "MARKED")
            try await app.db.transaction { db in try await Snapshots.invalidate(path: f.world.villageV2.path, on: db) }
            let afterWrite = try await exported()
            let freshAfter = try await Self.fresh(app, f)
            #expect(afterWrite[v2]?.explanations == freshAfter[v2]?.explanations && afterWrite[v2]?.explanations[check] != "MARKED")
            #expect(afterWrite[v2]?.checks == freshAfter[v2]?.checks)
            #expect(KeptExplanations.decode(text) == marked, "the kept form reads back")
            var copy = text
            #expect(copy.withUTF8 { bytes in var reader = SummaryReader(bytes: bytes); return reader.keptExplanations() } == marked, "by the hand reader")
            #expect(KeptExplanations.decode("{\"language\":\"zh\"}") == nil && KeptExplanations.decode("[]") == nil)
        }
    }

    @Test("a service request (a ledger event) drops its village's kept summary; a summary computed during a write is not kept")
    func ledgerAndRace() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            _ = try await Self.scores(app, f)
            let sheet = try #require(try await Self.sheets(app, f.cycle)[f.v1])
            try await app.db.transaction { db in
                try await LedgerStore.append(on: db, station: f.world.villageV1, subjectType: "request", subjectID: UUID(), action: .submit,
                                             actor: .publicForm, at: clock.now, payload: [:])
            }
            let dropped = try #require(try await Self.sheets(app, f.cycle)[f.v1])
            #expect(dropped.snapshotAtSeq != dropped.snapshotSeq, "the write made the kept summary stale")
            // A summary computed from the state before that write (its sequence number) is refused.
            let summary = SheetSummary(score: 1, passed: false, areas: [], items: [:])
            var row = try #require(try await AssessmentSheet.villageRows(cycle: f.cycle, below: "/", texts: .none, on: app.db).first { $0.id == sheet.id })
            #expect(row.snapshotSeq == dropped.snapshotSeq && row.snapshotSeq != sheet.snapshotSeq)
            row.snapshotSeq = sheet.snapshotSeq
            try await Snapshots.keep([(row, summary)], asOf: "2026-12-01", on: app.db)
            let after = try #require(try await Self.sheets(app, f.cycle)[f.v1])
            #expect(after.snapshotAtSeq != after.snapshotSeq && after.snapshot == dropped.snapshot, "a stale computation must not be kept")
            // A request taken at the window (group commit; on PostgreSQL one statement with
            // its event) drops its village's summary and no other.
            try await StationFixture.create(app, f.wang, "/api/v1/units/\(f.v1)/services",
                                            ["code": "DJ-01", "name": "代缴水电费", "field": "billPayment", "mode": "onTheSpot", "published": "true", "guide": "现场办理。"])
            _ = try await Self.scores(app, f)
            let fresh = try await Self.sheets(app, f.cycle)
            #expect(fresh.values.allSatisfy { $0.snapshot != nil && $0.snapshotAtSeq == $0.snapshotSeq })
            let taken = try await send(app, .POST, "/api/v1/units/\(f.v1)/requests", as: f.wang,
                                       json: ["serviceCode": "DJ-01", "residentName": "赵大爷", "residentPhone": "13812345678", "content": "代缴电费"])
            #expect(taken.status == .created, "\(taken.body)")
            let afterIntake = try await Self.sheets(app, f.cycle)
            #expect(afterIntake[f.v1].map { $0.snapshotAtSeq != $0.snapshotSeq } == true, "the intake made village 1's summary stale")
            #expect(afterIntake.filter { $0.key != f.v1 }.values.allSatisfy { $0.snapshotAtSeq == $0.snapshotSeq }, "no other village's")
            // Signing in and revealing nothing changes no village's results.
            #expect(!Snapshots.affects(objectType: "user", action: "login"))
            #expect(Snapshots.affects(objectType: "meetings", action: "create"))
        }
    }

    @Test("an export runs in the background: 202, progress to 100%, the file for its owner only; a bad format is refused and starts nothing")
    func exportJob() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            let started = try await send(app, .POST, f.path(district, "/exports"), as: f.qu, json: ["format": "csv"])
            #expect(started.status == .accepted, "\(started.body)")
            let job = try StationFixture.decode(JobDTO.self, started.body)
            #expect(job.state == "running" && job.page == "/jobs/\(job.id)")
            let document = try await APITests.document(app)
            let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let problems = SchemaChecker(components: components).problems(try JSONSerialization.jsonObject(with: Data(started.body.utf8)),
                                                                          against: ["$ref": "#/components/schemas/Job"])
            #expect(problems.isEmpty, "\(problems)")
            await app.jobTasks.drain(cancel: false)

            let done = try StationFixture.decode(JobDTO.self, try await send(app, .GET, "/api/v1/jobs/\(job.id)", as: f.qu).body)
            #expect(done.state == "done" && done.percent == 100 && done.total == 3, "three villages evaluated: \(done)")
            let file = try await send(app, .GET, try #require(done.result), as: f.qu)
            #expect(file.status == .ok)
            #expect(file.body.contains("乡镇") && file.body.contains(f.world.villageV3.name), "every village below the district")
            #expect(file.body.components(separatedBy: "\n").count > 3 * 62, "one row per village and item")

            // Someone else's job is not even named.
            #expect(try await send(app, .GET, "/api/v1/jobs/\(job.id)", as: f.town).status == .notFound)
            #expect(try await send(app, .GET, "/jobs/\(job.id)/result", as: f.town).status == .notFound)

            let page = try await send(app, .GET, "/jobs/\(job.id)", as: f.qu)
            #expect(page.body.contains("<progress") && page.body.contains("/jobs/\(job.id)/result"))

            let jobs = try await Job.query(on: app.db).count()
            let bad = try await send(app, .POST, f.path(district, "/exports"), as: f.qu, json: ["format": "pdf"])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("\"field\":\"format\""))
            // A body that is not JSON at all is refused too, not read as "the default format".
            try await app.testing().test(.POST, f.path(district, "/exports"), beforeRequest: { request in
                request.headers = f.qu.headers(json: true)
                request.body = ByteBuffer(string: "{format: csv")
            }, afterResponse: { response in #expect(response.status == .badRequest) })
            #expect(try await Job.query(on: app.db).count() == jobs)
        }
    }

    @Test("the page's buttons start an export or a recomputation and go to the progress page; recomputation keeps every summary")
    func pagesAndRecompute() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let district = try f.world.districtA.requireID()
            let dashboard = try await send(app, .GET, "/units/\(district)/dashboard/\(f.cycle)", as: f.qu)
            #expect(dashboard.body.contains("/cycles/\(f.cycle)/exports") && dashboard.body.contains("/cycles/\(f.cycle)/recompute"))

            let posted = try await send(app, .POST, "/units/\(district)/cycles/\(f.cycle)/recompute", as: f.qu, form: [:])
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/jobs/"))
            let running = try await send(app, .GET, location, as: f.qu)
            #expect(running.status == .ok && running.body.contains("<progress"))
            await app.jobTasks.drain(cancel: false)
            let finished = try await send(app, .GET, location, as: f.qu)
            #expect(finished.body.contains(T(.jobDone)) && !finished.body.contains("data-job"), "no polling once done")
            #expect(try await Self.sheets(app, f.cycle).values.allSatisfy { $0.snapshot != nil })

            let script = try await send(app, .GET, ProgressScript.path)
            #expect(script.status == .ok && script.headers.contentType?.subType == "javascript" && script.body.utf8.count < 2048)
        }
    }

    @Test("a running job whose server went silent is shown as interrupted")
    func interrupted() async throws {
        try await withApp { app, clock in
            let f = try await CycleFixture.make(app, clock: clock)
            let job = Job()
            job.kind = JobKind.export.rawValue
            job.userID = try #require(try await User.query(on: app.db).filter(\.$username == "qu").first()?.requireID())
            job.unitID = try f.world.districtA.requireID()
            job.state = .running
            job.done = 1
            job.total = 3
            job.createdAt = clock.now
            job.updatedAt = clock.now
            try await job.create(on: app.db)
            let live = try StationFixture.decode(JobDTO.self, try await send(app, .GET, "/api/v1/jobs/\(try job.requireID())", as: f.qu).body)
            #expect(live.state == "running" && live.percent == 33)
            clock.advance(minutes: 10)
            let silent = try StationFixture.decode(JobDTO.self, try await send(app, .GET, "/api/v1/jobs/\(try job.requireID())", as: f.qu).body)
            #expect(silent.state == "failed" && silent.error == T(.jobInterrupted))
        }
    }
}

@Suite("Stopping the server")
struct DrainTests {
    @Test("shutdown waits for the requests in flight to be answered, and gives up after its limit (on a clock the test moves)")
    func drain() async throws {
        let app = try await Application.make(.testing)
        let requests = InFlightRequests()
        let clock = ManualClock()
        requests.enter()
        let waiting = Task { await DrainRequests(requests: requests, limit: .seconds(60), clock: clock).shutdownAsync(app) }
        #expect(await clock.sleeperArrived())
        clock.advance(by: .seconds(30))
        // Half its limit gone: it looks again and goes back to waiting.
        #expect(await clock.sleeperArrived())
        requests.leave()
        clock.advance(by: .milliseconds(10))
        await waiting.value
        #expect(requests.current == 0)
        #expect(clock.now.offset == .seconds(30) + .milliseconds(10), "it stops at its first look after the answer")

        requests.enter()
        let started = clock.now
        let stuck = Task { await DrainRequests(requests: requests, limit: .milliseconds(300), clock: clock).shutdownAsync(app) }
        #expect(await clock.sleeperArrived())
        clock.advance(by: .milliseconds(299))
        #expect(await clock.sleeperArrived(), "a millisecond before its limit it still waits")
        clock.advance(by: .milliseconds(1))
        await stuck.value
        #expect(requests.current == 1)
        #expect(started.duration(to: clock.now) == .milliseconds(300))
        try await app.asyncShutdown()
    }

    @Test("only a running server checkpoints, reads chain ends ahead and moves ledger checkpoints: not another command, not the tests")
    func onlyTheServer() {
        #expect(Environment(name: "production", arguments: ["cunwu", "serve", "--port", "8080"]).serving)
        #expect(Environment(name: "development", arguments: ["cunwu"]).serving)
        #expect(Environment(name: "development", arguments: ["cunwu", "--demo"]).serving)
        #expect(!Environment(name: "production", arguments: ["cunwu", "verify-ledger"]).serving)
        #expect(!Environment(name: "production", arguments: ["cunwu", "bench-evaluate", "--rounds", "3"]).serving)
        #expect(!Environment(name: "testing", arguments: ["cunwu", "serve"]).serving)
    }
}

@Suite("Command-line progress bar")
struct ConsoleProgressTests {
    @Test("the bar fills with the work done and never passes its ends")
    func render() {
        #expect(ConsoleProgress.render(title: "台账校验", done: 1965, total: 3930, elapsed: 12.7) == "台账校验 [############------------]  50%  1965/3930  12s")
        #expect(ConsoleProgress.render(title: "t", done: 0, total: 0, elapsed: 0) == "t [------------------------]   0%  0/0  0s")
        #expect(ConsoleProgress.render(title: "t", done: 7, total: 5, elapsed: 1).hasPrefix("t [########################] 100%"))
        #expect(ConsoleProgress.render(title: "t", done: 1, total: 3, elapsed: 1, width: 3) == "t [#--]  33%  1/3  1s")
    }
}
