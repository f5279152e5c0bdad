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
    static func document(_ specs: [RouteSpec]) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for spec in specs where spec.api != nil {
            guard let api = spec.api else { continue }
            let path = "/" + spec.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            var operation: [String: Any] = [
                "summary": api.summary,
                "operationId": spec.method.rawValue.lowercased() + path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "By").replacingOccurrences(of: "}", with: "") }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                "responses": responses(api, access: spec.access, path: spec.path),
            ]
            let parameters = spec.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { name -> [String: Any] in
                ["name": String(name.dropFirst()), "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
            }
            var all: [[String: Any]] = parameters
            for parameter in api.query {
                let schema: [String: Any] = parameter.type == "integer" ? ["type": "integer", "minimum": 1] : ["type": parameter.type]
                all.append(["name": parameter.name, "in": "query", "required": false, "schema": schema])
            }
            if !all.isEmpty { operation["parameters"] = all }
            if let body = api.request {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            if spec.access != .open {
                operation["security"] = [["session": [], "csrf": []]]
            }
            paths[path, default: [:]][spec.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "村务 Cunwu API", "version": "1.0.0",
                     "description": "北京市农村社区建设综合信息系统的 JSON API。登录后使用会话 Cookie，所有修改请求须带 X-CSRF-Token 头。"],
            "paths": paths,
            "components": [
                "schemas": schemas.merging(RecordJSON.schemas()) { current, _ in current }.merging(StationAPI.schemas) { current, _ in current }.merging(AssessmentAPI.schemas) { current, _ in current },
                "securitySchemes": [
                    "session": ["type": "apiKey", "in": "cookie", "name": SessionCookie.name],
                    "csrf": ["type": "apiKey", "in": "header", "name": CSRF.header],
                ],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    private static func responses(_ api: APIDoc, access: Access, path: String) -> [String: Any] {
        // Open311 GeoReport v2 answers errors in its own shape: a list of {code, description}.
        let errorSchema = path.hasPrefix(Route.open311Prefix) ? "Open311Errors" : "Error"
        func error(_ description: String) -> [String: Any] { Self.error(description, schema: errorSchema) }
        var responses: [String: Any] = [
            String(api.status): ["description": "成功", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(api.response)"]]]],
            "400": error("请求格式错误（不是本接口的JSON、不是UTF-8文字，或网址参数超过100个）"),
            "422": error("字段校验失败（fields 列出每个出错的字段）；也包括超出范围的数字、日期，以及含空字符等控制字符的文字"),
            // Every route's input limits (docs/security.md, "Bounded input").
            "413": error("请求体超过本接口的大小或字段数上限，未作任何更改"),
            "414": error("网址超过8 KB"),
            "431": error("请求头过大"),
        ]
        for (status, description) in api.also { responses[String(status)] = error(description) }
        if access != .open {
            responses["401"] = error("未登录")
            responses["403"] = error("无权操作，或CSRF令牌无效")
            responses["404"] = error("不存在或无权查看")
        } else if api.also.isEmpty {
            responses["401"] = error("用户名或密码错误")
            responses["429"] = error("账户已锁定")
        }
        if path.contains("/:"), responses["404"] == nil { responses["404"] = error("不存在") }
        return responses
    }

    static func error(_ description: String, schema: String = "Error") -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]]
    }

    static func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required ?? Array(properties.keys).sorted(), "additionalProperties": false]
    }

    static var string: [String: Any] { ["type": "string"] }
    static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var number: [String: Any] { ["type": "number"] }
    static var boolean: [String: Any] { ["type": "boolean"] }
    static var date: [String: Any] { ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"] }
    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var copy = schema
        copy["type"] = [schema["type"] ?? "string", "null"]
        return copy
    }
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }

    static var schemas: [String: Any] { [
        "Error": object(["error": object(["code": string, "message": string,
                                          "fields": array(object(["field": string, "message": string]))])]),
        "Empty": object([:]),
        "Open311Errors": array(object(["code": integer, "description": string])),
        "Evaluation": ["type": "object", "description": "评估结果：每条指导标准及其检查项的结果和说明（格式见 docs/facts.md 与 cunwu evaluate --format json）",
                       "required": ["standard", "village", "year", "asOf", "score", "passMark", "passed", "tally", "areas", "goals", "items"]],
        "LoginInput": object(["username": string, "password": string]),
        "Unit": object(["id": uuid, "kind": ["type": "string", "enum": UnitKind.allCases.map(\.rawValue)], "name": string,
                        "code": nullable(string), "parentID": nullable(uuid), "openedOn": nullable(date), "closedOn": nullable(date)],
                       required: ["id", "kind", "name"]),
        "UnitInput": object(["name": string, "code": nullable(["type": "string", "pattern": "^[0-9]{12}$"]), "openedOn": nullable(date), "closedOn": nullable(date)],
                            required: ["name"]),
        "KeyFigures": object(["villages": integer, "households": integer, "residentPopulation": integer,
                              "stationsAtLeast50": integer, "stationsOpen40Hours": integer]),
        "ChildRow": object(["unit": ref("Unit"), "figures": ref("KeyFigures"), "profile": ref("Profile")], required: ["unit", "figures"]),
        "UnitList": object(["units": array(ref("ChildRow"))]),
        "UnitPage": object(["unit": ref("Unit"), "ancestors": array(ref("Unit")), "figures": ref("KeyFigures"), "children": array(ref("ChildRow")),
                            "profile": ref("Profile"), "mayEditProfile": boolean, "mayManageUnits": boolean, "attention": array(string)],
                           required: ["unit", "ancestors", "figures", "children", "mayEditProfile", "mayManageUnits", "attention"]),
        "Profile": object(["households": integer, "residentPopulation": integer, "registeredPopulation": integer, "area": number,
                           "address": string, "stationFloorArea": number, "openingHours": string, "weeklyOpeningMinutes": integer,
                           "hotline": string, "requiredStationStaff": integer]),
        "ProfileInput": object(["households": integer, "residentPopulation": integer, "registeredPopulation": integer, "area": number,
                                "address": string, "stationFloorArea": number, "openingHours": string, "hotline": string]),
        "Role": object(["role": ["type": "string", "enum": Role.allCases.map(\.rawValue)], "unitID": nullable(uuid), "unitName": nullable(string)],
                       required: ["role"]),
        "RoleInput": object(["role": ["type": "string", "enum": Role.allCases.map(\.rawValue)], "unitID": nullable(uuid)], required: ["role"]),
        "User": object(["id": uuid, "username": string, "displayName": string, "disabled": boolean, "locked": boolean, "roles": array(ref("Role"))]),
        "UserList": object(["users": array(ref("User"))]),
        "NewUserInput": object(["username": string, "displayName": string, "password": string,
                                "role": ["type": "string", "enum": Role.allCases.map(\.rawValue)], "unitID": nullable(uuid)],
                               required: ["username", "displayName", "password", "role"]),
        "UserUpdateInput": object(["displayName": string, "disabled": boolean, "password": string, "roles": array(ref("RoleInput"))], required: []),
        "Me": object(["id": uuid, "username": string, "displayName": string, "roles": array(ref("Role")), "csrfToken": string]),
        "AuditEvent": object(["id": uuid, "at": ["type": "string", "format": "date-time"], "username": string, "action": string,
                              "objectType": string, "objectID": nullable(string), "before": nullable(string), "after": nullable(string)],
                             required: ["id", "at", "username", "action", "objectType"]),
        "AuditList": object(["events": array(ref("AuditEvent")), "total": integer, "page": integer, "perPage": integer]),
    ] }
}
