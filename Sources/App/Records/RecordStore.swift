import Fluent
import SQLKit
import SQLiteNIO
import PostgresNIO
import NIOConcurrencyHelpers
import StandardKit
import Vapor

/// A stored value of a field: text (also dates, choices, references), a whole number
/// (also money in fen and hours in hundredths), or a flag.
enum FieldValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)

    var text: String? { if case let .text(t) = self { return t }; return nil }
    var number: Int? { if case let .number(n) = self { return n }; return nil }
    var flag: Bool? { if case let .flag(f) = self { return f }; return nil }
}

/// One record of a kind, belonging to a village.
struct Record: Sendable {
    var id: UUID
    var unitID: UUID
    var unitPath: String
    var values: [String: FieldValue]
    var createdAt: Date?
    var updatedAt: Date?

    func text(_ key: String) -> String? { values[key]?.text }
    func number(_ key: String) -> Int? { values[key]?.number }
    func flag(_ key: String) -> Bool { values[key]?.flag ?? false }
    func date(_ key: String) -> LocalDate? { text(key).flatMap(LocalDate.init) }
    func words(_ key: String) -> [String] { (text(key) ?? "").split(separator: ",").map(String.init) }
}

/// Creates a kind's table. Tables are named rec_*, columns snake_case, with the village,
/// its path (for set-based queries below any unit), timestamps and soft deletion.
enum RecordStore {
    private static func decode(_ row: any SQLRow, kind: RecordKind) throws -> Record {
        var values: [String: FieldValue] = [:]
        for field in kind.fields {
            guard try !row.decodeNil(column: field.column) else { continue }
            switch field.type {
            case .integer, .hundredths, .money: values[field.key] = .number(try row.decode(column: field.column, as: Int.self))
            case .flag: values[field.key] = .flag(try row.decode(column: field.column, as: Bool.self))
            default: values[field.key] = try text(try row.decode(column: field.column, as: String.self), of: field)
            }
        }
        return Record(id: try row.decode(column: "id", as: UUID.self), unitID: try row.decode(column: "unit_id", as: UUID.self),
                      unitPath: try row.decode(column: "unit_path", as: String.self), values: values,
                      createdAt: try row.decode(column: "created_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    /// A row straight from SQLite: SQLKit's generic row decoder (a `Decoder` per value)
    /// was most of the cost of reading a district's 40,000 records for its facts.
    private static func decode(_ row: SQLiteRow, kind: RecordKind) throws -> Record {
        func corrupt(_ column: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: [], debugDescription: "\(kind.table).\(column): unexpected \(row.column(column).map { "\($0)" } ?? "absent")"))
        }
        var values: [String: FieldValue] = [:]
        for field in kind.fields {
            guard let data = row.column(field.column) else { continue }
            guard let value = try value(data, of: field) else { continue }
            values[field.key] = value
        }
        guard let id = row.column("id")?.string.flatMap(UUID.init(text:)) else { throw corrupt("id") }
        guard let unitID = row.column("unit_id")?.string.flatMap(UUID.init(text:)) else { throw corrupt("unit_id") }
        guard let unitPath = row.column("unit_path")?.string else { throw corrupt("unit_path") }
        return Record(id: id, unitID: unitID, unitPath: unitPath, values: values,
                      createdAt: row.column("created_at").flatMap(Date.init(sqliteData:)),
                      updatedAt: row.column("updated_at").flatMap(Date.init(sqliteData:)))
    }

    /// Where a kind's columns are in PostgreSQL's rows of one query, found once from its
    /// first row: looking each cell up by name cost a tenth of a city's evaluation.
    private struct PostgresLayout {
        var fields: [(field: FieldSpec, index: Int)] = []
        var id = 0, unitID = 0, unitPath = 0, createdAt = 0, updatedAt = 0

        init(_ row: PostgresRow, kind: RecordKind) throws {
            var at: [String: Int] = [:]
            for (n, cell) in row.enumerated() { at[cell.columnName] = n }
            func index(_ column: String) throws -> Int {
                guard let n = at[column] else { throw DecodingError.keyNotFound(RecordColumn(stringValue: column), .init(codingPath: [], debugDescription: "\(kind.table).\(column)")) }
                return n
            }
            fields = kind.fields.compactMap { field in at[field.column].map { (field, $0) } }
            (id, unitID, unitPath) = (try index("id"), try index("unit_id"), try index("unit_path"))
            (createdAt, updatedAt) = (try index("created_at"), try index("updated_at"))
        }
    }

    private struct RecordColumn: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A row straight from PostgreSQL (the same record as the generic decoder gives).
    private static func decode(_ row: PostgresRow, kind: RecordKind, layout: PostgresLayout) throws -> Record {
        let cells = row.makeRandomAccess()
        var values: [String: FieldValue] = [:]
        for (field, index) in layout.fields {
            let cell = cells[index]
            guard cell.bytes != nil else { continue }
            switch field.type {
            case .integer, .hundredths, .money: values[field.key] = .number(try cell.decode(Int.self))
            case .flag: values[field.key] = .flag(try cell.decode(Bool.self))
            default: values[field.key] = try text(try cell.decode(String.self), of: field)
            }
        }
        return Record(id: try cells[layout.id].decode(UUID.self), unitID: try cells[layout.unitID].decode(UUID.self),
                      unitPath: try cells[layout.unitPath].decode(String.self), values: values,
                      createdAt: try cells[layout.createdAt].decode(Date?.self), updatedAt: try cells[layout.updatedAt].decode(Date?.self))
    }

    /// A stored text as the field's value: personal data opened (`PersonalData`), the
    /// one place every reader of records goes through, as `bind` is for every writer.
    private static func text(_ stored: String, of field: FieldSpec) throws -> FieldValue {
        if case .personal = field.type { return .text(try PersonalData.open(stored)) }
        return .text(stored)
    }

    /// A field's value as SQLite stores it (nil for NULL).
    private static func value(_ data: SQLiteData, of field: FieldSpec) throws -> FieldValue? {
        switch (field.type, data) {
        case (_, .null): return nil
        case let (.integer, .integer(n)), let (.hundredths, .integer(n)), let (.money, .integer(n)): return .number(n)
        case let (.flag, .integer(n)): return .flag(n != 0)
        case let (.text, .text(t)), let (.longText, .text(t)), let (.date, .text(t)), let (.choice, .text(t)), let (.choices, .text(t)),
             let (.reference, .text(t)), let (.references, .text(t)), let (.personal, .text(t)):
            return try text(t, of: field)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(field.column): unexpected \(data)"))
        }
    }

    /// A village's live records of a kind, newest first by the kind's date.
    static func list(_ kind: RecordKind, village: UUID, on db: any Database) async throws -> [Record] {
        var query = try Dialect.sql(db).select().column("*").from(kind.table)
            .where("unit_id", .equal, SQLBind(village)).where("deleted_at", .is, SQLLiteral.null)
        if let dateField = kind.field(kind.dateField ?? "") { query = query.orderBy(dateField.column, .descending) }
        return try await query.orderBy("created_at", .descending).all().map { try decode($0, kind: kind) }
    }

    /// The columns a kind's list is sorted by, newest first: its date (empty last), then
    /// when the record was made, then the id; the same expressions page and order it.
    private static func sortKey(_ kind: RecordKind) -> [any SQLExpression] {
        var key: [any SQLExpression] = []
        if let dateField = kind.field(kind.dateField ?? "") {
            key.append(SQLFunction("COALESCE", args: SQLColumn(dateField.column), SQLLiteral.string("")))
        }
        return key + [SQLColumn("created_at"), SQLColumn("id")]
    }

    /// One page of a village's live records of a kind, newest first by `sortKey`: `limit`
    /// rows after the record `after` (the id of the last one of the page before), dated
    /// within `from`…`to` when given (kinds with a date).
    static func page(_ kind: RecordKind, village: UUID, after: UUID?, limit: Int, from: String? = nil, to: String? = nil,
                     on db: any Database) async throws -> [Record] {
        var query = live(try Dialect.sql(db).select().column("*").from(kind.table), kind, village: village, from: from, to: to)
        let key = sortKey(kind)
        if let after {
            // After that row's key as the database holds it, not as a cursor spells it:
            // SQLite keeps a time's every digit, SQLiteNIO reads it back rounded to the
            // microsecond, and a key made from the read time named a point beside the row:
            // the last row of a page came again at the top of the next.
            let cursorRow = SQLSubquery.select { subquery in
                key.reduce(subquery) { $0.column($1) }.from(kind.table).where(SQLColumn("id"), .equal, SQLBind(after))
            }
            query = query.where(SQLBinaryExpression(SQLGroupExpression(key), .lessThan, cursorRow))
        }
        for column in key { query = query.orderBy(SQLOrderBy(expression: column, direction: SQLDirection.descending)) }
        return try await query.limit(limit).all().map { try decode($0, kind: kind) }
    }

    /// How many live records of a kind a village has, dated within `from`…`to` when given.
    static func count(_ kind: RecordKind, village: UUID, from: String? = nil, to: String? = nil, on db: any Database) async throws -> Int {
        let query = try Dialect.sql(db).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(kind.table)
        return try await live(query, kind, village: village, from: from, to: to).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// A village's live records of a kind, dated within `from`…`to` when given (kinds with a date).
    private static func live(_ query: SQLSelectBuilder, _ kind: RecordKind, village: UUID, from: String?, to: String?) -> SQLSelectBuilder {
        var query = query.where("unit_id", .equal, SQLBind(village)).where("deleted_at", .is, SQLLiteral.null)
        if let dateColumn = kind.field(kind.dateField ?? "")?.column {
            if let from { query = query.where(SQLColumn(dateColumn), .greaterThanOrEqual, SQLBind(from)) }
            if let to { query = query.where(SQLColumn(dateColumn), .lessThanOrEqual, SQLBind(to)) }
        }
        return query
    }

    /// A village's live records of several kinds in one statement, by kind key, in no
    /// particular order and without timestamps: for lookups (a service by code, the roster),
    /// where each statement saved is a round trip off the request's path. Kinds with
    /// different columns share one `UNION ALL`: each kind's fields go into the same numbered
    /// columns (`c0`, `c1`, …; NULL after its last) and are read back by position. With
    /// `only`, just those fields (by key) are read.
    static func lists(_ kinds: [RecordKind], only: Set<String>? = nil, village: UUID, on db: any Database) async throws -> [String: [Record]] {
        if let sqlite = db as? any SQLiteDatabase { return try await lists(kinds, only: only, village: village, on: sqlite) }
        if let postgres = db as? any PostgresDatabase { return try await lists(kinds, only: only, village: village, on: postgres) }
        var out = Dictionary(uniqueKeysWithValues: kinds.map { ($0.key, [Record]()) })
        for kind in kinds { out[kind.key] = try await list(kind, village: village, on: db) }
        return out
    }

    /// The same for PostgreSQL: a `UNION ALL` column has one type, so every value comes as
    /// text and is read back by its field's type. JSON objects (`json_build_object`) took
    /// 5 ms in PostgreSQL and 7 ms to parse for a village, most of its evaluation.
    private static func lists(_ kinds: [RecordKind], only: Set<String>?, village: UUID, on postgres: any PostgresDatabase) async throws -> [String: [Record]] {
        let read = NIOLockedValueBox(Dictionary(uniqueKeysWithValues: kinds.map { ($0.key, [Record]()) }))
        let fieldsOf = kinds.map { listFields($0, only: only) }
        try await postgres.query(postgresListsSQL(kinds, only: only), [PostgresData(uuid: village)]) { row in
            guard let (key, record) = try listRecord(row, kinds: kinds, fields: fieldsOf, village: village) else { return }
            read.withLockedValue { $0[key, default: []].append(record) }
        }.get()
        return read.withLockedValue { $0 }
    }

    /// `lists` for a set of kinds and fields read on every request of some kind (a window
    /// intake's services and roster): on PostgreSQL a prepared statement (`Frequent`).
    static func lists<S: FrequentLists>(_ statement: S.Type, village: UUID, on db: any Database) async throws -> [String: [Record]] {
        guard let postgres = db as? any PostgresDatabase else { return try await lists(S.kinds, only: S.only, village: village, on: db) }
        var out = Dictionary(uniqueKeysWithValues: S.kinds.map { ($0.key, [Record]()) })
        let fieldsOf = S.kinds.map { listFields($0, only: S.only) }
        for row in try await Frequent.rows(statement, [.uuid(village)], on: postgres) {
            guard let (key, record) = try listRecord(row, kinds: S.kinds, fields: fieldsOf, village: village) else { continue }
            out[key, default: []].append(record)
        }
        return out
    }

    private static func listFields(_ kind: RecordKind, only: Set<String>?) -> [FieldSpec] {
        kind.fields.filter { only?.contains($0.key) ?? true }
    }

    /// PostgreSQL's `UNION ALL` for `lists`: the village is `$1`.
    static func postgresListsSQL(_ kinds: [RecordKind], only: Set<String>?) -> String {
        let width = kinds.map { listFields($0, only: only).count }.max() ?? 0
        return kinds.enumerated().map { n, kind in
            let fields = listFields(kind, only: only)
            let columns = fields.map { "\"\($0.column)\"::text" } + Array(repeating: "NULL::text", count: width - fields.count)
            return "SELECT \(n) AS kind, id, unit_path\(columns.enumerated().map { ", \($1) AS c\($0)" }.joined()) FROM \(kind.table) WHERE unit_id = $1 AND deleted_at IS NULL"
        }.joined(separator: " UNION ALL ")
    }

    /// A row of `postgresListsSQL` as its kind's key and record (nil for a kind not asked for).
    private static func listRecord(_ row: PostgresRow, kinds: [RecordKind], fields: [[FieldSpec]], village: UUID) throws -> (String, Record)? {
        let cells = row.makeRandomAccess()
        let n = try cells[0].decode(Int.self)
        guard kinds.indices.contains(n) else { return nil }
        var values: [String: FieldValue] = [:]
        for (c, field) in fields[n].enumerated() {
            guard let text = try cells[3 + c].decode(String?.self) else { continue }
            values[field.key] = try value(text: text, of: field)
        }
        return (kinds[n].key, Record(id: try cells[1].decode(UUID.self), unitID: village, unitPath: try cells[2].decode(String.self), values: values,
                                     createdAt: nil, updatedAt: nil))
    }

    /// A field's value from PostgreSQL's text form of it (`::text`).
    private static func value(text: String, of field: FieldSpec) throws -> FieldValue {
        func corrupt() -> DecodingError { .dataCorrupted(.init(codingPath: [], debugDescription: "\(field.column): unexpected \(text)")) }
        switch field.type {
        case .integer, .hundredths, .money:
            guard let n = Int(text) else { throw corrupt() }
            return .number(n)
        case .flag:
            guard text == "true" || text == "false" else { throw corrupt() }
            return .flag(text == "true")
        default: return try self.text(text, of: field)
        }
    }

    /// The same for SQLite, without JSON: SQLite's columns take any type, so each kind's
    /// fields go into the same numbered columns (`c0`, `c1`, …; NULL after its last) and
    /// are read back by position. A village's every kind this way takes a tenth of the
    /// JSON objects' time (which was 10 ms, most of a village's evaluation).
    private static func lists(_ kinds: [RecordKind], only: Set<String>?, village: UUID, on sqlite: any SQLiteDatabase) async throws -> [String: [Record]] {
        func fields(_ kind: RecordKind) -> [FieldSpec] { kind.fields.filter { only?.contains($0.key) ?? true } }
        let width = kinds.map { fields($0).count }.max() ?? 0
        var selects: [String] = [], binds: [SQLiteData] = []
        for kind in kinds {
            let columns = fields(kind).map { "\"\($0.column)\"" } + Array(repeating: "NULL", count: width - fields(kind).count)
            let named = columns.enumerated().map { "\($1) AS c\($0)" }
            selects.append("SELECT ? AS kind, id, unit_path\(named.map { ", " + $0 }.joined()) FROM \(kind.table) WHERE unit_id = ? AND deleted_at IS NULL")
            binds += [.text(kind.key), .text(village.uuidString)]
        }
        let byKey = Dictionary(uniqueKeysWithValues: kinds.map { ($0.key, $0) })
        var out = Dictionary(uniqueKeysWithValues: kinds.map { ($0.key, [Record]()) })
        let names = (0..<width).map { "c\($0)" }
        let fieldsOf = Dictionary(uniqueKeysWithValues: kinds.map { ($0.key, fields($0)) })
        for row in try await sqlite.query(selects.joined(separator: " UNION ALL "), binds) {
            guard let key = row.column("kind")?.string, byKey[key] != nil,
                  let id = row.column("id")?.string.flatMap(UUID.init(text:)) else { continue }
            var values: [String: FieldValue] = [:]
            for (n, field) in (fieldsOf[key] ?? []).enumerated() {
                if let data = row.column(names[n]), let value = try value(data, of: field) { values[field.key] = value }
            }
            out[key, default: []].append(Record(id: id, unitID: village, unitPath: row.column("unit_path")?.string ?? "", values: values,
                                                createdAt: nil, updatedAt: nil))
        }
        return out
    }


    /// Every live record of a kind in the units below `path`: one query, whatever the number
    /// of villages. It goes from the (small) units table to each unit's records by the
    /// `unit_id` index: a `LIKE` prefix on the records' own path cannot use an index in
    /// SQLite, and a district's share of a Beijing-wide table would cost a full scan.
    static func all(_ kind: RecordKind, under path: String, on db: any Database) async throws -> [Record] {
        let sql = try Dialect.sql(db)
        if let sqlite = db as? any SQLiteDatabase {
            return try await sqlite.query("""
                SELECT r.* FROM units u CROSS JOIN \(kind.table) r ON r.unit_id = u.id
                WHERE u.path >= ?1 AND u.path < ?2 AND r.deleted_at IS NULL
                """, [.text(path), .text(path + "~")]).map { try decode($0, kind: kind) }
        }
        if let postgres = db as? any PostgresDatabase {
            // Rows straight from PostgresNIO, decoded as they arrive: SQLKit's row decoder
            // (Codable per value, a name lookup per column) was half of a city's evaluation.
            let read = NIOLockedValueBox<(layout: PostgresLayout?, records: [Record])>((nil, []))
            try await postgres.query("""
                SELECT r.* FROM units u JOIN \(kind.table) r ON r.unit_id = u.id WHERE u.path LIKE $1 AND r.deleted_at IS NULL
                """, [PostgresData(string: path + "%")]) { row in
                try read.withLockedValue { read in
                    let layout = try read.layout ?? PostgresLayout(row, kind: kind)
                    read.layout = layout
                    read.records.append(try decode(row, kind: kind, layout: layout))
                }
            }.get()
            return read.withLockedValue { $0.records }
        }
        return try await sql.raw("""
            SELECT r.* FROM units u \(unsafeRaw: Dialect.unitsFirst(sql)) \(unsafeRaw: kind.table) r ON r.unit_id = u.id
            WHERE \(Dialect.pathBelow(sql, path)) AND r.deleted_at IS NULL
            """).all().map { try decode($0, kind: kind) }
    }

    static func find(_ kind: RecordKind, id: UUID, village: UUID, on db: any Database) async throws -> Record? {
        try await Dialect.sql(db).select().column("*").from(kind.table)
            .where("id", .equal, SQLBind(id)).where("unit_id", .equal, SQLBind(village)).where("deleted_at", .is, SQLLiteral.null)
            .first().map { try decode($0, kind: kind) }
    }

    /// A field's value to store; personal data sealed (`PersonalData`).
    private static func bind(_ value: FieldValue?, _ field: FieldSpec) throws -> any SQLExpression {
        switch value {
        case let .text(t)?:
            if case .personal = field.type { return SQLBind(try PersonalData.seal(t)) }
            return SQLBind(t)
        case let .number(n)?: return SQLBind(n)
        case let .flag(f)?: return SQLBind(f)
        case nil: return SQLLiteral.null
        }
    }

    static func insert(_ kind: RecordKind, values: [String: FieldValue], village: OrgUnit, author: Author, on db: any Database) async throws -> Record {
        try await db.transaction { db in
            try await insert(kind, values: values, village: village, author: author, on: db, action: "create")
        }
    }

    /// Inserts one record and its audit event on `db` (inside the caller's transaction).
    static func insert(_ kind: RecordKind, values: [String: FieldValue], village: OrgUnit, author: Author,
                       on db: any Database, action: String) async throws -> Record {
        try await YearLock.check(kind, before: nil, after: values, village: try village.requireID(), on: db)
        let record = Record(id: OrderedID.make(at: author.at), unitID: try village.requireID(), unitPath: village.path, values: values, createdAt: author.at, updatedAt: author.at)
        try await Dialect.sql(db).insert(into: kind.table)
            .columns(["id", "unit_id", "unit_path", "created_at", "updated_at"] + kind.fields.map(\.column))
            .values([SQLBind(record.id), SQLBind(record.unitID), SQLBind(record.unitPath), SQLBind(author.at), SQLBind(author.at)]
                    + kind.fields.map { try bind(values[$0.key], $0) })
            .run()
        try await Audit.record(on: db, author: author, action: action, objectType: kind.key, objectID: record.id.uuidString,
                               unitPath: village.path, before: AuditValues?.none, after: AuditValues(kind: kind, values: values))
        return record
    }

    static func update(_ kind: RecordKind, record: Record, values: [String: FieldValue], author: Author, on db: any Database) async throws -> Record {
        var updated = record
        updated.values = values
        updated.updatedAt = author.at
        try await db.transaction { db in
            try await YearLock.check(kind, before: record.values, after: values, village: record.unitID, on: db)
            var query = try Dialect.sql(db).update(kind.table).set("updated_at", to: SQLBind(author.at))
            for field in kind.fields { query = query.set(SQLIdentifier(field.column), to: try bind(values[field.key], field)) }
            try await query.where("id", .equal, SQLBind(record.id)).where("deleted_at", .is, SQLLiteral.null).run()
            try await Audit.record(on: db, author: author, action: "update", objectType: kind.key, objectID: record.id.uuidString,
                                   unitPath: record.unitPath, before: AuditValues(kind: kind, values: record.values), after: AuditValues(kind: kind, values: values))
        }
        return updated
    }

    /// Soft delete: the row stays (for the audit trail) and leaves every list and the facts.
    static func delete(_ kind: RecordKind, record: Record, author: Author, on db: any Database) async throws {
        try await db.transaction { db in
            try await YearLock.check(kind, before: record.values, after: nil, village: record.unitID, on: db)
            try await Dialect.sql(db).update(kind.table).set("deleted_at", to: SQLBind(author.at))
                .where("id", .equal, SQLBind(record.id)).where("deleted_at", .is, SQLLiteral.null).run()
            try await Audit.record(on: db, author: author, action: "delete", objectType: kind.key, objectID: record.id.uuidString,
                                   unitPath: record.unitPath, before: AuditValues(kind: kind, values: record.values), after: AuditValues?.none)
        }
    }
}

/// A record's values as the audit log stores them; personal data masked.
struct AuditValues: Encodable {
    var values: [String: String]

    init(kind: RecordKind, values: [String: FieldValue]) {
        var out: [String: String] = [:]
        for field in kind.fields {
            guard let value = values[field.key] else { continue }
            switch (field.type, value) {
            case let (.personal(personal), .text(t)): out[field.key] = personal.mask(t)
            case let (_, .text(t)): out[field.key] = t
            case let (_, .number(n)): out[field.key] = String(n)
            case let (_, .flag(f)): out[field.key] = f ? "true" : "false"
            }
        }
        self.values = out
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}

extension UUID {
    /// `UUID(uuidString:)` without its cost: Foundation parses with `sscanf` on Linux, a
    /// twentieth of reading a district's records. Accepts exactly what it accepts: 36
    /// characters, hex digits of either case, dashes after the 8th, 12th, 16th and 20th.
    init?(text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        var index = 0
        for char in text.utf8 {
            defer { index += 1 }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard char == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | digit)
                high = nil
            } else {
                high = digit
            }
        }
        guard index == 36, bytes.count == 16 else { return nil }
        self.init(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                         bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
