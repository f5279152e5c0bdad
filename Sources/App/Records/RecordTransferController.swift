import Fluent
import Spreadsheet
import StandardKit
import Vapor

/// Exports of every record list (CSV with BOM and XLSX) and imports with an
/// all-or-nothing preview for the kinds people keep in spreadsheets.
struct RecordTransferController {
    /// Every kind can be imported (references by the referred record's title).
    static let importable: [RecordKind] = RecordKind.all

    func register(_ router: Router) {
        for kind in RecordKind.all {
            router.page(.GET, .unit(.key, .record(kind, .exportCSV)), .onUnit(.viewUnit)) { try await export($0, $1, kind, xlsx: false) }
            router.page(.GET, .unit(.key, .record(kind, .exportXLSX)), .onUnit(.viewUnit)) { try await export($0, $1, kind, xlsx: true) }
        }
        for kind in Self.importable {
            router.page(.GET, .unit(.key, .record(kind, .templateCSV)), .onUnit(kind.editPermission)) { (_: Request, _: OrgUnit) in Self.file(CSV.write(Self.template(kind)), name: "\(kind.key)-template.csv") }
            router.page(.GET, .unit(.key, .record(kind, .templateXLSX)), .onUnit(kind.editPermission)) { (_: Request, _: OrgUnit) in
                Self.file(try XLSX.write(Self.typedTemplate(kind), name: kind.label), name: "\(kind.key)-template.xlsx")
            }
            router.page(.GET, .unit(.key, .record(kind, .importFile)), .onUnit(kind.editPermission)) { try await importForm($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .importFile)), .onUnit(kind.editPermission), limits: .upload("12mb")) { try await preview($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .importConfirm(.key))), .onUnit(kind.editPermission)) { try await confirm($0, $1, kind) }
            router.apiResponse(.POST, .api(.unit(.key, .recordImports(kind))), .onUnit(kind.editPermission),
                               APIDoc(summary: T(.apiImportStage, kind.label), request: "ImportUpload", response: "ImportPreview", status: 201, multipart: true),
                               limits: .upload("12mb")) { try await apiStage($0, $1, kind) }
            router.api(.POST, .unit(.key, .recordImportConfirm(kind, .key)), .onUnit(kind.editPermission),
                       APIDoc(summary: T(.apiImportConfirm, kind.label), response: "ImportResult", also: [409: .apiRecordLocked])) { try await apiConfirm($0, $1, kind) }
        }
    }

    static func file(_ data: Data, name: String) -> Response {
        var headers = HTTPHeaders()
        let type = name.hasSuffix(".xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: attachment(name))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// A download's Content-Disposition: the name as written (怀柔区-2026年度评估汇总.xlsx),
    /// UTF-8 by RFC 6266, with an ASCII name for clients that read only that.
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ".", "_"])) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// The columns people fill in: the kind's labels, in order.
    static func template(_ kind: RecordKind) -> Sheet { Sheet(rows: [kind.fields.map(\.label)]) }

    /// The template as a workbook: identity and phone columns formatted as text (an
    /// 18-digit number would lose its last digits), a drop-down list on each option column,
    /// dates shown as dates.
    static func typedTemplate(_ kind: RecordKind) -> TypedSheet {
        TypedSheet(header: kind.fields.map(\.label), rows: [], textColumns: kind.fields.map { if case .personal = $0.type { return true }; return false },
                   choices: kind.fields.map { if case let .choice(choices) = $0.type { return choices.map(\.label) }; return nil },
                   widths: kind.fields.map { field in
                       switch field.type {
                       case .personal: return 22
                       case .date: return 12
                       case .longText: return 40
                       default: return nil
                       }
                   })
    }

    /// A record as a row of typed cells: dates as dates, counts as whole numbers, hours and
    /// money with two decimals, the rest as people read it.
    static func typedRow(_ record: Record, kind: RecordKind, references: [String: [(id: String, title: String)]], reveal: Bool) -> [SheetCell] {
        kind.fields.map { field in
            let value = record.values[field.key]
            switch (field.type, value) {
            case (.date, let .text(t)?):
                if let d = LocalDate(t) { return .date(year: d.year, month: d.month, day: d.day) }
            case (.integer, let .number(n)?): return .number(Double(n), decimals: 0)
            case (.hundredths, let .number(n)?), (.money, let .number(n)?): return .number(Double(n) / 100, decimals: 2)
            default: break
            }
            let text = RecordViews.display(field, value, references: references, reveal: reveal)
            return text.isEmpty ? .empty : .text(text)
        }
    }

    func export(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind, xlsx: Bool) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        let records = try await RecordStore.list(kind, village: village.requireID(), on: request.db)
        let reveal = try await RecordController.reveal(request, kind, village, ids: records.map(\.id))
        let references = try await RecordController.references(kind, owner: village, on: request.db)
        var sheet = Self.typedTemplate(kind)
        sheet.rows = records.map { Self.typedRow($0, kind: kind, references: references, reveal: reveal) }
        sheet.choices = []
        let name = "\(kind.key)-\(village.code ?? "village")"
        return xlsx ? Self.file(try XLSX.write(sheet, name: kind.label), name: name + ".xlsx") : Self.file(CSV.write(sheet.plain), name: name + ".csv")
    }

    func importForm(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        return HTMLResponse.make(Layout.page(request: request, title: T(.importTitle, kind.label), body: Self.uploadForm(request, village, kind, error: nil)))
    }

    static func uploadForm(_ request: Request, _ village: OrgUnit, _ kind: RecordKind, error: String?) -> Node {
        return .group([
            .el("p", [:], [.text(T(.importIntro) + " "), .el("a", ["href": village.route(.record(kind, .templateXLSX)).path], T(.importTemplateXLSX)), .text(" · "),
                           .el("a", ["href": village.route(.record(kind, .templateCSV)).path], T(.importTemplateCSV))]),
            .el("p", ["class": "muted"], T(.importColumns, kind.fields.map(\.label).joined(separator: T(.sepList)))),
            .el("form", ["method": "post", "action": village.route(.record(kind, .importFile)).path, "enctype": "multipart/form-data"], [
                .when(error != nil, .el("div", ["class": "error-summary", "role": "alert"], [.el("p", ["id": "f-file-error"], error ?? "")])),
                Layout.csrfField(request),
                .el("div", ["class": "field"], [
                    .el("label", ["for": "f-file"], T(.importFile)),
                    .input(["type": "file", "id": "f-file", "name": "file", "accept": ".csv,.xlsx", "required": "",
                            "aria-describedby": error == nil ? nil : "f-file-error"]),
                ]),
                .el("button", ["type": "submit"], T(.importPreviewButton)),
            ]),
        ])
    }

    struct Upload: Content {
        var file: File
    }

    struct ImportPreviewDTO: Content {
        var id: UUID
        var kind: String
        var rowCount: Int
        /// The first 20 rows as the preview shows them (choices as labels, references as titles).
        var rows: [[String: String]]
        /// Where to POST to write every row.
        var confirm: String
    }

    struct ImportResultDTO: Content {
        var rowCount: Int
        /// True when every row is written; false when a job writes them (`job`).
        var done: Bool
        var job: JobDTO?
    }

    static var schemas: [String: Schema] {
        typealias O = Schema
        return [
            "ImportUpload": O.object(["file": Schema(types: [.string], format: "binary")], required: ["file"]),
            "ImportPreview": O.object(["id": O.uuid, "kind": O.string, "rowCount": O.integer, "rows": O.array(O.map(of: O.string)),
                                       "confirm": O.string], required: ["id", "kind", "rowCount", "rows", "confirm"]),
            "ImportResult": O.object(["rowCount": O.integer, "done": O.boolean, "job": O.ref("Job")], required: ["rowCount", "done"]),
        ]
    }

    /// A row problem in the preview: row number as in the spreadsheet (header is row 1),
    /// the column's label and the field's key (the API names it).
    struct RowProblem { var row: Int; var column: String; var field: String; var message: String }

    /// What reading an uploaded file came to: refused as a whole, rows with problems, or
    /// staged and waiting for confirmation.
    enum Staging {
        case refused(String)
        case problems(rows: Int, [RowProblem])
        case staged(ImportBatch, [[String: FieldValue]], references: [String: [(id: String, title: String)]])
    }

    /// Reads the file, checks every row and, when every row is right, stages them (the
    /// page and the API both come here).
    static func stage(_ request: Request, village: OrgUnit, kind: RecordKind) async throws -> Staging {
        guard request.headers.contentType?.type == "multipart",
              let upload = try? request.content.decode(Upload.self), upload.file.data.readableBytes > 0 else { return .refused(T(.importNoFile)) }
        let data = Data(upload.file.data.readableBytesView)
        let sheet: Sheet
        do throws(SpreadsheetError) {
            // By content, not by name: an XLSX is a ZIP file.
            sheet = data.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? try XLSX.read(data) : try CSV.read(data)
        } catch {
            return .refused(error.text)
        }
        guard let header = sheet.rows.first else { return .refused(T(.importEmpty)) }
        // A column is named by its label in either language: a file made from the Chinese
        // template imports for someone reading in English, and the other way round.
        let trimmed = header.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(of field: FieldSpec) -> Int? { trimmed.firstIndex { $0 == field.text.zh || $0 == field.text.en } }
        let missing = kind.fields.filter { column(of: $0) == nil }.map(\.label)
        let unknown = trimmed.filter { name in !name.isEmpty && !kind.fields.contains { $0.text.zh == name || $0.text.en == name } }
        if !missing.isEmpty || !unknown.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append(T(.importMissingColumns, missing.joined(separator: T(.sepList)))) }
            if !unknown.isEmpty { parts.append(T(.importUnknownColumns, unknown.joined(separator: T(.sepList)))) }
            return .refused(T(.importWrongHeader) + parts.joined(separator: T(.sepSemicolon)))
        }
        let rows = Array(sheet.rows.dropFirst())
        guard !rows.isEmpty else { return .refused(T(.importEmpty)) }
        guard rows.count <= 5000 else { return .refused(T(.importTooManyRows, "5000")) }
        let references = try await RecordController.references(kind, owner: village, on: request.db)
        let existing = try await RecordStore.list(kind, village: village.requireID(), on: request.db)
        var problems: [RowProblem] = []
        var parsedRows: [[String: FieldValue]] = []
        var seen: [String: Int] = [:]
        let titleLabel = kind.field(kind.titleField)?.label ?? ""
        for (offset, row) in rows.enumerated() {
            let number = offset + 2
            var parsed = RecordInput.Parsed()
            for field in kind.fields {
                guard let column = column(of: field) else { continue }
                let cell = column < row.count ? row[column] : ""
                let text = Self.value(for: cell, field: field, references: references)
                if let missing = text.split(separator: ",").first(where: { $0.hasPrefix(Self.notFound) }) {
                    parsed.errors.append(FieldError(field: field.key, message: T(.importReferenceMissing, String(missing.dropFirst(Self.notFound.count)), field.label)))
                    continue
                }
                RecordInput.read(field, text: text, into: &parsed)
            }
            problems += parsed.errors.map { error in RowProblem(row: number, column: kind.field(error.field)?.label ?? error.field, field: error.field, message: error.message) }
            let key = Self.identity(parsed.values, kind: kind)
            if let first = seen[key] {
                problems.append(RowProblem(row: number, column: titleLabel, field: kind.titleField, message: T(.importDuplicateRow, String(first))))
            } else if existing.contains(where: { Self.identity($0.values, kind: kind) == key }) {
                problems.append(RowProblem(row: number, column: titleLabel, field: kind.titleField, message: T(.importDuplicateExisting)))
            }
            seen[key] = seen[key] ?? number
            parsedRows.append(parsed.values)
        }
        if !problems.isEmpty { return .problems(rows: rows.count, problems) }
        let batch = ImportBatch()
        batch.unitID = try village.requireID()
        batch.kind = kind.key
        batch.userID = try request.requirePrincipal().userID
        batch.createdAt = request.now
        batch.payload = Self.encode(parsedRows)
        batch.rowCount = parsedRows.count
        try await batch.create(on: request.db)
        return .staged(batch, parsedRows, references: references)
    }

    /// Reads the file, checks every row, and either shows every problem or stages the rows.
    func preview(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        switch try await Self.stage(request, village: village, kind: kind) {
        case let .refused(message):
            return HTMLResponse.make(Layout.page(request: request, title: T(.importTitle, kind.label), body: Self.uploadForm(request, village, kind, error: message)),
                                     status: .unprocessableEntity)
        case let .problems(rows, problems):
            let body: Node = .group([
                .el("div", ["class": "error-summary", "role": "alert"], [.el("p", [:], T(.importProblems, String(rows), String(problems.count)))]),
                Layout.table(caption: T(.importProblemsCaption), headers: [T(.importRow), T(.importColumn), T(.importReason)],
                             rows: problems.map { [.text(String($0.row)), .text($0.column), .text($0.message)] }),
                Self.uploadForm(request, village, kind, error: nil),
            ])
            return HTMLResponse.make(Layout.page(request: request, title: T(.importTitle, kind.label), body: body), status: .unprocessableEntity)
        case let .staged(batch, parsedRows, references):
            let shown = parsedRows.prefix(20).map { values in kind.fields.map { RecordViews.display($0, values[$0.key], references: references, reveal: false) } }
            let body: Node = .group([
                .el("p", [:], T(.importReady, String(parsedRows.count))),
                Layout.table(caption: T(.importPreviewCaption, String(min(20, parsedRows.count)), String(parsedRows.count)), headers: kind.fields.map(\.label),
                             rows: shown.map { $0.map { .text($0) } }),
                .el("form", ["method": "post", "action": RecordViews.path(village, kind, .importConfirm(.value(batch.id.linked)))], [
                    Layout.csrfField(request),
                    .el("button", ["type": "submit"], T(.importConfirmButton, String(parsedRows.count))),
                ]),
            ])
            return HTMLResponse.make(Layout.page(request: request, title: T(.importTitle, kind.label), body: body))
        }
    }

    // MARK: API

    /// Stages an upload (multipart, field `file`): 201 with the batch and its first rows,
    /// or 422 naming each problem as `rows[N].field` (N as in the spreadsheet, header 1).
    func apiStage(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        switch try await Self.stage(request, village: village, kind: kind) {
        case let .refused(message):
            throw AppError.validation([FieldError(field: "file", message: message)])
        case let .problems(_, problems):
            throw AppError.validation(problems.map { FieldError(field: "rows[\($0.row)].\($0.field)", message: T(.importRowProblem, String($0.row), $0.column, $0.message)) })
        case let .staged(batch, parsedRows, references):
            let shown = parsedRows.prefix(20).map { values in
                Dictionary(kind.fields.map { ($0.key, RecordViews.display($0, values[$0.key], references: references, reveal: false)) }, uniquingKeysWith: { a, _ in a })
            }
            let id = try batch.requireID()
            let dto = ImportPreviewDTO(id: id, kind: kind.key, rowCount: parsedRows.count, rows: shown,
                                       confirm: Route.api(.unit(.value(try village.requireID()), .recordImportConfirm(kind, .value(id)))).path)
            let response = Response(status: .created)
            try response.content.encode(dto, as: .json)
            return response
        }
    }

    /// Writes a staged batch, all or nothing: at once for a small one (`done`), as a job
    /// for a large one (`job`, to follow at its address).
    func apiConfirm(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> ImportResultDTO {
        let village = try RecordController.owner(unit, kind)
        let (batch, rows) = try await Self.staged(request, village: village, kind: kind)
        if rows.count <= Self.backgroundRows {
            try await Self.write(rows, kind: kind, village: village, batch: batch, request: request, progress: nil)
            return ImportResultDTO(rowCount: rows.count, done: true, job: nil)
        }
        let job = try await Self.startWrite(request, rows: rows, kind: kind, village: village, batch: batch)
        return ImportResultDTO(rowCount: rows.count, done: false, job: try JobController.dto(job, now: request.now))
    }

    /// Writes every staged row in one transaction, or none.
    func confirm(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        let (batch, rows) = try await Self.staged(request, village: village, kind: kind)
        guard rows.count > Self.backgroundRows else {
            try await Self.write(rows, kind: kind, village: village, batch: batch, request: request, progress: nil)
            return request.redirect(to: RecordViews.listPath(village, kind) + "?saved=1")
        }
        let job = try await Self.startWrite(request, rows: rows, kind: kind, village: village, batch: batch)
        return request.redirect(to: Route.job(.value(try job.requireID())).path, redirectType: .normal)
    }

    /// The staged batch named by `:batchID`: the signed-in user's own, for this village and kind.
    static func staged(_ request: Request, village: OrgUnit, kind: RecordKind) async throws -> (ImportBatch, [[String: FieldValue]]) {
        let principal = try request.requirePrincipal()
        guard let id = request.parameters.get("batchID").flatMap(UUID.init(uuidString:)),
              let batch = try await ImportBatch.find(id, on: request.db),
              batch.unitID == village.id, batch.kind == kind.key, batch.userID == principal.userID else { throw AppError.notFound }
        return (batch, Self.decode(batch.payload))
    }

    /// A large file is written in the background with a progress page, still all or nothing.
    static func startWrite(_ request: Request, rows: [[String: FieldValue]], kind: RecordKind, village: OrgUnit, batch: ImportBatch) async throws -> Job {
        let (villageID, batchID) = (try village.requireID(), try batch.requireID())
        return try await Jobs.start(request, kind: JobKind.importRecords.rawValue, unit: village, cycleID: nil, parameter: kind.key,
                                    persistentProgress: !Dialect.serializesWrites(request.db)) { background, progress in
            guard let village = try await OrgUnit.find(villageID, on: background.db), let batch = try await ImportBatch.find(batchID, on: background.db) else {
                throw AppError.notFound
            }
            try await Self.write(rows, kind: kind, village: village, batch: batch, request: background, progress: progress)
            return nil
        }
    }

    /// Files with more rows than this are imported as a background job.
    static let backgroundRows = 200

    /// Writes every staged row in one transaction, or none, and forgets the staged batch.
    static func write(_ rows: [[String: FieldValue]], kind: RecordKind, village: OrgUnit, batch: ImportBatch, request: Request, progress: JobProgress?) async throws {
        await progress?.phase(.jobPhaseImporting, total: rows.count)
        try await request.db.transaction { db in
            for values in rows {
                _ = try await RecordStore.insert(kind, values: values, village: village, author: request.author, on: db, action: "import")
                try await progress?.advance()
            }
            try await batch.delete(on: db)
        }
    }

    /// Marks a title that names no record, so the preview can say which.
    static let notFound = "\u{0}missing:"

    /// Spreadsheet text to field text: choice labels become their words, reference titles their ids.
    static func value(for cell: String, field: FieldSpec, references: [String: [(id: String, title: String)]]) -> String {
        let text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        switch field.type {
        case let .choice(choices): return choices.first { $0.text.zh == text || $0.text.en == text }?.value ?? text
        case let .choices(choices):
            return text.split(whereSeparator: { "、,，;；".contains($0) }).map { word in
                let w = word.trimmingCharacters(in: .whitespaces)
                return choices.first { $0.text.zh == w || $0.text.en == w }?.value ?? w
            }.joined(separator: ",")
        case let .reference(target):
            guard !text.isEmpty else { return "" }
            return references[target]?.first { $0.title == text }?.id ?? notFound + text
        case let .references(target):
            return text.split(whereSeparator: { "、,，;；".contains($0) }).map { title in
                let t = title.trimmingCharacters(in: .whitespaces)
                return references[target]?.first { $0.title == t }?.id ?? notFound + t
            }.joined(separator: ",")
        case .flag: return ["是", "√", "✓", "true", "1", "TRUE", "Y", "y", "yes", "Yes"].contains(text) ? "true" : "false"
        case .date: return Self.isoDate(text) ?? text
        default: return text
        }
    }

    /// A date as office staff write it — 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日,
    /// with or without leading zeros — as ISO 8601; nil when it is none of these (the
    /// field's own check then says what a date must be).
    static func isoDate(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("日") { t.removeLast() }
        let parts = t.split(omittingEmptySubsequences: false, whereSeparator: { "-/.年月".contains($0) })
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        // One separator style throughout (2026/11-23 is a typing error, not a date).
        let separators = t.filter { "-/.年月".contains($0) }
        guard ["--", "//", "..", "年月"].contains(String(separators)) else { return nil }
        let iso = String(format: "%04d-%02d-%02d", y, m, d)
        return LocalDate(iso) != nil ? iso : nil
    }

    /// What makes two rows the same record: the kind's title field, its date and the
    /// records it belongs to (a volunteer's hours are the same only for the same activity
    /// and volunteer).
    static func identity(_ values: [String: FieldValue], kind: RecordKind) -> String {
        let references = kind.fields.filter { if case .reference = $0.type { return true }; return false }.map(\.key)
        return ([kind.titleField, kind.dateField ?? "", kind.hasPersonalData ? "phone" : ""] + references).map { key in
            switch values[key] {
            case let .text(t)?: return t
            case let .number(n)?: return String(n)
            case let .flag(f)?: return String(f)
            case nil: return ""
            }
        }.joined(separator: "|")
    }

    static func encode(_ rows: [[String: FieldValue]]) -> String {
        JSONValue.array(rows.map { row in
            JSONNode(.object(row.sorted { $0.key < $1.key }.map { key, value -> (key: String, node: JSONNode) in
                switch value {
                case let .text(t): return (key, JSONNode(.object([("t", JSONNode(.string(t)))])))
                case let .number(n): return (key, JSONNode(.object([("n", JSONNode(.number(String(n))))])))
                case let .flag(f): return (key, JSONNode(.object([("f", JSONNode(.bool(f)))])))
                }
            }))
        }).serialized
    }

    static func decode(_ text: String) -> [[String: FieldValue]] {
        guard let root = try? JSONParser.parse(text), let rows = root.array else { return [] }
        return rows.map { row in
            var values: [String: FieldValue] = [:]
            for member in row.members ?? [] {
                if let t = member.node["t"]?.string { values[member.key] = .text(t) }
                if let n = member.node["n"]?.number.flatMap({ Int($0) }) { values[member.key] = .number(n) }
                if let f = member.node["f"]?.bool { values[member.key] = .flag(f) }
            }
            return values
        }
    }
}
