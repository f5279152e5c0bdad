import Fluent
import SQLKit
import StandardKit
import Vapor

/// `cunwu bench-evaluate`: the evaluation benchmark of issue 9 on whatever data the
/// database holds (`cunwu generate` makes Beijing's). It prints, measured in one run:
/// a plain sequential pass over the tables the facts read (counts and summed lengths of
/// the same columns), the facts of every village built from the database and evaluated for
/// each district's cycle, their ratio, and the time to bring a township's dashboard up to
/// date after one record of one village changes. Benchmarks/run.sh runs it with the rest.
struct BenchmarkCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "rounds", help: T(.helpBenchmarkRounds))
        var rounds: Int?
        @Option(name: "targets", help: T(.helpBenchmarkTargets))
        var targets: String?
    }

    var help: String { T(.helpBenchmark) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        let rounds = max(1, signature.rounds ?? 3)
        let request = Request(application: app, on: app.eventLoopGroup.any())
        let cycles = try await AssessmentCycle.query(on: app.db).all()
        let districts = try await OrgUnit.query(on: app.db).filter(\.$kind == .district).sort(\.$path).all()
        guard !districts.isEmpty else { throw CommandFailure.usage(T(.cliNoData)) }
        let year = cycles.first?.year ?? StandardController.beijingToday(app.clock.now).year
        let villageCount = try await OrgUnit.query(on: app.db).filter(\.$kind == .village).count()
        let sql = try Dialect.sql(app.db)
        print(T(.benchData, String(villageCount), String(try await Self.count("service_requests", sql)), String(try await Self.count("ledger_events", sql))))
        // Checkpoints where a running server keeps them (within ten minutes of each chain's
        // end, `CheckpointKeeper`): earlier benchmark runs' intake left events unverified.
        let moved = try await LedgerStore.advanceAllCheckpoints(at: app.clock.now, on: app.db)
        if moved > 0 { print(T(.benchCheckpointsMoved, String(moved))) }

        // 1. The plain pass: the same tables and columns, counted and summed in the database.
        let plain = try await Self.best(rounds) { try await Self.plainPass(year: year, on: sql) }
        print(T(.benchPlainPass, String(format: "%8.2f", plain)))

        // 2. Facts from the database plus the engine, for every district's cycle.
        var evaluated = 0
        let full = try await Self.best(rounds) {
            evaluated = 0
            for district in districts {
                guard let cycle = cycles.first(where: { $0.unitID == district.id }) else { continue }
                evaluated += try await Sheets.evaluate(cycle: cycle, under: district, context: request.sheets).count
            }
        }
        print(T(.benchFull, String(format: "%8.2f", full), String(evaluated), String(format: "%.0f", Double(evaluated) / full)))
        print(T(.benchRatio, String(format: "%8.2f", full / plain)))

        // 3. One village after one record changes: its township's dashboard summaries again.
        guard let district = districts.first, let cycle = cycles.first(where: { $0.unitID == district.id }),
              let township = try await OrgUnit.query(on: app.db).filter(\.$parent.$id == district.requireID()).first() else { return }
        guard let admin = try await User.query(on: app.db).filter(\.$username == "bench.admin").first() else { return }
        request.principal = Principal(userID: try admin.requireID(), username: admin.username, displayName: admin.displayName, assignments: [], csrfToken: "")
        var one: [Double] = [], dashboard: [Double] = []
        // One meeting of the village, changed again and again and removed at the end, so
        // runs do not grow the data set they measure.
        func meeting(_ n: Int, _ month: Int) -> [String: FieldValue] {
            ["kind": .text("opinionForum"), "date": .text("\(year)-0\(month)-\(10 + n % 18)"), "title": .text("benchmark meeting \(n)")]
        }
        // The first village of the township whose year is open to changes (a submitted
        // sheet locks its village's records while it is reviewed).
        var found: (OrgUnit, Record)?
        for candidate in try await OrgUnit.query(on: app.db).filter(\.$parent.$id == township.requireID()).sort(\.$name).all() where found == nil {
            do { found = (candidate, try await RecordStore.insert(.meetings, values: meeting(0, 6), village: candidate, author: request.author, on: request.db)) }
            catch AppError.conflict { continue }
        }
        // A village whose sheet is submitted cannot take the change; with none open (a one-village
        // data set whose sheet was submitted), the measurement is skipped, the rest still runs.
        if let found {
            let village = found.0
            var record = found.1
            _ = try await Sheets.summaries(cycle: cycle, under: township, context: request.sheets)
            for n in 0..<30 {
                record = try await RecordStore.update(.meetings, record: record, values: meeting(n, 6), author: request.author, on: request.db)
                let started = Date()
                _ = try await Sheets.evaluate(cycle: cycle, under: township, only: [try village.requireID()], context: request.sheets)
                one.append(Date().timeIntervalSince(started) * 1000)
                record = try await RecordStore.update(.meetings, record: record, values: meeting(n, 7), author: request.author, on: request.db)
                let again = Date()
                _ = try await Sheets.summaries(cycle: cycle, under: township, context: request.sheets)
                dashboard.append(Date().timeIntervalSince(again) * 1000)
            }
            try await RecordStore.delete(.meetings, record: record, author: request.author, on: request.db)
            print(T(.benchOneVillage, String(format: "%.1f", Self.percentile(one, 50)), String(format: "%.1f", Self.percentile(one, 95))))
            print(T(.benchTownship, String(format: "%.1f", Self.percentile(dashboard, 50)), String(format: "%.1f", Self.percentile(dashboard, 95))))
        } else {
            print(T(.benchNoOpenVillage))
        }
        var first = found?.0
        if first == nil { first = try await OrgUnit.query(on: app.db).filter(\.$parent.$id == township.requireID()).sort(\.$name).first() }
        guard let village = first else { return }

        // 4. The first view of a district's dashboard after every village changed (a new day,
        // a burst of intake): what its reader waited for before (every village evaluated),
        // and what they wait for now (the last summaries, the rest in the background).
        var waited: [Double] = [], shown: [Double] = []
        for _ in 0..<rounds {
            try await Snapshots.invalidate(path: district.path, on: app.db)
            let started = Date()
            let all = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: false)
            waited.append(Date().timeIntervalSince(started) * 1000)
            try await Snapshots.invalidate(path: district.path, on: app.db)
            let again = Date()
            _ = try await Sheets.villageSheets(cycle: cycle, under: district, context: request.sheets, checks: false, staleLimit: Sheets.viewStaleLimit(district.kind))
            shown.append(Date().timeIntervalSince(again) * 1000)
            if waited.count == rounds { print(T(.benchDistrictChange, String(all.sheets.count), String(format: "%.0f", waited.min() ?? 0), String(format: "%.0f", shown.min() ?? 0))) }
        }

        // The HTTP benchmark's targets: villages with a window service, and the four pages.
        if let folder = signature.targets {
            let rows = try await sql.raw("SELECT unit_id, code FROM rec_services WHERE code = 'SB-01' AND deleted_at IS NULL").all()
            let lines = try rows.map { "\(try $0.decode(column: "unit_id", as: UUID.self).uuidString) \(try $0.decode(column: "code", as: String.self))" }
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/villages.txt", atomically: true, encoding: .utf8)
            let urls = [
                "district-dashboard " + Route.unit(.value(try district.requireID()), .dashboard(.value(try cycle.requireID()))).path,
                "township-page " + Route.unit(.value(try township.requireID())).path,
                "village-sheet " + CycleLinks(unit: try village.requireID(), cycle: try cycle.requireID())(.sheet),
                "ledger-first-page " + Route.unit(.value(try village.requireID()), .ledger).path,
            ]
            try (urls.joined(separator: "\n") + "\n").write(toFile: folder + "/urls.txt", atomically: true, encoding: .utf8)
        }
    }

    static func count(_ table: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static func best(_ rounds: Int, _ body: () async throws -> Void) async throws -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let started = Date()
            try await body()
            times.append(Date().timeIntervalSince(started))
        }
        return times.min() ?? 0
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p / 100).rounded()))]
    }

    /// Every table and column the facts read, with the same filters, scanned once by the
    /// database: what any evaluation has to pay at least.
    static func plainPass(year: Int, on sql: any SQLDatabase) async throws {
        func lengths(_ columns: [String]) -> String {
            columns.map { "SUM(LENGTH(CAST(\"\($0)\" AS TEXT)))" }.joined(separator: " + ")
        }
        for kind in RecordKind.all {
            let columns = ["id", "unit_id", "unit_path"] + kind.fields.map(\.column)
            _ = try await sql.raw("SELECT COUNT(*) AS n, \(unsafeRaw: lengths(columns)) AS l FROM \(unsafeRaw: kind.table) WHERE unit_path LIKE '/%' AND deleted_at IS NULL").all()
        }
        let requestColumns = ["unit_id", "status", "first_owner_name", "received_on", "due_on", "completed_on", "history_count", "version", "history_first", "history_status"]
        _ = try await sql.raw("""
            SELECT COUNT(*) AS n, \(unsafeRaw: lengths(requestColumns)) AS l FROM service_requests
            WHERE unit_path LIKE '/%' AND received_on >= \(bind: "\(year)-01-01") AND received_on <= \(bind: "\(year)-12-31")
            """).all()
        _ = try await sql.raw("SELECT COUNT(*) AS n, \(unsafeRaw: lengths(["unit_id", "received_on", "resolved_on"])) AS l FROM complaints WHERE unit_path LIKE '/%'").all()
        _ = try await sql.raw("""
            SELECT COUNT(*) AS n FROM units u LEFT JOIN ledger_checkpoints c ON c.unit_id = u.id
            JOIN ledger_events e ON e.unit_id = u.id AND e.seq > COALESCE(c.seq, 0) WHERE u.kind = 'village'
            """).all()
        _ = try await sql.raw("SELECT COUNT(*) AS n, \(unsafeRaw: lengths(["unit_id", "households", "resident_population", "station_floor_area", "opening_hours", "hotline"])) AS l FROM village_profiles").all()
        _ = try await sql.raw("SELECT COUNT(*) AS n, \(unsafeRaw: lengths(["id", "path", "name", "kind"])) AS l FROM units").all()
    }
}
