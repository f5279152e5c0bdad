import Crypto
import Fluent
import SQLKit
import Vapor

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
        try await YearLock.check(kind, before: record.values, after: nil, village: record.unitID, on: request.db)
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
        headers.replaceOrAdd(name: .contentDisposition, value: RecordTransferController.attachment(attachment.name))
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
        try await YearLock.check(kind, before: record.values, after: nil, village: record.unitID, on: request.db)
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
