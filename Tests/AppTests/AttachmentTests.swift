@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Attachments")
struct AttachmentTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    @Test("upload, list, download and remove a record's file; type by content; names never become paths")
    func attachments() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            try await World.user(app, "zhou", .supervisor, at: world.villageV1)
            try await World.user(app, "wang", .stationStaff, at: world.villageV2)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let meeting = try await RecordStore.insert(.meetings, values: ["kind": .text("representativeMeeting"), "date": .text("2026-04-10"),
                                                                           "title": .text("村民代表会议")], village: world.villageV1, author: request.author, on: request.db)
            let base = "/units/\(try world.villageV1.requireID())/records/meetings/\(meeting.id)/attachments"
            let uploaded = try await TransferTests.upload(app, base, as: session, file: Self.pdf, name: "../../etc/会议纪要.pdf")
            #expect(uploaded.status == .seeOther)
            let files = try await Attachments.list(record: meeting.id, on: app.db)
            #expect(files.count == 1 && files[0].name == "会议纪要.pdf" && files[0].contentType == "application/pdf")
            #expect(app.files.path(for: files[0].hash).hasSuffix("/" + files[0].hash))
            // A text file named .pdf is refused by its content; so is one over 10 MB.
            let fake = try await TransferTests.upload(app, base, as: session, file: Data("just text".utf8), name: "报告.pdf")
            #expect(fake.status == .unprocessableEntity && fake.body.contains("按文件内容判断"))
            var big = Self.pdf
            big.append(Data(count: FileStore.maximumBytes))
            let large = try await TransferTests.upload(app, base, as: session, file: big, name: "big.pdf")
            #expect(large.status == .unprocessableEntity)
            #expect(try await Attachments.list(record: meeting.id, on: app.db).count == 1)
            // Download gives the same bytes; the detail page lists it.
            var body = Data()
            try await app.testing().test(.GET, base + "/\(files[0].id)", beforeRequest: { $0.headers = session.headers() }) { response in
                #expect(response.headers.contentType?.description.hasPrefix("application/pdf") == true)
                body = Data(response.body.readableBytesView)
            }
            #expect(body == Self.pdf)
            let detail = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/records/meetings/\(meeting.id)", as: session)
            #expect(detail.body.contains("会议纪要.pdf"))
            // A supervisor may read but not attach; another village sees nothing.
            let zhou = try await login(app, "zhou")
            #expect(try await TransferTests.upload(app, base, as: zhou, file: Self.pdf, name: "x.pdf").status == .forbidden)
            #expect(try await send(app, .GET, base + "/\(files[0].id)", as: zhou).status == .ok)
            let wang = try await login(app, "wang")
            #expect(try await send(app, .GET, base + "/\(files[0].id)", as: wang).status == .notFound)
            // Meeting files are not public.
            #expect(try await send(app, .GET, "/public/villages/\(try world.villageV1.requireID())/disclosures/\(meeting.id)/attachments/\(files[0].id)").status == .notFound)
            #expect(try await send(app, .POST, base + "/\(files[0].id)/delete", as: session, form: [:]).status == .seeOther)
            #expect(try await Attachments.list(record: meeting.id, on: app.db).isEmpty)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$objectType == "meetings").all().map(\.action)
            #expect(actions.contains("attach") && actions.contains("detach"))
        }
    }

    @Test("a disclosure's files are public with it")
    func publicFiles() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let disclosure = try await RecordStore.insert(.disclosures, values: ["category": .text("finance"), "title": .text("财务公开"), "publishedOn": .text("2026-04-05"),
                                                                                 "channel": .text("online"), "content": .text("见附件")], village: world.villageV1, author: request.author, on: request.db)
            let village = try world.villageV1.requireID()
            _ = try await TransferTests.upload(app, "/units/\(village)/records/disclosures/\(disclosure.id)/attachments", as: session, file: Self.pdf, name: "收支表.pdf")
            let page = try await send(app, .GET, "/public/villages/\(village)/disclosures")
            let link = try #require(page.body.components(separatedBy: "href=\"").first { $0.hasPrefix("/public/villages/") && $0.contains("/attachments/") }?
                .components(separatedBy: "\"").first)
            #expect(page.body.contains("收支表.pdf"))
            #expect(try await send(app, .GET, link).status == .ok)
        }
    }

    @Test("file kinds by content: PDF, JPEG, PNG, DOCX, XLSX, and nothing else")
    func kinds() throws {
        #expect(FileStore.kind(of: Self.pdf) == .pdf)
        #expect(FileStore.kind(of: Data([0xFF, 0xD8, 0xFF, 0xE0])) == .jpeg)
        #expect(FileStore.kind(of: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0])) == .png)
        #expect(FileStore.kind(of: Data("<html>".utf8)) == nil)
        #expect(FileStore.kind(of: Data([0x50, 0x4B, 0x03, 0x04, 1, 2])) == nil, "a ZIP that is no Office document")
        #expect(Attachments.displayName("C:\\Users\\x\\<报告>.pdf", kind: .pdf) == "报告.pdf")
        #expect(Attachments.displayName("..", kind: .png) == "附件.png")
        #expect(Attachments.displayName("photo.jpeg", kind: .jpeg) == "photo.jpeg")
        #expect(Attachments.displayName("scan.png", kind: .jpeg) == "scan.png.jpg", "the name follows the content")
    }
}
