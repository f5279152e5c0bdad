import Fluent
import Foundation

/// An import previewed and waiting for confirmation.
final class ImportBatch: Model, @unchecked Sendable {
    static let schema = "import_batches"

    @ID(key: .id) var id: UUID?
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "created_at") var createdAt: Date
    /// The rows' values as JSON: [[field: value]]; sealed at rest, for they may hold
    /// identity-card and phone numbers (`PersonalData`).
    @Field(key: "payload") var sealedPayload: Sealed
    @Field(key: "row_count") var rowCount: Int
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $unitID, $kind, $userID, $createdAt, $sealedPayload, $rowCount] }

    init() {}

    var payload: String {
        get { sealedPayload.plain }
        set { sealedPayload = Sealed(newValue) }
    }
}
