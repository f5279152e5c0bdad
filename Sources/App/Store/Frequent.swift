import Fluent
import NIOConcurrencyHelpers
import FluentPostgresDriver
import PostgresKit
import SQLKit
import Vapor
import Crypto

/// A statement run on (nearly) every request, such as the session's lookup. On PostgreSQL
/// it is prepared once on each connection and from then on only executed: PostgreSQL parses,
/// analyses and plans an unnamed statement every time it runs it, and for these short
/// lookups that was most of the work. Under intake at Beijing scale, planning alone was 10 %
/// of both cores (a session's lookup: 0.12 ms planning, 0.02 ms running). A prepared
/// statement runs on a plan PostgreSQL keeps for the connection (a generic one, once five
/// runs have shown it is no worse).
///
/// The SQL is written once, with `$1`, `$2`, … for its values, for both stores: on SQLite
/// each `$n` becomes that value bound in place. It must name its columns (no `*`): a kept
/// plan whose result columns changed under it (a migration while serving) fails.
protocol FrequentStatement {
    static var sql: String { get }
}

/// A `RecordStore.lists` read made often enough to be prepared: its kinds and fields are
/// fixed, and its `sql` is `RecordStore.postgresListsSQL(kinds, only: only)`.
protocol FrequentLists: FrequentStatement {
    static var kinds: [RecordKind] { get }
    static var only: Set<String>? { get }
}

enum Frequent {
    /// A value for a `$n` of a frequent statement.
    enum Value: Sendable, Equatable {
        case text(String)
        case uuid(UUID)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case date(Date)
    }

    /// The rows of `statement` with `values` for its `$1`, `$2`, ….
    static func rows<S: FrequentStatement>(_ statement: S.Type, _ values: [Value], on db: any Database) async throws -> [any SQLRow] {
        if let postgres = db as? any PostgresDatabase { return try await rows(statement, values, on: postgres).map { $0.sql() } }
        return try await Dialect.sql(db).raw(query(S.sql, values)).all()
    }

    /// The same on PostgreSQL, as PostgresNIO's rows (read by position, for wide rows).
    static func rows<S: FrequentStatement>(_ statement: S.Type, _ values: [Value], on postgres: any PostgresDatabase) async throws -> [PostgresRow] {
        let prepared = Prepared<S>(bindings: bindings(values))
        return try await collect(on: postgres) { connection, logger in try await connection.execute(prepared, logger: logger) }
    }

    /// PostgresNIO's bindings for `values`, in order.
    static func bindings(_ values: [Value]) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            switch value {
            case let .text(text): bindings.append(text)
            case let .uuid(id): bindings.append(id)
            case let .int(number): bindings.append(number)
            case let .double(number): bindings.append(number)
            case let .bool(truth): bindings.append(truth)
            case let .date(time): bindings.append(time)
            }
        }
        return bindings
    }

    /// Every row of what `run` sends on one of `postgres`'s connections.
    static func collect<Rows: AsyncSequence>(on postgres: any PostgresDatabase,
                                             _ run: @escaping @Sendable (PostgresConnection, Logger) async throws -> Rows) async throws -> [PostgresRow]
        where Rows.Element == PostgresRow {
        let logger = postgres.logger
        return try await postgres.withConnection { connection in
            // In the caller's lane: on the shared pool an intake's every lookup waited there
            // behind the pages' work.
            Lane.current.future(on: connection.eventLoop) {
                var rows: [PostgresRow] = []
                for try await row in try await run(connection, logger) { rows.append(row) }
                return rows
            }
        }.get()
    }

    /// `sql` with each `$n` replaced by the n-th value, bound (SQLite's path).
    static func query(_ sql: String, _ values: [Value]) throws -> SQLQueryString {
        var query = SQLQueryString("")
        var text = Substring(sql)
        while let dollar = text.firstIndex(of: "$") {
            let digits = text[text.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            guard let n = Int(digits), values.indices.contains(n - 1) else { throw AppError.unavailable }
            query.appendInterpolation(unsafeRaw: String(text[..<dollar]))
            switch values[n - 1] {
            case let .text(value): query.appendInterpolation(bind: value)
            case let .uuid(value): query.appendInterpolation(bind: value)
            case let .int(value): query.appendInterpolation(bind: value)
            case let .double(value): query.appendInterpolation(bind: value)
            case let .bool(value): query.appendInterpolation(bind: value)
            case let .date(value): query.appendInterpolation(bind: value)
            }
            text = text[digits.endIndex...]
        }
        query.appendInterpolation(unsafeRaw: String(text))
        return query
    }

    /// A statement's name on a connection: the type's full name (two `Lookup`s in different
    /// types must not share one), hashed when longer than PostgreSQL's 63 bytes, which would
    /// cut it and could make two names one.
    /// PostgresNIO asks for the name on every run, and a type's full name is demangled each
    /// time it is made: each is made once and kept.
    static func name<S: FrequentStatement>(of _: S.Type) -> String {
        if let known = names.withLockedValue({ $0[ObjectIdentifier(S.self)] }) { return known }
        let full = String(reflecting: S.self)
        var name = full
        if full.utf8.count > 63 {
            let digest = SHA256.hash(data: Data(full.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            name = "cunwu." + digest + "." + String(describing: S.self).prefix(30)
        }
        names.withLockedValue { $0[ObjectIdentifier(S.self)] = name }
        return name
    }

    private static let names = NIOLockedValueBox([ObjectIdentifier: String]())

    /// PostgresNIO's prepared statement for `S`: named after it, so each connection prepares
    /// it once and then finds it by name.
    private struct Prepared<S: FrequentStatement>: PostgresPreparedStatement {
        typealias Row = PostgresRow
        static var name: String { Frequent.name(of: S.self) }
        static var sql: String { S.sql }
        let bindings: PostgresBindings
        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
    }
}
