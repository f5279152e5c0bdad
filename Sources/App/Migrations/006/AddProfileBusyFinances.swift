import Fluent

/// `village_profiles.busy_finances`: the village's collective finances are busy, so item 5's
/// finances are disclosed monthly (Organic Law of Villagers' Committees, Art. 30).
struct AddProfileBusyFinances: AsyncMigration {
    var name: String { "AddProfileBusyFinances" }

    func prepare(on database: any Database) async throws {
        try await database.schema("village_profiles").field("busy_finances", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("village_profiles").deleteField("busy_finances").update()
    }
}
