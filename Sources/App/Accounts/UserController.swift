import Fluent
import Vapor

/// Accounts and their roles, for system administrators.
struct UserController {
    func register(_ router: Router) {
        router.page(.GET, .users, .everywhere(.manageUsers), list)
        router.page(.GET, .userNew, .everywhere(.manageUsers), newForm)
        router.page(.POST, .userNew, .everywhere(.manageUsers), create)
        router.page(.GET, .user(.key), .everywhere(.manageUsers), detail)
        router.page(.POST, .user(.key), .everywhere(.manageUsers), update)
        router.api(.GET, .users, .everywhere(.manageUsers), APIDoc(summary: T(.apiUsers), response: "UserList",
                                                                                  query: [("q", .string), ("limit", .integer), ("cursor", .string)]), apiList)
        router.api(.POST, .users, .everywhere(.manageUsers), APIDoc(summary: T(.apiCreateUser), request: "NewUserInput", response: "User", status: 201), apiCreate)
        router.api(.GET, .user(.key), .everywhere(.manageUsers), APIDoc(summary: T(.apiUser), response: "User"), apiDetail)
        router.api(.PUT, .user(.key), .everywhere(.manageUsers), APIDoc(summary: T(.apiUpdateUser), request: "UserUpdateInput", response: "User"), apiUpdate)
    }

    // MARK: Pages

    @Sendable func list(_ request: Request, _: OrgUnit?) async throws -> Response {
        let page = try await Accounts.page(request)
        let users = page.items
        let q = request.query[String.self, at: "q"] ?? ""
        var filters: [String: String] = [:]
        for name in ["q", "limit"] { if let value = request.query[String.self, at: name], !value.isEmpty { filters[name] = value } }
        let body: Node = .group([
            .el("div", ["class": "actions"], [.el("a", ["class": "button", "href": Route.userNew.path], T(.userNew))]),
            .el("form", ["method": "get", "action": Route.users.path, "class": "filters"], [
                Layout.field("q", T(.userSearch), value: q, type: "search", errors: []),
                .el("button", ["type": "submit"], T(.filter)),
            ]),
            Layout.table(caption: T(.usersCaption, String(page.total), String(users.count)), headers: [T(.userUsername), T(.userDisplayName), T(.userRoles), T(.userState)],
                         rows: users.map { user in
                             [.el("a", ["href": Route.user(.value(user.id)).path], user.username), .text(user.displayName),
                              .text(user.roles.map(AccountViews.roleText).joined(separator: T(.sepSemicolon))),
                              .text(user.disabled ? T(.userDisabled) : user.locked ? T(.userLocked) : T(.userActive))]
                         }),
            Paging.pager(request, path: Route.users.path, filters: filters, next: page.next),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.usersTitle), body: body))
    }

    /// The unit field's contents: the whole list when units are few; else the matches of
    /// a search (with their labels), or none.
    private func unitField(_ request: Request, matches: [OrgUnit]) async throws -> AccountViews.UnitField {
        if let units = try await Accounts.unitChoices(on: request.db) { return .list(units) }
        let labels = try await Accounts.unitLabels(matches, on: request.db)
        return .search(matches.compactMap { unit in unit.id.map { ($0, labels[$0] ?? unit.name) } })
    }

    @Sendable func newForm(_ request: Request, _: OrgUnit?) async throws -> Response {
        HTMLResponse.make(Layout.page(request: request, title: T(.userNew),
                                      body: AccountViews.newForm(request, values: [:], unit: try await unitField(request, matches: []), errors: [])))
    }

    @Sendable func create(_ request: Request, _: OrgUnit?) async throws -> Response {
        let form = try FormFields(request)
        let pick = try await Accounts.pickUnit(form, on: request.db)
        let input = NewUserInput(username: form["username"] ?? "", displayName: form["displayName"] ?? "", password: form["password"] ?? "",
                                 role: Role(rawValue: form["role"] ?? "") ?? .stationStaff, unitID: pick.unitID)
        do {
            var errors: [FieldError] = []
            if Role(rawValue: form["role"] ?? "") == nil { errors.append(FieldError(field: "role", message: T(.userRoleRequired))) }
            if let error = pick.error { errors.append(error) }
            if !errors.isEmpty { throw AppError.validation(errors) }
            let user = try await Accounts.create(input, request: request)
            return request.redirect(to: Route.user(.value(user.id)).path)
        } catch let AppError.validation(errors) {
            let values = ["username": input.username, "displayName": input.displayName, "role": form["role"] ?? "",
                          "unitID": pick.unitID?.uuidString ?? "", "unitQuery": form["unitQuery"] ?? ""]
            return HTMLResponse.make(Layout.page(request: request, title: T(.userNew),
                                                 body: AccountViews.newForm(request, values: values, unit: try await unitField(request, matches: pick.matches), errors: errors)),
                                     status: .unprocessableEntity)
        }
    }

    @Sendable func detail(_ request: Request, _: OrgUnit?) async throws -> Response {
        let user = try await Accounts.find(request.parameters.get("userID"), now: request.now, on: request.db)
        let flash = request.url.query == "saved=1" ? T(.saved) : nil
        return HTMLResponse.make(Layout.page(request: request, title: user.displayName,
                                             body: AccountViews.detail(request, user: user, unit: try await unitField(request, matches: []), values: [:], errors: []), flash: flash))
    }

    /// One form posts one action: add a role, remove a role, reset the password, disable or enable.
    @Sendable func update(_ request: Request, _: OrgUnit?) async throws -> Response {
        let current = try await Accounts.find(request.parameters.get("userID"), now: request.now, on: request.db)
        let form = try FormFields(request)
        var input = UserUpdateInput()
        switch form["action"] ?? "" {
        case "addRole":
            let pick = try await Accounts.pickUnit(form, on: request.db)
            let role = Role(rawValue: form["role"] ?? "")
            let errors = (role == nil ? [FieldError(field: "role", message: T(.userRoleRequired))] : []) + (pick.error.map { [$0] } ?? [])
            guard let role, errors.isEmpty else {
                return try await rerender(request, current, errors, pick: pick, values: ["role": form["role"] ?? "", "unitQuery": form["unitQuery"] ?? ""])
            }
            input.roles = current.roles.map { RoleInput(role: $0.role, unitID: $0.unitID) } + [RoleInput(role: role, unitID: pick.unitID)]
        case "removeRole":
            let index = Int(form["index"] ?? "") ?? -1
            guard current.roles.indices.contains(index) else { throw AppError.badRequest(T(.errorBadRequest)) }
            var roles = current.roles.map { RoleInput(role: $0.role, unitID: $0.unitID) }
            roles.remove(at: index)
            input.roles = roles
        case "password": input.password = form["password"] ?? ""
        case "disable": input.disabled = true
        case "enable": input.disabled = false
        case "displayName": input.displayName = form["displayName"] ?? ""
        default: throw AppError.badRequest(T(.errorBadRequest))
        }
        do {
            _ = try await Accounts.update(current.id, with: input, request: request)
            return request.redirect(to: Route.user(.value(current.id)).path(query: ["saved": "1"]))
        } catch let AppError.validation(errors) {
            return try await rerender(request, current, errors)
        }
    }

    private func rerender(_ request: Request, _ user: UserDTO, _ errors: [FieldError], pick: Accounts.UnitPick = .init(),
                          values: [String: String] = [:]) async throws -> Response {
        var values = values
        values["unitID"] = pick.unitID?.uuidString
        let unit = try await unitField(request, matches: pick.matches)
        return HTMLResponse.make(Layout.page(request: request, title: user.displayName,
                                             body: AccountViews.detail(request, user: user, unit: unit, values: values, errors: errors)),
                                 status: .unprocessableEntity)
    }

    // MARK: API

    @Sendable func apiList(_ request: Request, _: OrgUnit?) async throws -> UserListDTO {
        let page = try await Accounts.page(request)
        return UserListDTO(users: page.items, next: page.next, total: page.total)
    }

    @Sendable func apiCreate(_ request: Request, _: OrgUnit?) async throws -> UserDTO {
        try await Accounts.create(try request.content.decode(NewUserInput.self), request: request)
    }

    @Sendable func apiDetail(_ request: Request, _: OrgUnit?) async throws -> UserDTO {
        try await Accounts.find(request.parameters.get("userID"), now: request.now, on: request.db)
    }

    @Sendable func apiUpdate(_ request: Request, _: OrgUnit?) async throws -> UserDTO {
        let current = try await Accounts.find(request.parameters.get("userID"), now: request.now, on: request.db)
        return try await Accounts.update(current.id, with: try request.content.decode(UserUpdateInput.self), request: request)
    }
}

/// Account changes, each in one transaction with its audit event.
enum Accounts {
    /// One page of the accounts by username (A→Z): `limit` (50, at most 200) after
    /// `cursor`, those whose username starts with `q` when given; how many match in all.
    static func page(_ request: Request) async throws -> Page<UserDTO> {
        let limit = try Paging.limit(request.query[String.self, at: "limit"])
        var query = User.query(on: request.db)
        if let q = request.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces).lowercased(), !q.isEmpty {
            guard q.count <= 50 else { throw AppError.badQuery([FieldError(field: "q", message: T(.requestSearchTooLong))]) }
            // LIKE's own characters are not in usernames: they are dropped, not matched as patterns.
            query = query.filter(\.$username =~ q.filter { $0 != "%" && $0 != "_" && $0 != "\\" })
        }
        let total = try await query.copy().count()
        if let cursor = request.query[String.self, at: "cursor"], !cursor.isEmpty {
            let parts = try Paging.parts(cursor, count: 1)
            query = query.filter(\.$username > parts[0])
        }
        let users = try await query.with(\.$roles) { $0.with(\.$unit) }.sort(\.$username).limit(limit + 1).all()
        let (items, next) = Paging.split(users, limit: limit) { [$0.username] }
        return Page(items: try items.map { try dto($0, now: request.now) }, next: next, total: total)
    }

    static func find(_ id: String?, now: Date, on db: any Database) async throws -> UserDTO {
        guard let id = id.flatMap(UUID.init(uuidString:)),
              let user = try await User.query(on: db).filter(\.$id == id).with(\.$roles, { $0.with(\.$unit) }).first() else { throw AppError.notFound }
        return try dto(user, now: now)
    }

    static func dto(_ user: User, now: Date) throws -> UserDTO {
        UserDTO(id: try user.requireID(), username: user.username, displayName: user.displayName, disabled: user.disabled,
                locked: (user.lockedUntil ?? .distantPast) > now,
                roles: user.roles.map { RoleDTO(role: $0.role, unitID: $0.$unit.id, unitName: $0.unit?.name) })
    }

    /// Up to this many units, a form chooses the unit from a list; above it (Beijing has
    /// about 4,100: the list alone was 300 KB of HTML) by its name or code.
    static let unitListLimit = 300
    /// The most units a search by name lists to choose from.
    static let unitMatchLimit = 20

    /// Every unit, in the hierarchy's order, when there are few enough to list; else nil.
    static func unitChoices(on db: any Database) async throws -> [OrgUnit]? {
        guard try await OrgUnit.query(on: db).count() <= unitListLimit else { return nil }
        return try await OrgUnit.query(on: db).sort(\.$path).all()
    }

    /// The unit a form names: `unitID` (a list's choice, or one of several matches), else
    /// `unitQuery`, a unit's code or its name or part of it. One match is the unit; none,
    /// too many or several are an error on the form, several with the matches to choose from.
    struct UnitPick {
        var unitID: UUID?
        var matches: [OrgUnit] = []
        var error: FieldError?
    }

    static func pickUnit(_ form: FormFields, on db: any Database) async throws -> UnitPick {
        if let id = form["unitID"].flatMap(UUID.init(uuidString:)) {
            // A unit that does not exist is refused by the role's own check, which names it.
            return UnitPick(unitID: id, matches: try await OrgUnit.find(id, on: db).map { [$0] } ?? [])
        }
        let query = (form["unitQuery"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return UnitPick() }
        guard query.count <= 50 else { return UnitPick(error: FieldError(field: "unitQuery", message: T(.validationTooLong, T(.userUnitQuery), "50"))) }
        var found = try await OrgUnit.query(on: db).group(.or) { $0.filter(\.$code == query).filter(\.$name == query) }
            .sort(\.$path).limit(unitMatchLimit + 1).all()
        if found.isEmpty {
            // Part of a name: LIKE's own characters are dropped, not matched as patterns.
            let part = query.filter { $0 != "%" && $0 != "_" && $0 != "\\" }
            if !part.isEmpty { found = try await OrgUnit.query(on: db).filter(\.$name ~~ part).sort(\.$path).limit(unitMatchLimit + 1).all() }
        }
        switch found.count {
        case 0: return UnitPick(error: FieldError(field: "unitQuery", message: T(.userUnitNotFound, query)))
        case 1: return UnitPick(unitID: found[0].id, matches: found)
        case ...unitMatchLimit: return UnitPick(matches: found, error: FieldError(field: "unitID", message: T(.userUnitChoose, String(found.count))))
        default: return UnitPick(error: FieldError(field: "unitQuery", message: T(.userUnitTooMany, String(unitMatchLimit), query)))
        }
    }

    /// Each unit named with the units above it (two villages of one name in two townships
    /// differ by their township): 怀柔区 › 桥梓镇 › 前辛庄村（村）.
    static func unitLabels(_ units: [OrgUnit], on db: any Database) async throws -> [UUID: String] {
        let above = Set(units.flatMap(\.lineage))
        let names = Dictionary(try await OrgUnit.query(on: db).filter(\.$id ~~ Array(above)).all().compactMap { u in u.id.map { ($0, u.name) } },
                               uniquingKeysWith: { a, _ in a })
        var labels: [UUID: String] = [:]
        for unit in units {
            guard let id = unit.id else { continue }
            // The top (the city) is left out: every unit is below it.
            let path = unit.lineage.dropFirst().compactMap { names[$0] }
            labels[id] = (path.isEmpty ? unit.name : path.joined(separator: " › ")) + T(.parenthesized, UnitViews.kindLabel(unit.kind))
        }
        return labels
    }

    static func create(_ input: NewUserInput, request: Request) async throws -> UserDTO {
        var v = Validator()
        let username = v.text("username", T(.userUsername), input.username, maxLength: 32).lowercased()
        if !username.isEmpty, !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) || username.count < 3 {
            v.fail("username", T(.userUsernameFormat))
        }
        let displayName = v.text("displayName", T(.userDisplayName), input.displayName, maxLength: 50)
        for problem in PasswordPolicy.problems(input.password, username: username) { v.fail("password", problem) }
        try v.finish()
        let role = try await resolve(RoleInput(role: input.role, unitID: input.unitID), on: request.db)
        let hash = try await request.password.async.hash(input.password).get()
        let user = User(username: username, displayName: displayName, passwordHash: hash)
        try await request.db.transaction { db in
            if try await User.query(on: db).filter(\.$username == username).first() != nil {
                throw AppError.validation([FieldError(field: "username", message: T(.userDuplicate, username))])
            }
            try await user.create(on: db)
            try await RoleAssignment(userID: try user.requireID(), role: role.role, unit: role.unit).create(on: db)
            try await Audit.record(on: db, author: request.author, action: "create", objectType: "user", objectID: user.id?.uuidString, unitPath: "/",
                                   before: UserDTO?.none, after: AuditUser(username: username, displayName: displayName, disabled: false,
                                                                           roles: [RoleInput(role: role.role, unitID: role.unit?.id)]))
        }
        return try await find(user.id?.uuidString, now: request.now, on: request.db)
    }

    static func update(_ id: UUID, with input: UserUpdateInput, request: Request) async throws -> UserDTO {
        guard let user = try await User.query(on: request.db).filter(\.$id == id).with(\.$roles).first() else { throw AppError.notFound }
        var v = Validator()
        var displayName = user.displayName
        if let name = input.displayName { displayName = v.text("displayName", T(.userDisplayName), name, maxLength: 50) }
        if let password = input.password {
            for problem in PasswordPolicy.problems(password, username: user.username) { v.fail("password", problem) }
        }
        if input.disabled == true, id == request.principal?.userID { v.fail("disabled", T(.userCannotDisableSelf)) }
        if let roles = input.roles, roles.isEmpty { v.fail("roles", T(.userNeedsRole)) }
        try v.finish()
        var resolved: [(role: Role, unit: OrgUnit?)]?
        if let roles = input.roles {
            var list: [(role: Role, unit: OrgUnit?)] = []
            for role in roles { list.append(try await resolve(role, on: request.db)) }
            resolved = list
            if id == request.principal?.userID, !list.contains(where: { $0.role == .admin }) {
                throw AppError.validation([FieldError(field: "roles", message: T(.userCannotDropOwnAdmin))])
            }
        }
        let newHash = try await input.password.asyncMap { try await request.password.async.hash($0).get() }
        let before = auditUser(user)
        let newName = displayName
        let newRoles = resolved
        try await request.db.transaction { db in
            user.displayName = newName
            if let disabled = input.disabled { user.disabled = disabled }
            if let newHash {
                user.passwordHash = newHash
                user.failedLogins = 0
                user.lockedUntil = nil
            }
            try await user.save(on: db)
            if let resolved = newRoles {
                try await RoleAssignment.query(on: db).filter(\.$user.$id == id).delete()
                for item in resolved { try await RoleAssignment(userID: id, role: item.role, unit: item.unit).create(on: db) }
            }
            if input.disabled == true || newHash != nil {
                // Disabling or resetting a password ends the user's sessions.
                try await UserSession.query(on: db).filter(\.$user.$id == id).delete()
            }
            var after = before
            after.displayName = newName
            after.disabled = user.disabled
            after.passwordChanged = newHash != nil ? true : nil
            if let resolved = newRoles { after.roles = resolved.map { RoleInput(role: $0.role, unitID: $0.unit?.id) } }
            try await Audit.record(on: db, author: request.author, action: "update", objectType: "user", objectID: id.uuidString, unitPath: "/",
                                   before: before, after: after)
        }
        return try await find(id.uuidString, now: request.now, on: request.db)
    }

    /// A role must be held at a unit of its own level; administrators hold theirs everywhere.
    private static func resolve(_ input: RoleInput, on db: any Database) async throws -> (role: Role, unit: OrgUnit?) {
        guard let level = input.role.level else { return (input.role, nil) }
        guard let id = input.unitID, let unit = try await OrgUnit.find(id, on: db) else {
            throw AppError.validation([FieldError(field: "unitID", message: T(.userUnitRequired, AccountViews.roleLabel(input.role)))])
        }
        guard unit.kind == level else {
            throw AppError.validation([FieldError(field: "unitID", message: T(.userUnitLevel, AccountViews.roleLabel(input.role), UnitViews.kindLabel(level)))])
        }
        return (input.role, unit)
    }

    struct AuditUser: Encodable {
        var username: String
        var displayName: String
        var disabled: Bool
        var roles: [RoleInput]
        var passwordChanged: Bool?
    }

    private static func auditUser(_ user: User) -> AuditUser {
        AuditUser(username: user.username, displayName: user.displayName, disabled: user.disabled,
                  roles: user.roles.map { RoleInput(role: $0.role, unitID: $0.$unit.id) })
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async throws -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
