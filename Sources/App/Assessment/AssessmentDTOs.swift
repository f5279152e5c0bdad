import Foundation
import StandardKit
import Vapor

struct CycleDTO: Content {
    var id: UUID
    var name: String
    var year: Int
    var standard: String
    var asOf: String
    var submitBy: String
    var reviewBy: String
    var passMark: Double
    var partialCredit: Bool

    init(_ c: AssessmentCycle) {
        id = c.id.linked; name = c.name; year = c.year; standard = c.standard; asOf = c.asOf
        submitBy = c.submitBy; reviewBy = c.reviewBy; passMark = c.passMark; partialCredit = c.partialCredit
    }
}

struct CycleListDTO: Content { var cycles: [CycleDTO] }

struct EvidenceDTO: Content {
    var id: UUID
    var kind: String
    var name: String
    var url: String?
    var note: String?
    var contentType: String?
    var size: Int?
    var createdBy: String
}

struct SheetCheckDTO: Content {
    var id: String
    var item: Int
    var kind: String
    var level: String
    var title: String
    var status: String
    var explanation: String
    var evidenceExpected: String?
    var decision: String?
    var reason: String?
    var answer: String?
    var evidence: [EvidenceDTO]
}

struct QualityDTO: Content {
    var errors: [FieldError]
    var warnings: [String]
}

struct SheetDTO: Content {
    var cycle: CycleDTO
    var unitID: UUID
    var unitName: String
    var level: String
    var state: String
    var stateLabel: String
    var version: Int
    var score: Double?
    var passed: Bool?
    var submittedOn: String?
    var approvedOn: String?
    /// What the viewer may do now (role and state together: `SheetActions`).
    var mayFill: Bool
    var mayAnswer: Bool
    var mayReview: Bool
    var mayApprove: Bool
    var mayUnlock: Bool
    /// The village's records of the cycle's period are locked (submitted, in review or
    /// approved), with the reason shown to a person who tries to change them.
    var recordsLocked: Bool
    var lockMessage: String?
    var checks: [SheetCheckDTO]
    var quality: QualityDTO?
    /// The reviewer's reason for the last return of the whole sheet, who and when.
    var returnedNote: String?
    var returnedBy: String?
    var returnedOn: String?
}

struct VillageRowDTO: Content {
    var unitID: UUID
    var name: String
    var township: String
    var state: String
    var score: Double?
    var passed: Bool?
    var areaRates: [Double?]
    var previousScore: Double?
    var submittedOnTime: Bool
}

struct AreaRateDTO: Content {
    var number: Int
    var name: String
    var metRate: Double?
}

struct ItemRateDTO: Content {
    var number: Int
    var metRate: Double
    var text: String
}

struct CompletenessDTO: Content {
    var sheets: Int
    var submitted: Int
    var reviewed: Int
    var approved: Int
    var submittedOnTime: Int
}

struct DashboardDTO: Content {
    var cycle: CycleDTO
    var unitName: String
    var villages: [VillageRowDTO]
    var areas: [AreaRateDTO]
    var goals: [AreaRateDTO]
    var items: [ItemRateDTO]
    var weakestItems: [ItemRateDTO]
    var completeness: CompletenessDTO
    var meanScore: Double?
    var previousMeanScore: Double?
    /// Township name → id, for drilling down from a district.
    var townships: [String: UUID]
    /// The units one level down compared (a city's districts, a district's townships),
    /// each with its villages' figures and its own sheet's state; empty below a district.
    var parts: [PartRowDTO]
    /// How many villages' figures are their last kept ones, being computed again in the
    /// background after many villages changed at once (a new day, a burst of intake).
    var refreshing: Int
}

/// One unit below the dashboard's, compared with its siblings.
struct PartRowDTO: Content {
    var unitID: UUID
    var name: String
    var kind: String
    /// Its village sheets, those submitted (on time), reviewed and approved.
    var completeness: CompletenessDTO
    var meanScore: Double?
    /// Share of its assessed villages that reach the pass mark.
    var passRate: Double?
    var areaRates: [Double?]
    /// The item its villages meet least often, and the three they meet least often.
    var weakestItem: Int?
    var weakestItems: [Int]
    /// The state of the unit's own sheet (a district's or a township's), nil when it has none.
    var ownState: String?
}

struct RectificationDTO: Content {
    var check: String
    var title: String
    var missing: String
    /// "open" (not met), "met" (met now, waiting to be closed with what fixed it),
    /// "closed", or "carried" (went on in the next year's cycle).
    var status: String
    var responsible: String
    var deadline: String?
    var followUp: String
    /// Calendar days past the deadline while not closed.
    var overdueDays: Int?
    var closedOn: String?
    var closedBy: String?
    /// The record that fixed it, as "kind/id".
    var closedRecord: String?
    var closedEvidence: String?
    var carriedFrom: String?
    var carriedTo: String?
    var notes: [RectificationNoteDTO]
}

struct RectificationNoteDTO: Content {
    var author: String
    var unitName: String
    var text: String
    var createdAt: Date
}

struct RectificationListDTO: Content { var items: [RectificationDTO] }

struct NoticeDTO: Content {
    /// Stable while what the notice says stays the same (see `InboxController`).
    var id: String
    var kind: String
    var text: String
    var link: String
    var read: Bool
}

struct InboxDTO: Content { var notices: [NoticeDTO] }

enum AssessmentAPI {
    static var schemas: [String: Schema] {
        typealias O = Schema
        let cycle = O.object(["id": O.uuid, "name": O.string, "year": O.integer, "standard": O.string, "asOf": O.date, "submitBy": O.date,
                              "reviewBy": O.date, "passMark": O.number, "partialCredit": O.boolean])
        let evidence = O.object(["id": O.uuid, "kind": O.oneOf(["file", "link", "note"]), "name": O.string, "url": O.string.nullable,
                                 "note": O.string.nullable, "contentType": O.string.nullable, "size": O.integer.nullable, "createdBy": O.string],
                                required: ["id", "kind", "name", "createdBy"])
        let check = O.object(["id": O.string, "item": O.integer, "kind": O.string, "level": O.string, "title": O.string, "status": O.string,
                              "explanation": O.string, "evidenceExpected": O.string.nullable, "decision": O.string.nullable,
                              "reason": O.string.nullable, "answer": O.string.nullable, "evidence": O.array(evidence)],
                             required: ["id", "item", "kind", "level", "title", "status", "explanation", "evidence"])
        return [
            "Cycle": cycle,
            "CycleList": O.object(["cycles": O.array(O.ref("Cycle"))]),
            "CycleInput": O.object(["name": O.string, "year": O.integer, "asOf": O.date, "submitBy": O.date, "reviewBy": O.date,
                                    "passMark": O.number, "partialCredit": O.boolean], required: ["name", "year", "submitBy", "reviewBy"]),
            "Evidence": evidence,
            "EvidenceInput": O.object(["check": O.string, "kind": O.oneOf(["link", "note"]), "url": O.string, "note": O.string],
                                      required: ["check", "kind"]),
            "SheetActionInput": {
                var input = O.object(["version": O.integer, "check": O.string, "decision": O.oneOf(["accepted", "returned"]),
                                      "reason": O.string, "answer": O.string], required: [])
                // review: several decisions at once as decision.<check> and reason.<check>.
                input.patternProperties = ["^(decision|reason)\\.[0-9]+\\.[0-9]+$": O.string]
                return input
            }(),
            "Sheet": O.object(["cycle": O.ref("Cycle"), "unitID": O.uuid, "unitName": O.string, "level": O.string,
                               "state": O.oneOf(SheetState.allCases.map(\.rawValue)), "stateLabel": O.string, "version": O.integer,
                               "score": O.number.nullable, "passed": O.boolean.nullable, "submittedOn": O.date.nullable, "approvedOn": O.date.nullable,
                               "mayFill": O.boolean, "mayAnswer": O.boolean, "mayReview": O.boolean, "mayApprove": O.boolean, "mayUnlock": O.boolean,
                               "recordsLocked": O.boolean, "lockMessage": O.string.nullable, "checks": O.array(check),
                               "returnedNote": O.string.nullable, "returnedBy": O.string.nullable, "returnedOn": O.date.nullable,
                               "quality": O.object(["errors": O.array(O.object(["field": O.string, "message": O.string])), "warnings": O.array(O.string)]).nullable],
                              required: ["cycle", "unitID", "unitName", "level", "state", "stateLabel", "version", "mayFill", "mayAnswer", "mayReview", "mayApprove", "mayUnlock",
                                         "recordsLocked", "checks"]),
            "Dashboard": O.object([
                "cycle": O.ref("Cycle"), "unitName": O.string, "refreshing": O.integer,
                "villages": O.array(O.object(["unitID": O.uuid, "name": O.string, "township": O.string, "state": O.string, "score": O.number.nullable,
                                              "passed": O.boolean.nullable, "areaRates": O.array(O.number.nullable), "previousScore": O.number.nullable,
                                              "submittedOnTime": O.boolean], required: ["unitID", "name", "township", "state", "areaRates", "submittedOnTime"])),
                "areas": O.array(O.object(["number": O.integer, "name": O.string, "metRate": O.number.nullable], required: ["number", "name"])),
                "goals": O.array(O.object(["number": O.integer, "name": O.string, "metRate": O.number.nullable], required: ["number", "name"])),
                "items": O.array(O.object(["number": O.integer, "metRate": O.number, "text": O.string])),
                "weakestItems": O.array(O.object(["number": O.integer, "metRate": O.number, "text": O.string])),
                "completeness": O.ref("Completeness"),
                "meanScore": O.number.nullable, "previousMeanScore": O.number.nullable,
                "townships": O.map(of: O.uuid),
                "parts": O.array(O.object(["unitID": O.uuid, "name": O.string, "kind": O.oneOf(UnitKind.allCases.map(\.rawValue)),
                                           "completeness": O.ref("Completeness"), "meanScore": O.number.nullable, "passRate": O.number.nullable,
                                           "areaRates": O.array(O.number.nullable), "weakestItem": O.integer.nullable, "weakestItems": O.array(O.integer),
                                           "ownState": O.string.nullable],
                                          required: ["unitID", "name", "kind", "completeness", "areaRates", "weakestItems"])),
            ], required: ["cycle", "unitName", "villages", "areas", "goals", "items", "weakestItems", "completeness", "townships", "parts"]),
            "Completeness": O.object(["sheets": O.integer, "submitted": O.integer, "reviewed": O.integer, "approved": O.integer, "submittedOnTime": O.integer]),
            "RectificationList": O.object(["items": O.array(O.object(["check": O.string, "title": O.string, "missing": O.string,
                                                                      "status": O.oneOf(["open", "met", "closed", "carried"]),
                                                                      "responsible": O.string, "deadline": O.date.nullable, "followUp": O.string,
                                                                      "overdueDays": O.integer.nullable, "closedOn": O.date.nullable, "closedBy": O.string.nullable,
                                                                      "closedRecord": O.string.nullable, "closedEvidence": O.string.nullable,
                                                                      "carriedFrom": O.string.nullable, "carriedTo": O.string.nullable,
                                                                      "notes": O.array(O.object(["author": O.string, "unitName": O.string, "text": O.string, "createdAt": O.dateTime]))],
                                                                     required: ["check", "title", "missing", "status", "responsible", "followUp", "notes"]))]),
            "RectificationCloseInput": O.object(["check": O.string, "record": O.string.described(T(.rectRecordHint)), "evidence": O.string], required: ["check"]),
            "RectificationNoteInput": O.object(["check": O.string, "note": O.string], required: ["check", "note"]),
            "OpenRectificationList": O.object(["items": O.array(O.object([
                "unitID": O.uuid, "village": O.string, "township": O.string, "cycleID": O.uuid, "cycle": O.string, "check": O.string, "title": O.string,
                "responsible": O.string, "deadline": O.date.nullable, "overdueDays": O.integer.nullable, "followUp": O.string, "notes": O.integer,
                "carriedFrom": O.string.nullable,
            ], required: ["unitID", "village", "township", "cycleID", "cycle", "check", "title", "responsible", "followUp", "notes"]))]),
            "RectificationInput": O.object(["check": O.string, "responsible": O.string, "deadline": O.date, "followUp": O.string], required: ["check", "responsible"]),
            "Queue": {
                let row = O.object(["unitID": O.uuid, "name": O.string, "parent": O.string, "cycleID": O.uuid, "cycle": O.string,
                                    "state": O.oneOf(SheetState.allCases.map(\.rawValue)), "submittedOn": O.date.nullable, "deadline": O.date,
                                    "daysLate": O.integer.nullable, "returnedChecks": O.integer, "answeredChecks": O.integer, "link": O.string],
                                   required: ["unitID", "name", "parent", "cycleID", "cycle", "state", "deadline", "returnedChecks", "answeredChecks", "link"])
                return O.object(["toReview": O.array(row), "answered": O.array(row), "returned": O.array(row), "late": O.array(row), "toApprove": O.array(row),
                                 "townshipsBehind": O.array(O.object(["unitID": O.uuid, "name": O.string, "cycle": O.string, "villages": O.integer,
                                                                      "lateSubmissions": O.integer, "lateReviews": O.integer, "link": O.string])),
                                 "more": O.integer, "overdueRequests": O.integer, "overdueRequestsLink": O.string,
                                 "overdueRectifications": O.integer, "rectificationsLink": O.string])
            }(),
            "ReviewDraft": O.object(["decisions": O.array(O.object(["check": O.string, "decision": O.oneOf(["accepted", "returned"]).nullable, "reason": O.string],
                                                                 required: ["check", "reason"])),
                                     "reason": O.string, "updatedAt": O.dateTime.nullable], required: ["decisions", "reason"]),
            "ReviewDraftInput": {
                // The review form's fields: decision.<check> (accepted, returned or "" for none), reason.<check>, and the sheet's reason.
                var input = O.object(["reason": O.string.described(T(.apiReviewDraftReason))], required: [])
                input.patternProperties = ["^decision\\.[0-9]+\\.[0-9]+$": O.oneOf(["", "accepted", "returned"]), "^reason\\.[0-9]+\\.[0-9]+$": O.string]
                return input
            }(),
            "Inbox": O.object(["notices": O.array(O.object(["id": O.string, "kind": O.string, "text": O.string, "link": O.string, "read": O.boolean]))]),
            "InboxReadInput": O.object(["notices": O.array(O.string)], required: []),
            "ExportInput": O.object(["format": O.oneOf(["xlsx", "csv"])], required: []),
            "Job": O.object(["id": O.uuid, "kind": O.oneOf(["export", "recompute", "import"]),
                             "state": O.oneOf(["running", "done", "failed"]), "done": O.integer, "total": O.integer,
                             "percent": O.integer.nullable, "statusText": O.string, "error": O.string.nullable, "page": O.string,
                             "result": O.string.nullable],
                            required: ["id", "kind", "state", "done", "total", "statusText", "page"]),
        ]
    }
}
