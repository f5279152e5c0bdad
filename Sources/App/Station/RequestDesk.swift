import Fluent
import SQLKit
import StandardKit
import StationKit
import Vapor
import WorkCalendar

/// Input fields of a station form or JSON body, as text, whichever it came from.
struct InputFields: Sendable {
    var values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    init(form: FormFields, names: [String]) {
        var out: [String: String] = [:]
        for name in names { if let v = form[name] { out[name] = v } }
        self.init(out)
    }

    /// A JSON object's strings, numbers and booleans; arrays of strings become lines.
    /// Anything else is a bad request.
    init(json bytes: [UInt8]) throws {
        guard let root = try? JSONParser.parse(bytes), let members = root.members else { throw AppError.badRequest(T(.errorBadRequest)) }
        var out: [String: String] = [:]
        for member in members {
            switch member.node.value {
            case let .string(s): out[member.key] = s
            case let .number(n): out[member.key] = n
            case let .bool(b): out[member.key] = b ? "true" : "false"
            case .null: continue
            case let .array(items):
                let strings = items.compactMap { item -> String? in if case let .string(s) = item.value { return s } else { return nil } }
                guard strings.count == items.count else { throw AppError.validation([FieldError(field: member.key, message: T(.validationList, member.key))]) }
                out[member.key] = strings.joined(separator: "\n")
            case .object:
                throw AppError.validation([FieldError(field: member.key, message: T(.validationList, member.key))])
            }
        }
        self.init(out)
    }

    subscript(_ name: String) -> String? { values[name] }

    func lines(_ name: String) -> [String] {
        (values[name] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func flag(_ name: String) -> Bool { ["1", "true", "on", "yes"].contains(values[name] ?? "") }
}

/// What a staff member (or a channel) does to a request. Each is one ledger event.
extension RequestAction {
    /// Reads an action and its fields; every problem is reported at once, by field name.
    static func parse(_ fields: InputFields) throws -> RequestAction {
        var v = Validator()
        let action: RequestAction
        guard let name = LedgerAction(rawValue: fields["action"] ?? ""), !name.allowedFrom.isEmpty else {
            throw AppError.validation([FieldError(field: "action", message: T(.requestUnknownAction))])
        }
        switch name {
        case .accept: action = .accept(missing: fields.lines("missing"))
        case .start: action = .start
        case .requestMaterials:
            let missing = fields.lines("missing")
            if missing.isEmpty { v.fail("missing", T(.requestMissingListNeeded)) }
            action = .requestMaterials(missing: missing)
        case .materialsReceived: action = .materialsReceived
        case .transfer: action = .transfer(departmentID: v.text("department", T(.requestDepartment), fields["department"], maxLength: 40))
        case .departmentAnswer: action = .departmentAnswer(v.text("answer", T(.requestDepartmentAnswer), fields["answer"], maxLength: 2000))
        case .extend:
            let due = v.date("dueOn", T(.requestNewDue), fields["dueOn"])
            if due == nil, (fields["dueOn"] ?? "").isEmpty { v.fail("dueOn", T(.validationRequired, T(.requestNewDue))) }
            let reason = v.text("reason", T(.requestExtendReason), fields["reason"], maxLength: 500)
            let approvedBy = v.text("approvedBy", T(.requestApprovedBy), fields["approvedBy"], maxLength: 50)
            if !fields.flag("residentNotified") { v.fail("residentNotified", T(.requestResidentMustBeTold)) }
            action = .extend(dueOn: due.flatMap(LocalDate.init) ?? LocalDate(dayNumber: 0), reason: reason, approvedBy: approvedBy)
        case .complete: action = .complete(result: v.text("result", T(.requestResult), fields["result"], maxLength: 2000))
        case .refuse: action = .refuse(reason: v.text("reason", T(.requestRefuseReason), fields["reason"], maxLength: 500))
        case .submit, .complaint, .resolve:
            throw AppError.validation([FieldError(field: "action", message: T(.requestUnknownAction))])
        }
        try v.finish()
        return action
    }
}

/// What a new request needs.
struct IntakeInput: Sendable {
    var serviceCode: String
    var channel: RequestChannel
    var residentName: String
    var residentPhone: String
    var content: String
    var materials: String
    /// Materials the resident still has to bring (一次性告知), told at intake.
    var missing: [String]
    var promisedOn: String?
    var externalID: String?

    static let fieldNames = ["serviceCode", "channel", "residentName", "residentPhone", "content", "materials", "missing", "promisedOn"]

    /// Reads and checks the fields (not yet the service code, which needs the catalogue).
    static func parse(_ fields: InputFields, channel fixed: RequestChannel? = nil) throws -> IntakeInput {
        var v = Validator()
        let code = v.text("serviceCode", T(.requestService), fields["serviceCode"], maxLength: 20)
        var channel = RequestChannel.window
        if let fixed { channel = fixed } else if let text = fields["channel"], !text.isEmpty {
            if let c = RequestChannel(rawValue: text), c == .window || c == .phone { channel = c } else { v.fail("channel", T(.requestChannelInvalid)) }
        }
        let name = v.text("residentName", T(.requestResidentName), fields["residentName"], maxLength: 50)
        let phone = v.phone("residentPhone", T(.requestResidentPhone), fields["residentPhone"])
        let content = v.text("content", T(.requestContent), fields["content"], maxLength: 2000)
        let materials = v.text("materials", T(.requestMaterials), fields["materials"], required: false, maxLength: 2000)
        let promised = v.date("promisedOn", T(.requestPromisedOn), fields["promisedOn"])
        try v.finish()
        return IntakeInput(serviceCode: code, channel: channel, residentName: name, residentPhone: phone, content: content,
                           materials: materials, missing: fields.lines("missing"), promisedOn: promised, externalID: nil)
    }
}

/// The station's request workflow: intake, each action as a guarded state change plus
/// its ledger event in one transaction, and the due-date arithmetic on working days.
enum RequestDesk {
    /// The fields of a service that intake reads.
    static let serviceFields: Set<String> = Set([ServiceRecord.Field.code, .name, .mode, .timeLimit, .post].map(\.rawValue))

    /// The live, published-or-not services of a village, by code.
    static func service(code: String, village: UUID, on db: any Database) async throws -> ServiceRecord? {
        try await RecordStore.lists(Services.self, village: village, on: db)[RecordKind.services.key, default: []]
            .map(ServiceRecord.init(record:)).first { $0[text: .code] == code }
    }

    /// A village's live services, the fields intake reads (prepared: every 96156 ticket and
    /// Open311 request reads them).
    enum Services: FrequentLists {
        static let kinds: [RecordKind] = [.services]
        static let only: Set<String>? = serviceFields
        static let sql = RecordStore.postgresListsSQL(kinds, only: only)
    }

    /// A window intake's services (to check the code) and roster (for the answer), in one
    /// prepared read.
    enum ServicesAndRoster: FrequentLists {
        static let kinds: [RecordKind] = [.services] + Roster.kinds
        static let only: Set<String>? = serviceFields.union(Roster.fields)
        static let sql = RecordStore.postgresListsSQL(kinds, only: only)
    }

    /// The request a station already holds for an external ticket (96156, Open311), if any.
    static func existing(external: String, village: UUID, on db: any Database) async throws -> ServiceRequest? {
        guard let row = try await Frequent.rows(ByExternalID.self, [.uuid(village), .text(external)], on: db).first else { return nil }
        return try await ServiceRequest.find(try row.decode(column: "id", as: UUID.self), on: db)
    }

    private enum ByExternalID: FrequentStatement {
        static let sql = "SELECT id FROM service_requests WHERE unit_id = $1 AND external_id = $2 LIMIT 1"
    }

    /// What the desk works with, taken from the web request by its controller: the desk
    /// itself never sees a Vapor `Request`.
    struct Context: Sendable {
        let db: any Database
        let now: Date
        let calendar: WorkCalendar
        let codes: any TrackingCodeSource
        let sink: any IntakeSink

        var today: LocalDate { StandardController.beijingToday(now) }
    }

    /// Takes in a request. Staff intake (window, phone) is accepted at once with the staff
    /// member as first-inquiry owner; remote channels wait in `received`. Nothing is
    /// stored unless every field is right. With an `externalID` already seen for this
    /// station, the earlier request is returned instead (idempotent hand-over).
    /// `services` are the village's live services when the caller has them already.
    static func intake(_ desk: Context, village: OrgUnit, input: IntakeInput, actor: Actor, staff: Principal?,
                       services: [Record]? = nil) async throws -> (ServiceRequest, created: Bool) {
        let villageID = try village.requireID()
        if let external = input.externalID, let existing = try await existing(external: external, village: villageID, on: desk.db) {
            return (existing, false)
        }
        let today = desk.today
        let found = if let services { services.map(ServiceRecord.init(record:)).first { $0[text: .code] == input.serviceCode } }
                    else { try await service(code: input.serviceCode, village: villageID, on: desk.db) }
        guard let service = found else {
            throw AppError.validation([FieldError(field: "serviceCode", message: T(.requestServiceUnknown, input.serviceCode))])
        }
        let mode = service[choice: .mode] ?? ServiceMode.timeLimited
        let calendar = desk.calendar
        let staffMember = staff.map { RequestState.Person(id: $0.userID.uuidString, name: $0.displayName) }
        let state: RequestState, newEvent: RequestEvent
        do {
            (state, newEvent) = try RequestMachine.intake(service: input.serviceCode, channel: input.channel, mode: mode, timeLimit: service[number: .timeLimit] ?? 0,
                                                          promisedOn: input.promisedOn.flatMap(LocalDate.init), staff: staffMember, missing: input.missing,
                                                          today: today, calendar: calendar)
        } catch {
            throw refusal(error)
        }
        let item = ServiceRequest()
        item.id = OrderedID.make(at: desk.now)
        item.unitID = villageID
        item.unitPath = village.path
        item.trackingCode = desk.codes.next()
        item.serviceID = service.id.uuidString
        item.serviceCode = input.serviceCode
        item.serviceName = service[text: .name] ?? input.serviceCode
        item.serviceMode = mode
        item.timeLimit = service[number: .timeLimit] ?? 0
        item.postID = service[text: .post]
        item.channel = input.channel
        item.externalID = input.externalID
        item.residentName = input.residentName
        item.residentPhone = input.residentPhone
        item.content = input.content
        item.materials = input.materials
        item.receivedAt = desk.now
        item.state = state
        item.version = 1
        let event = LedgerStore.NewEvent(station: village, subjectType: "request", subjectID: try item.requireID(), action: newEvent.action,
                                         actor: actor, at: desk.now, payload: newEvent.payload)
        var attempt = 0
        while true {
            attempt += 1
            do {
                // Committed with whatever other intakes are waiting (group commit).
                try await desk.sink.submit(IntakeQueue.Entry(request: item, event: event))
                return (item, true)
            } catch {
                // The same external ticket sent twice at once: the other request stored it first.
                if let external = input.externalID, let existing = try await existing(external: external, village: villageID, on: desk.db) {
                    return (existing, false)
                }
                // A code already given out: one pair in 10^15, but over the country's
                // hundreds of millions of requests a certainty. The request takes another.
                if attempt < 3, try await ServiceRequest.query(on: desk.db).filter(\.$trackingCode == item.trackingCode).count() > 0 {
                    item.trackingCode = desk.codes.next()
                    continue
                }
                throw error
            }
        }
    }

    /// Applies one action. `version` is the version the user saw: if the request changed
    /// since, nothing is written and the user is told (two staff completing at once: one
    /// wins). The state change and its ledger event are one transaction.
    /// `replyToResident`: the action's text (`residentText`) becomes what the track page and
    /// Open311 show, masked; unmarked, an action with text withdraws the earlier reply.
    static func act(_ desk: Context, village: OrgUnit, id: UUID, action: RequestAction, actor: Actor, staff: Principal?, version: Int?,
                    replyToResident: Bool = false) async throws -> ServiceRequest {
        let villageID = try village.requireID()
        guard let item = try await ServiceRequest.query(on: desk.db).filter(\.$id == id).filter(\.$unitID == villageID).firstPlaced() else { throw AppError.notFound }
        if let version, version != item.version { throw AppError.conflict(T(.requestChangedMeanwhile)) }
        let today = desk.today
        let calendar = desk.calendar
        let seenVersion = item.version
        var transferTo: RequestState.Department?
        if case let .transfer(departmentID) = action, let found = try await department(departmentID, village: village, on: desk.db) {
            transferTo = RequestState.Department(id: found.reference, name: found[text: .name] ?? "")
        }
        let state: RequestState
        var change: RequestEvent
        do {
            (state, change) = try RequestMachine.apply(action, to: item.state, today: today, calendar: calendar,
                                                       staff: staff.map { RequestState.Person(id: $0.userID.uuidString, name: $0.displayName) },
                                                       department: transferTo)
        } catch {
            throw refusal(error)
        }
        item.state = state
        // The list told to the resident is met once the materials are in: it is no longer the reply.
        if action == .materialsReceived { item.publicReply = nil }
        if let text = action.residentText {
            item.publicReply = replyToResident ? PersonalText.masked(text) : nil
            change.replyToResident = replyToResident
        }
        let payload = change.payload
        item.version = seenVersion + 1
        let name = action.name
        try await LedgerStore.retrying(desk.db) { db in
            try await guardedSave(item, expecting: seenVersion, at: desk.now, on: db)
            try await LedgerStore.append(on: db, station: village, subjectType: "request", subjectID: id, action: name, actor: actor, at: desk.now, payload: payload)
        }
        return item
    }

    /// Writes every field only while the stored version is still `expecting`; otherwise
    /// someone else acted first and this is a conflict (nothing is written).
    static func guardedSave(_ item: ServiceRequest, expecting: Int, at now: Date, on db: any Database) async throws {
        let sql = try Dialect.sql(db)
        let rows = try await sql.update(ServiceRequest.schema)
            .set("status", to: SQLBind(item.status.rawValue))
            .set("first_owner_id", to: SQLBind(item.firstOwnerID))
            .set("first_owner_name", to: SQLBind(item.firstOwnerName))
            .set("clock_start", to: SQLBind(item.clockStart))
            .set("due_on", to: SQLBind(item.dueOn))
            .set("remaining_days", to: SQLBind(item.remainingDays))
            .set("completed_on", to: SQLBind(item.completedOn))
            .set("result", to: SQLBind(item.result))
            .set("department_id", to: SQLBind(item.departmentID))
            .set("department_name", to: SQLBind(item.departmentName))
            .set("department_answer", to: SQLBind(item.departmentAnswer))
            .set("missing_materials", to: SQLBind(item.missingMaterials))
            .set("refused_reason", to: SQLBind(item.refusedReason))
            .set("public_reply", to: SQLBind(item.publicReply))
            .set("extensions", to: SQLBind(item.extensions))
            .set("version", to: SQLBind(item.version))
            .set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(try item.requireID())).where("version", .equal, SQLBind(expecting))
            .returning("id").all()
        if rows.isEmpty { throw AppError.conflict(T(.requestChangedMeanwhile)) }
    }

    /// A live department of the village's township.
    static func department(_ id: String, village: OrgUnit, on db: any Database) async throws -> DepartmentRecord? {
        guard let uuid = UUID(uuidString: id), let township = village.$parent.id else { return nil }
        return try await RecordStore.find(.departments, id: uuid, village: township, on: db).map(DepartmentRecord.init(record:))
    }

    /// For an open request whose due date was counted over a year whose holidays are not
    /// imported yet: the warning the clerk and the resident see ("2027年节假日安排尚未导入").
    static func dueDateNotice(_ item: ServiceRequest, calendar: WorkCalendar) -> String? {
        let years = RequestMachine.uncoveredYears(item.state, calendar: calendar)
        guard !years.isEmpty else { return nil }
        return T(.requestCalendarMissing, years.map(String.init).joined(separator: T(.sepList)))
    }

    static func timeUsed(_ item: ServiceRequest, today: LocalDate, calendar: WorkCalendar) -> Double? {
        RequestMachine.timeUsed(item.state, today: today, calendar: calendar)
    }

    typealias Urgency = RequestMachine.Urgency

    static func urgency(_ item: ServiceRequest, today: LocalDate, calendar: WorkCalendar) -> Urgency {
        RequestMachine.urgency(item.state, today: today, calendar: calendar)
    }

    /// The rules' refusal in the reader's language, on the field it concerns.
    static func refusal(_ error: RequestRuleError) -> AppError {
        switch error {
        case let .notAllowed(status): return .conflict(T(.requestActionNotAllowed, status.label))
        case .unknownDepartment: return .validation([FieldError(field: "department", message: T(.requestDepartmentUnknown))])
        case .dueInPast: return .validation([FieldError(field: "dueOn", message: T(.requestDueInPast))])
        case let .extensionNotLater(current): return .validation([FieldError(field: "dueOn", message: T(.requestExtendLater, current.description))])
        case .promisedDateMissing: return .validation([FieldError(field: "promisedOn", message: T(.validationRequired, T(.requestPromisedOn)))])
        case .promisedInPast: return .validation([FieldError(field: "promisedOn", message: T(.requestDueInPast))])
        }
    }
}
