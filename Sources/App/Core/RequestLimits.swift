import StandardKit
import Vapor

/// What one request may carry, checked before anything parses it (issue 18). Parsing is
/// linear in what is allowed here, so no request can hold a core for long: the URL and
/// its query first (`RequestLimitsMiddleware`, before routing's handlers run), then the
/// body's size (Vapor refuses more than the route's `maxBody` while collecting it) and
/// its number of fields, then its text (`InputGuard`, before authorization and CSRF read
/// anything from it).
struct RequestLimits: Sendable, Equatable {
    /// The request line's target (path and query), as nginx's default `large_client_header_buffers`.
    static let maxURLBytes = 8 * 1024
    /// Query parameters in one URL.
    static let maxQueryFields = 100
    /// All header lines together, and any one of them.
    static let maxHeaderBytes = 32 * 1024
    static let maxHeaderValueBytes = 8 * 1024

    /// The largest body the route accepts (Vapor refuses more while collecting it: 413).
    var maxBody: ByteCount
    /// The most fields a form body (application/x-www-form-urlencoded) may have.
    var maxFields: Int

    /// Signing in: a user name, a password, a token and where to go next (which may be a
    /// long address, each `%` of it sent again as `%25`).
    static let login = RequestLimits(maxBody: "12kb", maxFields: 16)
    /// A form anyone may send (the public request form, Open311, 96156): 2,000 Chinese
    /// characters of content are 18 kB once form-encoded, with room for the other fields.
    static let open = RequestLimits(maxBody: "64kb", maxFields: 50)
    /// A signed-in user's form or JSON body: a record with long texts, or the 62-item
    /// review sheet's decisions and reasons (about 400 fields).
    static let signedIn = RequestLimits(maxBody: "1mb", maxFields: 2_000)

    /// A file upload (multipart): the file's own limit; form fields beside it are few.
    static func upload(_ maxBody: ByteCount) -> RequestLimits { RequestLimits(maxBody: maxBody, maxFields: 50) }

    /// The limits of a route that states none: by who may call it.
    static func defaults(for access: Access) -> RequestLimits { access == .open ? .open : .signedIn }
}

/// Refuses a request whose URL or headers are over the limits, or whose query is not
/// text, before any handler reads it: 414, 431, or 400 naming the parameter.
struct RequestLimitsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try InputGuard.checkHead(request)
        return try await next.respond(to: request)
    }
}

/// The checks on a request's head and body that run before it is parsed.
enum InputGuard {
    /// The URL's length, the headers' size, the query's fields and their text.
    static func checkHead(_ request: Request) throws {
        let target = request.url.string
        guard target.utf8.count <= RequestLimits.maxURLBytes else { throw AppError.uriTooLong }
        var headerBytes = 0
        for (name, value) in request.headers {
            let size = name.utf8.count + value.utf8.count + 4
            guard value.utf8.count <= RequestLimits.maxHeaderValueBytes else { throw AppError.headersTooLarge }
            headerBytes += size
        }
        guard headerBytes <= RequestLimits.maxHeaderBytes else { throw AppError.headersTooLarge }
        if let problem = TextCheck.path(request.url.path) { throw AppError.badRequest(problem) }
        if let query = request.url.query, !query.isEmpty {
            // A query's text is the address's: its problems are a bad request (400), each field named.
            do { _ = try FormFields.parse(Substring(query), maxFields: RequestLimits.maxQueryFields, what: .query) }
            catch let AppError.validation(fields) { throw AppError.badQuery(fields) }
        }
    }

    /// The body's fields and text: a form's number of fields and each name and value, a
    /// JSON body's encoding and strings. Forms are parsed here once, linearly, and kept
    /// for the handler and the CSRF check (`FormFields(request)`).
    static func checkBody(_ request: Request, limits: RequestLimits) throws {
        guard let body = request.body.data, body.readableBytes > 0 else { return }
        let type = request.headers.contentType
        if type == .urlEncodedForm {
            let text = try TextCheck.utf8(body)
            request.storage[FormFields.Key.self] = try FormFields.parse(Substring(text), maxFields: limits.maxFields, what: .body)
        } else if type == .json || type?.subType.hasSuffix("+json") == true {
            let text = try TextCheck.utf8(body)
            if let field = TextCheck.jsonFieldWithControl(text) { throw AppError.validation([FieldError(field: field, message: T(.inputControlCharacters))]) }
        } else if type?.type == "text" {
            _ = try TextCheck.utf8(body)
        }
    }
}

/// Text a person may send: valid UTF-8 with no control characters but tab, line feed and
/// carriage return. Anything else is refused with a message, never stored changed.
enum TextCheck {
    /// A control character that text may not hold (NUL, escape, …; DEL).
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F: return true
        default: return false
        }
    }

    static func hasForbidden(_ text: some StringProtocol) -> Bool { text.unicodeScalars.contains(where: isForbidden) }

    /// The body as text, or 400 when it is not UTF-8.
    static func utf8(_ buffer: ByteBuffer) throws -> String {
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else { throw AppError.badRequest(T(.inputNotUTF8)) }
        return text
    }

    /// A message when a URL path decodes to bytes that are not UTF-8 or to control characters.
    static func path(_ path: String) -> String? {
        guard path.contains("%") || hasForbidden(path) else { return nil }
        guard let decoded = path.removingPercentEncoding else { return T(.inputNotUTF8) }
        return hasForbidden(decoded) ? T(.inputControlCharacters) : nil
    }

    /// The path (`a.b[2]`) of the first string of a JSON text that holds a forbidden
    /// control character, or nil. Raw control characters are not valid JSON (the decoder
    /// refuses them), so only escapes (`\u0000`) are looked for, and the text is parsed
    /// only when there is one.
    static func jsonFieldWithControl(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "\\")), escapesControl(text) else { return nil }
        // An escape of a control character in a body our parser cannot read (too deep, say):
        // refused all the same, as the whole body.
        guard let root = try? JSONParser.parse(text) else { return "body" }
        func walk(_ node: JSONNode, _ path: String) -> String? {
            switch node.value {
            case let .string(s): return hasForbidden(s) ? (path.isEmpty ? "body" : path) : nil
            case let .array(items):
                for (i, item) in items.enumerated() { if let found = walk(item, path + "[\(i)]") { return found } }
                return nil
            case let .object(members):
                for member in members {
                    if hasForbidden(member.key) { return path.isEmpty ? member.key : path + "." + member.key }
                    if let found = walk(member.node, path.isEmpty ? member.key : path + "." + member.key) { return found }
                }
                return nil
            default: return nil
            }
        }
        return walk(root, "")
    }

    /// Whether the JSON text has an escape of a forbidden character: `\u00XX`, or the short
    /// `\b` (backspace) and `\f` (form feed).
    private static func escapesControl(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                if bytes[i + 1] == UInt8(ascii: "b") || bytes[i + 1] == UInt8(ascii: "f") { return true }
                if i + 5 < bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "0"), bytes[i + 3] == UInt8(ascii: "0"),
                   let high = hex(bytes[i + 4]), let low = hex(bytes[i + 5]) {
                    let value = high * 16 + low
                    if let scalar = Unicode.Scalar(value), isForbidden(scalar) { return true }
                }
                i += 2 // an escaped character, never the start of another escape
                continue
            }
            i += 1
        }
        return false
    }

    private static func hex(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

extension Request {
    /// An integer query parameter within `range`, or nil when absent; anything else is
    /// refused naming the parameter (422), never computed with.
    func queryInt(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let number = Int(text) else {
            throw AppError.badQuery([FieldError(field: name, message: T(.queryNotInteger, name, String(range.lowerBound), String(range.upperBound)))])
        }
        guard range.contains(number) else {
            throw AppError.badQuery([FieldError(field: name, message: T(.inputOutOfRange, name, String(range.lowerBound), String(range.upperBound)))])
        }
        return number
    }
}
