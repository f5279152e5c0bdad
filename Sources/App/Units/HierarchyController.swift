import Fluent
import StandardKit
import Vapor

/// The hierarchy as pages and API: district → townships → villages with key figures,
/// creating and editing units, and each village's profile.
struct HierarchyController {
    func register(_ router: Router) {
        router.page(.GET, .home, .signedIn, home)
        router.page(.GET, .districtNew, .everywhere(.manageUnits), newDistrictForm)
        router.page(.POST, .districtNew, .everywhere(.manageUnits), createDistrict)
        router.page(.GET, .unit(.key), .onUnit(.viewUnit), unitPage)
        router.page(.GET, .unit(.key, .newChild), .onUnit(.manageUnits), newChildForm)
        router.page(.POST, .unit(.key, .newChild), .onUnit(.manageUnits), createChild)
        router.page(.GET, .unit(.key, .edit), .onUnit(.manageUnits), editForm)
        router.page(.POST, .unit(.key, .edit), .onUnit(.manageUnits), update)
        router.page(.GET, .unit(.key, .profile), .onUnit(.editProfile), profileForm)
        router.page(.POST, .unit(.key, .profile), .onUnit(.editProfile), saveProfile)

        router.api(.GET, .units, .signedIn, APIDoc(summary: T(.apiTopUnits), response: "UnitList"), apiTop)
        router.api(.POST, .units, .everywhere(.manageUnits),
                   APIDoc(summary: T(.apiCreateDistrict), request: "UnitInput", response: "Unit", status: 201), apiCreateDistrict)
        router.api(.GET, .unit(.key, .show), .onUnit(.viewUnit), APIDoc(summary: T(.apiUnitPage), response: "UnitPage"), apiUnit)
        router.api(.PUT, .unit(.key, .show), .onUnit(.manageUnits), APIDoc(summary: T(.apiUpdateUnit), request: "UnitInput", response: "Unit"), apiUpdate)
        router.api(.POST, .unit(.key, .children), .onUnit(.manageUnits),
                   APIDoc(summary: T(.apiCreateChild), request: "UnitInput", response: "Unit", status: 201), apiCreateChild)
        router.api(.GET, .unit(.key, .profile), .onUnit(.viewUnit), APIDoc(summary: T(.apiProfile), response: "Profile"), apiProfile)
        router.api(.PUT, .unit(.key, .profile), .onUnit(.editProfile),
                   APIDoc(summary: T(.apiUpdateProfile), request: "ProfileInput", response: "Profile"), apiSaveProfile)
    }

    /// The kind of a unit created at the top: a district unless a city is asked for.
    static func topKind(_ text: String?) throws -> UnitKind {
        switch text ?? "" {
        case "", UnitKind.district.rawValue: return .district
        case UnitKind.city.rawValue: return .city
        default: throw AppError.validation([FieldError(field: "kind", message: T(.unitTopKind))])
        }
    }

    // MARK: Pages

    @Sendable func home(_ request: Request, _: OrgUnit?) async throws -> Response {
        let rows = try await Hierarchy.topRows(for: request.requirePrincipal(), on: request.db).map(ChildRowDTO.init)
        let principal = try request.requirePrincipal()
        let body: Node = .group([
            .el("p", [:], T(.homeIntro, principal.displayName)),
            .when(principal.mayAnywhere(.manageUnits), .el("div", ["class": "actions"], [.el("a", ["class": "button", "href": Route.districtNew.path], T(.unitNewDistrict))])),
            rows.isEmpty ? .el("p", [:], T(.homeNoUnits)) : UnitViews.childTable(rows, caption: T(.homeMyUnits)),
        ])
        return HTMLResponse.page(request, T(.homeTitle), body)
    }

    @Sendable func unitPage(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let data = try await unitData(request, try require(unit))
        return HTMLResponse.page(request, data.unit.name, UnitViews.unitBody(data))
    }

    @Sendable func newDistrictForm(_ request: Request, _: OrgUnit?) async throws -> Response {
        HTMLResponse.page(request, T(.unitNewDistrict), UnitViews.unitForm(request, action: Route.districtNew.path, input: .init(name: "", code: nil), errors: [], topLevel: true))
    }

    @Sendable func createDistrict(_ request: Request, _: OrgUnit?) async throws -> Response {
        let form = try FormFields(request)
        var input = UnitInput(name: form["name"] ?? "", code: form["code"], openedOn: form["openedOn"], closedOn: form["closedOn"])
        input.kind = form["kind"]
        do {
            let unit = try await Hierarchy.create(input, kind: try Self.topKind(input.kind), parent: nil, author: request.author, on: request.db)
            return request.redirect(to: Route.unit(.value(try unit.requireID())).path)
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, T(.unitNewDistrict), UnitViews.unitForm(request, action: Route.districtNew.path, input: input, errors: errors, topLevel: true),
                                     status: .unprocessableEntity)
        }
    }

    @Sendable func newChildForm(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let parent = try require(unit)
        guard let kind = parent.kind.childKind else { throw AppError.notFound }
        return HTMLResponse.page(request, UnitViews.newTitle(kind, parent: parent),
                    UnitViews.unitForm(request, action: Route.unit(.value(try parent.requireID()), .newChild).path, input: .init(name: "", code: nil), errors: []))
    }

    @Sendable func createChild(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let parent = try require(unit)
        guard let kind = parent.kind.childKind else { throw AppError.notFound }
        let form = try FormFields(request)
        let input = UnitInput(name: form["name"] ?? "", code: form["code"], openedOn: form["openedOn"], closedOn: form["closedOn"])
        do {
            let child = try await Hierarchy.create(input, kind: kind, parent: parent, author: request.author, on: request.db)
            return request.redirect(to: Route.unit(.value(try child.requireID())).path)
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, UnitViews.newTitle(kind, parent: parent),
                        UnitViews.unitForm(request, action: Route.unit(.value(try parent.requireID()), .newChild).path, input: input, errors: errors),
                        status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let unit = try require(unit)
        let input = UnitInput(name: unit.name, code: unit.code, openedOn: unit.openedOn, closedOn: unit.closedOn)
        return HTMLResponse.page(request, T(.unitEditTitle, unit.name), UnitViews.unitForm(request, action: Route.unit(.value(try unit.requireID()), .edit).path, input: input, errors: []))
    }

    @Sendable func update(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let unit = try require(unit)
        let form = try FormFields(request)
        let input = UnitInput(name: form["name"] ?? "", code: form["code"], openedOn: form["openedOn"], closedOn: form["closedOn"])
        do {
            try await Hierarchy.update(unit, with: input, author: request.author, on: request.db)
            return request.redirect(to: Route.unit(.value(try unit.requireID())).path)
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, T(.unitEditTitle, unit.name), UnitViews.unitForm(request, action: Route.unit(.value(try unit.requireID()), .edit).path, input: input, errors: errors),
                        status: .unprocessableEntity)
        }
    }

    @Sendable func profileForm(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let unit = try require(unit)
        guard unit.kind == .village else { throw AppError.notFound }
        let profile = try await Hierarchy.profile(of: unit, on: request.db)
        return HTMLResponse.page(request, T(.profileTitle, unit.name), UnitViews.profileForm(request, unit: unit, values: ProfileForm(profile), errors: []))
    }

    @Sendable func saveProfile(_ request: Request, _ unit: OrgUnit) async throws -> Response {
        let unit = try require(unit)
        guard unit.kind == .village else { throw AppError.notFound }
        let values = ProfileForm(try FormFields(request))
        do {
            let input = try values.validated()
            _ = try await Hierarchy.saveProfile(input, of: unit, author: request.author, on: request.db)
            return request.redirect(to: Route.unit(.value(try unit.requireID())).path + "?saved=1")
        } catch let AppError.validation(errors) {
            return HTMLResponse.page(request, T(.profileTitle, unit.name), UnitViews.profileForm(request, unit: unit, values: values, errors: errors), status: .unprocessableEntity)
        }
    }

    // MARK: API

    @Sendable func apiTop(_ request: Request, _: OrgUnit?) async throws -> UnitListDTO {
        UnitListDTO(units: try await Hierarchy.topRows(for: request.requirePrincipal(), on: request.db).map(ChildRowDTO.init))
    }

    @Sendable func apiUnit(_ request: Request, _ unit: OrgUnit) async throws -> UnitPageDTO {
        try await unitData(request, try require(unit))
    }

    @Sendable func apiCreateDistrict(_ request: Request, _: OrgUnit?) async throws -> UnitDTO {
        let input = try request.content.decode(UnitInput.self)
        return try UnitDTO(try await Hierarchy.create(input, kind: try Self.topKind(input.kind), parent: nil, author: request.author, on: request.db))
    }

    @Sendable func apiCreateChild(_ request: Request, _ unit: OrgUnit) async throws -> UnitDTO {
        let parent = try require(unit)
        guard let kind = parent.kind.childKind else {
            throw AppError.validation([FieldError(field: "parent", message: T(.unitVillageHasNoChildren))])
        }
        return try UnitDTO(try await Hierarchy.create(try request.content.decode(UnitInput.self), kind: kind, parent: parent, author: request.author, on: request.db))
    }

    @Sendable func apiUpdate(_ request: Request, _ unit: OrgUnit) async throws -> UnitDTO {
        let unit = try require(unit)
        try await Hierarchy.update(unit, with: try request.content.decode(UnitInput.self), author: request.author, on: request.db)
        return try UnitDTO(unit)
    }

    @Sendable func apiProfile(_ request: Request, _ unit: OrgUnit) async throws -> ProfileDTO {
        let unit = try require(unit)
        guard unit.kind == .village else { throw AppError.notFound }
        return try await Hierarchy.profile(of: unit, on: request.db).values
    }

    @Sendable func apiSaveProfile(_ request: Request, _ unit: OrgUnit) async throws -> ProfileDTO {
        let unit = try require(unit)
        guard unit.kind == .village else { throw AppError.notFound }
        let input = try request.content.decode(ProfileInput.self)
        return try await Hierarchy.saveProfile(try ProfileForm.validate(input), of: unit, author: request.author, on: request.db).values
    }

    // MARK: Shared

    private func require(_ unit: OrgUnit) throws -> OrgUnit {
        return unit
    }

    private func unitData(_ request: Request, _ unit: OrgUnit) async throws -> UnitPageDTO {
        let principal = try request.requirePrincipal()
        let ancestors = try await Hierarchy.ancestors(of: unit, on: request.db).filter { principal.mayView($0.path) }
        let (rows, own) = try await Hierarchy.childRowsAndFigures(of: unit, on: request.db)
        let children = try rows.map(ChildRowDTO.init)
        let figures = KeyFiguresDTO(own)
        let profile = unit.kind == .village ? try await Hierarchy.profile(of: unit, on: request.db).values : nil
        var attention: [AttentionDTO] = []
        if unit.kind == .village {
            attention = try await Self.attention(request, village: unit)
        }
        return UnitPageDTO(unit: try UnitDTO(unit), ancestors: try ancestors.map(UnitDTO.init), figures: figures, children: children,
                           profile: profile, mayEditProfile: unit.kind == .village && principal.may(.editProfile, at: unit.path),
                           mayManageUnits: unit.kind != .village && principal.may(.manageUnits, at: unit.path), attention: attention,
                           queue: unit.kind == .village ? nil : try await QueueController.queue(request, unit: unit))
    }

    /// What needs action at a village, most pressing first, each linked to where it is
    /// done: returned assessment checks (the sheet), overdue service requests, quarters that
    /// ended without a villagers' representative meeting (a new meeting of that kind dated
    /// in that quarter), overdue facility maintenance (a new maintenance record for it), and
    /// the items not met this year (the plan).
    static func attention(_ request: Request, village: OrgUnit) async throws -> [AttentionDTO] {
        let today = StandardController.beijingToday(request.now)
        let id = try village.requireID()
        // Whoever keeps the records gets the form; others, the list to look at.
        let mayEdit = request.principal?.may(.editRecords, at: village.path) ?? false
        let form = { (kind: RecordKind, query: String) in
            mayEdit ? Route.unit(.value(id), .record(kind, .new)).path + "?" + query : Route.unit(.value(id), .record(kind, .list)).path
        }
        var out: [AttentionDTO] = []
        let returned = try await AssessmentSheet.query(on: request.db).filter(\.$unitID == id).filter(\.$state == .returned).all()
        for sheet in returned {
            let count = try await SheetCheck.query(on: request.db).filter(\.$sheetID == sheet.requireID()).filter(\.$decision == "returned").count()
            let name = try await AssessmentCycle.find(sheet.cycleID, on: request.db)?.name ?? ""
            out.append(AttentionDTO(text: T(.attentionReturnedChecks, name, String(count)), link: CycleLinks(unit: id, cycle: sheet.cycleID)(.sheet)))
        }
        let overdue = try await StationController.overdueCount(request, under: village, today: today)
        if overdue > 0 { out.append(AttentionDTO(text: T(.attentionOverdueRequests, String(overdue)), link: Route.unit(.value(id), .overdue).path)) }
        let meetings = try await RecordStore.list(.meetings, village: id, on: request.db).map(MeetingRecord.init(record:))
            .filter { $0[choice: .kind] == MeetingKind.representativeMeeting }.compactMap { $0[date: .date] }
        for quarter in 1...4 {
            let span = Period.quarter.span(quarter - 1, of: today.year)
            guard span.end < today, !meetings.contains(where: { span.contains($0) }) else { continue }
            out.append(AttentionDTO(text: T(.attentionMissingMeeting, String(today.year), String(quarter)),
                                    link: form(.meetings, "kind=" + MeetingKind.representativeMeeting.rawValue + "&date=" + span.end.description)))
        }
        // Planned for a day already past and not maintained since (as item 23.1 reads it).
        let lastMaintained = MaintenanceLogRecord.latest(try await RecordStore.list(.maintenanceLogs, village: id, on: request.db).map(MaintenanceLogRecord.init(record:)))
        for facility in try await RecordStore.list(.facilities, village: id, on: request.db).map(FacilityRecord.init(record:)) {
            guard facility[choice: .condition] != FacilityCondition.outOfUse, let next = facility[date: .nextMaintenanceOn], next < today,
                  !(lastMaintained[facility.reference].map { $0 >= next } ?? false) else { continue }
            out.append(AttentionDTO(text: T(.attentionOverdueMaintenance, facility[text: .name] ?? "", next.description),
                                    link: form(.maintenanceLogs, "facility=" + facility.record.id.uuidString + "&date=" + today.description)))
        }
        // The year's items not met: the plan says what each takes.
        if let (_, evaluation, _) = try? await StandardController.evaluate(request, village) {
            let open = evaluation.items.count { $0.scored && $0.status == .notMet }
            if open > 0 { out.append(AttentionDTO(text: T(.attentionItemsNotMet, String(evaluation.year), String(open)), link: Route.unit(.value(id), .plan).path)) }
        }
        return out
    }
}
