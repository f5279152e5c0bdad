import Vapor

/// The OpenAPI 3.1 document of /api/v1, built from the route table (so every API route
/// is in it) and the schemas below (which tests check against real responses).
struct OpenAPIController {
    func register(_ router: Router) {
        router.page(.GET, .api(.openAPI), .open, document)
    }

    @Sendable func document(_ request: Request, _: OrgUnit?) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OpenAPI.document(request.application.routeTable.specs)))
    }
}

enum OpenAPI {
    typealias Model = OpenAPIModel

    static func document(_ specs: [RouteSpec]) throws -> Data {
        var paths: [String: [String: Model.Operation]] = [:]
        for spec in specs {
            guard let api = spec.api else { continue }
            let path = "/" + spec.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            var parameters = spec.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { name in
                Model.Parameter(name: String(name.dropFirst()), location: .path, required: true, schema: .uuid)
            }
            for parameter in api.query {
                var schema = Schema(types: [parameter.type])
                if parameter.type == .integer { schema.minimum = 1 }
                parameters.append(Model.Parameter(name: parameter.name, location: .query, required: false, schema: schema))
            }
            let operation = Model.Operation(
                summary: api.summary,
                operationId: spec.method.rawValue.lowercased() + path.split(separator: "/")
                    .map { $0.replacingOccurrences(of: "{", with: "By").replacingOccurrences(of: "}", with: "") }
                    .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                parameters: parameters.isEmpty ? nil : parameters,
                requestBody: api.request.map { Model.RequestBody(required: true, content: [api.multipart ? "multipart/form-data" : "application/json": Model.MediaType(schema: .ref($0))]) },
                responses: responses(api, access: spec.access, path: spec.path),
                security: spec.access == .open ? nil : [["session": [], "csrf": []]])
            paths[path, default: [:]][spec.method.rawValue.lowercased()] = operation
        }
        let schemas = schemas.merging(RecordJSON.schemas()) { current, _ in current }.merging(StationAPI.schemas) { current, _ in current }
            .merging(AssessmentAPI.schemas) { current, _ in current }
            .merging(RecordTransferController.schemas) { current, _ in current }
            .merging(PlanDTO.schemas) { current, _ in current }
        let document = Model.Document(
            info: Model.Info(title: T(.openAPITitle), version: "1.0.0", description: T(.openAPIInfo)),
            paths: paths,
            components: Model.Components(schemas: schemas, securitySchemes: [
                "session": Model.SecurityScheme(location: .cookie, name: SessionCookie.name),
                "csrf": Model.SecurityScheme(location: .header, name: CSRF.header),
            ]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    private static func responses(_ api: APIDoc, access: Access, path: String) -> [String: Model.Response] {
        // Open311 GeoReport v2 answers errors in its own shape: a list of {code, description}.
        let errorSchema = path.hasPrefix(Route.open311Prefix) ? "Open311Errors" : "Error"
        func error(_ description: String) -> Model.Response { .json(description, schema: errorSchema) }
        var responses: [String: Model.Response] = [
            String(api.status): .json(T(.openAPIOK), schema: api.response),
            "400": error(T(.openAPIBadRequest)),
            "422": error(T(.openAPIInvalid)),
            // Every route's input limits (docs/security.md, "Bounded input").
            "413": error(T(.openAPITooLarge)),
            "414": error(T(.openAPIURITooLong)),
            "431": error(T(.openAPIHeadersTooLarge)),
        ]
        for (status, description) in api.also { responses[String(status)] = error(T(description)) }
        if access != .open {
            responses["401"] = error(T(.openAPINotSignedIn))
            responses["403"] = error(T(.openAPIForbidden))
            responses["404"] = error(T(.openAPINotFoundOrHidden))
        } else if api.also.isEmpty {
            responses["401"] = error(T(.openAPIWrongPassword))
            responses["429"] = error(T(.openAPILocked))
        }
        if path.contains("/:"), responses["404"] == nil { responses["404"] = error(T(.openAPINotFound)) }
        return responses
    }

    typealias O = Schema

    static var schemas: [String: Schema] { [
        "Error": O.object(["error": O.object(["code": O.string, "message": O.string,
                                          "fields": O.array(O.object(["field": O.string, "message": O.string]))])]),
        "Empty": O.object([:]),
        "Open311Errors": O.array(O.object(["code": O.integer, "description": O.string])),
        "Evaluation": Schema(types: [.object], description: T(.openAPIEvaluation),
                              required: ["standard", "village", "year", "asOf", "score", "passMark", "passed", "tally", "areas", "goals", "items"]),
        "LoginInput": O.object(["username": O.string, "password": O.string]),
        "Unit": O.object(["id": O.uuid, "kind": O.oneOf(UnitKind.allCases.map(\.rawValue)), "name": O.string,
                        "code": O.string.nullable, "parentID": O.uuid.nullable, "openedOn": O.date.nullable, "closedOn": O.date.nullable],
                       required: ["id", "kind", "name"]),
        "UnitInput": O.object(["name": O.string, "code": Schema(types: [.string], pattern: "^[0-9]{12}$").nullable, "openedOn": O.date.nullable, "closedOn": O.date.nullable,
                                "kind": O.oneOf(["city", "district"]).nullable],
                            required: ["name"]),
        "KeyFigures": O.object(["villages": O.integer, "households": O.integer, "residentPopulation": O.integer,
                              "stationsAtLeast50": O.integer, "stationsOpen40Hours": O.integer]),
        "ChildRow": O.object(["unit": O.ref("Unit"), "figures": O.ref("KeyFigures"), "profile": O.ref("Profile")], required: ["unit", "figures"]),
        "UnitList": O.object(["units": O.array(O.ref("ChildRow"))]),
        "UnitPage": O.object(["unit": O.ref("Unit"), "ancestors": O.array(O.ref("Unit")), "figures": O.ref("KeyFigures"), "children": O.array(O.ref("ChildRow")),
                            "profile": O.ref("Profile"), "mayEditProfile": O.boolean, "mayManageUnits": O.boolean, "attention": O.array(O.object(["text": O.string, "link": O.string])),
                            "queue": O.ref("Queue")],
                           required: ["unit", "ancestors", "figures", "children", "mayEditProfile", "mayManageUnits", "attention"]),
        "Profile": O.object(["households": O.integer, "residentPopulation": O.integer, "registeredPopulation": O.integer, "area": O.number,
                           "address": O.string, "stationFloorArea": O.number, "openingHours": O.string, "weeklyOpeningMinutes": O.integer,
                           "hotline": O.string, "busyFinances": O.boolean, "requiredStationStaff": O.integer]),
        "ProfileInput": O.object(["households": O.integer, "residentPopulation": O.integer, "registeredPopulation": O.integer, "area": O.number,
                                "address": O.string, "stationFloorArea": O.number, "openingHours": O.string, "hotline": O.string,
                                "busyFinances": O.boolean]),
        "Role": O.object(["role": O.oneOf(Role.allCases.map(\.rawValue)), "unitID": O.uuid.nullable, "unitName": O.string.nullable],
                       required: ["role"]),
        "RoleInput": O.object(["role": O.oneOf(Role.allCases.map(\.rawValue)), "unitID": O.uuid.nullable], required: ["role"]),
        "User": O.object(["id": O.uuid, "username": O.string, "displayName": O.string, "disabled": O.boolean, "locked": O.boolean, "roles": O.array(O.ref("Role"))]),
        "UserList": O.object(["users": O.array(O.ref("User")), "next": O.string.nullable, "total": O.integer], required: ["users", "total"]),
        "NewUserInput": O.object(["username": O.string, "displayName": O.string, "password": O.string,
                                "role": O.oneOf(Role.allCases.map(\.rawValue)), "unitID": O.uuid.nullable],
                               required: ["username", "displayName", "password", "role"]),
        "UserUpdateInput": O.object(["displayName": O.string, "disabled": O.boolean, "password": O.string, "roles": O.array(O.ref("RoleInput"))], required: []),
        "Me": O.object(["id": O.uuid, "username": O.string, "displayName": O.string, "roles": O.array(O.ref("Role")), "csrfToken": O.string]),
        "AuditEvent": O.object(["id": O.uuid, "at": O.dateTime, "username": O.string, "action": O.string,
                              "objectType": O.string, "objectID": O.string.nullable, "unitID": O.string.nullable, "before": O.string.nullable, "after": O.string.nullable],
                             required: ["id", "at", "username", "action", "objectType"]),
        "AuditList": O.object(["events": O.array(O.ref("AuditEvent")), "total": O.integer, "next": O.string.nullable], required: ["events", "total"]),
    ] }
}
