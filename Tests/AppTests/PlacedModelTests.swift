@testable import App
import Fluent
import Foundation
import SQLKit
import StandardKit
import StationKit
import Testing
import Vapor

@Suite("Models read by their columns' places, as Fluent's queries state them")
struct PlacedModelTests {
    /// A model's every field as JSON, the sealed phone left out (sealing is randomized):
    /// what Fluent's encoder writes for each property.
    static func fields(_ item: ServiceRequest) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(item)) as? [String: Any])
        var out: [String: String] = [:]
        for (key, value) in object where key != "sealedResidentPhone" && key != "resident_phone" { out[key] = "\(value)" }
        out["phone (plain)"] = item.residentPhone
        return out
    }

    @Test("service requests read by place hold every field Fluent's query gives them, with every optional field set and unset")
    func everyField() async throws {
        try await withDemo { app in
            let all = try await ServiceRequest.query(on: app.db).sort(\.$id).all()
            #expect(all.count > 10)
            // One request with every optional field set, so each is read back.
            let full = all[0]
            full.postID = "P-1"; full.externalID = "EXT-1"; full.firstOwnerID = UUID(); full.firstOwnerName = "王明"
            full.promisedOn = "2026-11-30"; full.clockStart = "2026-11-27"; full.dueOn = "2026-12-04"; full.remainingDays = 3
            full.completedOn = "2026-12-01"; full.result = "已办结"; full.departmentID = "D-1"; full.departmentName = "民政所"
            full.departmentAnswer = "同意"; full.missingMaterials = "户口本\n身份证"; full.refusedReason = "不符合条件"
            full.publicReply = "已为您办理"; full.feedback = .basicallySatisfied; full.feedbackOn = "2026-12-02"; full.extensions = 1
            try await full.save(on: app.db)
            let fluent = try await ServiceRequest.query(on: app.db).sort(\.$id).all()
            let placed = try await ServiceRequest.query(on: app.db).sort(\.$id).allPlaced()
            #expect(placed.count == fluent.count)
            for (a, b) in zip(placed, fluent) {
                #expect(try Self.fields(a) == Self.fields(b))
                #expect(a.$id.exists)
            }
            let first = try #require(placed.first)
            #expect(first.feedback == .basicallySatisfied && first.missingMaterials == "户口本\n身份证" && first.postID == "P-1")
            #expect(try Self.fields(first) != Self.fields(try #require(placed.last)))
        }
    }

    @Test("Fluent's filters, sorts and limits mean the same read by place: enums, lists, prefixes, paths, times, keyset pages")
    func sameRows() async throws {
        try await withDemo { app in
            let village = try #require(try await ServiceRequest.query(on: app.db).first()).unitID
            let unit = try #require(try await OrgUnit.find(village, on: app.db))
            let township = try #require(try await OrgUnit.find(unit.$parent.id, on: app.db))
            let someName = try #require(try await ServiceRequest.query(on: app.db).first()).residentName
            let middle = try await ServiceRequest.query(on: app.db).sort(\.$receivedAt).all()
            let at = middle[middle.count / 2].receivedAt
            let queries: [(String, @Sendable () -> QueryBuilder<ServiceRequest>)] = [
                ("village", { ServiceRequest.query(on: app.db).filter(\.$unitID == village) }),
                ("one status", { ServiceRequest.query(on: app.db).filter(\.$status == .completed) }),
                ("open statuses", { ServiceRequest.query(on: app.db).filter(\.$status ~~ [.accepted, .inProgress, .transferred]) }),
                ("name prefix", { ServiceRequest.query(on: app.db).filter(\.$residentName =~ String(someName.prefix(1))) }),
                ("below a township", { Dialect.below(ServiceRequest.query(on: app.db), \.$unitPath, township.path) }),
                ("received before a time", { ServiceRequest.query(on: app.db).filter(\.$receivedAt < at) }),
                ("due before a day", { ServiceRequest.query(on: app.db).filter(\.$dueOn < "2026-11-20") }),
                ("no match", { ServiceRequest.query(on: app.db).filter(\.$trackingCode == "NOSUCHCODE") }),
            ]
            var nonEmpty = 0
            for (name, query) in queries {
                let fluent = try await query().sort(\.$receivedOn, .descending).sort(\.$id).all().map(\.id)
                let placed = try await query().sort(\.$receivedOn, .descending).sort(\.$id).allPlaced().map(\.id)
                #expect(placed == fluent, "\(name)")
                let limited = try await query().sort(\.$id).limit(3).allPlaced().map(\.id)
                #expect(limited == Array(try await query().sort(\.$id).all().map(\.id).prefix(3)), "\(name), first 3")
                #expect(try await query().sort(\.$id).firstPlaced()?.id == (try await query().sort(\.$id).first()?.id), "\(name), first")
                if !fluent.isEmpty { nonEmpty += 1 }
            }
            #expect(nonEmpty >= 6)
            // Helpers generic over the model (`Paging`) read by place too (`rows()`): PagingTests walks
            // the village's pages, their filters and cursors, through it.
            #expect(try await ServiceRequest.query(on: app.db).filter(\.$unitID == village).rows().count
                == (try await ServiceRequest.query(on: app.db).filter(\.$unitID == village).count()))
        }
    }

    @Test("the values Fluent binds are sent as what they are: a text enum as its raw value, an optional's value; anything else is refused")
    func boundValues() throws {
        #expect(try PlacedRows.value(of: RequestStatus.inProgress) == .text("inProgress"))
        #expect(try PlacedRows.value(of: Optional("2026-12-01")) == .text("2026-12-01"))
        #expect(try PlacedRows.value(of: 7) == .int(7))
        #expect(try PlacedRows.value(of: 1.5) == .double(1.5))
        #expect(try PlacedRows.value(of: true) == .bool(true))
        let time = Date(timeIntervalSince1970: 1_796_000_000.5)
        #expect(try PlacedRows.value(of: time) == .date(time))
        let id = UUID()
        #expect(try PlacedRows.value(of: id) == .uuid(id))
        struct Odd: Encodable { var a = 1 }
        #expect(throws: PlacedRows.Failure.self) { try PlacedRows.value(of: Odd()) }
        #expect(throws: PlacedRows.Failure.self) { try PlacedRows.value(of: Optional<String>.none) }
    }
}

@Suite("Station figures counted in the database")
struct StationFiguresTests {
    @Test("one village's station facts, read by its id, are those read for its township: requests, complaints, the 96156 link and the ledger's verdict, without a checkpoint, with one and events after it, with an event altered after it and with the checkpoint's own event rewritten")
    func oneVillageAsItsTownship() async throws {
        try await withDemo { app in
            let any = try #require(try await ServiceRequest.query(on: app.db).first())
            let village = try #require(try await OrgUnit.find(any.unitID, on: app.db))
            let township = try #require(try await OrgUnit.find(village.$parent.id, on: app.db))
            let villages = try await OrgUnit.below(township.path, on: app.db).filter { $0.kind == .village }
            let sql = try Dialect.sql(app.db)
            // Each village's facts both ways, on three days; returns the township's reading.
            func compare(_ label: String) async throws -> [UUID: VillageFacts] {
                var out: [UUID: VillageFacts] = [:]
                for day in ["2026-03-31", "2026-11-27", "2026-12-31"] {
                    let asOf = try #require(LocalDate(day))
                    let all = try await StationFacts.load(under: township, year: 2026, asOf: asOf, on: app.db)
                    for unit in villages {
                        let id = try unit.requireID()
                        let one = try await StationFacts.load(under: unit, year: 2026, asOf: asOf, on: app.db)
                        var (many, alone) = (VillageFacts(year: 2026, village: .init(name: unit.name, households: 0)), VillageFacts(year: 2026, village: .init(name: unit.name, households: 0)))
                        all.apply(to: &many, village: id)
                        one.apply(to: &alone, village: id)
                        #expect(alone == many, "\(label): \(unit.name) on \(day)")
                        if day == "2026-11-27" { out[id] = many }
                    }
                }
                return out
            }
            // Inputs the demo lacks: a request waiting unowned (within the grace days on 27 November
            // and not on 31 December), one with no due day, one done with no day of completion; a
            // complaint of the year before; a revoked 96156 key and an Open311 one.
            let rows = try await ServiceRequest.query(on: app.db).filter(\.$unitID ~~ villages.compactMap(\.id)).filter(\.$receivedOn >= "2026-01-01").sort(\.$id).limit(3).all()
            try #require(rows.count == 3)
            try await sql.update("service_requests").set("status", to: SQLBind("received")).set("first_owner_name", to: SQLLiteral.null)
                .set("received_on", to: SQLBind("2026-11-26")).where("id", .equal, SQLBind(try rows[0].requireID())).run()
            try await sql.update("service_requests").set("due_on", to: SQLLiteral.null).where("id", .equal, SQLBind(try rows[1].requireID())).run()
            try await sql.update("service_requests").set("completed_on", to: SQLLiteral.null).where("id", .equal, SQLBind(try rows[2].requireID())).run()
            if let complaint = try await Complaint.query(on: app.db).filter(\.$unitID ~~ villages.compactMap(\.id)).sort(\.$id).first() {
                try await sql.update("complaints").set("received_on", to: SQLBind("2025-12-30")).where("id", .equal, SQLBind(try complaint.requireID())).run()
            }
            var unlinked: [OrgUnit] = []
            for unit in villages where try await Integrations.keys(village: unit.requireID(), kind: .hotline96156, on: app.db).isEmpty { unlinked.append(unit) }
            try #require(unlinked.count >= 2)
            _ = try await Integrations.create(.hotline96156, village: unlinked[0], by: "test", at: Date(), on: app.db)
            try await sql.update("integration_keys").set("revoked_at", to: SQLBind(Date())).where("unit_id", .equal, SQLBind(try unlinked[0].requireID())).run()
            _ = try await Integrations.create(.open311, village: unlinked[1], by: "test", at: Date(), on: app.db)
            let first = try await compare("no checkpoints")
            let (revoked, other) = (try unlinked[0].requireID(), try unlinked[1].requireID())
            #expect(first[revoked]?.station.linkedTo96156 == false && first[other]?.station.linkedTo96156 == false)
            // The comparison is of something: requests, complaints, a station linked and one not.
            #expect(first.values.contains { $0.serviceRequests.received > 0 && $0.serviceRequests.dueByAsOf > 0 && $0.serviceRequests.completedOnTime > 0 })
            #expect(first.values.contains { !$0.complaints.isEmpty })
            #expect(Set(first.values.map(\.station.linkedTo96156)) == [true, false])
            #expect(first.values.allSatisfy { $0.serviceRequests.ledgerIntact })
            // Stations with at least four events: a checkpoint at their second event.
            var chains: [UUID] = []
            for unit in villages {
                let id = try unit.requireID()
                if try await LedgerStore.chain(id, on: app.db).count >= 4 { chains.append(id) }
            }
            try #require(chains.count >= 4)
            for id in chains {
                try await sql.raw("""
                    INSERT INTO ledger_checkpoints (unit_id, seq, hash, intact, broken_seq, verified_at)
                    SELECT unit_id, seq, hash, \(bind: true), NULL, \(bind: Date()) FROM ledger_events WHERE unit_id = \(bind: id) AND seq = 2
                    """).run()
            }
            #expect(try await compare("checkpoints").values.allSatisfy { $0.serviceRequests.ledgerIntact })
            // An event after one station's checkpoint altered; another's checkpoint event rewritten.
            try await sql.update("ledger_events").set("actor_name", to: SQLBind("冒名顶替")).where("unit_id", .equal, SQLBind(chains[0]))
                .where("seq", .equal, SQLBind(3)).run()
            try await sql.update("ledger_events").set("hash", to: SQLBind(String(repeating: "0", count: 64))).where("unit_id", .equal, SQLBind(chains[1]))
                .where("seq", .equal, SQLBind(2)).run()
            // A third's checkpoint event removed (the chain cut back below its checkpoint).
            try await sql.delete(from: "ledger_events").where("unit_id", .equal, SQLBind(chains[3])).where("seq", .greaterThanOrEqual, SQLBind(2)).run()
            let broken = try await compare("altered")
            #expect(broken[chains[0]]?.serviceRequests.ledgerIntact == false && broken[chains[1]]?.serviceRequests.ledgerIntact == false)
            #expect(broken[chains[3]]?.serviceRequests.ledgerIntact == false)
            #expect(broken[chains[2]]?.serviceRequests.ledgerIntact == true)
        }
    }

    @Test("items 25–28's monthly figures for a village and its township are those counted by hand over every request and complaint")
    func countedInTheDatabase() async throws {
        try await withDemo { app in
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let asOf = try #require(LocalDate("2026-11-27"))
            let any = try #require(try await ServiceRequest.query(on: app.db).first())
            let village = try #require(try await OrgUnit.find(any.unitID, on: app.db))
            let township = try #require(try await OrgUnit.find(village.$parent.id, on: app.db))
            var checked = 0
            for unit in [village, township] {
                let stats = try await LedgerController.stats(request, unit, year: 2026, asOf: asOf)
                let requests = try await Dialect.below(ServiceRequest.query(on: app.db), \.$unitPath, unit.path).all().filter { $0.receivedOn.hasPrefix("2026") }
                let complaints = try await Dialect.below(Complaint.query(on: app.db), \.$unitPath, unit.path).all().filter { $0.receivedOn.hasPrefix("2026") }
                #expect(!requests.isEmpty && stats.total.received == requests.count && stats.total.complaints == complaints.count)
                for (label, figures) in zip((1...12).map { String(format: "2026-%02d", $0) } + ["2026"], stats.months + [stats.total]) {
                    let r = requests.filter { $0.receivedOn.hasPrefix(label) }, c = complaints.filter { $0.receivedOn.hasPrefix(label) }
                    let due = r.filter { $0.status != .refused && ($0.due.map { $0 <= asOf } ?? false) }
                    let onTime = due.filter { item in item.completed.map { done in item.due.map { done <= $0 } ?? false } ?? false }
                    let rated = r.filter { $0.feedback != nil }, ratedComplaints = c.filter { $0.satisfaction != nil }
                    #expect(figures.month == label && figures.received == r.count && figures.due == due.count && figures.completedOnTime == onTime.count, "\(unit.name) \(label)")
                    #expect(figures.requestsRated == rated.count && figures.requestsSatisfied == rated.filter { $0.feedback != .dissatisfied }.count)
                    #expect(figures.complaints == c.count && figures.complaintsRated == ratedComplaints.count
                            && figures.complaintsSatisfied == ratedComplaints.filter { $0.satisfaction != .dissatisfied }.count)
                    #expect(figures.onTimeRate == (due.isEmpty ? nil : Double(onTime.count) / Double(due.count)))
                    if !due.isEmpty { checked += 1 }
                }
            }
            #expect(checked >= 2, "some months have requests due")
        }
    }
}
