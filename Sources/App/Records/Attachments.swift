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
        try await list(records: [record], on: db)[record] ?? []
    }

    /// The live attachments of several records in one statement (a page of disclosures),
    /// by record, each record's in the order they were added.
    static func list(records: [UUID], on db: any Database) async throws -> [UUID: [Attachment]] {
        guard !records.isEmpty else { return [:] }
        var out: [UUID: [Attachment]] = [:]
        for row in try await Dialect.sql(db).select().column("*").from("attachments")
            .where(SQLColumn("record_id"), .in, SQLGroupExpression(records.map { SQLBind($0) })).where("deleted_at", .is, SQLLiteral.null).orderBy("created_at").all() {
            out[try row.decode(column: "record_id", as: UUID.self), default: []].append(
                Attachment(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                           hash: try row.decode(column: "content_hash", as: String.self),
                           contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self)))
        }
        return out
    }

    /// A name safe to show and to offer for download: no folders, no control characters.
    static func displayName(_ raw: String, kind: FileStore.Kind) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && !"\"<>|:*?".unicodeScalars.contains($0) }.prefix(100).map(Character.init))
        clean = clean.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".")))
        if clean.isEmpty { clean = T(.attachmentFallbackName) }
        let extensions = kind == .jpeg ? ["jpg", "jpeg"] : [kind.rawValue]
        if !extensions.contains(where: { clean.lowercased().hasSuffix("." + $0) }) { clean += "." + extensions[0] }
        return clean
    }
}
