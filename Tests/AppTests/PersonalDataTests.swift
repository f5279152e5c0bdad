@testable import App
import Crypto
import Fluent
import Foundation
import SQLKit
import Spreadsheet
import Testing
import Vapor

/// Identity-card and phone numbers sealed at rest (issue 10, item 3).
@Suite("Personal data sealed at rest")
struct PersonalDataTests {
    @Test("seal and open: a fresh nonce each time, the key named, altered values and unknown keys refused, plain values passed through")
    func sealAndOpen() throws {
        let ring = Keyring(current: .random())
        let one = try ring.seal("13812345678"), two = try ring.seal("13812345678")
        #expect(one != two, "a fresh nonce per value")
        #expect(one.hasPrefix("enc1:\(ring.current.id):") && !one.contains("13812345678"))
        #expect(try ring.open(one) == "13812345678" && (try ring.open(two)) == "13812345678")
        #expect(try ring.open("") == "" && (try ring.seal("")).hasPrefix("enc1:"))
        #expect(try ring.open(try ring.seal("身份证 11010519491231002X")) == "身份证 11010519491231002X")
        #expect(try ring.open("13800000000") == "13800000000", "plain text from before sealing")
        #expect(ring.isCurrent(one) && !ring.isCurrent("13800000000"))
        // One character of the sealed text changed: the tag no longer holds.
        var bytes = Array(one.utf8)
        let at = bytes.count - 5
        bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: PersonalDataError.self) { try ring.open(String(decoding: bytes, as: UTF8.self)) }
        #expect(throws: PersonalDataError.self) { try ring.open("enc1:\(ring.current.id):not base64!") }
        #expect(throws: PersonalDataError.self) { try ring.open("enc1:nocolon") }
        // Another key: unknown until it joins the ring as an earlier key.
        let other = Keyring(current: .random())
        #expect(throws: PersonalDataError.self) { try other.open(one) }
        let rotated = Keyring(current: other.current, previous: [ring.current])
        #expect(try rotated.open(one) == "13812345678" && !rotated.isCurrent(one))
        // The same key id under another key's bytes (forged prefix) does not open either.
        let forged = "enc1:\(other.current.id):" + one.split(separator: ":")[2]
        #expect(throws: PersonalDataError.self) { try other.open(forged) }
    }

    @Test("keys come from a file or the environment as base64 of 32 bytes; a bad one fails naming its variable")
    func keysFromEnvironment() throws {
        #expect(try Keyring.fromEnvironment([:]) == nil)
        let key = DataKey.random(), old = DataKey.random(), older = DataKey.random()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data((key.base64 + "\n").utf8).write(to: file)
        let ring = try #require(try Keyring.fromEnvironment(["CUNWU_DATA_KEY_FILE": file.path, "CUNWU_DATA_KEY_PREVIOUS": "\(old.base64), \(older.base64)"]))
        #expect(ring.current.id == key.id && ring.previous.map(\.id) == [old.id, older.id])
        #expect(try Keyring.fromEnvironment(["CUNWU_DATA_KEY": key.base64])?.current.id == key.id)
        for (name, value) in [("CUNWU_DATA_KEY", "c2hvcnQ="), ("CUNWU_DATA_KEY", "not base64"), ("CUNWU_DATA_KEY_FILE", "/nonexistent/key")] {
            do {
                _ = try Keyring.fromEnvironment([name: value])
                Issue.record("\(name)=\(value) accepted")
            } catch {
                #expect(error.variable == name && error.description.contains(name))
            }
        }
        do {
            _ = try Keyring.fromEnvironment(["CUNWU_DATA_KEY": key.base64, "CUNWU_DATA_KEY_PREVIOUS": "short"])
            Issue.record("a bad earlier key accepted")
        } catch {
            #expect(error.variable == "CUNWU_DATA_KEY_PREVIOUS")
        }
        #expect(key.id != old.id && key.id.count == 8)
    }

    @Test("phone search hashes: spacing, dashes and +86 aside; another key gives another hash; a ring gives one per key")
    func searchHashes() {
        let ring = Keyring(current: .random())
        let hash = ring.searchHash(phone: "13812345678")
        #expect(ring.searchHash(phone: "138-1234-5678") == hash && ring.searchHash(phone: "+86 138 1234 5678") == hash)
        #expect(ring.searchHash(phone: "13812345679") != hash)
        let other = Keyring(current: .random(), previous: [ring.current])
        #expect(other.searchHash(phone: "13812345678") != hash)
        #expect(other.searchHashes(phone: "13812345678") == [other.searchHash(phone: "13812345678"), hash])
        #expect(hash.count == 32 && !hash.contains("1381234"))
    }

    /// The stored text of one column of one row, as the database holds it.
    static func stored(_ app: Application, _ table: String, _ column: String, id: String) async throws -> String {
        let row = try await Dialect.sql(app.db).select().column(SQLIdentifier(column)).from(table)
            .where("id", .equal, SQLBind(try #require(UUID(uuidString: id)))).first()
        return try #require(try row?.decode(column: column, as: String.self))
    }

    @Test("requests, complaints, records and staged imports hold identity-card and phone numbers sealed; the product reads them plain")
    func sealedAtRest() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app, extra: ["residentPhone": "139-0011-2233"])
            let complaint = try await send(app, .POST, "/api/v1/units/\(s.village)/complaints", as: s.wang,
                                           json: ["trackingCode": item.trackingCode, "complainantName": "赵大爷", "complainantPhone": "13700001111", "content": "办理太慢"])
            #expect(complaint.status == .created)
            let complaintID = try #require(try StationFixture.json(complaint.body)["id"] as? String)
            let volunteer = try await StationFixture.create(app, s.wang, "/api/v1/units/\(s.village)/volunteers",
                                                            ["name": "李明", "idNumber": "11010519491231002X", "phone": "13600002222"])
            let ring = try PersonalData.keyring()
            for (table, column, id, plain) in [("service_requests", "resident_phone", item.id.uuidString, "139-0011-2233"),
                                               ("complaints", "complainant_phone", complaintID, "13700001111"),
                                               ("rec_volunteers", "id_number", volunteer, "11010519491231002X"),
                                               ("rec_volunteers", "phone", volunteer, "13600002222")] {
                let text = try await Self.stored(app, table, column, id: id)
                #expect(text.hasPrefix("enc1:\(ring.current.id):"), "\(table).\(column)")
                #expect(!text.contains(plain) && !text.contains(String(plain.suffix(4))))
                #expect(try ring.open(text) == plain)
            }
            // Read back through the product: plain for whoever may see them.
            let request = try #require(try await ServiceRequest.find(item.id, on: app.db))
            #expect(request.residentPhone == "139-0011-2233" && request.residentPhoneHash == ring.searchHash(phone: "13900112233"))
            #expect(try await Complaint.find(UUID(uuidString: complaintID), on: app.db)?.complainantPhone == "13700001111")
            let records = try await RecordStore.list(.volunteers, village: s.village, on: app.db)
            #expect(records.first?.text("idNumber") == "11010519491231002X" && records.first?.text("phone") == "13600002222")
            let lists = try await RecordStore.lists([.volunteers], village: s.village, on: app.db)
            #expect(lists["volunteers"]?.first?.text("phone") == "13600002222")
            // An import waiting for confirmation is sealed too.
            let values = ["name": "王五", "idNumber": "11010519491231002X", "phone": "13500003333"]
            let csv = CSV.write(TransferTests.volunteersSheet([RecordKind.volunteers.fields.map { values[$0.key] ?? "" }]))
            let staged = try await postMultipart(app, "/units/\(s.village)/records/volunteers/import", as: s.wang, fields: ["_csrf": s.wang.csrf],
                                                 file: csv, filename: "volunteers.csv")
            #expect(staged.status == .ok, "\(staged.body.prefix(300))")
            let batch = try #require(try await ImportBatch.query(on: app.db).first())
            let payload = try await Self.stored(app, "import_batches", "payload", id: try batch.requireID().uuidString)
            #expect(payload.hasPrefix("enc1:") && !payload.contains("13500003333"))
            #expect(batch.payload.contains("13500003333"))
        }
    }

    @Test("the request list finds a resident's requests by phone number, however it is written; a short number is refused")
    func searchByPhone() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let first = try await s.intake(app, extra: ["residentPhone": "13912345678"])
            _ = try await s.intake(app, extra: ["residentPhone": "13987654321"])
            let again = try await s.intake(app, extra: ["residentPhone": "139-1234-5678"])
            let found = try await send(app, .GET, s.requests + "?phone=%2B86%20139%201234%205678", as: s.wang)
            #expect(found.status == .ok)
            let ids = try StationFixture.decode(RequestListDTO.self, found.body).requests.map(\.id)
            #expect(Set(ids) == [first.id, again.id])
            let none = try await send(app, .GET, s.requests + "?phone=13900000000", as: s.wang)
            #expect(try StationFixture.decode(RequestListDTO.self, none.body).requests.isEmpty)
            let short = try await send(app, .GET, s.requests + "?phone=139", as: s.wang)
            #expect(short.status == .badRequest && short.body.contains("\"field\":\"phone\""))
            let page = try await send(app, .GET, "/units/\(s.village)/requests?phone=13912345678", as: s.wang)
            #expect(page.status == .ok && page.body.contains(first.trackingCode) && page.body.contains("name=\"q\" type=\"search\" value=\"13912345678\""))
        }
    }

    @Test("rotation reseals every value under the new key (plain ones too) with new search hashes; a second run finds nothing to do")
    func rotation() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            _ = try await s.intake(app, extra: ["residentPhone": "13911112222"])
            let volunteer = try await StationFixture.create(app, s.wang, "/api/v1/units/\(s.village)/volunteers",
                                                            ["name": "李明", "idNumber": "11010519491231002X", "phone": "13600002222"])
            let sql = try Dialect.sql(app.db)
            // A value from before sealing began, as an old database holds it.
            try await sql.update("rec_volunteers").set("phone", to: SQLBind("13600009999")).where("id", .equal, SQLBind(UUID(uuidString: volunteer)!)).run()
            let old = try PersonalData.keyring()
            // The migration's pass seals only the plain value.
            let sealing = try await PersonalDataStore.reseal(on: app.db, keyring: old, plainOnly: true)
            #expect(sealing.resealed == ["rec_volunteers.phone": 1])
            #expect(try await PersonalDataStore.notCurrent(on: app.db, keyring: old).isEmpty)

            // A ring without the old key cannot open what it sealed, and changes nothing.
            let stranger = Keyring(current: .random())
            await #expect(throws: PersonalDataError.self) { _ = try await PersonalDataStore.reseal(on: app.db, keyring: stranger) }
            #expect(try await PersonalDataStore.notCurrent(on: app.db, keyring: old).isEmpty)

            let new = Keyring(current: .random(), previous: [old.current])
            let report = try await PersonalDataStore.reseal(on: app.db, keyring: new)
            #expect(report.resealed["service_requests.resident_phone"] == 2)
            #expect(report.resealed["rec_volunteers.id_number"] == 1 && report.resealed["rec_volunteers.phone"] == 1)
            #expect(try await PersonalDataStore.notCurrent(on: app.db, keyring: new).isEmpty)
            let alone = Keyring(current: new.current)
            let phone = try await Self.stored(app, "service_requests", "resident_phone", id: item.id.uuidString)
            #expect(try alone.open(phone) == "13812345678")
            #expect(throws: PersonalDataError.self) { try old.open(phone) }
            #expect(try alone.open(try await Self.stored(app, "rec_volunteers", "phone", id: volunteer)) == "13600009999")
            let hash = try await sql.select().column("resident_phone_hash").from("service_requests").where("id", .equal, SQLBind(item.id)).first()
            #expect(try hash?.decode(column: "resident_phone_hash", as: String.self) == alone.searchHash(phone: "13812345678"))
            #expect(try await PersonalDataStore.reseal(on: app.db, keyring: new).total == 0)
            try await PersonalDataStore.checkKey(on: app.db, keyring: alone)
            await #expect(throws: PersonalDataError.self) { try await PersonalDataStore.checkKey(on: app.db, keyring: old) }
        }
    }
}
