import Fluent
import StandardKit
import Vapor

/// Builds the engine's facts for every village below a unit from their records: one
/// query per record kind plus one for profiles, whatever the number of villages (one
/// village: every kind in one statement). The station's figures are read beside them.
enum VillageFactsBuilder {
    /// With `beside` (another connection), the station's figures are read on it while the
    /// records are read on `db`: the two halves take about as long as each other.
    static func build(under unit: OrgUnit, year: Int, asOf: LocalDate? = nil, on db: any Database,
                      beside: (any Database)? = nil) async throws -> [(village: OrgUnit, facts: VillageFacts)] {
        let villages = unit.kind == .village ? [unit] : try await OrgUnit.below(unit.path, on: db).filter { $0.kind == .village }
        guard !villages.isEmpty else { return [] }
        async let stationFacts = StationFacts.load(under: unit, year: year, asOf: asOf ?? LocalDate.lastDay(of: year), on: beside ?? db)
        let profiles = try await profiles(of: villages, under: unit.path, on: db)
        var records: [String: [UUID: [Record]]] = [:]
        if unit.kind == .village {
            // One village: every kind in one statement (30 round trips cost 7 ms).
            let id = try unit.requireID()
            for (key, list) in try await RecordStore.lists(RecordKind.all, village: id, on: db) { records[key] = [id: list] }
        } else {
            for kind in RecordKind.all {
                records[kind.key] = Dictionary(grouping: try await RecordStore.all(kind, under: unit.path, on: db), by: \.unitID)
            }
        }
        // A village's posts answer to its township's departments, which lie outside the village's path.
        if unit.kind == .village, let township = unit.$parent.id {
            records[RecordKind.departments.key] = [township: try await RecordStore.list(.departments, village: township, on: db)]
        }
        var profileByVillage: [UUID: VillageProfile] = [:]
        for profile in profiles { profileByVillage[profile.$unit.id] = profile }
        let station = try await stationFacts
        let (loaded, profileOf) = (records, profileByVillage)
        @Sendable func facts(of village: OrgUnit) throws -> (village: OrgUnit, facts: VillageFacts) {
            let id = try village.requireID()
            func of(_ kind: RecordKind) -> [Record] { loaded[kind.key]?[id] ?? [] }
            var facts = makeFacts(village: village, year: year, profile: profileOf[id], records: { of($0) })
            station.apply(to: &facts, village: id, township: village.$parent.id, records: { of($0) },
                          departments: village.$parent.id.map { loaded[RecordKind.departments.key]?[$0] ?? [] } ?? [])
            return (village, facts)
        }
        // Every core at once: pure work, with the database idle by now.
        return try await villages.concurrentMap(facts(of:))
    }

    /// The profiles of `villages` (all the villages below `path`): by their ids, which for
    /// one village is one index probe; by a join on the path when they are very many.
    static func profiles(of villages: [OrgUnit], under path: String, on db: any Database) async throws -> [VillageProfile] {
        guard villages.count <= 1_000 else {
            return try await VillageProfile.query(on: db).join(OrgUnit.self, on: \VillageProfile.$unit.$id == \OrgUnit.$id)
                .filter(OrgUnit.self, \.$path =~ path).all()
        }
        return try await VillageProfile.query(on: db).filter(\.$unit.$id ~~ villages.compactMap(\.id)).all()
    }

    /// The mapping from records to facts (docs/facts.md names each field).
    static func makeFacts(village: OrgUnit, year: Int, profile: VillageProfile?, records: (RecordKind) -> [Record]) -> VillageFacts {
        var facts = VillageFacts(year: year, village: .init(name: village.name, code: village.code,
                                                            households: profile?.households ?? 0, residentPopulation: profile?.residentPopulation ?? 0))
        func inYear(_ date: LocalDate?) -> Bool { date?.year == year }
        if let profile {
            facts.station.floorArea = profile.stationFloorArea
            if case let .success(intervals) = OpeningSchedule.parse(profile.openingHours) { facts.station.openingHours = intervals }
            facts.station.hotline = profile.hotline.isEmpty ? nil : profile.hotline
        }
        for record in records(.organizations) {
            switch record.text("kind") {
            case "partyOrganization"?: facts.organizations.partyOrganization = true
            case "villageCommittee"?: facts.organizations.villageCommittee = true
            case "serviceStation"?: facts.organizations.serviceStation = true
            case "supervisionCommittee"?: facts.organizations.supervisionCommittee = true
            case "deliberationBody"?:
                // Members count while they are live records of the village.
                let units = Set(records(.residentUnits).map(\.id.uuidString))
                let organizations = Set(records(.socialOrganizations).map(\.id.uuidString))
                facts.organizations.deliberationBody = .init(residentUnitMembers: record.words("memberResidentUnits").filter(units.contains).count,
                                                             socialOrganizationMembers: record.words("memberSocialOrganizations").filter(organizations.contains).count)
            default: break
            }
        }
        for record in records(.meetings) {
            if let date = record.date("date"), inYear(date), let kind = record.text("kind").flatMap(MeetingKind.init(rawValue:)) {
                facts.meetings.append(.init(kind: kind, date: date))
            }
        }
        for record in records(.disclosures) {
            if let date = record.date("publishedOn"), inYear(date), let category = record.text("category").flatMap(DisclosureCategory.init(rawValue:)) {
                facts.disclosures.append(.init(category: category, publishedOn: date))
            }
        }
        for record in records(.socialOrganizations) {
            guard let type = record.text("type").flatMap(SocialOrganizationType.init(rawValue:)),
                  let status = record.text("status").flatMap(RegistrationStatus.init(rawValue:)) else { continue }
            facts.socialOrganizations.append(.init(name: record.text("name") ?? "", type: type, status: status, registeredOn: record.date("registeredOn"),
                                                   dissolvedOn: record.date("dissolvedOn"), lastEvaluatedOn: record.date("evaluatedOn")))
        }
        let contributions = Dictionary(grouping: records(.contributions), by: { $0.text("residentUnit") ?? "" })
        for record in records(.residentUnits) {
            let agreements = record.words("agreements").compactMap(AgreementKind.init(rawValue:)).compactMap { kind -> VillageFacts.Agreement? in
                guard let from = record.date("agreementFrom") else { return nil }
                return .init(kind: kind, from: from, to: record.date("agreementTo"))
            }
            let given = (contributions[record.id.uuidString] ?? []).compactMap { c -> VillageFacts.Contribution? in
                guard let date = c.date("date"), inYear(date), let kind = c.text("kind").flatMap(ContributionKind.init(rawValue:)) else { return nil }
                return .init(kind: kind, date: date)
            }
            facts.residentUnits.append(.init(name: record.text("name") ?? "", agreements: agreements, contributions: given))
        }
        facts.volunteerTeams = records(.volunteerTeams).map { .init(name: $0.text("name") ?? "", brand: $0.text("brand")) }
        let activities = records(.volunteerActivities)
        let activitiesInYear = Set(activities.filter { inYear($0.date("date")) }.map(\.id.uuidString))
        var hours: [String: Int] = [:]
        for record in records(.volunteerHours) where activitiesInYear.contains(record.text("activity") ?? "") {
            hours[record.text("volunteer") ?? "", default: 0] += record.number("hours") ?? 0
        }
        facts.volunteers = records(.volunteers).map { record in
            .init(registered96156: !(record.text("registration96156") ?? "").isEmpty, fiveElders: record.flag("fiveElders"),
                  trained: record.flag("trained"), hours: Double(hours[record.id.uuidString] ?? 0) / 100)
        }
        // Workforce: roles over dated periods; training hours this year from the sessions each attended.
        let roles = Dictionary(grouping: records(.workerRoles), by: { $0.text("worker") ?? "" })
        var trainingHours: [String: Int] = [:]
        for training in records(.trainings) where inYear(training.date("date")) {
            for worker in training.words("attendees") { trainingHours[worker, default: 0] += training.number("hours") ?? 0 }
        }
        facts.workers = records(.workers).map { worker in
            let periods = (roles[worker.id.uuidString] ?? []).compactMap { role -> VillageFacts.RolePeriod? in
                guard let kind = role.text("role").flatMap(WorkerRole.init(rawValue:)), let from = role.date("from") else { return nil }
                return .init(role: kind, from: from, to: role.date("to"))
            }
            return .init(name: worker.text("name") ?? "", roles: periods, trainingHours: Double(trainingHours[worker.id.uuidString] ?? 0) / 100,
                         qualification: worker.text("qualification").flatMap(SocialWorkQualification.init(rawValue:)) ?? .none,
                         lastEvaluatedOn: worker.date("lastEvaluatedOn"), payInPlace: worker.flag("payInPlace"),
                         underStationManagement: worker.flag("underStationManagement"))
        }
        facts.facilities = records(.facilities).compactMap { facility in
            guard let type = facility.text("type").flatMap(FacilityType.init(rawValue:)) else { return nil }
            return .init(type: type, condition: facility.text("condition").flatMap(FacilityCondition.init(rawValue:)) ?? .good,
                         inspectedOn: facility.date("inspectedOn"), nextMaintenanceOn: facility.date("nextMaintenanceOn"))
        }
        facts.infrastructure = records(.infrastructure).compactMap { project in
            guard let kind = project.text("kind").flatMap(InfrastructureKind.init(rawValue:)),
                  let status = project.text("status").flatMap(WorksStatus.init(rawValue:)) else { return nil }
            return .init(kind: kind, status: status, upkeepArranged: project.flag("upkeepArranged"))
        }
        let paid = Dictionary(grouping: records(.disbursements), by: { $0.text("budgetLine") ?? "" })
        let liveDisclosures = Set(records(.disclosures).map(\.id.uuidString))
        facts.funds = records(.budgetLines).compactMap { line in
            guard let kind = line.text("kind").flatMap(FundKind.init(rawValue:)), let plannedOn = line.date("plannedOn"), inYear(plannedOn) else { return nil }
            let disbursements = (paid[line.id.uuidString] ?? []).compactMap { d -> VillageFacts.Disbursement? in
                guard let date = d.date("date") else { return nil }
                return .init(amount: Money(fen: d.number("amount") ?? 0), date: date, disclosed: d.text("disclosure").map(liveDisclosures.contains) ?? false)
            }
            return .init(kind: kind, planned: Money(fen: line.number("planned") ?? 0), plannedOn: plannedOn, disbursements: disbursements)
        }
        facts.activities = records(.activities).compactMap { activity in
            guard let date = activity.date("date"), inYear(date), let kind = activity.text("kind").flatMap(ActivityKind.init(rawValue:)) else { return nil }
            return .init(kind: kind, date: date)
        }
        facts.artTeams = records(.artTeams).map { .init(name: $0.text("name") ?? "") }
        facts.volunteerActivities = activities.compactMap { record in
            guard let date = record.date("date"), inYear(date) else { return nil }
            return .init(date: date, categories: record.words("categories").compactMap(VolunteerCategory.init(rawValue:)),
                         targetGroups: record.words("targetGroups").compactMap(TargetGroup.init(rawValue:)))
        }
        return facts
    }
}

/// A village's live evaluation against the 62 items, as a page and as JSON.
struct StandardController {
    func register(_ router: Router) {
        router.page(.GET, .unit(.key, .standard), .onUnit(.viewUnit), page)
        router.apiResponse(.GET, .api(.unit(.key, .evaluation)), .onUnit(.viewUnit),
                           APIDoc(summary: "村（社区）按62条指导标准的实时评估（?year=）", response: "Evaluation"), api)
    }

    /// The year asked for (default this year in Beijing) and its as-of date: today, or the
    /// last day of a past year.
    static func period(_ request: Request) throws -> (year: Int, asOf: LocalDate) {
        let today = beijingToday(request.now)
        let year = try request.queryInt("year", in: LocalDate.sane) ?? today.year
        guard (2000...today.year).contains(year) else {
            throw AppError.validation([FieldError(field: "year", message: T(.standardYearRange, String(today.year)))])
        }
        return (year, year < today.year ? LocalDate.lastDay(of: year) : today)
    }

    static func beijingToday(_ now: Date) -> LocalDate {
        LocalDate(dayNumber: Int((now.timeIntervalSince1970 + 8 * 3600) / 86_400))
    }

    static func evaluate(_ request: Request, _ unit: OrgUnit) async throws -> (OrgUnit, Evaluation) {
        let village = unit
        guard village.kind == .village else { throw AppError.notFound }
        let config = request.application.config
        let (year, asOf) = try period(request)
        guard let facts = try await VillageFactsBuilder.build(under: village, year: year, asOf: asOf, on: request.db).first?.facts else { throw AppError.notFound }
        return (village, Evaluator(catalogue: config.catalogue, scheme: config.scheme).evaluate(facts, asOf: asOf))
    }

    @Sendable func page(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (village, evaluation) = try await Self.evaluate(request, unit)
        let catalogue = request.application.config.catalogue
        return HTMLResponse.make(Layout.page(request: request, title: T(.standardTitle, village.name, String(evaluation.year)),
                                             body: StandardViews.evaluation(evaluation, catalogue: catalogue, village: village)))
    }

    @Sendable func api(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let (_, evaluation) = try await Self.evaluate(request, unit)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: Report.evaluationJSON(evaluation)))
    }
}

enum StandardViews {
    static func statusNode(_ status: Status) -> Node {
        let css: String
        switch status {
        case .met: css = "met"
        case .notMet: css = "notmet"
        case .pending: css = "pending"
        case .notApplicable: css = "muted"
        }
        return .el("span", ["class": css], status.label)
    }

    static func evaluation(_ evaluation: Evaluation, catalogue: Catalogue, village: OrgUnit) -> Node {
        let score = evaluation.tally.score.map(Figure.text) ?? "—"
        var parts: [Node] = [
            .el("p", [:], T(.standardSummary, evaluation.asOf.description, score, String(evaluation.tally.met), String(evaluation.tally.notMet),
                            String(evaluation.tally.pending), String(evaluation.tally.notApplicable))),
            .el("p", ["class": "muted"], T(.standardNote)),
        ]
        var index = 0
        for (a, area) in catalogue.areas.enumerated() {
            parts.append(.el("h2", [:], [.text(area.heading + " "), statusNode(evaluation.areas[a].status)]))
            var rows: [[Node]] = []
            for goal in area.goals {
                for item in goal.items {
                    let result = evaluation.items[index]
                    index += 1
                    let checks: [Node] = zip(item.checks, result.checks).map { check, checkResult in
                        // "1.1 已设立…：已设立…" says it twice; the title alone does when they agree.
                        .el("li", [:], [statusNode(checkResult.status), .text(" \(check.id) \(check.title)"),
                                        .when(checkResult.explanation != check.title, .text(T(.sepColon) + checkResult.explanation))])
                    }
                    rows.append([.text(String(item.number)), statusNode(result.status), .el("ul", ["class": "checks"], checks)])
                }
            }
            parts.append(Layout.table(caption: nil, headers: [T(.standardItem), T(.standardStatus), T(.standardChecks)], rows: rows))
        }
        return .group(parts)
    }
}
