@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Catalogue, shared paths, unit and user forms")
struct ReviewTests {
    @Test("the deepest path a set of units shares")
    func sharedPath() {
        #expect(Hierarchy.sharedPath(["/a/b/c/", "/a/b/d/"]) == "/a/b/")
        #expect(Hierarchy.sharedPath(["/a/b/", "/x/"]) == "/")
        #expect(Hierarchy.sharedPath(["/a/b/"]) == "/a/b/")
        #expect(Hierarchy.sharedPath(["/a/bc/", "/a/b/"]) == "/a/", "whole ids only, never a prefix of one")
        #expect(Hierarchy.sharedPath([]) == "/")
    }

    @Test("home shows the figures of every unit a user holds, from one query below them all")
    func homeRows() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let user = try await World.user(app, "sun", .townshipOfficial, at: world.townshipA1)
            try await RoleAssignment(userID: try user.requireID(), role: .townshipOfficial, unit: world.townshipA2).create(on: app.db)
            let session = try await login(app, "sun")
            let list = try JSONDecoder().decode(UnitListDTO.self, from: Data(try await send(app, .GET, "/api/v1/units", as: session).body.utf8))
            #expect(Set(list.units.map(\.unit.name)) == ["桥梓镇", "怀北镇"])
            #expect(list.units.first { $0.unit.name == "桥梓镇" }?.figures.villages == 2)
            #expect(list.units.first { $0.unit.name == "怀北镇" }?.figures.villages == 1)
        }
    }

    @Test("editing a unit: the form keeps what was typed on errors; a change is audited before and after")
    func editUnit() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "sun", .districtOfficial, at: world.districtA)
            let session = try await login(app, "sun")
            let id = try world.townshipA1.requireID()
            let bad = try await send(app, .POST, "/units/\(id)/edit", as: session, form: ["name": "怀北镇", "code": "12ab"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("同一上级下已有名为“怀北镇”的单位") && bad.body.contains("value=\"12ab\""))
            let good = try await send(app, .PUT, "/api/v1/units/\(id)", as: session, json: UnitInput(name: "桥梓镇", code: "110116104000", openedOn: "2001-01-01"))
            #expect(good.status == .ok && good.body.contains("110116104000"))
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$objectType == "unit").filter(\.$action == "update").first())
            #expect(event.before?.contains("110116104000") == false && event.after?.contains("110116104000") == true)
        }
    }

    @Test("the user page adds and removes roles, refusing a role without its unit")
    func userForms() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let user = try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "root")
            let path = "/admin/users/\(try user.requireID())"
            let missing = try await send(app, .POST, path, as: session, form: ["action": "addRole", "role": "supervisor", "unitID": ""])
            #expect(missing.status == .unprocessableEntity && missing.body.contains("需要选择所在单位"))
            let added = try await send(app, .POST, path, as: session, form: ["action": "addRole", "role": "supervisor", "unitID": try world.villageV2.requireID().uuidString])
            #expect(added.status == .seeOther)
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$user.$id == user.requireID()).count() == 2)
            #expect(try await send(app, .POST, path, as: session, form: ["action": "removeRole", "index": "0"]).status == .seeOther)
            let roles = try await RoleAssignment.query(on: app.db).filter(\.$user.$id == user.requireID()).all().map(\.role)
            #expect(roles.count == 1)
            #expect(try await send(app, .POST, path, as: session, form: ["action": "explode"]).status == .badRequest)
            let weak = try await send(app, .POST, path, as: session, form: ["action": "password", "password": "zhang12345"])
            #expect(weak.status == .unprocessableEntity && weak.body.contains("密码不能包含用户名"))
        }
    }

    @Test("with more units than a list can hold, the user forms find a unit by its code or name; several matches are listed to choose from, with the units above them; none or too many is said and changes nothing")
    func unitSearch() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "root", .admin, at: nil)
            let session = try await login(app, "root")
            // Villages enough to pass the list's limit: 测试村1, 测试村2, … in township A2, and
            // a second 前辛庄村 (the first is in A1).
            for n in 1...Accounts.unitListLimit {
                try await OrgUnit(kind: .village, name: "测试村\(n)", code: String(format: "110116%06d", n), parent: world.townshipA2).create(on: app.db)
            }
            let twin = OrgUnit(kind: .village, name: "前辛庄村", code: nil, parent: world.townshipA2)
            try await twin.create(on: app.db)
            let form = try await send(app, .GET, "/admin/users/new", as: session)
            #expect(form.status == .ok && !form.body.contains("<select id=\"f-unitID\"") && form.body.contains("name=\"unitQuery\""))
            #expect(form.body.utf8.count < 20_000, "the form does not list every unit: \(form.body.utf8.count) bytes")
            let users = try await User.query(on: app.db).count()
            func create(_ username: String, _ fields: [String: String]) async throws -> (status: HTTPStatus, headers: HTTPHeaders, body: String) {
                try await send(app, .POST, "/admin/users/new", as: session,
                               form: ["username": username, "displayName": "李四", "password": "a-long-pass-2026", "role": "stationStaff"].merging(fields) { $1 })
            }
            // Two units of one name: both listed with their townships; nothing is written.
            let twice = try await create("li.si", ["unitQuery": "前辛庄村"])
            #expect(twice.status == .unprocessableEntity)
            #expect(twice.body.contains(T(.userUnitChoose, "2")))
            #expect(twice.body.contains("桥梓镇 › 前辛庄村") && twice.body.contains("怀北镇 › 前辛庄村"))
            #expect(twice.body.contains("value=\"\(try twin.requireID().uuidString)\""))
            #expect(try await User.query(on: app.db).count() == users)
            // Choosing one of them creates the account there.
            let chosen = try await create("li.si", ["unitQuery": "前辛庄村", "unitID": try twin.requireID().uuidString])
            #expect(chosen.status == .seeOther, "\(chosen.body.prefix(300))")
            let li = try #require(try await User.query(on: app.db).filter(\.$username == "li.si").with(\.$roles).first())
            #expect(li.roles.map(\.$unit.id) == [try twin.requireID()])
            // A code names one unit at once; so does a name that only one unit has.
            let byCode = try await create("wang.wu", ["unitQuery": " 110116000007 "])
            #expect(byCode.status == .seeOther, "\(byCode.body.prefix(300))")
            let wang = try #require(try await User.query(on: app.db).filter(\.$username == "wang.wu").with(\.$roles) { $0.with(\.$unit) }.first())
            #expect(wang.roles.first?.unit?.name == "测试村7")
            // None, too many and too long: said on the form, nothing written.
            let none = try await create("zhao.liu", ["unitQuery": "不存在的村"])
            #expect(none.status == .unprocessableEntity && none.body.contains(T(.userUnitNotFound, "不存在的村")))
            let many = try await create("zhao.liu", ["unitQuery": "测试"])
            #expect(many.status == .unprocessableEntity && many.body.contains(T(.userUnitTooMany, String(Accounts.unitMatchLimit), "测试")))
            let pattern = try await create("zhao.liu", ["unitQuery": "%"])
            #expect(pattern.status == .unprocessableEntity, "LIKE's characters are not patterns")
            let long = try await create("zhao.liu", ["unitQuery": String(repeating: "村", count: 51)])
            #expect(long.status == .unprocessableEntity && long.body.contains("id=\"f-unitQuery-error\""))
            #expect(try await User.query(on: app.db).filter(\.$username == "zhao.liu").count() == 0)
            // A role added on the user's page finds its unit the same way.
            let path = "/admin/users/\(try li.requireID())"
            let added = try await send(app, .POST, path, as: session, form: ["action": "addRole", "role": "supervisor", "unitQuery": "后辛庄村"])
            #expect(added.status == .seeOther, "\(added.body.prefix(300))")
            let roles = try await RoleAssignment.query(on: app.db).filter(\.$user.$id == li.requireID()).all()
            #expect(Set(roles.compactMap(\.$unit.id)) == [try twin.requireID(), try world.villageV2.requireID()])
            let unclear = try await send(app, .POST, path, as: session, form: ["action": "addRole", "role": "supervisor", "unitQuery": "前辛庄村"])
            #expect(unclear.status == .unprocessableEntity && unclear.body.contains("type=\"radio\""))
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$user.$id == li.requireID()).count() == 2)
        }
    }

    @Test("the records index counts each kind's live records")
    func recordsIndex() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            try await World.user(app, "zhang", .stationStaff, at: world.villageV1)
            let session = try await login(app, "zhang")
            let request = Request(application: app, on: app.eventLoopGroup.any())
            for title in ["一", "二"] {
                _ = try await RecordStore.insert(.meetings, values: ["kind": .text("other"), "date": .text("2026-01-05"), "title": .text(title)],
                                                 village: world.villageV1, author: request.author, on: request.db)
            }
            let gone = try await RecordStore.insert(.meetings, values: ["kind": .text("other"), "date": .text("2026-01-06"), "title": .text("三")],
                                                    village: world.villageV1, author: request.author, on: request.db)
            try await RecordStore.delete(.meetings, record: gone, author: request.author, on: request.db)
            #expect(try await RecordStore.count(.meetings, village: world.villageV1.requireID(), on: app.db) == 2)
            let page = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/records", as: session)
            #expect(page.body.contains("会议</a></td><td>第5、7、9、53条</td><td>2</td>"))
        }
    }
}
