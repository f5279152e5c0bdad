import StandardKit
import Vapor

/// Pages of the hierarchy: a unit with its children and key figures, unit and profile forms.
enum UnitViews {
    static func kindLabel(_ kind: UnitKind) -> String {
        switch kind {
        case .city: return T(.kindCity)
        case .district: return T(.kindDistrict)
        case .township: return T(.kindTownship)
        case .village: return T(.kindVillage)
        }
    }

    static func newTitle(_ kind: UnitKind, parent: OrgUnit) -> String { T(.unitNewChild, parent.name, kindLabel(kind)) }

    static func childTable(_ rows: [ChildRowDTO], caption: String) -> Node {
        if !rows.isEmpty, rows.allSatisfy({ $0.unit.kind == .village }) { return villageTable(rows, caption: caption) }
        return Layout.table(caption: caption,
                     headers: [T(.unitName), T(.unitKind), T(.figVillages), T(.figHouseholds), T(.figPopulation), T(.figStations50), T(.figStations40h)],
                     rows: rows.map { row in
                         [.el("a", ["href": Route.unit(.value(row.unit.id)).path], row.unit.name), .text(kindLabel(row.unit.kind)),
                          .text(String(row.figures.villages)), .text(String(row.figures.households)), .text(String(row.figures.residentPopulation)),
                          .text(String(row.figures.stationsAtLeast50)), .text(String(row.figures.stationsOpen40Hours))]
                     })
    }

    /// Villages with the profile figures the standard asks about (items 18, 28, 45).
    static func villageTable(_ rows: [ChildRowDTO], caption: String) -> Node {
        Layout.table(caption: caption,
                     headers: [T(.unitName), T(.profileHouseholds), T(.profileResidentPopulation), T(.profileStationFloorArea),
                               T(.figWeeklyHours), T(.profileRequiredStaff)],
                     rows: rows.map { row in
                         let p = row.profile
                         return [.el("a", ["href": Route.unit(.value(row.unit.id)).path], row.unit.name),
                                 .text(p.map { String($0.households) } ?? "—"), .text(p.map { String($0.residentPopulation) } ?? "—"),
                                 p.map { status(RuleFormat.number($0.stationFloorArea), met: $0.stationFloorArea >= 50) } ?? .text("—"),
                                 p.map { status(OpeningSchedule.hoursText(minutes: $0.weeklyOpeningMinutes), met: $0.weeklyOpeningMinutes >= 40 * 60) } ?? .text("—"),
                                 .text(p.map { T(.figStaffCount, String($0.requiredStationStaff)) } ?? "—")]
                     })
    }

    /// A figure with whether it meets its item, in words (not colour alone).
    private static func status(_ text: String, met: Bool) -> Node {
        .group([.text(text + " "), .el("span", ["class": met ? "met" : "notmet"], met ? T(.statusMet) : T(.statusNotMet))])
    }

    static func unitBody(_ data: UnitPageDTO) -> Node {
        let unit = data.unit
        var parts: [Node] = []
        if !data.ancestors.isEmpty {
            parts.append(.el("nav", ["class": "crumbs", "aria-label": T(.breadcrumbs)],
                             [.group(data.ancestors.flatMap { [.el("a", ["href": Route.unit(.value($0.id)).path], $0.name), .text(" › ")] }), .text(unit.name)]))
        }
        var facts: [Node] = [
            .el("dt", [:], T(.unitKind)), .el("dd", [:], kindLabel(unit.kind)),
            .el("dt", [:], T(.unitCode)), .el("dd", [:], unit.code ?? "—"),
        ]
        if let opened = unit.openedOn { facts += [.el("dt", [:], T(.unitOpenedOn)), .el("dd", [:], opened)] }
        if let closed = unit.closedOn { facts += [.el("dt", [:], T(.unitClosedOn)), .el("dd", [:], closed)] }
        if unit.kind != .village {
            facts += [.el("dt", [:], T(.figVillages)), .el("dd", [:], String(data.figures.villages)),
                      .el("dt", [:], T(.figHouseholds)), .el("dd", [:], String(data.figures.households)),
                      .el("dt", [:], T(.figPopulation)), .el("dd", [:], String(data.figures.residentPopulation))]
        }
        if unit.kind == .village {
            parts.append(.el("section", ["class": "attention", "aria-labelledby": "attention"], [
                .el("h2", ["id": "attention"], T(.attentionTitle)),
                data.attention.isEmpty ? .el("p", [:], T(.attentionNone)) : .el("ul", [:], data.attention.map { .el("li", [:], [.el("a", ["href": $0.link], $0.text)]) }),
            ]))
        }
        // An official's home leads with what waits for them.
        if let queue = data.queue { parts.append(QueueViews.section(queue)) }
        parts.append(.el("dl", ["class": "facts"], facts))
        var actions: [Node] = []
        if data.mayManageUnits, let kind = unit.kind.childKind {
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .newChild).path], T(.unitNewChildButton, kindLabel(kind))))
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .edit).path], T(.unitEditButton)))
        }
        if data.mayEditProfile { actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .profile).path], T(.profileEditButton))) }
        actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .cycles).path], T(.navCycles)))
        if unit.kind == .village {
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .station).path], T(.navStation)))
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .records).path], T(.navRecords)))
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .standard).path], T(.standardLink)))
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .plan).path], T(.planLink)))
            actions.append(.el("a", ["href": Route.publicDisclosures(.value(unit.id)).path], T(.publicDisclosuresLink)))
        } else {
            actions.append(.el("a", ["class": "button", "href": Route.unit(.value(unit.id), .overdue).path], T(.navOverdue)))
            actions.append(.el("a", ["href": Route.unit(.value(unit.id), .rectifications).path], T(.rectOpenLink)))
            actions.append(.el("a", ["href": Route.unit(.value(unit.id), .ledgerVerify).path], T(.ledgerVerifyShort)))
            actions.append(.el("a", ["href": Route.unit(.value(unit.id), .stationStats).path], T(.statsTitleShort)))
            if unit.kind == .township { actions.append(.el("a", ["href": Route.unit(.value(unit.id), .record(.departments, .list)).path], RecordKind.departments.label)) }
        }
        if !actions.isEmpty { parts.append(.el("div", ["class": "actions"], actions)) }
        if let profile = data.profile { parts.append(profileSummary(profile)) }
        if let kind = unit.kind.childKind {
            parts.append(data.children.isEmpty
                ? .group([.el("h2", [:], T(.unitChildren, kindLabel(kind))), .el("p", [:], T(.unitNoChildren))])
                : childTable(data.children, caption: T(.unitChildren, kindLabel(kind))))
        }
        return .group(parts)
    }

    static func profileSummary(_ p: ProfileDTO) -> Node {
        let area50 = p.stationFloorArea >= 50
        let hours40 = p.weeklyOpeningMinutes >= 40 * 60
        return .group([
            .el("h2", [:], T(.profileHeading)),
            .el("dl", ["class": "facts"], [
                .el("dt", [:], T(.profileHouseholds)), .el("dd", [:], String(p.households)),
                .el("dt", [:], T(.profileResidentPopulation)), .el("dd", [:], String(p.residentPopulation)),
                .el("dt", [:], T(.profileRegisteredPopulation)), .el("dd", [:], String(p.registeredPopulation)),
                .el("dt", [:], T(.profileArea)), .el("dd", [:], RuleFormat.number(p.area)),
                .el("dt", [:], T(.profileAddress)), .el("dd", [:], p.address.isEmpty ? "—" : p.address),
                .el("dt", [:], T(.profileStationFloorArea)),
                .el("dd", [:], [.text(RuleFormat.number(p.stationFloorArea) + " "), status(area50, T(.profileItem18))]),
                .el("dt", [:], T(.profileOpeningHours)),
                .el("dd", [:], [.text(OpeningSchedule.hoursText(minutes: p.weeklyOpeningMinutes) + " "), status(hours40, T(.profileItem28)),
                                 .el("pre", [:], p.openingHours)]),
                .el("dt", [:], T(.profileHotline)), .el("dd", [:], p.hotline.isEmpty ? "—" : p.hotline),
                .el("dt", [:], T(.profileBusyFinances)), .el("dd", [:], p.busyFinances ? T(.profileBusyFinancesYes) : T(.profileBusyFinancesNo)),
                .el("dt", [:], T(.profileRequiredStaff)), .el("dd", [:], T(.profileRequiredStaffValue, String(p.requiredStationStaff))),
            ]),
        ])
    }

    private static func status(_ met: Bool, _ rule: String) -> Node {
        .el("span", ["class": met ? "met" : "notmet"], T(.parenthesized, T(.titled, rule, met ? T(.statusMet) : T(.statusNotMet))))
    }

    /// `topLevel`: a unit at the top, a city or a district (chosen here).
    static func unitForm(_ request: Request, action: String, input: UnitInput, errors: [FieldError], topLevel: Bool = false) -> Node {
        .el("form", ["method": "post", "action": action, "novalidate": ""], [
            Layout.errorSummary(errors),
            Layout.csrfField(request),
            .when(topLevel, Layout.select("kind", T(.unitKind), options: [(UnitKind.district.rawValue, kindLabel(.district)), (UnitKind.city.rawValue, kindLabel(.city))],
                                          selected: input.kind ?? UnitKind.district.rawValue, errors: errors)),
            Layout.field("name", T(.unitName), value: input.name, errors: errors, required: true),
            Layout.field("code", T(.unitCode), value: input.code ?? "", errors: errors, hint: T(.unitCodeHint), attributes: ["inputmode": "numeric"]),
            Layout.field("openedOn", T(.unitOpenedOn), value: input.openedOn ?? "", type: "date", errors: errors),
            Layout.field("closedOn", T(.unitClosedOn), value: input.closedOn ?? "", type: "date", errors: errors),
            .el("button", ["type": "submit"], T(.save)),
        ])
    }

    static func profileForm(_ request: Request, unit: OrgUnit, values: ProfileForm, errors: [FieldError]) -> Node {
        .el("form", ["method": "post", "action": Route.unit(.value(unit.id.linked), .profile).path, "novalidate": ""], [
            Layout.errorSummary(errors),
            Layout.csrfField(request),
            Layout.field("households", T(.profileHouseholds), value: values.households, errors: errors, required: true, attributes: ["inputmode": "numeric"]),
            Layout.field("residentPopulation", T(.profileResidentPopulation), value: values.residentPopulation, errors: errors, required: true, attributes: ["inputmode": "numeric"]),
            Layout.field("registeredPopulation", T(.profileRegisteredPopulation), value: values.registeredPopulation, errors: errors, required: true, attributes: ["inputmode": "numeric"]),
            Layout.field("area", T(.profileArea), value: values.area, errors: errors, required: true, attributes: ["inputmode": "decimal"]),
            Layout.field("address", T(.profileAddress), value: values.address, errors: errors),
            Layout.field("stationFloorArea", T(.profileStationFloorArea), value: values.stationFloorArea, errors: errors, required: true,
                         hint: T(.profileStationFloorAreaHint), attributes: ["inputmode": "decimal"]),
            Layout.textarea("openingHours", T(.profileOpeningHours), value: values.openingHours, errors: errors, hint: T(.profileOpeningHoursHint)),
            Layout.field("hotline", T(.profileHotline), value: values.hotline, type: "tel", errors: errors),
            .el("div", ["class": "field check"], [
                .input(["type": "checkbox", "id": "f-busyFinances", "name": "busyFinances", "value": "on", "checked": values.busyFinances ? "" : nil,
                        "aria-describedby": "f-busyFinances-hint"]),
                .el("label", ["for": "f-busyFinances"], T(.profileBusyFinances)),
                .el("p", ["class": "hint", "id": "f-busyFinances-hint"], T(.profileBusyFinancesHint)),
            ]),
            .el("button", ["type": "submit"], T(.save)),
        ])
    }
}
