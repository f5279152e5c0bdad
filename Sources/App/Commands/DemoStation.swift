import Fluent
import StandardKit
import StationKit
import Vapor
import WorkCalendar

/// The demo's service stations: township departments, posts with A and B holders, a
/// service catalogue, and a year of requests and complaints written through the ledger
/// in time order, so every chain verifies and the desk has open, due-soon and overdue work.
enum DemoStation {
    static let departments = ["社会事务科", "社会保障所", "农业服务中心", "综合治理办公室", "社区服务中心"]

    /// (code, name, field, mode, working days, post index, materials)
    static let services: [(String, String, ServiceField, ServiceMode, Int, Int, String)] = [
        ("JY-01", "就业失业登记", .employment, .timeLimited, 5, 0, "身份证\n户口簿"),
        ("SB-01", "城乡居民养老保险参保登记", .socialSecurity, .timeLimited, 3, 0, "身份证\n户口簿\n一寸照片"),
        ("YL-01", "高龄老人津贴申领", .elderCare, .timeLimited, 10, 1, "身份证\n户口簿\n银行卡"),
        ("WT-01", "文化室场地预约", .cultureSportsEducation, .onTheSpot, 0, 2, ""),
        ("JS-01", "生育登记", .populationFamilyPlanning, .timeLimited, 5, 1, "夫妻双方身份证\n结婚证"),
        ("AQ-01", "安全隐患报告", .communitySafety, .timeLimited, 2, 2, ""),
        ("LD-01", "流动人口居住登记", .migrantManagement, .onTheSpot, 0, 2, "身份证\n租房合同"),
        ("NJ-01", "农业技术咨询预约", .agriculturalExtension, .promised, 0, 3, ""),
        ("FY-01", "动物防疫登记", .animalPlantDiseaseControl, .timeLimited, 3, 3, "养殖情况说明"),
        ("ZL-01", "农产品质量检测送样", .agriProductQuality, .timeLimited, 7, 3, "样品登记表"),
        ("JJ-01", "居家养老服务预约", .homeCare, .promised, 0, 1, "身份证"),
        ("DB-01", "代办新农合缴费", .agency, .onTheSpot, 0, 0, "身份证"),
        ("JF-01", "代缴水电燃气费", .billPayment, .onTheSpot, 0, 2, "缴费卡或户号"),
        ("PS-01", "生活用品代购配送", .goodsDelivery, .promised, 0, 2, ""),
        ("NK-01", "农科专家咨询", .agriConsulting, .timeLimited, 5, 3, ""),
    ]

    static let posts: [(String, PostKind, Int)] = [("社会保障岗", .standing, 1), ("民政事务岗", .standing, 0), ("综合服务岗", .standing, 4), ("农技服务岗", .special, 2)]

    static let residents = ["赵桂兰", "钱德明", "孙秀珍", "李春生", "周玉梅", "吴建军", "郑淑华", "王长顺", "冯玉兰", "陈德福"]

    static func seed(_ app: Application, request: Request, village: OrgUnit, index: Int, strength: Int, workers: [String], today: LocalDate) async throws {
        let db = app.db
        guard let townshipID = village.$parent.id, workers.count >= 2 else { return }
        // Each township's departments, once.
        var departmentIDs = try await RecordStore.list(.departments, village: townshipID, on: db).map(\.id.uuidString)
        if departmentIDs.isEmpty, let township = try await OrgUnit.find(townshipID, on: db) {
            for (n, name) in departments.enumerated() {
                departmentIDs.append(try await RecordStore.insert(.departments, values: ["name": .text(name), "category": .text(n == 4 ? "centre" : n == 1 ? "station" : "office"),
                                                                                        "phone": .text("010-6967\(2000 + n)")], village: township, author: request.author, on: request.db).id.uuidString)
            }
        }
        var postIDs: [String] = []
        for (n, post) in posts.enumerated() where strength >= 1 || n < 2 {
            // Station staff hold the posts; in the first village 陈晓东 (demo.station) is A of the first post and B of the second.
            let (a, b) = n == 1 ? (5, 4) : (n + 4, n + 5)
            var values: [String: FieldValue] = ["name": .text(post.0), "kind": .text(post.1.rawValue), "holderA": .text(workers[a % workers.count])]
            if strength >= 1 || n == 0 { values["department"] = .text(departmentIDs[post.2 % departmentIDs.count]) }
            if strength >= 2 || n % 2 == 0 { values["holderB"] = .text(workers[b % workers.count]) }
            postIDs.append(try await RecordStore.insert(.posts, values: values, village: village, author: request.author, on: request.db).id.uuidString)
        }
        var catalogue: [(code: String, name: String, mode: ServiceMode, limit: Int, post: String)] = []
        for (n, service) in services.enumerated() where strength >= 2 || n % 3 != 2 {
            let post = postIDs[service.5 % postIDs.count]
            try await _ = RecordStore.insert(.services, values: [
                "code": .text(service.0), "name": .text(service.1), "field": .text(service.2.rawValue), "mode": .text(service.3.rawValue),
                "timeLimit": .number(service.4), "post": .text(post), "materials": .text(service.6),
                "guide": .text("办理地点：\(village.name)社区服务站一站式服务窗口。\n办理流程：居民提交材料→窗口一口受理→\(service.3 == .onTheSpot ? "当场办结" : "按时限办结并告知结果")。"),
                "published": .flag(strength >= 2 || n % 4 != 0),
            ], village: village, author: request.author, on: request.db)
            catalogue.append((service.0, service.1, service.3, service.4, post))
        }
        if strength >= 2 { _ = try await Integrations.create(.hotline96156, village: village, by: "demo", at: app.clock.now, on: db) }
        if index == 0 {
            // The second post's A holder is on leave this week: the desk shows the cover work.
            try await _ = RecordStore.insert(.absences, values: ["worker": .text(workers[5 % workers.count]), "kind": .text("leave"),
                                                                 "from": .text(today.adding(days: -1).description), "to": .text(today.adding(days: 2).description),
                                                                 "note": .text("年休假")], village: village, author: request.author, on: request.db)
        }
        // A year of requests, one every `step` days; the last few are still open.
        let calendar = try await CalendarStore.load(on: db)
        let staff = try await RecordStore.list(.workers, village: village.requireID(), on: db)
        let names = Dictionary(staff.map { ($0.id.uuidString, $0.text("name") ?? "") }, uniquingKeysWith: { a, _ in a })
        var events: [(at: Date, item: ServiceRequest, action: LedgerAction, actor: String, payload: [String: String])] = []
        var items: [ServiceRequest] = []
        let step = strength >= 2 ? 9 : 16
        var days: [LocalDate] = []
        var next = LocalDate.firstDay(of: today.year).adding(days: 3 + index)
        while next <= today {
            if calendar.isWorkingDay(next) { days.append(next) }
            next = next.adding(days: step)
        }
        // The newest three stay open: one overdue, one waiting for materials, one in progress.
        days = days.filter { $0 < today.adding(days: -14) }
        days += [-14, -4, -1].map { offset in
            var day = today.adding(days: offset)
            while !calendar.isWorkingDay(day) { day = day.adding(days: -1) }
            return day
        }
        let openFrom = days.count - 3
        var n = 0
        @Sendable func at(_ date: LocalDate, _ minutes: Int) -> Date { Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400 - 8 * 3600 + Double(minutes) * 60) }
        for day in days where !catalogue.isEmpty {
            defer { n += 1 }
            // Open requests use time-limited services so their clocks show.
            // The newest uses the second post, whose A holder is away in the first village: B's cover work.
            let wantedPost = n == openFrom + 2 && postIDs.count > 1 ? postIDs[1] : nil
            let service = n >= openFrom
                ? (catalogue.first { $0.mode == .timeLimited && $0.limit >= 5 && (wantedPost == nil || $0.post == wantedPost) } ?? catalogue[0])
                : catalogue[n % catalogue.count]
            let clerk = names[workers[n % 2]] ?? "工作人员"
            let item = ServiceRequest()
            item.id = UUID()
            item.unitID = try village.requireID()
            item.unitPath = village.path
            item.trackingCode = app.trackingCodes.next()
            item.serviceID = service.code
            item.serviceCode = service.code
            item.serviceName = service.name
            item.serviceMode = service.mode
            item.timeLimit = service.limit
            item.postID = service.post
            item.channel = n % 5 == 3 ? .phone : .window
            item.residentName = residents[(n + index) % residents.count]
            item.residentPhone = "139\(String(format: "%08d", 10_000_000 + index * 1000 + n))"
            item.content = "\(item.residentName)申请办理\(service.name)"
            item.materials = "已收身份证复印件"
            item.receivedAt = at(day, 9 * 60 + 30)
            item.receivedOn = day.description
            item.promisedOn = service.mode == .promised ? day.adding(days: 7).description : nil
            item.firstOwnerID = nil
            item.firstOwnerName = clerk
            item.extensions = 0
            item.version = 1
            item.status = .accepted
            item.clockStart = day.description
            let due = RequestMachine.dueDate(mode: service.mode, timeLimit: service.limit, promisedOn: item.promisedOn.flatMap(LocalDate.init), start: day, calendar: calendar)
            item.dueOn = due.description
            events.append((item.receivedAt, item, .accept, clerk, ["channel": item.channel.rawValue, "dueOn": due.description, "firstOwner": clerk,
                                                                      "service": service.code, "status": "accepted"]))
            // Most are done on time; some villages run late; the newest stay open.
            let late = strength >= 3 ? false : strength == 2 ? n % 9 == 4 : n % 4 == 1
            let doneOn = late ? calendar.adding(workingDays: 2, after: due) : (service.mode == .onTheSpot ? day : calendar.adding(workingDays: max(1, service.limit / 2), after: day))
            if n < openFrom && doneOn < today {
                item.status = .completed
                item.completedOn = doneOn.description
                item.result = "已按规定办结，结果已告知居民"
                events.append((at(doneOn, 15 * 60), item, .complete, clerk, ["dueOn": due.description, "onTime": doneOn <= due ? "true" : "false",
                                                                             "result": item.result ?? "", "status": "completed"]))
            } else if n == openFrom + 1 {
                item.status = .materialsMissing
                item.missingMaterials = "户口簿原件"
                item.remainingDays = max(0, calendar.workingDays(after: day, through: due))
                events.append((at(day, 10 * 60), item, .requestMaterials, clerk, ["dueOn": due.description, "missing": "户口簿原件",
                                                                                  "remainingDays": String(item.remainingDays ?? 0), "status": "materialsMissing"]))
            } else {
                item.status = .inProgress
                events.append((at(day, 11 * 60), item, .start, clerk, ["dueOn": due.description, "status": "inProgress"]))
            }
            // Every change of a request is one ledger event, and one step of its version.
            item.version = 2
            items.append(item)
        }
        let station = village
        let stored = items, ordered = events.sorted(by: { $0.at < $1.at })
        try await db.transaction { db in
            for item in stored { try await item.create(on: db) }
            for event in ordered {
                try await LedgerStore.append(on: db, station: station, subjectType: "request", subjectID: try event.item.requireID(), action: event.action,
                                             actor: Actor(id: "demo", name: event.actor), at: event.at, payload: event.payload)
            }
        }
        // One complaint, handled, in villages that keep their records.
        if strength >= 2, let first = stored.first, let received = first.received, received.adding(days: 10) < today {
            let code = first.trackingCode
            let complaint = Complaint()
            complaint.id = UUID()
            complaint.unitID = try village.requireID()
            complaint.unitPath = village.path
            complaint.requestID = first.id
            complaint.complainantName = first.residentName
            complaint.complainantPhone = first.residentPhone
            complaint.content = "窗口等候时间较长"
            complaint.receivedOn = received.adding(days: 2).description
            complaint.status = "resolved"
            complaint.result = "已调整窗口排班，向居民说明情况"
            complaint.resolvedOn = received.adding(days: 6).description
            complaint.satisfaction = .satisfied
            complaint.version = 2
            try await db.transaction { db in
                try await complaint.create(on: db)
                let id = try complaint.requireID()
                try await LedgerStore.append(on: db, station: station, subjectType: "complaint", subjectID: id, action: .complaint, actor: Actor(id: "demo", name: "陈晓东"),
                                             at: at(received.adding(days: 2), 16 * 60), payload: ["content": "窗口等候时间较长", "request": code])
                try await LedgerStore.append(on: db, station: station, subjectType: "complaint", subjectID: id, action: .resolve, actor: Actor(id: "demo", name: "王建国"),
                                             at: at(received.adding(days: 6), 16 * 60), payload: ["result": "已调整窗口排班，向居民说明情况", "satisfaction": "satisfied"])
            }
        }
    }
}
