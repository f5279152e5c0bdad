import StandardKit
import WorkCalendar

/// What the request's rules read and change: the part of a stored request an action may
/// touch. The application copies it out of its row and back.
public struct RequestState: Sendable, Equatable {
    public var status: RequestStatus
    public var serviceMode: ServiceMode
    public var timeLimit: Int
    public var receivedOn: LocalDate
    public var promisedOn: LocalDate?
    /// The day the time limit started (materials complete), nil until then.
    public var clockStart: LocalDate?
    public var dueOn: LocalDate?
    /// Working days left when the clock paused for missing materials.
    public var remainingDays: Int?
    public var missingMaterials: [String]
    public var firstOwner: Person?
    public var department: Department?
    public var departmentAnswer: String?
    public var extensions: Int
    public var completedOn: LocalDate?
    public var result: String?
    public var refusedReason: String?

    /// A staff member: their account's id where the request was taken in by an account
    /// (imported and generated requests name a clerk only).
    public struct Person: Sendable, Equatable {
        public var id: String?
        public var name: String
        public init(id: String?, name: String) { self.id = id; self.name = name }
    }

    public struct Department: Sendable, Equatable {
        public var id: String
        public var name: String
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    public init(status: RequestStatus, serviceMode: ServiceMode, timeLimit: Int, receivedOn: LocalDate, promisedOn: LocalDate? = nil,
                clockStart: LocalDate? = nil, dueOn: LocalDate? = nil, remainingDays: Int? = nil, missingMaterials: [String] = [],
                firstOwner: Person? = nil, department: Department? = nil, departmentAnswer: String? = nil, extensions: Int = 0,
                completedOn: LocalDate? = nil, result: String? = nil, refusedReason: String? = nil) {
        self.status = status
        self.serviceMode = serviceMode
        self.timeLimit = timeLimit
        self.receivedOn = receivedOn
        self.promisedOn = promisedOn
        self.clockStart = clockStart
        self.dueOn = dueOn
        self.remainingDays = remainingDays
        self.missingMaterials = missingMaterials
        self.firstOwner = firstOwner
        self.department = department
        self.departmentAnswer = departmentAnswer
        self.extensions = extensions
        self.completedOn = completedOn
        self.result = result
        self.refusedReason = refusedReason
    }
}

/// Why the rules refuse an action.
public enum RequestRuleError: Error, Equatable, Sendable {
    /// The action may not start from the request's state.
    case notAllowed(from: RequestStatus)
    /// A transfer names no department of the township.
    case unknownDepartment
    /// A new due date before today.
    case dueInPast
    /// An extension that does not move the due date later.
    case extensionNotLater(current: LocalDate)
    /// A promised date before today at intake, or none for a promised service.
    case promisedInPast
    case promisedDateMissing
}

/// The request's rules: intake and every action, as changes of a `RequestState` on the
/// working-day calendar, each with the ledger event it writes.
public enum RequestMachine {
    /// When a matter whose materials were complete on `start` is due.
    public static func dueDate(mode: ServiceMode, timeLimit: Int, promisedOn: LocalDate?, start: LocalDate, calendar: WorkCalendar) -> LocalDate {
        switch mode {
        case .onTheSpot: return start
        case .timeLimited: return calendar.adding(workingDays: timeLimit, after: start)
        case .promised: return max(promisedOn ?? start, start)
        }
    }

    /// A new request. Taken by staff (window, phone) it is accepted at once with them as
    /// first-inquiry owner; from a remote channel it waits in `received`.
    public static func intake(service: String, channel: RequestChannel, mode: ServiceMode, timeLimit: Int, promisedOn: LocalDate?,
                              staff: RequestState.Person?, missing: [String], today: LocalDate,
                              calendar: WorkCalendar) throws(RequestRuleError) -> (RequestState, RequestEvent) {
        if mode == .promised {
            guard let promisedOn else { throw .promisedDateMissing }
            if promisedOn < today { throw .promisedInPast }
        }
        var state = RequestState(status: .received, serviceMode: mode, timeLimit: timeLimit, receivedOn: today,
                                 promisedOn: mode == .promised ? promisedOn : nil)
        let action: LedgerAction
        if let staff {
            state.firstOwner = staff
            accept(&state, missing: missing, today: today, calendar: calendar)
            action = .accept
        } else {
            action = .submit
        }
        let event = RequestEvent(action: action, status: state.status, dueOn: state.dueOn, details: .intake(service: service, channel: channel,
                                                                                                          firstOwner: staff?.name, missing: staff == nil ? [] : missing))
        return (state, event)
    }

    /// Applies `action` to `state` on `today`. `staff` is who acts (the first-inquiry owner
    /// when they accept); `department` the transfer's department as the township keeps it.
    public static func apply(_ action: RequestAction, to state: RequestState, today: LocalDate, calendar: WorkCalendar,
                             staff: RequestState.Person?, department: RequestState.Department? = nil) throws(RequestRuleError) -> (RequestState, RequestEvent) {
        guard action.allowedFrom.contains(state.status) else { throw .notAllowed(from: state.status) }
        var next = state
        let details: RequestEvent.Details
        switch action {
        case let .accept(missing):
            if let staff { next.firstOwner = staff }
            accept(&next, missing: missing, today: today, calendar: calendar)
            details = .accepted(firstOwner: staff?.name, missing: missing)
        case .start:
            next.status = .inProgress
            details = .none
        case let .requestMaterials(missing):
            next.status = .materialsMissing
            next.missingMaterials = missing
            if let due = next.dueOn {
                // The clock pauses: keep the working days still left.
                next.remainingDays = due <= today ? 0 : calendar.workingDays(after: today, through: due)
            }
            details = .materialsRequested(missing: missing, remainingDays: next.remainingDays)
        case .materialsReceived:
            next.status = .inProgress
            next.missingMaterials = []
            if next.clockStart == nil {
                next.clockStart = today
                next.dueOn = dueDate(mode: next.serviceMode, timeLimit: next.timeLimit, promisedOn: next.promisedOn, start: today, calendar: calendar)
            } else if let remaining = next.remainingDays {
                next.dueOn = calendar.adding(workingDays: remaining, after: today)
            }
            next.remainingDays = nil
            details = .none
        case .transfer:
            guard let department else { throw .unknownDepartment }
            next.status = .transferred
            next.department = department
            details = .transferred(department: department.name)
        case let .departmentAnswer(answer):
            next.status = .inProgress
            next.departmentAnswer = answer
            details = .answered(answer)
        case let .extend(dueOn, reason, approvedBy):
            if dueOn < today { throw .dueInPast }
            if let current = next.dueOn, dueOn <= current { throw .extensionNotLater(current: current) }
            next.dueOn = dueOn
            next.extensions += 1
            details = .extended(reason: reason, approvedBy: approvedBy)
        case let .complete(result):
            next.status = .completed
            next.completedOn = today
            next.result = result
            details = .completed(result: result, onTime: next.dueOn.map { today <= $0 })
        case let .refuse(reason):
            next.status = .refused
            next.refusedReason = reason
            details = .refused(reason: reason)
        }
        return (next, RequestEvent(action: action.name, status: next.status, dueOn: next.dueOn, details: details))
    }

    /// Accepting starts the clock (materials complete today) or waits for the missing ones.
    static func accept(_ state: inout RequestState, missing: [String], today: LocalDate, calendar: WorkCalendar) {
        if missing.isEmpty {
            state.status = .accepted
            state.clockStart = today
            state.dueOn = dueDate(mode: state.serviceMode, timeLimit: state.timeLimit, promisedOn: state.promisedOn, start: today, calendar: calendar)
            state.missingMaterials = []
        } else {
            state.status = .materialsMissing
            state.missingMaterials = missing
        }
    }

    /// Share of the time limit used by `today`, in working days; above 1 once overdue. Nil
    /// while the clock is not running.
    public static func timeUsed(_ state: RequestState, today: LocalDate, calendar: WorkCalendar) -> Double? {
        guard state.status.isOpen, state.status != .materialsMissing, let start = state.clockStart, let due = state.dueOn else { return nil }
        let total = calendar.workingDays(after: start, through: due)
        guard total > 0 else { return today > due ? 1.1 : 0 }
        let used = calendar.workingDays(after: start, through: today)
        return Double(used) / Double(total) + (today > due ? 0.1 : 0)
    }

    public enum Urgency: String, Sendable { case normal, warning, overdue }

    /// Overdue once past the due date; a warning once 80 % of the working days are used.
    public static func urgency(_ state: RequestState, today: LocalDate, calendar: WorkCalendar) -> Urgency {
        guard state.status.isOpen, state.status != .materialsMissing, let due = state.dueOn else { return .normal }
        if today > due { return .overdue }
        if let used = timeUsed(state, today: today, calendar: calendar), used >= 0.8 { return .warning }
        return .normal
    }

    /// The years whose holidays a time-limited request's due date was counted over without
    /// knowing them (the calendar has not imported them yet).
    public static func uncoveredYears(_ state: RequestState, calendar: WorkCalendar) -> [Int] {
        guard state.status.isOpen, state.serviceMode == .timeLimited, let due = state.dueOn else { return [] }
        return calendar.uncoveredYears(from: state.clockStart ?? state.receivedOn, through: due)
    }
}

/// The ledger event an intake or action writes: its action, the state it left, and typed
/// details. `payload` is the stored form (the hash chain seals it as it is written here).
public struct RequestEvent: Sendable, Equatable {
    public enum Details: Sendable, Equatable {
        case none
        case intake(service: String, channel: RequestChannel, firstOwner: String?, missing: [String])
        case accepted(firstOwner: String?, missing: [String])
        case materialsRequested(missing: [String], remainingDays: Int?)
        case transferred(department: String)
        case answered(String)
        case extended(reason: String, approvedBy: String)
        case completed(result: String, onTime: Bool?)
        case refused(reason: String)
    }

    public var action: LedgerAction
    public var status: RequestStatus
    public var dueOn: LocalDate?
    public var details: Details
    /// Set when staff marked the action's text as the reply to the resident.
    public var replyToResident = false

    public init(action: LedgerAction, status: RequestStatus, dueOn: LocalDate?, details: Details) {
        self.action = action
        self.status = status
        self.dueOn = dueOn
        self.details = details
    }

    /// The event's stored fields.
    public var payload: [String: String] {
        var out: [String: String] = ["status": status.rawValue]
        if let dueOn { out["dueOn"] = dueOn.description }
        if replyToResident { out["replyToResident"] = "true" }
        func missing(_ list: [String]) { if !list.isEmpty { out["missing"] = list.joined(separator: "\n") } }
        switch details {
        case .none: break
        case let .intake(service, channel, firstOwner, list):
            out["service"] = service
            out["channel"] = channel.rawValue
            if let firstOwner { out["firstOwner"] = firstOwner }
            missing(list)
        case let .accepted(firstOwner, list):
            if let firstOwner { out["firstOwner"] = firstOwner }
            missing(list)
        case let .materialsRequested(list, remainingDays):
            out["missing"] = list.joined(separator: "\n")
            if let remainingDays { out["remainingDays"] = String(remainingDays) }
        case let .transferred(department): out["department"] = department
        case let .answered(answer): out["answer"] = answer
        case let .extended(reason, approvedBy):
            out["reason"] = reason
            out["approvedBy"] = approvedBy
            out["residentNotified"] = "true"
        case let .completed(result, onTime):
            out["result"] = result
            if let onTime { out["onTime"] = onTime ? "true" : "false" }
        case let .refused(reason): out["reason"] = reason
        }
        return out
    }
}
