import Fluent
import Vapor

/// Writes the audit log: who, when, what object, before and after. Call inside the
/// same transaction as the change so both happen or neither. A change that can move a
/// village's results also drops its kept summary here (`Snapshots`).
enum Audit {
    static func record(on db: any Database, request: Request, action: String, objectType: String, objectID: String?,
                       unitPath: String, before: (some Encodable)?, after: (some Encodable)?) async throws {
        let event = AuditEvent()
        event.at = request.now
        event.userID = request.principal?.userID
        event.username = request.principal?.username ?? "-"
        event.action = action
        event.objectType = objectType
        event.objectID = objectID
        event.unitPath = unitPath
        event.before = try before.map(json)
        event.after = try after.map(json)
        try await event.create(on: db)
        if Snapshots.affects(objectType: objectType, action: action) { try await Snapshots.invalidate(path: unitPath, on: db) }
    }

    /// For events with no before or after (sign-in, sign-out).
    static func record(on db: any Database, request: Request, action: String, objectType: String, objectID: String?,
                       unitPath: String, username: String? = nil, userID: UUID? = nil) async throws {
        let event = AuditEvent()
        event.at = request.now
        event.userID = userID ?? request.principal?.userID
        event.username = username ?? request.principal?.username ?? "-"
        event.action = action
        event.objectType = objectType
        event.objectID = objectID
        event.unitPath = unitPath
        try await event.create(on: db)
        if Snapshots.affects(objectType: objectType, action: action) { try await Snapshots.invalidate(path: unitPath, on: db) }
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
