@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting
import SQLKit

/// Every route in the route table × every role × own / child / sibling / parent unit,
/// with the answer the access rule implies. A route added without a rule in the table
/// fails `everyRouteIsInTheTable`; a rule the code does not enforce fails the matrix.
@Suite("Authorization matrix, generated from the route table")
struct AuthorizationMatrixTests {
    /// The unit kinds a route's handler serves (others are 404 by design).
    static func kinds(for path: String, method: HTTPMethod = .GET) -> Set<UnitKind> {
        if path.hasSuffix("/cycles"), method == .POST { return [.city, .district] }
        if path.contains("/dashboard/") || path.hasSuffix("/queue") { return [.city, .district, .township] }
        if let kind = RecordKind.all.first(where: { path.contains("/records/\($0.key)") || path.contains("/api/v1/units/:unitID/\($0.key)") }) { return [kind.level] }
        if path.hasSuffix("/records") { return [.village, .township] }
        if path.hasSuffix("/profile") || path.hasSuffix("/standard") || path.hasSuffix("/evaluation") || path.hasSuffix("/plan") { return [.village] }
        if !path.hasSuffix("/station/stats"), ["/station", "/requests", "/complaints", "/integrations"].contains(where: { path.contains($0) }) { return [.village] }
        if path.hasSuffix("/new") || path.hasSuffix("/children") { return [.city, .district, .township] }
        return Set(UnitKind.allCases)
    }

    /// Ids that belong to one user or one record (a staged import, an attachment, a
    /// request, a complaint, a credential): any other id is 404 by design.
    static func ownedID(_ path: String) -> Bool {
        [":batchID", ":jobID", ":attachmentID", ":requestID", ":complaintID", ":keyID", ":cycleID", ":evidenceID"].contains { path.contains($0) }
    }

    enum Relation: String, CaseIterable { case own, child, sibling, parent }

    struct Case: CustomStringConvertible {
        var role: Role
        var relation: Relation
        var target: OrgUnit
        var description: String { "\(role.rawValue) → \(relation.rawValue) \(target.name)" }
    }

    /// What an access rule grants a role on a unit it sees, written out again from the
    /// standard's division of work (not from the policy's code): the village fills its own
    /// sheet, the level above reviews it, the district approves (the city a district's own
    /// sheet: no one approves their own); sending back is the reviewer's or the approver's.
    static func grants(_ access: Access, role: Role, target: UnitKind) -> Bool {
        switch access {
        case let .onUnit(permission): return role.permissions.contains(permission)
        case let .onSheet(duty):
            let reviewer: UnitKind = target == .village ? .township : target == .township ? .district : .city
            let approver: UnitKind = target == .district || target == .city ? .city : .district
            let fills = role.level == target && role.permissions.contains(.fillSheet)
            let reviews = role.level == reviewer && role.permissions.contains(.reviewSheets)
            let approves = role.level == approver && role.permissions.contains(.approveSheets)
            switch duty {
            case .fill: return fills
            case .review: return reviews
            case .approve: return approves
            case .sendBack, .supervise: return reviews || approves
            }
        default: return false
        }
    }

    /// Where each role is held in the world, and its related units.
    static func cases(_ world: World) -> [Case] {
        var cases: [Case] = []
        for role in Role.allCases where role != .admin {
            let (own, children, siblings, parents): (OrgUnit, [OrgUnit], [OrgUnit], [OrgUnit])
            switch role.level {
            case .city?: (own, children, siblings, parents) = (world.city, [world.districtA], [], [])
            case .district?: (own, children, siblings, parents) = (world.districtA, [world.townshipA1], [world.districtB], [world.city])
            case .township?: (own, children, siblings, parents) = (world.townshipA1, [world.villageV1], [world.townshipA2], [world.districtA])
            default: (own, children, siblings, parents) = (world.villageV1, [], [world.villageV2, world.villageV3], [world.townshipA1])
            }
            cases.append(Case(role: role, relation: .own, target: own))
            cases += children.map { Case(role: role, relation: .child, target: $0) }
            cases += siblings.map { Case(role: role, relation: .sibling, target: $0) }
            cases += parents.map { Case(role: role, relation: .parent, target: $0) }
        }
        return cases
    }

    /// The routes are checked in four shards, each on an application of its own, so the
    /// matrix (some 10,000 requests) runs on every core instead of holding up the suite.
    static let shards = 4

    @Test("every route answers as its access rule says, for every role and relation", arguments: 0..<shards)
    func matrix(shard: Int) async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            for role in Role.allCases {
                let unit: OrgUnit? = switch role.level {
                case .city?: world.city
                case .district?: world.districtA
                case .township?: world.townshipA1
                case .village?: world.villageV1
                case nil: nil
                }
                try await World.user(app, "u." + role.rawValue.lowercased(), role, at: unit)
            }
            var sessions: [Role: Session] = [:]
            for role in Role.allCases { sessions[role] = try await login(app, "u." + role.rawValue.lowercased()) }
            let records = try await Self.oneRecordOfEachKind(app, world)
            var checked = 0
            for (index, spec) in app.routeTable.specs.enumerated() where index % Self.shards == shard {
                switch spec.access {
                case .onUnit, .onSheet:
                    for item in Self.cases(world) where Self.kinds(for: spec.path, method: spec.method).contains(item.target.kind) {
                        let session = try #require(sessions[item.role])
                        let path = Self.fill(spec.path, unit: try item.target.requireID(), records: records)
                        let before = try await auditCount(app)
                        let status = try await send(app, spec.method, path, as: session, json: Self.body(for: spec)).status
                        let sees = item.relation == .own || item.relation == .child
                        let allowed = sees && Self.grants(spec.access, role: item.role, target: item.target.kind)
                        if !sees || !item.role.permissions.contains(.viewUnit) {
                            #expect(status == .notFound, "\(spec.method) \(spec.path) \(item): \(status)")
                        } else if !allowed {
                            #expect(status == .forbidden, "\(spec.method) \(spec.path) \(item): \(status)")
                        } else if Self.ownedID(spec.path) {
                            // A staged import belongs to the user who previewed it, so any other id is 404 by design;
                            // the refusals above still prove the rule.
                            #expect(![.forbidden, .unauthorized].contains(status), "\(spec.method) \(spec.path) \(item): \(status)")
                        } else {
                            #expect(![.notFound, .forbidden, .unauthorized].contains(status), "\(spec.method) \(spec.path) \(item): \(status)")
                        }
                        if !allowed { #expect(try await auditCount(app) == before, "a refused request wrote nothing") }
                        if Self.deletes(spec) { try await Self.undelete(app) }
                        checked += 1
                    }
                    // The administrator may do it anywhere.
                    let admin = try #require(sessions[.admin])
                    let kinds = Self.kinds(for: spec.path, method: spec.method)
                    let anyUnit = kinds.contains(.village) ? world.villageV3 : kinds.contains(.township) ? world.townshipA2 : world.districtB
                    let path = Self.fill(spec.path, unit: try anyUnit.requireID(), records: records)
                    let status = try await send(app, spec.method, path, as: admin, json: Self.body(for: spec)).status
                    #expect(![Self.ownedID(spec.path) ? .forbidden : .notFound, .forbidden, .unauthorized].contains(status), "admin \(spec.method) \(spec.path): \(status)")
                    if Self.deletes(spec) { try await Self.undelete(app) }
                case let .everywhere(permission), let .somewhere(permission):
                    for role in Role.allCases {
                        let session = try #require(sessions[role])
                        let path = spec.path.replacingOccurrences(of: ":userID", with: UUID().uuidString)
                        let status = try await send(app, spec.method, path, as: session, json: Self.body(for: spec)).status
                        let holds: Bool
                        if case .everywhere = spec.access { holds = role.level == nil && role.permissions.contains(permission) }
                        else { holds = role.permissions.contains(permission) }
                        if holds {
                            #expect(status != .forbidden && status != .unauthorized, "\(role) \(spec.method) \(spec.path): \(status)")
                        } else {
                            #expect(status == .notFound, "\(role) \(spec.method) \(spec.path): \(status)")
                        }
                        checked += 1
                    }
                case .signedIn:
                    for role in Role.allCases {
                        let status = try await send(app, spec.method, spec.path, as: try #require(sessions[role]), json: Self.body(for: spec)).status
                        // A job belongs to the user who started it: any other id is 404 by design.
                        let refused: [HTTPStatus] = Self.ownedID(spec.path) ? [.forbidden, .unauthorized] : [.notFound, .forbidden, .unauthorized]
                        #expect(!refused.contains(status), "\(role) \(spec.method) \(spec.path): \(status)")
                        checked += 1
                        // Signing out ends the session: sign in again for the routes after it.
                        if spec.path == "/logout" || spec.path == "/api/v1/session" {
                            sessions[role] = try await login(app, "u." + role.rawValue.lowercased())
                        }
                    }
                case .open:
                    break
                }
                // Nobody signed in: API routes say 401, pages send to the login page; open routes answer.
                if spec.access != .open {
                    let path = Self.fill(spec.path, unit: try world.villageV1.requireID(), records: records)
                        .replacingOccurrences(of: ":userID", with: UUID().uuidString)
                    let anonymous = try await send(app, spec.method, path, json: Self.body(for: spec))
                    if spec.path.hasPrefix("/api/") {
                        #expect(anonymous.status == .unauthorized || anonymous.status == .forbidden, "anonymous \(spec.method) \(spec.path): \(anonymous.status)")
                    } else if spec.method == .GET {
                        #expect(anonymous.status == .seeOther, "anonymous \(spec.method) \(spec.path): \(anonymous.status)")
                    } else {
                        #expect(anonymous.status == .forbidden || anonymous.status == .seeOther, "anonymous \(spec.method) \(spec.path): \(anonymous.status)")
                    }
                }
            }
            #expect(checked > 200 / Self.shards)
        }
    }

    /// One record of every kind in every village, so routes with :recordID have a real target.
    static func oneRecordOfEachKind(_ app: Application, _ world: World) async throws -> [String: UUID] {
        var ids: [String: UUID] = [:]
        var made: [String: [UUID: UUID]] = [:]
        for kind in RecordKind.all {
          for village in kind.level == .village ? [world.villageV1, world.villageV2, world.villageV3] : [world.townshipA1, world.townshipA2] {
            let villageID = try village.requireID()
            do {
                var values: [String: FieldValue] = [:]
                for field in kind.fields where field.required {
                    switch field.type {
                    case .date: values[field.key] = .text("2026-03-01")
                    case let .choice(choices): values[field.key] = .text(choices[0].value)
                    case .hundredths, .money, .integer: values[field.key] = .number(100)
                    case let .reference(target): values[field.key] = .text(made[target]?[villageID]?.uuidString ?? "")
                    default: values[field.key] = .text("测试")
                    }
                }
                let id = UUID()
                try await Dialect.sql(app.db).insert(into: kind.table)
                    .columns(["id", "unit_id", "unit_path"] + values.keys.compactMap { kind.field($0)?.column })
                    .values([SQLBind(id), SQLBind(villageID), SQLBind(village.path)] + values.values.map { value -> any SQLExpression in
                        switch value {
                        case let .text(t): return SQLBind(t)
                        case let .number(n): return SQLBind(n)
                        case let .flag(f): return SQLBind(f)
                        }
                    }).run()
                made[kind.key, default: [:]][villageID] = id
                ids["\(villageID.uuidString)/\(kind.key)"] = id
            }
          }
        }
        return ids
    }

    /// The route's path with its unit, and the record of that unit for :recordID.
    static func fill(_ path: String, unit: UUID, records: [String: UUID]) -> String {
        var filled = path.replacingOccurrences(of: ":unitID", with: unit.uuidString)
        if filled.contains(":recordID"), let kind = RecordKind.all.first(where: { path.contains("/\($0.key)/") }) {
            filled = filled.replacingOccurrences(of: ":recordID", with: records["\(unit.uuidString)/\(kind.key)"]?.uuidString ?? UUID().uuidString)
        }
        return filled
    }

    static func deletes(_ spec: RouteSpec) -> Bool { spec.method == .DELETE || spec.path.hasSuffix("/delete") }

    /// Brings back records a permitted delete removed, so later roles find them.
    static func undelete(_ app: Application) async throws {
        for kind in RecordKind.all {
            try await Dialect.sql(app.db).update(kind.table).set("deleted_at", to: SQLLiteral.null).run()
        }
    }

    /// A JSON body for writes (its content does not matter to authorization; invalid is fine).
    static func body(for spec: RouteSpec) -> [String: String]? {
        [.POST, .PUT, .PATCH, .DELETE].contains(spec.method) ? ["name": "测试单位"] : nil
    }

    @Test("every route the router serves is in the route table with an access rule")
    func everyRouteIsInTheTable() async throws {
        try await withApp { app, _ in
            let table = Set(app.routeTable.specs.map { "\($0.method.rawValue) \($0.path)" })
            for route in app.routes.all {
                let path = "/" + route.path.map(\.description).joined(separator: "/")
                #expect(table.contains("\(route.method.rawValue) \(path)"), "\(route.method) \(path) was added without an access rule")
            }
            #expect(table.count == app.routes.all.count)
        }
    }

    @Test("a village user gets 404, not the data, for another village's page and API object")
    func neighbourIsNotFound() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let other = try world.villageV2.requireID()
            let page = try await send(app, .GET, "/units/\(other)", as: session)
            #expect(page.status == .notFound)
            #expect(!page.body.contains("后辛庄村"))
            let api = try await send(app, .GET, "/api/v1/units/\(other)/profile", as: session)
            #expect(api.status == .notFound)
            #expect(api.body.contains("not_found") && !api.body.contains("households"))
            #expect(try await send(app, .GET, "/units/\(try world.villageV1.requireID())", as: session).status == .ok)
        }
    }
}
