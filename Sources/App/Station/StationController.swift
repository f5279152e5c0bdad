import Fluent
import Ledger
import StandardKit
import StationKit
import Vapor
import WorkCalendar

/// The service station's daily tool: the desk, intake, each request with its actions and
/// history, receipts and overdue lists at every level; as pages and as JSON.
struct StationController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .station), .onUnit(.viewUnit), desk)
        router.page(.GET, .unit(.key, .requests), .onUnit(.viewUnit), list)
        router.page(.GET, .unit(.key, .requestNew), .onUnit(.handleRequests), newForm)
        router.page(.POST, .unit(.key, .requestNew), .onUnit(.handleRequests), lane: .intake, create)
        router.page(.GET, .unit(.key, .request(.key, .show)), .onUnit(.viewUnit), detail)
        router.page(.POST, .unit(.key, .request(.key, .act)), .onUnit(.handleRequests), act)
        router.page(.GET, .unit(.key, .request(.key, .receipt)), .onUnit(.viewUnit), receipt)
        router.page(.GET, .unit(.key, .overdue), .onUnit(.viewUnit), overdue)

        let conflict: [Int: L] = [409: .apiRequestConflict]
        router.api(.GET, .unit(.key, .requests), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiRequests), response: "ServiceRequestList",
                          query: [("status", .string), ("service", .string), ("channel", .string), ("from", .string), ("to", .string), ("overdue", .string),
                                  ("q", .string), ("phone", .string), ("reveal", .string), ("limit", .integer), ("cursor", .string)]), apiList)
        router.api(.POST, .unit(.key, .requests), .onUnit(.handleRequests),
                   APIDoc(summary: T(.apiIntake), request: "IntakeInput", response: "ServiceRequest", status: 201), lane: .intake, apiCreate)
        router.api(.GET, .unit(.key, .request(.key)), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiRequest), response: "ServiceRequestDetail"), apiDetail)
        router.api(.POST, .unit(.key, .requestActions(.key)), .onUnit(.handleRequests),
                   APIDoc(summary: T(.apiRequestAction),
                          request: "RequestActionInput", response: "ServiceRequest", also: conflict), apiAct)
        router.api(.GET, .unit(.key, .overdue), .onUnit(.viewUnit),
                   APIDoc(summary: T(.apiOverdue), response: "ServiceRequestList", query: [("limit", .integer), ("cursor", .string)]), apiOverdue)
    }

    // MARK: Shared

    struct Context {
        var village: OrgUnit
        var today: LocalDate
        var calendar: WorkCalendar
        var roster: Roster
    }

    static func context(_ request: Request, _ unit: OrgUnit) async throws -> Context {
        let village = try RecordController.village(unit)
        return Context(village: village, today: request.today, calendar: try await request.workCalendar(),
                       roster: try await Roster.load(village: village.requireID(), on: request.db))
    }

    static func find(_ request: Request, _ village: OrgUnit) async throws -> ServiceRequest {
        guard let id = request.parameters.get("requestID").flatMap(UUID.init(uuidString:)),
              let item = try await ServiceRequest.query(on: request.db).filter(\.$id == id).filter(\.$unitID == village.requireID()).firstPlaced() else {
            throw AppError.notFound
        }
        return item
    }

    static func dto(_ item: ServiceRequest, _ context: Context, reveal: Bool = false) -> RequestDTO {
        RequestDTO(item, reveal: reveal, urgency: RequestDesk.urgency(item, today: context.today, calendar: context.calendar),
                   assignee: context.roster.assignee(post: item.postID, on: context.today),
                   dueDateNotice: RequestDesk.dueDateNotice(item, calendar: context.calendar))
    }

    /// One page of the village's requests, newest first, by the filters of `filteredQuery`:
    /// `limit` (50, at most 200) rows after `cursor`, the cursor of the page after, and how
    /// many match in all (a COUNT, not the rows). Sorted by the day received and then the id
    /// (made in time order), both exact, on the index (unit_id, received_on, id).
    static func page(_ request: Request, village: UUID) async throws -> Page<ServiceRequest> {
        try await Paging.newestByDay(request, try await filteredQuery(request, village: village), day: \.$receivedOn)
    }

    /// The filters of a request list: `status`, `service` (its code), `channel`, received
    /// `from` and `to` (inclusive), `overdue` (open past its due date), and `q`.
    static func filteredQuery(_ request: Request, village: UUID) async throws -> QueryBuilder<ServiceRequest> {
        var query = ServiceRequest.query(on: request.db).filter(\.$unitID == village)
        if let service = request.query[String.self, at: "service"], !service.isEmpty {
            guard service.count <= 20 else { throw AppError.badQuery([FieldError(field: "service", message: T(.requestSearchTooLong))]) }
            query = query.filter(\.$serviceCode == service)
        }
        if let channel = request.query[String.self, at: "channel"], !channel.isEmpty {
            guard let c = RequestChannel(rawValue: channel) else { throw AppError.badQuery([FieldError(field: "channel", message: T(.requestChannelUnknown))]) }
            query = query.filter(\.$channel == c)
        }
        if request.query[String.self, at: "overdue"] == "1" {
            query = query.filter(\.$status ~~ [.accepted, .inProgress, .transferred]).filter(\.$dueOn < request.today.description)
        }
        if let status = request.query[String.self, at: "status"], !status.isEmpty {
            guard let s = RequestStatus(rawValue: status) else { throw AppError.badQuery([FieldError(field: "status", message: T(.requestStatusUnknown))]) }
            query = query.filter(\.$status == s)
        }
        if let from = request.query[String.self, at: "from"], !from.isEmpty {
            guard LocalDate(from) != nil else { throw AppError.badQuery([FieldError(field: "from", message: T(.validationDate, T(.ledgerFrom)))]) }
            query = query.filter(\.$receivedOn >= from)
        }
        if let to = request.query[String.self, at: "to"], !to.isEmpty {
            guard LocalDate(to) != nil else { throw AppError.badQuery([FieldError(field: "to", message: T(.validationDate, T(.ledgerTo)))]) }
            query = query.filter(\.$receivedOn <= to)
        }
        // One box at the window: a tracking code, a phone number or the resident's name.
        if let text = request.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard text.count <= 50 else { throw AppError.badQuery([FieldError(field: "q", message: T(.requestSearchTooLong))]) }
            let digits = Keyring.normalizedPhone(text)
            if text.count == 10, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !text.allSatisfy(\.isNumber) || digits.count < 7 {
                query = query.filter(\.$trackingCode == text.uppercased())
            } else if digits.count >= 7, text.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }) {
                query = query.filter(\.$residentPhoneHash ~~ (try PersonalData.keyring().searchHashes(phone: text)))
            } else {
                // Names are kept as typed: the start of one finds it (赵 finds 赵大爷). LIKE's own
                // characters are not in names; they are dropped rather than matched as patterns.
                let name = text.filter { $0 != "%" && $0 != "_" && $0 != "\\" }
                guard !name.isEmpty else { throw AppError.badQuery([FieldError(field: "q", message: T(.requestSearchTooLong))]) }
                query = query.filter(\.$residentName =~ name)
            }
        }
        if let phone = request.query[String.self, at: "phone"], !phone.isEmpty {
            // Sealed numbers cannot be compared in SQL: their keyed hashes can (`PersonalData`).
            guard Keyring.normalizedPhone(phone).count >= 7 else {
                throw AppError.badQuery([FieldError(field: "phone", message: T(.requestPhoneFormat))])
            }
            query = query.filter(\.$residentPhoneHash ~~ (try PersonalData.keyring().searchHashes(phone: phone)))
        }
        return query
    }

    /// One page of the open requests past their due date below `unit` (a village, township
    /// or district), the longest overdue first: `limit` rows after `cursor` by (due day, id),
    /// the next page's cursor, and how many there are in all.
    static func overduePage(_ request: Request, under unit: OrgUnit, today: LocalDate) async throws -> (items: [ServiceRequest], next: String?, total: Int) {
        let limit = try Paging.limit(request.query[String.self, at: "limit"])
        var query = Dialect.below(ServiceRequest.query(on: request.db), \.$unitPath, unit.path)
            .filter(\.$status ~~ [.accepted, .inProgress, .transferred])
            .filter(\.$dueOn < today.description)
        let total = try await query.copy().count()
        if let after = try Paging.dayAndID(request.query[String.self, at: "cursor"]) {
            query = query.group(.or) { or in
                or.filter(\.$dueOn > after.day).group(.and) { and in and.filter(\.$dueOn == after.day).filter(\.$id > after.id) }
            }
        }
        let rows = try await query.sort(\.$dueOn).sort(\.$id).limit(limit + 1).allPlaced()
        let (items, next) = Paging.split(rows, limit: limit) { row in row.id.map { [row.dueOn ?? "", $0.uuidString] } }
        return (items, next, total)
    }

    static func overdueCount(_ request: Request, under unit: OrgUnit, today: LocalDate) async throws -> Int {
        try await Dialect.below(ServiceRequest.query(on: request.readDB), \.$unitPath, unit.path)
            .filter(\.$status ~~ [.accepted, .inProgress, .transferred])
            .filter(\.$dueOn < today.description).count()
    }

    // MARK: Pages

    @Sendable func desk(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let context = try await Self.context(request, unit)
        let open = try await ServiceRequest.query(on: request.db).filter(\.$unitID == context.village.requireID())
            .filter(\.$status ~~ [.received, .accepted, .inProgress, .materialsMissing, .transferred]).sort(\.$dueOn).allPlaced()
        let me = request.principal?.username
        let rows = open.map { Self.dto($0, context) }
        // Mine: posts I hold as A (and A is in); cover: posts whose A is away and I am B.
        let assigned = open.map { context.roster.assignee(post: $0.postID, on: context.today) }
        let mine = zip(rows, assigned).filter { $1?.account == me && $1?.cover == false }.map(\.0)
        let cover = zip(rows, assigned).filter { $1?.account == me && $1?.cover == true }.map(\.0)
        let model = StationViews.DeskModel(village: context.village, today: context.today, calendarCovers: context.calendar.covers(context.today.year),
                                           waiting: rows.filter { $0.status == RequestStatus.received.rawValue },
                                           mine: mine, cover: cover,
                                           warnings: rows.filter { $0.urgency == "warning" }, overdue: rows.filter { $0.urgency == "overdue" },
                                           openCount: rows.count, mayHandle: request.principal?.may(.handleRequests, at: context.village.path) ?? false)
        return HTMLResponse.page(request, T(.deskTitle, context.village.name), StationViews.desk(model))
    }

    @Sendable func list(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let context = try await Self.context(request, unit)
        let page = try await Self.page(request, village: context.village.requireID())
        let (items, next, total) = (page.items, page.next, page.total)
        let reveal = try await RecordController.reveal(request, objectType: "serviceRequests", village: context.village, ids: items.compactMap(\.id))
        var filters: [String: String] = [:]
        for name in ["status", "service", "channel", "from", "to", "q", "phone", "overdue", "limit"] {
            if let value = request.query[String.self, at: name], !value.isEmpty { filters[name] = value }
        }
        let services = try await RecordStore.list(.services, village: context.village.requireID(), on: request.db)
            .compactMap { r in r.text("code").map { ($0, $0 + " " + (r.text("name") ?? "")) } }
        return HTMLResponse.page(request, T(.requestsTitle, context.village.name),
                    StationViews.list(village: context.village, rows: items.map { Self.dto($0, context, reveal: reveal) },
                                      filters: filters, services: services, total: total, next: next,
                                      first: request.query[String.self, at: "cursor"].map { !$0.isEmpty } ?? false))
    }

    /// A service's materials list, one per line, as the checklist offers them.
    static func checklist(_ service: ServiceRecord?) -> [String] {
        var seen = Set<String>()
        return (service?[text: .materials] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private func intakeModel(_ request: Request, _ village: OrgUnit, code: String?, values: [String: String], ticked: Set<String>,
                             errors: [FieldError]) async throws -> StationViews.IntakeModel {
        let services = try await RecordStore.list(.services, village: village.requireID(), on: request.db)
        let chosen = code.flatMap { code in services.map(ServiceRecord.init(record:)).first { $0[text: .code] == code } }
        var due: LocalDate?
        if let chosen, (chosen[choice: .mode] ?? ServiceMode.timeLimited) != .promised {
            let mode = chosen[choice: .mode] ?? ServiceMode.timeLimited
            let today = request.today
            due = RequestMachine.dueDate(mode: mode, timeLimit: chosen[number: .timeLimit] ?? 0, promisedOn: nil, start: today, calendar: try await request.workCalendar())
        }
        return StationViews.IntakeModel(village: village, services: services, chosen: chosen, checklist: Self.checklist(chosen), ticked: ticked,
                                        due: due, values: values, errors: errors)
    }

    @Sendable func newForm(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let code = request.query[String.self, at: "serviceCode"].flatMap { $0.isEmpty || $0.count > 20 ? nil : $0 }
        var model = try await intakeModel(request, village, code: code, values: [:], ticked: [], errors: [])
        if code != nil, model.chosen == nil {
            model.errors = [FieldError(field: "serviceCode", message: T(.requestServiceUnknown, code ?? ""))]
        }
        return HTMLResponse.page(request, T(.intakeTitle), StationViews.intakeForm(request, model), status: model.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func create(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let principal = try request.requirePrincipal()
        let form = try FormFields(request)
        let fields = InputFields(form: form, names: IntakeInput.fieldNames)
        let services = try await RecordStore.list(.services, village: village.requireID(), on: request.db)
        let service = services.map(ServiceRecord.init(record:)).first { $0[text: .code] == fields["serviceCode"] }
        // The checklist: what was ticked is received; what was not goes on the 一次性告知书,
        // with anything the clerk adds below it.
        let checklist = Self.checklist(service)
        let ticked = Set(form.all("have")).intersection(checklist)
        var merged = fields
        let lines = { (text: String?) in (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if !checklist.isEmpty {
            merged.values["missing"] = (checklist.filter { !ticked.contains($0) } + lines(fields["missing"])).joined(separator: "\n")
            merged.values["materials"] = (checklist.filter(ticked.contains) + lines(fields["materials"])).joined(separator: "\n")
        }
        do {
            let input = try IntakeInput.parse(merged)
            let (item, _) = try await RequestDesk.intake(try await request.desk(), village: village, input: input, actor: .user(principal), staff: principal,
                                                         services: services)
            return request.redirect(to: Route.unit(.value(try village.requireID()), .request(.value(try item.requireID()), .receipt)).path)
        } catch let AppError.validation(errors) {
            let model = try await intakeModel(request, village, code: fields["serviceCode"], values: fields.values, ticked: ticked, errors: errors)
            return HTMLResponse.page(request, T(.intakeTitle), StationViews.intakeForm(request, model), status: .unprocessableEntity)
        }
    }

    func detailPage(_ request: Request, _ unit: OrgUnit, errors: [FieldError] = [], message: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let context = try await Self.context(request, unit)
        let item = try await Self.find(request, context.village)
        let reveal = try await RecordController.reveal(request, objectType: "serviceRequests", village: context.village, ids: [try item.requireID()])
        let history = try await LedgerStore.history(of: item.requireID(), on: request.db).map(LedgerEventDTO.init)
        let departments: [Record]
        if let township = context.village.$parent.id { departments = try await RecordStore.list(.departments, village: township, on: request.db) } else { departments = [] }
        let complaints = try await Complaint.query(on: request.db).filter(\.$requestID == item.requireID()).all()
        let model = StationViews.DetailModel(village: context.village, request: Self.dto(item, context, reveal: reveal), history: history,
                                             departments: departments.map { ($0.id.uuidString, $0.text("name") ?? "") },
                                             complaints: complaints.map { ComplaintDTO($0, reveal: false) },
                                             mayHandle: request.principal?.may(.handleRequests, at: context.village.path) ?? false,
                                             mayReveal: request.principal?.may(.viewPersonalData, at: context.village.path) ?? false,
                                             errors: errors, message: message)
        return HTMLResponse.page(request, T(.requestTitle, item.serviceName, item.trackingCode), StationViews.detail(request, model), status: status)
    }

    @Sendable func detail(_ request: Request, _ unit: OrgUnit) async throws -> Response { try await detailPage(request, unit) }

    @Sendable func act(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let principal = try request.requirePrincipal()
        let item = try await Self.find(request, village)
        let form = try FormFields(request)
        let fields = InputFields(form: form, names: ["action", "version", "missing", "department", "answer", "dueOn", "reason", "approvedBy", "residentNotified",
                                                     "result", "replyToResident", "confirm"])
        do {
            // A refusal on the page is confirmed with its own tick (the form asks for it).
            if fields["action"] == LedgerAction.refuse.rawValue, !fields.flag("confirm") {
                throw AppError.validation([FieldError(field: "confirm", message: T(.requestRefuseConfirmNeeded))])
            }
            let action = try RequestAction.parse(fields)
            _ = try await RequestDesk.act(try await request.desk(), village: village, id: item.requireID(), action: action, actor: .user(principal), staff: principal,
                                          version: fields["version"].flatMap(Int.init), replyToResident: fields.flag("replyToResident"))
            return request.redirect(to: Route.unit(.value(try village.requireID()), .request(.value(try item.requireID()), .show)).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await detailPage(request, unit, errors: errors, status: .unprocessableEntity)
        } catch let AppError.conflict(message) {
            return try await detailPage(request, unit, message: message, status: .conflict)
        }
    }

    @Sendable func receipt(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let item = try await Self.find(request, village)
        let profile = try await VillageProfile.query(on: request.db).filter(\.$unit.$id == village.requireID()).first()
        let notice = RequestDesk.dueDateNotice(item, calendar: try await request.workCalendar())
        return HTMLResponse.make(StationViews.receipt(village: village, item: item, hotline: profile?.hotline ?? "", dueDateNotice: notice,
                                                      trackingURL: Self.publicAddress(request) + Route.publicTrack.path(query: ["code": item.trackingCode]),
                                                      deskPath: Route.unit(.value(try village.requireID()), .station).path))
    }

    /// Where residents reach this deployment: `CUNWU_PUBLIC_URL`, else the address this page
    /// was opened at (its Host header, when it is a plain host name or address and port).
    static func publicAddress(_ request: Request) -> String {
        if let configured = request.application.config.publicURL { return configured }
        let host = request.headers.first(name: .host) ?? ""
        let plain = !host.isEmpty && host.utf8.count <= 255 && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
        let scheme = request.application.config.secureCookies ? "https" : "http"
        return scheme + "://" + (plain ? host : "127.0.0.1")
    }

    @Sendable func overdue(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let today = request.today
        let (items, next, total) = try await Self.overduePage(request, under: unit, today: today)
        let villages = try await OrgUnit.query(on: request.db).filter(\.$id ~~ Set(items.map(\.unitID))).all()
        let names = Dictionary(villages.compactMap { v in v.id.map { ($0, v.name) } }, uniquingKeysWith: { a, _ in a })
        let limit = request.query[String.self, at: "limit"].map { "limit=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        let list = Route.unit(.value(try unit.requireID()), .overdue).path
        func link(_ cursor: String?) -> String { list + "?" + ([limit, cursor.map { "cursor=" + $0 }].compactMap { $0 }).joined(separator: "&") }
        return HTMLResponse.page(request, T(.overdueTitle, unit.name), StationViews.overdue(unit: unit, items: items, names: names, today: today, total: total,
                                                                                          next: next.map { link($0) },
                                                                                          first: (request.query[String.self, at: "cursor"] ?? "").isEmpty ? nil : link(nil)))
    }

    // MARK: API

    @Sendable func apiList(_ request: Request, _ unit: OrgUnit) async throws -> RequestListDTO {
        let context = try await Self.context(request, unit)
        let page = try await Self.page(request, village: context.village.requireID())
        let (items, next, total) = (page.items, page.next, page.total)
        let reveal = try await RecordController.reveal(request, objectType: "serviceRequests", village: context.village, ids: items.compactMap(\.id))
        return RequestListDTO(requests: items.map { Self.dto($0, context, reveal: reveal) }, next: next, total: total)
    }

    @Sendable func apiCreate(_ request: Request, _ unit: OrgUnit) async throws -> RequestDTO {
        let village = try RecordController.village(unit)
        let principal = try request.requirePrincipal()
        let input = try IntakeInput.parse(try InputFields(json: request))
        // The services (to check the code) and the roster (for the answer) in one read.
        let records = try await RecordStore.lists(RequestDesk.ServicesAndRoster.self, village: village.requireID(), on: request.db)
        let (item, _) = try await RequestDesk.intake(try await request.desk(), village: village, input: input, actor: .user(principal), staff: principal,
                                                     services: records[RecordKind.services.key])
        return Self.dto(item, Context(village: village, today: request.today, calendar: try await request.workCalendar(),
                                      roster: Roster(records)))
    }

    @Sendable func apiDetail(_ request: Request, _ unit: OrgUnit) async throws -> RequestDetailDTO {
        let context = try await Self.context(request, unit)
        let item = try await Self.find(request, context.village)
        let reveal = try await RecordController.reveal(request, objectType: "serviceRequests", village: context.village, ids: [try item.requireID()])
        return RequestDetailDTO(request: Self.dto(item, context, reveal: reveal),
                                history: try await LedgerStore.history(of: item.requireID(), on: request.db).map(LedgerEventDTO.init))
    }

    @Sendable func apiAct(_ request: Request, _ unit: OrgUnit) async throws -> RequestDTO {
        let village = try RecordController.village(unit)
        let principal = try request.requirePrincipal()
        let item = try await Self.find(request, village)
        let fields = try InputFields(json: request)
        let action = try RequestAction.parse(fields)
        var version: Int?
        if let text = fields["version"] {
            guard let v = Int(text) else { throw AppError.validation([FieldError(field: "version", message: T(.validationInteger, "version"))]) }
            version = v
        }
        let updated = try await RequestDesk.act(try await request.desk(), village: village, id: item.requireID(), action: action, actor: .user(principal), staff: principal,
                                                version: version, replyToResident: fields.flag("replyToResident"))
        return Self.dto(updated, try await Self.context(request, unit))
    }

    @Sendable func apiOverdue(_ request: Request, _ unit: OrgUnit) async throws -> RequestListDTO {
        let today = request.today
        let calendar = try await request.workCalendar()
        let (items, next, total) = try await Self.overduePage(request, under: unit, today: today)
        return RequestListDTO(requests: items.map { RequestDTO($0, reveal: false, urgency: RequestDesk.urgency($0, today: today, calendar: calendar), assignee: nil) },
                              next: next, total: total)
    }
}

// The web side of the desk: what it needs, taken from the request.
extension Request {
    /// Today in Beijing by the application's clock.
    var today: LocalDate { StandardController.beijingToday(now) }

    func desk() async throws -> RequestDesk.Context {
        RequestDesk.Context(db: db, now: now, calendar: try await workCalendar(), codes: application.trackingCodes, sink: application.intakeSink)
    }
}

extension InputFields {
    /// The request's JSON body's fields.
    init(json request: Request) throws {
        try self.init(json: request.body.data.map { Array($0.readableBytesView) } ?? [])
    }
}
