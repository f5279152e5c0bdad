import Fluent
import SQLKit
import StandardKit
import StationKit
import Vapor

/// Complaints (投诉处理) against a request or a staff member: taken in, handled with a
/// result and the resident's satisfaction; both steps are ledger events.
struct ComplaintController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .complaints), .onUnit(.viewUnit), list)
        router.page(.GET, .unit(.key, .complaintNew), .onUnit(.handleRequests), newForm)
        router.page(.POST, .unit(.key, .complaintNew), .onUnit(.handleRequests), create)
        router.page(.GET, .unit(.key, .complaint(.key)), .onUnit(.viewUnit), detail)
        router.page(.POST, .unit(.key, .complaintResolve(.key)), .onUnit(.handleRequests), resolve)
        router.api(.GET, .unit(.key, .complaints), .onUnit(.viewUnit), APIDoc(summary: T(.apiComplaints), response: "ComplaintList",
                                                                                  query: [("status", .string), ("reveal", .string), ("limit", .integer), ("cursor", .string)]), apiList)
        router.api(.POST, .unit(.key, .complaints), .onUnit(.handleRequests),
                   APIDoc(summary: T(.apiReceiveComplaint), request: "ComplaintInput", response: "Complaint", status: 201), apiCreate)
        router.api(.POST, .unit(.key, .complaintResolve(.key)), .onUnit(.handleRequests),
                   APIDoc(summary: T(.apiResolveComplaint), request: "ComplaintResolution", response: "Complaint",
                          also: [409: .apiComplaintConflict]), apiResolve)
    }

    static let inputNames = ["trackingCode", "worker", "complainantName", "complainantPhone", "content"]

    /// Checks a new complaint and stores it with its ledger event.
    static func create(_ request: Request, village: OrgUnit, fields: InputFields) async throws -> Complaint {
        let principal = try request.requirePrincipal()
        var v = Validator()
        let code = v.text("trackingCode", T(.requestCode), fields["trackingCode"], required: false, maxLength: 20).uppercased()
        let workerID = v.text("worker", T(.complaintWorker), fields["worker"], required: false, maxLength: 40)
        let name = v.text("complainantName", T(.complaintName), fields["complainantName"], maxLength: 50)
        let phone = v.phone("complainantPhone", T(.requestResidentPhone), fields["complainantPhone"])
        let content = v.text("content", T(.complaintContent), fields["content"], maxLength: 2000)
        if code.isEmpty && workerID.isEmpty { v.fail("trackingCode", T(.complaintNeedsSubject)) }
        let villageID = try village.requireID()
        var target: ServiceRequest?
        if !code.isEmpty {
            target = try await ServiceRequest.query(on: request.db).filter(\.$unitID == villageID).filter(\.$trackingCode == code).firstPlaced()
            if target == nil { v.fail("trackingCode", T(.complaintRequestUnknown, code)) }
        }
        var worker: Record?
        if !workerID.isEmpty {
            worker = try await UUID(uuidString: workerID).asyncFlatMap { try await RecordStore.find(.workers, id: $0, village: villageID, on: request.db) }
            if worker == nil { v.fail("worker", T(.complaintWorkerUnknown)) }
        }
        try v.finish()
        let complaint = Complaint()
        complaint.id = OrderedID.make(at: request.now)
        complaint.unitID = villageID
        complaint.unitPath = village.path
        complaint.requestID = try target?.requireID()
        complaint.workerID = worker?.id.uuidString
        complaint.workerName = worker?.text("name")
        complaint.complainantName = name
        complaint.complainantPhone = phone
        complaint.content = content
        complaint.receivedOn = request.today.description
        complaint.status = "open"
        complaint.version = 1
        var payload = ["content": content]
        if let target { payload["request"] = target.trackingCode }
        if let worker { payload["worker"] = worker.text("name") ?? "" }
        let event = payload
        return try await LedgerStore.retrying(request.db) { db in
            complaint.$id.exists = false // a rolled-back attempt leaves it marked as saved
            try await complaint.create(on: db)
            try await LedgerStore.append(on: db, station: village, subjectType: "complaint", subjectID: try complaint.requireID(), action: .complaint,
                                         actor: .user(principal), at: request.now, payload: event)
            return complaint
        }
    }

    static func resolve(_ request: Request, village: OrgUnit, complaint: Complaint, fields: InputFields) async throws -> Complaint {
        let principal = try request.requirePrincipal()
        var v = Validator()
        let result = v.text("result", T(.complaintResult), fields["result"], maxLength: 2000)
        let satisfaction = Satisfaction(rawValue: fields["satisfaction"] ?? "")
        if satisfaction == nil { v.fail("satisfaction", T(.validationRequired, T(.complaintSatisfaction))) }
        try v.finish()
        let seen = complaint.version
        if let version = fields["version"].flatMap(Int.init), version != seen { throw AppError.conflict(T(.requestChangedMeanwhile)) }
        guard complaint.isOpen else { throw AppError.conflict(T(.complaintAlreadyResolved)) }
        let today = request.today.description
        let id = try complaint.requireID()
        let chosen = satisfaction?.rawValue ?? "", now = request.now
        try await LedgerStore.retrying(request.db) { db in
            let rows = try await Dialect.sql(db).update(Complaint.schema)
                .set("status", to: SQLBind("resolved")).set("result", to: SQLBind(result)).set("resolved_on", to: SQLBind(today))
                .set("satisfaction", to: SQLBind(chosen)).set("version", to: SQLBind(seen + 1)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(seen)).returning("id").all()
            if rows.isEmpty { throw AppError.conflict(T(.requestChangedMeanwhile)) }
            try await LedgerStore.append(on: db, station: village, subjectType: "complaint", subjectID: id, action: .resolve,
                                         actor: .user(principal), at: request.now, payload: ["result": result, "satisfaction": chosen])
        }
        complaint.status = "resolved"
        complaint.result = result
        complaint.resolvedOn = today
        complaint.satisfaction = satisfaction
        complaint.version = seen + 1
        return complaint
    }

    static func find(_ request: Request, _ village: OrgUnit) async throws -> Complaint {
        guard let id = request.parameters.get("complaintID").flatMap(UUID.init(uuidString:)),
              let complaint = try await Complaint.query(on: request.db).filter(\.$id == id).filter(\.$unitID == village.requireID()).first() else {
            throw AppError.notFound
        }
        return complaint
    }

    /// One page of the village's complaints, newest first, by `status` (open, resolved).
    static func page(_ request: Request, village: OrgUnit) async throws -> Page<Complaint> {
        var query = Complaint.query(on: request.db).filter(\.$unitID == (try village.requireID()))
        if let status = request.query[String.self, at: "status"], !status.isEmpty {
            guard ["open", "resolved"].contains(status) else {
                throw AppError.badQuery([FieldError(field: "status", message: T(.complaintStatusUnknown))])
            }
            query = query.filter(\.$status == status)
        }
        return try await Paging.newestByDay(request, query, day: \.$receivedOn)
    }

    @Sendable func list(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let page = try await Self.page(request, village: village)
        let b = StationViews.base(village)
        let rows: [[Node]] = page.items.map { c in
            [.el("a", ["href": b(.complaint(.value(c.id.linked)))], c.receivedOn), .text(c.content), .text(c.workerName ?? "—"),
             .text(c.isOpen ? T(.complaintOpen) : T(.complaintResolved)), .text(c.satisfaction?.label ?? "—")]
        }
        let status = request.query[String.self, at: "status"] ?? ""
        var filters: [String: String] = [:]
        for name in ["status", "limit"] { if let value = request.query[String.self, at: name], !value.isEmpty { filters[name] = value } }
        let mayHandle = request.principal?.may(.handleRequests, at: village.path) ?? false
        return HTMLResponse.page(request, T(.complaintsTitle, village.name), .group([
            .el("p", [:], [.el("a", ["href": b(.station)], T(.deskBack)), .when(mayHandle, .group([.text(" · "), .el("a", ["href": b(.complaintNew)], T(.complaintNew))]))]),
            .el("form", ["method": "get", "action": b(.complaints), "class": "filters"], [
                Layout.select("status", T(.requestStatus), options: [("", T(.allStatuses)), ("open", T(.complaintOpen)), ("resolved", T(.complaintResolved))],
                              selected: status, errors: []),
                .el("button", ["type": "submit"], T(.filter)),
            ]),
            page.items.isEmpty ? .el("p", ["class": "muted"], T(.complaintsNone))
                : Layout.table(caption: T(.pagingCaption, String(page.total), String(page.items.count)),
                               headers: [T(.complaintReceivedOn), T(.complaintContent), T(.complaintWorker), T(.requestStatus), T(.complaintSatisfaction)], rows: rows),
            Paging.pager(request, path: b(.complaints), filters: filters, next: page.next),
        ]))
    }

    private func form(_ request: Request, _ village: OrgUnit, values: [String: String], errors: [FieldError]) async throws -> Node {
        let workers = try await RecordStore.list(.workers, village: village.requireID(), on: request.db)
        return .el("form", ["method": "post", "action": StationViews.base(village)(.complaintNew)], [
            Layout.errorSummary(errors), Layout.csrfField(request),
            Layout.field("trackingCode", T(.complaintAgainstRequest), value: values["trackingCode"] ?? request.query[String.self, at: "code"] ?? "", errors: errors),
            Layout.select("worker", T(.complaintWorker), options: [("", T(.complaintNoWorker))] + workers.map { ($0.id.uuidString, $0.text("name") ?? "") },
                          selected: values["worker"] ?? "", errors: errors),
            Layout.field("complainantName", T(.complaintName), value: values["complainantName"] ?? "", errors: errors, required: true),
            Layout.field("complainantPhone", T(.requestResidentPhone), value: values["complainantPhone"] ?? "", type: "tel", errors: errors, required: true),
            Layout.textarea("content", T(.complaintContent), value: values["content"] ?? "", errors: errors, rows: 3),
            .el("button", ["type": "submit"], T(.complaintNew)),
        ])
    }

    @Sendable func newForm(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        return HTMLResponse.page(request, T(.complaintNew), try await form(request, village, values: [:], errors: []))
    }

    @Sendable func create(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let fields = InputFields(form: try FormFields(request), names: Self.inputNames)
        do {
            let complaint = try await Self.create(request, village: village, fields: fields)
            return request.redirect(to: Route.unit(.value(village.id.linked), .complaint(.value(try complaint.requireID()))).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, T(.complaintNew), try await form(request, village, values: fields.values, errors: errors), status: .unprocessableEntity)
        }
    }

    private func detailPage(_ request: Request, _ unit: OrgUnit, errors: [FieldError] = [], message: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let village = try RecordController.village(unit)
        let complaint = try await Self.find(request, village)
        let dto = ComplaintDTO(complaint, reveal: false)
        let history = try await LedgerStore.history(of: complaint.requireID(), on: request.db).map(LedgerEventDTO.init)
        var trackingCode: String?
        if let rid = complaint.requestID { trackingCode = try await ServiceRequest.find(rid, on: request.db)?.trackingCode }
        let b = StationViews.base(village)
        let mayHandle = request.principal?.may(.handleRequests, at: village.path) ?? false
        let facts: [(String, Node)] = [
            (T(.complaintReceivedOn), .text(dto.receivedOn)),
            (T(.complaintAgainstRequest), complaint.requestID.map { .el("a", ["href": b(.request(.value($0), .show))], trackingCode ?? "") } ?? .text("—")),
            (T(.complaintWorker), .text(dto.worker ?? "—")), (T(.complaintName), .text(dto.complainantName)), (T(.requestResidentPhone), .text(dto.complainantPhone)),
            (T(.complaintContent), .text(dto.content)), (T(.requestStatus), .text(complaint.isOpen ? T(.complaintOpen) : T(.complaintResolved))),
            (T(.complaintResult), .text(dto.result ?? "—")), (T(.complaintSatisfaction), .text(complaint.satisfaction?.label ?? "—")),
        ]
        let body: Node = .group([
            .el("p", [:], [.el("a", ["href": b(.complaints)], T(.complaintsTitleShort))]),
            .when(message != nil, .el("p", ["class": "error-summary", "role": "alert"], message ?? "")),
            .el("dl", ["class": "facts"], facts.flatMap { [Node.el("dt", [:], $0.0), .el("dd", [:], [$0.1])] }),
            .when(mayHandle && complaint.isOpen, .el("form", ["method": "post", "action": b(.complaintResolve(.value(dto.id)))], [
                .el("h2", [:], T(.actionResolve)), Layout.errorSummary(errors), Layout.csrfField(request),
                .input(["type": "hidden", "name": "version", "value": String(dto.version)]),
                Layout.textarea("result", T(.complaintResult), value: "", errors: errors, rows: 3),
                Layout.select("satisfaction", T(.complaintSatisfaction), options: [("", T(.chooseSatisfaction))] + Satisfaction.allCases.map { ($0.rawValue, $0.label) },
                              selected: "", errors: errors),
                .el("button", ["type": "submit"], T(.actionResolve)),
            ])),
            .el("h2", [:], T(.requestHistory)),
            Layout.table(caption: nil, headers: [T(.ledgerSequence), T(.ledgerAt), T(.ledgerAction), T(.ledgerActor), T(.ledgerDetails)],
                         rows: history.map { [.text(String($0.sequence)), .text(Format.dateTime($0.at)), .text($0.actionLabel), .text($0.actor), .text(Format.details($0.details))] }),
        ])
        return HTMLResponse.page(request, T(.complaintTitle), body, status: status)
    }

    @Sendable func detail(_ request: Request, _ unit: OrgUnit) async throws -> Response { try await detailPage(request, unit) }

    @Sendable func resolve(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = try RecordController.village(unit)
        let complaint = try await Self.find(request, village)
        do {
            _ = try await Self.resolve(request, village: village, complaint: complaint,
                                       fields: InputFields(form: try FormFields(request), names: ["result", "satisfaction", "version"]))
            return request.redirect(to: Route.unit(.value(village.id.linked), .complaint(.value(try complaint.requireID()))).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await detailPage(request, unit, errors: errors, status: .unprocessableEntity)
        } catch let AppError.conflict(message) {
            return try await detailPage(request, unit, message: message, status: .conflict)
        }
    }

    @Sendable func apiList(_ request: Request, _ unit: OrgUnit) async throws -> ComplaintListDTO {
        let village = try RecordController.village(unit)
        let page = try await Self.page(request, village: village)
        let reveal = try await RecordController.reveal(request, objectType: "complaints", village: village, ids: page.items.compactMap(\.id))
        return ComplaintListDTO(complaints: page.items.map { ComplaintDTO($0, reveal: reveal) }, next: page.next, total: page.total)
    }

    @Sendable func apiCreate(_ request: Request, _ unit: OrgUnit) async throws -> ComplaintDTO {
        ComplaintDTO(try await Self.create(request, village: try RecordController.village(unit), fields: try InputFields(json: request)), reveal: false)
    }

    @Sendable func apiResolve(_ request: Request, _ unit: OrgUnit) async throws -> ComplaintDTO {
        let village = try RecordController.village(unit)
        let complaint = try await Self.find(request, village)
        return ComplaintDTO(try await Self.resolve(request, village: village, complaint: complaint, fields: try InputFields(json: request)), reveal: false)
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
