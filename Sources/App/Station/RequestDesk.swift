import Fluent
import SQLKit
import StandardKit
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
    init(json request: Request) throws {
        let bytes = request.body.data.map { Array($0.readableBytesView) } ?? []
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
enum RequestAction: Sendable, Equatable {
    case accept(missing: [String])
    case start
    case requestMaterials(missing: [String])
    case materialsReceived
    case transfer(departmentID: String)
    case departmentAnswer(String)
    case extend(dueOn: LocalDate, reason: String, approvedBy: String)
    case complete(result: String)
    case refuse(reason: String)

    static let names = ["accept", "start", "requestMaterials", "materialsReceived", "transfer", "departmentAnswer", "extend", "complete", "refuse"]

    var name: String {
        switch self {
        case .accept: return "accept"
        case .start: return "start"
        case .requestMaterials: return "requestMaterials"
        case .materialsReceived: return "materialsReceived"
        case .transfer: return "transfer"
        case .departmentAnswer: return "departmentAnswer"
        case .extend: return "extend"
        case .complete: return "complete"
        case .refuse: return "refuse"
        }
    }

    /// Reads an action and its fields; every problem is reported at once, by field name.
    static func parse(_ fields: InputFields) throws -> RequestAction {
        var v = Validator()
        let action: RequestAction
        switch fields["action"] ?? "" {
        case "accept": action = .accept(missing: fields.lines("missing"))
        case "start": action = .start
        case "requestMaterials":
            let missing = fields.lines("missing")
            if missing.isEmpty { v.fail("missing", T(.requestMissingListNeeded)) }
            action = .requestMaterials(missing: missing)
        case "materialsReceived": action = .materialsReceived
        case "transfer": action = .transfer(departmentID: v.text("department", T(.requestDepartment), fields["department"], maxLength: 40))
        case "departmentAnswer": action = .departmentAnswer(v.text("answer", T(.requestDepartmentAnswer), fields["answer"], maxLength: 2000))
        case "extend":
            let due = v.date("dueOn", T(.requestNewDue), fields["dueOn"])
            if due == nil, (fields["dueOn"] ?? "").isEmpty { v.fail("dueOn", T(.validationRequired, T(.requestNewDue))) }
            let reason = v.text("reason", T(.requestExtendReason), fields["reason"], maxLength: 500)
            let approvedBy = v.text("approvedBy", T(.requestApprovedBy), fields["approvedBy"], maxLength: 50)
            if !fields.flag("residentNotified") { v.fail("residentNotified", T(.requestResidentMustBeTold)) }
            action = .extend(dueOn: due.flatMap(LocalDate.init) ?? LocalDate(dayNumber: 0), reason: reason, approvedBy: approvedBy)
        case "complete": action = .complete(result: v.text("result", T(.requestResult), fields["result"], maxLength: 2000))
        case "refuse": action = .refuse(reason: v.text("reason", T(.requestRefuseReason), fields["reason"], maxLength: 500))
        default:
            throw AppError.validation([FieldError(field: "action", message: T(.requestUnknownAction))])
        }
        try v.finish()
        return action
    }

    /// The action's text that staff may mark as the reply to the resident: the missing
    /// materials, the result, the reason for refusing or extending, a department's answer.
    var residentText: String? {
        switch self {
        case let .accept(missing): return missing.isEmpty ? nil : missing.joined(separator: "\n")
        case let .requestMaterials(missing): return missing.joined(separator: "\n")
        case let .departmentAnswer(answer): return answer
        case let .extend(_, reason, _): return reason
        case let .complete(result): return result
        case let .refuse(reason): return reason
        case .start, .materialsReceived, .transfer: return nil
        }
    }

    /// The states an action may start from.
    var allowedFrom: Set<RequestStatus> {
        switch self {
        case .accept: return [.received]
        case .start: return [.accepted]
        case .requestMaterials: return [.accepted, .inProgress]
        case .materialsReceived: return [.materialsMissing]
        case .transfer: return [.accepted, .inProgress]
        case .departmentAnswer: return [.transferred]
        case .extend: return [.accepted, .inProgress, .transferred]
        case .complete: return [.accepted, .inProgress, .transferred]
        case .refuse: return [.received, .accepted, .inProgress, .materialsMissing]
        }
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
    static let serviceFields: Set<String> = ["code", "name", "mode", "timeLimit", "post"]

    /// The live, published-or-not services of a village, by code.
    static func service(code: String, village: UUID, on db: any Database) async throws -> Record? {
        try await RecordStore.list(.services, village: village, on: db).first { $0.text("code") == code }
    }

    /// When a matter whose materials were complete on `start` is due.
    static func dueDate(mode: ServiceMode, timeLimit: Int, promisedOn: String?, start: LocalDate, calendar: WorkCalendar) -> LocalDate {
        switch mode {
        case .onTheSpot: return start
        case .timeLimited: return calendar.adding(workingDays: timeLimit, after: start)
        case .promised: return max(promisedOn.flatMap(LocalDate.init) ?? start, start)
        }
    }

    static func today(_ request: Request) -> LocalDate { StandardController.beijingToday(request.now) }

    /// Takes in a request. Staff intake (window, phone) is accepted at once with the staff
    /// member as first-inquiry owner; remote channels wait in `received`. Nothing is
    /// stored unless every field is right. With an `externalID` already seen for this
    /// station, the earlier request is returned instead (idempotent hand-over).
    /// `services` are the village's live services when the caller has them already.
    static func intake(_ request: Request, village: OrgUnit, input: IntakeInput, actor: Actor, staff: Principal?,
                       services: [Record]? = nil) async throws -> (ServiceRequest, created: Bool) {
        let villageID = try village.requireID()
        if let external = input.externalID,
           let existing = try await ServiceRequest.query(on: request.db).filter(\.$unitID == villageID).filter(\.$externalID == external).first() {
            return (existing, false)
        }
        let today = today(request)
        let found = if let services { services.first { $0.text("code") == input.serviceCode } }
                    else { try await service(code: input.serviceCode, village: villageID, on: request.db) }
        guard let service = found else {
            throw AppError.validation([FieldError(field: "serviceCode", message: T(.requestServiceUnknown, input.serviceCode))])
        }
        let mode = service.text("mode").flatMap(ServiceMode.init(rawValue:)) ?? .timeLimited
        if mode == .promised {
            guard let promised = input.promisedOn.flatMap(LocalDate.init) else {
                throw AppError.validation([FieldError(field: "promisedOn", message: T(.validationRequired, T(.requestPromisedOn)))])
            }
            if promised < today { throw AppError.validation([FieldError(field: "promisedOn", message: T(.requestDueInPast))]) }
        }
        let calendar = try await CalendarStore.load(request)
        let item = ServiceRequest()
        item.id = OrderedID.make(at: request.now)
        item.unitID = villageID
        item.unitPath = village.path
        item.trackingCode = request.application.trackingCodes.next()
        item.serviceID = service.id.uuidString
        item.serviceCode = input.serviceCode
        item.serviceName = service.text("name") ?? input.serviceCode
        item.serviceMode = mode
        item.timeLimit = service.number("timeLimit") ?? 0
        item.postID = service.text("post")
        item.channel = input.channel
        item.externalID = input.externalID
        item.residentName = input.residentName
        item.residentPhone = input.residentPhone
        item.content = input.content
        item.materials = input.materials
        item.receivedAt = request.now
        item.receivedOn = today.description
        item.promisedOn = mode == .promised ? input.promisedOn : nil
        item.extensions = 0
        item.version = 1
        var payload = ["service": item.serviceCode, "channel": input.channel.rawValue]
        if let staff {
            item.firstOwnerID = staff.userID
            item.firstOwnerName = staff.displayName
            apply(accept: input.missing, to: item, today: today, calendar: calendar)
            payload["firstOwner"] = staff.displayName
            if !input.missing.isEmpty { payload["missing"] = input.missing.joined(separator: "\n") }
        } else {
            item.status = .received
        }
        payload["status"] = item.status.rawValue
        if let due = item.dueOn { payload["dueOn"] = due }
        let action = staff == nil ? "submit" : "accept"
        let event = LedgerStore.NewEvent(station: village, subjectType: "request", subjectID: try item.requireID(), action: action,
                                         actor: actor, at: request.now, payload: payload)
        var attempt = 0
        while true {
            attempt += 1
            do {
                // Committed with whatever other intakes are waiting (group commit).
                try await request.application.intakeSink.submit(IntakeQueue.Entry(request: item, event: event))
                return (item, true)
            } catch {
                // The same external ticket sent twice at once: the other request stored it first.
                if let external = input.externalID,
                   let existing = try await ServiceRequest.query(on: request.db).filter(\.$unitID == villageID).filter(\.$externalID == external).first() {
                    return (existing, false)
                }
                // A code already given out: one pair in 10^15, but over the country's
                // hundreds of millions of requests a certainty. The request takes another.
                if attempt < 3, try await ServiceRequest.query(on: request.db).filter(\.$trackingCode == item.trackingCode).count() > 0 {
                    item.trackingCode = request.application.trackingCodes.next()
                    continue
                }
                throw error
            }
        }
    }

    /// Starts the clock (materials complete today) or waits for missing materials.
    private static func apply(accept missing: [String], to item: ServiceRequest, today: LocalDate, calendar: WorkCalendar) {
        if missing.isEmpty {
            item.status = .accepted
            item.clockStart = today.description
            item.dueOn = dueDate(mode: item.serviceMode, timeLimit: item.timeLimit, promisedOn: item.promisedOn, start: today, calendar: calendar).description
            item.missingMaterials = nil
        } else {
            item.status = .materialsMissing
            item.missingMaterials = missing.joined(separator: "\n")
        }
    }

    /// Applies one action. `version` is the version the user saw: if the request changed
    /// since, nothing is written and the user is told (two staff completing at once: one
    /// wins). The state change and its ledger event are one transaction.
    /// `replyToResident`: the action's text (`residentText`) becomes what the track page and
    /// Open311 show, masked; unmarked, an action with text withdraws the earlier reply.
    static func act(_ request: Request, village: OrgUnit, id: UUID, action: RequestAction, actor: Actor, staff: Principal?, version: Int?,
                    replyToResident: Bool = false) async throws -> ServiceRequest {
        let villageID = try village.requireID()
        guard let item = try await ServiceRequest.query(on: request.db).filter(\.$id == id).filter(\.$unitID == villageID).first() else { throw AppError.notFound }
        if let version, version != item.version { throw AppError.conflict(T(.requestChangedMeanwhile)) }
        guard action.allowedFrom.contains(item.status) else {
            throw AppError.conflict(T(.requestActionNotAllowed, item.status.label))
        }
        let today = today(request)
        let calendar = try await CalendarStore.load(request)
        let seenVersion = item.version
        var payload: [String: String] = [:]
        switch action {
        case let .accept(missing):
            if let staff {
                item.firstOwnerID = staff.userID
                item.firstOwnerName = staff.displayName
                payload["firstOwner"] = staff.displayName
            }
            apply(accept: missing, to: item, today: today, calendar: calendar)
            if !missing.isEmpty { payload["missing"] = missing.joined(separator: "\n") }
        case .start:
            item.status = .inProgress
        case let .requestMaterials(missing):
            item.status = .materialsMissing
            item.missingMaterials = missing.joined(separator: "\n")
            payload["missing"] = item.missingMaterials
            if let due = item.due {
                // The clock pauses: keep the working days still left.
                item.remainingDays = due <= today ? 0 : calendar.workingDays(after: today, through: due)
                payload["remainingDays"] = String(item.remainingDays ?? 0)
            }
        case .materialsReceived:
            item.status = .inProgress
            item.missingMaterials = nil
            // The list told to the resident is met: it is no longer the reply.
            item.publicReply = nil
            if item.clockStart == nil {
                item.clockStart = today.description
                item.dueOn = dueDate(mode: item.serviceMode, timeLimit: item.timeLimit, promisedOn: item.promisedOn, start: today, calendar: calendar).description
            } else if let remaining = item.remainingDays {
                item.dueOn = calendar.adding(workingDays: remaining, after: today).description
            }
            item.remainingDays = nil
        case let .transfer(departmentID):
            guard let department = try await department(departmentID, village: village, on: request.db) else {
                throw AppError.validation([FieldError(field: "department", message: T(.requestDepartmentUnknown))])
            }
            item.status = .transferred
            item.departmentID = department.id.uuidString
            item.departmentName = department.text("name")
            payload["department"] = department.text("name") ?? ""
        case let .departmentAnswer(answer):
            item.status = .inProgress
            item.departmentAnswer = answer
            payload["answer"] = answer
        case let .extend(dueOn, reason, approvedBy):
            if dueOn < today { throw AppError.validation([FieldError(field: "dueOn", message: T(.requestDueInPast))]) }
            if let current = item.due, dueOn <= current { throw AppError.validation([FieldError(field: "dueOn", message: T(.requestExtendLater, current.description))]) }
            item.dueOn = dueOn.description
            item.extensions += 1
            payload["reason"] = reason
            payload["approvedBy"] = approvedBy
            payload["residentNotified"] = "true"
        case let .complete(result):
            item.status = .completed
            item.completedOn = today.description
            item.result = result
            payload["result"] = result
            if let due = item.due { payload["onTime"] = today <= due ? "true" : "false" }
        case let .refuse(reason):
            item.status = .refused
            item.refusedReason = reason
            payload["reason"] = reason
        }
        if let text = action.residentText {
            item.publicReply = replyToResident ? PersonalText.masked(text) : nil
            if replyToResident { payload["replyToResident"] = "true" }
        }
        payload["status"] = item.status.rawValue
        if let due = item.dueOn { payload["dueOn"] = due }
        item.version = seenVersion + 1
        let name = action.name
        let event = payload
        try await LedgerStore.retrying(request.db) { db in
            try await guardedSave(item, expecting: seenVersion, at: request.now, on: db)
            try await LedgerStore.append(on: db, station: village, subjectType: "request", subjectID: id, action: name, actor: actor, at: request.now, payload: event)
        }
        return item
    }

    /// Writes every field only while the stored version is still `expecting`; otherwise
    /// someone else acted first and this is a conflict (nothing is written).
    static func guardedSave(_ item: ServiceRequest, expecting: Int, at now: Date, on db: any Database) async throws {
        let sql = try RecordStore.sql(db)
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
    static func department(_ id: String, village: OrgUnit, on db: any Database) async throws -> Record? {
        guard let uuid = UUID(uuidString: id), let township = village.$parent.id else { return nil }
        return try await RecordStore.find(.departments, id: uuid, village: township, on: db)
    }

    /// For an open request whose due date was counted over a year whose holidays are not
    /// imported yet: the warning the clerk and the resident see ("2027年节假日安排尚未导入").
    static func dueDateNotice(_ item: ServiceRequest, calendar: WorkCalendar) -> String? {
        guard item.status.isOpen, item.serviceMode == .timeLimited, let due = item.due,
              let start = item.clockStart.flatMap(LocalDate.init) ?? item.received else { return nil }
        let years = calendar.uncoveredYears(from: start, through: due)
        guard !years.isEmpty else { return nil }
        return T(.requestCalendarMissing, years.map(String.init).joined(separator: T(.sepList)))
    }

    /// Share of the time limit used by `today`, in working days (0 when not started or
    /// due the day it started).
    static func timeUsed(_ item: ServiceRequest, today: LocalDate, calendar: WorkCalendar) -> Double? {
        guard item.status.isOpen, item.status != .materialsMissing, let start = item.clockStart.flatMap(LocalDate.init), let due = item.due else { return nil }
        let total = calendar.workingDays(after: start, through: due)
        guard total > 0 else { return today > due ? 1.1 : 0 }
        let used = calendar.workingDays(after: start, through: today)
        return Double(used) / Double(total) + (today > due ? 0.1 : 0)
    }

    enum Urgency: String, Sendable { case normal, warning, overdue }

    /// Overdue once past the due date; a warning once 80 % of the working days are used.
    static func urgency(_ item: ServiceRequest, today: LocalDate, calendar: WorkCalendar) -> Urgency {
        guard item.status.isOpen, item.status != .materialsMissing, let due = item.due else { return .normal }
        if today > due { return .overdue }
        if let used = timeUsed(item, today: today, calendar: calendar), used >= 0.8 { return .warning }
        return .normal
    }
}
