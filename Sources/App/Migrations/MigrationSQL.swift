import Fluent
import SQLKit

/// The raw SQL interface the migrations use: their own, so a shipped migration calls no
/// store code that may change later (`Dialect` is today's).
enum MigrationSQL {
    static func of(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw AppError.unavailable }
        return sql
    }
}
