import Fluent
import StandardKit
import Vapor

/// Queries and changes of the hierarchy. Figures are computed set-based: one query for
/// the villages below a unit and one for their profiles, never one per village.
enum Hierarchy {
    static func ancestors(of unit: OrgUnit, on db: any Database) async throws -> [OrgUnit] {
        let ids = unit.lineage.dropLast()
        guard !ids.isEmpty else { return [] }
        let units = try await OrgUnit.query(on: db).filter(\.$id ~~ Array(ids)).all()
        return ids.compactMap { id in units.first { $0.id == id } }
    }

    /// Children in official order: by statistical division code, units without one last, then by name.
    static func children(of unit: OrgUnit, on db: any Database) async throws -> [OrgUnit] {
        sorted(try await OrgUnit.query(on: db).filter(\.$parent.$id == unit.requireID()).all())
    }

    static func sorted(_ units: [OrgUnit]) -> [OrgUnit] {
        units.sorted { precedes(($0.code, $0.name), ($1.code, $1.name)) }
    }

    /// The official order of two units by code and name.
    static func precedes(_ a: (code: String?, name: String), _ b: (code: String?, name: String)) -> Bool {
        switch (a.code, b.code) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.name < b.name
        }
    }

    /// The units a user sees on their home page: where they hold a role (the highest
    /// ones only), or every unit at the top (cities, districts without one) for roles held everywhere.
    static func topRows(for principal: Principal, on db: any Database) async throws -> [UnitRow] {
        let units: [OrgUnit]
        if principal.mayAnywhere(.viewUnit) {
            units = sorted(try await OrgUnit.query(on: db).filter(\.$parentKey == "root").all())
        } else {
            let paths = Set(principal.assignments.filter { $0.role.permissions.contains(.viewUnit) }.map(\.unitPath))
            let highest = paths.filter { path in !paths.contains { $0 != path && path.hasPrefix($0) } }
            let ids = highest.compactMap { $0.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) } }
            units = ids.isEmpty ? [] : sorted(try await OrgUnit.query(on: db).filter(\.$id ~~ ids).all())
        }
        return try await rows(for: units, on: db)
    }

    static func childRows(of unit: OrgUnit, on db: any Database) async throws -> [UnitRow] {
        try await rows(for: children(of: unit, on: db), on: db)
    }

    /// A unit's children with their key figures and the unit's own, from one read of the
    /// villages below it (the home page needs both: two reads of a city's 3,930 villages).
    static func childRowsAndFigures(of unit: OrgUnit, on db: any Database) async throws -> (rows: [UnitRow], figures: KeyFigures) {
        let villages = try await villageFigures(under: unit.path, on: db)
        return (try await rows(for: children(of: unit, on: db), villages: villages, on: db), figures(villages))
    }

    /// Key figures for each unit, from one query for the villages below all of them (the
    /// deepest path they share) and one pass over the result.
    static func rows(for units: [OrgUnit], on db: any Database) async throws -> [UnitRow] {
        guard !units.isEmpty else { return [] }
        return try await rows(for: units, villages: try await villageFigures(under: sharedPath(units.map(\.path)), on: db), on: db)
    }

    /// Key figures for each unit from villages already read (every one below them).
    private static func rows(for units: [OrgUnit], villages: [VillageFigures], on db: any Database) async throws -> [UnitRow] {
        guard !units.isEmpty else { return [] }
        // Village rows show the village's profile: read only for them.
        let villageIDs = units.filter { $0.kind == .village }.compactMap(\.id)
        let profiles = villageIDs.isEmpty ? [:] : Dictionary(try await VillageProfile.query(on: db).filter(\.$unit.$id ~~ villageIDs).all()
            .map { ($0.$unit.id, $0) }, uniquingKeysWith: { a, _ in a })
        return units.map { unit in
            // The model's path read once, not once a village (a Fluent field's getter is slow).
            let path = unit.path
            let below = villages.filter { $0.path.hasPrefix(path) }
            return UnitRow(unit: unit, figures: figures(below), profile: unit.kind == .village ? unit.id.flatMap { profiles[$0] } : nil)
        }
    }

    /// The longest path every one of `paths` starts with ("/" when they share no unit).
    static func sharedPath(_ paths: [String]) -> String {
        guard var shared = paths.first?.split(separator: "/").map(String.init) else { return "/" }
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/").map(String.init)
            shared = Array(zip(shared, parts).prefix { $0 == $1 }.map(\.0))
        }
        return shared.isEmpty ? "/" : "/" + shared.joined(separator: "/") + "/"
    }

    /// One village's share of the key figures.
    struct VillageFigures {
        var path: String
        var households: Int
        var residentPopulation: Int
        var stationAtLeast50: Bool
        var open40Hours: Bool
        var hasProfile: Bool
    }

    /// Every village below `path` with its key figures, in one statement over only the
    /// columns they need (a city's 3,930 villages and profiles read as models were most of
    /// its home page's time); each distinct opening schedule is parsed once.
    static func villageFigures(under path: String, on db: any Database) async throws -> [VillageFigures] {
        let sql = try Dialect.sql(db)
        var open40: [String: Bool] = [:]
        return try await sql.raw("""
            SELECT u.path, p.households, p.resident_population, p.station_floor_area, p.opening_hours
            FROM units u LEFT JOIN village_profiles p ON p.unit_id = u.id
            WHERE \(Dialect.pathBelow(sql, path)) AND u.kind = 'village'
            """).all().map { row in
            let hours = try row.decode(column: "opening_hours", as: String?.self)
            let enough = hours.map { hours in
                open40[hours] ?? {
                    let answer: Bool
                    if case let .success(intervals) = OpeningSchedule.parse(hours) { answer = OpeningSchedule.weeklyMinutes(intervals) >= 40 * 60 } else { answer = false }
                    open40[hours] = answer
                    return answer
                }()
            } ?? false
            return VillageFigures(path: try row.decode(column: "path", as: String.self),
                                  households: try row.decode(column: "households", as: Int?.self) ?? 0,
                                  residentPopulation: try row.decode(column: "resident_population", as: Int?.self) ?? 0,
                                  stationAtLeast50: (try row.decode(column: "station_floor_area", as: Double?.self) ?? 0) >= 50,
                                  open40Hours: enough, hasProfile: hours != nil)
        }
    }

    private static func figures(_ villages: [VillageFigures]) -> KeyFigures {
        var figures = KeyFigures(villages: villages.count, households: 0, residentPopulation: 0, stationsAtLeast50: 0, stationsOpen40Hours: 0)
        for village in villages where village.hasProfile {
            figures.households += village.households
            figures.residentPopulation += village.residentPopulation
            if village.stationAtLeast50 { figures.stationsAtLeast50 += 1 }
            if village.open40Hours { figures.stationsOpen40Hours += 1 }
        }
        return figures
    }

    // MARK: Changes

    static func create(_ input: UnitInput, kind: UnitKind, parent: OrgUnit?, author: Author, on db: any Database) async throws -> OrgUnit {
        return try await db.transaction { db in
            let clean = try await validate(input, parentKey: parent?.id?.uuidString ?? "root", excluding: nil, on: db)
            let unit = OrgUnit(kind: kind, name: clean.name, code: clean.code, parent: parent, openedOn: clean.openedOn, closedOn: clean.closedOn)
            try await unit.create(on: db)
            if kind == .village { try await VillageProfile(unitID: try unit.requireID()).create(on: db) }
            try await Audit.record(on: db, author: author, action: "create", objectType: "unit", objectID: unit.id?.uuidString,
                                   unitPath: unit.path, before: OrgUnit.AuditValues?.none, after: try unit.auditValues)
            return unit
        }
    }

    static func update(_ unit: OrgUnit, with input: UnitInput, author: Author, on db: any Database) async throws {
        try await db.transaction { db in
            let clean = try await validate(input, parentKey: unit.parentKey, excluding: unit.id, on: db)
            let before = try unit.auditValues
            unit.name = clean.name
            unit.code = clean.code
            unit.openedOn = clean.openedOn
            unit.closedOn = clean.closedOn
            try await unit.save(on: db)
            try await Audit.record(on: db, author: author, action: "update", objectType: "unit", objectID: unit.id?.uuidString,
                                   unitPath: unit.path, before: before, after: try unit.auditValues)
        }
    }

    /// Checks every field, and uniqueness of the name in its parent and of the code, so all
    /// problems are reported together.
    private static func validate(_ input: UnitInput, parentKey: String, excluding id: UUID?, on db: any Database) async throws -> UnitInput {
        var v = Validator()
        let name = v.text("name", T(.unitName), input.name, maxLength: 50)
        let code = v.divisionCode("code", input.code)
        // Villages and townships were set up long before 2000.
        let opened = v.date("openedOn", T(.unitOpenedOn), input.openedOn, range: RecordKind.dateYears)
        let closed = v.date("closedOn", T(.unitClosedOn), input.closedOn, range: RecordKind.dateYears)
        if let opened, let closed, closed < opened { v.fail("closedOn", T(.unitClosedBeforeOpened)) }
        let clean = UnitInput(name: name, code: code, openedOn: opened, closedOn: closed)
        for error in try await duplicates(clean, parentKey: parentKey, excluding: id, on: db) { v.fail(error.field, error.message) }
        try v.finish()
        return clean
    }

    private static func duplicates(_ input: UnitInput, parentKey: String, excluding id: UUID?, on db: any Database) async throws -> [FieldError] {
        var errors: [FieldError] = []
        var sameName = OrgUnit.query(on: db).filter(\.$parentKey == parentKey).filter(\.$name == input.name)
        if let id { sameName = sameName.filter(\.$id != id) }
        if !input.name.isEmpty, try await sameName.first() != nil { errors.append(FieldError(field: "name", message: T(.unitDuplicateName, input.name))) }
        if let code = input.code {
            var sameCode = OrgUnit.query(on: db).filter(\.$code == code)
            if let id { sameCode = sameCode.filter(\.$id != id) }
            if try await sameCode.first() != nil { errors.append(FieldError(field: "code", message: T(.unitDuplicateCode, code))) }
        }
        return errors
    }

    // MARK: Profiles

    static func profile(of unit: OrgUnit, on db: any Database) async throws -> VillageProfile {
        let id = try unit.requireID()
        if let profile = try await VillageProfile.query(on: db).filter(\.$unit.$id == id).first() { return profile }
        return VillageProfile(unitID: id)
    }

    static func saveProfile(_ input: ProfileInput, of unit: OrgUnit, author: Author, on db: any Database) async throws -> VillageProfile {
        try await db.transaction { db in
            let profile = try await profile(of: unit, on: db)
            let before = profile.id == nil ? nil : profile.values
            profile.households = input.households
            profile.residentPopulation = input.residentPopulation
            profile.registeredPopulation = input.registeredPopulation
            profile.area = input.area
            profile.address = input.address
            profile.stationFloorArea = input.stationFloorArea
            profile.openingHours = input.openingHours
            profile.hotline = input.hotline
            if let busy = input.busyFinances { profile.busyFinances = busy }
            try await profile.save(on: db)
            try await Audit.record(on: db, author: author, action: "update", objectType: "villageProfile", objectID: unit.id?.uuidString,
                                   unitPath: unit.path, before: before, after: profile.values)
            return profile
        }
    }
}

/// A unit with the key figures of the villages at or below it (and a village's profile), as
/// lists of units show it; the web layer turns it into `ChildRowDTO`.
struct UnitRow: Sendable {
    var unit: OrgUnit
    var figures: KeyFigures
    var profile: VillageProfile?
}

/// Key figures of a unit: for a village its profile, for a township or district the sums below it.
struct KeyFigures: Sendable, Equatable {
    var villages: Int
    var households: Int
    var residentPopulation: Int
    /// Villages whose station has at least 50 m² (item 18).
    var stationsAtLeast50: Int
    /// Villages whose station opens at least 40 hours a week (item 28).
    var stationsOpen40Hours: Int
}

extension OrgUnit {
    /// A unit as the audit log records it.
    struct AuditValues: Encodable {
        var id: UUID
        var kind: UnitKind
        var name: String
        var code: String?
        var parentID: UUID?
        var openedOn: String?
        var closedOn: String?
    }

    var auditValues: AuditValues {
        get throws { AuditValues(id: try requireID(), kind: kind, name: name, code: code, parentID: $parent.id, openedOn: openedOn, closedOn: closedOn) }
    }
}

extension VillageProfile {
    /// A profile's values with the figures worked out from them, as the audit log records
    /// them and the API shows them (the web layer sends this type as it is).
    struct Values: Codable, Equatable, Sendable {
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
        /// Finances disclosed monthly (item 5).
        var busyFinances: Bool
        /// Full-time station staff item 45 asks for: max(2, ⌈households ÷ 300⌉).
        var requiredStationStaff: Int
    }

    var values: Values {
        let minutes: Int
        if case let .success(intervals) = OpeningSchedule.parse(openingHours) {
            minutes = OpeningSchedule.weeklyMinutes(intervals)
        } else {
            minutes = 0
        }
        return Values(households: households, residentPopulation: residentPopulation, registeredPopulation: registeredPopulation,
                           area: area, address: address, stationFloorArea: stationFloorArea, openingHours: openingHours,
                           weeklyOpeningMinutes: minutes, hotline: hotline, busyFinances: busyFinances, requiredStationStaff: max(2, (households + 299) / 300))
    }
}

/// The profile form's values as typed, kept for re-display when invalid.
struct ProfileForm {
    var households = "", residentPopulation = "", registeredPopulation = "", area = "", address = ""
    var stationFloorArea = "", openingHours = "", hotline = ""
    var busyFinances = false

    init(_ profile: VillageProfile) {
        households = String(profile.households)
        residentPopulation = String(profile.residentPopulation)
        registeredPopulation = String(profile.registeredPopulation)
        area = RuleFormat.number(profile.area)
        address = profile.address
        stationFloorArea = RuleFormat.number(profile.stationFloorArea)
        openingHours = profile.openingHours
        hotline = profile.hotline
        busyFinances = profile.busyFinances
    }

    init(_ form: FormFields) {
        households = form["households"] ?? ""
        residentPopulation = form["residentPopulation"] ?? ""
        registeredPopulation = form["registeredPopulation"] ?? ""
        area = form["area"] ?? ""
        address = form["address"] ?? ""
        stationFloorArea = form["stationFloorArea"] ?? ""
        openingHours = form["openingHours"] ?? ""
        hotline = form["hotline"] ?? ""
        busyFinances = form["busyFinances"] == "on"
    }

    /// Reads and checks every field at once, so the form shows all its problems together.
    func validated() throws -> ProfileInput {
        var v = Validator()
        let input = ProfileInput(
            households: v.integer("households", T(.profileHouseholds), households, range: 0...100_000),
            residentPopulation: v.integer("residentPopulation", T(.profileResidentPopulation), residentPopulation, range: 0...1_000_000),
            registeredPopulation: v.integer("registeredPopulation", T(.profileRegisteredPopulation), registeredPopulation, range: 0...1_000_000),
            area: v.decimal("area", T(.profileArea), area, range: 0...10_000),
            address: address, stationFloorArea: v.decimal("stationFloorArea", T(.profileStationFloorArea), stationFloorArea, range: 0...100_000),
            openingHours: openingHours, hotline: hotline, busyFinances: busyFinances)
        let clean = Self.checkText(input, &v)
        try v.finish()
        return clean
    }

    /// Checks a typed input (the API's).
    static func validate(_ input: ProfileInput) throws -> ProfileInput {
        var v = Validator()
        _ = v.integer("households", T(.profileHouseholds), input.households, range: 0...100_000)
        _ = v.integer("residentPopulation", T(.profileResidentPopulation), input.residentPopulation, range: 0...1_000_000)
        _ = v.integer("registeredPopulation", T(.profileRegisteredPopulation), input.registeredPopulation, range: 0...1_000_000)
        _ = v.decimal("area", T(.profileArea), input.area, range: 0...10_000)
        _ = v.decimal("stationFloorArea", T(.profileStationFloorArea), input.stationFloorArea, range: 0...100_000)
        let clean = checkText(input, &v)
        try v.finish()
        return clean
    }

    /// The text fields: address, the opening schedule (every line checked), the hotline.
    private static func checkText(_ input: ProfileInput, _ v: inout Validator) -> ProfileInput {
        let address = v.text("address", T(.profileAddress), input.address, required: false, maxLength: 200)
        let schedule = input.openingHours.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if case let .failure(problems) = OpeningSchedule.parse(schedule) {
            v.fail("openingHours", problems.lines.map(\.message).joined(separator: T(.sepSemicolon)))
        }
        let hotline = v.text("hotline", T(.profileHotline), input.hotline, required: false, maxLength: 30)
        if !hotline.allSatisfy({ $0.isASCII && ($0.isNumber || "-+() ".contains($0)) }) { v.fail("hotline", T(.profileHotlineFormat)) }
        var clean = input
        clean.address = address
        clean.openingHours = schedule
        clean.hotline = hotline
        return clean
    }
}

/// Number formatting shared by pages: StandardKit's, so pages and explanations agree.
enum RuleFormat {
    static func number(_ value: Double) -> String { Figure.text(value) }
}
