import Fluent
import StandardKit
import Vapor

/// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/), JSON format, so
/// existing Open311 clients can file and follow requests. `jurisdiction_id` selects the
/// station (its id or 12-digit code). Errors are the specification's array of
/// {code, description} with the same HTTP status.
struct Open311Controller {
    func register(_ router: Router) {
        let errors: [Int: L] = [400: .apiOpen311BadParameter, 403: .apiOpen311BadKey, 404: .openAPINotFound]
        router.apiResponse(.GET, .open311Services, .open,
                           APIDoc(summary: T(.apiOpen311Services), response: "Open311ServiceList", also: errors), services)
        router.apiResponse(.GET, .open311Service(.key), .open,
                           APIDoc(summary: T(.apiOpen311Definition), response: "Open311Definition", also: errors), definition)
        router.apiResponse(.POST, .open311Requests, .open,
                           APIDoc(summary: T(.apiOpen311Submit), response: "Open311Created", status: 201, also: errors), csrf: .machineClient, lane: .intake, create)
        router.apiResponse(.GET, .open311Requests, .open,
                           APIDoc(summary: T(.apiOpen311Requests),
                                  response: "Open311RequestList", also: errors,
                                  query: [("jurisdiction_id", .string), ("api_key", .string), ("service_request_id", .string), ("service_code", .string),
                                          ("start_date", .string), ("end_date", .string), ("status", .string), ("page_size", .integer), ("after", .string)]), list)
        router.apiResponse(.GET, .open311Request(.key), .open,
                           APIDoc(summary: T(.apiOpen311Request), response: "Open311RequestList", also: errors), one)
    }

    struct Failure: Error { var status: HTTPStatus; var description: String }

    static func errorResponse(_ failure: Failure) -> Response {
        AppErrorMiddleware.json(status: failure.status, [["code": AnyCodableInt(Int(failure.status.code)), "description": AnyCodableInt(failure.description)]])
    }

    /// Runs a handler, turning every failure into the Open311 error format.
    static func guarded(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch let failure as Failure {
            return errorResponse(failure)
        } catch let AppError.validation(fields) {
            return errorResponse(Failure(status: .badRequest, description: fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ")))
        } catch let error as AppError {
            return errorResponse(Failure(status: error.status, description: error.message))
        } catch {
            return errorResponse(Failure(status: .internalServerError, description: T(.errorInternal)))
        }
    }

    static func station(_ reference: String?, on db: any Database) async throws -> OrgUnit {
        guard let reference, !reference.isEmpty else { throw Failure(status: .badRequest, description: "jurisdiction_id " + T(.open311Required)) }
        guard let station = try await Integrations.station(reference, on: db) else { throw Failure(status: .notFound, description: T(.open311UnknownJurisdiction)) }
        return station
    }

    static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        let response = Response(status: status)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        response.headers.contentType = .json
        response.body = .init(data: try encoder.encode(value))
        return response
    }

    struct ServiceDTO: Encodable {
        var service_code: String
        var service_name: String
        var description: String
        var metadata: Bool
        var type: String
        var keywords: String
        var group: String
    }

    static func published(_ station: OrgUnit, on db: any Database) async throws -> [ServiceRecord] {
        try await RecordStore.list(.services, village: station.requireID(), on: db).map(ServiceRecord.init(record:)).filter { $0[flag: .published] }
    }

    @Sendable func services(_ request: Request, _: OrgUnit?) async throws -> Response {
        await Self.guarded {
            let station = try await Self.station(request.query[String.self, at: "jurisdiction_id"], on: request.db)
            return try Self.json(try await Self.published(station, on: request.db).map { s in
                ServiceDTO(service_code: s[text: .code] ?? "", service_name: s[text: .name] ?? "", description: s[text: .guide] ?? "",
                           metadata: false, type: "realtime", keywords: (s[choice: .field] as ServiceField?)?.label ?? "",
                           group: (s[choice: .field] as ServiceField?)?.label ?? "")
            })
        }
    }

    struct DefinitionDTO: Encodable {
        var service_code: String
        var attributes: [String]
    }

    static func file(_ request: Request, _ name: String) throws -> String {
        guard let file = request.parameters.get(name), file.hasSuffix(".json"), file.count > 5 else {
            throw Failure(status: .notFound, description: T(.open311OnlyJSON))
        }
        return String(file.dropLast(5))
    }

    @Sendable func definition(_ request: Request, _: OrgUnit?) async throws -> Response {
        await Self.guarded {
            let code = try Self.file(request, "serviceFile")
            let station = try await Self.station(request.query[String.self, at: "jurisdiction_id"], on: request.db)
            guard try await Self.published(station, on: request.db).contains(where: { $0[text: .code] == code }) else {
                throw Failure(status: .notFound, description: T(.requestServiceUnknown, code))
            }
            return try Self.json(DefinitionDTO(service_code: code, attributes: []))
        }
    }

    struct CreatedDTO: Encodable {
        var service_request_id: String
        var service_notice: String
        var account_id: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(service_request_id, forKey: .service_request_id)
            try c.encode(service_notice, forKey: .service_notice)
            try c.encode(account_id, forKey: .account_id)
        }
        enum CodingKeys: String, CodingKey { case service_request_id, service_notice, account_id }
    }

    /// Checks the api_key against the station's Open311 keys (stored hashed).
    static func authorized(_ key: String?, station: OrgUnit, on db: any Database) async throws -> Bool {
        guard let key, !key.isEmpty else { return false }
        let hash = Integrations.sha256(key)
        return try await Integrations.keys(village: station.requireID(), kind: .open311, on: db).contains { $0.secret == hash }
    }

    @Sendable func create(_ request: Request, _: OrgUnit?) async throws -> Response {
        await Self.guarded {
            let form = try FormFields(request)
            let station = try await Self.station(form["jurisdiction_id"], on: request.db)
            guard try await Self.authorized(form["api_key"], station: station, on: request.db) else {
                throw Failure(status: .forbidden, description: T(.open311BadKey))
            }
            guard let code = form["service_code"], !code.isEmpty else { throw Failure(status: .badRequest, description: "service_code " + T(.open311Required)) }
            guard try await Self.published(station, on: request.db).contains(where: { $0[text: .code] == code }) else {
                throw Failure(status: .badRequest, description: T(.requestServiceUnknown, code))
            }
            let name = [form["last_name"], form["first_name"]].compactMap { $0 }.joined().trimmingCharacters(in: .whitespaces)
            var content = form["description"] ?? ""
            if let address = form["address_string"], !address.isEmpty { content += "\n" + T(.open311Address, address) }
            if let location = try Self.location(form["lat"], form["long"]) { content += "\n" + T(.open311Location, location.lat, location.long) }
            var fields: [String: String] = ["serviceCode": code, "residentName": name.isEmpty ? T(.open311NoName) : name,
                                            "residentPhone": form["phone"] ?? "", "content": content]
            if let email = form["email"], !email.isEmpty { fields["materials"] = "email: " + email }
            let input = try IntakeInput.parse(InputFields(fields), channel: .open311)
            let (item, _) = try await RequestDesk.intake(try await request.desk(), village: station, input: input, actor: .open311(form["device_id"] ?? ""), staff: nil)
            return try Self.json([CreatedDTO(service_request_id: item.trackingCode, service_notice: T(.open311Notice), account_id: form["account_id"])],
                                 status: .created)
        }
    }

    struct RequestOut: Encodable {
        var service_request_id: String
        var status: String
        var status_notes: String
        var service_name: String
        var service_code: String
        var description: String
        var agency_responsible: String
        var service_notice: String
        var requested_datetime: String
        var updated_datetime: String
        var expected_datetime: String
        var address: String
        var address_id: String
        var zipcode: String
        var lat: Double?
        var long: Double?
        var media_url: String

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(service_request_id, forKey: .service_request_id); try c.encode(status, forKey: .status)
            try c.encode(status_notes, forKey: .status_notes); try c.encode(service_name, forKey: .service_name)
            try c.encode(service_code, forKey: .service_code); try c.encode(description, forKey: .description)
            try c.encode(agency_responsible, forKey: .agency_responsible); try c.encode(service_notice, forKey: .service_notice)
            try c.encode(requested_datetime, forKey: .requested_datetime); try c.encode(updated_datetime, forKey: .updated_datetime)
            try c.encode(expected_datetime, forKey: .expected_datetime); try c.encode(address, forKey: .address)
            try c.encode(address_id, forKey: .address_id); try c.encode(zipcode, forKey: .zipcode)
            try c.encode(lat, forKey: .lat); try c.encode(long, forKey: .long); try c.encode(media_url, forKey: .media_url)
        }
        enum CodingKeys: String, CodingKey {
            case service_request_id, status, status_notes, service_name, service_code, description, agency_responsible, service_notice
            case requested_datetime, updated_datetime, expected_datetime, address, address_id, zipcode, lat, long, media_url
        }
    }

    /// W3C date-time in Beijing time.
    static func w3c(_ date: Date) -> String {
        Format.dateTime(date).replacingOccurrences(of: " ", with: "T") + ":00+08:00"
    }

    /// A request as Open311 shows it. The resident's words are shown only to a client
    /// holding the station's api_key; the public sees status and service, never names, and
    /// of staff's words only what they marked as the reply to the resident (masked). A
    /// tracking code is a key to the request's page: an anonymous list shows none but those
    /// the client named (`showCode`).
    static func out(_ item: ServiceRequest, station: OrgUnit, withDescription: Bool, showCode: Bool = true) -> RequestOut {
        let notes: String
        if let reply = item.publicReply, !reply.isEmpty {
            notes = item.status == .materialsMissing ? T(.open311MissingNotes, reply.replacingOccurrences(of: "\n", with: T(.sepList))) : reply
        } else {
            notes = item.status.label
        }
        return RequestOut(service_request_id: showCode ? item.trackingCode : "", status: item.status.open311, status_notes: notes, service_name: item.serviceName,
                          service_code: item.serviceCode, description: withDescription ? item.content : "",
                          agency_responsible: item.departmentName ?? T(.open311Agency, station.name), service_notice: "",
                          requested_datetime: w3c(item.receivedAt), updated_datetime: w3c(item.updatedAt ?? item.receivedAt),
                          expected_datetime: item.dueOn.map { $0 + "T17:30:00+08:00" } ?? "", address: "", address_id: "", zipcode: "",
                          lat: nil, long: nil, media_url: "")
    }

    /// `lat` and `long` as decimal degrees on the earth (both or neither), written back
    /// with at most six decimals; anything else is a 400 naming the field.
    static func location(_ lat: String?, _ long: String?) throws -> (lat: String, long: String)? {
        let (lat, long) = ((lat ?? "").trimmingCharacters(in: .whitespaces), (long ?? "").trimmingCharacters(in: .whitespaces))
        if lat.isEmpty && long.isEmpty { return nil }
        func degrees(_ text: String, _ name: String, _ limit: Double) throws -> String {
            guard text.count <= 20, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
                  let value = Double(text), value.isFinite, abs(value) <= limit else {
                throw Failure(status: .badRequest, description: T(.open311BadCoordinate, name, String(Int(limit))))
            }
            return String(format: "%.6f", value)
        }
        return (try degrees(lat, "lat", 90), try degrees(long, "long", 180))
    }

    /// Requests per response: 1–1000, 1000 when not given (GeoReport v2's maximum).
    static func pageSize(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return 1000 }
        guard text.count <= 4, let value = Int(text), (1...1000).contains(value) else {
            throw Failure(status: .badRequest, description: T(.open311BadPageSize))
        }
        return value
    }

    /// W3C date-times as a Beijing day ("2026-03-01T08:00:00+08:00" → 2026-03-01).
    static func day(_ text: String?, _ name: String) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count >= 10, LocalDate(String(text.prefix(10))) != nil else { throw Failure(status: .badRequest, description: T(.open311BadDate, name)) }
        return String(text.prefix(10))
    }

    @Sendable func list(_ request: Request, _: OrgUnit?) async throws -> Response {
        await Self.guarded {
            let station = try await Self.station(request.query[String.self, at: "jurisdiction_id"], on: request.db)
            let withDescription = try await Self.authorized(request.query[String.self, at: "api_key"], station: station, on: request.db)
            var query = ServiceRequest.query(on: request.db).filter(\.$unitID == (try station.requireID()))
            let named = !(request.query[String.self, at: "service_request_id"] ?? "").isEmpty
            if let ids = request.query[String.self, at: "service_request_id"], !ids.isEmpty {
                query = query.filter(\.$trackingCode ~~ ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
            } else {
                let today = request.today
                let start = try Self.day(request.query[String.self, at: "start_date"], "start_date") ?? today.adding(days: -90).description
                let end = try Self.day(request.query[String.self, at: "end_date"], "end_date") ?? today.description
                query = query.filter(\.$receivedOn >= start).filter(\.$receivedOn <= end)
                if let code = request.query[String.self, at: "service_code"], !code.isEmpty { query = query.filter(\.$serviceCode == code) }
                switch request.query[String.self, at: "status"] ?? "" {
                case "": break
                case "open": query = query.filter(\.$status !~ [.completed, .refused])
                case "closed": query = query.filter(\.$status ~~ [.completed, .refused])
                default: throw Failure(status: .badRequest, description: T(.open311BadStatus))
                }
            }
            // GeoReport v2 returns at most 1,000 requests, newest first. `page_size` (1–1000)
            // and `after` (the cursor of a `Link: rel="next"` header, RFC 8288) read the
            // rest a page at a time, by (time received, id), without changing the array.
            let size = try Self.pageSize(request.query[String.self, at: "page_size"])
            let after: UUID?
            do { after = try Paging.timeAndID(request.query[String.self, at: "after"])?.id } catch {
                throw Failure(status: .badRequest, description: T(.open311BadCursor))
            }
            let (items, next) = try await Paging.newestByTime(query, time: \.$receivedAt, limit: size, after: after)
            let response = try Self.json(items.map { Self.out($0, station: station, withDescription: withDescription, showCode: withDescription || named) })
            if let next, var parts = URLComponents(string: request.url.string) {
                parts.queryItems = (parts.queryItems ?? []).filter { $0.name != "after" } + [URLQueryItem(name: "after", value: next)]
                if let link = parts.string { response.headers.replaceOrAdd(name: "Link", value: "<\(link)>; rel=\"next\"") }
            }
            return response
        }
    }

    @Sendable func one(_ request: Request, _: OrgUnit?) async throws -> Response {
        await Self.guarded {
            let code = try Self.file(request, "requestFile").uppercased()
            let station = try await Self.station(request.query[String.self, at: "jurisdiction_id"], on: request.db)
            guard let item = try await ServiceRequest.query(on: request.db).filter(\.$unitID == station.requireID()).filter(\.$trackingCode == code).firstPlaced() else {
                throw Failure(status: .notFound, description: T(.open311NoRequest, code))
            }
            let withDescription = try await Self.authorized(request.query[String.self, at: "api_key"], station: station, on: request.db)
            return try Self.json([Self.out(item, station: station, withDescription: withDescription)])
        }
    }
}

/// An Int or a String in an Open311 error object.
struct AnyCodableInt: Encodable {
    var int: Int?
    var string: String?
    init(_ value: Int) { int = value }
    init(_ value: String) { string = value }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let int { try c.encode(int) } else { try c.encode(string ?? "") }
    }
}
