import Fluent
import FluentSQL
import Foundation
import PostgresKit
import SQLKit

/// Rows read by their columns' places, in the order the query's SELECT names them, for the
/// reads that make hundreds of models per page (a district's sheets and units).
///
/// On PostgreSQL the cells are PostgresNIO's own: `SQLRow.decode(column:as:)` goes through
/// PostgresKit's general path, which for every cell finds the column by name, makes a coding
/// path and looks up the type's conformance at run time; for a district dashboard's 300
/// sheets and 330 units that was a sixth of the page's time. On SQLite the same reads go
/// through SQLKit by the columns' names, as before.
struct PlacedRow {
    private let postgres: PostgresRandomAccessRow?
    private let sql: (any SQLRow)?
    private let names: [String]
    private var place = 0

    init(postgres: PostgresRandomAccessRow, names: [String]) {
        self.postgres = postgres
        self.sql = nil
        self.names = names
    }

    init(sql: any SQLRow, names: [String]) {
        self.postgres = nil
        self.sql = sql
        self.names = names
    }

    /// The next column's value.
    mutating func next<T: PostgresDecodable & Decodable>(_ type: T.Type = T.self) throws -> T {
        defer { place += 1 }
        guard names.indices.contains(place) else { throw PlacedRows.Failure.noColumn(place) }
        if let postgres { return try postgres[place].decode(T.self) }
        guard let sql else { throw PlacedRows.Failure.noColumn(place) }
        return try sql.decode(column: names[place], as: T.self)
    }

    /// The next column's text as a text enum's case; a text that names none is an error.
    mutating func next<E: RawRepresentable>(named type: E.Type) throws -> E where E.RawValue == String {
        guard let value = try next(namedIfAny: type) else { throw PlacedRows.Failure.unsupportedValue("NULL") }
        return value
    }

    /// The same for a column that may be NULL.
    mutating func next<E: RawRepresentable>(namedIfAny type: E.Type) throws -> E? where E.RawValue == String {
        guard let text = try next(String?.self) else { return nil }
        guard let value = E(rawValue: text) else { throw PlacedRows.Failure.unsupportedValue(text) }
        return value
    }
}

enum PlacedRows {
    enum Failure: Error {
        case noColumn(Int)
        case unsupportedValue(String)
    }

    /// A SELECT item's name in the result: its alias (`NULL AS snapshot`) or itself.
    static func resultName(_ column: String) -> String {
        guard let alias = column.range(of: " AS ", options: [.caseInsensitive, .backwards]) else { return column }
        return String(column[alias.upperBound...])
    }

    /// The rows of a frequent statement (`Frequent`) whose SELECT names `columns` in order.
    static func frequent<S: FrequentStatement>(_ statement: S.Type, _ values: [Frequent.Value], columns: [String], on db: any Database) async throws -> [PlacedRow] {
        if let postgres = db as? any PostgresDatabase {
            return try await Frequent.rows(statement, values, on: postgres).map { PlacedRow(postgres: $0.makeRandomAccess(), names: columns) }
        }
        let names = columns.map(resultName)
        return try await Frequent.rows(statement, values, on: db).map { PlacedRow(sql: $0, names: names) }
    }

    /// The rows of `SELECT <columns> <rest>`; `rest` is the query from FROM on, with its binds.
    static func all(_ columns: [String], _ rest: SQLQueryString, on db: any Database) async throws -> [PlacedRow] {
        var query = SQLQueryString("SELECT \(unsafeRaw: columns.joined(separator: ", ")) ")
        query.appendInterpolation(rest)
        return try await all(query, columns: columns, on: db)
    }

    /// The rows of a whole statement whose SELECT names `columns` in order.
    static func all(_ statement: any SQLExpression, columns: [String], on db: any Database) async throws -> [PlacedRow] {
        let sql = try Dialect.sql(db)
        guard let postgres = db as? any PostgresDatabase else {
            let names = columns.map(resultName)
            return try await sql.raw("\(statement)").all().map { PlacedRow(sql: $0, names: names) }
        }
        var serializer = SQLSerializer(database: sql)
        statement.serialize(to: &serializer)
        let values = try serializer.binds.map(value(of:))
        let query = PostgresQuery(unsafeSQL: serializer.sql, binds: Frequent.bindings(values))
        return try await Frequent.collect(on: postgres) { connection, logger in try await connection.query(query, logger: logger) }
            .map { PlacedRow(postgres: $0.makeRandomAccess(), names: columns) }
    }

    /// A bound value as these reads send it: ids, numbers, truth values, times and text (a
    /// text enum's raw value, as Fluent's filters bind `RequestStatus`); anything else is
    /// refused, not guessed.
    static func value(of bind: any Encodable) throws -> Frequent.Value {
        switch bind {
        case let value as UUID: return .uuid(value)
        case let value as String: return .text(value)
        case let value as Int: return .int(value)
        case let value as Double: return .double(value)
        case let value as Bool: return .bool(value)
        case let value as Date: return .date(value)
        case let value as any RawRepresentable:
            if let raw = value.rawValue as? String { return .text(raw) }
        default: break
        }
        throw Failure.unsupportedValue(String(describing: type(of: bind)))
    }
}

/// A model read by its columns' places (`PlacedRows`): Fluent's query builder still states
/// the query (filters, sorts, pages), and its rows are read without Fluent's per-field
/// property lookups or PostgresKit's per-cell search by name: a request list's 50 rows of
/// 40 fields took 21 ms of the server's CPU through Fluent, 12 ms this way.
///
/// Every field of a model read so is set as a value given (Fluent marks them changed): write
/// such a model with SQL naming its columns (as the request desk does), not `save`, which
/// would write every column.
protocol PlacedModel: Model {
    /// The columns `init(placed:)` reads, in its order.
    static var placedKeys: [FieldKey] { get }
    /// A model from a row of `placedKeys`, every field set and marked as existing.
    init(placed row: PlacedRow) throws
}

extension PlacedModel {
    /// The models `query` (a read of this model's table, as Fluent's builder states it) finds.
    static func placed(_ query: DatabaseQuery, on database: any Database) async throws -> [Self] {
        var query = query
        query.action = .read
        query.fields = placedKeys.map { .extendedPath([$0], schema: schema, space: nil) }
        let statement = SQLQueryConverter(delegate: PlainQueries()).convert(query)
        // Fluent names each selected column `<table>_<column>`: SQLite's rows are read by it.
        let names = placedKeys.map { "\(schema)_\($0.description)" }
        return try await PlacedRows.all(statement, columns: names, on: database).map(Self.init(placed:))
    }
}

extension QueryBuilder where Model: PlacedModel {
    /// Fluent's `all()`, read by place (no eager loading: a `PlacedModel` has no relations
    /// to load, and no soft deletion to filter).
    func allPlaced() async throws -> [Model] {
        try await Model.placed(query, on: database)
    }

    /// Fluent's `first()`, read by place.
    func firstPlaced() async throws -> Model? {
        try await copy().limit(1).allPlaced().first
    }
}

extension QueryBuilder {
    /// Every row: by place for a `PlacedModel` (`allPlaced`), by Fluent otherwise (and for a
    /// query that joins or eager-loads, whose other models only Fluent reads). For helpers
    /// generic over the model (`Paging`).
    func rows() async throws -> [Model] {
        guard let placed = Model.self as? any PlacedModel.Type, query.joins.isEmpty, eagerLoaders.isEmpty else { return try await all() }
        return try await placed.placed(query, on: database).compactMap { $0 as? Model }
    }
}

/// What Fluent's drivers tell its SQL converter about their types, for queries that name
/// no nested fields and make no tables (the only ones `allPlaced` converts).
private struct PlainQueries: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
}
