import Vapor

extension Route {
    /// The sign-in page, coming back to `next` (when it stays on this site) afterwards.
    static func loginPath(next: String?) -> String {
        guard let next = next.flatMap(Route.localPath) else { return Route.login.path }
        return Route.login.path + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// The language switch, going back to `next` afterwards.
    static func languagePath(_ language: Language, next: String) -> String {
        Route.language(.value(language)).path + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// `path` when it stays on this site, else nil: the one test of every `next` target.
    /// It must start with a single `/` and hold no backslash (browsers read `/\\host` as
    /// `//host`), no whitespace or control character (browsers drop tabs and newlines, so
    /// `/\t/host` becomes `//host`), no scheme and no host, and stay short.
    static func localPath(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), path.utf8.count <= 2048,
              !path.contains("\\"),
              !path.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }),
              let components = URLComponents(string: path), components.scheme == nil, components.host == nil, components.user == nil,
              components.path.hasPrefix("/") else { return nil }
        // An encoded slash or backslash right after the first would be decoded by some
        // servers and proxies in front of us into `//host`.
        let lower = path.lowercased()
        guard !lower.hasPrefix("/%2f"), !lower.hasPrefix("/%5c") else { return nil }
        return path
    }
}

/// Documentation of an API route for the OpenAPI document.
struct APIDoc: Sendable {
    /// Said in the language of whoever reads the document, not of the boot.
    private let saySummary: @Sendable () -> String
    var summary: String { saySummary() }
    var request: String?
    var response: String
    var status: Int
    /// Further documented error statuses (409 conflict, 401 bad signature, 429 …).
    var also: [Int: L]
    /// Optional query parameters, in order: name and JSON Schema type.
    var query: [(name: String, type: Schema.Kind)]
    /// The request is a file upload (multipart/form-data), not JSON.
    var multipart: Bool

    init(summary: @escaping @autoclosure @Sendable () -> String, request: String? = nil, response: String, status: Int = 200,
         also: [Int: L] = [:], query: [(name: String, type: Schema.Kind)] = [], multipart: Bool = false) {
        saySummary = summary
        self.multipart = multipart
        self.request = request
        self.response = response
        self.status = status
        self.also = also
        self.query = query
    }
}

/// Where a route's CSRF token is checked.
enum CSRFCheck: Sendable {
    /// Before the handler (every route unless it says otherwise).
    case router
    /// Not for machine clients that authenticate in the request itself (an api_key in the
    /// form, a signature; no cookies): there is no ambient credential to forge with. A
    /// request that does carry a session cookie is still checked.
    case machineClient
    /// By the handler itself, which answers a failed check in its own way (the login form
    /// shows itself again with a fresh token instead of a dead end).
    case handler
}

/// One registered route and what it needs: the route table that the authorization
/// matrix test and the OpenAPI document are built from.
struct RouteSpec: Sendable {
    var method: HTTPMethod
    var route: Route
    var path: String { route.pattern }
    var access: Access
    var api: APIDoc?
    var limits: RequestLimits
    /// Where its work runs (`Lane`).
    var lane: Lane
}

final class RouteTable: @unchecked Sendable {
    private(set) var specs: [RouteSpec] = []
    func add(_ spec: RouteSpec) { specs.append(spec) }
}

extension Application {
    private struct RouteTableKey: StorageKey { typealias Value = RouteTable }
    var routeTable: RouteTable {
        if let table = storage[RouteTableKey.self] { return table }
        let table = RouteTable()
        storage[RouteTableKey.self] = table
        return table
    }
}

/// The only way routes are added: each states its access rule, which is enforced before
/// the handler runs (authorization, then CSRF for state-changing requests).
struct Router {
    let app: Application

    func page(_ method: HTTPMethod, _ route: Route, _ access: Access, limits: RequestLimits? = nil, csrf: CSRFCheck = .router,
              reads: Reading.Target = .primary, lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit?) async throws -> Response) {
        add(method, route, access, api: nil, limits: limits, csrf: csrf, reads: reads, lane: lane, handler)
    }

    func api<T: Content>(_ method: HTTPMethod, _ route: APIRoute, _ access: Access, _ doc: APIDoc, reads: Reading.Target = .primary,
                         lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit?) async throws -> T) {
        add(method, .api(route), access, api: doc, reads: reads, lane: lane) { request, unit in
            let value = try await handler(request, unit)
            let response = Response(status: HTTPResponseStatus(statusCode: doc.status))
            try response.content.encode(value, as: .json)
            return response
        }
    }

    /// An API route whose handler builds its own response (to set cookies, say).
    func apiResponse(_ method: HTTPMethod, _ route: Route, _ access: Access, _ doc: APIDoc, csrf: CSRFCheck = .router, limits: RequestLimits? = nil,
                     reads: Reading.Target = .primary, lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit?) async throws -> Response) {
        add(method, route, access, api: doc, limits: limits, csrf: csrf, reads: reads, lane: lane, handler)
    }

    // A route on a unit (`.onUnit`, `.onSheet`) hands its handler the unit the access rule
    // loaded and checked: never nil, so no handler tests for it.

    func page(_ method: HTTPMethod, _ route: Route, _ access: Access, limits: RequestLimits? = nil, csrf: CSRFCheck = .router,
              reads: Reading.Target = .primary, lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit) async throws -> Response) {
        add(method, route, access, api: nil, limits: limits, csrf: csrf, reads: reads, lane: lane, Self.onUnit(access, route, handler))
    }

    func api<T: Content>(_ method: HTTPMethod, _ route: APIRoute, _ access: Access, _ doc: APIDoc, reads: Reading.Target = .primary,
                         lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit) async throws -> T) {
        api(method, route, access, doc, reads: reads, lane: lane, Self.onUnit(access, .api(route), handler))
    }

    func apiResponse(_ method: HTTPMethod, _ route: Route, _ access: Access, _ doc: APIDoc, csrf: CSRFCheck = .router, limits: RequestLimits? = nil,
                     reads: Reading.Target = .primary, lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit) async throws -> Response) {
        add(method, route, access, api: doc, limits: limits, csrf: csrf, reads: reads, lane: lane, Self.onUnit(access, route, handler))
    }

    /// A unit handler as the router calls it. Registering one on a route whose access rule
    /// names no unit is a programming error, stopped at boot.
    private static func onUnit<T>(_ access: Access, _ route: Route, _ handler: @escaping @Sendable (Request, OrgUnit) async throws -> T)
        -> @Sendable (Request, OrgUnit?) async throws -> T {
        switch access {
        case .onUnit, .onSheet: break
        default: preconditionFailure("\(route.pattern): a unit handler on a route whose access names no unit")
        }
        return { request, unit in
            guard let unit else { throw AppError.notFound }
            return try await handler(request, unit)
        }
    }

    /// `limits`: the body's size and fields (`RequestLimits.defaults(for:)` when nil). The
    /// body is checked before the access rule, the CSRF check or the handler reads it.
    /// `reads: .standby` (a page or API that only reads) runs the access check and the
    /// handler with reads on a fit read replica (`Reading.onStandby`), the primary else.
    /// `lane`: where the request's work runs (`Lane`; residents' intake has threads of its own).
    private func add(_ method: HTTPMethod, _ route: Route, _ access: Access, api: APIDoc?, limits stated: RequestLimits? = nil, csrf: CSRFCheck = .router,
                     reads: Reading.Target = .primary, lane: Lane = .pages, _ handler: @escaping @Sendable (Request, OrgUnit?) async throws -> Response) {
        precondition(reads == .primary || method == .GET, "\(route.pattern): only a GET may read from a standby")
        let limits = stated ?? RequestLimits.defaults(for: access)
        app.routeTable.add(RouteSpec(method: method, route: route, access: access, api: api, limits: limits, lane: lane))
        let components = route.segments.map { segment -> PathComponent in
            switch segment {
            case let .literal(word): return .constant(word)
            case let .param(name, _): return .parameter(name)
            }
        }
        // A GET carries no body worth reading: Vapor's 16 kB default bounds it.
        let respond: @Sendable (Request) async throws -> Response = { request in
            try InputGuard.checkBody(request, limits: limits)
            let unit = try await Authorizer.authorize(access, request: request)
            switch csrf {
            case .router: try CSRF.check(request)
            case .machineClient: if request.cookies[SessionCookie.name] != nil { try CSRF.check(request) }
            case .handler: break
            }
            // Navigations ask for HTML (a stylesheet or script load does not): only they show the count.
            if api == nil, method == .GET, request.principal != nil, request.headers[.accept].contains(where: { $0.contains("text/html") }) {
                request.unreadNotices = try await InboxController.menuCount(request)
            }
            let response = try await handler(request, unit)
            CSRF.finish(request, response)
            return response
        }
        let responder = LaneResponder(lane: lane, body: method == .GET ? .collect : .collect(maxSize: limits.maxBody)) { request in
            reads == .standby ? try await Reading.onStandby(request) { try await respond(request) } : try await respond(request)
        }
        app.routes.add(Vapor.Route(method: method, path: components, responder: responder, requestType: Request.self, responseType: Response.self))
    }
}

/// HTML responses with the security headers every page carries.
enum HTMLResponse {
    /// A page in the site's frame, with the notice a redirect after a write asked for
    /// (`?saved=1`, `?deleted=1`).
    static func page(_ request: Request, _ title: String, _ body: Node, status: HTTPStatus = .ok) -> Response {
        let flash: String?
        if request.query[String.self, at: "saved"] == "1" { flash = T(.saved) }
        else if request.query[String.self, at: "deleted"] == "1" { flash = T(.recordDeleted) }
        else { flash = nil }
        return make(Layout.page(request: request, title: title, body: body, flash: flash), status: status)
    }

    static func make(_ html: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}

/// Security headers on every response.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // Pages, API answers and downloads (exports, attachments) may hold personal data:
        // no cache along the way, and none in the browser once the user signs out.
        if response.headers.contentType == .html || AppErrorMiddleware.isAPI(request) || response.headers.first(name: .contentDisposition) != nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
