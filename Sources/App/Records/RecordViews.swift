import StandardKit
import Vapor

/// Pages of village records, all drawn from the kind's fields.
enum RecordViews {
    /// A page of `kind`'s records in `village`.
    static func path(_ village: OrgUnit, _ kind: RecordKind, _ page: RecordPage) -> String { village.route(.record(kind, page)).path }

    static func listPath(_ village: OrgUnit, _ kind: RecordKind) -> String { path(village, kind, .list) }

    static func detailPath(_ village: OrgUnit, _ kind: RecordKind, _ id: UUID) -> String { path(village, kind, .show(.value(id))) }

    static func title(_ record: Record, kind: RecordKind) -> String {
        if let field = kind.field(kind.titleField), let value = record.values[field.key] {
            let text = display(field, value, references: [:], reveal: false)
            if !text.isEmpty { return String(text.prefix(40)) }
        }
        return kind.label
    }

    /// A stored value as people read it.
    static func display(_ field: FieldSpec, _ value: FieldValue?, references: [String: [(id: String, title: String)]], reveal: Bool) -> String {
        guard let value else { return "" }
        switch (field.type, value) {
        case (.money, let .number(fen)): return Money(fen: fen).description
        case (.hundredths, let .number(n)): return Figure.text(Double(n) / 100)
        case (_, let .number(n)): return String(n)
        case (_, let .flag(f)): return f ? T(.yes) : T(.no)
        case let (.choice(choices), .text(t)): return choices.first { $0.value == t }?.label ?? t
        case let (.choices(choices), .text(t)):
            let words = Set(t.split(separator: ",").map(String.init))
            return choices.filter { words.contains($0.value) }.map(\.label).joined(separator: T(.sepList))
        case let (.reference(target), .text(t)): return references[target]?.first { $0.id == t }?.title ?? "—"
        case let (.references(target), .text(t)):
            let ids = Set(t.split(separator: ",").map(String.init))
            return (references[target] ?? []).filter { ids.contains($0.id) }.map(\.title).joined(separator: T(.sepList))
        case let (.personal(kind), .text(t)): return reveal ? t : kind.mask(t)
        case let (_, .text(t)): return t
        }
    }

    /// Figures computed from other records, shown as extra columns of a list.
    struct ExtraColumns {
        var headers: [String]
        var cells: [UUID: [String]]
        /// A sentence shown above the list (e.g. the engine's figures for the whole list).
        var note: String? = nil
    }

    static func list(kind: RecordKind, village: OrgUnit, records: [Record], references: [String: [(id: String, title: String)]],
                     reveal: Bool, extra: ExtraColumns? = nil, total: Int, filters: [String: String], pager: Node,
                     mayEdit: Bool, mayReveal: Bool) -> Node {
        let listed = kind.fields.filter(\.listed)
        var actions: [Node] = []
        if mayEdit { actions.append(.el("a", ["class": "button", "href": path(village, kind, .new)], T(.recordNew, kind.label))) }
        if mayReveal && !reveal { actions.append(.el("a", ["href": listPath(village, kind) + "?reveal=1"], T(.recordReveal))) }
        actions.append(.el("a", ["href": path(village, kind, .exportXLSX) + (reveal ? "?reveal=1" : "")], T(.exportXLSX)))
        actions.append(.el("a", ["href": path(village, kind, .exportCSV) + (reveal ? "?reveal=1" : "")], T(.exportCSV)))
        if mayEdit, RecordTransferController.importable.contains(where: { $0.key == kind.key }) {
            actions.append(.el("a", ["href": path(village, kind, .importFile)], T(.importButton)))
        }
        let rows: [[Node]] = records.map { record in
            listed.enumerated().map { index, field in
                let text = display(field, record.values[field.key], references: references, reveal: reveal)
                return index == 0 ? .el("a", ["href": detailPath(village, kind, record.id)], text.isEmpty ? T(.recordOpen) : text) : .text(text)
            } + (extra.map { extra in (extra.cells[record.id] ?? extra.headers.map { _ in "" }).map { Node.text($0) } } ?? [])
        }
        return .group([
            .el("nav", ["class": "crumbs", "aria-label": T(.breadcrumbs)], [
                .el("a", ["href": Route.unit(.value(village.id.linked)).path], village.name), .text(" › "),
                .el("a", ["href": village.route(.records).path], T(.recordsShort)), .text(" › \(kind.label)"),
            ]),
            .el("p", ["class": "muted"], T(.recordItemsNote, kind.items)),
            .when(!actions.isEmpty, .el("div", ["class": "actions"], actions)),
            .when(extra?.note != nil, .el("p", ["class": "summary"], extra?.note ?? "")),
            .when(kind.dateField != nil, .el("form", ["method": "get", "action": listPath(village, kind), "class": "filters"], [
                Layout.field("from", T(.ledgerFrom), value: filters["from"] ?? "", type: "date", errors: []),
                Layout.field("to", T(.ledgerTo), value: filters["to"] ?? "", type: "date", errors: []),
                .when(reveal, .input(["type": "hidden", "name": "reveal", "value": "1"])),
                .el("button", ["type": "submit"], T(.filter)),
            ])),
            records.isEmpty ? .el("p", [:], T(.recordNone)) : Layout.table(caption: T(.recordListCaption, kind.label, String(total), String(records.count)),
                                                                           headers: listed.map(\.label) + (extra?.headers ?? []), rows: rows),
            pager,
        ])
    }

    static func detail(_ request: Request, kind: RecordKind, village: OrgUnit, record: Record, references: [String: [(id: String, title: String)]],
                       reveal: Bool, attachments: [Attachment] = [], mayEdit: Bool, mayReveal: Bool, locked: String? = nil) -> Node {
        var facts: [Node] = []
        for field in kind.fields {
            let text = display(field, record.values[field.key], references: references, reveal: reveal)
            facts.append(.el("dt", [:], field.label))
            if case .longText = field.type {
                facts.append(.el("dd", [:], [.el("div", ["class": "prewrap"], text.isEmpty ? "—" : text)]))
            } else {
                facts.append(.el("dd", [:], text.isEmpty ? "—" : text))
            }
        }
        var actions: [Node] = []
        if mayEdit {
            actions.append(.el("a", ["class": "button", "href": path(village, kind, .edit(.value(record.id)))], T(.recordEditButton)))
            actions.append(.el("form", ["method": "post", "action": path(village, kind, .delete(.value(record.id))), "class": "inline"],
                               [Layout.csrfField(request), .el("button", ["type": "submit", "class": "secondary"], T(.recordDeleteButton))]))
        }
        if kind.key == RecordKind.meetings.key {
            actions.append(.el("a", ["href": detailPath(village, kind, record.id) + "?print=1"], T(.recordPrintMinutes)))
        }
        if mayReveal && !reveal { actions.append(.el("a", ["href": detailPath(village, kind, record.id) + "?reveal=1"], T(.recordReveal))) }
        return .group([
            .el("nav", ["class": "crumbs", "aria-label": T(.breadcrumbs)], [
                .el("a", ["href": Route.unit(.value(village.id.linked)).path], village.name), .text(" › "),
                .el("a", ["href": listPath(village, kind)], kind.label),
            ]),
            // A record of a submitted or approved year: why it cannot be changed, and who can open it.
            .when(locked != nil, .el("p", ["class": "pending", "id": "record-locked"], locked ?? "")),
            .el("dl", ["class": "facts"], facts),
            .when(!actions.isEmpty, .el("div", ["class": "actions"], actions)),
            attachmentsSection(request, village: village, kind: kind, record: record.id, attachments: attachments, mayEdit: mayEdit),
        ])
    }

    static func attachmentsSection(_ request: Request, village: OrgUnit, kind: RecordKind, record: UUID, attachments: [Attachment], mayEdit: Bool) -> Node {
        .el("section", ["aria-labelledby": "attachments"], [
            .el("h2", ["id": "attachments"], T(.attachmentsTitle)),
            attachments.isEmpty ? .el("p", [:], T(.attachmentNone)) : .el("ul", [:], attachments.map { file in
                .el("li", [:], [
                    .el("a", ["href": path(village, kind, .attachment(.value(record), .value(file.id)))], file.name),
                    .text(T(.parenthesized, "\(Figure.text(Double(file.size) / 1024)) KB")),
                    .when(mayEdit, .el("form", ["method": "post", "action": path(village, kind, .attachmentDelete(.value(record), .value(file.id))), "class": "inline"],
                                       [Layout.csrfField(request), .el("button", ["type": "submit", "class": "link"], T(.attachmentRemove))])),
                ])
            }),
            .when(mayEdit, .el("form", ["method": "post", "action": path(village, kind, .attachments(.value(record))), "enctype": "multipart/form-data"], [
                Layout.csrfField(request),
                .el("div", ["class": "field"], [
                    .el("label", ["for": "f-file"], T(.attachmentFile)),
                    .input(["type": "file", "id": "f-file", "name": "file", "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx", "required": ""]),
                ]),
                .el("button", ["type": "submit"], T(.attachmentUpload)),
            ])),
        ])
    }

    /// A record's stored values as form text, for editing.
    static func formValues(_ record: Record, kind: RecordKind) -> ([String: String], [String: [String]]) {
        var values: [String: String] = [:]
        var multi: [String: [String]] = [:]
        for field in kind.fields {
            guard let value = record.values[field.key] else { continue }
            switch (field.type, value) {
            case (.money, let .number(fen)): values[field.key] = Money(fen: fen).description
            case (.hundredths, let .number(n)): values[field.key] = Figure.text(Double(n) / 100)
            case (.choices, let .text(t)), (.references, let .text(t)): multi[field.key] = t.split(separator: ",").map(String.init)
            case (.personal, _): values[field.key] = ""
            case let (_, .text(t)): values[field.key] = t
            case let (_, .number(n)): values[field.key] = String(n)
            case let (_, .flag(f)): values[field.key] = f ? "on" : ""
            }
        }
        return (values, multi)
    }

    static func echo(_ form: FormFields, _ kind: RecordKind) -> [String: String] {
        var values: [String: String] = [:]
        for field in kind.fields { values[field.key] = form[field.key] }
        return values
    }

    /// A new form filled from the address (`?kind=representativeMeeting&date=2026-09-30`),
    /// as a finding's "去处理" link asks: only the kind's own fields, short values, and no
    /// personal data. The values are only shown; the form's submission checks them as typed.
    static func prefill(_ request: Request, _ kind: RecordKind) -> (values: [String: String], multi: [String: [String]]) {
        var values: [String: String] = [:], multi: [String: [String]] = [:]
        guard let query = request.url.query, query.utf8.count <= 1024, let items = URLComponents(string: "?" + query)?.queryItems else { return ([:], [:]) }
        for item in items.prefix(20) {
            guard let field = kind.field(item.name), let value = item.value, value.count <= 100 else { continue }
            if case .personal = field.type { continue }
            if field.type.isMulti { multi[field.key, default: []].append(value) } else { values[field.key] = value }
        }
        return (values, multi)
    }

    static func echoMany(_ form: FormFields, _ kind: RecordKind) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for field in kind.fields where field.type.isMulti { values[field.key] = form.all(field.key) }
        return values
    }

    static func form(_ request: Request, kind: RecordKind, action: String, values: [String: String], multi: [String: [String]],
                     references: [String: [(id: String, title: String)]], errors: [FieldError]) -> Node {
        var fields: [Node] = [Layout.errorSummary(errors), Layout.csrfField(request)]
        for field in kind.fields {
            let value = values[field.key] ?? ""
            switch field.type {
            case .longText:
                fields.append(Layout.textarea(field.key, field.label, value: value, errors: errors))
            case .date:
                fields.append(Layout.field(field.key, field.label, value: value, type: "date", errors: errors, required: field.required))
            case .integer, .hundredths, .money:
                fields.append(Layout.field(field.key, field.label, value: value, errors: errors, required: field.required, attributes: ["inputmode": "decimal"]))
            case .flag:
                let id = "f-" + field.key
                fields.append(.el("div", ["class": "field check"], [
                    .input(["type": "checkbox", "id": id, "name": field.key, "value": "on", "checked": value == "on" || value == "true" ? "" : nil]),
                    .el("label", ["for": id], field.label),
                ]))
            case let .choice(choices):
                fields.append(Layout.select(field.key, field.label, options: [("", T(.recordChoose))] + choices.map { ($0.value, $0.label) }, selected: value, errors: errors))
            case let .choices(choices):
                fields.append(checkboxes(field, options: choices, chosen: Set(multi[field.key] ?? []), errors: errors))
            case let .references(target):
                fields.append(checkboxes(field, options: (references[target] ?? []).map { Choice(value: $0.id, label: $0.title) },
                                         chosen: Set(multi[field.key] ?? []), errors: errors))
            case let .reference(target):
                let options = references[target] ?? []
                fields.append(Layout.select(field.key, field.label, options: [("", T(.recordChoose))] + options.map { ($0.id, $0.title) }, selected: value, errors: errors))
            case .personal:
                fields.append(Layout.field(field.key, field.label, value: value, errors: errors, hint: T(.recordPersonalHint)))
            case .text:
                fields.append(Layout.field(field.key, field.label, value: value, errors: errors, required: field.required))
            }
        }
        fields.append(.el("button", ["type": "submit"], T(.save)))
        return .el("form", ["method": "post", "action": action, "novalidate": ""], fields)
    }

    /// A group of check boxes, one per option, with the field's error tied to it.
    static func checkboxes(_ field: FieldSpec, options: [Choice], chosen: Set<String>, errors: [FieldError]) -> Node {
        let error = errors.first { $0.field == field.key }?.message
        return .el("fieldset", ["class": error == nil ? "field" : "field invalid", "id": "f-" + field.key,
                                "aria-describedby": error == nil ? nil : "f-\(field.key)-error"], [
            .el("legend", [:], field.label),
            options.isEmpty ? .el("p", ["class": "hint"], T(.recordNoOptions)) : .group(options.enumerated().map { index, choice in
                let id = "f-\(field.key)-\(index)"
                return .el("span", ["class": "check"], [
                    .input(["type": "checkbox", "id": id, "name": field.key + "[]", "value": choice.value, "checked": chosen.contains(choice.value) ? "" : nil]),
                    .el("label", ["for": id], choice.label),
                ])
            }),
            .when(error != nil, .el("p", ["class": "error", "id": "f-\(field.key)-error"], error ?? "")),
        ])
    }

    /// Minutes for printing: the meeting, its decisions and an attendance list with space to sign.
    static func printableMinutes(record: Record, village: OrgUnit) -> String {
        let kind = RecordKind.meetings
        func text(_ key: String) -> String {
            guard let field = kind.field(key) else { return "" }
            return display(field, record.values[key], references: [:], reveal: false)
        }
        let attendees = (record.text("attendees") ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let body: Node = .group([
            .trusted("<!doctype html>"),
            .el("html", ["lang": Language.current.htmlTag], [
                .el("head", [:], [.void("meta", [("charset", "utf-8")]), .el("title", [:], text("title")),
                                  .void("link", [("rel", "stylesheet"), ("href", Stylesheet.path)])]),
                .el("body", ["class": "print"], [
                    .el("main", [:], [
                        .el("h1", [:], T(.recordMinutesTitle, village.name, text("title"))),
                        .el("dl", ["class": "facts"], [
                            .el("dt", [:], kind.field("kind")?.label ?? ""), .el("dd", [:], text("kind")),
                            .el("dt", [:], kind.field("date")?.label ?? ""), .el("dd", [:], text("date")),
                            .el("dt", [:], kind.field("attendance")?.label ?? ""), .el("dd", [:], text("attendance")),
                        ]),
                        .el("h2", [:], kind.field("agenda")?.label ?? ""), .el("div", ["class": "prewrap"], text("agenda")),
                        .el("h2", [:], kind.field("majorDecisions")?.label ?? ""), .el("div", ["class": "prewrap"], text("majorDecisions")),
                        .el("h2", [:], kind.field("decisions")?.label ?? ""), .el("div", ["class": "prewrap"], text("decisions")),
                        .el("h2", [:], kind.field("minutes")?.label ?? ""), .el("div", ["class": "prewrap"], text("minutes")),
                        .el("h2", [:], T(.recordAttendanceList)),
                        Layout.table(caption: nil, headers: [T(.recordNumber), T(.recordAttendee), T(.recordSignature)],
                                     rows: attendees.enumerated().map { [.text(String($0.offset + 1)), .text($0.element), .text("")] }),
                    ]),
                ]),
            ]),
        ])
        return body.render()
    }
}
