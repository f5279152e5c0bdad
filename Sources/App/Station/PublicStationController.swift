import Fluent
import SQLKit
import StandardKit
import StationKit
import Vapor

/// Guards for the public request form, kept in the database so several app servers
/// share them: a per-address counter per hour, and one-attempt arithmetic challenges.
enum PublicGuards {
    /// Submissions allowed per address per hour.
    static let submissionsPerHour = 5


    /// Counts one attempt for `bucket` in the current hour; false once over the limit.
    static func allow(_ bucket: String, limit: Int, now: Date, on db: any Database) async throws -> Bool {
        let sql = try Dialect.sql(db)
        let window = Int64(now.timeIntervalSince1970 / 3600)
        for _ in 0..<3 {
            let rows = try await sql.update("rate_counters").set("count", to: SQLRaw("count + 1"))
                .where("bucket", .equal, SQLBind(bucket)).where("window", .equal, SQLBind(window)).returning("count").all()
            if let row = rows.first { return try row.decode(column: "count", as: Int.self) <= limit }
            do {
                try await sql.delete(from: "rate_counters").where("window", .lessThan, SQLBind(window - 24)).run()
                try await sql.insert(into: "rate_counters").columns("id", "bucket", "window", "count").values(SQLBind(UUID()), SQLBind(bucket), SQLBind(window), SQLBind(1)).run()
                return limit >= 1
            } catch {
                continue // another server inserted the row first: count again
            }
        }
        return false
    }

    struct Challenge { var id: UUID; var question: String }

    static func newChallenge(now: Date, on db: any Database) async throws -> Challenge {
        var generator = SystemRandomNumberGenerator()
        let a = Int.random(in: 2...9, using: &generator), b = Int.random(in: 1...9, using: &generator)
        let id = UUID()
        let sql = try Dialect.sql(db)
        try await sql.delete(from: "public_challenges").where("expires_at", .lessThan, SQLBind(now)).run()
        try await sql.insert(into: "public_challenges").columns("id", "answer", "expires_at", "used")
            .values(SQLBind(id), SQLBind(String(a + b)), SQLBind(now.addingTimeInterval(1800)), SQLBind(false)).run()
        return Challenge(id: id, question: T(.challengeQuestion, String(a), String(b)))
    }

    /// One attempt per challenge: it is used up whether the answer is right or not.
    static func pass(_ id: String?, answer: String?, now: Date, on db: any Database) async throws -> Bool {
        guard let id = id.flatMap(UUID.init(uuidString:)) else { return false }
        let rows = try await Dialect.sql(db).update("public_challenges").set("used", to: SQLBind(true))
            .where("id", .equal, SQLBind(id)).where("used", .equal, SQLBind(false)).where("expires_at", .greaterThan, SQLBind(now))
            .returning("answer").all()
        guard let row = rows.first else { return false }
        return try row.decode(column: "answer", as: String.self) == (answer ?? "").trimmingCharacters(in: .whitespaces)
    }
}

/// What residents see without signing in: each station's services, opening hours and
/// hotline; each service's guide; submitting a request online; tracking one by code.
struct PublicStationController {
    func register(_ router: Router) {
        // Pages that only read: from a standby when one is configured and close behind (`Reading`).
        router.page(.GET, .publicStation(.key), .open, reads: .standby, station)
        router.page(.GET, .publicFinder, .open, reads: .standby, finder)
        router.page(.GET, .publicStationCode(.key), .open, reads: .standby, byCode)
        router.page(.GET, .publicGuide(.key, .key), .open, reads: .standby, guide)
        router.page(.GET, .publicRequestNew(.key), .open, newForm)
        router.page(.POST, .publicRequestNew(.key), .open, limits: .open, lane: .intake, submit)
        router.page(.GET, .publicTrack, .open, track)
        router.page(.POST, .publicFeedback, .open, limits: .open, feedback)
        router.api(.GET, .publicTrack(.key), .open, APIDoc(summary: T(.apiTrack), response: "Track",
                                                                      also: [404: .apiTrackUnknown]), apiTrack)
    }

    static func load(_ request: Request) async throws -> (OrgUnit, VillageProfile?) {
        guard let id = request.parameters.get("stationID").flatMap(UUID.init(uuidString:)),
              let village = try await OrgUnit.find(id, on: request.readDB), village.kind == .village else { throw AppError.notFound }
        return (village, try await VillageProfile.query(on: request.readDB).filter(\.$unit.$id == id).first())
    }

    static func path(_ village: OrgUnit) -> String { Route.publicStation(.value(village.id.linked)).path }

    /// The front door (no sign-in): the places from the top down to the villages, each
    /// village linked to its station; or the villages whose names hold what was typed.
    @Sendable func finder(_ request: Request, _: OrgUnit?) async throws -> Response {
        let q = (request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard q.count <= 20, !TextCheck.hasForbidden(q) else { throw AppError.badQuery([FieldError(field: "q", message: T(.publicFinderTooLong))]) }
        var parent: OrgUnit?
        if let text = request.query[String.self, at: "unit"], !text.isEmpty {
            guard let id = UUID(uuidString: text), let unit = try await OrgUnit.load(id, on: request.readDB), unit.kind != .village else { throw AppError.notFound }
            parent = unit
        }
        let search: Node = .el("form", ["method": "get", "action": Route.publicFinder.path, "class": "filters", "role": "search"], [
            Layout.field("q", T(.publicFinderName), value: q, errors: [], hint: T(.publicFinderHint)), .el("button", ["type": "submit"], T(.publicFinderSearch)),
        ])
        var parts: [Node] = [.el("p", [:], T(.publicFinderIntro)), search]
        func stationLink(_ village: OrgUnit) -> Node { .el("a", ["href": Self.path(village)], village.name) }
        if !q.isEmpty {
            let sql = try Dialect.sql(request.readDB)
            let like = "%" + q.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            let ids = try await sql.raw("SELECT id FROM units WHERE kind = 'village' AND closed_on IS NULL AND name LIKE \(bind: like) ORDER BY name LIMIT 51")
                .all().map { try $0.decode(column: "id", as: UUID.self) }
            let villages = ids.isEmpty ? [] : Hierarchy.sorted(try await OrgUnit.query(on: request.readDB).filter(\.$id ~~ ids).all())
            let above = Set(villages.flatMap { $0.lineage.dropLast() })
            let names = above.isEmpty ? [:] : Dictionary(try await OrgUnit.query(on: request.readDB).filter(\.$id ~~ Array(above)).all().compactMap { u in u.id.map { ($0, u.name) } },
                                                         uniquingKeysWith: { a, _ in a })
            parts.append(villages.isEmpty ? .el("p", ["class": "notice"], T(.publicFinderNone, q))
                : .el("ul", ["class": "places"], villages.prefix(50).map { v in
                    .el("li", [:], [stationLink(v), .text(" "), .el("span", ["class": "muted"], v.lineage.dropLast().compactMap { names[$0] }.joined(separator: " · "))])
                }))
            if villages.count > 50 { parts.append(.el("p", ["class": "muted"], T(.publicFinderMore))) }
        } else {
            let units = Hierarchy.sorted(try await OrgUnit.query(on: request.readDB).filter(\.$parentKey == (parent?.id?.uuidString ?? "root")).all())
                .filter { $0.closedOn == nil }
            if let parent {
                let trail = try await Hierarchy.ancestors(of: parent, on: request.readDB) + [parent]
                parts.append(.el("p", ["class": "crumbs"], [.el("a", ["href": Route.publicFinder.path], T(.publicFinderAll))]
                    + trail.flatMap { u -> [Node] in [.text(" › "), .el("a", ["href": Route.publicFinder.path(query: ["unit": u.id.linked.uuidString])], u.name)] }))
            }
            parts.append(.el("ul", ["class": "places"], units.map { u -> Node in
                let link: Node = u.kind == .village ? stationLink(u) : .el("a", ["href": Route.publicFinder.path(query: ["unit": u.id.linked.uuidString])], u.name)
                return .el("li", [:], [link])
            }))
        }
        parts.append(.el("p", [:], [.el("a", ["href": Route.publicTrack.path], T(.publicTrackLink))]))
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicFinderTitle), body: .group(parts)))
    }

    /// /s/110116104201: the station of the village with that division code (printed on
    /// notices and posters, shorter than an id).
    @Sendable func byCode(_ request: Request, _: OrgUnit?) async throws -> Response {
        let code = request.parameters.get("code") ?? ""
        guard code.count == 12, code.allSatisfy({ $0.isASCII && $0.isNumber }),
              let village = try await OrgUnit.query(on: request.readDB).filter(\.$code == code).filter(\.$kind == .village).first() else { throw AppError.notFound }
        return request.redirect(to: Self.path(village), redirectType: .normal)
    }

    @Sendable func station(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (village, profile) = try await Self.load(request)
        let services = try await Open311Controller.published(village, on: request.readDB)
        func shown(_ text: String?) -> String { (text ?? "").isEmpty ? "—" : (text ?? "") }
        let hotline = profile?.hotline ?? ""
        // The hotline dials from a phone.
        let hotlineNode: Node = hotline.isEmpty ? .text("—") : .el("a", ["href": "tel:" + hotline.filter { $0.isNumber || $0 == "+" }], hotline)
        let facts: [Node] = [
            .el("dt", [:], T(.publicOpeningHours)), .el("dd", [:], shown(profile?.openingHours)),
            .el("dt", [:], T(.publicHotline)),
            .el("dd", [:], [hotlineNode]),
            .el("dt", [:], T(.publicAddress)), .el("dd", [:], shown(profile?.address)),
        ]
        let body: Node = .group([
            .el("dl", ["class": "facts"], facts),
            .el("p", [:], [.el("a", ["href": Route.publicRequestNew(.value(village.id.linked)).path], T(.publicSubmitLink)), .text(" · "), .el("a", ["href": Route.publicTrack.path], T(.publicTrackLink)),
                           .text(" · "), .el("a", ["href": Route.publicDisclosures(.value(village.id.linked)).path], T(.publicDisclosuresLink))]),
            .el("h2", [:], T(.publicServices)),
            services.isEmpty ? .el("p", [:], T(.publicNoServices))
                : Layout.table(caption: nil, headers: [T(.fieldServiceName), T(.fieldServiceField), T(.fieldServiceMode), T(.publicTimeLimit)], rows: services.map { s in
                    [.el("a", ["href": Route.publicGuide(.value(village.id.linked), .value(s[text: .code] ?? "")).path], s[text: .name] ?? ""),
                     .text((s[choice: .field] as ServiceField?)?.label ?? ""), .text((s[choice: .mode] as ServiceMode?)?.label ?? ""),
                     .text(Self.limitText(s))]
                }),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicStationTitle, village.name), body: body))
    }

    static func limitText(_ service: ServiceRecord) -> String {
        switch service[choice: .mode] as ServiceMode? {
        case .onTheSpot?: return T(.publicSameDay)
        case .timeLimited?: return T(.publicWorkingDays, String(service[number: .timeLimit] ?? 0))
        default: return T(.publicPromised)
        }
    }

    @Sendable func guide(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (village, _) = try await Self.load(request)
        let code = request.parameters.get("code") ?? ""
        guard let service = try await Open311Controller.published(village, on: request.readDB).first(where: { $0[text: .code] == code }) else { throw AppError.notFound }
        let materials = (service[text: .materials] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        let body: Node = .group([
            .el("p", [:], [.el("a", ["href": Self.path(village)], T(.publicStationTitle, village.name))]),
            .el("dl", ["class": "facts"], [
                .el("dt", [:], T(.fieldServiceCode)), .el("dd", [:], code),
                .el("dt", [:], T(.fieldServiceField)), .el("dd", [:], (service[choice: .field] as ServiceField?)?.label ?? ""),
                .el("dt", [:], T(.fieldServiceMode)), .el("dd", [:], (service[choice: .mode] as ServiceMode?)?.label ?? ""),
                .el("dt", [:], T(.publicTimeLimit)), .el("dd", [:], Self.limitText(service)),
            ]),
            .el("h2", [:], T(.publicMaterials)),
            materials.isEmpty ? .el("p", [:], T(.publicNoMaterials)) : .el("ol", [:], materials.map { .el("li", [:], $0) }),
            .el("h2", [:], T(.fieldServiceGuide)),
            .el("div", ["class": "prewrap"], service[text: .guide] ?? T(.publicNoGuide)),
            .el("p", [:], [.el("a", ["href": Route.publicRequestNew(.value(village.id.linked)).path(query: ["service": code])], T(.publicSubmitLink))]),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicGuideTitle, service[text: .name] ?? ""), body: body))
    }

    private func form(_ request: Request, _ village: OrgUnit, values: [String: String], errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let services = try await Open311Controller.published(village, on: request.db)
        let challenge = try await PublicGuards.newChallenge(now: request.now, on: request.db)
        let body: Node = .el("form", ["method": "post", "action": Route.publicRequestNew(.value(village.id.linked)).path], [
            .el("p", ["class": "muted"], T(.publicSubmitIntro)),
            Layout.errorSummary(errors),
            Layout.csrfField(request),
            Layout.select("serviceCode", T(.requestService), options: [("", T(.chooseService))] + services.map { ($0[text: .code] ?? "", $0[text: .name] ?? "") },
                          selected: values["serviceCode"] ?? request.query[String.self, at: "service"] ?? "", errors: errors),
            Layout.field("residentName", T(.requestResidentName), value: values["residentName"] ?? "", errors: errors, required: true),
            Layout.field("residentPhone", T(.requestResidentPhone), value: values["residentPhone"] ?? "", type: "tel", errors: errors, required: true),
            Layout.textarea("content", T(.requestContent), value: values["content"] ?? "", errors: errors, rows: 4),
            .input(["type": "hidden", "name": "challengeID", "value": challenge.id.uuidString]),
            Layout.field("challengeAnswer", challenge.question, value: "", errors: errors, required: true, attributes: ["inputmode": "numeric", "autocomplete": "off"]),
            .el("p", ["class": "muted", "id": "privacy"], T(.publicPrivacy)),
            .el("button", ["type": "submit"], T(.publicSubmit)),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicSubmitTitle, village.name), body: body), status: status)
    }

    @Sendable func newForm(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (village, _) = try await Self.load(request)
        return try await form(request, village, values: [:], errors: [])
    }

    @Sendable func submit(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (village, _) = try await Self.load(request)
        // Counted by the client's address as the trusted proxies report it, and (once read)
        // by the phone number: neither a forged X-Forwarded-For nor many addresses get past.
        guard try await PublicGuards.allow("submit:" + TrustedProxies.rateKey(request.clientAddress), limit: PublicGuards.submissionsPerHour, now: request.now, on: request.db) else {
            throw AppError.rateLimited
        }
        let submitted = try FormFields(request)
        let fields = InputFields(form: submitted, names: ["serviceCode", "residentName", "residentPhone", "content"])
        do {
            // Every problem at once, the arithmetic check's included, so the resident fixes them in one go.
            var errors: [FieldError] = []
            var input: IntakeInput?
            do { input = try IntakeInput.parse(fields, channel: .online) } catch let AppError.validation(found) { errors += found }
            let code = (fields["serviceCode"] ?? "").trimmingCharacters(in: .whitespaces)
            if !code.isEmpty, !errors.contains(where: { $0.field == "serviceCode" }),
               !(try await Open311Controller.published(village, on: request.db).contains(where: { $0[text: .code] == code })) {
                errors.append(FieldError(field: "serviceCode", message: T(.requestServiceUnknown, code)))
            }
            if !(try await PublicGuards.pass(submitted["challengeID"], answer: submitted["challengeAnswer"], now: request.now, on: request.db)) {
                errors.append(FieldError(field: "challengeAnswer", message: T(.challengeWrong)))
            }
            guard errors.isEmpty, let input else { throw AppError.validation(errors) }
            let phone = try PersonalData.keyring().searchHash(phone: input.residentPhone)
            guard try await PublicGuards.allow("submit-phone:" + phone, limit: PublicGuards.submissionsPerHour, now: request.now, on: request.db) else {
                throw AppError.rateLimited
            }
            let (item, _) = try await RequestDesk.intake(try await request.desk(), village: village, input: input, actor: .publicForm, staff: nil)
            let body: Node = .group([
                .el("p", [:], T(.publicSubmitted)),
                .el("p", ["class": "code"], [.el("strong", [:], item.trackingCode)]),
                .el("p", [:], [.el("a", ["href": Route.publicTrack.path(query: ["code": item.trackingCode])], T(.publicTrackLink))]),
            ])
            return HTMLResponse.make(Layout.page(request: request, title: T(.publicSubmittedTitle), body: body), status: .created)
        } catch let AppError.validation(errors) {
            return try await form(request, village, values: fields.values, errors: errors, status: .unprocessableEntity)
        }
    }

    static func trackDTO(_ code: String, request: Request) async throws -> TrackDTO? {
        let db = request.db
        let normalized = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard !normalized.isEmpty, normalized.count <= 20,
              let item = try await ServiceRequest.query(on: db).filter(\.$trackingCode == normalized).firstPlaced(),
              let village = try await OrgUnit.find(item.unitID, on: db) else { return nil }
        let history = try await LedgerStore.history(of: item.requireID(), on: db).map { row in
            TrackEventDTO(at: row.occurredAt, action: row.entry.action, actionLabel: StationText.actionLabel(row.entry.action), status: row.payload["status"])
        }
        // Of staff's words only the reply they marked for the resident (masked when marked).
        let reply = item.publicReply.flatMap { $0.isEmpty ? nil : $0 }
        let missing = item.status == .materialsMissing ? (reply ?? "").split(separator: "\n").map(String.init) : []
        return TrackDTO(trackingCode: item.trackingCode, station: village.name, serviceName: item.serviceName, status: item.status.rawValue,
                        statusLabel: item.status.label, receivedOn: item.receivedOn, dueOn: item.dueOn, completedOn: item.completedOn,
                        missingMaterials: missing, reply: item.status == .materialsMissing ? nil : reply,
                        dueDateNotice: RequestDesk.dueDateNotice(item, calendar: try await request.workCalendar()),
                        feedback: item.feedback?.rawValue, mayRate: item.status == .completed && item.feedback == nil,
                        nextStep: Self.nextStep(item), history: history)
    }

    /// What the resident can expect now, by the request's state.
    static func nextStep(_ item: ServiceRequest) -> String {
        switch item.status {
        case .received: return T(.trackNextReceived)
        case .accepted, .inProgress: return item.dueOn.map { T(.trackNextInProgress, $0) } ?? T(.trackNextInProgressUndated)
        case .materialsMissing: return T(.trackNextMaterials)
        case .transferred: return T(.trackNextTransferred)
        case .completed: return item.feedback == nil ? T(.trackNextCompleted) : T(.trackNextRated)
        case .refused: return T(.trackNextRefused)
        }
    }

    @Sendable func track(_ request: Request, _: OrgUnit?) async throws -> Response {
        let code = request.query[String.self, at: "code"] ?? ""
        var parts: [Node] = [
            .el("form", ["method": "get", "action": Route.publicTrack.path, "class": "filters"], [
                Layout.field("code", T(.requestCode), value: code, errors: []), .el("button", ["type": "submit"], T(.publicTrackButton)),
            ]),
        ]
        var status: HTTPStatus = .ok
        if !code.isEmpty {
            if let dto = try await Self.trackDTO(code, request: request) {
                parts.append(.el("dl", ["class": "facts"], [
                    .el("dt", [:], T(.overdueVillage)), .el("dd", [:], dto.station),
                    .el("dt", [:], T(.requestService)), .el("dd", [:], dto.serviceName),
                    .el("dt", [:], T(.requestStatus)), .el("dd", [:], dto.statusLabel),
                    // Received: only once the station has taken it in (an online request waits for that).
                    .el("dt", [:], T(.requestReceivedOn)), .el("dd", [:], dto.status == RequestStatus.received.rawValue ? T(.trackNotYetReceived) : dto.receivedOn),
                    .el("dt", [:], T(.requestDueOn)), .el("dd", [:], dto.dueOn ?? "—"),
                    .el("dt", [:], T(.requestCompletedOn)), .el("dd", [:], dto.completedOn ?? "—"),
                ]))
                parts.append(.el("p", ["class": "notice", "id": "next-step"], dto.nextStep))
                if let notice = dto.dueDateNotice { parts.append(.el("p", ["class": "notice"], notice)) }
                if let reply = dto.reply { parts.append(.group([.el("h2", [:], T(.trackReply)), .el("p", ["class": "prewrap"], reply)])) }
                if !dto.missingMaterials.isEmpty {
                    parts.append(.group([.el("h2", [:], T(.receiptMissing)), .el("ol", [:], dto.missingMaterials.map { .el("li", [:], $0) })]))
                }
                // Done: the resident rates it once (the station's 满意率), or sees the rating given.
                if dto.mayRate {
                    parts.append(.el("form", ["method": "post", "action": Route.publicFeedback.path, "class": "feedback"], [
                        Layout.csrfField(request), .input(["type": "hidden", "name": "code", "value": dto.trackingCode]),
                        .el("fieldset", [:], [.el("legend", [:], T(.feedbackQuestion))] + Satisfaction.allCases.map { s in
                            .el("label", [:], [.input(["type": "radio", "name": "satisfaction", "value": s.rawValue, "required": ""]), .text(" " + s.label)])
                        }),
                        .el("button", ["type": "submit"], T(.feedbackSend)),
                    ]))
                } else if let given = dto.feedback.flatMap(Satisfaction.init(rawValue:)) {
                    parts.append(.el("p", ["class": "met", "id": "feedback-given"], T(.feedbackGiven, given.label)))
                }
                parts.append(Layout.table(caption: T(.requestHistory), headers: [T(.ledgerAt), T(.ledgerAction), T(.requestStatus)], rows: dto.history.map { e in
                    [.text(Format.dateTime(e.at)), .text(e.actionLabel), .text(e.status.flatMap(RequestStatus.init(rawValue:))?.label ?? "")]
                }))
            } else {
                status = .notFound
                parts.append(.el("p", ["class": "error-summary", "role": "alert"], T(.publicTrackNotFound)))
            }
        }
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicTrackTitle), body: .group(parts)), status: status)
    }

    /// A completed request's rating, once: the tracking code is the resident's key; counted
    /// per client address like submissions. Audited without a person (the resident is anonymous).
    @Sendable func feedback(_ request: Request, _: OrgUnit?) async throws -> Response {
        guard try await PublicGuards.allow("feedback:" + TrustedProxies.rateKey(request.clientAddress), limit: PublicGuards.submissionsPerHour,
                                           now: request.now, on: request.db) else { throw AppError.rateLimited }
        let form = try FormFields(request)
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard !code.isEmpty, code.count <= 20, let item = try await ServiceRequest.query(on: request.db).filter(\.$trackingCode == code).firstPlaced() else {
            throw AppError.notFound
        }
        guard let satisfaction = Satisfaction(rawValue: form["satisfaction"] ?? "") else {
            throw AppError.validation([FieldError(field: "satisfaction", message: T(.validationRequired, T(.feedbackQuestion)))])
        }
        guard item.status == .completed else { throw AppError.conflict(T(.feedbackNotCompleted)) }
        let id = try item.requireID(), today = StandardController.beijingToday(request.now).description
        try await request.db.transaction { db in
            // Once: a second rating (or two at once) finds it given and changes nothing.
            let rows = try await Dialect.sql(db).update(ServiceRequest.schema).set("feedback", to: SQLBind(satisfaction.rawValue))
                .set("feedback_on", to: SQLBind(today)).where("id", .equal, SQLBind(id)).where("feedback", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(T(.feedbackAlready)) }
            try await Audit.record(on: db, author: Author(userID: nil, username: "", at: request.now), action: "feedback", objectType: "serviceRequests",
                                   objectID: id.uuidString, unitPath: item.unitPath, before: [String: String]?.none, after: ["feedback": satisfaction.rawValue])
        }
        return request.redirect(to: Route.publicTrack.path(query: ["code": item.trackingCode]))
    }

    @Sendable func apiTrack(_ request: Request, _: OrgUnit?) async throws -> TrackDTO {
        guard let dto = try await Self.trackDTO(request.parameters.get("code") ?? "", request: request) else { throw AppError.notFound }
        return dto
    }
}
