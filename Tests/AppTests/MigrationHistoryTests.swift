@testable import App
import Fluent
import Foundation
import Ledger
import SQLKit
import SQLiteNIO
import Testing
import Vapor

/// Migrations are frozen history (issue 19, item 2): the shipped names in their order; a
/// database made by them has every column today's models and record kinds read; and a
/// database left by the last release is upgraded in place, every row kept and every ledger
/// chain still verifying.
@Suite("Migration history")
struct MigrationHistoryTests {
    /// The names existing databases recorded, in order. A shipped migration is never renamed,
    /// removed or moved; a new one is added at the end.
    static let shipped = [
        "App.CreateUnits", "App.CreateVillageProfiles", "App.CreateUsers", "App.CreateRoleAssignments", "App.CreateSessions", "App.CreateAuditEvents",
        "CreateRecordTable_rec_organizations", "CreateRecordTable_rec_meetings", "CreateRecordTable_rec_disclosures",
        "CreateRecordTable_rec_social_organizations", "CreateRecordTable_rec_resident_units", "CreateRecordTable_rec_contributions",
        "CreateRecordTable_rec_volunteer_teams", "CreateRecordTable_rec_volunteers", "CreateRecordTable_rec_volunteer_activities",
        "CreateRecordTable_rec_volunteer_hours", "CreateRecordTable_rec_workers", "CreateRecordTable_rec_worker_roles",
        "CreateRecordTable_rec_trainings", "CreateRecordTable_rec_facilities", "CreateRecordTable_rec_maintenance_logs",
        "CreateRecordTable_rec_infrastructure", "CreateRecordTable_rec_budget_lines", "CreateRecordTable_rec_disbursements",
        "CreateRecordTable_rec_activities", "CreateRecordTable_rec_art_teams",
        "App.CreateImportBatches", "App.CreateAttachments",
        "CreateRecordTable_rec_departments", "CreateRecordTable_rec_posts", "CreateRecordTable_rec_absences", "CreateRecordTable_rec_services",
        "AddRecordField_rec_workers_account",
        "App.CreateServiceRequests", "App.CreateComplaints", "App.CreateLedgerEvents", "App.CreateIntegrationKeys", "App.CreateCalendar",
        "App.CreatePublicGuards", "App.CreateAssessment", "App.AddSheetSnapshots", "App.CreateJobs", "App.AddStationRollups",
        "App.AddIntegrationKeyIndex", "App.SealPersonalData",
        "App.AddServiceRequestPublicReply", "App.CreateLoginThrottles",
        "AddRecordField_rec_activities_organization",
        "AddProfileBusyFinances", "AddRequestFeedback", "AddRectificationFollowUp", "AddNoticeReads",
        "AddReviewDrafts", "AddSheetReturnNote", "AddServiceRequestListIndex", "AddSnapshotAtSeq", "AddOpenRequestIndex",
        "AddComplaintRequestIndex", "AddPathPatternIndexes", "AddSnapshotExplanations", "AddRequestPathPatternIndex", "AddSheetBriefs",
        "FillSheetBriefs",
    ]

    static func columns(_ table: String, on db: any Database) async throws -> Set<String> {
        let sql = try Dialect.sql(db)
        if sql.dialect.name == "sqlite" {
            return Set(try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all().map { try $0.decode(column: "name", as: String.self) })
        }
        return Set(try await sql.raw("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)")
            .all().map { try $0.decode(column: "column_name", as: String.self) })
    }

    @Test("on PostgreSQL a path prefix (LIKE '/…/%') is answered from an index whatever the database's collation",
          .enabled(if: !(ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty))
    func pathPrefixIndexed() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let sql = try Dialect.sql(app.db)
            let collation = try #require(try await sql.raw("SELECT datcollate FROM pg_database WHERE datname = current_database()").first())
                .decode(column: "datcollate", as: String.self)
            // With sequential scans priced out, a plan still without an index would mean none can answer it.
            func plan(_ query: SQLQueryString) async throws -> String {
                try await app.db.transaction { db in
                    let sql = try Dialect.sql(db)
                    try await sql.raw("SET LOCAL enable_seqscan = off").run()
                    var explain = SQLQueryString("EXPLAIN ")
                    explain.appendInterpolation(query)
                    return try await sql.raw(explain).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                }
            }
            for (table, column, index) in [("units", "path", "idx_units_path_pattern"), ("assessment_sheets", "unit_path", "idx_assessment_sheets_path_pattern")] {
                let found = try await plan("SELECT 1 FROM \(unsafeRaw: table) WHERE \(Dialect.pathBelow(sql, world.townshipA1.path, column: column))")
                #expect(found.contains(index) && found.contains("Index Cond"), "collation \(collation): \(found)")
            }
            // The overdue requests below a township: the open statuses, the path's prefix and the
            // due date, all answered by the index (the prefix as a pattern range).
            let overdue = try await plan("""
                SELECT 1 FROM service_requests WHERE status IN ('received', 'accepted', 'inProgress')
                AND \(Dialect.pathBelow(sql, world.townshipA1.path, column: "unit_path")) AND due_on < '2026-12-06'
                """)
            #expect(overdue.contains("idx_service_requests_path_pattern") && overdue.contains("unit_path ~>=~") && overdue.contains("due_on <"),
                    "collation \(collation): \(overdue)")
        }
    }

    @Test("the migrations are the shipped ones, by name and in order")
    func names() async throws {
        try await withApp { app, _ in
            let recorded = try await Dialect.sql(app.db).raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at").all()
                .map { try $0.decode(column: "name", as: String.self) }
            #expect(Set(recorded) == Set(Self.shipped) && recorded.count == Self.shipped.count, "\(Set(recorded).symmetricDifference(Self.shipped))")
        }
    }

    @Test("a database made by the migrations has exactly each record kind's columns and every column each model reads")
    func schemaMatchesModels() async throws {
        try await withApp { app, _ in
            for kind in RecordKind.all {
                let expected = Set(["id", "unit_id", "unit_path", "created_at", "updated_at", "deleted_at"] + kind.fields.map(\.column))
                let actual = try await Self.columns(kind.table, on: app.db)
                #expect(actual == expected, "\(kind.table): missing \(expected.subtracting(actual)), extra \(actual.subtracting(expected))")
            }
            let models: [(String, [FieldKey])] = [
                (OrgUnit.schema, OrgUnit.keys), (VillageProfile.schema, VillageProfile.keys), (User.schema, User.keys),
                (RoleAssignment.schema, RoleAssignment.keys), (UserSession.schema, UserSession.keys), (AuditEvent.schema, AuditEvent.keys),
                (ImportBatch.schema, ImportBatch.keys), (ServiceRequest.schema, ServiceRequest.keys), (Complaint.schema, Complaint.keys),
                (AssessmentCycle.schema, AssessmentCycle.keys), (AssessmentSheet.schema, AssessmentSheet.keys), (SheetCheck.schema, SheetCheck.keys),
                (Evidence.schema, Evidence.keys), (Rectification.schema, Rectification.keys), (Job.schema, Job.keys),
            ]
            for (table, keys) in models {
                let actual = try await Self.columns(table, on: app.db)
                let missing = Set(keys.map(\.description)).subtracting(actual)
                #expect(missing.isEmpty, "\(table) lacks \(missing)")
            }
        }
    }

    @Test("a database left by the last release is upgraded in place: the new migrations run, every row is kept, every chain verifies",
          .enabled(if: (ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty))
    func upgradeFromLastRelease() async throws {
        let path = NSTemporaryDirectory() + "cunwu-upgrade-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // The last release's database, statement by statement.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/release-7.sql")
        let statements = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.isEmpty }
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        var before: [String: Int] = [:]
        do {
            for statement in statements { _ = try await connection.query(String(statement), []) }
            for table in ["units", "users", "service_requests", "ledger_events", "complaints", "rec_meetings", "rec_services", "audit_events"] {
                before[table] = try await connection.query("SELECT COUNT(*) AS n FROM \(table)", []).first?.column("n")?.integer
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        #expect(before["ledger_events"] ?? 0 > 0 && before["service_requests"] ?? 0 > 0)

        let app = try await Application.make(.testing)
        do {
            try await configure(app, environment: ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": "", "CUNWU_BCRYPT_COST": "4"])
            try await prepareDatabase(app)
            let sql = try Dialect.sql(app.db)
            for (table, count) in before {
                let now = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self)
                #expect(now == count, "\(table): \(count) before, \(now ?? -1) after")
            }
            #expect(try await Self.columns("service_requests", on: app.db).contains("public_reply"))
            #expect(try await Self.columns("login_throttles", on: app.db).contains("name_hash"))
            let recorded = try await sql.raw("SELECT name FROM _fluent_migrations").all().map { try $0.decode(column: "name", as: String.self) }
            #expect(Set(recorded) == Set(Self.shipped))
            // Every chain still verifies; the requests read as before (their phones were written before sealing).
            let villages = try await OrgUnit.query(on: app.db).filter(\.$kind == .village).all()
            for village in villages {
                #expect(LedgerChain.verify(try await LedgerStore.chain(village.requireID(), on: app.db)).intact, "\(village.name)")
            }
            let requests = try await ServiceRequest.query(on: app.db).all()
            #expect(requests.count == before["service_requests"] && requests.allSatisfy { $0.residentPhone == "13800000000" && $0.publicReply == nil })
            // And the upgraded database works: a new request goes on its village's chain.
            let village = try #require(try await sql.raw("SELECT unit_id FROM rec_services").first()?.decode(column: "unit_id", as: UUID.self))
            let events = try await LedgerStore.chain(village, on: app.db).count
            let wang = try await login(app, "wang")
            let intake = try await send(app, .POST, "/api/v1/units/\(village)/requests", as: wang,
                                        json: ["serviceCode": "SB-01", "residentName": "赵大爷", "residentPhone": "13812345678", "content": "升级后受理"])
            #expect(intake.status == .created, "\(intake.body)")
            let chain = try await LedgerStore.chain(village, on: app.db)
            #expect(chain.count == events + 1 && LedgerChain.verify(chain).intact)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
