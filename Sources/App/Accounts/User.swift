import Fluent
import Vapor

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "disabled") var disabled: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$user) var roles: [RoleAssignment]
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $username, $displayName, $passwordHash, $failedLogins, $lockedUntil, $disabled, $createdAt, $roles] }

    init() {}

    init(id: UUID = UUID(), username: String, displayName: String, passwordHash: String) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.failedLogins = 0
        self.disabled = false
    }
}

/// A role a user holds at a unit; it covers the unit and everything below it.
/// System administrators hold their role with no unit (everywhere).
final class RoleAssignment: Model, @unchecked Sendable {
    static let schema = "role_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: Role
    @OptionalParent(key: "unit_id") var unit: OrgUnit?
    /// The unit's path, copied so scope checks need no join.
    @Field(key: "unit_path") var unitPath: String
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $user, $role, $unit, $unitPath] }

    init() {}

    init(userID: UUID, role: Role, unit: OrgUnit?) {
        self.$user.id = userID
        self.role = role
        self.$unit.id = unit?.id
        self.unitPath = unit?.path ?? "/"
    }
}

/// A signed-in browser or API client. Only a hash of the token is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $tokenHash, $user, $csrfToken, $createdAt, $lastSeenAt] }

    init() {}

    init(tokenHash: String, userID: UUID, csrfToken: String, now: Date) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
    }
}

/// Who changed what, when, with the object before and after (JSON).
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "username") var username: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @OptionalField(key: "object_id") var objectID: String?
    /// The unit the object belongs to, as a path, so officials see only their part.
    @Field(key: "unit_path") var unitPath: String
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $at, $userID, $username, $action, $objectType, $objectID, $unitPath, $before, $after] }

    init() {}
}
