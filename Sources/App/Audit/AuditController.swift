import Fluent
import Vapor

/// The audit log, for administrators (everything) and district officials (their district).
struct AuditController {
    func register(_ router: Router) {
        router.page(.GET, .audit, .somewhere(.viewAudit), page)
        router.api(.GET, .audit, .somewhere(.viewAudit), APIDoc(summary: T(.apiAudit), response: "AuditList",
                                                                          query: [("objectType", .string), ("objectID", .string), ("action", .string), ("username", .string),
                                                                                  ("from", .string), ("to", .string), ("limit", .integer), ("cursor", .string)]), api)
    }

    struct Filter {
        var objectType: String?
        var objectID: String?
        var action: String?
        var username: String?
        var from: String?
        var to: String?

        init(_ request: Request) throws {
            func text(_ name: String) -> String? {
                (request.query[String.self, at: name]).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
            }
            objectType = text("objectType")
            objectID = text("objectID")
            action = text("action")
            username = text("username")
            from = text("from")
            to = text("to")
        }
    }

    /// The unit paths whose events this user may read; empty when none.
    private func scopes(_ principal: Principal) -> [String] {
        if principal.mayAnywhere(.viewAudit) { return ["/"] }
        return principal.assignments.filter { $0.role.permissions.contains(.viewAudit) }.map(\.unitPath)
    }

    private func query(_ request: Request) async throws -> AuditListDTO {
        let principal = try request.requirePrincipal()
        let scopes = scopes(principal)
        guard !scopes.isEmpty else { throw AppError.notFound }
        let filter = try Filter(request)
        var v = Validator()
        let from = v.date("from", T(.auditFrom), filter.from)
        let to = v.date("to", T(.auditTo), filter.to)
        try v.finish()
        var query = AuditEvent.query(on: request.db)
        if !scopes.contains("/") {
            query = query.group(.or) { group in for scope in scopes { group.filter(\.$unitPath =~ scope) } }
        }
        if let type = filter.objectType { query = query.filter(\.$objectType == type) }
        if let id = filter.objectID { query = query.filter(\.$objectID == id) }
        if let action = filter.action { query = query.filter(\.$action == action) }
        if let name = filter.username { query = query.filter(\.$username == name.lowercased()) }
        if let from, let date = Self.beijingMidnight(from) { query = query.filter(\.$at >= date) }
        if let to, let date = Self.beijingMidnight(to) { query = query.filter(\.$at < date.addingTimeInterval(86_400)) }
        // Newest first a page at a time by (time, id), on the index (at).
        let page = try await Paging.newestByTime(request, query, time: \.$at)
        return AuditListDTO(events: try page.items.map {
            AuditEventDTO(id: try $0.requireID(), at: $0.at, username: $0.username, action: $0.action, objectType: $0.objectType,
                          objectID: $0.objectID, unitID: $0.unitPath.split(separator: "/").last.map(String.init), before: $0.before, after: $0.after)
        }, total: page.total, next: page.next)
    }

    static func beijingMidnight(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.date(from: text)
    }

    @Sendable func page(_ request: Request, _: OrgUnit?) async throws -> Response {
        let filter = try Filter(request)
        let result: AuditListDTO
        var errors: [FieldError] = []
        do { result = try await query(request) } catch let AppError.validation(e) {
            errors = e
            result = AuditListDTO(events: [], total: 0, next: nil)
        }
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        // The units the page's events belong to, by name, in one query.
        let unitIDs = Set(result.events.compactMap { $0.unitID.flatMap(UUID.init(uuidString:)) })
        let unitNames = unitIDs.isEmpty ? [:] : Dictionary(try await OrgUnit.query(on: request.db).filter(\.$id ~~ Array(unitIDs)).all()
            .compactMap { unit in unit.id.map { ($0.uuidString, unit.name) } }, uniquingKeysWith: { a, _ in a })
        let names = try await AuditNames.load(result.events, on: request.db)
        let body: Node = .group([
            .el("form", ["method": "get", "action": Route.audit.path, "class": "filters", "novalidate": ""], [
                Layout.errorSummary(errors),
                Layout.select("objectType", T(.auditObjectType), options: [("", T(.auditAnyType))] + AuditViews.types, selected: filter.objectType ?? "", errors: errors),
                Layout.select("action", T(.auditAction), options: [("", T(.auditAnyAction))] + AuditViews.actions, selected: filter.action ?? "", errors: errors),
                Layout.field("username", T(.auditUser), value: filter.username ?? "", errors: errors),
                .when(filter.objectID != nil, Layout.field("objectID", T(.auditObjectID), value: filter.objectID ?? "", errors: errors)),
                Layout.field("from", T(.auditFrom), value: filter.from ?? "", type: "date", errors: errors),
                Layout.field("to", T(.auditTo), value: filter.to ?? "", type: "date", errors: errors),
                .el("button", ["type": "submit"], T(.filter)),
            ]),
            Layout.table(caption: T(.pagingCaption, String(result.total), String(result.events.count)),
                         headers: [T(.auditAt), T(.auditUser), T(.auditAction), T(.auditObject), T(.auditChanges)],
                         rows: result.events.map { event in
                             let changes = AuditViews.changes(event, names: names)
                             var only = filter
                             only.objectType = event.objectType
                             only.objectID = event.objectID
                             return [.text(formatter.string(from: event.at)), .text(event.username), .text(AuditViews.actionLabel(event.action)),
                                     .group([.text(AuditViews.typeLabel(event.objectType) + T(.sepColon) + AuditViews.objectName(event, unitNames: unitNames, names: names)),
                                             .when(event.objectID != nil && filter.objectID == nil,
                                                   .group([.text(" "), .el("a", ["href": Paging.link(Route.audit.path, filters: Self.filters(only), cursor: nil)], T(.auditOnlyThis))]))]),
                                     changes.isEmpty ? .text("—") : .el("ul", ["class": "changes"], changes.map { .el("li", [:], $0) })]
                         }),
            Paging.pager(request, path: Route.audit.path, filters: Self.filters(filter).merging(request.query[String.self, at: "limit"].map { ["limit": $0] } ?? [:]) { a, _ in a },
                         next: result.next),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.auditTitle), body: body), status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The filters as an address's query items (empty ones left out).
    private static func filters(_ filter: Filter) -> [String: String] {
        var items: [String: String] = [:]
        for (name, value) in [("objectType", filter.objectType), ("objectID", filter.objectID), ("action", filter.action), ("username", filter.username),
                              ("from", filter.from), ("to", filter.to)] {
            if let value { items[name] = value }
        }
        return items
    }

    @Sendable func api(_ request: Request, _: OrgUnit?) async throws -> AuditListDTO {
        try await query(request)
    }
}

/// Liveness with the database: 200 when it answers, 503 when not.
struct HealthController {
    func register(_ router: Router) {
        router.page(.GET, .healthz, .open, health)
        router.page(.GET, .stylesheet, .open, stylesheet)
    }

    @Sendable func health(_ request: Request, _: OrgUnit?) async throws -> Response {
        do {
            _ = try await OrgUnit.query(on: request.db).limit(1).all()
            return AppErrorMiddleware.json(status: .ok, HealthDTO(status: "ok", database: "ok"))
        } catch {
            request.logger.warning("health check: database did not answer: \(error)")
            if DatabaseOutage.matches(error) { request.application.primaryLocator?.suspect(request.application) }
            let response = AppErrorMiddleware.json(status: .serviceUnavailable, HealthDTO(status: "unavailable", database: "error"))
            response.headers.replaceOrAdd(name: .retryAfter, value: String(AppError.retryAfterSeconds))
            return response
        }
    }

    @Sendable func stylesheet(_ request: Request, _: OrgUnit?) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        return Response(status: .ok, headers: headers, body: .init(string: Stylesheet.css))
    }
}
