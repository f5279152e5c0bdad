import Fluent
import StandardKit
import StationKit
import Vapor

// The request's vocabulary and rules live in StationKit; here, their words.

extension RequestChannel {
    var label: String {
        switch self {
        case .window: return T(.channelWindow)
        case .phone: return T(.channelPhone)
        case .hotline96156: return T(.channel96156)
        case .online: return T(.channelOnline)
        case .open311: return T(.channelOpen311)
        }
    }
}

extension RequestStatus {
    var label: String {
        switch self {
        case .received: return T(.statusReceived)
        case .accepted: return T(.statusAccepted)
        case .inProgress: return T(.statusInProgress)
        case .materialsMissing: return T(.statusMaterialsMissing)
        case .transferred: return T(.statusTransferred)
        case .completed: return T(.statusCompleted)
        case .refused: return T(.statusRefused)
        }
    }
}

/// A resident's service request at a village's service station.
final class ServiceRequest: Model, @unchecked Sendable {
    static let schema = "service_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @Field(key: "tracking_code") var trackingCode: String
    @Field(key: "service_id") var serviceID: String
    @Field(key: "service_code") var serviceCode: String
    @Field(key: "service_name") var serviceName: String
    @Field(key: "service_mode") var serviceMode: ServiceMode
    @Field(key: "time_limit") var timeLimit: Int
    @OptionalField(key: "post_id") var postID: String?
    @Field(key: "channel") var channel: RequestChannel
    @OptionalField(key: "external_id") var externalID: String?
    @Field(key: "resident_name") var residentName: String
    /// Sealed at rest (`PersonalData`); `residentPhone` is the plain value.
    @Field(key: "resident_phone") var sealedResidentPhone: Sealed
    /// The phone number's keyed hash, for finding a resident's requests by number.
    @OptionalField(key: "resident_phone_hash") var residentPhoneHash: String?
    @Field(key: "content") var content: String
    @Field(key: "materials") var materials: String
    @Field(key: "status") var status: RequestStatus
    @OptionalField(key: "first_owner_id") var firstOwnerID: UUID?
    @OptionalField(key: "first_owner_name") var firstOwnerName: String?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "received_on") var receivedOn: String
    @OptionalField(key: "promised_on") var promisedOn: String?
    @OptionalField(key: "clock_start") var clockStart: String?
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "remaining_days") var remainingDays: Int?
    @OptionalField(key: "completed_on") var completedOn: String?
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "department_id") var departmentID: String?
    @OptionalField(key: "department_name") var departmentName: String?
    @OptionalField(key: "department_answer") var departmentAnswer: String?
    @OptionalField(key: "missing_materials") var missingMaterials: String?
    @OptionalField(key: "refused_reason") var refusedReason: String?
    /// What staff marked as the reply to the resident (masked): the only staff text the
    /// track page and Open311 show.
    @OptionalField(key: "public_reply") var publicReply: String?
    /// The resident's rating of the completed request, once, and the day it was given.
    @OptionalField(key: "feedback") var feedback: Satisfaction?
    @OptionalField(key: "feedback_on") var feedbackOn: String?
    @Field(key: "extensions") var extensions: Int
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $unitID, $unitPath, $trackingCode, $serviceID, $serviceCode, $serviceName, $serviceMode, $timeLimit, $postID, $channel,
            $externalID, $residentName, $sealedResidentPhone, $residentPhoneHash, $content, $materials, $status, $firstOwnerID,
            $firstOwnerName, $receivedAt, $receivedOn, $promisedOn, $clockStart, $dueOn, $remainingDays, $completedOn, $result,
            $departmentID, $departmentName, $departmentAnswer, $missingMaterials, $refusedReason, $publicReply, $feedback, $feedbackOn,
            $extensions, $version, $createdAt, $updatedAt
        ]
    }

    init() {}

    var residentPhone: String {
        get { sealedResidentPhone.plain }
        set {
            sealedResidentPhone = Sealed(newValue)
            residentPhoneHash = (try? PersonalData.keyring())?.searchHash(phone: newValue)
        }
    }

    var due: LocalDate? { dueOn.flatMap(LocalDate.init) }
    var received: LocalDate? { LocalDate(receivedOn) }
    var completed: LocalDate? { completedOn.flatMap(LocalDate.init) }

    /// The part of the request StationKit's rules read and change.
    var state: RequestState {
        get {
            RequestState(status: status, serviceMode: serviceMode, timeLimit: timeLimit, receivedOn: received ?? LocalDate(dayNumber: 0),
                         promisedOn: promisedOn.flatMap(LocalDate.init), clockStart: clockStart.flatMap(LocalDate.init), dueOn: due,
                         remainingDays: remainingDays,
                         missingMaterials: (missingMaterials ?? "").split(separator: "\n").map(String.init),
                         firstOwner: firstOwnerName.map { RequestState.Person(id: firstOwnerID?.uuidString, name: $0) }
                             ?? firstOwnerID.map { RequestState.Person(id: $0.uuidString, name: "") },
                         department: departmentID.map { RequestState.Department(id: $0, name: departmentName ?? "") },
                         departmentAnswer: departmentAnswer, extensions: extensions, completedOn: completed, result: result, refusedReason: refusedReason)
        }
        set {
            status = newValue.status
            serviceMode = newValue.serviceMode
            timeLimit = newValue.timeLimit
            receivedOn = newValue.receivedOn.description
            promisedOn = newValue.promisedOn?.description
            clockStart = newValue.clockStart?.description
            dueOn = newValue.dueOn?.description
            remainingDays = newValue.remainingDays
            missingMaterials = newValue.missingMaterials.isEmpty ? nil : newValue.missingMaterials.joined(separator: "\n")
            firstOwnerID = newValue.firstOwner?.id.flatMap(UUID.init(uuidString:))
            firstOwnerName = newValue.firstOwner.flatMap { $0.name.isEmpty ? nil : $0.name }
            departmentID = newValue.department?.id
            departmentName = newValue.department?.name
            departmentAnswer = newValue.departmentAnswer
            extensions = newValue.extensions
            completedOn = newValue.completedOn?.description
            result = newValue.result
            refusedReason = newValue.refusedReason
        }
    }
}

extension ServiceRequest: PlacedModel {
    /// Every column, in `init(placed:)`'s order. A field added to the model must be added in
    /// both: a test compares these rows with Fluent's, field by field.
    static let placedKeys: [FieldKey] = [
        "id", "unit_id", "unit_path", "tracking_code", "service_id", "service_code", "service_name", "service_mode", "time_limit", "post_id",
        "channel", "external_id", "resident_name", "resident_phone", "resident_phone_hash", "content", "materials", "status", "first_owner_id",
        "first_owner_name", "received_at", "received_on", "promised_on", "clock_start", "due_on", "remaining_days", "completed_on", "result",
        "department_id", "department_name", "department_answer", "missing_materials", "refused_reason", "public_reply", "feedback", "feedback_on",
        "extensions", "version", "created_at", "updated_at",
    ]

    convenience init(placed row: PlacedRow) throws {
        var row = row
        self.init()
        id = try row.next(UUID.self)
        unitID = try row.next()
        unitPath = try row.next()
        trackingCode = try row.next()
        serviceID = try row.next()
        serviceCode = try row.next()
        serviceName = try row.next()
        serviceMode = try row.next(named: ServiceMode.self)
        timeLimit = try row.next()
        postID = try row.next()
        channel = try row.next(named: RequestChannel.self)
        externalID = try row.next()
        residentName = try row.next()
        sealedResidentPhone = Sealed(try PersonalData.open(try row.next(String.self)))
        residentPhoneHash = try row.next()
        content = try row.next()
        materials = try row.next()
        status = try row.next(named: RequestStatus.self)
        firstOwnerID = try row.next()
        firstOwnerName = try row.next()
        receivedAt = try row.next()
        receivedOn = try row.next()
        promisedOn = try row.next()
        clockStart = try row.next()
        dueOn = try row.next()
        remainingDays = try row.next()
        completedOn = try row.next()
        result = try row.next()
        departmentID = try row.next()
        departmentName = try row.next()
        departmentAnswer = try row.next()
        missingMaterials = try row.next()
        refusedReason = try row.next()
        publicReply = try row.next()
        feedback = try row.next(namedIfAny: Satisfaction.self)
        feedbackOn = try row.next()
        extensions = try row.next()
        version = try row.next()
        createdAt = try row.next()
        updatedAt = try row.next()
        $id.exists = true
    }
}

/// A complaint against a request or a staff member, and how it was handled.
final class Complaint: Model, @unchecked Sendable {
    static let schema = "complaints"

    @ID(key: .id) var id: UUID?
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @OptionalField(key: "request_id") var requestID: UUID?
    @OptionalField(key: "worker_id") var workerID: String?
    @OptionalField(key: "worker_name") var workerName: String?
    @Field(key: "complainant_name") var complainantName: String
    /// Sealed at rest (`PersonalData`); `complainantPhone` is the plain value.
    @Field(key: "complainant_phone") var sealedComplainantPhone: Sealed
    @Field(key: "content") var content: String
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "status") var status: String
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "resolved_on") var resolvedOn: String?
    @OptionalField(key: "satisfaction") var satisfaction: Satisfaction?
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] {
        [
            $id, $unitID, $unitPath, $requestID, $workerID, $workerName, $complainantName, $sealedComplainantPhone, $content, $receivedOn,
            $status, $result, $resolvedOn, $satisfaction, $version, $createdAt, $updatedAt
        ]
    }

    init() {}

    var complainantPhone: String {
        get { sealedComplainantPhone.plain }
        set { sealedComplainantPhone = Sealed(newValue) }
    }

    var isOpen: Bool { status == "open" }
}

extension Satisfaction {
    var label: String {
        switch self {
        case .satisfied: return T(.satisfied)
        case .basicallySatisfied: return T(.basicallySatisfied)
        case .dissatisfied: return T(.dissatisfied)
        }
    }
}
