import Fluent
import StandardKit
import Vapor

/// The demo that `serve --demo` puts into an empty database: the city with two districts,
/// 怀柔区 (two townships, twelve villages with varied profiles) and 密云区 (one township,
/// three villages), and one account per role.
enum DemoData {
    static let adminUsername = "demo.admin"

    struct Village {
        var name: String, code: String, households: Int, population: Int, area: Double, stationArea: Double, hours: String, hotline: String
    }

    /// The city above the districts, and the second district with its township.
    static let city = (name: "北京市", code: "110000000000")
    static let secondDistrict = (name: "密云区", code: "110118000000")
    static let secondTownships: [(name: String, code: String, villages: [Village])] = [
        ("溪翁庄镇", "110118104000", [
            Village(name: "金叵罗村", code: "110118104201", households: 410, population: 1_130, area: 5.1, stationArea: 64,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: "010-69012201"),
            Village(name: "东智北村", code: "110118104202", households: 236, population: 640, area: 3.7, stationArea: 48,
                    hours: "周一至周五 09:00-12:00 13:30-16:30", hotline: ""),
            Village(name: "尖岩村", code: "110118104203", households: 352, population: 980, area: 6.0, stationArea: 55,
                    hours: "周一至周五 08:30-12:00 13:00-17:00", hotline: "010-69012203"),
        ]),
    ]

    static let townships: [(name: String, code: String, villages: [Village])] = [
        ("桥梓镇", "110116104000", [
            Village(name: "前辛庄村", code: "110116104201", households: 640, population: 1_820, area: 3.2, stationArea: 86.5,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: "010-69672101"),
            Village(name: "后辛庄村", code: "110116104202", households: 901, population: 2_610, area: 4.1, stationArea: 49.9,
                    hours: "周一至周五 09:00-12:00 13:30-17:00", hotline: "010-69672102"),
            Village(name: "北宅村", code: "110116104203", households: 312, population: 860, area: 2.4, stationArea: 60,
                    hours: "周一至周五 08:30-12:00 13:30-17:30\n周六 09:00-11:00", hotline: "010-69672103"),
            Village(name: "口头村", code: "110116104204", households: 186, population: 497, area: 5.6, stationArea: 52,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: ""),
            Village(name: "茶坞铁路村", code: "110116104205", households: 455, population: 1_240, area: 1.8, stationArea: 120,
                    hours: "周一至周五 08:00-12:00 13:00-17:00", hotline: "010-69672105"),
            Village(name: "峪口村", code: "110116104206", households: 1_210, population: 3_380, area: 6.3, stationArea: 75,
                    hours: "周一至周六 08:30-12:00 14:00-17:00", hotline: "010-69672106"),
        ]),
        ("怀北镇", "110116103000", [
            Village(name: "河防口村", code: "110116103201", households: 520, population: 1_450, area: 7.2, stationArea: 58,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: "010-69641201"),
            Village(name: "大水峪村", code: "110116103202", households: 268, population: 702, area: 9.5, stationArea: 45,
                    hours: "周一至周五 08:30-12:00 13:30-16:30", hotline: "010-69641202"),
            Village(name: "椴树岭村", code: "110116103203", households: 143, population: 350, area: 8.8, stationArea: 50,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: "010-69641203"),
            Village(name: "神堂峪村", code: "110116103204", households: 97, population: 230, area: 11.4, stationArea: 38,
                    hours: "周二至周六 09:00-12:00 13:30-16:30", hotline: ""),
            Village(name: "新峰村", code: "110116103205", households: 388, population: 1_010, area: 3.9, stationArea: 66,
                    hours: "周一至周五 08:30-12:00 13:00-17:30", hotline: "010-69641205"),
            Village(name: "邓各庄村", code: "110116103206", households: 730, population: 2_050, area: 4.6, stationArea: 90,
                    hours: "周一至周五 08:30-12:00 13:30-17:30\n周六 09:00-12:00", hotline: "010-69641206"),
        ]),
    ]

    /// (username, display name, role, unit name or nil for everywhere)
    static let accounts: [(String, String, Role, String?)] = [
        (adminUsername, "赵建华", .admin, nil),
        ("demo.city", "郑文华", .cityOfficial, "北京市"),
        ("demo.district", "孙丽萍", .districtOfficial, "怀柔区"),
        ("demo.township", "钱志刚", .townshipOfficial, "桥梓镇"),
        ("demo.secretary", "王建国", .partySecretary, "前辛庄村"),
        ("demo.committee", "李秀英", .committeeMember, "前辛庄村"),
        ("demo.station", "陈晓东", .stationStaff, "前辛庄村"),
        ("demo.supervisor", "周玉兰", .supervisor, "前辛庄村"),
        ("demo.contact", "吴海燕", .organizationContact, "前辛庄村"),
        // The station of 后辛庄村, whose sheet is approved: its year's records are locked.
        ("demo.station2", "刘晓梅", .stationStaff, "后辛庄村"),
    ]

    static func seed(_ app: Application) async throws {
        let db = app.db
        let hasUnits = try await OrgUnit.query(on: db).first() != nil
        let demoAdmin = try await User.query(on: db).filter(\.$username == adminUsername).first()
        if hasUnits && demoAdmin == nil {
            throw CommandFailure.usage("数据库中已有正式数据，--demo 只能用于空数据库或演示数据库。请改用 CUNWU_DATABASE_PATH 指定新的文件。")
        }
        let unitsByName: [String: OrgUnit]
        if !hasUnits {
            unitsByName = try await db.transaction { db in
                var unitsByName: [String: OrgUnit] = [:]
                let city = OrgUnit(kind: .city, name: Self.city.name, code: Self.city.code, parent: nil, openedOn: "2001-01-01")
                try await city.create(on: db)
                unitsByName[city.name] = city
                for (name, code, townships) in [("怀柔区", "110116000000", townships), (secondDistrict.name, secondDistrict.code, secondTownships)] {
                let district = OrgUnit(kind: .district, name: name, code: code, parent: city, openedOn: "2001-01-01")
                try await district.create(on: db)
                unitsByName[district.name] = district
                for township in townships {
                    let t = OrgUnit(kind: .township, name: township.name, code: township.code, parent: district)
                    try await t.create(on: db)
                    unitsByName[t.name] = t
                    for v in township.villages {
                        let village = OrgUnit(kind: .village, name: v.name, code: v.code, parent: t)
                        try await village.create(on: db)
                        unitsByName[village.name] = village
                        let profile = VillageProfile(unitID: try village.requireID())
                        profile.households = v.households
                        profile.residentPopulation = v.population
                        profile.registeredPopulation = Int(Double(v.population) * 0.86)
                        profile.area = v.area
                        profile.address = "\(city.name)\(name)\(township.name)\(v.name)村委会"
                        profile.stationFloorArea = v.stationArea
                        profile.openingHours = v.hours
                        profile.hotline = v.hotline
                        try await profile.create(on: db)
                    }
                }
                }
                return unitsByName
            }
        } else {
            var byName: [String: OrgUnit] = [:]
            for unit in try await OrgUnit.query(on: db).all() { byName[unit.name] = unit }
            unitsByName = byName
        }
        if !hasUnits { try await seedRecords(app, units: unitsByName) }
        let fixed = Environment.get("CUNWU_DEMO_PASSWORD").flatMap { $0.isEmpty ? nil : $0 }
        var lines: [String] = []
        for (username, name, role, unitName) in accounts {
            let password = fixed ?? Token.make(bytes: 9)
            let hash = try await app.password.async.hash(password).get()
            try await db.transaction { db in
                let user: User
                if let existing = try await User.query(on: db).filter(\.$username == username).first() {
                    existing.passwordHash = hash
                    existing.failedLogins = 0
                    existing.lockedUntil = nil
                    existing.disabled = false
                    try await existing.save(on: db)
                    user = existing
                } else {
                    user = User(username: username, displayName: name, passwordHash: hash)
                    try await user.create(on: db)
                    try await RoleAssignment(userID: try user.requireID(), role: role, unit: unitName.flatMap { unitsByName[$0] }).create(on: db)
                }
                _ = user
            }
            lines.append("  \(username.padding(toLength: 17, withPad: " ", startingAt: 0))\(password.padding(toLength: 16, withPad: " ", startingAt: 0))\(AccountViews.roleLabel(role))\(unitName.map { "（\($0)）" } ?? "")")
        }
        if !hasUnits, let city = unitsByName[Self.city.name] { try await DemoAssessment.seed(app, city: city, units: unitsByName) }
        print("""
        演示数据已就绪：北京市 → 怀柔区（桥梓镇、怀北镇，12个村）、密云区（溪翁庄镇，3个村）
        演示账户（用户名 / 密码 / 角色）：
        \(lines.joined(separator: "\n"))
        """)
    }

    /// A year of working records for the villages, varied so the evaluation shows a spread:
    /// 前辛庄村 keeps nearly everything (its third-quarter meeting is still to be entered),
    /// 后辛庄村 misses a quarter's meeting and its library,
    /// the rest keep less. Dates fall in the current year, up to today.
    static func seedRecords(_ app: Application, units: [String: OrgUnit]) async throws {
        let request = Request(application: app, on: app.eventLoopGroup.any())
        let today = StandardController.beijingToday(request.now)
        let year = today.year
        func date(_ month: Int, _ day: Int) -> String? {
            guard let d = LocalDate(year: year, month: month, day: day), d <= today else { return nil }
            return d.description
        }
        func add(_ kind: RecordKind, _ village: OrgUnit, _ values: [String: FieldValue]) async throws -> Record {
            try await RecordStore.insert(kind, values: values, village: village, author: request.author, on: request.db)
        }
        let villages = townships.flatMap(\.villages).compactMap { units[$0.name] }
        for (index, village) in villages.enumerated() {
            let strength = index == 0 ? 3 : index == 1 ? 2 : index % 3   // 3 = keeps nearly everything
            try await _ = add(.organizations, village, ["kind": .text("partyOrganization"), "name": .text("\(village.name)党支部"), "branches": .number(2)])
            try await _ = add(.organizations, village, ["kind": .text("villageCommittee"), "name": .text("\(village.name)村民委员会"),
                                                        "termStart": .text("2024-01-01"), "termEnd": .text("2028-12-31")])
            if strength >= 1 {
                try await _ = add(.organizations, village, ["kind": .text("serviceStation"), "name": .text("\(village.name)社区服务站")])
                try await _ = add(.organizations, village, ["kind": .text("supervisionCommittee"), "name": .text("\(village.name)村务监督委员会")])
            }
            // Representative meetings: every quarter, but 后辛庄村 skipped the third, and 前辛庄村 has
            // not yet entered its third-quarter minutes (the village page asks for them).
            for (month, day) in [(1, 15), (4, 10), (7, 8), (10, 12)] where !(index <= 1 && month == 7) && (strength >= 2 || month <= 4) {
                if let when = date(month, day) {
                    try await _ = add(.meetings, village, ["kind": .text("representativeMeeting"), "date": .text(when), "title": .text("\(month)月村民代表会议"),
                                                           "attendance": .number(30 + index), "majorDecisions": .text("审议本季度村务工作和财务收支")])
                    // Its decisions posted on the board three days later (item 5: promptly).
                    if strength >= 2, let posted = date(month, day + 3) {
                        try await _ = add(.disclosures, village, ["category": .text("villageAffairs"), "title": .text("\(month)月村民代表会议决定事项"),
                                                                  "publishedOn": .text(posted), "channel": .text("board"), "content": .text("审议本季度村务工作和财务收支")])
                    }
                }
            }
            for (month, day) in [(3, 20), (6, 20), (9, 20), (12, 20)] where strength >= 2 {
                if let when = date(month, day) {
                    try await _ = add(.meetings, village, ["kind": .text("jointMeeting"), "date": .text(when), "title": .text("党组织与村委会联席会议")])
                    for category in ["villageAffairs", "finance"] {
                        try await _ = add(.disclosures, village, ["category": .text(category), "title": .text("\(month)月公开"), "publishedOn": .text(when),
                                                                  "channel": .text("board"), "content": .text("本季度村务和财务收支情况")])
                    }
                }
            }
            let organizations: [(String, String, String)] = [("团支部", "youthLeague", "filed"), ("妇联", "womensFederation", "filed"),
                                                             ("志愿者协会", "volunteerAssociation", "registered"), ("板栗专业合作社", "farmersCooperative", "registered")]
            for (name, type, status) in organizations.prefix(strength + 1) {
                try await _ = add(.socialOrganizations, village, ["name": .text(village.name + name), "type": .text(type), "status": .text(status),
                                                                  "registeredOn": .text("2019-05-01"), "members": .number(20)])
            }
            for team in ["红马甲巡逻队", "夕阳红助老服务队"].prefix(strength >= 2 ? 2 : 1) {
                try await _ = add(.volunteerTeams, village, ["name": .text(team), "brand": .text(team.prefix(3) + "服务")])
            }
            let facilityTypes: [FacilityType] = [.partyActivityVenue, .culturalRoom, .library, .clinic, .chainStore, .deliberationVenue,
                                                 .fitnessFacility, .legalServiceRoom, .policeStation, .computer, .printer, .telephone, .fax, .copier]
            for type in facilityTypes where !(index == 1 && type == .library) && (strength >= 2 || type.ordinal % 3 != 0) {
                try await _ = add(.facilities, village, ["type": .text(type.rawValue), "name": .text(type.label), "condition": .text("good"),
                                                         "inspectedOn": .text(date(3, 1) ?? "\(year - 1)-12-01"),
                                                         "nextMaintenanceOn": .text(type == .culturalRoom && index == 2 ? "\(year)-01-15" : "\(year + 1)-03-01")])
            }
            let staff = [("王建国", WorkerRole.partyBuildingWorker), ("李秀英", .committeeMember), ("张志强", .committeeMember), ("刘淑芬", .committeeMember),
                         ("陈晓东", .stationStaff), ("赵丽娟", .stationStaff), ("周婷", .collegeGraduateOfficial), ("吴昊", .collegeGraduateOfficial)]
            var workerIDs: [String] = []
            for (offset, (name, role)) in staff.enumerated() where strength >= 2 || offset % 2 == 0 {
                var values: [String: FieldValue] = ["name": .text(name), "qualification": .text(offset == 4 ? "certified" : "none"),
                                                    "payInPlace": .flag(true), "lastEvaluatedOn": .text(date(1, 20) ?? "\(year - 1)-12-20")]
                // The demo accounts of 前辛庄村 hold its station posts.
                if index == 0, let account = ["陈晓东": "demo.station", "李秀英": "demo.committee", "王建国": "demo.secretary"][name] { values["account"] = .text(account) }
                let worker = try await add(.workers, village, values)
                try await _ = add(.workerRoles, village, ["worker": .text(worker.id.uuidString), "role": .text(role.rawValue), "from": .text("2022-03-01")])
                workerIDs.append(worker.id.uuidString)
            }
            if let when = date(3, 10) {
                try await _ = add(.trainings, village, ["date": .text(when), "topic": .text("社区工作实务培训"), "hours": .number(strength >= 2 ? 4000 : 2400),
                                                        "organizer": .text("区民政局"), "attendees": .text(workerIDs.sorted().joined(separator: ","))])
            }
            if let when = date(2, 12) {
                try await _ = add(.activities, village, ["kind": .text("festival"), "date": .text(when), "title": .text("元宵节文艺汇演"), "participants": .number(200)])
            }
            try await DemoStation.seed(app, request: request, village: village, index: index, strength: strength, workers: workerIDs, today: today)
        }
    }

    /// On an empty database without --demo, says how to make the first administrator.
    /// The demo's key for personal data when none is configured: beside the demo's SQLite
    /// file (`cunwu.sqlite.key`; `cunwu-demo.key` for PostgreSQL), made once (readable by
    /// its owner only) and reused, so a demo database stays readable across runs. A real
    /// deployment sets `CUNWU_DATA_KEY_FILE`.
    static func demoKeyFile(environment: [String: String]) throws -> String {
        let database = environment["CUNWU_DATABASE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "cunwu.sqlite"
        let path = (environment["DATABASE_URL"] ?? "").isEmpty ? database + ".key" : "cunwu-demo.key"
        if !FileManager.default.fileExists(atPath: path) {
            guard DataKey.writeNew(to: path) else { throw CommandFailure.usage("无法写入演示密钥文件 \(path)：请设置 CUNWU_DATA_KEY_FILE。") }
            print("演示模式：个人信息的加密密钥已写入 \(path)（正式部署请用 CUNWU_DATA_KEY_FILE 指定密钥文件）。")
        }
        return path
    }

    static func hintIfEmpty(_ app: Application) async throws {
        if try await User.query(on: app.db).first() == nil {
            app.logger.notice("数据库中还没有用户。请先运行：swift run cunwu create-user --username admin --name 管理员（或用 serve --demo 查看演示数据）")
        }
    }
}

/// `cunwu create-user --username NAME --name 姓名 [--role admin] [--unit CODE]`: makes an
/// account (the first administrator, typically). The password comes from the
/// environment variable CUNWU_NEW_PASSWORD or is asked for without echo.
struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "username", help: T(.helpCreateUserUsername))
        var username: String?
        @Option(name: "name", help: T(.helpCreateUserName))
        var name: String?
        @Option(name: "role", help: T(.helpCreateUserRole, Role.allCases.map(\.rawValue).joined(separator: ", ")))
        var role: String?
        @Option(name: "unit", help: T(.helpCreateUserUnit))
        var unit: String?
    }

    var help: String { T(.helpCreateUser) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        guard let username = signature.username, let name = signature.name else {
            throw CommandFailure.usage("请用 --username 和 --name 指定用户名和姓名")
        }
        guard let role = Role(rawValue: signature.role ?? "admin") else {
            throw CommandFailure.usage("--role 应为：\(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var unitID: UUID?
        if let key = signature.unit {
            let unit: OrgUnit?
            if let id = UUID(uuidString: key) {
                unit = try await OrgUnit.find(id, on: app.db)
            } else {
                unit = try await OrgUnit.query(on: app.db).filter(\.$code == key).first()
            }
            guard let unit else { throw CommandFailure.usage("找不到单位“\(key)”") }
            unitID = unit.id
        }
        let password = Environment.get("CUNWU_NEW_PASSWORD").flatMap { $0.isEmpty ? nil : $0 } ?? context.console.ask("密码（至少10个字符）：", isSecure: true)
        let request = Request(application: app, on: app.eventLoopGroup.any())
        do {
            let user = try await Accounts.create(NewUserInput(username: username, displayName: name, password: password, role: role, unitID: unitID), request: request)
            context.console.print("已创建用户 \(user.username)（\(AccountViews.roleLabel(role))）")
        } catch let AppError.validation(errors) {
            throw CommandFailure.badInput(file: "create-user", problems: errors.map { "\($0.field)：\($0.message)" })
        }
    }
}
