import Fluent
import Foundation

/// Who makes a change and when, as the audit log records it. The web layer makes one from the
/// signed-in principal and the application's clock (`request.author`); code below the web layer
/// takes it as a value and never sees the request.
struct Author: Sendable {
    var userID: UUID?
    var username: String
    var at: Date

    init(userID: UUID?, username: String, at: Date) {
        self.userID = userID
        self.username = username
        self.at = at
    }

    init(_ principal: Principal?, at: Date) {
        self.init(userID: principal?.userID, username: principal?.username ?? "-", at: at)
    }
}

/// Writes the audit log: who, when, what object, before and after. Call inside the
/// same transaction as the change so both happen or neither. A change that can move a
/// village's results also drops its kept summary here (`Snapshots`).
enum Audit {
    static func record(on db: any Database, author: Author, action: String, objectType: String, objectID: String?,
                       unitPath: String, before: (some Encodable)?, after: (some Encodable)?) async throws {
        let event = AuditEvent()
        event.at = author.at
        event.userID = author.userID
        event.username = author.username
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
    static func record(on db: any Database, author: Author, action: String, objectType: String, objectID: String?,
                       unitPath: String, username: String? = nil, userID: UUID? = nil) async throws {
        let event = AuditEvent()
        event.at = author.at
        event.userID = userID ?? author.userID
        event.username = username ?? author.username
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
