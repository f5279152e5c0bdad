import Fluent
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
        let sql = try Dialect.sql(db)
        var query = SQLQueryString("SELECT \(unsafeRaw: columns.joined(separator: ", ")) ")
        query.appendInterpolation(rest)
        guard let postgres = db as? any PostgresDatabase else {
            let names = columns.map(resultName)
            return try await sql.raw(query).all().map { PlacedRow(sql: $0, names: names) }
        }
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        // The values these reads bind (ids and text); anything else is refused, not guessed.
        let values: [Frequent.Value] = try serializer.binds.map { bind in
            switch bind {
            case let value as UUID: .uuid(value)
            case let value as String: .text(value)
            case let value as Int: .int(value)
            default: throw Failure.unsupportedValue(String(describing: type(of: bind)))
            }
        }
        let statement = PostgresQuery(unsafeSQL: serializer.sql, binds: Frequent.bindings(values))
        return try await Frequent.collect(on: postgres) { connection, logger in try await connection.query(statement, logger: logger) }
            .map { PlacedRow(postgres: $0.makeRandomAccess(), names: columns) }
    }
}
