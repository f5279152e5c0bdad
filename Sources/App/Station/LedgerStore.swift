import Fluent
import StationKit
import Foundation
import Ledger
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import SQLiteNIO
import SQLKit
import Vapor

/// Who did something at the station: a signed-in user, or a channel acting for a resident.
struct Actor: Sendable {
    var id: String
    var name: String

    static func user(_ principal: Principal) -> Actor { Actor(id: principal.userID.uuidString, name: principal.displayName) }

    // A channel's name is recorded in Chinese whatever the language of the request that
    // brought it: an event is hashed as written and is the same record for every reader.
    // Pages and the API show it in the reader's language (`shown`).
    static let publicForm = Actor(id: "public", name: recorded(.actorPublicForm))
    static let hotline96156 = Actor(id: "96156", name: recorded(.actorHotline96156))
    static func open311(_ client: String) -> Actor {
        Actor(id: "open311", name: client.isEmpty ? recorded(.actorOpen311) : recorded(.actorOpen311Client, client))
    }

    private static func recorded(_ key: L, _ arguments: String...) -> String {
        Language.$current.withValue(.zh) { T(key, arguments) }
    }

    /// A recorded actor's name in the current language: a channel's from the catalogue (an
    /// Open311 client's own name kept), a person's as recorded.
    static func shown(id: String, recorded name: String) -> String {
        switch id {
        case publicForm.id: return T(.actorPublicForm)
        case hotline96156.id: return T(.actorHotline96156)
        case "open311":
            // The recorded text around the client's name, as `open311` wrote it.
            let around = recorded(.actorOpen311Client, "\u{0}").split(separator: "\u{0}", omittingEmptySubsequences: false)
            guard around.count == 2, name.count > around[0].count + around[1].count,
                  name.hasPrefix(around[0]), name.hasSuffix(around[1]) else { return T(.actorOpen311) }
            return T(.actorOpen311Client, String(name.dropFirst(around[0].count).dropLast(around[1].count)))
        default: return name
        }
    }
}

/// One stored ledger event as pages and exports show it.
struct LedgerRow: Sendable {
    var entry: LedgerEntry
    var unitID: UUID
    var subjectType: String { entry.subjectType }
    var occurredAt: Date { Date(timeIntervalSince1970: Double(entry.occurredAt) / 1000) }
    var payload: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(entry.payload.utf8))) ?? [:]
    }
}

/// One write transaction at a time, in order of arrival (for SQLite).
actor WriteGate {
    static let sqlite = WriteGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// The station's ledger in the database: appending inside the caller's transaction, and
/// reading and verifying each village's chain.
enum LedgerStore {
    /// One event to append: what happened to which subject at which station.
    struct NewEvent: Sendable {
        var station: OrgUnit
        var subjectType: String
        var subjectID: UUID
        var action: LedgerAction
        var actor: Actor
        var at: Date
        var payload: [String: String]
    }

    /// Appends one event to the village's chain (and drops the village's kept summary,
    /// `Snapshots`). Two writers racing for the same sequence
    /// number collide on the unique (unit_id, seq) index; the caller's transaction is then
    /// retried (see `retrying`).
    static func append(on db: any Database, station: OrgUnit, subjectType: String, subjectID: UUID, action: LedgerAction,
                       actor: Actor, at date: Date, payload: [String: String]) async throws {
        try await append([NewEvent(station: station, subjectType: subjectType, subjectID: subjectID, action: action, actor: actor, at: date, payload: payload)],
                         on: db)
    }

    /// The end of a station's chain: its last sequence number and hash.
    typealias ChainEnd = (seq: Int, hash: String)

    /// Appends events in order, to one station's chain or several, in a fixed number of
    /// statements whatever their number: the chains' ends in one read, the events in one
    /// insert, the requests' rollups in one update per (action, status), the kept summaries
    /// in one update. Group commit (`IntakeQueue`) writes many intakes this way.
    ///
    /// `known` are chain ends the caller remembers from its last append: those stations are
    /// not read. A remembered end that is no longer the end (another writer appended since)
    /// makes the insert collide on the unique (unit_id, seq) index, and the caller retries
    /// without them. `rollups: false` is for new requests whose rows already carry their
    /// first event's rollups. Returns every touched chain's new end.
    @discardableResult
    static func append(_ events: [NewEvent], on db: any Database, known: [UUID: ChainEnd] = [:], rollups writeRollups: Bool = true) async throws -> [UUID: ChainEnd] {
        guard !events.isEmpty else { return [:] }
        let sql = try Dialect.sql(db)
        var stations: [UUID: OrgUnit] = [:]
        for event in events { stations[try event.station.requireID()] = event.station }
        if !Dialect.isSQLite(sql) {
            // Servers sharing one PostgreSQL append to the same chains: each transaction
            // first takes its stations' locks (in one order, so two batches cannot deadlock),
            // held to commit. A remembered end made stale by another server still collides
            // once; the retry then reads the end under the lock and cannot collide again.
            // (SQLite has one writer at a time already.)
            let keys = stations.keys.map(Self.lockKey).sorted()
            try await sql.raw("SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(\(bind: keys)::bigint[]) AS k ORDER BY k) AS locks").run()
        }
        var ends: [UUID: ChainEnd] = known.filter { stations[$0.key] != nil }
        let unknown = stations.keys.filter { ends[$0] == nil }
        // Each chain's end from the units (one index probe each for the highest number, one
        // for its event). Driven from the events instead, SQLite walked a station's every
        // event: 2 ms a station at 2,200 events.
        if !unknown.isEmpty { ends.merge(try await chainEnds(of: Array(unknown), on: sql)) { $1 } }
        let insert = try sealed(events, after: &ends, into: sql)
        // Rollup updates in event order, one per run of events with the same action and
        // status on distinct requests (a request's second event starts a new run).
        var rollups: [(action: String, status: String?, ids: Set<UUID>)] = []
        for event in events where event.subjectType == "request" && writeRollups {
            if let last = rollups.last, last.action == event.action.rawValue, last.status == event.payload["status"], !last.ids.contains(event.subjectID) {
                rollups[rollups.count - 1].ids.insert(event.subjectID)
            } else {
                rollups.append((event.action.rawValue, event.payload["status"], [event.subjectID]))
            }
        }
        try await insert.run()
        // The request's own count of its events, first action and last status: item 27.3
        // compares them with the request in one pass over a district's requests.
        for run in rollups {
            try await sql.raw("""
                UPDATE service_requests SET history_count = history_count + 1, history_first = COALESCE(history_first, \(bind: run.action)),
                history_status = \(bind: run.status) WHERE id IN (\(binds: Array(run.ids)))
                """).run()
        }
        // Requests and complaints feed the village's results (items 25, 27, 28).
        try await Snapshots.invalidate(paths: stations.values.map(\.path), on: db)
        return ends
    }

    /// The insert of `events`, each sealed onto its station's chain: `ends` holds each
    /// station's end before and is moved on to its end after. Built, not run.
    static func sealed(_ events: [NewEvent], after ends: inout [UUID: ChainEnd], into sql: any SQLDatabase) throws -> SQLInsertBuilder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var insert = sql.insert(into: "ledger_events")
            .columns("id", "unit_id", "unit_path", "seq", "subject_type", "subject_id", "action", "actor_id", "actor_name", "occurred_at", "payload", "prev_hash", "hash")
        for event in events {
            let stationID = try event.station.requireID()
            let end = ends[stationID] ?? (0, LedgerChain.genesis)
            let entry = LedgerEntry(sequence: end.seq + 1, subjectType: event.subjectType, subjectID: event.subjectID.uuidString, action: event.action.rawValue,
                                    actorID: event.actor.id, actorName: event.actor.name, occurredAt: Int64((event.at.timeIntervalSince1970 * 1000).rounded()),
                                    payload: String(decoding: try encoder.encode(Self.masked(event.payload)), as: UTF8.self), previousHash: end.hash).sealed()
            ends[stationID] = (entry.sequence, entry.hash)
            insert = insert.values(SQLBind(OrderedID.make(at: event.at)), SQLBind(stationID), SQLBind(event.station.path), SQLBind(entry.sequence), SQLBind(entry.subjectType),
                                   SQLBind(entry.subjectID), SQLBind(entry.action), SQLBind(entry.actorID), SQLBind(entry.actorName), SQLBind(entry.occurredAt),
                                   SQLBind(entry.payload), SQLBind(entry.previousHash), SQLBind(entry.hash))
        }
        return insert
    }

    /// An event's details as the ledger keeps them: identity and phone numbers in any
    /// text masked (a reason or result may quote them; the ledger is kept for years and
    /// read by supervisors who have no right to them).
    static func masked(_ payload: [String: String]) -> [String: String] {
        payload.mapValues { PersonalText.masked($0) }
    }

    /// The ends of the chains of `units` as stored (of every village when nil, up to
    /// `limit`): from each unit, one index probe for its highest number and one for that event.
    static func chainEnds(of units: [UUID]?, limit: Int = 100_000, on sql: any SQLDatabase) async throws -> [UUID: ChainEnd] {
        var ends: [UUID: ChainEnd] = [:]
        let which: SQLQueryString = units.map { "u.id IN (\(binds: $0))" } ?? "u.kind = 'village'"
        for row in try await sql.raw("""
            SELECT e.unit_id, e.seq, e.hash FROM units u
            JOIN ledger_events e ON e.unit_id = u.id AND e.seq = (SELECT MAX(m.seq) FROM ledger_events m WHERE m.unit_id = u.id)
            WHERE \(which) LIMIT \(literal: limit)
            """).all() {
            ends[try row.decode(column: "unit_id", as: UUID.self)] = (try row.decode(column: "seq", as: Int.self), try row.decode(column: "hash", as: String.self))
        }
        return ends
    }

    static func status(inPayload payload: String) -> String? {
        (try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8)))?["status"]
    }

    /// Whether a failed transaction is worth running again: a conflict (SQLite busy or
    /// locked, a PostgreSQL serialization failure, a lost connection) or a collision on a
    /// chain's sequence number. Any other constraint failure (a 96156 ticket stored twice)
    /// fails the same way every time: retried, it held the intake queue up for 0.2–0.4 s.
    static func retryable(_ error: any Error) -> Bool {
        // A database that is not there is no conflict: trying again at once only holds the
        // request (up to a pool timeout each time) before its 503.
        if DatabaseOutage.matches(error) { return false }
        guard let failure = error as? any DatabaseError, failure.isConstraintFailure else { return true }
        if let sqlite = error as? SQLiteError { return sqlite.message.contains("ledger_events.seq") }
        if let postgres = error as? PSQLError { return postgres.serverInfo?[.constraintName]?.contains("ledger_events") ?? false }
        return false
    }

    /// A station's advisory lock key: the first 8 bytes of its id.
    static func lockKey(_ station: UUID) -> Int64 {
        let u = station.uuid
        return [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7].reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// Runs `body` in a transaction, again (up to 8 times) when it fails on a database
    /// conflict: a sequence number taken by another writer, or SQLite's busy snapshot.
    /// Application errors (validation, stale versions) are not retried.

    static func retrying<T: Sendable>(_ db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        var attempt = 0
        // SQLite has one writer at a time: waiting our turn here costs nothing, while two
        // connections racing for its lock cost the loser a busy wait or a retry.
        let gate = Dialect.serializesWrites(db) ? WriteGate.sqlite : nil
        while true {
            do {
                await gate?.acquire()
                defer { if let gate { Task { await gate.release() } } }
                return try await db.transaction { try await body($0) }
            } catch let error as AppError {
                throw error
            } catch {
                attempt += 1
                guard attempt < 8, retryable(error) else { throw error }
                try await Task.sleep(nanoseconds: UInt64(attempt) * 5_000_000 + UInt64.random(in: 0...5_000_000))
            }
        }
    }

    static func decode(_ row: any SQLRow) throws -> LedgerEntry {
        LedgerEntry(sequence: try row.decode(column: "seq", as: Int.self), subjectType: try row.decode(column: "subject_type", as: String.self),
                    subjectID: try row.decode(column: "subject_id", as: String.self), action: try row.decode(column: "action", as: String.self),
                    actorID: try row.decode(column: "actor_id", as: String.self), actorName: try row.decode(column: "actor_name", as: String.self),
                    occurredAt: try row.decode(column: "occurred_at", as: Int64.self), payload: try row.decode(column: "payload", as: String.self),
                    previousHash: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }

    /// A village's whole chain in order.
    static func chain(_ station: UUID, on db: any Database) async throws -> [LedgerEntry] {
        try await Dialect.sql(db).select().column("*").from("ledger_events").where("unit_id", .equal, SQLBind(station))
            .orderBy("seq").all().map(decode)
    }

    /// A station's events from sequence number `sequence` on, in order.
    static func events(of station: UUID, from sequence: Int, on db: any Database) async throws -> [LedgerEntry] {
        try await Dialect.sql(db).select().column("*").from("ledger_events").where("unit_id", .equal, SQLBind(station))
            .where("seq", .greaterThanOrEqual, SQLBind(sequence)).orderBy("seq").all().map(decode)
    }

    /// The events of the stations below `path` in [from, to) (milliseconds), of one kind of
    /// subject if given, in chain order: what the exports carry. (Pages read `eventsPage`.)
    /// Each station's events are reached by the (unit_id, occurred_at) index.
    static func events(under path: String, from: Int64, to: Int64, subjectType: String? = nil, on db: any Database) async throws -> [LedgerRow] {
        let sql = try Dialect.sql(db)
        return try await sql.raw("""
            SELECT e.* FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) ledger_events e
              ON e.unit_id = u.id AND e.occurred_at >= \(bind: from) AND e.occurred_at < \(bind: to)
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village' AND (\(bind: subjectType ?? "") = '' OR e.subject_type = \(bind: subjectType ?? ""))
            ORDER BY e.unit_id, e.seq
            """).all().map { LedgerRow(entry: try decode($0), unitID: try $0.decode(column: "unit_id", as: UUID.self)) }
    }

    /// One page of `events` newest first, after the event whose key is `after` (occurred at,
    /// station, sequence): keyset paging, so a page deep in a district's year costs what the
    /// first does (an OFFSET reads and drops every row before it).
    static func eventsPage(under path: String, from: Int64, to: Int64, subjectType: String? = nil, after: (at: Int64, unit: UUID, seq: Int)?,
                           limit: Int, on db: any Database) async throws -> [LedgerRow] {
        let sql = try Dialect.sql(db)
        var keyset: SQLQueryString = ""
        if let a = after {
            keyset = " AND (e.occurred_at < \(bind: a.at) OR (e.occurred_at = \(bind: a.at) AND (e.unit_id > \(bind: a.unit) OR (e.unit_id = \(bind: a.unit) AND e.seq < \(bind: a.seq)))))"
        }
        let query: SQLQueryString = """
            SELECT e.* FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) ledger_events e
              ON e.unit_id = u.id AND e.occurred_at >= \(bind: from) AND e.occurred_at < \(bind: to)
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village' AND (\(bind: subjectType ?? "") = '' OR e.subject_type = \(bind: subjectType ?? ""))
            """
        return try await sql.raw(query + keyset + " ORDER BY e.occurred_at DESC, e.unit_id, e.seq DESC LIMIT \(unsafeRaw: String(limit))").all()
            .map { LedgerRow(entry: try decode($0), unitID: try $0.decode(column: "unit_id", as: UUID.self)) }
    }

    /// How many events `events` would list without paging.
    static func eventCount(under path: String, from: Int64, to: Int64, subjectType: String? = nil, on db: any Database) async throws -> Int {
        let sql = try Dialect.sql(db)
        return try await sql.raw("""
            SELECT COUNT(*) AS n FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) ledger_events e
              ON e.unit_id = u.id AND e.occurred_at >= \(bind: from) AND e.occurred_at < \(bind: to)
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village' AND (\(bind: subjectType ?? "") = '' OR e.subject_type = \(bind: subjectType ?? ""))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The events of one request or complaint, in order.
    static func history(of subject: UUID, on db: any Database) async throws -> [LedgerRow] {
        try await Dialect.sql(db).select().column("*").from("ledger_events").where("subject_id", .equal, SQLBind(subject.uuidString))
            .orderBy("seq").all().map { LedgerRow(entry: try decode($0), unitID: try $0.decode(column: "unit_id", as: UUID.self)) }
    }

    /// Each village's chain below `unit` checked in full: intact, or the first event that is
    /// not; and against the points it was seen at (its checkpoint, and the anchor log's
    /// latest head when `anchors` is given), so a chain that lost its newest events or was
    /// rewritten and hashed anew is found too. Each result is kept as the station's
    /// checkpoint (`ledger_checkpoints`), from which evaluations verify only the events added since.
    static func verify(under unit: OrgUnit, anchors: AnchorLog?, on db: any Database, at now: Date,
                       progress: JobProgress? = nil) async throws -> [(village: OrgUnit, result: LedgerChain.Verification)] {
        let villages = unit.kind == .village ? [unit]
            : try await Dialect.below(OrgUnit.query(on: db), \.$path, unit.path).filter(\.$kind == .village).sort(\.$name).all()
        await progress?.phase(.jobPhaseVerifying, total: villages.count)
        let checkpoints = try await checkpoints(under: unit.path, on: db)
        var out: [(OrgUnit, LedgerChain.Verification)] = []
        for village in villages {
            try await progress?.advance()
            // Background work (the recomputation job) gives way here, between two stations'
            // reads; never inside a transaction, where a pause would hold its locks.
            try await Pacer.pause()
            let id = try village.requireID()
            out.append((village, try await verifyChain(id, checkpoint: checkpoints[id], anchor: anchors?.latest[id.uuidString], at: now, on: db)))
        }
        return out
    }

    /// One station's chain verified in full and against its checkpoint and anchor; the
    /// result becomes its checkpoint. A chain found short or rewritten keeps the point it was
    /// seen at as its checkpoint, marked broken, so the finding is not forgotten.
    static func verifyChain(_ village: UUID, checkpoint: Checkpoint?, anchor: AnchorLog.Anchor?, at now: Date, on db: any Database) async throws -> LedgerChain.Verification {
        let chain = try await chain(village, on: db)
        var points: [(sequence: Int, hash: String, source: LedgerChain.AnchorSource)] = []
        if let checkpoint { points.append((checkpoint.seq, checkpoint.hash, .checkpoint)) }
        if let anchor { points.append((anchor.sequence, anchor.hash, .anchorLog)) }
        let result = LedgerChain.verify(chain, reached: points)
        // A chain found short or rewritten keeps the point it was seen at, broken; else its last event.
        let point = result.end.map { (sequence: $0.expectedSequence, hash: $0.expectedHash, intact: false) }
            ?? chain.last.map { (sequence: $0.sequence, hash: $0.hash, intact: result.intact) }
        guard let point else { return result }
        // The verdict feeds item 27.3: one that changes drops the village's kept summary in
        // the same transaction, as every write that can change its results does (`Snapshots`).
        let changes = point.intact != (checkpoint?.intact ?? true) || result.firstBroken?.sequence != checkpoint?.brokenSeq
        try await db.transaction { db in
            try await writeCheckpoint(village: village, sequence: point.sequence, hash: point.hash, intact: point.intact,
                                      broken: result.firstBroken?.sequence, verifiedAt: now, on: db)
            if changes { try await Dialect.sql(db).raw(Snapshots.invalidation(villages: [village])).run() }
        }
        return result
    }

    /// A station's kept verification point.
    struct Checkpoint: Sendable {
        var seq: Int
        var hash: String
        var intact: Bool
        var brokenSeq: Int?
        /// The hash of the station's event at `seq` as stored now (nil: there is none).
        var foundHash: String?

        init(row: any SQLRow) throws {
            seq = try row.decode(column: "seq", as: Int.self)
            hash = try row.decode(column: "hash", as: String.self)
            intact = try row.decode(column: "intact", as: Bool.self)
            brokenSeq = try row.decode(column: "broken_seq", as: Int?.self)
            foundHash = try row.decode(column: "found_hash", as: String?.self)
        }
    }

    /// The checkpoints of the stations below `path`, each with the event now at its point.
    static func checkpoints(under path: String, on db: any Database) async throws -> [UUID: Checkpoint] {
        let sql = try Dialect.sql(db)
        var out: [UUID: Checkpoint] = [:]
        for row in try await sql.raw("""
            SELECT c.unit_id, c.seq, c.hash, c.intact, c.broken_seq, e.hash AS found_hash FROM ledger_checkpoints c JOIN units u ON u.id = c.unit_id
            LEFT JOIN ledger_events e ON e.unit_id = c.unit_id AND e.seq = c.seq
            WHERE \(Dialect.pathBelow(sql, path))
            """).all() {
            out[try row.decode(column: "unit_id", as: UUID.self)] = try Checkpoint(row: row)
        }
        return out
    }

    /// Replaces a station's checkpoint (inside the caller's transaction).
    private static func writeCheckpoint(village: UUID, sequence: Int, hash: String, intact: Bool, broken: Int?, verifiedAt now: Date, on db: any Database) async throws {
        let sql = try Dialect.sql(db)
        try await sql.delete(from: "ledger_checkpoints").where("unit_id", .equal, SQLBind(village)).run()
        try await sql.insert(into: "ledger_checkpoints").columns("unit_id", "seq", "hash", "intact", "broken_seq", "verified_at")
            .values(SQLBind(village), SQLBind(sequence), SQLBind(hash), SQLBind(intact), SQLBind(broken), SQLBind(now)).run()
    }

    /// A station's checkpoint and the events since, verified from it.
    struct Tail {
        var checkpoint: Checkpoint?
        var events: [LedgerEntry]
        var verification: LedgerChain.Verification
        /// The checkpoint's verdict and the tail's together.
        var intact: Bool { (checkpoint?.intact ?? true) && verification.intact }

        /// `events` (those after `checkpoint`) verified from it.
        init(checkpoint: Checkpoint?, verifying events: [LedgerEntry]) {
            var verification = LedgerChain.verify(events, after: checkpoint?.seq ?? 0, previousHash: checkpoint?.hash ?? LedgerChain.genesis)
            // The checkpoint's own event must still be there as it was: a chain cut back below
            // it (its newest events removed) has no events after it and would otherwise pass.
            if let checkpoint, checkpoint.foundHash != checkpoint.hash {
                verification.firstBroken = checkpoint.foundHash == nil ? (checkpoint.seq, .truncated) : (checkpoint.seq, .rewritten)
            }
            (self.checkpoint, self.events, self.verification) = (checkpoint, events, verification)
        }
    }

    /// Each station below `path` with its checkpoint and the events since, verified from it
    /// (every event where there is no checkpoint).
    static func tails(under path: String, on db: any Database) async throws -> [UUID: Tail] {
        let sql = try Dialect.sql(db)
        let checkpoints = try await checkpoints(under: path, on: db)
        var events: [UUID: [LedgerEntry]] = [:]
        // From each station to the events after its checkpoint, by the (unit_id, seq) index.
        // PostgreSQL cannot estimate "after the checkpoint" and chose to scan every event of
        // the city (1.2 s a district); a lateral subquery behind OFFSET 0 (which it does not
        // flatten) keeps it to each station's index range (25 ms).
        let tails: SQLQueryString = Dialect.isSQLite(sql) ? """
            SELECT e.* FROM units u LEFT JOIN ledger_checkpoints c ON c.unit_id = u.id
            CROSS JOIN ledger_events e ON e.unit_id = u.id AND e.seq > COALESCE(c.seq, 0)
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village' ORDER BY e.unit_id, e.seq
            """ : """
            SELECT e.* FROM units u LEFT JOIN ledger_checkpoints c ON c.unit_id = u.id
            CROSS JOIN LATERAL (SELECT * FROM ledger_events x WHERE x.unit_id = u.id AND x.seq > COALESCE(c.seq, 0) OFFSET 0) e
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village' ORDER BY e.unit_id, e.seq
            """
        for row in try await sql.raw(tails).all() {
            events[try row.decode(column: "unit_id", as: UUID.self), default: []].append(try decode(row))
        }
        var out: [UUID: Tail] = [:]
        for village in Set(checkpoints.keys).union(events.keys) {
            out[village] = Tail(checkpoint: checkpoints[village], verifying: events[village] ?? [])
        }
        return out
    }

    /// One station's checkpoint and the events since (`tails` for one village), by statements
    /// prepared on PostgreSQL: every evaluation after a change reads one. The events are read
    /// after the checkpoint as it was read, so a checkpoint moved between the two reads
    /// (`advanceCheckpoints` on another server) does not leave a gap.
    static func tail(of village: UUID, on db: any Database) async throws -> Tail {
        let checkpoint = try await Frequent.rows(StationCheckpoint.self, [.uuid(village)], on: db).first.map(Checkpoint.init(row:))
        let events = try await Frequent.rows(StationEventsAfter.self, [.uuid(village), .int(checkpoint?.seq ?? 0)], on: db).map(decode)
        return Tail(checkpoint: checkpoint, verifying: events)
    }

    /// A station's checkpoint with the event now at its point.
    enum StationCheckpoint: FrequentStatement {
        static let sql = """
            SELECT c.seq, c.hash, c.intact, c.broken_seq, e.hash AS found_hash FROM ledger_checkpoints c
            LEFT JOIN ledger_events e ON e.unit_id = c.unit_id AND e.seq = c.seq WHERE c.unit_id = $1
            """
    }

    /// A station's events after sequence number `$2`, in order.
    enum StationEventsAfter: FrequentStatement {
        static let sql = """
            SELECT seq, subject_type, subject_id, action, actor_id, actor_name, occurred_at, payload, prev_hash, hash
            FROM ledger_events WHERE unit_id = $1 AND seq > $2 ORDER BY seq
            """
    }

    /// Whether each station's chain below `path` holds: its checkpoint's verdict, and the
    /// events since the checkpoint verified from it (every event where there is none).
    static func intact(under path: String, on db: any Database) async throws -> [UUID: Bool] {
        try await tails(under: path, on: db).mapValues(\.intact)
    }

    /// Moves each station's checkpoint to its last event where at least `minimum` events
    /// came since, keeping the verdict (broken stays broken, at the first broken event).
    /// Evaluations verify only the events after the checkpoint, so without this their cost
    /// grew with every event since the last full verification (200,000 events after a
    /// day of benchmark intake doubled a Beijing-wide evaluation). `serve` runs it every ten
    /// minutes (`CheckpointKeeper`). Events before a checkpoint are verified again only by a
    /// full verification (supervision page, `cunwu verify-ledger`). Returns the stations moved.
    @discardableResult
    static func advanceCheckpoints(under path: String = "/", minimum: Int = 1, at now: Date, on db: any Database) async throws -> Int {
        var moved = 0
        for (village, tail) in try await tails(under: path, on: db) where tail.events.count >= max(1, minimum) {
            guard let last = tail.events.last else { continue }
            let broken = tail.checkpoint?.brokenSeq ?? tail.verification.firstBroken?.sequence
            let intact = tail.intact, seen = tail.checkpoint?.seq
            let done = try await retrying(db) { db in
                let sql = try Dialect.sql(db)
                // Only if no other server moved it meanwhile (its seq is what was read).
                let current = try await sql.select().column("seq").from("ledger_checkpoints").where("unit_id", .equal, SQLBind(village)).first()
                    .map { try $0.decode(column: "seq", as: Int.self) }
                guard current == seen else { return false }
                try await writeCheckpoint(village: village, sequence: last.sequence, hash: last.hash, intact: intact, broken: broken, verifiedAt: now, on: db)
                return true
            }
            if done { moved += 1 }
        }
        return moved
    }
}

extension LedgerStore {
    /// `advanceCheckpoints` for every station, a township at a time (then any village
    /// outside one, each alone): the events since the checkpoints are held in memory while
    /// they are verified, and a district's after a burst of intake (20,000 events) lifted
    /// `serve`'s peak memory by 120 MB. (This once ended with a pass over "/", meant for the
    /// villages outside a township: it read every station's events since its checkpoint a
    /// second time, all at once, and lifted `serve` by 200 MB at Beijing scale.) Background
    /// work pauses after each township (`Pacer`).
    @discardableResult
    static func advanceAllCheckpoints(minimum: Int = 1, at now: Date, on db: any Database) async throws -> Int {
        var moved = 0
        for township in try await OrgUnit.query(on: db).filter(\.$kind == .township).all() {
            moved += try await advanceCheckpoints(under: township.path, minimum: minimum, at: now, on: db)
            try await Pacer.pause()
        }
        let outside = try await Dialect.sql(db).raw("""
            SELECT v.path FROM units v LEFT JOIN units p ON p.id = v.parent_id
            WHERE v.kind = 'village' AND (p.kind IS NULL OR p.kind <> 'township')
            """).all().map { try $0.decode(column: "path", as: String.self) }
        for path in outside {
            moved += try await advanceCheckpoints(under: path, minimum: minimum, at: now, on: db)
        }
        return moved
    }
}

/// Keeps the stations' checkpoints near their chains' ends while `serve` runs
/// (`LedgerStore.advanceCheckpoints`), every ten minutes; any server may do it.
final class CheckpointKeeper: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)
    static let interval = TimeAmount.minutes(10)

    func didBootAsync(_ application: Application) async throws {
        guard application.environment.serving else { return }
        task.withLockedValue {
            let loop = application.eventLoopGroup.next()
            $0 = loop.scheduleRepeatedAsyncTask(initialDelay: .minutes(1), delay: Self.interval) { _ in
                loop.makeFutureWithTask {
                    do {
                        // Background work: it gives way to people's requests (`Pacer`).
                        let moved = try await Pacer.background(application) {
                            try await LedgerStore.advanceAllCheckpoints(minimum: 100, at: application.clock.now, on: application.db)
                        }
                        if moved > 0 { application.logger.info("ledger checkpoints moved for \(moved) stations") }
                    } catch {
                        application.logger.warning("ledger checkpoints not moved: \(String(describing: error))")
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}
