import Crypto
import Fluent
import SQLKit
import StandardKit
import Vapor

/// A station credential: the 96156 platform's signing secret, or an Open311 api key.
enum IntegrationKind: String, CaseIterable, Sendable {
    case hotline96156, open311

    var label: String { self == .hotline96156 ? T(.integration96156) : T(.integrationOpen311) }
}

/// Per-station credentials, and finding a station by id or statistical code.
enum Integrations {
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func sha256(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// Creates a credential; the plain value is returned once. 96156 secrets are kept as
    /// they are (the server must compute the same HMAC); Open311 keys only as a hash.
    static func create(_ kind: IntegrationKind, village: OrgUnit, by username: String, at now: Date, on db: any Database) async throws -> String {
        let secret = newSecret()
        try await Dialect.sql(db).insert(into: "integration_keys").columns("id", "unit_id", "kind", "secret", "hint", "created_by", "created_at")
            .values(SQLBind(UUID()), SQLBind(try village.requireID()), SQLBind(kind.rawValue), SQLBind(kind == .open311 ? sha256(secret) : secret),
                    SQLBind(String(secret.suffix(4))), SQLBind(username), SQLBind(now)).run()
        return secret
    }

    struct Key: Sendable { var id: UUID; var kind: IntegrationKind; var secret: String; var hint: String; var createdBy: String; var createdAt: Date? }

    static func keys(village: UUID, kind: IntegrationKind? = nil, on db: any Database) async throws -> [Key] {
        let rows: [any SQLRow]
        if let kind {
            // Every 96156 ticket reads its station's keys: prepared (`Frequent`).
            rows = try await Frequent.rows(LiveKeys.self, [.uuid(village), .text(kind.rawValue)], on: db)
        } else {
            rows = try await Dialect.sql(db).select().column("*").from("integration_keys").where("unit_id", .equal, SQLBind(village))
                .where("revoked_at", .is, SQLLiteral.null).all()
        }
        return try rows.compactMap { row in
            guard let kind = IntegrationKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
            return Key(id: try row.decode(column: "id", as: UUID.self), kind: kind, secret: try row.decode(column: "secret", as: String.self),
                       hint: try row.decode(column: "hint", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self),
                       createdAt: try row.decode(column: "created_at", as: Date?.self))
        }
    }

    private enum LiveKeys: FrequentStatement {
        static let sql = "SELECT id, kind, secret, hint, created_by, created_at FROM integration_keys WHERE unit_id = $1 AND revoked_at IS NULL AND kind = $2"
    }

    /// A village by its id or its 12-digit statistical code.
    static func station(_ reference: String, on db: any Database) async throws -> OrgUnit? {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let id = UUID(uuidString: trimmed) {
            return try await OrgUnit.load(id, on: db).flatMap { $0.kind == .village ? $0 : nil }
        }
        return try await OrgUnit.query(on: db).filter(\.$code == trimmed).filter(\.$kind == .village).first()
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.lowercased().utf8)
        guard chars.count % 2 == 0, !chars.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = hex(chars[i]), let lo = hex(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// HMAC-SHA256 over "timestamp.body" with the secret, compared in constant time.
    static func signatureValid(_ signature: String, timestamp: String, body: [UInt8], secret: String) -> Bool {
        let hex = signature.hasPrefix("sha256=") ? String(signature.dropFirst(7)) : signature
        guard let mac = hexBytes(hex) else { return false }
        let message = Array((timestamp + ".").utf8) + body
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: SymmetricKey(data: Array(secret.utf8)))
    }

    static func sign(timestamp: String, body: [UInt8], secret: String) -> String {
        let message = Array((timestamp + ".").utf8) + body
        return "sha256=" + HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }
}

/// The station's credentials page, and the 96156 platform's inbound tickets.
struct IntegrationController {
    static let stationHeader = "X-96156-Station"
    static let timestampHeader = "X-96156-Timestamp"
    static let signatureHeader = "X-96156-Signature"

    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .integrations), .onUnit(.editProfile), page)
        router.page(.POST, .unit(.key, .integrationNew), .onUnit(.editProfile), create)
        router.page(.POST, .unit(.key, .integrationRevoke(.key)), .onUnit(.editProfile), revoke)
        router.apiResponse(.POST, .hotlineTickets, .open,
                           APIDoc(summary: T(.apiHotlineTicket), request: "HotlineTicket", response: "HotlineReceipt", status: 201,
                                  also: [200: .apiHotlineDuplicate, 401: .apiHotlineRefused]), lane: .intake, ticket)
    }

    private func render(_ request: Request, _ village: OrgUnit, shown: (IntegrationKind, String)? = nil) async throws -> Response {
        let keys = try await Integrations.keys(village: village.requireID(), on: request.db)
        let base = StationViews.base(village)
        let rows: [[Node]] = keys.map { key in
            [.text(key.kind.label), .text("…" + key.hint), .text(key.createdBy), .text(key.createdAt.map(Format.dateTime) ?? ""),
             .el("form", ["method": "post", "action": base(.integrationRevoke(.value(key.id))), "class": "inline"],
                 [Layout.csrfField(request), .el("button", ["type": "submit"], T(.integrationRevoke))])]
        }
        let body: Node = .group([
            .el("p", [:], [.el("a", ["href": base(.station)], T(.deskBack))]),
            .el("p", [:], T(.integrationIntro, try village.requireID().uuidString, village.code ?? "—")),
            .when(shown != nil, .el("div", ["class": "flash", "role": "status"], [
                .el("p", [:], T(.integrationShownOnce, shown?.0.label ?? "")), .el("p", [:], [.el("code", [:], shown?.1 ?? "")]),
            ])),
            keys.isEmpty ? .el("p", ["class": "muted"], T(.integrationNone))
                : Layout.table(caption: nil, headers: [T(.integrationKind), T(.integrationHint), T(.integrationBy), T(.integrationAt), ""], rows: rows),
            .el("form", ["method": "post", "action": base(.integrationNew)], [
                Layout.csrfField(request),
                Layout.select("kind", T(.integrationKind), options: IntegrationKind.allCases.map { ($0.rawValue, $0.label) }, selected: "hotline96156", errors: []),
                .el("button", ["type": "submit"], T(.integrationCreate)),
            ]),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.integrationsTitle, village.name), body: body))
    }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        try await render(request, try RecordController.village(unit))
    }

    @Sendable func create(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let principal = try request.requirePrincipal()
        guard let kind = IntegrationKind(rawValue: try FormFields(request)["kind"] ?? "") else {
            throw AppError.validation([FieldError(field: "kind", message: T(.integrationKindUnknown))])
        }
        let secret = try await request.db.transaction { db in
            let secret = try await Integrations.create(kind, village: village, by: principal.username, at: request.now, on: db)
            try await Audit.record(on: db, author: request.author, action: "createIntegrationKey", objectType: kind.rawValue, objectID: String(secret.suffix(4)),
                                   unitPath: village.path)
            return secret
        }
        return try await render(request, village, shown: (kind, secret))
    }

    @Sendable func revoke(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        guard let id = request.parameters.get("keyID").flatMap(UUID.init(uuidString:)),
              try await Integrations.keys(village: village.requireID(), on: request.db).contains(where: { $0.id == id }) else { throw AppError.notFound }
        try await request.db.transaction { db in
            try await Dialect.sql(db).update("integration_keys").set("revoked_at", to: SQLBind(request.now)).where("id", .equal, SQLBind(id)).run()
            try await Audit.record(on: db, author: request.author, action: "revokeIntegrationKey", objectType: "integrationKey", objectID: id.uuidString, unitPath: village.path)
        }
        return request.redirect(to: StationViews.base(village)(.integrations))
    }

    /// A 96156 ticket: the station named in a header, the signature over timestamp and
    /// body checked against the station's secrets, the timestamp within 5 minutes; then
    /// the ticket becomes a request in `received`. The same ticket id twice returns the
    /// first request.
    @Sendable func ticket(_ request: Request, _: OrgUnit?) async throws -> Response {
        let body = request.body.data.map { Array($0.readableBytesView) } ?? []
        guard let station = try await Integrations.station(request.headers.first(name: Self.stationHeader) ?? "", on: request.db) else {
            throw AppError.unauthorized(T(.integrationUnknownStation))
        }
        let timestamp = request.headers.first(name: Self.timestampHeader) ?? ""
        guard let seconds = Double(timestamp), abs(request.now.timeIntervalSince1970 - seconds) <= 300 else {
            throw AppError.unauthorized(T(.integrationStale))
        }
        let signature = request.headers.first(name: Self.signatureHeader) ?? ""
        let secrets = try await Integrations.keys(village: station.requireID(), kind: .hotline96156, on: request.db)
        guard secrets.contains(where: { Integrations.signatureValid(signature, timestamp: timestamp, body: body, secret: $0.secret) }) else {
            throw AppError.unauthorized(T(.integrationBadSignature))
        }
        let fields = try InputFields(json: request)
        var v = Validator()
        let ticketID = v.text("ticketId", T(.integrationTicketID), fields["ticketId"], maxLength: 64)
        // The intake's checks, with every problem named by the ticket's own field, all at once.
        let ticketField = ["residentName": "callerName", "residentPhone": "callerPhone"]
        var parsed: IntakeInput?
        do {
            parsed = try IntakeInput.parse(InputFields(["serviceCode": fields["serviceCode"] ?? "", "residentName": fields["callerName"] ?? "",
                                                        "residentPhone": fields["callerPhone"] ?? "", "content": fields["content"] ?? ""]),
                                           channel: .hotline96156)
        } catch let AppError.validation(errors) {
            for error in errors { v.fail(ticketField[error.field] ?? error.field, error.message) }
        }
        try v.finish()
        guard var input = parsed else { throw AppError.badRequest(T(.errorBadRequest)) }
        input.externalID = "96156:" + ticketID
        let (item, created) = try await RequestDesk.intake(try await request.desk(), village: station, input: input, actor: .hotline96156, staff: nil)
        let response = Response(status: created ? .created : .ok)
        try response.content.encode(HotlineReceiptDTO(trackingCode: item.trackingCode, status: item.status.rawValue, duplicate: !created), as: .json)
        return response
    }
}

struct HotlineReceiptDTO: Content {
    var trackingCode: String
    var status: String
    var duplicate: Bool
}
