import Testing
@testable import StandardKit

/// Both sides of every boundary the issue names, each starting from the example
/// village that meets everything and changing one fact.
@Suite("Measured rules")
struct RuleTests {
    @Test("the example village meets every village-level check")
    func goodVillageMeetsAll() throws {
        let evaluation = Fixture.evaluate(try Fixture.goodVillage())
        for item in evaluation.items {
            for check in item.checks where Fixture.catalogue.check(check.id)?.level == .village {
                #expect(check.status == .met, "\(check.id): \(check.explanation)")
            }
        }
        #expect(evaluation.tally.score == 100)
        #expect(evaluation.passed)
    }

    @Test("item 18: floor area 49.9 is not met, 50 is met", arguments: [(49.9, Status.notMet), (50, .met), (50.01, .met), (0, .notMet)])
    func floorArea(area: Double, expected: Status) throws {
        var facts = try Fixture.goodVillage()
        facts.station.floorArea = area
        #expect(Fixture.status(facts, "18.1") == expected)
        #expect(Fixture.explanation(facts, "18.1").contains("要求不低于50平方米"))
    }

    @Test("item 18's explanation gives the number")
    func floorAreaExplanation() throws {
        var facts = try Fixture.goodVillage()
        facts.station.floorArea = 49.9
        #expect(Fixture.explanation(facts, "18.1") == "服务站面积49.9平方米，要求不低于50平方米")
    }

    @Test("item 7: a quarter with no representative meeting fails and is named")
    func quarterWithoutMeeting() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting && $0.date.quarter == 3 }
        #expect(Fixture.status(facts, "7.1") == .notMet)
        #expect(Fixture.explanation(facts, "7.1").hasPrefix("第三季度召开村民代表会议0次，要求每季度不少于1次"))
    }

    @Test("item 7: only representative meetings count, not other kinds")
    func otherMeetingKindsDoNotCount() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting && $0.date.quarter == 2 }
        facts.meetings.append(.init(kind: .villagersMeeting, date: Fixture.date("2026-05-05")))
        facts.meetings.append(.init(kind: .jointMeeting, date: Fixture.date("2026-05-06")))
        #expect(Fixture.status(facts, "7.1") == .notMet)
    }

    @Test("item 7: a quarter not yet ended cannot fail")
    func quarterNotEnded() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting && $0.date.quarter == 3 }
        // As of 29 September the third quarter is still running.
        #expect(Fixture.status(facts, "7.1", asOf: "2026-09-29") == .met)
        // On its last day it has ended (the as-of date is inclusive).
        #expect(Fixture.status(facts, "7.1", asOf: "2026-09-30") == .notMet)
    }

    @Test("item 7: before any quarter has ended the check is not yet due")
    func noQuarterEnded() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting }
        #expect(Fixture.status(facts, "7.1", asOf: "2026-03-30") == .pending)
        facts.meetings.append(.init(kind: .representativeMeeting, date: Fixture.date("2026-02-01")))
        #expect(Fixture.status(facts, "7.1", asOf: "2026-03-30") == .met)
    }

    @Test("item 7: a meeting dated after the as-of date does not count")
    func meetingAfterAsOf() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting && $0.date.quarter == 1 }
        #expect(Fixture.status(facts, "7.1", asOf: "2026-04-01") == .notMet)
    }

    @Test("item 11: registered or filed count; not filed, dissolved and later ones do not",
          arguments: [(RegistrationStatus.registered, 3, Status.met), (.filed, 3, .met), (.notFiled, 2, .notMet)])
    func socialOrganizations(third: RegistrationStatus, counted: Int, expected: Status) throws {
        var facts = try Fixture.goodVillage()
        facts.socialOrganizations = [
            .init(name: "甲", type: .other, status: .registered),
            .init(name: "乙", type: .other, status: .filed),
            .init(name: "丙", type: .other, status: third),
        ]
        #expect(Fixture.status(facts, "11.1") == expected)
        #expect(Fixture.explanation(facts, "11.1").hasPrefix("登记备案的社区社会组织\(counted)个，要求不少于3个；本地解读"))
    }

    @Test("item 11: an organization dissolved before the as-of date, or registered after it, does not count")
    func dissolvedOrganizations() throws {
        var facts = try Fixture.goodVillage()
        facts.socialOrganizations = [
            .init(name: "甲", type: .other, status: .registered),
            .init(name: "乙", type: .other, status: .filed),
            .init(name: "丙", type: .other, status: .filed, dissolvedOn: Fixture.date("2026-06-30")),
        ]
        #expect(Fixture.status(facts, "11.1", asOf: "2026-06-29") == .met)
        #expect(Fixture.status(facts, "11.1", asOf: "2026-06-30") == .notMet)
        facts.socialOrganizations[2] = .init(name: "丙", type: .other, status: .filed, registeredOn: Fixture.date("2026-08-01"))
        #expect(Fixture.status(facts, "11.1", asOf: "2026-07-31") == .notMet)
        #expect(Fixture.status(facts, "11.1", asOf: "2026-08-01") == .met)
    }

    @Test("item 28: 38 hours a week is not met, 40 is met; overlapping intervals count once")
    func weeklyHours() throws {
        var facts = try Fixture.goodVillage()
        let day = { (w: Int, from: String, to: String) in
            VillageFacts.OpeningInterval(weekday: w, from: ClockTime(from) ?? ClockTime(minutes: 0)!, to: ClockTime(to) ?? ClockTime(minutes: 0)!)
        }
        // 5 × 7.6 h = 38 h.
        facts.station.openingHours = (1...5).map { day($0, "08:30", "16:06") }
        #expect(Fixture.status(facts, "28.1") == .notMet)
        #expect(Fixture.explanation(facts, "28.1") == "服务站每周开放38小时，要求不少于40小时")
        // 5 × 8 h = 40 h.
        facts.station.openingHours = (1...5).map { day($0, "08:30", "16:30") }
        #expect(Fixture.status(facts, "28.1") == .met)
        // The same 40 h with a duplicated, overlapping interval: still 40 h, not more.
        facts.station.openingHours = (1...5).map { day($0, "08:30", "16:30") } + [day(1, "09:00", "10:00")]
        #expect(Fixture.explanation(facts, "28.1") == "服务站每周开放40小时，要求不少于40小时")
        // 39 h 59 min is short.
        facts.station.openingHours = (1...5).map { day($0, "08:30", "16:30") }
        facts.station.openingHours[0] = day(1, "08:31", "16:30")
        #expect(Fixture.status(facts, "28.1") == .notMet)
        #expect(Fixture.explanation(facts, "28.1").hasPrefix("服务站每周开放39小时59分"))
    }

    @Test("item 33: one volunteer team is not met, two are", arguments: [(0, Status.notMet), (1, .notMet), (2, .met), (3, .met)])
    func volunteerTeams(count: Int, expected: Status) throws {
        var facts = try Fixture.goodVillage()
        facts.volunteerTeams = (0..<count).map { .init(name: "队伍\($0)") }
        #expect(Fixture.status(facts, "33.1") == expected)
    }

    @Test("item 45: station staff by households — max(2, ⌈households ÷ 300⌉)",
          arguments: [(0, 2), (1, 2), (300, 2), (600, 2), (601, 3), (900, 3), (901, 4), (3000, 10), (3001, 11)])
    func stationStaffing(households: Int, required: Int) throws {
        var facts = try Fixture.goodVillage()
        facts.village.households = households
        facts.workers.removeAll { $0.roles.contains { $0.role == .stationStaff } }
        facts.workers += (0..<required).map { Fixture.worker("站员\($0)", .stationStaff) }
        #expect(Fixture.status(facts, "45.3") == .met, "\(households) households with \(required) staff")
        #expect(Fixture.explanation(facts, "45.3").contains("应配备\(required)名"))
        facts.workers.removeLast()
        #expect(Fixture.status(facts, "45.3") == .notMet, "\(households) households with \(required - 1) staff")
    }

    @Test("item 45: staff who left before the as-of date, or start after it, do not count")
    func staffInPost() throws {
        var facts = try Fixture.goodVillage()
        facts.village.households = 600
        facts.workers.removeAll { $0.roles.contains { $0.role == .stationStaff } }
        facts.workers += [Fixture.worker("甲", .stationStaff), Fixture.worker("乙", .stationStaff, to: "2026-10-31")]
        #expect(Fixture.status(facts, "45.3", asOf: "2026-10-31") == .met)
        #expect(Fixture.status(facts, "45.3", asOf: "2026-11-01") == .notMet)
        facts.workers.append(Fixture.worker("丙", .stationStaff, from: "2026-11-15"))
        #expect(Fixture.status(facts, "45.3", asOf: "2026-11-14") == .notMet)
        #expect(Fixture.status(facts, "45.3", asOf: "2026-11-15") == .met)
    }

    @Test("item 45: at least one full-time party-building worker")
    func partyBuildingWorker() throws {
        var facts = try Fixture.goodVillage()
        #expect(Fixture.status(facts, "45.1") == .met)
        facts.workers.removeAll { $0.roles.contains { $0.role == .partyBuildingWorker } }
        #expect(Fixture.status(facts, "45.1") == .notMet)
    }

    @Test("item 46: two college-graduate officials must be in post every day of the year so far")
    func collegeGraduates() throws {
        var facts = try Fixture.goodVillage()
        facts.workers.removeAll { $0.roles.contains { $0.role == .collegeGraduateOfficial } }
        facts.workers += [Fixture.worker("甲", .collegeGraduateOfficial), Fixture.worker("乙", .collegeGraduateOfficial)]
        #expect(Fixture.shown(facts, "46.1") == .met)
        // A gap of one day (乙 leaves 5 May, successor starts 7 May) fails.
        facts.workers[facts.workers.count - 1] = Fixture.worker("乙", .collegeGraduateOfficial, to: "2026-05-05")
        facts.workers.append(Fixture.worker("丙", .collegeGraduateOfficial, from: "2026-05-07"))
        #expect(Fixture.shown(facts, "46.1") == .notMet)
        #expect(Fixture.explanation(facts, "46.1").contains("最少时为1名（自2026-05-06起）"))
        // Handing over the next day keeps two in post.
        facts.workers[facts.workers.count - 1] = Fixture.worker("丙", .collegeGraduateOfficial, from: "2026-05-06")
        #expect(Fixture.shown(facts, "46.1") == .met)
        // Only the year up to the as-of date counts: a second official from June is enough as of May? No — January to May had one.
        facts.workers.removeLast(2)
        facts.workers.append(Fixture.worker("丁", .collegeGraduateOfficial, from: "2026-06-01"))
        #expect(Fixture.shown(facts, "46.1", asOf: "2026-12-31") == .notMet)
        #expect(Fixture.explanation(facts, "46.1").contains("最少时为1名（自2026-01-01起）"))
    }

    @Test("item 46: one person with two overlapping records counts once")
    func collegeGraduateDuplicates() throws {
        var facts = try Fixture.goodVillage()
        facts.workers.removeAll { $0.roles.contains { $0.role == .collegeGraduateOfficial } }
        var one = Fixture.worker("甲", .collegeGraduateOfficial)
        one.roles.append(.init(role: .collegeGraduateOfficial, from: Fixture.date("2025-01-01")))
        facts.workers.append(one)
        #expect(Fixture.shown(facts, "46.1") == .notMet)
    }

    @Test("item 49: a worker with 0 training hours fails 'everyone trained' at year end")
    func everyoneTrained() throws {
        var facts = try Fixture.goodVillage()
        let index = try #require(facts.workers.firstIndex { $0.roles.first?.role == .stationStaff })
        facts.workers[index].trainingHours = 0
        #expect(Fixture.status(facts, "49.1") == .notMet)
        #expect(Fixture.explanation(facts, "49.1").contains(facts.workers[index].name))
        // Mid-year it is not yet due.
        #expect(Fixture.status(facts, "49.1", asOf: "2026-06-30") == .pending)
        facts.workers[index].trainingHours = 0.5
        #expect(Fixture.status(facts, "49.1") == .met)
    }

    @Test("item 49: average 39.9 is not met, 40 is met, computed exactly")
    func averageTraining() throws {
        var facts = try Fixture.goodVillage()
        facts.workers = [Fixture.worker("甲", .stationStaff, hours: 39.9, qualification: .certified),
                         Fixture.worker("乙", .stationStaff, hours: 39.9)]
        #expect(Fixture.status(facts, "49.2") == .notMet)
        #expect(Fixture.explanation(facts, "49.2").contains("平均培训39.9学时"))
        facts.workers[1].trainingHours = 40.1
        facts.workers[0].trainingHours = 39.9
        #expect(Fixture.status(facts, "49.2") == .met)
        // 0.1 + 0.2-style sums do not drift: three workers at 40.1, 39.8, 40.1 average exactly 40.
        facts.workers = [Fixture.worker("甲", .stationStaff, hours: 40.1), Fixture.worker("乙", .stationStaff, hours: 39.8),
                         Fixture.worker("丙", .stationStaff, hours: 40.1)]
        #expect(Fixture.status(facts, "49.2") == .met)
        facts.workers[1].trainingHours = 39.79
        #expect(Fixture.status(facts, "49.2") == .notMet)
    }

    @Test("item 49: community assistants are not community workers for training")
    func assistantsExcluded() throws {
        var facts = try Fixture.goodVillage()
        facts.workers.append(Fixture.worker("协管员", .communityAssistant, hours: 0))
        #expect(Fixture.status(facts, "49.1") == .met)
    }

    @Test("item 49: at least one certified social worker or social-work graduate",
          arguments: [(SocialWorkQualification.none, Status.notMet), (.certified, .met), (.graduate, .met)])
    func socialWorker(qualification: SocialWorkQualification, expected: Status) throws {
        var facts = try Fixture.goodVillage()
        for i in facts.workers.indices { facts.workers[i].qualification = .none }
        facts.workers[0].qualification = qualification
        #expect(Fixture.status(facts, "49.3") == expected)
    }

    @Test("item 21: each of the nine facilities; a missing or out-of-use library is named")
    func nineFacilities() throws {
        var facts = try Fixture.goodVillage()
        facts.facilities.removeAll { $0.type == .library }
        #expect(Fixture.status(facts, "21.1") == .notMet)
        #expect(Fixture.explanation(facts, "21.1") == "缺少：图书室")
        facts.facilities.append(.init(type: .library, condition: .outOfUse))
        #expect(Fixture.explanation(facts, "21.1") == "缺少：图书室（停用）")
        facts.facilities.append(.init(type: .library, condition: .needsRepair))
        #expect(Fixture.status(facts, "21.1") == .met)
    }

    @Test("item 21: every one of the nine is required", arguments: [
        FacilityType.partyActivityVenue, .culturalRoom, .library, .clinic, .chainStore, .deliberationVenue, .fitnessFacility, .legalServiceRoom, .policeStation,
    ])
    func eachFacility(type: FacilityType) throws {
        var facts = try Fixture.goodVillage()
        facts.facilities.removeAll { $0.type == type }
        #expect(Fixture.status(facts, "21.1") == .notMet)
        #expect(Fixture.explanation(facts, "21.1").contains(type.label))
    }

    @Test("item 17: each piece of office equipment", arguments: [FacilityType.computer, .printer, .telephone, .fax, .copier])
    func officeEquipment(type: FacilityType) throws {
        var facts = try Fixture.goodVillage()
        facts.facilities.removeAll { $0.type == type }
        #expect(Fixture.status(facts, "17.2") == .notMet)
        #expect(Fixture.explanation(facts, "17.2").hasPrefix("缺少：\(type.label)；本地解读（可设置）："))
    }

    @Test("item 29: each of the ten fields; item 37: each of the five services")
    func serviceFields() throws {
        for field in ServiceField.allCases where field != .other {
            var facts = try Fixture.goodVillage()
            facts.services.removeAll { $0.field == field }
            let check = ServiceField.allCases.firstIndex(of: field).map { $0 < 10 ? "29.1" : "37.1" } ?? ""
            #expect(Fixture.status(facts, check) == .notMet, "\(field)")
            #expect(Fixture.explanation(facts, check).contains(field.label))
        }
    }

    @Test("item 20 and 58: funds on time and in full, short and late named")
    func funds() throws {
        var facts = try Fixture.goodVillage()
        let i = try #require(facts.funds.firstIndex { $0.kind == .publicWelfareSubsidy })
        // Planned 150000.00 on 1 May; 149999.99 by the deadline is short by one fen.
        facts.funds[i].disbursements = [.init(amount: Money(fen: 14_999_999), date: Fixture.date("2026-05-31"), disclosed: true)]
        #expect(Fixture.shown(facts, "58.1") == .notMet)
        #expect(Fixture.explanation(facts, "58.1").contains("拨付不足额"))
        // The last fen arrives a day after the 30-day grace: late.
        facts.funds[i].disbursements.append(.init(amount: Money(fen: 1), date: Fixture.date("2026-06-01"), disclosed: true))
        #expect(Fixture.explanation(facts, "58.1").contains("拨付不及时"))
        // On the deadline itself it is on time.
        facts.funds[i].disbursements[1].date = Fixture.date("2026-05-31")
        #expect(Fixture.shown(facts, "58.1") == .met)
        // Before the deadline the line is not yet due.
        #expect(Fixture.shown(facts, "58.1", asOf: "2026-05-30") == .pending)
    }

    @Test("item 5: each required category disclosed every quarter that has ended")
    func quarterlyDisclosures() throws {
        var facts = try Fixture.goodVillage()
        facts.disclosures.removeAll { $0.category == .finance && $0.publishedOn.quarter == 2 }
        #expect(Fixture.status(facts, "5.1") == .notMet)
        #expect(Fixture.explanation(facts, "5.1").contains("第二季度财务公开0次"))
        #expect(Fixture.status(facts, "5.1", asOf: "2026-06-29") == .met)
    }

    @Test("item 5: a village with busy collective finances discloses them every month (Organic Law, Art. 30); others quarterly")
    func monthlyFinanceDisclosures() throws {
        var facts = try Fixture.goodVillage()
        facts.disclosures.removeAll { $0.category == .finance }
        // One finance disclosure a quarter: enough for an ordinary village…
        for month in [3, 6, 9, 12] { facts.disclosures.append(.init(category: .finance, publishedOn: Fixture.date(String(format: "2026-%02d-20", month)))) }
        #expect(Fixture.status(facts, "5.1") == .met)
        // …not for one whose finances are busy: every ended month without one is named.
        facts.village.busyFinances = true
        #expect(Fixture.status(facts, "5.1") == .notMet)
        let text = Fixture.explanation(facts, "5.1")
        #expect(text.contains("1月财务公开0次"))
        #expect(text.contains("11月财务公开0次"))
        #expect(!text.contains("3月财务公开"))
        // Every month disclosed: met, and the explanation says the months were checked.
        for month in [1, 2, 4, 5, 7, 8, 10, 11] { facts.disclosures.append(.init(category: .finance, publishedOn: Fixture.date(String(format: "2026-%02d-05", month)))) }
        #expect(Fixture.status(facts, "5.1") == .met)
        #expect(Fixture.explanation(facts, "5.1").contains("已结束的12个月均有公开"))
        // A month that has not ended is not asked for; a missed January fails before any quarter ends.
        facts.disclosures.removeAll { $0.category == .finance && $0.publishedOn.month == 1 }
        #expect(Fixture.status(facts, "5.1", asOf: "2026-01-30") == .pending)
        #expect(Fixture.status(facts, "5.1", asOf: "2026-02-10") == .notMet)
        #expect(Fixture.explanation(facts, "5.1", asOf: "2026-02-10").contains("1月财务公开0次"))
    }

    @Test("item 27: A and B holders must be two different people")
    func abPosts() throws {
        var facts = try Fixture.goodVillage()
        facts.posts[0].holderB = facts.posts[0].holderA
        #expect(Fixture.status(facts, "27.2") == .notMet)
        #expect(Fixture.explanation(facts, "27.2").contains(facts.posts[0].name))
        facts.posts[0].holderB = nil
        #expect(Fixture.status(facts, "27.2") == .notMet)
        facts.posts = []
        #expect(Fixture.status(facts, "27.2") == .notMet)
    }

    @Test("on-time rate: 95 % is met, just under is not, no due requests is not applicable")
    func onTimeRate() throws {
        var facts = try Fixture.goodVillage()
        facts.serviceRequests.dueByAsOf = 100
        facts.serviceRequests.completedOnTime = 95
        #expect(Fixture.status(facts, "28.2") == .met)
        facts.serviceRequests.completedOnTime = 94
        #expect(Fixture.status(facts, "28.2") == .notMet)
        facts.serviceRequests.dueByAsOf = 0
        facts.serviceRequests.completedOnTime = 0
        #expect(Fixture.status(facts, "28.2") == .notApplicable)
    }

    @Test("complaints: resolved within 15 days is on time, the 16th day late; one late complaint does not fail 努力解决, a late share above 10 % does")
    func complaints() throws {
        var facts = try Fixture.goodVillage()
        let onTime = VillageFacts.Complaint(receivedOn: Fixture.date("2026-03-01"), resolvedOn: Fixture.date("2026-03-16"))
        let late = VillageFacts.Complaint(receivedOn: Fixture.date("2026-03-01"), resolvedOn: Fixture.date("2026-03-17"))
        facts.complaints = [onTime]
        #expect(Fixture.status(facts, "25.1") == .met)
        facts.complaints = [late]
        #expect(Fixture.status(facts, "25.1") == .met)
        #expect(Fixture.explanation(facts, "25.1").contains("未及时办结1件"))
        #expect(Fixture.explanation(facts, "25.1").contains("本地解读（可设置）：15天内办结为及时"))
        facts.complaints = [late, late]
        #expect(Fixture.status(facts, "25.1") == .notMet)
        // Two late among twenty is 90 % on time: met; three is 85 %: not met.
        facts.complaints = [late, late] + Array(repeating: onTime, count: 18)
        #expect(Fixture.status(facts, "25.1") == .met)
        facts.complaints = [late, late, late] + Array(repeating: onTime, count: 17)
        #expect(Fixture.status(facts, "25.1") == .notMet)
        facts.complaints = [.init(receivedOn: Fixture.date("2026-12-20"))]
        #expect(Fixture.status(facts, "25.1") == .met)
        // Complaints of the year still unresolved at the end of their last day (4 January) fail.
        facts.complaints = [.init(receivedOn: Fixture.date("2026-12-20")), .init(receivedOn: Fixture.date("2026-12-20"))]
        #expect(Fixture.status(facts, "25.1", asOf: "2027-01-03") == .met)
        #expect(Fixture.status(facts, "25.1", asOf: "2027-01-04") == .notMet)
    }

    @Test("weekly minutes: empty schedule is 0; 00:00–24:00 seven days is 168 h")
    func weeklyMinutes() throws {
        #expect(RuleContext.weeklyMinutes([]) == 0)
        let midnight = try #require(ClockTime("00:00")), end = try #require(ClockTime("24:00"))
        let full = (1...7).map { VillageFacts.OpeningInterval(weekday: $0, from: midnight, to: end) }
        #expect(RuleContext.weeklyMinutes(full) == 168 * 60)
    }
}

@Suite("Item 23: maintenance kept to plan")
struct MaintenanceRuleTests {
    @Test("a plan whose day has passed is overdue unless the facility was maintained on or after it",
          arguments: [(nil as String?, Status.notMet), ("2026-05-31", .notMet), ("2026-06-01", .met), ("2026-06-20", .met), ("2026-12-30", .notMet)])
    func keptToPlan(last: String?, expected: Status) throws {
        var facts = try Fixture.goodVillage()
        let index = try #require(facts.facilities.firstIndex { $0.type == .culturalRoom })
        facts.facilities[index].nextMaintenanceOn = LocalDate("2026-06-01")
        facts.facilities[index].lastMaintainedOn = last.flatMap(LocalDate.init)
        // Evaluated as of 30 November: maintenance "done" after that day is not yet done.
        let evaluation = Fixture.evaluate(facts, asOf: "2026-11-30")
        #expect(evaluation.check("23.1")?.status == expected, "\(evaluation.check("23.1")?.explanation ?? "")")
        if let last, expected == .notMet, last <= "2026-11-30" {
            #expect(evaluation.check("23.1")?.explanation.contains("最近一次维护\(last)") == true)
        }
    }
}
