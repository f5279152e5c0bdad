import Fluent
import SQLKit
import Vapor

/// The levels of the hierarchy: city (市, the municipal civil-affairs bureau) → district
/// (区县) → township (乡镇) → village community (社区/村). A deployment for one district
/// alone may have its districts at the top, with no city above them.
enum UnitKind: String, Codable, Sendable, CaseIterable {
    case city, district, township, village

    var childKind: UnitKind? {
        switch self {
        case .city: return .district
        case .district: return .township
        case .township: return .village
        case .village: return nil
        }
    }
}

/// One unit of the hierarchy. `path` is the materialized chain of ids ("/d/t/v/") so
/// "this unit and everything below it" is one indexed prefix match.
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "units"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: UnitKind
    @Field(key: "name") var name: String
    @OptionalField(key: "code") var code: String?
    @OptionalParent(key: "parent_id") var parent: OrgUnit?
    /// The parent's id as text, or "root": unique with `name`, so names are unique within a parent.
    @Field(key: "parent_key") var parentKey: String
    @Field(key: "path") var path: String
    @OptionalField(key: "opened_on") var openedOn: String?
    @OptionalField(key: "closed_on") var closedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $kind, $name, $code, $parent, $parentKey, $path, $openedOn, $closedOn, $createdAt, $updatedAt] }

    init() {}

    init(id: UUID = UUID(), kind: UnitKind, name: String, code: String?, parent: OrgUnit?, openedOn: String? = nil, closedOn: String? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.code = code
        self.$parent.id = parent?.id
        self.parentKey = parent?.id?.uuidString ?? "root"
        self.path = (parent?.path ?? "/") + id.uuidString + "/"
        self.openedOn = openedOn
        self.closedOn = closedOn
    }

    /// Ids of this unit and its ancestors, from the top.
    var lineage: [UUID] { path.split(separator: "/").compactMap { UUID(uuidString: String($0)) } }

    /// One unit by id, as `find` loads it but without Fluent's reflection over the model
    /// (a tenth of an intake's CPU went to it): every page and API call on a unit loads it.
    /// A prepared statement on PostgreSQL (`Frequent`).
    static func load(_ id: UUID, on db: any Database) async throws -> OrgUnit? {
        guard let row = try await PlacedRows.frequent(ByID.self, [.uuid(id)], columns: columns, on: db).first else { return nil }
        return try OrgUnit(row: row)
    }

    private enum ByID: FrequentStatement {
        static let sql = "SELECT \(OrgUnit.columns.joined(separator: ", ")) FROM units WHERE id = $1"
    }

    /// The unit at `path` and every unit below it, loaded the same way (a district
    /// dashboard's 300 units spent a tenth of the page in Fluent's reflection).
    static func below(_ path: String, on db: any Database) async throws -> [OrgUnit] {
        let sql = try Dialect.sql(db)
        return try await PlacedRows.all(columns, "FROM units u WHERE \(Dialect.pathBelow(sql, path))", on: db).compactMap(OrgUnit.init(row:))
    }

    fileprivate static let columns = ["id", "kind", "name", "code", "parent_id", "parent_key", "path", "opened_on", "closed_on", "created_at", "updated_at"]

    /// The unit at `path` and every unit below it as names and places only, no models, read
    /// by column place: the city's queue names sheets among its 4,100 units, and building them
    /// as models was a quarter of the city's home page; a district's dashboard groups and
    /// orders its 300 villages by them.
    static func names(below path: String, on db: any Database) async throws -> [UnitName] {
        let sql = try Dialect.sql(db)
        return try await PlacedRows.all(["id", "kind", "name", "code", "path", "parent_id"], "FROM units u WHERE \(Dialect.pathBelow(sql, path))", on: db)
            .compactMap { row in
                var row = row
                let id = try row.next(UUID.self)
                guard let kind = UnitKind(rawValue: try row.next(String.self)) else { return nil }
                return UnitName(id: id, kind: kind, name: try row.next(String.self), code: try row.next(String?.self), path: try row.next(String.self),
                                parentID: try row.next(UUID?.self))
            }
    }

    /// A unit from a row of `columns`, every field above set (nil for an unknown kind). A
    /// field added to the model must be added here too: a test compares it with `find`
    /// field by field.
    private convenience init?(row: PlacedRow) throws {
        var row = row
        let id = try row.next(UUID.self)
        guard let kind = UnitKind(rawValue: try row.next(String.self)) else { return nil }
        self.init()
        self.id = id
        self.kind = kind
        name = try row.next(String.self)
        code = try row.next(String?.self)
        $parent.id = try row.next(UUID?.self)
        parentKey = try row.next(String.self)
        path = try row.next(String.self)
        openedOn = try row.next(String?.self)
        closedOn = try row.next(String?.self)
        createdAt = try row.next(Date?.self)
        updatedAt = try row.next(Date?.self)
        $id.exists = true
    }
}

/// A unit's id, kind, name, code, place and parent (`OrgUnit.names(below:on:)`).
struct UnitName: Sendable, Equatable {
    var id: UUID
    var kind: UnitKind
    var name: String
    var code: String?
    var path: String
    var parentID: UUID?
}

/// A village's profile (item 18's floor area, item 28's opening schedule, item 45's households…).
final class VillageProfile: Model, @unchecked Sendable {
    static let schema = "village_profiles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "unit_id") var unit: OrgUnit
    @Field(key: "households") var households: Int
    @Field(key: "resident_population") var residentPopulation: Int
    @Field(key: "registered_population") var registeredPopulation: Int
    /// Square kilometres.
    @Field(key: "area") var area: Double
    @Field(key: "address") var address: String
    /// Square metres.
    @Field(key: "station_floor_area") var stationFloorArea: Double
    /// The weekly schedule as text, one interval per line: "1 08:30-12:00" (weekday 1 = Monday).
    @Field(key: "opening_hours") var openingHours: String
    @Field(key: "hotline") var hotline: String
    /// Collective finances are busy: item 5's finances are disclosed monthly (Organic Law, Art. 30).
    @Field(key: "busy_finances") var busyFinances: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $unit, $households, $residentPopulation, $registeredPopulation, $area, $address, $stationFloorArea, $openingHours,
            $hotline, $busyFinances, $updatedAt
        ]
    }

    init() {}

    init(unitID: UUID) {
        self.$unit.id = unitID
        households = 0
        residentPopulation = 0
        registeredPopulation = 0
        area = 0
        address = ""
        stationFloorArea = 0
        openingHours = ""
        hotline = ""
        busyFinances = false
    }
}
