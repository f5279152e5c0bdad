import Foundation
import Ledger
import StandardKit
import StationKit
import Vapor

/// JSON shapes of the station's API, and their OpenAPI schemas (checked by tests
/// against real responses).
struct RequestDTO: Content {
    var id: UUID
    var trackingCode: String
    var serviceCode: String
    var serviceName: String
    var serviceMode: String
    var channel: String
    var status: String
    var statusLabel: String
    var residentName: String
    var residentPhone: String
    var content: String
    var materials: String
    var missingMaterials: [String]
    var firstOwner: String?
    var receivedOn: String
    var dueOn: String?
    var completedOn: String?
    var department: String?
    var departmentAnswer: String?
    var result: String?
    var refusedReason: String?
    /// The text staff marked as the reply to the resident (masked), if any.
    var publicReply: String?
    /// Set when the due date was counted over a year whose holidays are not imported yet.
    var dueDateNotice: String?
    var extensions: Int
    var version: Int
    var urgency: String
    var assignee: String?
    var coverWork: Bool

    init(_ item: ServiceRequest, reveal: Bool, urgency: RequestDesk.Urgency, assignee: Assignee?, dueDateNotice: String? = nil) {
        id = item.id.linked
        trackingCode = item.trackingCode
        serviceCode = item.serviceCode
        serviceName = item.serviceName
        serviceMode = item.serviceMode.rawValue
        channel = item.channel.rawValue
        status = item.status.rawValue
        statusLabel = item.status.label
        residentName = item.residentName
        residentPhone = reveal ? item.residentPhone : PersonalKind.phone.mask(item.residentPhone)
        content = item.content
        materials = item.materials
        missingMaterials = (item.missingMaterials ?? "").split(separator: "\n").map(String.init)
        firstOwner = item.firstOwnerName
        receivedOn = item.receivedOn
        dueOn = item.dueOn
        completedOn = item.completedOn
        department = item.departmentName
        departmentAnswer = item.departmentAnswer
        result = item.result
        refusedReason = item.refusedReason
        publicReply = item.publicReply
        self.dueDateNotice = dueDateNotice
        extensions = item.extensions
        version = item.version
        self.urgency = urgency.rawValue
        self.assignee = assignee?.name
        coverWork = assignee?.cover ?? false
    }
}

struct RequestListDTO: Content {
    var requests: [RequestDTO]
    /// The cursor of the next page (nil on the last), and how many match in all: on a
    /// village's list, which is read a page at a time.
    var next: String?
    var total: Int?

    init(requests: [RequestDTO], next: String? = nil, total: Int? = nil) {
        self.requests = requests
        self.next = next
        self.total = total
    }
}

struct LedgerEventDTO: Content {
    var sequence: Int
    var subjectType: String
    var subjectID: String
    var action: String
    var actionLabel: String
    var actor: String
    var at: Date
    var details: [String: String]
    var hash: String

    init(_ row: LedgerRow) {
        sequence = row.entry.sequence
        subjectType = row.entry.subjectType
        subjectID = row.entry.subjectID
        action = row.entry.action
        actionLabel = StationText.actionLabel(row.entry.action)
        actor = Actor.shown(id: row.entry.actorID, recorded: row.entry.actorName)
        at = row.occurredAt
        details = row.payload
        hash = row.entry.hash
    }
}

struct RequestDetailDTO: Content {
    var request: RequestDTO
    var history: [LedgerEventDTO]
}

struct LedgerListDTO: Content {
    var events: [LedgerEventDTO]
    /// The cursor of the next page (nil on the last), and how many events the period holds.
    var next: String?
    var total: Int
}

struct ChainDTO: Content {
    var unitID: UUID
    var name: String
    var events: Int
    var intact: Bool
    var firstBrokenSequence: Int?
    var reason: String?
    /// For a chain that lost its newest events or was rewritten: where it now ends, and the
    /// point it was seen at (sequence and hash) by a checkpoint or the anchor log.
    var endsAt: Int?
    var expectedSequence: Int?
    var expectedHash: String?
    var anchoredBy: String?
}

extension ChainDTO {
    init(village: OrgUnit, result: LedgerChain.Verification) throws {
        self.init(unitID: try village.requireID(), name: village.name, events: result.count, intact: result.intact,
                  firstBrokenSequence: result.firstBroken?.sequence, reason: result.firstBroken?.reason.rawValue,
                  endsAt: result.end?.endsAt, expectedSequence: result.end?.expectedSequence, expectedHash: result.end?.expectedHash,
                  anchoredBy: result.end?.source.rawValue)
    }
}

struct VerificationDTO: Content {
    var chains: [ChainDTO]
    /// The anchor log checked against, if anchoring is on.
    var anchorLog: String?
    /// What was wrong with the anchor log itself (lines forged, removed, under unknown keys).
    var anchorProblems: [String]
}

struct TrackEventDTO: Content {
    var at: Date
    var action: String
    var actionLabel: String
    var status: String?
}

/// What anyone with the tracking code may see: no names, no phone numbers.
struct TrackDTO: Content {
    var trackingCode: String
    var station: String
    var serviceName: String
    var status: String
    var statusLabel: String
    var receivedOn: String
    var dueOn: String?
    var completedOn: String?
    /// The missing materials, when staff made that list the reply to the resident.
    var missingMaterials: [String]
    /// What staff marked as the reply to the resident (identity and phone numbers masked).
    var reply: String?
    /// Set when the due date lies in a year whose holidays are not imported yet: it may move.
    var dueDateNotice: String?
    /// The resident's rating once given; `mayRate` while a completed request has none.
    var feedback: String?
    var mayRate: Bool
    /// What happens next, in plain words for the resident.
    var nextStep: String
    var history: [TrackEventDTO]
}

struct ComplaintDTO: Content {
    var id: UUID
    var requestID: UUID?
    var worker: String?
    var complainantName: String
    var complainantPhone: String
    var content: String
    var receivedOn: String
    var status: String
    var result: String?
    var resolvedOn: String?
    var satisfaction: String?
    var version: Int

    init(_ complaint: Complaint, reveal: Bool) {
        id = complaint.id.linked
        requestID = complaint.requestID
        worker = complaint.workerName
        complainantName = complaint.complainantName
        complainantPhone = reveal ? complaint.complainantPhone : PersonalKind.phone.mask(complaint.complainantPhone)
        content = complaint.content
        receivedOn = complaint.receivedOn
        status = complaint.status
        result = complaint.result
        resolvedOn = complaint.resolvedOn
        satisfaction = complaint.satisfaction?.rawValue
        version = complaint.version
    }
}

struct ComplaintListDTO: Content {
    var complaints: [ComplaintDTO]
    /// The cursor of the next page (nil on the last), and how many match in all.
    var next: String?
    var total: Int
}

struct MonthStatsDTO: Content {
    var month: String
    var received: Int
    var due: Int
    var completedOnTime: Int
    var onTimeRate: Double?
    var complaints: Int
    var complaintRate: Double?
    /// Resolved complaints the resident rated, those satisfied or basically satisfied, and their share (满意率).
    var complaintsRated: Int
    var complaintsSatisfied: Int
    var satisfactionRate: Double?
    /// Requests the resident rated on the tracking page, those satisfied or basically satisfied, and their share.
    var requestsRated: Int
    var requestsSatisfied: Int
    var feedbackRate: Double?
}

struct StationStatsDTO: Content {
    var year: Int
    var months: [MonthStatsDTO]
    var total: MonthStatsDTO
}

enum StationAPI {
    static var schemas: [String: Schema] {
        typealias O = Schema
        let statusEnum = O.oneOf(RequestStatus.allCases.map(\.rawValue))
        let request = O.object([
            "id": O.uuid, "trackingCode": O.string, "serviceCode": O.string, "serviceName": O.string,
            "serviceMode": O.oneOf(ServiceMode.allCases.map(\.rawValue)),
            "channel": O.oneOf(RequestChannel.allCases.map(\.rawValue)), "status": statusEnum, "statusLabel": O.string,
            "residentName": O.string, "residentPhone": O.string, "content": O.string, "materials": O.string, "missingMaterials": O.array(O.string),
            "firstOwner": O.string.nullable, "receivedOn": O.date, "dueOn": O.date.nullable, "completedOn": O.date.nullable,
            "department": O.string.nullable, "departmentAnswer": O.string.nullable, "result": O.string.nullable,
            "refusedReason": O.string.nullable, "publicReply": O.string.nullable, "dueDateNotice": O.string.nullable, "extensions": O.integer, "version": O.integer,
            "urgency": O.oneOf(["normal", "warning", "overdue"]), "assignee": O.string.nullable, "coverWork": O.boolean,
        ], required: ["id", "trackingCode", "serviceCode", "serviceName", "serviceMode", "channel", "status", "statusLabel", "residentName",
                      "residentPhone", "content", "materials", "missingMaterials", "receivedOn", "extensions", "version", "urgency", "coverWork"])
        let event = O.object(["sequence": O.integer, "subjectType": O.oneOf(["request", "complaint"]), "subjectID": O.string,
                              "action": O.string, "actionLabel": O.string, "actor": O.string, "at": O.dateTime,
                              "details": O.map(of: O.string), "hash": O.string])
        let month = O.object(["month": O.string, "received": O.integer, "due": O.integer, "completedOnTime": O.integer,
                              "onTimeRate": O.number.nullable, "complaints": O.integer, "complaintRate": O.number.nullable,
                              "complaintsRated": O.integer, "complaintsSatisfied": O.integer, "satisfactionRate": O.number.nullable,
                              "requestsRated": O.integer, "requestsSatisfied": O.integer, "feedbackRate": O.number.nullable],
                             required: ["month", "received", "due", "completedOnTime", "complaints", "complaintsRated", "complaintsSatisfied",
                                        "requestsRated", "requestsSatisfied"])
        return [
            "ServiceRequest": request,
            "ServiceRequestList": O.object(["requests": O.array(O.ref("ServiceRequest")), "next": O.string.nullable, "total": O.integer], required: ["requests"]),
            "ServiceRequestDetail": O.object(["request": O.ref("ServiceRequest"), "history": O.array(O.ref("LedgerEvent"))]),
            "IntakeInput": O.object(["serviceCode": O.string, "channel": O.oneOf(["window", "phone"]), "residentName": O.string,
                                     "residentPhone": O.string, "content": O.string, "materials": O.string, "missing": O.array(O.string),
                                     "promisedOn": O.date], required: ["serviceCode", "residentName", "residentPhone", "content"]),
            "RequestActionInput": O.object(["action": O.oneOf(LedgerAction.onRequests.map(\.rawValue)), "version": O.integer,
                                            "missing": O.array(O.string), "department": O.uuid, "answer": O.string, "dueOn": O.date,
                                            "reason": O.string, "approvedBy": O.string, "residentNotified": O.boolean, "result": O.string,
                                            "replyToResident": O.boolean],
                                           required: ["action"]),
            "LedgerEvent": event,
            "LedgerEventList": O.object(["events": O.array(O.ref("LedgerEvent")), "next": O.string.nullable, "total": O.integer], required: ["events", "total"]),
            "LedgerVerification": O.object(["chains": O.array(O.object(["unitID": O.uuid, "name": O.string, "events": O.integer, "intact": O.boolean,
                                                                        "firstBrokenSequence": O.integer.nullable, "reason": O.string.nullable,
                                                                        "endsAt": O.integer.nullable, "expectedSequence": O.integer.nullable,
                                                                        "expectedHash": O.string.nullable,
                                                                        "anchoredBy": O.oneOf(["checkpoint", "anchorLog"]).nullable],
                                                                       required: ["unitID", "name", "events", "intact"])),
                                            "anchorLog": O.string.nullable, "anchorProblems": O.array(O.string)],
                                           required: ["chains", "anchorProblems"]),
            "Track": O.object(["trackingCode": O.string, "station": O.string, "serviceName": O.string, "status": statusEnum, "statusLabel": O.string,
                               "receivedOn": O.date, "dueOn": O.date.nullable, "completedOn": O.date.nullable, "missingMaterials": O.array(O.string),
                               "reply": O.string.nullable, "dueDateNotice": O.string.nullable,
                               "feedback": O.oneOf(Satisfaction.allCases.map(\.rawValue)).nullable, "mayRate": O.boolean, "nextStep": O.string,
                               "history": O.array(O.object(["at": O.dateTime, "action": O.string, "actionLabel": O.string,
                                                            "status": statusEnum.nullable], required: ["at", "action", "actionLabel"]))],
                              required: ["trackingCode", "station", "serviceName", "status", "statusLabel", "receivedOn", "missingMaterials", "nextStep", "history"]),
            "Complaint": O.object(["id": O.uuid, "requestID": O.uuid.nullable, "worker": O.string.nullable, "complainantName": O.string,
                                   "complainantPhone": O.string, "content": O.string, "receivedOn": O.date, "status": O.oneOf(["open", "resolved"]),
                                   "result": O.string.nullable, "resolvedOn": O.date.nullable,
                                   "satisfaction": O.oneOf(Satisfaction.allCases.map(\.rawValue)).nullable, "version": O.integer],
                                  required: ["id", "complainantName", "complainantPhone", "content", "receivedOn", "status", "version"]),
            "ComplaintList": O.object(["complaints": O.array(O.ref("Complaint")), "next": O.string.nullable, "total": O.integer],
                                      required: ["complaints", "total"]),
            "ComplaintInput": O.object(["trackingCode": O.string, "worker": O.uuid, "complainantName": O.string, "complainantPhone": O.string,
                                        "content": O.string], required: ["complainantName", "complainantPhone", "content"]),
            "ComplaintResolution": O.object(["result": O.string, "satisfaction": O.oneOf(Satisfaction.allCases.map(\.rawValue)),
                                             "version": O.integer], required: ["result", "satisfaction"]),
            "MonthStats": month,
            "StationStats": O.object(["year": O.integer, "months": O.array(O.ref("MonthStats")), "total": O.ref("MonthStats")]),
            "HotlineTicket": O.object(["ticketId": O.string, "serviceCode": O.string, "callerName": O.string, "callerPhone": O.string,
                                       "content": O.string, "receivedAt": O.dateTime],
                                      required: ["ticketId", "serviceCode", "callerName", "callerPhone", "content"]),
            "HotlineReceipt": O.object(["trackingCode": O.string, "status": statusEnum, "duplicate": O.boolean]),
            "Open311Service": O.object(["service_code": O.string, "service_name": O.string, "description": O.string, "metadata": O.boolean,
                                        "type": O.string, "keywords": O.string, "group": O.string]),
            "Open311ServiceList": O.array(O.ref("Open311Service")),
            "Open311Definition": O.object(["service_code": O.string, "attributes": O.array(Schema(types: [.object]))]),
            "Open311Request": Schema(types: [.object], required: ["service_request_id", "status", "service_code", "requested_datetime"]),
            "Open311RequestList": O.array(O.ref("Open311Request")),
            "Open311Created": O.array(O.object(["service_request_id": O.string, "service_notice": O.string, "account_id": O.string.nullable])),
            "CalendarYears": O.object(["years": O.array(O.object(["year": O.integer, "source": O.string,
                                                                   "holidays": O.array(O.object(["name": O.string, "from": O.date, "to": O.date])),
                                                                   "workdays": O.array(O.object(["name": O.string, "date": O.date]))]))]),
            "Open311Errors": O.array(O.object(["code": O.integer, "description": O.string])),
        ]
    }
}

/// Words for ledger actions, shown on pages, exports and the public tracking page.
enum StationText {
    static func actionLabel(_ action: String) -> String {
        guard let known = LedgerAction(rawValue: action) else { return action }
        switch known {
        case .submit: return T(.actionSubmit)
        case .accept: return T(.actionAccept)
        case .start: return T(.actionStart)
        case .requestMaterials: return T(.actionRequestMaterials)
        case .materialsReceived: return T(.actionMaterialsReceived)
        case .transfer: return T(.actionTransfer)
        case .departmentAnswer: return T(.actionDepartmentAnswer)
        case .extend: return T(.actionExtend)
        case .complete: return T(.actionComplete)
        case .refuse: return T(.actionRefuse)
        case .complaint: return T(.actionComplaint)
        case .resolve: return T(.actionResolve)
        }
    }
}
