import Fluent
import StandardKit
import Vapor

/// Village records: list, detail, create, edit and (soft) delete, as pages and as JSON
/// under /api/v1, for every kind in `RecordKind.all`. Routes are registered per kind so
/// each has its own path, access rule and OpenAPI schema.
struct RecordController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .records), .onUnit(.viewUnit), index)
        for kind in RecordKind.all {
            router.page(.GET, .unit(.key, .record(kind, .list)), .onUnit(.viewUnit)) { try await list($0, $1, kind) }
            router.page(.GET, .unit(.key, .record(kind, .new)), .onUnit(kind.editPermission)) { try await newForm($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .new)), .onUnit(kind.editPermission)) { try await create($0, $1, kind) }
            router.page(.GET, .unit(.key, .record(kind, .show(.key))), .onUnit(.viewUnit)) { try await detail($0, $1, kind) }
            router.page(.GET, .unit(.key, .record(kind, .edit(.key))), .onUnit(kind.editPermission)) { try await editForm($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .edit(.key))), .onUnit(kind.editPermission)) { try await update($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .delete(.key))), .onUnit(kind.editPermission)) { try await delete($0, $1, kind) }

            let schema = RecordJSON.schemaName(kind)
            router.apiResponse(.GET, .api(.unit(.key, .records(kind))), .onUnit(.viewUnit), APIDoc(summary: T(.apiRecordList, kind.label), response: schema + "List",
                                                                                                                            query: Self.listQuery(kind))) { try await apiList($0, $1, kind) }
            router.apiResponse(.POST, .api(.unit(.key, .records(kind))), .onUnit(kind.editPermission), APIDoc(summary: T(.apiRecordCreate, kind.label), request: schema + "Input", response: schema, status: 201, also: [409: .apiRecordLocked])) {
                try await apiCreate($0, $1, kind)
            }
            router.apiResponse(.GET, .api(.unit(.key, .record(kind, .key))), .onUnit(.viewUnit), APIDoc(summary: T(.apiRecordGet, kind.label), response: schema)) { try await apiDetail($0, $1, kind) }
            router.apiResponse(.PUT, .api(.unit(.key, .record(kind, .key))), .onUnit(kind.editPermission), APIDoc(summary: T(.apiRecordUpdate, kind.label), request: schema + "Input", response: schema, also: [409: .apiRecordLocked])) {
                try await apiUpdate($0, $1, kind)
            }
            router.apiResponse(.DELETE, .api(.unit(.key, .record(kind, .key))), .onUnit(kind.editPermission), APIDoc(summary: T(.apiRecordDelete, kind.label), response: "Empty", also: [409: .apiRecordLocked])) {
                try await apiDelete($0, $1, kind)
            }
        }
    }

    // MARK: Shared

    static func village(_ unit: OrgUnit) throws -> OrgUnit {
        guard unit.kind == .village else { throw AppError.notFound }
        return unit
    }

    /// The unit whose records of `kind` these are: a village, or a township for its kinds.
    static func owner(_ unit: OrgUnit, _ kind: RecordKind) throws -> OrgUnit {
        guard unit.kind == kind.level else { throw AppError.notFound }
        return unit
    }

    static func record(_ request: Request, _ kind: RecordKind, _ village: OrgUnit) async throws -> Record {
        guard let id = request.parameters.get("recordID").flatMap(UUID.init(uuidString:)),
              let record = try await RecordStore.find(kind, id: id, village: village.requireID(), on: request.db) else { throw AppError.notFound }
        return record
    }

    /// Titles of the records other fields refer to, for display and for choosing.
    static func references(_ kind: RecordKind, owner: OrgUnit, on db: any Database) async throws -> [String: [(id: String, title: String)]] {
        var out: [String: [(id: String, title: String)]] = [:]
        for field in kind.fields {
            let target: String
            switch field.type {
            case let .reference(t), let .references(t): target = t
            default: continue
            }
            guard let targetKind = RecordKind.named(target), out[target] == nil, let targetOwner = RecordKind.ownerID(of: targetKind, from: owner) else { continue }
            out[target] = try await RecordStore.list(targetKind, village: targetOwner, on: db).map { ($0.id.uuidString, RecordViews.title($0, kind: targetKind)) }
        }
        return out
    }

    /// Whether personal data is shown in full: the role allows it and the viewer asked
    /// (?reveal=1). Each such view is audited.
    static func reveal(_ request: Request, _ kind: RecordKind, _ village: OrgUnit, ids: [UUID]) async throws -> Bool {
        guard kind.hasPersonalData else { return false }
        return try await reveal(request, objectType: kind.key, village: village, ids: ids)
    }

    /// The one rule for showing personal data in full, for records and station requests alike.
    static func reveal(_ request: Request, objectType: String, village: OrgUnit, ids: [UUID]) async throws -> Bool {
        guard request.query[String.self, at: "reveal"] == "1",
              let principal = request.principal, principal.may(.viewPersonalData, at: village.path) else { return false }
        try await Audit.record(on: request.db, author: request.author, action: "revealPersonalData", objectType: objectType,
                               objectID: ids.count == 1 ? ids[0].uuidString : "\(ids.count) records", unitPath: village.path)
        return true
    }

    private func mayEdit(_ request: Request, _ village: OrgUnit, _ kind: RecordKind) -> Bool {
        request.principal?.may(kind.editPermission, at: village.path) ?? false
    }

    // MARK: Pages

    @Sendable func index(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let village = unit
        guard village.kind == .village || village.kind == .township else { throw AppError.notFound }
        var rows: [[Node]] = []
        for kind in RecordKind.all where kind.level == village.kind {
            let count = try await RecordStore.count(kind, village: village.requireID(), on: request.db)
            rows.append([.el("a", ["href": RecordViews.listPath(village, kind)], kind.label), .text(kind.items), .text(String(count))])
        }
        let body: Node = .group([
            .el("p", [:], [.el("a", ["href": Route.unit(.value(try village.requireID())).path], village.name)]),
            Layout.table(caption: T(.recordsCaption), headers: [T(.recordKind), T(.recordItems), T(.recordCount)], rows: rows),
        ])
        return HTMLResponse.page(request, T(.recordsTitle, village.name), body)
    }

    /// A list's query parameters in the OpenAPI document.
    static func listQuery(_ kind: RecordKind) -> [(name: String, type: Schema.Kind)] {
        (kind.dateField == nil ? [] : [("from", .string), ("to", .string)]) + [("reveal", .string), ("limit", .integer), ("cursor", .string)]
    }

    /// One page of a village's records of a kind, newest first (`RecordStore.page`): `limit`
    /// (50, at most 200) after `cursor`, dated `from`…`to` when the kind has a date; the
    /// cursor of the page after and how many match. Bad filters are a 400 naming them.
    static func page(_ request: Request, _ kind: RecordKind, _ village: OrgUnit) async throws -> Page<Record> {
        let limit = try Paging.limit(request.query[String.self, at: "limit"])
        var after: UUID?
        if let cursor = request.query[String.self, at: "cursor"], !cursor.isEmpty {
            let parts = try Paging.parts(cursor, count: 3)
            guard parts[0].isEmpty || LocalDate(parts[0]) != nil, Paging.seconds(parts[1]) != nil, let id = UUID(uuidString: parts[2]) else {
                throw AppError.badQuery([FieldError(field: "cursor", message: T(.pagingCursor))])
            }
            // The day and time are checked but not used: the page starts after the row itself
            // (`RecordStore.page`). They keep cursors the same as before.
            after = id
        }
        var bounds: [String: String] = [:]
        for name in ["from", "to"] {
            guard let text = request.query[String.self, at: name], !text.isEmpty else { continue }
            guard kind.dateField != nil, LocalDate(text) != nil else {
                throw AppError.badQuery([FieldError(field: name, message: T(.validationDate, name == "from" ? T(.ledgerFrom) : T(.ledgerTo)))])
            }
            bounds[name] = text
        }
        let villageID = try village.requireID()
        let rows = try await RecordStore.page(kind, village: villageID, after: after, limit: limit + 1, from: bounds["from"], to: bounds["to"], on: request.readDB)
        let (items, next) = Paging.split(rows, limit: limit) { record in
            [record.text(kind.dateField ?? "") ?? "", String((record.createdAt ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970), record.id.uuidString]
        }
        let total = try await RecordStore.count(kind, village: villageID, from: bounds["from"], to: bounds["to"], on: request.readDB)
        return Page(items: items, next: next, total: total)
    }

    func list(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let page = try await Self.page(request, kind, village)
        let records = page.items
        let reveal = try await Self.reveal(request, kind, village, ids: records.map(\.id))
        let references = try await Self.references(kind, owner: village, on: request.db)
        let extra: RecordViews.ExtraColumns?
        switch kind.key {
        case RecordKind.volunteers.key: extra = try await Self.volunteerHours(request, village)
        case RecordKind.workers.key: extra = try await Self.workerTraining(request, village)
        case RecordKind.budgetLines.key: extra = try await Self.fundsProgress(request, village)
        default: extra = nil
        }
        var filters: [String: String] = [:]
        for name in ["from", "to", "limit", "reveal"] { if let value = request.query[String.self, at: name], !value.isEmpty { filters[name] = value } }
        let body = RecordViews.list(kind: kind, village: village, records: records, references: references, reveal: reveal, extra: extra,
                                    total: page.total, filters: filters,
                                    pager: Paging.pager(request, path: RecordViews.listPath(village, kind), filters: filters, next: page.next),
                                    mayEdit: mayEdit(request, village, kind),
                                    mayReveal: kind.hasPersonalData && (request.principal?.may(.viewPersonalData, at: village.path) ?? false))
        return HTMLResponse.page(request, T(.titled, village.name, kind.label), body)
    }

    /// Each volunteer's hours this year and whether that makes them active under item 10's
    /// setting (`minimumHours` of check 10.1).
    static func volunteerHours(_ request: Request, _ village: OrgUnit) async throws -> RecordViews.ExtraColumns {
        let year = StandardController.beijingToday(request.now).year
        let id = try village.requireID()
        let activities = Set(try await RecordStore.list(.volunteerActivities, village: id, on: request.db)
            .filter { $0.date("date")?.year == year }.map(\.id.uuidString))
        var hours: [String: Int] = [:]
        for record in try await RecordStore.list(.volunteerHours, village: id, on: request.db) where activities.contains(record.text("activity") ?? "") {
            hours[record.text("volunteer") ?? "", default: 0] += record.number("hours") ?? 0
        }
        var minimum = 1.0
        if case let .activeVolunteers(_, minimumHours)? = request.application.config.catalogue.check("10.1")?.rule { minimum = minimumHours }
        let threshold = Int((minimum * 100).rounded())
        var cells: [UUID: [String]] = [:]
        for volunteer in try await RecordStore.list(.volunteers, village: id, on: request.db) {
            let total = hours[volunteer.id.uuidString] ?? 0
            cells[volunteer.id] = [Figure.text(Double(total) / 100), total >= threshold ? T(.yes) : T(.no)]
        }
        return RecordViews.ExtraColumns(headers: [T(.volunteerYearHours, String(year)), T(.volunteerActive, Figure.text(minimum))], cells: cells)
    }

    /// Each worker's training hours this year, with the engine's "everyone trained" and
    /// "average ≥ 40 hours" results for the village (items 49.1 and 49.2).
    static func workerTraining(_ request: Request, _ village: OrgUnit) async throws -> RecordViews.ExtraColumns {
        let (year, asOf) = (StandardController.beijingToday(request.now).year, StandardController.beijingToday(request.now))
        guard let facts = try await VillageFactsBuilder.build(under: village, year: year, asOf: asOf, on: request.db).first?.facts else {
            return RecordViews.ExtraColumns(headers: [], cells: [:])
        }
        let config = request.application.config
        let evaluation = Evaluator(catalogue: config.catalogue, scheme: config.scheme).evaluate(facts, asOf: asOf)
        var hours: [String: Int] = [:]
        for training in try await RecordStore.list(.trainings, village: village.requireID(), on: request.db) where training.date("date")?.year == year {
            for worker in training.words("attendees") { hours[worker, default: 0] += training.number("hours") ?? 0 }
        }
        var cells: [UUID: [String]] = [:]
        for record in try await RecordStore.list(.workers, village: village.requireID(), on: request.db) {
            cells[record.id] = [Figure.text(Double(hours[record.id.uuidString] ?? 0) / 100)]
        }
        let note = ["49.1", "49.2"].compactMap { id in evaluation.check(id).map { T(.titled, $0.status.label, $0.explanation) } }.joined(separator: T(.sepSemicolon))
        return RecordViews.ExtraColumns(headers: [T(.workerYearHours, String(year))], cells: cells, note: note)
    }

    /// How much of each budget line has been paid, and whether on time and in full.
    static func fundsProgress(_ request: Request, _ village: OrgUnit) async throws -> RecordViews.ExtraColumns {
        let today = StandardController.beijingToday(request.now)
        let id = try village.requireID()
        let paid = Dictionary(grouping: try await RecordStore.list(.disbursements, village: id, on: request.db), by: { $0.text("budgetLine") ?? "" })
        var graceDays = 30
        if case let .fundsDisbursed(_, days)? = request.application.config.catalogue.check("20.2")?.rule { graceDays = days }
        var cells: [UUID: [String]] = [:]
        for line in try await RecordStore.list(.budgetLines, village: id, on: request.db) {
            let planned = line.number("planned") ?? 0
            let payments = paid[line.id.uuidString] ?? []
            let total = payments.reduce(0) { $0 + ($1.number("amount") ?? 0) }
            guard let plannedOn = line.date("plannedOn") else { continue }
            let deadline = plannedOn.adding(days: graceDays)
            let byDeadline = payments.filter { ($0.date("date") ?? deadline.adding(days: 1)) <= deadline }.reduce(0) { $0 + ($1.number("amount") ?? 0) }
            let state: String
            if byDeadline >= planned { state = T(.fundsOnTime) }
            else if deadline >= today { state = T(.fundsNotDue) }
            else if total >= planned { state = T(.fundsLate) }
            else { state = T(.fundsShort) }
            cells[line.id] = [Money(fen: total).description, state]
        }
        return RecordViews.ExtraColumns(headers: [T(.fundsPaid), T(.fundsState, String(graceDays))], cells: cells)
    }

    func newForm(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let references = try await Self.references(kind, owner: village, on: request.db)
        let (values, multi) = RecordViews.prefill(request, kind)
        return HTMLResponse.page(request, T(.recordNew, kind.label),
                    RecordViews.form(request, kind: kind, action: RecordViews.path(village, kind, .new), values: values, multi: multi, references: references, errors: []))
    }

    /// A submitted form: its values when every field is right, else the same form again
    /// with the typed values kept and each wrong field marked.
    private enum Submission {
        case valid([String: FieldValue])
        case invalid(Response)
    }

    private func submission(_ request: Request, _ kind: RecordKind, _ village: OrgUnit, recordID: UUID?, title: String, action: String) async throws -> Submission {
        let form = try FormFields(request)
        var parsed = RecordInput.fromForm(form, kind: kind)
        try await RecordInput.checkInDatabase(&parsed, kind: kind, owner: village, recordID: recordID,
                                             today: StandardController.beijingToday(request.now), on: request.db)
        guard parsed.errors.isEmpty else {
            let references = try await Self.references(kind, owner: village, on: request.db)
            return .invalid(HTMLResponse.page(request, title, RecordViews.form(request, kind: kind, action: action, values: RecordViews.echo(form, kind),
                                                                  multi: RecordViews.echoMany(form, kind), references: references, errors: parsed.errors),
                                 status: .unprocessableEntity))
        }
        return .valid(parsed.values)
    }

    func create(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        switch try await submission(request, kind, village, recordID: nil, title: T(.recordNew, kind.label), action: RecordViews.path(village, kind, .new)) {
        case let .invalid(response): return response
        case let .valid(values):
            let before = await SaveEffect.before(request, village, kind)
            do {
                let record = try await RecordStore.insert(kind, values: values, village: village, author: request.author, on: request.db)
                return request.redirect(to: SaveEffect.savedPath(RecordViews.detailPath(village, kind, record.id), before: before))
            } catch let AppError.conflict(message) {
                return try await refused(request, kind, village, message: message, title: T(.recordNew, kind.label), action: RecordViews.path(village, kind, .new))
            }
        }
    }

    func detail(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        let reveal = try await Self.reveal(request, kind, village, ids: [record.id])
        let references = try await Self.references(kind, owner: village, on: request.db)
        if kind.key == RecordKind.meetings.key, request.query[String.self, at: "print"] == "1" {
            return HTMLResponse.make(RecordViews.printableMinutes(record: record, village: village))
        }
        let attachments = try await Attachments.list(record: record.id, on: request.db)
        // The same check the store makes on a write: a locked record offers no edit.
        let lock = try await YearLock.blocking(kind, before: record.values, after: nil, village: record.unitID, on: request.db)
        let effect = await SaveEffect.view(request, village, kind, recordKind: record.values["kind"]?.text)
        return HTMLResponse.page(request, RecordViews.title(record, kind: kind), .group([effect,
                    RecordViews.detail(request, kind: kind, village: village, record: record, references: references, reveal: reveal, attachments: attachments,
                                       mayEdit: lock == nil && mayEdit(request, village, kind),
                                       mayReveal: kind.hasPersonalData && (request.principal?.may(.viewPersonalData, at: village.path) ?? false),
                                       locked: lock?.message)]))
    }

    func editForm(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        let references = try await Self.references(kind, owner: village, on: request.db)
        let (values, multi) = RecordViews.formValues(record, kind: kind)
        return HTMLResponse.page(request, T(.recordEdit, kind.label),
                    RecordViews.form(request, kind: kind, action: RecordViews.path(village, kind, .edit(.value(record.id))), values: values, multi: multi,
                                     references: references, errors: []))
    }

    func update(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        let action = RecordViews.path(village, kind, .edit(.value(record.id)))
        switch try await submission(request, kind, village, recordID: record.id, title: T(.recordEdit, kind.label), action: action) {
        case let .invalid(response): return response
        case let .valid(values):
            let before = await SaveEffect.before(request, village, kind)
            do {
                _ = try await RecordStore.update(kind, record: record, values: Self.keepingPersonal(values, old: record, kind: kind), author: request.author, on: request.db)
                return request.redirect(to: SaveEffect.savedPath(RecordViews.detailPath(village, kind, record.id), before: before))
            } catch let AppError.conflict(message) {
                return try await refused(request, kind, village, message: message, title: T(.recordEdit, kind.label), action: action)
            }
        }
    }

    /// Personal fields left empty on an edit form, or left out of an API update, keep
    /// their stored value: they are never shown unmasked there, so cannot be sent back.
    static func keepingPersonal(_ values: [String: FieldValue], old: Record, kind: RecordKind) -> [String: FieldValue] {
        var out = values
        for field in kind.fields {
            if case .personal = field.type, out[field.key] == nil, let stored = old.values[field.key] { out[field.key] = stored }
        }
        return out
    }

    /// A write the year's lock refused: the same form again with what was typed, the reason
    /// at the top (409), so nothing typed is lost and the person knows whom to ask.
    private func refused(_ request: Request, _ kind: RecordKind, _ village: OrgUnit, message: String, title: String, action: String) async throws -> Response {
        let form = try FormFields(request)
        let references = try await Self.references(kind, owner: village, on: request.db)
        return HTMLResponse.page(request, title, .group([
            .el("div", ["class": "error-summary", "role": "alert", "id": "record-locked"], [.el("p", [:], message)]),
            RecordViews.form(request, kind: kind, action: action, values: RecordViews.echo(form, kind), multi: RecordViews.echoMany(form, kind),
                             references: references, errors: []),
        ]), status: .conflict)
    }

    func delete(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        try await RecordStore.delete(kind, record: record, author: request.author, on: request.db)
        return request.redirect(to: RecordViews.listPath(village, kind) + "?deleted=1")
    }

    // MARK: API

    func apiList(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let page = try await Self.page(request, kind, village)
        let reveal = try await Self.reveal(request, kind, village, ids: page.items.map(\.id))
        return RecordJSON.response(.ok, RecordJSON.list(page, kind: kind, reveal: reveal))
    }

    func apiDetail(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        let reveal = try await Self.reveal(request, kind, village, ids: [record.id])
        return RecordJSON.response(.ok, RecordJSON.object(record, kind: kind, reveal: reveal))
    }

    private func parseJSON(_ request: Request, _ kind: RecordKind, _ village: OrgUnit, recordID: UUID?) async throws -> [String: FieldValue] {
        var parsed = RecordInput.fromJSON(Array(request.body.data.map { Array($0.readableBytesView) } ?? []), kind: kind)
        if parsed.errors.contains(where: { $0.field.isEmpty }) { throw AppError.badRequest(T(.errorBadRequest)) }
        try await RecordInput.checkInDatabase(&parsed, kind: kind, owner: village, recordID: recordID,
                                             today: StandardController.beijingToday(request.now), on: request.db)
        if !parsed.errors.isEmpty { throw AppError.validation(parsed.errors) }
        return parsed.values
    }

    func apiCreate(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await RecordStore.insert(kind, values: try await parseJSON(request, kind, village, recordID: nil), village: village, author: request.author, on: request.db)
        return RecordJSON.response(.created, RecordJSON.object(record, kind: kind, reveal: false))
    }

    func apiUpdate(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        let record = try await Self.record(request, kind, village)
        let values = Self.keepingPersonal(try await parseJSON(request, kind, village, recordID: record.id), old: record, kind: kind)
        let updated = try await RecordStore.update(kind, record: record, values: values, author: request.author, on: request.db)
        return RecordJSON.response(.ok, RecordJSON.object(updated, kind: kind, reveal: false))
    }

    func apiDelete(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try Self.owner(unit, kind)
        try await RecordStore.delete(kind, record: try await Self.record(request, kind, village), author: request.author, on: request.db)
        return RecordJSON.response(.ok, .object([]))
    }
}

/// Records as JSON, and the OpenAPI schema of each kind, both from the kind's fields.
enum RecordJSON {
    static func schemaName(_ kind: RecordKind) -> String { kind.key.prefix(1).uppercased() + kind.key.dropFirst() }

    static func value(_ field: FieldSpec, _ value: FieldValue?, reveal: Bool) -> JSONValue {
        guard let value else { return field.type.isMulti ? .array([]) : .null }
        switch (field.type, value) {
        case (.money, let .number(fen)): return .string(Money(fen: fen).description)
        case (.hundredths, let .number(n)): return .number(Figure.text(Double(n) / 100))
        case (.choices, let .text(t)), (.references, let .text(t)): return .array(t.split(separator: ",").map { JSONNode(.string(String($0))) })
        case let (.personal(kind), .text(t)): return .string(reveal ? t : kind.mask(t))
        case let (_, .text(t)): return .string(t)
        case let (_, .number(n)): return .number(String(n))
        case let (_, .flag(f)): return .bool(f)
        }
    }

    static func object(_ record: Record, kind: RecordKind, reveal: Bool) -> JSONValue {
        var members: [(key: String, node: JSONNode)] = [("id", JSONNode(.string(record.id.uuidString)))]
        for field in kind.fields { members.append((field.key, JSONNode(value(field, record.values[field.key], reveal: reveal)))) }
        return .object(members)
    }

    /// A page of records, with the cursor of the page after (null on the last) and how many
    /// match in all.
    static func list(_ page: Page<Record>, kind: RecordKind, reveal: Bool) -> JSONValue {
        .object([("records", JSONNode(.array(page.items.map { JSONNode(object($0, kind: kind, reveal: reveal)) }))),
                 ("next", JSONNode(page.next.map { .string($0) } ?? .null)), ("total", JSONNode(.number(String(page.total))))])
    }

    static func response(_ status: HTTPStatus, _ value: JSONValue) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(string: value.serialized))
    }

    /// Schemas for the OpenAPI document: the record, its input and its list.
    static func schemas() -> [String: Schema] {
        var out: [String: Schema] = [:]
        for kind in RecordKind.all {
            var properties: [String: Schema] = ["id": .uuid]
            for field in kind.fields {
                var schema: Schema
                switch field.type {
                case let .text(max): schema = Schema(types: [.string, .null], maxLength: max)
                case .longText: schema = Schema(types: [.string, .null])
                case .date: schema = Schema.date.nullable
                case let .integer(range): schema = Schema(types: [.integer, .null], minimum: range.lowerBound, maximum: range.upperBound)
                case .hundredths: schema = Schema(types: [.number, .null], minimum: 0)
                case .money: schema = Schema(types: [.string, .null], pattern: "^[0-9]+(\\.[0-9]{1,2})?$")
                case .flag: schema = .boolean
                case let .choice(choices): schema = Schema(types: [.string, .null], allowed: choices.map(\.value) + [nil])
                case let .choices(choices): schema = .array(.oneOf(choices.map(\.value)))
                case .reference: schema = Schema.uuid.nullable
                case .references: schema = .array(.uuid)
                case .personal: schema = Schema(types: [.string, .null], description: T(.openAPIPersonalField))
                }
                schema.description = schema.description.map { T(.apiFieldDescription, field.label, $0) } ?? field.label
                properties[field.key] = schema
            }
            let name = schemaName(kind)
            out[name] = Schema.object(properties, required: ["id"] + kind.fields.map(\.key))
            out[name + "Input"] = Schema.object(properties.filter { $0.key != "id" }, required: kind.fields.filter(\.required).map(\.key))
            out[name + "List"] = Schema.object(["records": .array(.ref(name)), "next": Schema.string.nullable, "total": .integer], required: ["records"])
        }
        return out
    }
}

extension FieldType {
    /// Holds several values (check boxes in forms, arrays in JSON).
    var isMulti: Bool {
        switch self {
        case .choices, .references: return true
        default: return false
        }
    }
}

/// What saving a record did to the village's evaluation this year: "第7.1条：已达标（保存前
/// 为未达标）" or "第7.1条仍未达标：第四季度尚未召开", not only "已保存".
enum SaveEffect {
    /// Kinds whose records feed the checks another kind's list shows.
    private static let feeds: [String: String] = [
        "workerRoles": "workers", "volunteerHours": "volunteers", "contributions": "residentUnits",
        "disbursements": "budgetLines", "maintenanceLogs": "facilities",
    ]

    /// The village's own measured checks that read records of `kind`.
    static func checks(fedBy kind: RecordKind, _ catalogue: Catalogue) -> [Check] {
        let key = feeds[kind.key] ?? kind.key
        return catalogue.checks.filter { check in
            guard check.level == .village, check.kind == .measured else { return false }
            switch check.ruleName ?? "" {
            case "stationStaffing": return key == "workers"
            case "massOrganizations", "organizationActivities": return key == "socialOrganizations" || key == "activities"
            default: break
            }
            if case let .record(listed, .list)? = RecordLinks.route(check) { return listed.key == key }
            return false
        }
    }

    /// The statuses of `kind`'s checks now, as text for the address the save redirects to
    /// ("7.1:notMet,7.2:met"); nil where the village cannot be evaluated.
    static func before(_ request: Request, _ village: OrgUnit, _ kind: RecordKind) async -> String? {
        let checks = Self.checks(fedBy: kind, request.application.config.catalogue)
        guard village.kind == .village, !checks.isEmpty, let (_, evaluation, _) = try? await StandardController.evaluate(request, village) else { return nil }
        return checks.compactMap { c in evaluation.check(c.id).map { "\(c.id):\($0.status.rawValue)" } }.joined(separator: ",")
    }

    /// Whether `check` counts records of this type (its `kinds` parameter, when it has one).
    private static func counts(_ check: Check, _ recordKind: String?) -> Bool {
        guard let recordKind, let kinds = check.parameters.first(where: { $0.key == "kinds" })?.node.array, !kinds.isEmpty else { return true }
        return kinds.contains { $0.string == recordKind }
    }

    /// The redirect after a save, carrying the statuses before it.
    static func savedPath(_ detail: String, before: String?) -> String {
        detail + "?saved=1" + (before.map { "&was=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? "")
    }

    /// The effect, shown on the record's page after the save. The statuses before come from
    /// the address, so each is checked: a known check of the kind, a known status.
    /// `recordKind`: the saved record's own kind (a meeting's type), so a check counting
    /// other types is only named when the save changed it.
    static func view(_ request: Request, _ village: OrgUnit, _ kind: RecordKind, recordKind: String? = nil) async -> Node {
        guard request.query[String.self, at: "saved"] == "1", let was = request.query[String.self, at: "was"], was.utf8.count <= 2000 else { return .group([]) }
        let checks = Self.checks(fedBy: kind, request.application.config.catalogue)
        var before: [String: Status] = [:]
        for pair in was.split(separator: ",").prefix(100) {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let status = Status(rawValue: String(parts[1])), checks.contains(where: { $0.id == parts[0] }) else { continue }
            before[String(parts[0])] = status
        }
        guard !before.isEmpty, let (_, evaluation, _) = try? await StandardController.evaluate(request, village) else { return .group([]) }
        var lines: [Node] = []
        for check in checks {
            guard let was = before[check.id], let now = evaluation.check(check.id) else { continue }
            let label = StandardViews.statusNode(now.status)
            if now.status != was {
                lines.append(.el("li", [:], [.text(T(.effectCheck, check.id) + T(.sepColon)), label, .text(T(.parenthesized, T(.effectWas, was.label)))]
                                 + (now.status == .met ? [] : [.text(T(.sepColon) + now.explanation)])))
            } else if now.status == .notMet || now.status == .pending, counts(check, recordKind) {
                lines.append(.el("li", [:], [.text(T(.effectCheck, check.id) + T(.effectStill)), label, .text(T(.sepColon) + now.explanation)]))
            }
        }
        return .el("section", ["id": "effect", "class": "notice", "aria-labelledby": "effect-title"], [
            .el("h2", ["id": "effect-title"], T(.effectTitle, String(evaluation.year))),
            lines.isEmpty ? .el("p", [:], T(.effectNone)) : .el("ul", ["class": "checks"], Array(lines.prefix(8))),
            .el("p", [:], [.el("a", ["href": Route.unit(.value(village.id.linked), .plan).path], T(.planLink))]),
        ])
    }
}
