import Fluent
import Ledger
import SQLKit
import SQLiteNIO
import StandardKit
import StationKit
import Vapor
import WorkCalendar

/// `cunwu generate --villages 3930 --year 2026 --seed 1`: a reproducible data set at the
/// scale of Beijing for benchmarks (docs/performance.md): districts, townships and
/// villages with skewed households, a year of records kept with more or less diligence,
/// about 25 service requests a village a week with their ledger events, complaints, an
/// assessment cycle with sheets and evidence. Rows are written in multi-row inserts, one
/// transaction per township; a progress bar shows on a terminal. Needs an empty database.
struct GenerateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "villages", help: T(.helpGenerateVillages))
        var villages: Int?
        @Option(name: "year", help: T(.helpGenerateYear))
        var year: Int?
        @Option(name: "seed", help: T(.helpGenerateSeed))
        var seed: UInt64?
        @Option(name: "requests-per-week", help: T(.helpGenerateRequests))
        var requestsPerWeek: Int?
        @Option(name: "years", help: T(.helpGenerateYears))
        var years: Int?
    }

    var help: String { T(.helpGenerate) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let keyring = app.config.keyring else { throw CommandFailure.usage(PersonalDataError.noKey.description) }
        try await prepareDatabase(app)
        guard try await OrgUnit.query(on: app.db).first() == nil else {
            throw CommandFailure.usage(T(.cliDatabaseNotEmpty))
        }
        let today = StandardController.beijingToday(app.clock.now)
        let year = signature.year ?? today.year
        let villages = signature.villages ?? 3930
        guard villages >= 1, villages <= 500_000 else { throw CommandFailure.usage(T(.cliVillagesRange)) }
        guard (2000...2100).contains(year) else { throw CommandFailure.usage(T(.cliYearRange)) }
        let years = signature.years ?? 1
        guard (1...10).contains(years) else { throw CommandFailure.usage(T(.cliYearsRange)) }
        let started = Date()
        let generator = Generator(app: app, year: year, today: today, seed: signature.seed ?? 1, requestsPerWeek: signature.requestsPerWeek ?? 25, keyring: keyring,
                                  calendar: try await CalendarStore.load(on: app.db), years: years)
        let totals = try await generator.run(villages: villages)
        // After a bulk load on PostgreSQL: statistics for the planner, and the visibility map
        // that lets the station figures read their covering index without the table. (SQLite's
        // queries are ordered by hand for it and do not use statistics; ANALYZE there read
        // the whole 12 GB file and changed nothing measured for the better.)
        let sql = try Dialect.sql(app.db)
        if !Dialect.isSQLite(sql) { try await sql.raw("VACUUM (ANALYZE)").run() }
        let seconds = Date().timeIntervalSince(started)
        print(T(.cliGenerateDone, String(totals.districts), String(totals.townships), String(villages), String(totals.records), String(totals.requests),
                String(totals.events), String(Int(seconds)), String(Int(Double(totals.rows) / max(seconds, 0.001)))))
        print(T(.cliGenerateAccounts))
    }
}

/// SplitMix64: small, fast and the same on every platform, so a seed names one data set.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// One value of a generated row, typed so that SQLite's rows are built without Codable
/// (SQLKit's `SQLBind` encodes each value through an `Encoder`, a third of the generator's
/// time). Each case is stored as Fluent stores it: ids and text as text, dates as seconds.
enum Cell: Sendable {
    case text(String), int(Int), double(Double), flag(Bool), date(Date), id(UUID), null

    init(_ value: String) { self = .text(value) }
    init(_ value: String?) { self = value.map(Cell.text) ?? .null }
    init(_ value: Int) { self = .int(value) }
    init(_ value: Int64) { self = .int(Int(value)) }
    init(_ value: Double) { self = .double(value) }
    init(_ value: Bool) { self = .flag(value) }
    init(_ value: Date) { self = .date(value) }
    init(_ value: UUID) { self = .id(value) }

    var sqlite: SQLiteData {
        switch self {
        case let .text(t): .text(t)
        case let .int(n): .integer(n)
        case let .double(d): .float(d)
        case let .flag(f): .integer(f ? 1 : 0)
        case let .date(d): .float(d.timeIntervalSince1970)
        case let .id(u): .text(u.uuidString)
        case .null: .null
        }
    }

    var expression: any SQLExpression {
        switch self {
        case let .text(t): SQLBind(t)
        case let .int(n): SQLBind(n)
        case let .double(d): SQLBind(d)
        case let .flag(f): SQLBind(f)
        case let .date(d): SQLBind(d)
        case let .id(u): SQLBind(u)
        case .null: SQLLiteral.null
        }
    }
}

/// Rows of one table gathered and written many at a time (under the bind limits of SQLite
/// and PostgreSQL).
final class BulkInsert: @unchecked Sendable {
    let table: String
    let columns: [String]
    private var cells: [Cell] = []
    private(set) var written = 0
    /// The batch being written (of any table) while the next one is built: one statement
    /// at a time on the connection, in order, and the building on the other core.
    private let pipeline: Pipeline

    final class Pipeline: @unchecked Sendable {
        var pending: Task<Void, any Error>?
        func wait() async throws {
            try await pending?.value
            pending = nil
        }
    }

    init(_ table: String, _ columns: [String], pipeline: Pipeline) {
        self.table = table
        self.columns = columns
        self.pipeline = pipeline
    }

    func add(_ row: [Cell], on db: any SQLDatabase) async throws {
        precondition(row.count == columns.count, "\(table): \(row.count) values for \(columns.count) columns")
        cells += row
        if cells.count >= 30_000 { try await flush(on: db) }
    }

    /// Starts writing the gathered rows; `finish` waits for the last batch.
    func flush(on db: any SQLDatabase) async throws {
        guard !cells.isEmpty else { return }
        let rows = cells.count / columns.count
        if let sqlite = db as? any SQLiteDatabase {
            let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let statement = "INSERT INTO \(table) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
                + Array(repeating: one, count: rows).joined(separator: ",")
            let binds = cells.map(\.sqlite)
            try await pipeline.wait()
            pipeline.pending = Task { _ = try await sqlite.query(statement, binds) }
        } else {
            var insert = db.insert(into: table).columns(columns)
            for n in 0..<rows { insert = insert.values(cells[n * columns.count..<(n + 1) * columns.count].map(\.expression)) }
            let ready = insert
            try await pipeline.wait()
            pipeline.pending = Task { try await ready.run() }
        }
        written += rows
        cells.removeAll(keepingCapacity: true)
    }

    func finish(on db: any SQLDatabase) async throws {
        try await flush(on: db)
        try await pipeline.wait()
    }
}

/// Used from one task at a time (a reference so a transaction's closure can carry it).
final class Generator: @unchecked Sendable {
    let app: Application
    let year: Int
    let today: LocalDate
    var random: SeededRandom
    let requestsPerWeek: Int
    /// Years of the station's history: requests, their ledger and complaints from 1 January
    /// of `year - years + 1` (the records of the village describe the current year).
    let years: Int
    let calendar: WorkCalendar
    /// Phone numbers are sealed as the product seals them (`PersonalData`).
    let keyring: Keyring

    init(app: Application, year: Int, today: LocalDate, seed: UInt64, requestsPerWeek: Int, keyring: Keyring, calendar: WorkCalendar, years: Int = 1) {
        self.years = years
        self.app = app
        self.year = year
        self.today = today
        self.random = SeededRandom(seed: seed)
        self.requestsPerWeek = requestsPerWeek
        self.calendar = calendar
        self.keyring = keyring
    }

    struct Totals { var districts = 0, townships = 0, records = 0, requests = 0, events = 0, rows = 0 }

    static let districts = ["朝阳区", "海淀区", "丰台区", "门头沟区", "房山区", "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区"]
    static let syllables = Array("东西南北前后上下大小新老高王李张刘陈杨赵黄周吴徐孙马朱胡林郭何罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let given = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉兰萍红建国志强海燕德福淑珍文玉梅春生长顺桂兰")

    /// Ids in the order they are made (UUID version 7: the run's start in milliseconds, then
    /// a counter, then random bits), so that each table's primary-key index (and the
    /// ledger's subject index) grows at its end instead of at random places: at Beijing's
    /// scale random ids spent a third of the writing in B-tree pages. The server's own ids
    /// are made the same way (`OrderedID`); both kinds are plain UUIDs to every reader.
    private var idCount: UInt64 = 0
    private lazy var idEpoch = UInt64(Date().timeIntervalSince1970 * 1000)

    func newID() -> UUID {
        let stamp = idEpoch + idCount >> 12, counter = idCount & 0xFFF
        idCount += 1
        return OrderedID.make(millisecond: stamp, counter: counter, random: random.next())
    }

    /// Names already given under each parent: unit names are unique within their parent.
    var used: [String: Set<String>] = [:]

    func name(_ count: Int = 2) -> String {
        String((0..<count).map { _ in random.pick(Self.syllables) })
    }

    /// A name not yet used under `parent` (two syllables, three when two run out).
    func uniqueName(under parent: String, suffix: String) -> String {
        var length = 2
        while true {
            for _ in 0..<20 {
                let candidate = name(length) + suffix
                if used[parent, default: []].insert(candidate).inserted { return candidate }
            }
            length += 1
        }
    }

    func person() -> String {
        String(random.pick(Self.surnames)) + String(random.pick(Self.given)) + (random.chance(0.6) ? String(random.pick(Self.given)) : "")
    }

    /// Households: skewed like Beijing's villages, most a few hundred, a few in the thousands.
    func households() -> Int {
        let normal = (0..<6).reduce(0.0) { sum, _ in sum + Double.random(in: -1...1, using: &random) } / 2
        return min(3000, max(80, Int((320 * exp(0.75 * normal)).rounded())))
    }

    func run(villages count: Int) async throws -> Totals {
        var totals = Totals()
        let sql = try Dialect.sql(app.db)
        let townshipCount = max(1, Int((Double(count) / 21.8).rounded()))
        let districtCount = min(Self.districts.count, max(1, townshipCount / 8))
        let progress = ConsoleProgress(T(.cliGenerating), total: count)
        // Accounts for the benchmark's pages, one password hash for all (bcrypt is slow on purpose).
        let password = Environment.get("CUNWU_DEMO_PASSWORD").flatMap { $0.isEmpty ? nil : $0 } ?? "bench-pass-2026"
        let hash = try await app.password.async.hash(password).get()
        var accounts: [(String, String, Role, OrgUnit?)] = [("bench.admin", "管理员", .admin, nil)]

        // The districts under the city (each with its own cycle, as districts may open one
        // when the city has not opened the year's).
        let city = OrgUnit(kind: .city, name: "北京市", code: "110000000000", parent: nil, openedOn: "2001-01-01")
        try await city.create(on: app.db)
        accounts.append(("bench.city", "市级干部", .cityOfficial, city))
        var made = 0
        let cycleSheets = BulkInsert("assessment_sheets", ["id", "cycle_id", "unit_id", "unit_path", "level", "state", "version", "snapshot_seq"],
                                     pipeline: BulkInsert.Pipeline())
        for d in 0..<districtCount {
            let code = 110_100 + (d + 5) * 1
            let district = OrgUnit(kind: .district, name: Self.districts[d], code: String(code) + "000000", parent: city, openedOn: "2001-01-01")
            try await district.create(on: app.db)
            totals.districts += 1
            if d == 0 { accounts.append(("bench.district", "区县干部", .districtOfficial, district)) }
            let cycle = AssessmentCycle()
            cycle.unitID = try district.requireID()
            cycle.unitPath = district.path
            cycle.name = "\(year)年度"
            cycle.year = year
            cycle.standard = Catalogue.defaultVersion
            cycle.asOf = LocalDate.lastDay(of: year).description
            cycle.submitBy = "\(year)-12-10"
            cycle.reviewBy = "\(year)-12-25"
            cycle.passMark = 80
            cycle.partialCredit = false
            cycle.createdBy = "bench.admin"
            try await cycle.create(on: app.db)
            let cycleID = try cycle.requireID()
            try await cycleSheets.add([Cell(newID()), Cell(cycleID), Cell(try district.requireID()), Cell(district.path), Cell("district"),
                                       Cell("draft"), Cell(1), Cell(0)], on: sql)
            let townshipsHere = townshipCount / districtCount + (d < townshipCount % districtCount ? 1 : 0)
            for t in 0..<townshipsHere {
                let left = count - made
                let townshipsLeft = townshipCount - totals.townships
                guard left > 0 else { break }
                let villagesHere = townshipsLeft <= 1 ? left : min(left, max(1, left / townshipsLeft))
                let township = OrgUnit(kind: .township, name: uniqueName(under: district.path, suffix: "镇"), code: String(code) + String(format: "%03d", 100 + t) + "000", parent: district)
                try await township.create(on: app.db)
                totals.townships += 1
                if d == 0 && t == 0 { accounts.append(("bench.township", "乡镇干部", .townshipOfficial, township)) }
                try await cycleSheets.add([Cell(newID()), Cell(cycleID), Cell(try township.requireID()), Cell(township.path), Cell("township"),
                                           Cell("draft"), Cell(1), Cell(0)], on: sql)
                let written = try await app.db.transaction { db in
                    try await self.township(township, villages: villagesHere, cycleID: cycleID, on: db, progress: progress)
                }
                if d == 0 && t == 0, let first = written.first { accounts.append(("bench.station", "服务站工作人员", .stationStaff, first)) }
                totals.records += written.0
                totals.requests += written.1
                totals.events += written.2
                totals.rows += written.3
                made += villagesHere
            }
        }
        try await cycleSheets.finish(on: sql)
        for (username, display, role, unit) in accounts {
            let user = User(username: username, displayName: display, passwordHash: hash)
            try await user.create(on: app.db)
            try await RoleAssignment(userID: try user.requireID(), role: role, unit: unit).create(on: app.db)
        }
        progress.finish()
        return totals
    }

    /// One township: its departments, then each village in full. Returns (records,
    /// requests, events, rows) written.
    func township(_ township: OrgUnit, villages count: Int, cycleID: UUID, on db: any Database, progress: ConsoleProgress) async throws
        -> (Int, Int, Int, Int, first: OrgUnit?) {
        let sql = try Dialect.sql(db)
        let pipeline = BulkInsert.Pipeline()
        var tables: [String: BulkInsert] = [:]
        let stamp = app.clock.now
        func bulk(_ kind: RecordKind) -> BulkInsert {
            if let existing = tables[kind.table] { return existing }
            let made = BulkInsert(kind.table, ["id", "unit_id", "unit_path", "created_at", "updated_at"] + kind.fields.map(\.column), pipeline: pipeline)
            tables[kind.table] = made
            return made
        }
        var records = 0
        func record(_ kind: RecordKind, _ unit: OrgUnit, _ values: [String: FieldValue?]) async throws -> String {
            let id = newID()
            let row: [Cell] = [Cell(id), Cell(try unit.requireID()), Cell(unit.path), Cell(stamp), Cell(stamp)]
                + kind.fields.map { field -> Cell in
                    switch values[field.key] ?? nil {
                    case let .text(t)?: return Cell(t)
                    case let .number(n)?: return Cell(n)
                    case let .flag(f)?: return Cell(f)
                    case nil: return .null
                    }
                }
            try await bulk(kind).add(row, on: sql)
            records += 1
            return id.uuidString
        }
        var departments: [String] = []
        for name in ["社会事务科", "社会保障所", "农业服务中心", "综合治理办公室", "社区服务中心"] {
            departments.append(try await record(.departments, township, ["name": .text(name), "category": .text(name.hasSuffix("科") || name.hasSuffix("室") ? "office" : name.hasSuffix("所") ? "station" : "centre")]))
        }
        let requestTable = BulkInsert("service_requests", ["id", "unit_id", "unit_path", "tracking_code", "service_id", "service_code", "service_name", "service_mode",
                                                           "time_limit", "post_id", "channel", "resident_name", "resident_phone", "resident_phone_hash", "content", "materials", "status",
                                                           "first_owner_name", "received_at", "received_on", "promised_on", "clock_start", "due_on", "completed_on",
                                                           "result", "extensions", "version", "history_count", "history_first", "history_status", "created_at", "updated_at"], pipeline: pipeline)
        let eventTable = BulkInsert("ledger_events", ["id", "unit_id", "unit_path", "seq", "subject_type", "subject_id", "action", "actor_id", "actor_name",
                                                      "occurred_at", "payload", "prev_hash", "hash"], pipeline: pipeline)
        let complaintTable = BulkInsert("complaints", ["id", "unit_id", "unit_path", "request_id", "complainant_name", "complainant_phone", "content",
                                                       "received_on", "status", "result", "resolved_on", "satisfaction", "version", "created_at"], pipeline: pipeline)
        let checkpointTable = BulkInsert("ledger_checkpoints", ["unit_id", "seq", "hash", "intact", "broken_seq", "verified_at"], pipeline: pipeline)
        let profileTable = BulkInsert("village_profiles", ["id", "unit_id", "households", "resident_population", "registered_population", "area", "address",
                                                           "station_floor_area", "opening_hours", "hotline"], pipeline: pipeline)
        let keyTable = BulkInsert("integration_keys", ["id", "unit_id", "kind", "secret", "hint", "created_by", "created_at"], pipeline: pipeline)
        let sheetTable = BulkInsert("assessment_sheets", ["id", "cycle_id", "unit_id", "unit_path", "level", "state", "version", "submitted_on", "snapshot_seq"], pipeline: pipeline)
        let evidenceTable = BulkInsert("evidence", ["id", "sheet_id", "check_id", "kind", "name", "note", "created_by", "created_at"], pipeline: pipeline)
        var requests = 0, events = 0
        var firstVillage: OrgUnit?
        let catalogue = app.config.catalogue
        let evidenced = catalogue.checks.filter { $0.kind == .evidenced && $0.level == .village }.map(\.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        for v in 0..<count {
            let village = OrgUnit(kind: .village, name: uniqueName(under: township.path, suffix: "村"), code: String((township.code ?? "000000000000").prefix(9)) + String(format: "%03d", 201 + v),
                                  parent: township)
            try await village.create(on: db)
            if v == 0 { firstVillage = village }
            let villageID = try village.requireID()
            // How well the village keeps its records: most well, some poorly.
            let diligence = min(1, max(0.05, 1 - pow(Double.random(in: 0..<1, using: &random), 2.2) * 0.9))
            let households = self.households()
            let population = Int(Double(households) * Double.random(in: 2.4...3.1, using: &random))
            let hours = diligence > 0.35 ? "周一至周五 08:30-12:00 13:30-17:30" : "周一至周五 09:00-12:00 13:30-16:30"
            try await profileTable.add([Cell(newID()), Cell(villageID), Cell(households), Cell(population), Cell(Int(Double(population) * 0.85)),
                                        Cell(Double.random(in: 1...12, using: &random)), Cell("\(township.name)\(village.name)村委会"),
                                        Cell(diligence > 0.25 ? Double(Int.random(in: 50...140, using: &random)) : Double(Int.random(in: 30...49, using: &random))),
                                        Cell(hours), Cell(random.chance(diligence) ? "010-6\(Int.random(in: 1_000_000...9_999_999, using: &random))" : "")], on: sql)
            let ended = today >= LocalDate.lastDay(of: year) ? 12 : (today.year == year ? today.month - 1 : 12)
            func day(_ month: Int, _ dayOfMonth: Int) -> String? {
                guard month <= max(ended, 1) else { return nil }
                return LocalDate(year: year, month: month, day: dayOfMonth)?.description
            }
            // Organizations
            for (kind, label) in [("partyOrganization", "党支部"), ("villageCommittee", "村民委员会"), ("serviceStation", "社区服务站"), ("supervisionCommittee", "村务监督委员会")]
            where kind == "partyOrganization" || random.chance(0.6 + diligence * 0.4) {
                _ = try await record(.organizations, village, ["kind": .text(kind), "name": .text(village.name + label), "establishedOn": .text("2010-01-01")])
            }
            // Meetings and disclosures by quarter
            for quarter in 0..<4 {
                let month = quarter * 3 + 2
                if let when = day(month, 10), random.chance(diligence) {
                    _ = try await record(.meetings, village, ["kind": .text("representativeMeeting"), "date": .text(when), "title": .text("第\(quarter + 1)季度村民代表会议"),
                                                              "attendance": .number(Int(20 + households / 40)), "majorDecisions": .text("审议本季度村务和财务收支")])
                }
                if let when = day(month + 1, 5), random.chance(diligence) {
                    _ = try await record(.meetings, village, ["kind": .text("jointMeeting"), "date": .text(when), "title": .text("党组织与村委会联席会议")])
                    for category in ["villageAffairs", "finance"] where random.chance(diligence) {
                        _ = try await record(.disclosures, village, ["category": .text(category), "title": .text("第\(quarter + 1)季度公开"), "publishedOn": .text(when),
                                                                     "channel": .text("board"), "content": .text("本季度村务和财务收支情况")])
                    }
                }
            }
            for month in [5, 11] where random.chance(diligence) {
                if let when = day(month, 20) { _ = try await record(.meetings, village, ["kind": .text("stationReport"), "date": .text(when), "title": .text("服务站工作汇报会")]) }
            }
            // Social organizations, resident units, contributions
            let orgTypes = ["youthLeague", "womensFederation", "volunteerAssociation", "farmersCooperative", "disabledPersonsFederation", "redCross"]
            for (n, type) in orgTypes.enumerated() where n < 2 || random.chance(diligence * 0.8) {
                _ = try await record(.socialOrganizations, village, ["name": .text(village.name + ["团支部", "妇联", "志愿者协会", "专业合作社", "残协", "红十字会"][n]),
                                                                    "type": .text(type), "status": .text(random.chance(0.7) ? "registered" : "filed"),
                                                                    "registeredOn": .text("2018-05-01"), "members": .number(Int.random(in: 8...60, using: &random)),
                                                                    "evaluatedOn": random.chance(diligence) ? .text(day(3, 15) ?? "\(year)-01-15") : nil])
            }
            var residentUnits: [String] = []
            for n in 0..<Int.random(in: 0...3, using: &random) {
                residentUnits.append(try await record(.residentUnits, village, ["name": .text(name(3) + "公司"), "unitType": .text("enterprise"),
                                                                               "agreements": .text(n % 2 == 0 ? "coBuilding" : "coBuilding,paired"),
                                                                               "agreementFrom": .text("\(year - 1)-01-01")]))
            }
            for unit in residentUnits where random.chance(diligence) {
                if let when = day(4, 18) { _ = try await record(.contributions, village, ["residentUnit": .text(unit), "date": .text(when), "kind": .text("funds"), "amount": .number(500_000)]) }
            }
            // Facilities, infrastructure
            for type in FacilityType.allCases where type != .other && random.chance(0.35 + diligence * 0.65) {
                _ = try await record(.facilities, village, ["type": .text(type.rawValue), "name": .text(Language.$current.withValue(.zh) { type.label }),
                                                            "condition": .text(random.chance(0.9) ? "good" : "needsRepair"),
                                                            "inspectedOn": .text(day(3, 1) ?? "\(year - 1)-12-01"),
                                                            "nextMaintenanceOn": .text(random.chance(diligence) ? "\(year + 1)-03-01" : "\(year)-02-01")])
            }
            for kind in InfrastructureKind.allCases where kind != .other && random.chance(0.8) {
                _ = try await record(.infrastructure, village, ["kind": .text(kind.rawValue), "name": .text(Language.$current.withValue(.zh) { kind.label }),
                                                                "status": .text(random.chance(diligence) ? "completed" : "inProgress"),
                                                                "upkeepArranged": .flag(random.chance(diligence))])
            }
            // Funds
            for kind in ["officeFunds", "publicWelfareSubsidy", "purchaseOfServices"] where random.chance(0.5 + diligence / 2) {
                let line = try await record(.budgetLines, village, ["kind": .text(kind), "title": .text("\(year)年" + kind), "planned": .number(5_000_000),
                                                                    "plannedOn": .text("\(year)-03-01")])
                if let when = day(3, random.chance(diligence) ? 20 : 28) {
                    _ = try await record(.disbursements, village, ["budgetLine": .text(line), "amount": .number(random.chance(diligence) ? 5_000_000 : 3_000_000),
                                                                   "date": .text(when)])
                }
            }
            // Activities, volunteers
            for (n, kind) in ["culture", "sports", "healthLecture", "publicity", "education", "farmerTraining", "festival"].enumerated() where random.chance(diligence) {
                for month in [2 + n % 3, 8 + n % 3] {
                    if let when = day(month, 12) { _ = try await record(.activities, village, ["kind": .text(kind), "date": .text(when), "title": .text(kind), "participants": .number(80)]) }
                }
            }
            var teams: [String] = []
            for n in 0..<(diligence > 0.5 ? 2 : 1) { teams.append(try await record(.volunteerTeams, village, ["name": .text(["红马甲巡逻队", "助老服务队"][n])])) }
            let volunteerCount = max(2, Int(Double(population) / 100 * Double.random(in: 0.5...1.6, using: &random) * diligence))
            var volunteers: [String] = []
            for _ in 0..<volunteerCount {
                volunteers.append(try await record(.volunteers, village, ["name": .text(person()), "team": .text(random.pick(teams)), "fiveElders": .flag(random.chance(0.1)),
                                                                          "trained": .flag(random.chance(diligence)), "registration96156": random.chance(diligence) ? .text("96156-\(Int.random(in: 100_000...999_999, using: &random))") : nil,
                                                                          "registeredOn": .text("\(year - 1)-06-01")]))
            }
            for quarter in 0..<4 where random.chance(diligence) {
                guard let when = day(quarter * 3 + 1, 25) else { continue }
                let activity = try await record(.volunteerActivities, village, ["date": .text(when), "title": .text("志愿服务"), "team": .text(random.pick(teams)),
                                                                                "categories": .text("mediation,securityPatrol,environment"), "targetGroups": .text("elderly,minors,lowIncome,specialCare"),
                                                                                "participants": .number(12)])
                for volunteer in volunteers.prefix(12) {
                    _ = try await record(.volunteerHours, village, ["activity": .text(activity), "volunteer": .text(volunteer), "hours": .number(Int.random(in: 100...400, using: &random))])
                }
            }
            // Workers, roles, trainings
            let staffNeeded = max(2, (households + 299) / 300)
            var workers: [String] = []
            let roles: [WorkerRole] = [.partyBuildingWorker, .committeeMember, .committeeMember, .committeeMember, .collegeGraduateOfficial, .collegeGraduateOfficial]
                + Array(repeating: .stationStaff, count: random.chance(diligence) ? staffNeeded : max(1, staffNeeded - 1))
            for role in roles {
                let worker = try await record(.workers, village, ["name": .text(person()), "qualification": .text(random.chance(0.15) ? "certified" : "none"),
                                                                  "payInPlace": .flag(random.chance(0.5 + diligence / 2)), "lastEvaluatedOn": .text("\(year)-01-20")])
                _ = try await record(.workerRoles, village, ["worker": .text(worker), "role": .text(role.rawValue), "from": .text("2021-03-01")])
                workers.append(worker)
            }
            for month in [3, 6, 9] where random.chance(diligence) {
                if let when = day(month, 15) {
                    _ = try await record(.trainings, village, ["date": .text(when), "topic": .text("社区工作实务培训"), "hours": .number(1600),
                                                               "organizer": .text("区民政局"), "attendees": .text(workers.joined(separator: ","))])
                }
            }
            if random.chance(diligence) { _ = try await record(.artTeams, village, ["name": .text("秧歌队"), "foundedOn": .text("2015-01-01")]) }
            // The station: posts, services, requests with their ledger
            var posts: [String] = []
            for (n, postName) in ["综合服务岗", "社会保障岗", "民政事务岗", "农技服务岗"].enumerated() {
                posts.append(try await record(.posts, village, ["name": .text(postName), "kind": .text("standing"), "department": .text(departments[n % departments.count]),
                                                                "holderA": .text(workers[(n * 2) % workers.count]), "holderB": .text(workers[(n * 2 + 1) % workers.count])]))
            }
            let catalogueOfServices: [(String, String, ServiceField, ServiceMode, Int)] = [
                ("JY-01", "就业失业登记", .employment, .timeLimited, 5), ("SB-01", "城乡居民养老保险参保登记", .socialSecurity, .timeLimited, 3),
                ("YL-01", "高龄老人津贴申领", .elderCare, .timeLimited, 5), ("WT-01", "文化室场地预约", .cultureSportsEducation, .onTheSpot, 0),
                ("JS-01", "生育登记", .populationFamilyPlanning, .timeLimited, 3), ("AQ-01", "安全隐患报告", .communitySafety, .timeLimited, 2),
                ("LD-01", "流动人口居住登记", .migrantManagement, .timeLimited, 3), ("NJ-01", "农业技术咨询预约", .agriculturalExtension, .promised, 0),
                ("FY-01", "动物防疫登记", .animalPlantDiseaseControl, .timeLimited, 3), ("ZJ-01", "农产品质量检测送样", .agriProductQuality, .timeLimited, 5),
                ("JJ-01", "居家养老服务预约", .homeCare, .promised, 0), ("DB-01", "代办新农合缴费", .agency, .onTheSpot, 0),
                ("JF-01", "代缴水电燃气费", .billPayment, .onTheSpot, 0), ("PS-01", "生活用品代购配送", .goodsDelivery, .promised, 0),
                ("NK-01", "农科专家咨询", .agriConsulting, .promised, 0),
            ]
            var services: [(id: String, code: String, name: String, mode: ServiceMode, limit: Int, post: String)] = []
            for (n, s) in catalogueOfServices.enumerated() where n < 8 || random.chance(diligence) {
                let post = posts[n % posts.count]
                let id = try await record(.services, village, ["code": .text(s.0), "name": .text(s.1), "field": .text(s.2.rawValue), "mode": .text(s.3.rawValue),
                                                               "timeLimit": .number(Int(s.4)), "post": .text(post), "published": .flag(random.chance(0.3 + diligence * 0.7)),
                                                               "guide": .text("携带身份证到服务站窗口办理。")])
                services.append((id, s.0, s.1, s.3, s.4, post))
            }
            if random.chance(0.4 + diligence * 0.6) {
                try await keyTable.add([Cell(newID()), Cell(villageID), Cell("hotline96156"), Cell("generated-\(UUID().uuidString)"), Cell("xxxx"),
                                        Cell("bench.admin"), Cell(stamp)], on: sql)
            }
            // Requests: ~requestsPerWeek a week from 1 January (`years` back) to today (or the year's end).
            let lastDay = min(today, LocalDate.lastDay(of: year))
            let first = LocalDate.firstDay(of: year - years + 1)
            var chain: [(at: Int64, subject: UUID, type: String, action: LedgerAction, actor: String, payload: [String: String])] = []
            var dayCursor = first
            var serial = 0
            let perDay = Double(requestsPerWeek) / 5
            while dayCursor <= lastDay {
                if calendar.kind(of: dayCursor) == .workday {
                    let todayCount = Int(perDay) + (random.chance(perDay - Double(Int(perDay))) ? 1 : 0)
                    for _ in 0..<todayCount {
                        serial += 1
                        let service = random.pick(services)
                        let id = newID()
                        let clerk = "服务站工作人员"
                        let receivedAt = Int64((Double(dayCursor.dayNumber) * 86_400 + 3600 + Double(serial % 28_800)) * 1000)
                        let promised = service.mode == .promised ? dayCursor.adding(days: 7) : nil
                        let due = RequestMachine.dueDate(mode: service.mode, timeLimit: service.limit, promisedOn: promised, start: dayCursor, calendar: calendar)
                        let late = !random.chance(0.75 + diligence * 0.25)
                        let doneOn = service.mode == .onTheSpot && !late ? dayCursor
                            : late ? calendar.adding(workingDays: 2, after: due) : calendar.adding(workingDays: max(0, service.limit / 2), after: dayCursor)
                        let completed = doneOn < today
                        let status = completed ? "completed" : "inProgress"
                        chain.append((receivedAt, id, "request", .accept, clerk, ["channel": "window", "dueOn": due.description, "firstOwner": clerk,
                                                                                   "service": service.code, "status": "accepted"]))
                        let doneAt = Int64((Double(doneOn.dayNumber) * 86_400 + 7 * 3600) * 1000) + Int64(serial)
                        if completed {
                            chain.append((max(doneAt, receivedAt + 1), id, "request", .complete, clerk, ["dueOn": due.description, "onTime": doneOn <= due ? "true" : "false",
                                                                                                          "result": "已办结", "status": "completed"]))
                        } else {
                            chain.append((receivedAt + 60_000, id, "request", .start, clerk, ["dueOn": due.description, "status": "inProgress"]))
                        }
                        let phone = "139\(String(format: "%08d", Int.random(in: 0...99_999_999, using: &random)))"
                        try await requestTable.add([
                            Cell(id), Cell(villageID), Cell(village.path), Cell("G" + String(villageID.uuidString.prefix(8)) + String(format: "%06d", serial)),
                            Cell(service.id), Cell(service.code), Cell(service.name), Cell(service.mode.rawValue), Cell(service.limit), Cell(service.post),
                            Cell("window"), Cell(person()), Cell(try keyring.seal(phone)), Cell(keyring.searchHash(phone: phone)),
                            Cell("申请办理" + service.name), Cell("身份证"), Cell(status), Cell(clerk),
                            Cell(Date(timeIntervalSince1970: Double(receivedAt) / 1000)), Cell(dayCursor.description), Cell(promised?.description), Cell(dayCursor.description),
                            Cell(due.description), Cell(completed ? doneOn.description : nil), Cell(completed ? "已办结" : nil), Cell(0), Cell(2),
                            Cell(2), Cell(LedgerAction.accept.rawValue), Cell(status), Cell(Date(timeIntervalSince1970: Double(receivedAt) / 1000)), Cell(Date(timeIntervalSince1970: Double(receivedAt) / 1000)),
                        ], on: sql)
                        requests += 1
                        // About one complaint in two hundred requests, resolved within a week.
                        if completed, random.chance(0.005) {
                            let complaint = newID()
                            try await complaintTable.add([Cell(complaint), Cell(villageID), Cell(village.path), Cell(id), Cell(person()),
                                                          Cell(try keyring.seal("13800000000")), Cell("办理等候时间较长"), Cell(doneOn.description), Cell("resolved"),
                                                          Cell("已说明情况"), Cell(doneOn.adding(days: 5).description), Cell("satisfied"), Cell(2),
                                                          Cell(Date(timeIntervalSince1970: Double(doneAt) / 1000))], on: sql)
                            chain.append((doneAt + 1000, complaint, "complaint", .complaint, clerk, ["status": "open"]))
                            chain.append((doneAt + 5 * 86_400_000, complaint, "complaint", .resolve, clerk, ["status": "resolved"]))
                        }
                    }
                }
                dayCursor = dayCursor.adding(days: 1)
            }
            // The village's chain, sealed in time order, and its checkpoint (as a nightly verification leaves it).
            chain.sort { $0.at < $1.at }
            var previous = LedgerChain.genesis
            var sequence = 0
            for event in chain {
                sequence += 1
                let entry = LedgerEntry(sequence: sequence, subjectType: event.type, subjectID: event.subject.uuidString, action: event.action.rawValue,
                                        actorID: "bench", actorName: event.actor, occurredAt: event.at,
                                        payload: String(decoding: try encoder.encode(event.payload), as: UTF8.self), previousHash: previous).sealed()
                try await eventTable.add([Cell(newID()), Cell(villageID), Cell(village.path), Cell(entry.sequence), Cell(entry.subjectType),
                                          Cell(entry.subjectID), Cell(entry.action), Cell(entry.actorID), Cell(entry.actorName), Cell(entry.occurredAt),
                                          Cell(entry.payload), Cell(entry.previousHash), Cell(entry.hash)], on: sql)
                previous = entry.hash
            }
            events += chain.count
            if sequence > 0 {
                try await checkpointTable.add([Cell(villageID), Cell(sequence), Cell(previous), Cell(true), .null, Cell(stamp)], on: sql)
            }
            // The village's sheet: most submitted with a note of evidence per evidenced check.
            let sheetID = newID()
            let submitted = random.chance(diligence)
            try await sheetTable.add([Cell(sheetID), Cell(cycleID), Cell(villageID), Cell(village.path), Cell("village"),
                                      Cell(submitted ? "submitted" : "draft"), Cell(1), Cell(submitted ? "\(year)-12-01" : nil), Cell(0)], on: sql)
            for check in evidenced where submitted || random.chance(diligence / 2) {
                try await evidenceTable.add([Cell(newID()), Cell(sheetID), Cell(check), Cell("note"), Cell("档案盒"), Cell("见村委会档案盒（\(check)）"),
                                             Cell("bench.station"), Cell(stamp)], on: sql)
            }
            progress.advance()
        }
        var rows = records + requests + events
        for table in tables.values { try await table.finish(on: sql) }
        for table in [requestTable, eventTable, complaintTable, checkpointTable, profileTable, keyTable, sheetTable, evidenceTable] {
            try await table.finish(on: sql)
            rows += table === requestTable || table === eventTable ? 0 : table.written
        }
        return (records, requests, events, rows, firstVillage)
    }
}
