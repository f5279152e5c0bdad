import Fluent
import Vapor

/// The roles of the product; each is held at a unit and covers everything below it.
enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case cityOfficial
    case districtOfficial
    case townshipOfficial
    case partySecretary
    case committeeMember
    case stationStaff
    case supervisor
    case organizationContact

    /// The unit level a role is held at (admin: none, it is everywhere).
    var level: UnitKind? {
        switch self {
        case .admin: return nil
        case .cityOfficial: return .city
        case .districtOfficial: return .district
        case .townshipOfficial: return .township
        case .partySecretary, .committeeMember, .stationStaff, .supervisor, .organizationContact: return .village
        }
    }

    var permissions: Set<Permission> {
        switch self {
        case .admin: return Set(Permission.allCases)
        // The city reviews and approves the districts' own sheets and opens a year's cycle
        // for every district at once; it keeps no sheet of its own.
        case .cityOfficial: return [.viewUnit, .manageUnits, .viewAudit, .manageCycles, .reviewSheets, .approveSheets, .startJobs]
        case .districtOfficial: return [.viewUnit, .manageUnits, .viewAudit, .manageDepartments, .manageCycles, .fillSheet, .reviewSheets, .approveSheets, .startJobs]
        case .townshipOfficial: return [.viewUnit, .manageDepartments, .fillSheet, .reviewSheets, .startJobs]
        case .partySecretary, .stationStaff: return [.viewUnit, .editProfile, .editRecords, .viewPersonalData, .handleRequests, .fillSheet, .startJobs]
        case .committeeMember: return [.viewUnit, .editProfile, .editRecords, .handleRequests, .fillSheet, .startJobs]
        case .supervisor: return [.viewUnit]
        case .organizationContact: return []
        }
    }
}

/// What a route needs. Each route names one (see `Access`).
enum Permission: String, Codable, Sendable, CaseIterable {
    /// See a unit's pages, its children and key figures.
    case viewUnit
    /// Change a village's profile.
    case editProfile
    /// Create and change units below a unit.
    case manageUnits
    /// Manage accounts and their roles (system administrators).
    case manageUsers
    /// Browse the audit log of a unit and everything below it.
    case viewAudit
    /// Create, change and delete a village's working records.
    case editRecords
    /// See identity-card and phone numbers unmasked (each view is audited).
    case viewPersonalData
    /// Take in and work on residents' service requests and complaints at the station.
    case handleRequests
    /// Keep a township's list of departments and offices that station posts answer to.
    case manageDepartments
    /// Edit the working-day calendar (holidays and make-up working days).
    case manageCalendar
    /// Open assessment cycles for a district.
    case manageCycles
    /// Fill in and submit one's own unit's assessment sheet (evidence, answers to returns).
    case fillSheet
    /// Review the sheets of the level below: accept or return evidenced checks, pass up or send back.
    case reviewSheets
    /// Approve (lock) and unlock sheets.
    case approveSheets
    /// Start work that runs in the background for a unit (an export, a recomputation):
    /// it costs the server minutes, so read-only roles (supervisors) cannot start it.
    case startJobs
}

/// A route's rule: who may call it. The one authorization path (`Authorizer`) reads it.
enum Access: Sendable, Equatable {
    /// Anyone, signed in or not.
    case open
    /// Any signed-in user.
    case signedIn
    /// A permission on the unit named by the route's `:unitID`.
    case onUnit(Permission)
    /// A duty on the assessment sheet of the unit named by `:unitID`: held by a role at the
    /// level that duty belongs to (`SheetDuty`), at or above the unit.
    case onSheet(SheetDuty)
    /// A permission held everywhere (a role with no unit).
    case everywhere(Permission)
    /// A permission held at some unit; the handler limits what it shows to those units.
    case somewhere(Permission)
}

/// The signed-in user with their role assignments, loaded once per request.
struct Principal: Sendable {
    let userID: UUID
    let username: String
    let displayName: String
    let assignments: [(role: Role, unitPath: String)]
    let csrfToken: String

    /// True when some role granting `permission` is held at `path` or above it.
    func may(_ permission: Permission, at path: String) -> Bool {
        assignments.contains { $0.role.permissions.contains(permission) && path.hasPrefix($0.unitPath) }
    }

    func mayAnywhere(_ permission: Permission) -> Bool {
        assignments.contains { $0.role.permissions.contains(permission) && $0.unitPath == "/" }
    }

    /// True when a role that may view units is held at `path` or above it.
    func mayView(_ path: String) -> Bool { may(.viewUnit, at: path) }

    var isAdmin: Bool { assignments.contains { $0.role == .admin } }

    /// The one unit this user works for (its id, and the level its roles there act at), or
    /// nil for the administrator and for whoever holds roles at several units: where a sign-in
    /// lands and what the menu offers.
    var homeUnit: (id: UUID, level: UnitKind)? {
        let places = Set(assignments.filter { $0.role.permissions.contains(.viewUnit) }.map(\.unitPath))
        guard places.count == 1, !isAdmin, let path = places.first,
              let id = path.split(separator: "/").last.flatMap({ UUID(uuidString: String($0)) }),
              let level = assignments.first(where: { $0.unitPath == path })?.role.level else { return nil }
        return (id, level)
    }

    /// True when the user may do `duty` on the sheet of a unit of `level` at `path`: a role
    /// of the duty's level holding its permission at or above the unit (the administrator
    /// everywhere). A township official may review a village's sheet but not fill it.
    func may(_ duty: SheetDuty, level: UnitKind, path: String) -> Bool {
        if isAdmin { return true }
        return duty.grants.contains { permission, dutyLevel in
            let wanted = dutyLevel(level)
            return assignments.contains { $0.role.level == wanted && $0.role.permissions.contains(permission) && path.hasPrefix($0.unitPath) }
        }
    }
}

/// The duties of the assessment workflow, each held at one level relative to the sheet's.
enum SheetDuty: String, Sendable, CaseIterable {
    /// Fill in, add evidence, answer, submit: the unit itself.
    case fill
    /// Review a submitted sheet: the level above (township for a village, district for a township).
    case review
    /// Approve and unlock: the district (the city for a district's own sheet).
    case approve
    /// Send back: the reviewer (a submitted sheet) or the district (a reviewed one).
    case sendBack
    /// Supervise the rectification list (督办 notes): the reviewer and the approver, as sending back.
    case supervise

    /// The level a sheet's reviewer works at: the level above (the city for a district).
    static func reviewerLevel(of level: UnitKind) -> UnitKind {
        switch level {
        case .village: return .township
        case .township: return .district
        case .district, .city: return .city
        }
    }

    /// The level that approves a sheet: the district, except for a district's own sheet,
    /// which the city approves (no one approves their own unit's sheet).
    static func approverLevel(of level: UnitKind) -> UnitKind { level == .district || level == .city ? .city : .district }

    /// Each permission that grants the duty, with the level (from the sheet's) it is held at.
    var grants: [(Permission, @Sendable (UnitKind) -> UnitKind)] {
        switch self {
        case .fill: return [(.fillSheet, { $0 })]
        case .review: return [(.reviewSheets, SheetDuty.reviewerLevel(of:))]
        case .approve: return [(.approveSheets, SheetDuty.approverLevel(of:))]
        case .sendBack, .supervise: return [(.reviewSheets, SheetDuty.reviewerLevel(of:)), (.approveSheets, SheetDuty.approverLevel(of:))]
        }
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in user (if any) at the application's time: who a change is by.
    var author: Author { Author(principal, at: now) }

    /// The signed-in user, or 401 / a redirect to the login page.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw AppError.signInRequired }
        return principal
    }
}

/// The one place that decides. A unit the user may not see is "not found" (404), so
/// nothing leaks that it exists; a unit they may see but not change is 403.
enum Authorizer {
    static func authorize(_ access: Access, request: Request) async throws -> OrgUnit? {
        switch access {
        case .open:
            return nil
        case .signedIn:
            _ = try request.requirePrincipal()
            return nil
        case let .everywhere(permission):
            let principal = try request.requirePrincipal()
            guard principal.mayAnywhere(permission) else { throw AppError.notFound }
            return nil
        case let .somewhere(permission):
            let principal = try request.requirePrincipal()
            guard principal.assignments.contains(where: { $0.role.permissions.contains(permission) }) else { throw AppError.notFound }
            return nil
        case let .onUnit(permission):
            let (principal, unit) = try await visibleUnit(request)
            guard principal.may(permission, at: unit.path) else { throw AppError.forbidden }
            return unit
        case let .onSheet(duty):
            let (principal, unit) = try await visibleUnit(request)
            guard principal.may(duty, level: unit.kind, path: unit.path) else { throw AppError.forbidden }
            return unit
        }
    }

    /// The unit named by `:unitID`, when the user may see it (else 404).
    private static func visibleUnit(_ request: Request) async throws -> (Principal, OrgUnit) {
        let principal = try request.requirePrincipal()
        guard let id = request.parameters.get("unitID").flatMap(UUID.init(uuidString:)),
              let unit = try await OrgUnit.load(id, on: request.readDB) else { throw AppError.notFound }
        guard principal.mayView(unit.path) else { throw AppError.notFound }
        return (principal, unit)
    }
}
