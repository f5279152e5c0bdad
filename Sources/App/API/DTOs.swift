import Vapor

// The JSON API's own types. Fluent models are never encoded directly.

struct UnitDTO: Content, Equatable {
    var id: UUID
    var kind: UnitKind
    var name: String
    var code: String?
    var parentID: UUID?
    var openedOn: String?
    var closedOn: String?

    init(_ unit: OrgUnit) throws {
        id = try unit.requireID()
        kind = unit.kind
        name = unit.name
        code = unit.code
        parentID = unit.$parent.id
        openedOn = unit.openedOn
        closedOn = unit.closedOn
    }
}

/// Key figures of a unit: for a village its profile, for a township or district the sums below it.
struct KeyFiguresDTO: Content, Equatable {
    var villages: Int
    var households: Int
    var residentPopulation: Int
    /// Villages whose station has at least 50 m² (item 18).
    var stationsAtLeast50: Int
    /// Villages whose station opens at least 40 hours a week (item 28).
    var stationsOpen40Hours: Int

    init(_ figures: KeyFigures) {
        villages = figures.villages
        households = figures.households
        residentPopulation = figures.residentPopulation
        stationsAtLeast50 = figures.stationsAtLeast50
        stationsOpen40Hours = figures.stationsOpen40Hours
    }
}

struct ChildRowDTO: Content, Equatable {
    var unit: UnitDTO
    var figures: KeyFiguresDTO
    /// For a village: its profile.
    var profile: ProfileDTO?

    init(_ row: UnitRow) throws {
        unit = try UnitDTO(row.unit)
        figures = KeyFiguresDTO(row.figures)
        profile = row.profile?.values
    }
}

/// Something that needs doing at a village, and the page where it is done.
struct AttentionDTO: Content {
    var text: String
    var link: String
}

struct UnitPageDTO: Content {
    var unit: UnitDTO
    var ancestors: [UnitDTO]
    var figures: KeyFiguresDTO
    var children: [ChildRowDTO]
    var profile: ProfileDTO?
    var mayEditProfile: Bool
    var mayManageUnits: Bool
    /// For a village: what needs action now (overdue maintenance, …), in Chinese.
    var attention: [AttentionDTO]
    /// For a township, district or city: what waits for the reader (`QueueController`).
    var queue: QueueDTO?
}

struct UnitListDTO: Content {
    var units: [ChildRowDTO]
}

struct UnitInput: Content {
    var name: String
    var code: String?
    var openedOn: String?
    var closedOn: String?
    /// At the top only: "district" (the default) or "city"; below, the parent's child kind.
    var kind: String?

    init(name: String, code: String?, openedOn: String? = nil, closedOn: String? = nil) {
        self.name = name
        self.code = code
        self.openedOn = openedOn
        self.closedOn = closedOn
    }
}

/// A village's profile with the figures worked out from it: the model's own values, the
/// same the audit log records.
typealias ProfileDTO = VillageProfile.Values

extension VillageProfile.Values: Content {}

struct ProfileInput: Content {
    var households: Int
    var residentPopulation: Int
    var registeredPopulation: Int
    var area: Double
    var address: String
    var stationFloorArea: Double
    var openingHours: String
    var hotline: String
    /// Absent: unchanged (clients written before the field keep working).
    var busyFinances: Bool?
}

struct RoleDTO: Content, Equatable {
    var role: Role
    var unitID: UUID?
    var unitName: String?
}

struct UserDTO: Content {
    var id: UUID
    var username: String
    var displayName: String
    var disabled: Bool
    var locked: Bool
    var roles: [RoleDTO]
}

struct UserListDTO: Content {
    var users: [UserDTO]
    /// The cursor of the next page (nil on the last), and how many match in all.
    var next: String?
    var total: Int
}

struct NewUserInput: Content {
    var username: String
    var displayName: String
    var password: String
    var role: Role
    var unitID: UUID?
}

struct UserUpdateInput: Content {
    var displayName: String?
    var disabled: Bool?
    var password: String?
    var roles: [RoleInput]?

    init(displayName: String? = nil, disabled: Bool? = nil, password: String? = nil, roles: [RoleInput]? = nil) {
        self.displayName = displayName
        self.disabled = disabled
        self.password = password
        self.roles = roles
    }
}

struct RoleInput: Content {
    var role: Role
    var unitID: UUID?
}

struct LoginInput: Content {
    var username: String
    var password: String
}

struct MeDTO: Content {
    var id: UUID
    var username: String
    var displayName: String
    var roles: [RoleDTO]
    var csrfToken: String
}

struct AuditEventDTO: Content {
    var id: UUID
    var at: Date
    var username: String
    var action: String
    var objectType: String
    var objectID: String?
    /// The unit the event belongs to (a record's village, a sheet's unit).
    var unitID: String?
    var before: String?
    var after: String?
}

struct AuditListDTO: Content {
    var events: [AuditEventDTO]
    /// How many events match in all, and the cursor of the next page (nil on the last).
    var total: Int
    var next: String?
}

struct HealthDTO: Content {
    var status: String
    var database: String
}

struct EmptyDTO: Content {}
