import Fluent
import Ledger
import SQLKit
import StandardKit
import Vapor

/// The service station's part of the engine's facts (items 25–30, 37, 39, 51): posts,
/// the service catalogue, the year's request ledger figures, complaints, channels and
/// the 96156 link. Loaded once for every village below a unit.
struct StationFacts: Sendable {
    var year: Int
    var asOf: LocalDate
    var requests: [UUID: [ServiceRequest]]
    var complaints: [UUID: [Complaint]]
    var chains: [UUID: [LedgerEntry]]
    var linked96156: Set<UUID>

    /// A request taken in remotely may wait this many days for a staff member to take it
    /// on before the ledger counts it as having no first-inquiry owner.
    static let acceptanceGraceDays = 3

    static func load(under unit: OrgUnit, year: Int, asOf: LocalDate, on db: any Database) async throws -> StationFacts {
        let first = LocalDate.firstDay(of: year).description, last = min(asOf, LocalDate.lastDay(of: year)).description
        let requests = try await ServiceRequest.query(on: db).filter(\.$unitPath =~ unit.path)
            .filter(\.$receivedOn >= first).filter(\.$receivedOn <= last).all()
        let complaints = try await Complaint.query(on: db).filter(\.$unitPath =~ unit.path)
            .filter(\.$receivedOn >= first).filter(\.$receivedOn <= last).all()
        let sql = try RecordStore.sql(db)
        let rows = try await sql.select().column("*").from("ledger_events").where("unit_path", .like, SQLBind(unit.path + "%")).orderBy("unit_id").orderBy("seq").all()
        var chains: [UUID: [LedgerEntry]] = [:]
        for row in rows {
            let entry = try LedgerStore.decode(row)
            chains[try row.decode(column: "unit_id", as: UUID.self), default: []].append(entry)
        }
        let keys = try await sql.select().column("unit_id").from("integration_keys").where("kind", .equal, SQLBind(IntegrationKind.hotline96156.rawValue))
            .where("revoked_at", .is, SQLLiteral.null).all()
        return StationFacts(year: year, asOf: asOf, requests: Dictionary(grouping: requests, by: \.unitID), complaints: Dictionary(grouping: complaints, by: \.unitID),
                            chains: chains, linked96156: Set(try keys.map { try $0.decode(column: "unit_id", as: UUID.self) }))
    }

    func apply(to facts: inout VillageFacts, village: UUID, township: UUID?, records: (RecordKind) -> [Record], departments: [Record]) {
        let workers = Dictionary(records(.workers).map { ($0.id.uuidString, $0.text("name") ?? "") }, uniquingKeysWith: { a, _ in a })
        let departmentNames = Dictionary(departments.map { ($0.id.uuidString, $0.text("name") ?? "") }, uniquingKeysWith: { a, _ in a })
        facts.posts = records(.posts).compactMap { post in
            guard let kind = post.text("kind").flatMap(PostKind.init(rawValue:)) else { return nil }
            return .init(name: post.text("name") ?? "", kind: kind, townshipDepartment: post.text("department").flatMap { departmentNames[$0] },
                         holderA: post.text("holderA").flatMap { workers[$0] }, holderB: post.text("holderB").flatMap { workers[$0] })
        }
        let services = records(.services)
        facts.services = services.compactMap { service in
            guard let field = service.text("field").flatMap(ServiceField.init(rawValue:)) else { return nil }
            return .init(name: service.text("name") ?? "", field: field,
                         publicGuide: service.flag("published") && !(service.text("guide") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        }
        if facts.station.hotline != nil { facts.station.channels.append(.phone) }
        if services.contains(where: { $0.flag("published") }) { facts.station.channels.append(.online) }
        facts.station.linkedTo96156 = linked96156.contains(village)

        let chain = chains[village] ?? []
        var history: [String: [LedgerEntry]] = [:]
        for entry in chain where entry.subjectType == "request" { history[entry.subjectID, default: []].append(entry) }
        var summary = VillageFacts.ServiceRequestSummary()
        let graceStart = asOf.adding(days: -Self.acceptanceGraceDays)
        for item in requests[village] ?? [] {
            summary.received += 1
            if item.firstOwnerName != nil || (item.status == .received && (item.received ?? asOf) >= graceStart) { summary.withFirstInquiryOwner += 1 }
            if let due = item.due, due <= asOf, item.status != .refused {
                summary.dueByAsOf += 1
                if let done = item.completed, done <= due, done <= asOf { summary.completedOnTime += 1 }
            }
            if Self.fullHistory(item, history[item.id?.uuidString ?? ""] ?? []) { summary.withFullHistory += 1 }
        }
        summary.ledgerIntact = LedgerChain.verify(chain).intact
        facts.serviceRequests = summary
        facts.complaints = (complaints[village] ?? []).compactMap { c in
            guard let received = LocalDate(c.receivedOn) else { return nil }
            return .init(receivedOn: received, resolvedOn: c.resolvedOn.flatMap(LocalDate.init))
        }
    }

    /// Every state change is in the ledger: it starts with the intake event, and the last
    /// event's status is the stored one.
    static func fullHistory(_ item: ServiceRequest, _ events: [LedgerEntry]) -> Bool {
        guard let first = events.first, first.action == "submit" || first.action == "accept", let last = events.last,
              let payload = try? JSONDecoder().decode([String: String].self, from: Data(last.payload.utf8)) else { return false }
        return payload["status"] == item.status.rawValue
    }
}
