import Fluent
import Ledger
import SQLKit
import StandardKit
import Vapor

/// The service station's part of the engine's facts (items 25–30, 37, 39, 51): posts,
/// the service catalogue, the year's request ledger figures, complaints, channels and
/// the 96156 link. Loaded once for every village below a unit.
struct StationFacts: Sendable {
    var year: Int
    var asOf: LocalDate
    /// The year's request figures per village, from one aggregate over the requests.
    var requests: [UUID: VillageFacts.ServiceRequestSummary]
    var complaints: [UUID: [VillageFacts.Complaint]]
    /// Whether each station's ledger chain holds (checkpoint plus the events since).
    var intact: [UUID: Bool]
    var linked96156: Set<UUID>

    /// A request taken in remotely may wait this many days for a staff member to take it
    /// on before the ledger counts it as having no first-inquiry owner.
    static let acceptanceGraceDays = 3

    static func load(under unit: OrgUnit, year: Int, asOf: LocalDate, on db: any Database) async throws -> StationFacts {
        let first = LocalDate.firstDay(of: year).description, last = min(asOf, LocalDate.lastDay(of: year)).description
        let today = asOf.description, grace = asOf.adding(days: -Self.acceptanceGraceDays).description
        if unit.kind == .village { return try await load(village: unit.requireID(), year: year, asOf: asOf, from: first, to: last, grace: grace, on: db) }
        let sql = try Dialect.sql(db)
        var requests: [UUID: VillageFacts.ServiceRequestSummary] = [:]
        // Grouped in SQLite by the units' path, the order the rows come in: half the time of
        // grouping through a temporary B-tree (0.19 s against 0.41 s for a district of 320,000 requests).
        let counts = try Frequent.query(figureColumns(sqlite: Dialect.isSQLite(sql), grace: "$1", today: "$2"), [.text(grace), .text(today)])
        for row in try await sql.raw("""
            SELECT u.id AS unit_id, \(counts)
            FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) service_requests r ON r.unit_id = u.id AND r.received_on >= \(bind: first) AND r.received_on <= \(bind: last)
            WHERE \(Dialect.pathBelow(sql, unit.path)) AND u.kind = 'village'
            GROUP BY \(unsafeRaw: Dialect.isSQLite(sql) ? "u.path" : "u.id")
            """).all() {
            requests[try row.decode(column: "unit_id", as: UUID.self)] = try summary(row)
        }
        // From the units, as the requests: a `LIKE` on the complaints' own path scanned them all
        // (8 ms for one village at Beijing scale).
        var complaints: [UUID: [VillageFacts.Complaint]] = [:]
        for row in try await sql.raw("""
            SELECT c.unit_id, c.received_on, c.resolved_on FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) complaints c ON c.unit_id = u.id
            WHERE \(Dialect.pathBelow(sql, unit.path)) AND c.received_on >= \(bind: first) AND c.received_on <= \(bind: last)
            """).all() {
            guard let complaint = try complaint(row) else { continue }
            complaints[try row.decode(column: "unit_id", as: UUID.self), default: []].append(complaint)
        }
        let keys = try await sql.raw("""
            SELECT k.unit_id FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) integration_keys k ON k.unit_id = u.id
            WHERE \(Dialect.pathBelow(sql, unit.path)) AND k.kind = \(bind: IntegrationKind.hotline96156.rawValue) AND k.revoked_at IS NULL
            """).all()
        let intact = try await LedgerStore.intact(under: unit.path, on: db)
        return StationFacts(year: year, asOf: asOf, requests: requests, complaints: complaints,
                            intact: intact,
                            linked96156: Set(try keys.map { try $0.decode(column: "unit_id", as: UUID.self) }))
    }

    /// The same for one village, by its id in statements prepared on PostgreSQL (`Frequent`):
    /// every evaluation after a change reads one village, and planning the unit's statements
    /// (a path match joined to each table) cost PostgreSQL 2.6 ms an evaluation, more than
    /// running them.
    private static func load(village: UUID, year: Int, asOf: LocalDate, from first: String, to last: String, grace: String,
                             on db: any Database) async throws -> StationFacts {
        let figures = try await Frequent.rows(VillageFigures.self, [.uuid(village), .text(first), .text(last), .text(grace), .text(asOf.description),
                                                                    .text(IntegrationKind.hotline96156.rawValue)], on: db).first
        let complaints = try await Frequent.rows(VillageComplaints.self, [.uuid(village), .text(first), .text(last)], on: db).compactMap(complaint)
        let tail = try await LedgerStore.tail(of: village, on: db)
        let keys = try figures?.decode(column: "keys", as: Int.self) ?? 0
        return StationFacts(year: year, asOf: asOf, requests: try figures.map { [village: try summary($0)] } ?? [:],
                            complaints: [village: complaints], intact: [village: tail.intact], linked96156: keys > 0 ? [village] : [])
    }

    /// The year's request figures over the requests `r`, `grace` and `today` the places of
    /// the last day a remote request may wait unowned and of the as-of date. A request has its
    /// full history when the ledger holds one event per change of the request (its version),
    /// starting with the intake and ending in its stored status. SQLite counts as sums of truth
    /// values (0 or 1), half the time of CASE sums (`Dialect.count`).
    static func figureColumns(sqlite: Bool, grace: String, today: String) -> String {
        func count(_ condition: String) -> String { Dialect.count(sqlite: sqlite, where: condition) }
        return """
            COUNT(*) AS received,
            \(count("r.first_owner_name IS NOT NULL OR (r.status = 'received' AND r.received_on >= \(grace))")) AS owned,
            \(count("r.due_on <= \(today) AND r.status <> 'refused'")) AS due,
            \(count("r.due_on <= \(today) AND r.status <> 'refused' AND r.completed_on <= r.due_on AND r.completed_on <= \(today)")) AS on_time,
            \(count("r.history_count = r.version AND r.history_first IN ('submit', 'accept') AND r.history_status = r.status")) AS full_history
            """
    }

    /// One village's figures (`figureColumns`), `$1` its id, `$2` and `$3` the first and last
    /// day, and how many live 96156 keys (`$6`) its station has.
    enum VillageFigures: FrequentStatement {
        static let sql = """
            SELECT \(StationFacts.figureColumns(sqlite: false, grace: "$4", today: "$5")),
              (SELECT COUNT(*) FROM integration_keys k WHERE k.unit_id = $1 AND k.kind = $6 AND k.revoked_at IS NULL) AS keys
            FROM service_requests r WHERE r.unit_id = $1 AND r.received_on >= $2 AND r.received_on <= $3
            """
    }

    /// One village's complaints received between `$2` and `$3`.
    enum VillageComplaints: FrequentStatement {
        static let sql = "SELECT received_on, resolved_on FROM complaints WHERE unit_id = $1 AND received_on >= $2 AND received_on <= $3"
    }

    private static func summary(_ row: any SQLRow) throws -> VillageFacts.ServiceRequestSummary {
        var summary = VillageFacts.ServiceRequestSummary()
        summary.received = try row.decode(column: "received", as: Int.self)
        summary.withFirstInquiryOwner = try row.decode(column: "owned", as: Int?.self) ?? 0
        summary.dueByAsOf = try row.decode(column: "due", as: Int?.self) ?? 0
        summary.completedOnTime = try row.decode(column: "on_time", as: Int?.self) ?? 0
        summary.withFullHistory = try row.decode(column: "full_history", as: Int?.self) ?? 0
        return summary
    }

    private static func complaint(_ row: any SQLRow) throws -> VillageFacts.Complaint? {
        guard let received = LocalDate(try row.decode(column: "received_on", as: String.self)) else { return nil }
        return .init(receivedOn: received, resolvedOn: try row.decode(column: "resolved_on", as: String?.self).flatMap(LocalDate.init))
    }

    /// The station's figures for one village (its posts and services are fed by their kinds).
    func apply(to facts: inout VillageFacts, village: UUID) {
        facts.station.linkedTo96156 = linked96156.contains(village)

        var summary = requests[village] ?? VillageFacts.ServiceRequestSummary()
        summary.ledgerIntact = intact[village] ?? true
        facts.serviceRequests = summary
        facts.complaints = complaints[village] ?? []
    }
}
