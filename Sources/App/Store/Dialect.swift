import Fluent
import SQLKit

/// The one place that tells SQLite from PostgreSQL. Both are first-class: the few spellings
/// that differ between them, and the raw SQL interface, are asked for here, never by
/// comparing dialect names in a feature (`ArchitectureTests` holds to it).
enum Dialect {
    /// The raw SQL interface of a Fluent database (both drivers have one).
    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable }
        return sql
    }

    static func isSQLite(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "sqlite" }

    /// Whether `db` is SQLite, where one write transaction excludes every other write.
    static func serializesWrites(_ db: any Database) -> Bool {
        (db as? any SQLDatabase).map(isSQLite) ?? false
    }

    /// The join that makes the units table the outer loop: SQLite cannot estimate a `LIKE`
    /// on the path and may otherwise scan the big table; PostgreSQL's statistics choose well.
    static func unitsFirst(_ sql: any SQLDatabase) -> String {
        isSQLite(sql) ? "CROSS JOIN" : "JOIN"
    }

    /// Units at or below `path` (the query's units are `u`): a range on the units' path
    /// index for SQLite, whose paths are ASCII compared bytewise, so the range is exactly the
    /// prefix; `LIKE` for PostgreSQL, whose collation need not order them bytewise.
    static func pathBelow(_ sql: any SQLDatabase, _ path: String, column: String = "u.path") -> SQLQueryString {
        isSQLite(sql) ? "\(unsafeRaw: column) >= \(bind: path) AND \(unsafeRaw: column) < \(bind: path + "~")"
            : "\(unsafeRaw: column) LIKE \(bind: path + "%")"
    }

    /// The same for a Fluent query on a model's path field.
    static func below<M: Model>(_ query: QueryBuilder<M>, _ field: KeyPath<M, FieldProperty<M, String>>, _ path: String) -> QueryBuilder<M> {
        serializesWrites(query.database) ? query.filter(field >= path).filter(field < path + "~") : query.filter(field =~ path)
    }

    /// How many rows meet `condition`: in SQLite a sum of truth values (0 or 1), half the
    /// time of a CASE sum; PostgreSQL has no sum of booleans.
    static func count(_ sql: any SQLDatabase, where condition: SQLQueryString) -> SQLQueryString {
        isSQLite(sql) ? "SUM(\(condition))" : "SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
    }

    /// The same as text, for a statement written once with `$n` values (`Frequent`): `sqlite`
    /// for SQLite's spelling, false for the one both stores run.
    static func count(sqlite: Bool, where condition: String) -> String {
        sqlite ? "SUM(\(condition))" : "SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
    }
}
