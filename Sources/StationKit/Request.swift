import StandardKit

// The service station's request, as a value: its vocabulary, the actions staff take on it,
// which state each action may start from and what it changes, and the ledger event each
// one writes. Pure (no web, no database): the application stores and shows what this
// decides, so the rules are tested here alone (StationKitTests).

/// Where a request came in (一口受理: every channel lands in the same ledger).
public enum RequestChannel: String, CaseIterable, Sendable, Codable {
    case window, phone, hotline96156, online, open311
}

/// A request's state. `received` is a request that came in remotely and waits for a staff
/// member to take it on (who then becomes its first-inquiry owner).
public enum RequestStatus: String, CaseIterable, Sendable, Codable {
    case received, accepted, inProgress, materialsMissing, transferred, completed, refused

    public var isOpen: Bool { self != .completed && self != .refused }

    /// Open311's two states.
    public var open311: String { isOpen ? "open" : "closed" }
}

/// How a service is settled (item 27's 限时办结).
public enum ServiceMode: String, CaseIterable, Sendable, Codable {
    /// 即来即办: settled on the spot, due the same day.
    case onTheSpot
    /// 限时办理: within a number of working days.
    case timeLimited
    /// 承诺办理: by a date promised to the resident at intake.
    case promised
}

/// How a complainant rated the handling of a complaint.
public enum Satisfaction: String, CaseIterable, Sendable, Codable {
    case satisfied, basicallySatisfied, dissatisfied
}

/// Every action the station's ledger records, by the name it is stored under. The one
/// place these names are spelled.
public enum LedgerAction: String, CaseIterable, Sendable, Codable {
    /// A resident's request arrived remotely (it waits in `received`).
    case submit
    case accept, start, requestMaterials, materialsReceived, transfer, departmentAnswer, extend, complete, refuse
    /// A complaint received, and resolved.
    case complaint, resolve

    /// The actions staff take on a request, in the order a page offers them.
    public static let onRequests: [LedgerAction] = [.accept, .start, .requestMaterials, .materialsReceived, .transfer, .departmentAnswer, .extend, .complete, .refuse]

    /// The states a request action may start from (none for intake and complaints).
    public var allowedFrom: Set<RequestStatus> {
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
        case .submit, .complaint, .resolve: return []
        }
    }
}

/// One action on a request, with what it carries.
public enum RequestAction: Sendable, Equatable {
    case accept(missing: [String])
    case start
    case requestMaterials(missing: [String])
    case materialsReceived
    case transfer(departmentID: String)
    case departmentAnswer(String)
    case extend(dueOn: LocalDate, reason: String, approvedBy: String)
    case complete(result: String)
    case refuse(reason: String)

    public var name: LedgerAction {
        switch self {
        case .accept: return .accept
        case .start: return .start
        case .requestMaterials: return .requestMaterials
        case .materialsReceived: return .materialsReceived
        case .transfer: return .transfer
        case .departmentAnswer: return .departmentAnswer
        case .extend: return .extend
        case .complete: return .complete
        case .refuse: return .refuse
        }
    }

    /// The states the action may start from.
    public var allowedFrom: Set<RequestStatus> { name.allowedFrom }

    /// The action's text that staff may mark as the reply to the resident: the missing
    /// materials, the result, the reason for refusing or extending, a department's answer.
    public var residentText: String? {
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
}
