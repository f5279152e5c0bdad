import Vapor

enum AccountViews {
    static func roleLabel(_ role: Role) -> String {
        switch role {
        case .admin: return T(.roleAdmin)
        case .cityOfficial: return T(.roleCityOfficial)
        case .districtOfficial: return T(.roleDistrictOfficial)
        case .townshipOfficial: return T(.roleTownshipOfficial)
        case .partySecretary: return T(.rolePartySecretary)
        case .committeeMember: return T(.roleCommitteeMember)
        case .stationStaff: return T(.roleStationStaff)
        case .supervisor: return T(.roleSupervisor)
        case .organizationContact: return T(.roleOrganizationContact)
        }
    }

    static func roleText(_ role: RoleDTO) -> String {
        roleLabel(role.role) + (role.unitName.map { T(.parenthesized, $0) } ?? "")
    }

    /// How a form names a unit: from the list of every unit (few of them), or by a search
    /// for its name or code, with the matches of the last search to choose from.
    enum UnitField {
        case list([OrgUnit])
        case search([(id: UUID, label: String)])
    }

    static func unitField(_ field: UnitField, values: [String: String], errors: [FieldError]) -> Node {
        switch field {
        case let .list(units):
            return Layout.select("unitID", T(.userUnit), options: unitOptions(units), selected: values["unitID"] ?? "", errors: errors)
        case let .search(matches):
            let error = errors.first { $0.field == "unitID" }?.message
            // The matches as a choice (the one chosen already ticked), then the search box.
            let choice: Node = matches.isEmpty ? .empty : .el("fieldset", ["class": error == nil ? "field" : "field invalid", "id": "f-unitID"], [
                .el("legend", [:], T(.userUnit)),
                .when(error != nil, .el("p", ["class": "error", "id": "f-unitID-error"], error ?? "")),
                .group(matches.map { match in
                    .el("div", ["class": "field"], [.el("label", ["class": "check"], [
                        .input(["type": "radio", "name": "unitID", "value": match.id.uuidString, "checked": values["unitID"] == match.id.uuidString ? "" : nil]),
                        .text(match.label),
                    ])])
                }),
            ])
            return .group([
                choice,
                Layout.field("unitQuery", matches.isEmpty ? T(.userUnit) + T(.parenthesized, T(.userUnitQuery)) : T(.userUnitQuery),
                             value: values["unitQuery"] ?? "", type: "search", errors: errors, hint: T(.userUnitQueryHint), attributes: ["autocomplete": "off"]),
            ])
        }
    }

    private static func unitOptions(_ units: [OrgUnit]) -> [(value: String, label: String)] {
        // Each level below the top indented by one ideographic space, a character's width.
        [("", T(.userNoUnit))] + units.compactMap { unit in
            unit.id.map { ($0.uuidString, String(repeating: "\u{3000}", count: max(0, unit.lineage.count - 1)) + unit.name + T(.parenthesized, UnitViews.kindLabel(unit.kind))) }
        }
    }

    private static var roleOptions: [(value: String, label: String)] {
        [("", T(.userChooseRole))] + Role.allCases.map { ($0.rawValue, roleLabel($0)) }
    }

    static func newForm(_ request: Request, values: [String: String], unit: UnitField, errors: [FieldError]) -> Node {
        .el("form", ["method": "post", "action": Route.userNew.path, "novalidate": ""], [
            Layout.errorSummary(errors),
            Layout.csrfField(request),
            Layout.field("username", T(.userUsername), value: values["username"] ?? "", errors: errors, required: true, hint: T(.userUsernameHint),
                         attributes: ["autocomplete": "off", "autocapitalize": "none"]),
            Layout.field("displayName", T(.userDisplayName), value: values["displayName"] ?? "", errors: errors, required: true),
            Layout.field("password", T(.userPassword), value: "", type: "password", errors: errors, required: true, hint: T(.userPasswordHint),
                         attributes: ["autocomplete": "new-password"]),
            Layout.select("role", T(.userRole), options: roleOptions, selected: values["role"] ?? "", errors: errors),
            unitField(unit, values: values, errors: errors),
            .el("button", ["type": "submit"], T(.save)),
        ])
    }

    static func detail(_ request: Request, user: UserDTO, unit: UnitField, values: [String: String], errors: [FieldError]) -> Node {
        func action(_ name: String, _ fields: [Node], _ button: String) -> Node {
            .el("form", ["method": "post", "action": Route.user(.value(user.id)).path, "class": "stack", "novalidate": ""],
                [Layout.csrfField(request), .input(["type": "hidden", "name": "action", "value": name])] + fields + [.el("button", ["type": "submit"], button)])
        }
        return .group([
            Layout.errorSummary(errors),
            .el("dl", ["class": "facts"], [
                .el("dt", [:], T(.userUsername)), .el("dd", [:], user.username),
                .el("dt", [:], T(.userState)), .el("dd", [:], user.disabled ? T(.userDisabled) : user.locked ? T(.userLocked) : T(.userActive)),
            ]),
            .el("h2", [:], T(.userRoles)),
            user.roles.isEmpty ? .el("p", [:], T(.userNoRoles)) : .el("ul", [:], user.roles.enumerated().map { index, role in
                .el("li", [:], [.text(roleText(role) + " "),
                                 .el("form", ["method": "post", "action": Route.user(.value(user.id)).path, "class": "inline"], [
                                     Layout.csrfField(request), .input(["type": "hidden", "name": "action", "value": "removeRole"]),
                                     .input(["type": "hidden", "name": "index", "value": String(index)]),
                                     .el("button", ["type": "submit", "class": "link"], T(.userRemoveRole)),
                                 ])])
            }),
            action("addRole", [Layout.select("role", T(.userRole), options: roleOptions, selected: values["role"] ?? "", errors: errors),
                               unitField(unit, values: values, errors: errors)], T(.userAddRole)),
            .el("h2", [:], T(.userDisplayName)),
            action("displayName", [Layout.field("displayName", T(.userDisplayName), value: user.displayName, errors: errors)], T(.save)),
            .el("h2", [:], T(.userResetPassword)),
            action("password", [Layout.field("password", T(.userNewPassword), value: "", type: "password", errors: errors, hint: T(.userPasswordHint),
                                             attributes: ["autocomplete": "new-password"])], T(.userResetPassword)),
            .el("h2", [:], T(.userState)),
            user.disabled ? action("enable", [], T(.userEnable)) : action("disable", [], T(.userDisable)),
        ])
    }
}
