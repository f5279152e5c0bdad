@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A small JSON Schema checker for the subset the OpenAPI document uses
/// (type, properties, required, additionalProperties, items, enum, $ref).
struct SchemaChecker {
    let components: [String: Any]

    func problems(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = components[name] as? [String: Any] else { return ["\(path): unknown schema \(ref)"] }
            return problems(value, against: target, at: path)
        }
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty {
            let actual: String
            switch value {
            case is NSNull: actual = "null"
            case let number as NSNumber where String(cString: number.objCType) == "c" || String(cString: number.objCType) == "B": actual = "boolean"
            case let number as NSNumber: actual = number.doubleValue == number.doubleValue.rounded() ? "integer" : "number"
            case is String: actual = "string"
            case is [Any]: actual = "array"
            case is [String: Any]: actual = "object"
            default: actual = "unknown"
            }
            let ok = types.contains(actual) || (actual == "integer" && types.contains("number"))
            if !ok { return ["\(path): expected \(types) but found \(actual)"] }
        }
        if let allowed = schema["enum"] as? [String], let text = value as? String, !allowed.contains(text) {
            problems.append("\(path): \(text) not in \(allowed)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path).\(key): required") }
            if schema["additionalProperties"] as? Bool == false {
                for key in object.keys where properties[key] == nil { problems.append("\(path).\(key): not in the schema") }
            }
            for (key, child) in object {
                if let childSchema = properties[key] as? [String: Any] { problems += self.problems(child, against: childSchema, at: "\(path).\(key)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { problems += self.problems(element, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }
}

@Suite("The JSON API and its OpenAPI document")
struct APITests {
    static func document(_ app: Application) async throws -> [String: Any] {
        let body = try await send(app, .GET, "/api/v1/openapi.json").body
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test("the OpenAPI document is in its reader's language: Chinese by default, English with Accept-Language: en")
    func documentLanguage() async throws {
        try await withApp { app, _ in
            func summaries(_ headers: HTTPHeaders) async throws -> [String: String] {
                let body = try await send(app, .GET, "/api/v1/openapi.json", headers: headers).body
                let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
                var out: [String: String] = [:]
                for (path, operations) in paths { for (method, operation) in operations { out[method + " " + path] = operation["summary"] as? String } }
                return out
            }
            let chinese = try await summaries([:])
            let english = try await summaries(["Accept-Language": "en"])
            #expect(chinese["get /api/v1/me"] == "当前用户及其角色" && english["get /api/v1/me"] == "The signed-in user and their roles")
            #expect(english["get /api/v1/units/{unitID}/meetings"] == "Meetings: list")
            #expect(chinese.count == english.count && chinese.count > 100)
            // Every summary has its English: no Chinese is left in the English document's summaries.
            for (operation, summary) in english {
                #expect(!summary.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(operation): \(summary)")
            }
        }
    }

    @Test("every /api/v1 route is in the OpenAPI 3.1 document, and every documented path is served")
    func everyRouteDocumented() async throws {
        try await withApp { app, _ in
            let document = try await Self.document(app)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var served = Set<String>()
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case let .parameter(name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard path.hasPrefix("/api/v1/") || path.hasPrefix("/open311/") || path.hasPrefix("/integrations/"), path != "/api/v1/openapi.json" else { continue }
                let method = route.method.rawValue.lowercased()
                served.insert("\(method) \(path)")
                #expect(paths[path]?[method] != nil, "\(method) \(path) is missing from the OpenAPI document")
            }
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
            #expect(documented == served)
        }
    }

    @Test("every schema the document refers to is defined")
    func referencesResolve() async throws {
        try await withApp { app, _ in
            let document = try await Self.document(app)
            let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            var missing: [String] = []
            func walk(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let ref = object["$ref"] as? String, components[String(ref.split(separator: "/").last ?? "")] == nil { missing.append(ref) }
                    object.values.forEach(walk)
                } else if let array = value as? [Any] { array.forEach(walk) }
            }
            walk(document)
            #expect(missing.isEmpty, "undefined: \(Set(missing).sorted())")
        }
    }

    @Test("responses match their documented schemas")
    func responsesMatchSchemas() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let session = try await login(app, "root")
            let document = try await Self.document(app)
            let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let checker = SchemaChecker(components: components)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let village = try world.villageV1.requireID()
            let calls: [(HTTPMethod, String, String, [String: String]?)] = [
                (.GET, "/api/v1/me", "/api/v1/me", nil),
                (.GET, "/api/v1/units", "/api/v1/units", nil),
                (.GET, "/api/v1/units/\(village)", "/api/v1/units/{unitID}", nil),
                (.GET, "/api/v1/units/\(village)/profile", "/api/v1/units/{unitID}/profile", nil),
                (.GET, "/api/v1/users", "/api/v1/users", nil),
                (.GET, "/api/v1/audit", "/api/v1/audit", nil),
                (.POST, "/api/v1/units/\(try world.townshipA1.requireID())/children", "/api/v1/units/{unitID}/children", ["name": "新村"]),
                (.POST, "/api/v1/units/\(village)/meetings", "/api/v1/units/{unitID}/meetings",
                 ["kind": "representativeMeeting", "date": "2026-03-02", "title": "村民代表会议", "attendance": "30"]),
                (.GET, "/api/v1/units/\(village)/meetings", "/api/v1/units/{unitID}/meetings", nil),
                (.POST, "/api/v1/units/\(village)/volunteers", "/api/v1/units/{unitID}/volunteers", ["name": "李明", "phone": "13812345678"]),
                (.GET, "/api/v1/units/\(village)/volunteers", "/api/v1/units/{unitID}/volunteers", nil),
                (.GET, "/api/v1/units/\(village)/evaluation", "/api/v1/units/{unitID}/evaluation", nil),
                (.GET, "/api/v1/public/villages/\(village)/disclosures", "/api/v1/public/villages/{villageID}/disclosures", nil),
            ]
            for (method, url, template, body) in calls {
                let result = try await send(app, method, url, as: session, json: body)
                let operation = try #require(paths[template]?[method.rawValue.lowercased()] as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: Any])
                let documented = try #require(responses[String(result.status.code)] as? [String: Any], "\(url) answered \(result.status), undocumented")
                let schema = try #require(((documented["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
                let value = try JSONSerialization.jsonObject(with: Data(result.body.utf8))
                let problems = checker.problems(value, against: schema)
                #expect(problems.isEmpty, "\(method) \(url): \(problems)")
            }
            // Errors have the documented error body with the field named.
            let invalid = try await send(app, .POST, "/api/v1/units/\(try world.townshipA1.requireID())/children", as: session, json: ["name": ""])
            #expect(invalid.status == .unprocessableEntity)
            let errorSchema = try #require(components["Error"] as? [String: Any])
            #expect(checker.problems(try JSONSerialization.jsonObject(with: Data(invalid.body.utf8)), against: errorSchema).isEmpty)
            // The checker itself catches a wrong shape.
            #expect(!checker.problems(["units": "no"], against: ["$ref": "#/components/schemas/UnitList"]).isEmpty)
        }
    }

    @Test("administrators manage users: create with a role at a unit of its level, change roles, reset, disable")
    func users() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let session = try await login(app, "root")
            let weak = try await send(app, .POST, "/api/v1/users", as: session,
                                      json: NewUserInput(username: "Li", displayName: "", password: "li12345", role: .stationStaff, unitID: nil))
            #expect(weak.status == .unprocessableEntity)
            for field in ["username", "displayName", "password"] { #expect(weak.body.contains("\"field\":\"\(field)\"")) }
            let wrongLevel = try await send(app, .POST, "/api/v1/users", as: session,
                                            json: NewUserInput(username: "lixiu", displayName: "李秀英", password: World.password, role: .stationStaff, unitID: try world.townshipA1.requireID()))
            #expect(wrongLevel.status == .unprocessableEntity && wrongLevel.body.contains("unitID"))
            let created = try await send(app, .POST, "/api/v1/users", as: session,
                                         json: NewUserInput(username: "LiXiu", displayName: "李秀英", password: World.password, role: .stationStaff, unitID: try world.villageV1.requireID()))
            #expect(created.status == .created)
            let user = try JSONDecoder().decode(UserDTO.self, from: Data(created.body.utf8))
            #expect(user.username == "lixiu" && user.roles.first?.unitName == "前辛庄村")
            let duplicate = try await send(app, .POST, "/api/v1/users", as: session,
                                           json: NewUserInput(username: "lixiu", displayName: "李", password: World.password, role: .admin, unitID: nil))
            #expect(duplicate.status == .unprocessableEntity && duplicate.body.contains("已存在"))
            let li = try await login(app, "lixiu")
            // Disabling ends the user's sessions.
            let disabled = try await send(app, .PUT, "/api/v1/users/\(user.id)", as: session, json: UserUpdateInput(disabled: true))
            #expect(disabled.status == .ok)
            #expect(try await send(app, .GET, "/api/v1/me", as: li).status == .unauthorized)
            #expect(try await send(app, .POST, "/api/v1/session", json: LoginInput(username: "lixiu", password: World.password)).status == .unauthorized)
            // An administrator cannot lock themselves out.
            let me = try JSONDecoder().decode(MeDTO.self, from: Data(try await send(app, .GET, "/api/v1/me", as: session).body.utf8))
            #expect(try await send(app, .PUT, "/api/v1/users/\(me.id)", as: session, json: UserUpdateInput(disabled: true)).status == .unprocessableEntity)
            #expect(try await send(app, .PUT, "/api/v1/users/\(me.id)", as: session, json: UserUpdateInput(roles: [])).status == .unprocessableEntity)
            // Roles change in one step, audited.
            let moved = try await send(app, .PUT, "/api/v1/users/\(user.id)", as: session,
                                       json: UserUpdateInput(disabled: false, roles: [RoleInput(role: .townshipOfficial, unitID: try world.townshipA1.requireID())]))
            #expect(moved.status == .ok && moved.body.contains("townshipOfficial"))
            let events = try await AuditEvent.query(on: app.db).filter(\.$objectType == "user").filter(\.$action == "update").all()
            let event = try #require(events.first { $0.after?.contains("townshipOfficial") == true })
            #expect(event.before?.contains("stationStaff") == true)
            #expect(events.allSatisfy { ($0.after ?? "").contains("\"password") == false && ($0.after ?? "").contains("$2b$") == false },
                    "no password or hash in the audit log")
            // The pages work too.
            let list = try await send(app, .GET, "/admin/users", as: session)
            #expect(list.status == .ok && list.body.contains("李秀英"))
        }
    }

    @Test("serve --demo seeds the city, 2 districts, 3 townships, 15 villages and one user per role; again resets passwords only")
    func demo() async throws {
        try await withApp { app, _ in
            try await DemoData.seed(app)
            #expect(try await OrgUnit.query(on: app.db).filter(\.$kind == .village).count() == 15)
            #expect(try await OrgUnit.query(on: app.db).filter(\.$kind == .township).count() == 3)
            let districts = try await OrgUnit.query(on: app.db).filter(\.$kind == .district).all()
            let city = try #require(try await OrgUnit.query(on: app.db).filter(\.$kind == .city).first())
            #expect(districts.count == 2 && districts.allSatisfy { $0.$parent.id == city.id }, "both districts under the city")
            // The year's cycle is the city's, and 怀柔区's own sheet waits for the city.
            let cycle = try #require(try await AssessmentCycle.query(on: app.db).first())
            #expect(cycle.unitID == city.id)
            let own = try #require(try await AssessmentSheet.query(on: app.db).filter(\.$level == .district).filter(\.$state == .submitted).first())
            #expect(districts.first { $0.id == own.unitID }?.name == "怀柔区")
            let users = try await User.query(on: app.db).with(\.$roles).all()
            #expect(Set(users.flatMap { $0.roles.map(\.role) }) == Set(Role.allCases))
            try await DemoData.seed(app)
            #expect(try await OrgUnit.query(on: app.db).count() == 21)
            #expect(try await User.query(on: app.db).count() == DemoData.accounts.count, "one per role, and a second station at the approved village")
            let households = try await VillageProfile.query(on: app.db).all().map(\.households)
            #expect(Set(households).count == 15 && households.contains { $0 > 900 } && households.contains { $0 < 150 })
        }
    }

    @Test("--demo refuses a database that holds real data")
    func demoRefusesRealData() async throws {
        try await withApp { app, _ in
            _ = try await World.make(app)
            await #expect(throws: CommandFailure.self) { try await DemoData.seed(app) }
        }
    }
}
