import Fluent

/// The service station's record kinds (items 25–32): departments, posts, absences, services.
let stationRecordTables: [FrozenRecordTable] = [
    FrozenRecordTable(table: "rec_departments", columns: [
        ("name", .string), ("category", .string), ("phone", .string), ("duties", .string),
    ]),
    FrozenRecordTable(table: "rec_posts", columns: [
        ("name", .string), ("kind", .string), ("department", .string), ("holder_a", .string), ("holder_b", .string),
        ("duties", .string),
    ]),
    FrozenRecordTable(table: "rec_absences", columns: [
        ("worker", .string), ("kind", .string), ("from", .string), ("to", .string), ("note", .string),
    ]),
    FrozenRecordTable(table: "rec_services", columns: [
        ("code", .string), ("name", .string), ("field", .string), ("mode", .string), ("time_limit", .int64),
        ("post", .string), ("materials", .string), ("guide", .string), ("published", .bool),
    ]),
]

/// `rec_workers.account`: the sign-in name of a worker, added after the table shipped.
struct AddWorkerAccount: AsyncMigration {
    var name: String { "AddRecordField_rec_workers_account" }

    func prepare(on database: any Database) async throws {
        try await database.schema("rec_workers").field("account", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rec_workers").deleteField("account").update()
    }
}
