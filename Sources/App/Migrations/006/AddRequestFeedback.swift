import Fluent

/// `service_requests.feedback` and `feedback_on`: the resident's rating of a completed
/// request, given once on the tracking page (the station's 满意率).
struct AddRequestFeedback: AsyncMigration {
    var name: String { "AddRequestFeedback" }

    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests").field("feedback", .string).update()
        try await database.schema("service_requests").field("feedback_on", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_requests").deleteField("feedback_on").update()
        try await database.schema("service_requests").deleteField("feedback").update()
    }
}
