import Crypto
import Fluent
import SQLKit
import Vapor

/// Files kept with records (minutes, disclosure documents, photos). Stored on disk by the
/// SHA-256 of their content, so no name or path a user sends ever reaches the file
/// system; the type is decided by the content, never by the name.
struct FileStore: Sendable {
    let root: String
    static let maximumBytes = 10 * 1024 * 1024

    enum Kind: String, Sendable, CaseIterable {
        case pdf, jpeg, png, docx, xlsx

        var contentType: String {
            switch self {
            case .pdf: return "application/pdf"
            case .jpeg: return "image/jpeg"
            case .png: return "image/png"
            case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// PDF, JPEG, PNG, or an Office Open XML document told apart by the part names it contains.
    static func kind(of data: Data) -> Kind? {
        if data.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // Part names are stored uncompressed in a ZIP's headers.
            let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self) + String(decoding: data.suffix(64 * 1024), as: UTF8.self)
            if text.contains("[Content_Types].xml") {
                if text.contains("word/") { return .docx }
                if text.contains("xl/") { return .xlsx }
            }
        }
        return nil
    }

    func path(for hash: String) -> String {
        "\(root)/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"
    }

    /// Stores the content (once, whatever its name) and returns its hash.
    func put(_ data: Data) throws -> String {
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let target = path(for: hash)
        if FileManager.default.fileExists(atPath: target) { return hash }
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: temporary), options: .atomic)
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
        return hash
    }

    func get(_ hash: String) -> Data? {
        guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit }) else { return nil }
        return FileManager.default.contents(atPath: path(for: hash))
    }
}

extension Application {
    var files: FileStore { FileStore(root: config.filesPath) }
}

struct CreateAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("attachments")
            .id()
            .field("unit_id", .uuid, .required, .references(OrgUnit.schema, "id", onDelete: .cascade))
            .field("unit_path", .string, .required)
            .field("record_kind", .string, .required)
            .field("record_id", .uuid, .required)
            .field("name", .string, .required)
            .field("content_hash", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX idx_attachments_record ON attachments (record_id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("attachments").delete()
    }
}

struct Attachment: Sendable {
    var id: UUID
    var name: String
    var hash: String
    var contentType: String
    var size: Int
}

enum Attachments {
    static func list(record: UUID, on db: any Database) async throws -> [Attachment] {
        try await Dialect.sql(db).select().column("*").from("attachments")
            .where("record_id", .equal, SQLBind(record)).where("deleted_at", .is, SQLLiteral.null).orderBy("created_at").all()
            .map { row in
                Attachment(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                           hash: try row.decode(column: "content_hash", as: String.self),
                           contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self))
            }
    }

    /// A name safe to show and to offer for download: no folders, no control characters.
    static func displayName(_ raw: String, kind: FileStore.Kind) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && !"\"<>|:*?".unicodeScalars.contains($0) }.prefix(100).map(Character.init))
        clean = clean.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".")))
        if clean.isEmpty { clean = "附件" }
        let extensions = kind == .jpeg ? ["jpg", "jpeg"] : [kind.rawValue]
        if !extensions.contains(where: { clean.lowercased().hasSuffix("." + $0) }) { clean += "." + extensions[0] }
        return clean
    }
}

/// Uploading, downloading and removing a record's files; disclosures' files are public.
struct AttachmentController {
    struct Upload: Content { var file: File }

    func register(_ router: Router) {
        for kind in RecordKind.all {
            router.page(.POST, .unit(.key, .record(kind, .attachments(.key))), .onUnit(kind.editPermission), limits: .upload("11mb")) { try await upload($0, $1, kind) }
            router.page(.GET, .unit(.key, .record(kind, .attachment(.key, .key))), .onUnit(.viewUnit)) { try await download($0, $1, kind) }
            router.page(.POST, .unit(.key, .record(kind, .attachmentDelete(.key, .key))), .onUnit(kind.editPermission)) { try await remove($0, $1, kind) }
        }
        router.page(.GET, .publicAttachment(village: .key, record: .key, attachment: .key), .open, publicDownload)
    }

    func upload(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        let record = try await RecordController.record(request, kind, village)
        guard let upload = try? request.content.decode(Upload.self), upload.file.data.readableBytes > 0 else {
            throw AppError.validation([FieldError(field: "file", message: T(.importNoFile))])
        }
        guard upload.file.data.readableBytes <= FileStore.maximumBytes else {
            throw AppError.validation([FieldError(field: "file", message: T(.attachmentTooLarge, "10"))])
        }
        let data = Data(upload.file.data.readableBytesView)
        guard let type = FileStore.kind(of: data) else {
            throw AppError.validation([FieldError(field: "file", message: T(.attachmentType))])
        }
        let hash = try await request.application.threadPool.runIfActive { try request.application.files.put(data) }
        let name = Attachments.displayName(upload.file.filename, kind: type)
        let id = UUID()
        try await request.db.transaction { db in
            try await Dialect.sql(db).insert(into: "attachments")
                .columns("id", "unit_id", "unit_path", "record_kind", "record_id", "name", "content_hash", "content_type", "size", "created_at")
                .values(SQLBind(id), SQLBind(record.unitID), SQLBind(record.unitPath), SQLBind(kind.key), SQLBind(record.id), SQLBind(name),
                        SQLBind(hash), SQLBind(type.contentType), SQLBind(data.count), SQLBind(request.now))
                .run()
            try await Audit.record(on: db, author: request.author, action: "attach", objectType: kind.key, objectID: record.id.uuidString,
                                   unitPath: record.unitPath, before: [String: String]?.none, after: ["name": name, "sha256": hash])
        }
        return request.redirect(to: RecordViews.detailPath(village, kind, record.id) + "?saved=1")
    }

    private func find(_ request: Request, record: UUID) async throws -> Attachment {
        guard let id = request.parameters.get("attachmentID").flatMap(UUID.init(uuidString:)),
              let attachment = try await Attachments.list(record: record, on: request.db).first(where: { $0.id == id }) else { throw AppError.notFound }
        return attachment
    }

    static func serve(_ attachment: Attachment, _ request: Request) throws -> Response {
        guard let data = request.application.files.get(attachment.hash) else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        let encoded = attachment.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(encoded)")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    func download(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        let record = try await RecordController.record(request, kind, village)
        return try Self.serve(try await find(request, record: record.id), request)
    }

    func remove(_ request: Request, _ unit: OrgUnit, _ kind: RecordKind) async throws -> Response {
        let village = try RecordController.owner(unit, kind)
        let record = try await RecordController.record(request, kind, village)
        let attachment = try await find(request, record: record.id)
        try await request.db.transaction { db in
            try await Dialect.sql(db).update("attachments").set("deleted_at", to: SQLBind(request.now)).where("id", .equal, SQLBind(attachment.id)).run()
            try await Audit.record(on: db, author: request.author, action: "detach", objectType: kind.key, objectID: record.id.uuidString,
                                   unitPath: record.unitPath, before: ["name": attachment.name, "sha256": attachment.hash], after: [String: String]?.none)
        }
        return request.redirect(to: RecordViews.detailPath(village, kind, record.id) + "?deleted=1")
    }

    @Sendable func publicDownload(_ request: Request, _: OrgUnit?) async throws -> Response {
        guard let villageID = request.parameters.get("villageID").flatMap(UUID.init(uuidString:)),
              let recordID = request.parameters.get("recordID").flatMap(UUID.init(uuidString:)),
              try await RecordStore.find(.disclosures, id: recordID, village: villageID, on: request.db) != nil else { throw AppError.notFound }
        return try Self.serve(try await find(request, record: recordID), request)
    }
}
