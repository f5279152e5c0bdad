import Fluent
import Foundation
import SQLKit

/// Where personal data is stored, and resealing it: plain values from before sealing began
/// (migration `SealPersonalData`) and values under an earlier key (`cunwu rotate-key`).
enum PersonalDataStore {
    struct Column: Sendable, CustomStringConvertible {
        var table: String
        var column: String
        /// The column holding the value's keyed search hash, if it has one.
        var hashColumn: String?
        var description: String { "\(table).\(column)" }
    }

    /// Every column holding identity-card or phone numbers (and staged imports, which may).
    static var columns: [Column] {
        [Column(table: ServiceRequest.schema, column: "resident_phone", hashColumn: "resident_phone_hash"),
         Column(table: Complaint.schema, column: "complainant_phone"),
         Column(table: ImportBatch.schema, column: "payload")]
            + RecordKind.all.flatMap { kind in
                kind.fields.compactMap { field in
                    if case .personal = field.type { return Column(table: kind.table, column: field.column) }
                    return nil
                }
            }
    }

    struct Report: Sendable {
        /// Values sealed again (or for the first time), by column.
        var resealed: [String: Int] = [:]
        var total: Int { resealed.values.reduce(0, +) }
    }

    /// Seals under the keyring's current key every value that is not: plain values, and
    /// (unless `plainOnly`) values under an earlier key; rewrites their search hashes.
    /// Goes 500 rows at a time, each batch its own transaction, so it may run beside a
    /// serving application and may be stopped and run again. A row changed meanwhile by the
    /// application is left alone (the application seals with the current key itself).
    static func reseal(on db: any Database, keyring: Keyring, plainOnly: Bool = false,
                       progress: (@Sendable (Column, Int) -> Void)? = nil) async throws -> Report {
        var report = Report()
        for column in columns {
            var after: UUID?
            var count = 0
            while true {
                let sql = try Dialect.sql(db)
                var select = sql.select().column("id").column(SQLIdentifier(column.column)).from(column.table)
                    .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
                if let hash = column.hashColumn { select = select.column(SQLIdentifier(hash)) }
                if let after { select = select.where("id", .greaterThan, SQLBind(after)) }
                let rows = try await select.orderBy("id").limit(500).all()
                guard let last = rows.last else { break }
                after = try last.decode(column: "id", as: UUID.self)
                var changes: [(id: UUID, old: String, new: String, hash: String?)] = []
                for row in rows {
                    let stored = try row.decode(column: column.column, as: String.self)
                    let sealedNow = keyring.isCurrent(stored)
                    let plain = !stored.hasPrefix(Keyring.prefix)
                    let hashMissing = try column.hashColumn.map { try row.decode(column: $0, as: String?.self) == nil } ?? false
                    guard !sealedNow || hashMissing else { continue }
                    if plainOnly, !plain, !hashMissing { continue }
                    let value = try keyring.open(stored)
                    let resealed = sealedNow ? stored : try keyring.seal(value)
                    changes.append((try row.decode(column: "id", as: UUID.self), stored, resealed,
                                    column.hashColumn == nil ? nil : keyring.searchHash(phone: value)))
                }
                guard !changes.isEmpty else { continue }
                let batch = changes
                try await db.transaction { db in
                    let sql = try Dialect.sql(db)
                    for change in batch {
                        var update = sql.update(column.table).set(SQLIdentifier(column.column), to: SQLBind(change.new))
                        if let hashColumn = column.hashColumn, let hash = change.hash { update = update.set(SQLIdentifier(hashColumn), to: SQLBind(hash)) }
                        try await update.where("id", .equal, SQLBind(change.id)).where(SQLIdentifier(column.column), .equal, SQLBind(change.old)).run()
                    }
                }
                count += changes.count
                progress?(column, count)
            }
            if count > 0 { report.resealed[column.description] = count }
        }
        return report
    }

    /// How many stored values are not sealed under `keyring`'s current key, by column.
    static func notCurrent(on db: any Database, keyring: Keyring) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        let sql = try Dialect.sql(db)
        for column in columns {
            let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(column.table)
                .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
                .where(SQLIdentifier(column.column), .notLike, SQLBind(Keyring.prefix + keyring.current.id + ":%"))
                .first()
            let n = try row?.decode(column: "n", as: Int.self) ?? 0
            if n > 0 { out[column.description] = n }
        }
        return out
    }

    /// Whether any stored value is still plain text (before sealing began).
    static func anyPlain(on db: any Database) async throws -> Bool {
        let sql = try Dialect.sql(db)
        for column in columns {
            if try await sql.select().column("id").from(column.table).where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
                .where(SQLIdentifier(column.column), .notLike, SQLBind(Keyring.prefix + "%")).limit(1).first() != nil { return true }
        }
        return false
    }

    /// Fails when the configured keyring cannot open what the database holds: the first
    /// sealed value of each column is opened (a scan for every key id in use would read
    /// every row at every boot). Run by `serve` before it answers anyone, so a wrong key file
    /// is a clear message at boot rather than errors on every page; a value under a key
    /// missing from the ring elsewhere still fails with a message naming that key.
    static func checkKey(on db: any Database, keyring: Keyring) async throws {
        let sql = try Dialect.sql(db)
        for column in columns {
            guard let row = try await sql.select().column(SQLIdentifier(column.column)).from(column.table)
                .where(SQLIdentifier(column.column), .like, SQLBind(Keyring.prefix + "%")).limit(1).first() else { continue }
            _ = try keyring.open(try row.decode(column: column.column, as: String.self))
        }
    }
}

/// Seals the personal data stored before sealing began, and adds the requests' phone
/// search hash. A database with plain values needs the key to migrate; an empty one does not.
struct SealPersonalData: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceRequest.schema).field("resident_phone_hash", .string).update()
        guard try await PersonalDataStore.anyPlain(on: database) else { return }
        _ = try await PersonalDataStore.reseal(on: database, keyring: try PersonalData.keyring(), plainOnly: true)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServiceRequest.schema).deleteField("resident_phone_hash").update()
    }
}
