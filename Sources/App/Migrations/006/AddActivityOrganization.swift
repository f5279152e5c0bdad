import Fluent

/// `rec_activities.organization`: the social organization that held an activity (item 13),
/// added after the table shipped.
struct AddActivityOrganization: AsyncMigration {
    var name: String { "AddRecordField_rec_activities_organization" }

    func prepare(on database: any Database) async throws {
        try await database.schema("rec_activities").field("organization", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rec_activities").deleteField("organization").update()
    }
}
