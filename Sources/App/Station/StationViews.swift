import QRCode
import Foundation
import StandardKit
import StationKit
import Vapor

/// Pages of the service station. Views only render the models they are given.
enum StationViews {
    struct DeskModel {
        var village: OrgUnit
        var today: LocalDate
        var calendarCovers: Bool
        var waiting: [RequestDTO]
        var mine: [RequestDTO]
        var cover: [RequestDTO]
        var warnings: [RequestDTO]
        var overdue: [RequestDTO]
        var openCount: Int
        var mayHandle: Bool
    }

    struct DetailModel {
        var village: OrgUnit
        var request: RequestDTO
        var history: [LedgerEventDTO]
        var departments: [(id: String, name: String)]
        var complaints: [ComplaintDTO]
        var mayHandle: Bool
        var mayReveal: Bool
        var errors: [FieldError]
        var message: String?
    }

    static func base(_ village: OrgUnit) -> UnitLinks { UnitLinks(unit: village.id.linked) }
    static func requestPath(_ village: OrgUnit, _ id: UUID, _ page: RequestPage = .show) -> String { base(village)(.request(.value(id), page)) }

    static func urgencyNode(_ urgency: String) -> Node {
        switch urgency {
        case "overdue": return .el("span", ["class": "notmet"], T(.urgencyOverdue))
        case "warning": return .el("span", ["class": "pending"], T(.urgencyWarning))
        default: return .text("")
        }
    }

    static func requestTable(_ village: OrgUnit, _ rows: [RequestDTO], caption: String?) -> Node {
        guard !rows.isEmpty else { return .el("p", ["class": "muted"], T(.requestsNone)) }
        return Layout.table(caption: caption, headers: [T(.requestCode), T(.requestService), T(.requestResidentName), T(.requestResidentPhone),
                                                        T(.requestStatus), T(.requestDueOn), T(.requestAssignee)],
                            rows: rows.map { r in
            [.el("a", ["href": requestPath(village, r.id)], r.trackingCode), .text(r.serviceName), .text(r.residentName), .text(r.residentPhone),
             .group([.text(r.statusLabel + " "), urgencyNode(r.urgency)]), .text(r.dueOn ?? "—"),
             .text((r.assignee ?? "—") + (r.coverWork ? T(.requestCoverMark) : ""))]
        })
    }

    static func desk(_ m: DeskModel) -> Node {
        let b = base(m.village)
        return .group([
            .el("p", [:], [.el("a", ["href": b()], m.village.name)]),
            .when(!m.calendarCovers, .el("p", ["class": "flash"], T(.calendarMissingYear, String(m.today.year)))),
            .el("ul", ["class": "actions"], [
                .when(m.mayHandle, .el("li", [:], [.el("a", ["href": b(.requestNew)], T(.intakeTitle))])),
                .el("li", [:], [.el("a", ["href": b(.requests)], T(.requestsAll))]),
                .el("li", [:], [.el("a", ["href": b(.complaints)], T(.complaintsTitleShort))]),
                .el("li", [:], [.el("a", ["href": b(.ledger)], T(.ledgerTitleShort))]),
                .el("li", [:], [.el("a", ["href": b(.ledgerVerify)], T(.ledgerVerifyShort))]),
                .el("li", [:], [.el("a", ["href": b(.stationStats)], T(.statsTitleShort))]),
                .el("li", [:], [.el("a", ["href": b(.record(.services, .list))], RecordKind.services.label)]),
                .el("li", [:], [.el("a", ["href": b(.record(.posts, .list))], RecordKind.posts.label)]),
                .el("li", [:], [.el("a", ["href": b(.record(.absences, .list))], RecordKind.absences.label)]),
                .el("li", [:], [.el("a", ["href": Route.publicStation(.value(m.village.id.linked)).path], T(.publicStationLink))]),
                .when(m.mayHandle, .el("li", [:], [.el("a", ["href": b(.integrations)], T(.integrationsTitleShort))])),
            ]),
            .el("p", [:], T(.deskSummary, m.today.description, String(m.openCount), String(m.overdue.count), String(m.warnings.count))),
            .el("h2", [:], T(.deskOverdue)), requestTable(m.village, m.overdue, caption: nil),
            .el("h2", [:], T(.deskWarnings)), requestTable(m.village, m.warnings, caption: nil),
            .el("h2", [:], T(.deskWaiting)), requestTable(m.village, m.waiting, caption: nil),
            .el("h2", [:], T(.deskMine)), requestTable(m.village, m.mine, caption: nil),
            .el("h2", [:], T(.deskCover)), requestTable(m.village, m.cover, caption: nil),
        ])
    }

    /// The village's requests, one page (newest first) of those the filters match, with how
    /// many match in all and a link to the next page that keeps the filters (no script).
    static func list(village: OrgUnit, rows: [RequestDTO], filters: [String: String], services: [(String, String)], total: Int,
                     next: String?, first: Bool) -> Node {
        let b = base(village)
        func link(cursor: String?) -> String { Paging.link(b(.requests), filters: filters, cursor: cursor) }
        return .group([
            .el("p", [:], [.el("a", ["href": b(.station)], T(.deskBack))]),
            .el("form", ["method": "get", "action": b(.requests), "class": "filters"], [
                Layout.select("status", T(.requestStatus), options: [("", T(.allStatuses))] + RequestStatus.allCases.map { ($0.rawValue, $0.label) },
                              selected: filters["status"] ?? "", errors: []),
                Layout.select("service", T(.requestService), options: [("", T(.pagingAllServices))] + services, selected: filters["service"] ?? "", errors: []),
                Layout.select("channel", T(.requestChannel), options: [("", T(.pagingAllChannels))] + RequestChannel.allCases.map { ($0.rawValue, $0.label) },
                              selected: filters["channel"] ?? "", errors: []),
                Layout.field("from", T(.ledgerFrom), value: filters["from"] ?? "", type: "date", errors: []),
                Layout.field("to", T(.ledgerTo), value: filters["to"] ?? "", type: "date", errors: []),
                Layout.field("q", T(.requestSearch), value: filters["q"] ?? filters["phone"] ?? "", type: "search", errors: []),
                .el("div", ["class": "field"], [.el("label", [:], [
                    .input(["type": "checkbox", "name": "overdue", "value": "1", "checked": filters["overdue"] == "1" ? "" : nil]), .text(" " + T(.pagingOverdueOnly)),
                ])]),
                .el("button", ["type": "submit"], T(.filter)),
            ]),
            requestTable(village, rows, caption: T(.pagingCaption, String(total), String(rows.count))),
            Layout.pager(first: first ? link(cursor: nil) : nil, next: next.map { link(cursor: $0) }),
        ])
    }

    /// The window's intake: first the 事项 (a GET form, so it works without script), then its
    /// form with the service's materials as a checklist, its time limit and the due date if
    /// accepted today. Materials left unticked make the request a 一次性告知 (clock paused).
    struct IntakeModel {
        var village: OrgUnit
        var services: [Record]
        var chosen: ServiceRecord?
        var checklist: [String]
        var ticked: Set<String>
        /// The due date if every material is in and it is accepted today (nil: promised mode).
        var due: LocalDate?
        var values: [String: String]
        var errors: [FieldError]
    }

    static func intakeForm(_ request: Request, _ m: IntakeModel) -> Node {
        let village = m.village
        let options = [("", T(.chooseService))] + m.services.map { ($0.text("code") ?? "", "\($0.text("code") ?? "") \($0.text("name") ?? "")") }
        let code = m.chosen?[text: .code] ?? ""
        let chooser: Node = .el("form", ["method": "get", "action": base(village)(.requestNew), "class": "filters", "id": "choose-service"], [
            Layout.select("serviceCode", T(.requestService), options: options, selected: code, errors: m.chosen == nil ? m.errors : []),
            .el("button", ["class": m.chosen == nil ? nil : "secondary"], m.chosen == nil ? T(.intakeChoose) : T(.intakeChooseOther)),
        ])
        guard let service = m.chosen else {
            return .group([
                .el("p", [:], [.el("a", ["href": base(village)(.station)], T(.deskBack))]),
                .when(m.services.isEmpty, .el("p", ["class": "flash"], T(.servicesNoneYet))),
                chooser,
            ])
        }
        let mode = service[choice: .mode] ?? ServiceMode.timeLimited
        let limit = service[number: .timeLimit] ?? 0
        let terms: String
        switch mode {
        case .onTheSpot: terms = T(.intakeTermsOnTheSpot, m.due?.description ?? "")
        case .timeLimited: terms = T(.intakeTermsLimited, String(limit), m.due?.description ?? "")
        case .promised: terms = T(.intakeTermsPromised)
        }
        let checklist: Node = m.checklist.isEmpty ? .el("p", ["class": "muted"], T(.intakeNoChecklist))
            : .el("fieldset", ["id": "materials-checklist"], [
                .el("legend", [:], T(.intakeChecklist)),
                .el("p", ["class": "hint"], T(.intakeChecklistHint)),
                .group(m.checklist.enumerated().map { index, material in
                    .el("div", ["class": "field"], [.el("label", ["class": "check", "for": "have-\(index)"], [
                        .input(["type": "checkbox", "id": "have-\(index)", "name": "have", "value": material, "checked": m.ticked.contains(material) ? "" : nil]),
                        .text(material),
                    ])])
                }),
            ])
        return .group([
            .el("p", [:], [.el("a", ["href": base(village)(.station)], T(.deskBack))]),
            chooser,
            .el("h2", [:], T(.intakeFor, service[text: .name] ?? code)),
            .el("p", ["id": "intake-terms", "class": "notice"], terms),
            .el("form", ["method": "post", "action": base(village)(.requestNew)], [
                Layout.errorSummary(m.errors),
                Layout.csrfField(request),
                .input(["type": "hidden", "name": "serviceCode", "value": code]),
                checklist,
                Layout.select("channel", T(.requestChannel), options: [(RequestChannel.window.rawValue, RequestChannel.window.label),
                                                                      (RequestChannel.phone.rawValue, RequestChannel.phone.label)],
                              selected: m.values["channel"] ?? "window", errors: m.errors),
                Layout.field("residentName", T(.requestResidentName), value: m.values["residentName"] ?? "", errors: m.errors, required: true),
                Layout.field("residentPhone", T(.requestResidentPhone), value: m.values["residentPhone"] ?? "", type: "tel", errors: m.errors, required: true),
                Layout.textarea("content", T(.requestContent), value: m.values["content"] ?? "", errors: m.errors, rows: 3),
                Layout.textarea("materials", T(.intakeOtherMaterials), value: m.values["materials"] ?? "", errors: m.errors, rows: 2),
                Layout.textarea("missing", T(.intakeOtherMissing), value: m.values["missing"] ?? "", errors: m.errors, hint: T(.requestMissingHint), rows: 2),
                .when(mode == .promised, Layout.field("promisedOn", T(.requestPromisedOn), value: m.values["promisedOn"] ?? "", type: "date", errors: m.errors,
                                                      hint: T(.requestPromisedHint))),
                .el("button", ["type": "submit"], T(.intakeSubmit)),
            ]),
        ])
    }

    /// The box that makes an action's text the reply the resident sees (track page, Open311).
    private static let replyBox: Node = .el("div", ["class": "field"], [
        .el("label", [:], [.input(["type": "checkbox", "name": "replyToResident", "value": "1"]), .text(" " + T(.requestReplyToResident))]),
        .el("p", ["class": "hint"], T(.requestReplyHint)),
    ])

    /// The usual next step from each state: its button is the primary one.
    static func usualNext(_ status: RequestStatus) -> LedgerAction? {
        switch status {
        case .received: return .accept
        case .accepted: return .start
        case .inProgress: return .complete
        case .materialsMissing: return .materialsReceived
        case .transferred: return .departmentAnswer
        case .completed, .refused: return nil
        }
    }

    private static func actionForm(_ request: Request, _ m: DetailModel, action: LedgerAction, title: String, _ fields: [Node], button: String) -> Node {
        let status = RequestStatus(rawValue: m.request.status)
        let kind = action == .refuse ? "danger" : status.flatMap(usualNext) == action ? "primary" : "secondary"
        return .el("form", ["method": "post", "action": requestPath(m.village, m.request.id, .act), "class": "action " + kind], [
            .el("h3", [:], title),
            Layout.csrfField(request),
            .input(["type": "hidden", "name": "action", "value": action.rawValue]),
            .input(["type": "hidden", "name": "version", "value": String(m.request.version)]),
            .group(fields),
            .when(action == .refuse, .el("div", ["class": "field"], [
                .el("label", [:], [.input(["type": "checkbox", "name": "confirm", "value": "1", "required": ""]), .text(" " + T(.requestRefuseConfirm))]),
                .when(m.errors.contains { $0.field == "confirm" }, .el("p", ["class": "error"], m.errors.first { $0.field == "confirm" }?.message ?? "")),
            ])),
            .el("button", ["type": "submit", "class": kind], button),
        ])
    }

    static func detail(_ request: Request, _ m: DetailModel) -> Node {
        let r = m.request
        guard let status = RequestStatus(rawValue: r.status) else { return .empty }
        let errors = m.errors
        func allowed(_ action: LedgerAction) -> Bool { m.mayHandle && action.allowedFrom.contains(status) }
        var forms: [(action: LedgerAction, node: Node)] = []
        if allowed(.accept) { forms.append((.accept, actionForm(request, m, action: .accept, title: T(.actionAccept),
                                                       [Layout.textarea("missing", T(.requestMissingAtIntake), value: "", errors: errors, hint: T(.requestMissingHint), rows: 2), replyBox],
                                                       button: T(.actionAccept)))) }
        if allowed(.start) { forms.append((.start, actionForm(request, m, action: .start, title: T(.actionStart), [], button: T(.actionStart)))) }
        if allowed(.complete) { forms.append((.complete, actionForm(request, m, action: .complete, title: T(.actionComplete),
                                                         [Layout.textarea("result", T(.requestResult), value: "", errors: errors, rows: 2), replyBox], button: T(.actionComplete)))) }
        if allowed(.requestMaterials) { forms.append((.requestMaterials, actionForm(request, m, action: .requestMaterials, title: T(.actionRequestMaterials),
                                                                 [Layout.textarea("missing", T(.requestMissingList), value: "", errors: errors, hint: T(.requestMissingHint), rows: 3), replyBox],
                                                                 button: T(.actionRequestMaterials)))) }
        if allowed(.materialsReceived) { forms.append((.materialsReceived, actionForm(request, m, action: .materialsReceived, title: T(.actionMaterialsReceived), [], button: T(.actionMaterialsReceived)))) }
        if allowed(.transfer) {
            forms.append((.transfer, actionForm(request, m, action: .transfer, title: T(.actionTransfer),
                                    [Layout.select("department", T(.requestDepartment), options: [("", T(.chooseDepartment))] + m.departments.map { ($0.id, $0.name) },
                                                   selected: "", errors: errors)], button: T(.actionTransfer))))
        }
        if allowed(.departmentAnswer) { forms.append((.departmentAnswer, actionForm(request, m, action: .departmentAnswer, title: T(.actionDepartmentAnswer),
                                                                 [Layout.textarea("answer", T(.requestDepartmentAnswer), value: "", errors: errors, rows: 2), replyBox],
                                                                 button: T(.actionDepartmentAnswer)))) }
        if allowed(.extend) {
            forms.append((.extend, actionForm(request, m, action: .extend, title: T(.actionExtend), [
                Layout.field("dueOn", T(.requestNewDue), value: "", type: "date", errors: errors),
                Layout.field("reason", T(.requestExtendReason), value: "", errors: errors),
                Layout.field("approvedBy", T(.requestApprovedBy), value: "", errors: errors),
                .el("div", ["class": "field"], [.el("label", [:], [.input(["type": "checkbox", "name": "residentNotified", "value": "1"]), .text(" " + T(.requestResidentNotified))]),
                                                 .when(errors.contains { $0.field == "residentNotified" },
                                                       .el("p", ["class": "error"], errors.first { $0.field == "residentNotified" }?.message ?? ""))]),
                replyBox,
            ], button: T(.actionExtend))))
        }
        if allowed(.refuse) { forms.append((.refuse, actionForm(request, m, action: .refuse, title: T(.actionRefuse),
                                                       [Layout.field("reason", T(.requestRefuseReason), value: "", errors: errors), replyBox], button: T(.actionRefuse)))) }
        // The usual next step first; refusing last.
        if let next = usualNext(status), let primary = forms.firstIndex(where: { $0.action == next }), primary > 0 { forms.insert(forms.remove(at: primary), at: 0) }
        let facts: [(String, String)] = [
            (T(.requestCode), r.trackingCode), (T(.requestService), "\(r.serviceCode) \(r.serviceName)"),
            (T(.requestStatus), r.statusLabel), (T(.requestChannel), RequestChannel(rawValue: r.channel)?.label ?? r.channel),
            (T(.requestResidentName), r.residentName), (T(.requestResidentPhone), r.residentPhone),
            (T(.requestContent), r.content), (T(.requestMaterials), r.materials.isEmpty ? "—" : r.materials),
            (T(.requestFirstOwner), r.firstOwner ?? "—"), (T(.requestAssignee), (r.assignee ?? "—") + (r.coverWork ? T(.requestCoverMark) : "")),
            (T(.requestReceivedOn), r.receivedOn), (T(.requestDueOn), r.dueOn ?? "—"), (T(.requestCompletedOn), r.completedOn ?? "—"),
            (T(.requestMissingList), r.missingMaterials.isEmpty ? "—" : r.missingMaterials.joined(separator: T(.sepSemicolon))),
            (T(.requestDepartment), r.department ?? "—"), (T(.requestDepartmentAnswer), r.departmentAnswer ?? "—"),
            (T(.requestResult), r.result ?? r.refusedReason ?? "—"),
            (T(.requestPublicReply), r.publicReply ?? T(.requestNoPublicReply)),
        ]
        return .group([
            .el("p", [:], [.el("a", ["href": base(m.village)(.station)], T(.deskBack)), .text(" · "),
                           .el("a", ["href": requestPath(m.village, r.id, .receipt)], T(.receiptLink)),
                           .when(m.mayReveal, .group([.text(" · "), .el("a", ["href": requestPath(m.village, r.id) + "?reveal=1"], T(.recordReveal))]))]),
            .when(m.message != nil, .el("p", ["class": "error-summary", "role": "alert"], m.message ?? "")),
            Layout.errorSummary(m.errors),
            .el("dl", ["class": "facts"], facts.flatMap { [Node.el("dt", [:], $0.0), .el("dd", ["class": "prewrap"], $0.1)] }),
            .when(r.urgency != "normal", .el("p", [:], [urgencyNode(r.urgency)])),
            .when(r.dueDateNotice != nil, .el("p", ["class": "notice"], r.dueDateNotice ?? "")),
            .group(forms.map(\.node)),
            .el("h2", [:], T(.requestHistory)),
            Layout.table(caption: nil, headers: [T(.ledgerSequence), T(.ledgerAt), T(.ledgerAction), T(.ledgerActor), T(.ledgerDetails)],
                         rows: m.history.map { e in
                [.text(String(e.sequence)), .text(Format.dateTime(e.at)), .text(e.actionLabel), .text(e.actor), .text(Format.details(e.details))]
            }),
            .when(!m.complaints.isEmpty, .group([
                .el("h2", [:], T(.complaintsTitleShort)),
                .el("ul", [:], m.complaints.map { c in .el("li", [:], [.el("a", ["href": base(m.village)(.complaint(.value(c.id)))], c.content)]) }),
            ])),
        ])
    }

    /// The printable 受理回执 — or 一次性告知书 when materials are missing (the clock waits
    /// for them) — with the tracking code, its absolute address and a QR code of it, a
    /// print button and the way back to the desk (neither printed).
    static func receipt(village: OrgUnit, item: ServiceRequest, hotline: String, dueDateNotice: String? = nil,
                        trackingURL: String, deskPath: String) -> String {
        let rows: [(String, String)] = [
            (T(.requestCode), item.trackingCode), (T(.requestService), item.serviceName), (T(.requestReceivedOn), item.receivedOn),
            (T(.requestStatus), item.status.label), (T(.requestDueOn), item.dueOn ?? T(.receiptDueAfterMaterials)),
            (T(.requestFirstOwner), item.firstOwnerName ?? "—"),
        ]
        let missing = (item.missingMaterials ?? "").split(separator: "\n").map(String.init)
        let title = missing.isEmpty ? T(.receiptTitle) : T(.receiptNoticeTitle)
        let qr = (try? QRCode(text: trackingURL)).map { Node.trusted($0.svg(scale: 3, label: T(.receiptQRLabel))) } ?? .empty
        let page: Node = .group([
            .trusted("<!doctype html>"),
            .el("html", ["lang": Language.current.htmlTag], [
                .el("head", [:], [.void("meta", [("charset", "utf-8")]), .void("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                                  .el("title", [:], title), .void("link", [("rel", "stylesheet"), ("href", Stylesheet.path)]),
                                  .el("script", ["src": PrintScript.path, "defer": ""], "")]),
                .el("body", ["class": "print"], [
                    .el("main", [:], [
                        .el("div", ["class": "actions"], [
                            .el("button", ["type": "button", "data-print": "", "class": "primary"], T(.receiptPrint)),
                            .el("a", ["class": "button secondary", "href": deskPath], T(.receiptBackToDesk)),
                        ]),
                        .el("h1", [:], T(.receiptStationTitle, village.name, title)),
                        .el("dl", ["class": "facts"], rows.flatMap { [Node.el("dt", [:], $0.0), .el("dd", [:], $0.1)] }),
                        .when(dueDateNotice != nil, .el("p", [:], dueDateNotice ?? "")),
                        .when(!missing.isEmpty, .group([.el("h2", [:], T(.receiptMissing)), .el("ol", [:], missing.map { .el("li", [:], $0) })])),
                        .el("div", ["class": "receipt-track"], [
                            qr,
                            .el("p", [:], [.text(T(.receiptTrackCode)), .el("strong", ["class": "code"], item.trackingCode), .el("br", [:]),
                                           .text(T(.receiptTrackAt)), .el("span", ["class": "url"], trackingURL)]),
                        ]),
                        .when(!hotline.isEmpty, .el("p", [:], T(.receiptHotline, hotline))),
                    ]),
                ]),
            ]),
        ])
        return page.render()
    }

    static func overdue(unit: OrgUnit, items: [ServiceRequest], names: [UUID: String], today: LocalDate, total: Int, next: String?, first: String?) -> Node {
        guard !items.isEmpty else { return .el("p", [:], T(.overdueNone, today.description)) }
        return .group([overdueTable(items: items, names: names, today: today, total: total), Layout.pager(first: first, next: next)])
    }

    static func overdueTable(items: [ServiceRequest], names: [UUID: String], today: LocalDate, total: Int) -> Node {
        Layout.table(caption: T(.overdueCount, String(total), today.description) + (total > items.count ? T(.pagingShown, String(items.count)) : ""),
                            headers: [T(.overdueVillage), T(.requestCode), T(.requestService), T(.requestStatus), T(.requestDueOn), T(.overdueDays)],
                            rows: items.map { item in
            let days = item.due.map { String($0.days(until: today)) } ?? "—"
            return [.text(names[item.unitID] ?? ""), .el("a", ["href": UnitLinks(unit: item.unitID)(.request(.value(item.id.linked), .show))], item.trackingCode),
                    .text(item.serviceName), .text(item.status.label), .text(item.dueOn ?? ""), .text(days)]
        })
    }
}

/// Shared formatting for station pages and exports, in Beijing time.
enum Format {
    static func dateTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) + 8 * 3600
        let day = LocalDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
        let rest = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(day) \(two(rest / 3600)):\(two(rest % 3600 / 60))"
    }

    static func details(_ details: [String: String]) -> String {
        details.keys.sorted().compactMap { key in
            guard let value = details[key], !value.isEmpty else { return nil }
            let label: String
            switch key {
            case "status": return T(.titled, T(.requestStatus), RequestStatus(rawValue: value)?.label ?? value)
            case "dueOn": label = T(.requestDueOn)
            case "missing": label = T(.requestMissingList)
            case "department": label = T(.requestDepartment)
            case "answer": label = T(.requestDepartmentAnswer)
            case "reason": label = T(.ledgerReason)
            case "approvedBy": label = T(.requestApprovedBy)
            case "result": label = T(.requestResult)
            case "firstOwner": label = T(.requestFirstOwner)
            case "service": label = T(.requestService)
            case "remainingDays": label = T(.ledgerRemainingDays)
            case "content": label = T(.complaintContent)
            case "request": label = T(.requestCode)
            case "worker": label = T(.complaintWorker)
            case "channel": return T(.titled, T(.requestChannel), RequestChannel(rawValue: value)?.label ?? value)
            case "onTime": return value == "true" ? T(.ledgerOnTime) : T(.ledgerLate)
            case "residentNotified": return T(.requestResidentNotified)
            case "satisfaction": return T(.titled, T(.complaintSatisfaction), Satisfaction(rawValue: value)?.label ?? value)
            default: label = key
            }
            return T(.titled, label, value.replacingOccurrences(of: "\n", with: T(.sepList)))
        }.joined(separator: T(.sepSemicolon))
    }
}
