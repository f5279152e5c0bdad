import Vapor

/// A field that failed validation, with a Chinese message for people and the field's
/// name for programs.
struct FieldError: Sendable, Equatable, Content {
    var field: String
    var message: String
}

/// The application's errors. One middleware turns each into an HTML page or a JSON body.
enum AppError: Error, Sendable, Equatable {
    case signInRequired
    case notFound
    case forbidden
    case csrfRejected
    case validation([FieldError])
    case badRequest(String)
    /// A query parameter that is not what the page or endpoint takes (`?year=abc`): 400,
    /// naming it, never silently ignored.
    case badQuery([FieldError])
    case locked(until: Date)
    case unavailable
    /// The thing changed since the user saw it (someone else acted first), or the action
    /// does not fit its state.
    case conflict(String)
    /// A machine client's credentials (signature, api key) are wrong or stale.
    case unauthorized(String)
    /// Too many requests from one address in the window.
    case rateLimited
    /// The body is over the route's size or number of fields (`RequestLimits`).
    case tooLarge
    /// The URL is over `RequestLimits.maxURLBytes`.
    case uriTooLong
    /// The headers are over `RequestLimits.maxHeaderBytes`.
    case headersTooLarge

    var status: HTTPStatus {
        switch self {
        case .signInRequired: return .unauthorized
        case .notFound: return .notFound
        case .forbidden, .csrfRejected: return .forbidden
        case .validation: return .unprocessableEntity
        case .badRequest, .badQuery: return .badRequest
        case .locked: return .tooManyRequests
        case .unavailable: return .serviceUnavailable
        case .conflict: return .conflict
        case .unauthorized: return .unauthorized
        case .rateLimited: return .tooManyRequests
        case .tooLarge: return .payloadTooLarge
        case .uriTooLong: return .uriTooLong
        case .headersTooLarge: return .requestHeaderFieldsTooLarge
        }
    }

    var code: String {
        switch self {
        case .signInRequired: return "sign_in_required"
        case .notFound: return "not_found"
        case .forbidden: return "forbidden"
        case .csrfRejected: return "csrf_rejected"
        case .validation: return "validation_failed"
        case .badRequest: return "bad_request"
        case .badQuery: return "bad_query"
        case .locked: return "account_locked"
        case .unavailable: return "unavailable"
        case .conflict: return "conflict"
        case .unauthorized: return "unauthorized"
        case .rateLimited: return "rate_limited"
        case .tooLarge: return "payload_too_large"
        case .uriTooLong: return "uri_too_long"
        case .headersTooLarge: return "headers_too_large"
        }
    }

    var message: String {
        switch self {
        case .signInRequired: return T(.errorSignInRequired)
        case .notFound: return T(.errorNotFound)
        case .forbidden: return T(.errorForbidden)
        case .csrfRejected: return T(.errorCSRF)
        case let .validation(fields): return fields.count == 1 ? fields[0].message : T(.errorValidation, String(fields.count))
        case let .badRequest(message): return message
        case let .badQuery(fields): return fields.map(\.message).joined(separator: T(.sepSemicolon))
        case .locked: return T(.loginLocked)
        case .unavailable: return T(.errorUnavailable)
        case let .conflict(message), let .unauthorized(message): return message
        case .rateLimited: return T(.errorRateLimited)
        case .tooLarge: return T(.errorTooLarge)
        case .uriTooLong: return T(.errorURITooLong)
        case .headersTooLarge: return T(.errorHeadersTooLarge)
        }
    }
}

/// The JSON error body of every API error: `{"error": {"code", "message", "fields"}}`.
struct ErrorBody: Content {
    struct Detail: Content {
        var code: String
        var message: String
        var fields: [FieldError]
    }
    var error: Detail
}

/// Turns errors into HTML pages for browsers and JSON bodies under /api. Unexpected
/// errors are logged and shown without their details.
extension AppError {
    /// Seconds a client is told to wait before trying again after a 503.
    static let retryAfterSeconds = 5
}

struct AppErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            // A review form sent after its session timed out is kept for the next sign-in.
            if error as? AppError == .signInRequired, let kept = await ReviewController.keepExpired(request) { return kept }
            return Self.response(for: error, request: request)
        }
    }

    static func isAPI(_ request: Request) -> Bool {
        Route.machinePrefixes.contains { request.url.path.hasPrefix($0) }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let appError: AppError
        switch error {
        case let e as AppError: appError = e
        case let abort as any AbortError where abort.status == .notFound: appError = .notFound
        case let abort as any AbortError where abort.status == .payloadTooLarge: appError = .tooLarge
        case let abort as any AbortError where abort.status == .badRequest || abort.status == .unsupportedMediaType:
            appError = .badRequest(T(.errorBadRequest))
        case is DecodingError: appError = .badRequest(T(.errorBadRequest))
        case let outage where DatabaseOutage.matches(outage):
            request.logger.warning("database unavailable: \(String(reflecting: outage))")
            request.application.primaryLocator?.suspect(request.application)
            request.application.metrics.databaseUnavailable.increment()
            appError = .unavailable
        default:
            request.logger.report(error: error)
            let status = (error as? any AbortError)?.status ?? .internalServerError
            return plain(status: status, request: request, code: "internal_error", message: T(.errorInternal))
        }
        // Open311 clients read the specification's error shape, whatever the route (a
        // `.xml` file, an unknown path, a body over the limit).
        if request.url.path.hasPrefix(Route.open311Prefix) {
            let description: String
            if case let .validation(fields) = appError { description = fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
            else if case let .badQuery(fields) = appError { description = fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
            else { description = appError.message }
            return Open311Controller.errorResponse(Open311Controller.Failure(status: appError.status, description: description))
        }
        if appError == .signInRequired, !isAPI(request) {
            let next = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
            return request.redirect(to: Route.loginPath(next: next))
        }
        if case let .validation(fields) = appError, isAPI(request) {
            return json(status: appError.status, ErrorBody(error: .init(code: appError.code, message: appError.message, fields: fields)))
        }
        if case let .badQuery(fields) = appError, isAPI(request) {
            return json(status: appError.status, ErrorBody(error: .init(code: appError.code, message: appError.message, fields: fields)))
        }
        return plain(status: appError.status, request: request, code: appError.code, message: appError.message)
    }

    private static func plain(status: HTTPStatus, request: Request, code: String, message: String) -> Response {
        let response: Response
        if isAPI(request) {
            response = json(status: status, ErrorBody(error: .init(code: code, message: message, fields: [])))
        } else {
            let page = ErrorPage(status: status, message: message)
            response = HTMLResponse.make(Layout.page(request: request, title: page.title, body: page.body), status: status)
        }
        // A client (or a proxy) may try again: the database is back, or another primary is
        // found, within seconds.
        if status == .serviceUnavailable { response.headers.replaceOrAdd(name: .retryAfter, value: String(AppError.retryAfterSeconds)) }
        return response
    }

    static func json<T: Encodable>(status: HTTPStatus, _ value: T) -> Response {
        let response = Response(status: status)
        do { try response.content.encode(value, as: .json) } catch { response.body = .init(string: "{}") }
        return response
    }
}
