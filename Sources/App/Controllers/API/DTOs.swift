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
        profile = row.profile.map(ProfileDTO.init)
    }
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
    var attention: [String]
}

struct UnitListDTO: Content {
    var units: [ChildRowDTO]
}

struct UnitInput: Content {
    var name: String
    var code: String?
    var openedOn: String?
    var closedOn: String?

    init(name: String, code: String?, openedOn: String? = nil, closedOn: String? = nil) {
        self.name = name
        self.code = code
        self.openedOn = openedOn
        self.closedOn = closedOn
    }
}

struct ProfileDTO: Content, Equatable {
    var households: Int
    var residentPopulation: Int
    var registeredPopulation: Int
    var area: Double
    var address: String
    var stationFloorArea: Double
    /// One rule per line, e.g. "周一至周五 08:30-12:00 13:30-17:30".
    var openingHours: String
    var weeklyOpeningMinutes: Int
    var hotline: String
    /// Full-time station staff item 45 asks for: max(2, ⌈households ÷ 300⌉).
    var requiredStationStaff: Int

    init(_ profile: VillageProfile) {
        let values = profile.auditValues
        households = values.households
        residentPopulation = values.residentPopulation
        registeredPopulation = values.registeredPopulation
        area = values.area
        address = values.address
        stationFloorArea = values.stationFloorArea
        openingHours = values.openingHours
        weeklyOpeningMinutes = values.weeklyOpeningMinutes
        hotline = values.hotline
        requiredStationStaff = values.requiredStationStaff
    }
}

struct ProfileInput: Content {
    var households: Int
    var residentPopulation: Int
    var registeredPopulation: Int
    var area: Double
    var address: String
    var stationFloorArea: Double
    var openingHours: String
    var hotline: String
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
    var before: String?
    var after: String?
}

struct AuditListDTO: Content {
    var events: [AuditEventDTO]
    var total: Int
    var page: Int
    var perPage: Int
}

struct HealthDTO: Content {
    var status: String
    var database: String
}

struct EmptyDTO: Content {}
