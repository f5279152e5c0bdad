import Testing
@testable import StandardKit

/// Readings of the standard a township reviewer would sign (issue 20): each case from the
/// good example village with one thing changed.
@Suite("Readings of the standard")
struct ReadingsTests {
    static func organization(_ name: String, _ type: SocialOrganizationType, status: RegistrationStatus = .filed,
                             activities: [String] = []) -> VillageFacts.SocialOrganization {
        .init(name: name, type: type, status: status, registeredOn: Fixture.date("2020-01-01"), lastEvaluatedOn: Fixture.date("2026-11-20"),
              activityDates: activities.map(Fixture.date))
    }

    @Test("item 11 counts community social organizations only: a Youth League branch, a Women's Federation and a co-operative are not three")
    func item11Category() throws {
        var facts = try Fixture.goodVillage()
        facts.socialOrganizations = [Self.organization("团支部", .youthLeague), Self.organization("妇联", .womensFederation),
                                     Self.organization("板栗合作社", .farmersCooperative, status: .registered)]
        let evaluation = Fixture.evaluate(facts)
        #expect(evaluation.check("11.1")?.status == .notMet)
        #expect(evaluation.item(11)?.status == .notMet)
        #expect(evaluation.check("11.1")?.explanation.contains("不计入") == true)
        // Three of its own kinds, the mass organizations beside them: met.
        facts.socialOrganizations += [Self.organization("老年协会", .other), Self.organization("巡逻志愿队", .volunteerOrganization),
                                      Self.organization("农技协会", .economicAssociation, status: .registered)]
        #expect(Fixture.status(facts, "11.1") == .met)
    }

    @Test("item 45: the full-time party-building worker is not also one of the station's full-time staff")
    func item45OnePost() throws {
        var facts = try Fixture.goodVillage()
        facts.village.households = 600
        facts.workers.removeAll { worker in worker.roles.contains { $0.role == .stationStaff || $0.role == .partyBuildingWorker } }
        facts.workers.append(VillageFacts.Worker(name: "王建国", roles: [.init(role: .partyBuildingWorker, from: Fixture.date("2021-01-01")),
                                                                         .init(role: .stationStaff, from: Fixture.date("2021-01-01"))],
                                                 trainingHours: 48, lastEvaluatedOn: Fixture.date("2026-01-20"), payInPlace: true))
        facts.workers.append(Fixture.worker("陈晓东", .stationStaff))
        let evaluation = Fixture.evaluate(facts)
        #expect(evaluation.check("45.1")?.status == .met)
        #expect(evaluation.check("45.3")?.status == .notMet, "\(evaluation.check("45.3")?.explanation ?? "")")
        #expect(evaluation.check("45.3")?.explanation.contains("王建国同时任专职党建工作者") == true)
        #expect(evaluation.item(45)?.status == .notMet)
        // A second station worker of their own makes two.
        facts.workers.append(Fixture.worker("赵丽娟", .stationStaff))
        #expect(Fixture.status(facts, "45.3") == .met)
    }

    @Test("item 13: the organizations named before 等 are examples; three kinds whose role is shown will do, by activities or by accepted evidence")
    func item13Examples() throws {
        var facts = try Fixture.goodVillage()
        facts.reviews.removeAll { $0.check == "13.2" }
        facts.socialOrganizations.removeAll { [.youthLeague, .womensFederation, .disabledPersonsFederation, .redCross, .volunteerAssociation].contains($0.type) }
        let three = [Self.organization("团支部", .youthLeague), Self.organization("妇联", .womensFederation), Self.organization("残协", .disabledPersonsFederation)]

        // Activities recorded, no reviewer yet: met, and 13.2 is shown by the records.
        var active = facts
        active.socialOrganizations += three.map { org in var org = org; org.activityDates = [Fixture.date("2026-06-01")]; return org }
        let byRecords = Fixture.evaluate(active)
        #expect(byRecords.check("13.1")?.status == .met, "\(byRecords.check("13.1")?.explanation ?? "")")
        #expect(byRecords.check("13.2")?.status == .met)
        #expect(byRecords.item(13)?.status == .met)
        #expect(byRecords.check("13.1")?.explanation.contains("本地解读") == true)

        // No activities, the evidence accepted: met.
        var evidenced = facts
        evidenced.socialOrganizations += three
        evidenced.reviews.append(.init(check: "13.2", decision: .accepted))
        #expect(Fixture.evaluate(evidenced).item(13)?.status == .met)

        // Neither: not met, the silent kinds named.
        var silent = facts
        silent.socialOrganizations += three
        let neither = Fixture.evaluate(silent)
        #expect(neither.check("13.1")?.status == .notMet)
        #expect(neither.item(13)?.status == .notMet)
        #expect(neither.check("13.1")?.explanation.contains("未见开展活动：共青团、妇联、残联") == true)
        // A reviewer who returns 13.2 decides it, whatever the records say.
        active.reviews.append(.init(check: "13.2", decision: .returned))
        #expect(Fixture.status(active, "13.2") == .notMet)
    }

    @Test("item 20: office funds paid late are the township's failing, shown on the village's sheet, not scored against it")
    func item20Township() throws {
        let facts = try Fixture.goodVillage()
        var late = facts
        let index = try #require(late.funds.firstIndex { $0.kind == .officeFunds })
        late.funds[index].disbursements = [.init(amount: late.funds[index].planned, date: Fixture.date("2026-06-01"), disclosed: true)]
        let onTime = Fixture.evaluate(facts), evaluation = Fixture.evaluate(late)
        let check = try #require(evaluation.check("20.2"))
        #expect(check.status == .notApplicable && check.levelStatus == .notMet && check.shownStatus == .notMet)
        #expect(check.explanation.hasPrefix("由乡镇负责，不计入本村得分；按本村记录：未达标"))
        #expect(onTime.check("20.2")?.levelStatus == .met)
        #expect(evaluation.item(20)?.status == onTime.item(20)?.status)
        #expect(evaluation.tally.score == onTime.tally.score)
    }

    @Test("item 24: 实施了 is under way or done, and the works named before 等 are examples")
    func item24UnderWay() throws {
        var facts = try Fixture.goodVillage()
        facts.infrastructure = [.init(kind: .roadHardening, status: .inProgress, upkeepArranged: false)]
        #expect(Fixture.status(facts, "24.1") == .met)
        #expect(Fixture.explanation(facts, "24.1").contains("道路硬化（实施中）"))
        facts.infrastructure = [.init(kind: .roadHardening, status: .planned, upkeepArranged: false)]
        #expect(Fixture.status(facts, "24.1") == .notMet)
        #expect(Fixture.explanation(facts, "24.1").contains("计划中：道路硬化"))
    }

    @Test("item 7 as of 30 March with no meetings is not yet due, so not 达标, whatever the evidence")
    func item7NotYetDue() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll()
        let evaluation = Fixture.evaluate(facts, asOf: "2026-03-30")
        #expect(evaluation.check("7.1")?.status == .pending)
        #expect(evaluation.check("7.1")?.explanation.hasPrefix("未到期") == true)
        #expect(evaluation.item(7)?.status == .pending)
        #expect(evaluation.item(7)?.scored == true && evaluation.item(7)?.earned == 0)
    }

    @Test("a township's or district's measured check takes no result from a facts file")
    func noResultForMeasuredOtherLevel() {
        let problems = Fixture.readProblems(#"{"factsVersion": 1, "standard": "beijing-2012-trial", "year": 2026, "village": {"name": "x", "households": 10, "residentPopulation": 20}, "otherLevelResults": [{"check": "20.2", "status": "met"}]}"#)
        #expect(problems.contains { $0.description.contains("按本村记录计算") })
    }
    @Test("item 5 beside the law (Art. 30): a meeting's major decision is disclosed within the set days, or named")
    func majorDecisionsDisclosed() throws {
        var facts = try Fixture.goodVillage()
        let index = try #require(facts.meetings.firstIndex { $0.date == Fixture.date("2026-04-10") })
        facts.meetings[index].majorDecision = true
        #expect(Fixture.status(facts, "5.1") == .notMet)
        #expect(Fixture.explanation(facts, "5.1").contains("2026-04-10会议决定的重大事项未在10天内公开"))
        // Still inside its ten days: not yet late.
        #expect(Fixture.status(facts, "5.1", asOf: "2026-04-19") == .met)
        facts.disclosures.append(.init(category: .villageAffairs, publishedOn: Fixture.date("2026-04-20")))
        #expect(Fixture.status(facts, "5.1") == .met)
        #expect(Fixture.explanation(facts, "5.1").contains("本地解读（可设置）"))
    }

    @Test("item 36: the groups named before 等 are examples; three groups served this year will do, named or not, and it is pending until the year ends")
    func item36Examples() throws {
        var facts = try Fixture.goodVillage()
        let served: ([TargetGroup]) -> [VillageFacts.VolunteerActivity] = { groups in
            groups.map { .init(date: Fixture.date("2026-05-10"), categories: [.elderAndDisabilityHelp], targetGroups: [$0]) }
        }
        // No 优抚对象 in the village: the elderly, minors and low-income residents are enough.
        facts.volunteerActivities = served([.elderly, .minors, .lowIncome])
        #expect(Fixture.status(facts, "36.1") == .met)
        #expect(Fixture.explanation(facts, "36.1").contains("本年度尚未面向优抚对象开展服务"))
        // A group the text does not name counts too.
        facts.volunteerActivities = served([.elderly, .disabled, .minors])
        #expect(Fixture.status(facts, "36.1") == .met)
        // Two groups: not met once the year is over; before that, pending (not yet due).
        facts.volunteerActivities = served([.elderly, .minors])
        #expect(Fixture.status(facts, "36.1") == .notMet)
        #expect(Fixture.explanation(facts, "36.1").contains("本年度服务对象2类"))
        #expect(Fixture.status(facts, "36.1", asOf: "2026-09-30") == .pending)
        #expect(Fixture.explanation(facts, "36.1").contains("本地解读（可设置）"))
    }

    @Test("item 38: telecom, bank and post are examples; two kinds of service point in use will do, one out of use does not count")
    func item38Examples() throws {
        var facts = try Fixture.goodVillage()
        facts.facilities.removeAll { [.telecomPoint, .financePoint, .postPoint].contains($0.type) }
        #expect(Fixture.status(facts, "38.1") == .notMet)
        #expect(Fixture.explanation(facts, "38.1").contains("尚未设立服务点，要求至少2类"))
        facts.facilities.append(.init(type: .financePoint))
        #expect(Fixture.status(facts, "38.1") == .notMet)
        facts.facilities.append(.init(type: .postPoint, condition: .outOfUse))
        #expect(Fixture.status(facts, "38.1") == .notMet)
        facts.facilities.append(.init(type: .telecomPoint))
        #expect(Fixture.status(facts, "38.1") == .met)
        #expect(Fixture.explanation(facts, "38.1").contains("缺少：邮政服务点"))
    }

    @Test("item 24: every kind of asset the village has needs upkeep; a kind it does not have is recorded as not applicable")
    func item24Upkeep() throws {
        var facts = try Fixture.goodVillage()
        facts.infrastructure.removeAll { $0.kind == .waterMains }
        #expect(Fixture.status(facts, "24.2") == .notMet)
        facts.infrastructure.append(.init(kind: .waterMains, status: .notApplicable))
        #expect(Fixture.status(facts, "24.2") == .met)
        #expect(Fixture.explanation(facts, "24.2").contains("本地解读（可设置）"))
    }

    @Test("settings may not ask item 38 for more kinds than it lists")
    func servicePointsBound() throws {
        #expect(throws: CatalogueError.self) {
            try Catalogue.load(overrides: ["38.1": JSONParser.parse(#"{"minimumKinds": 4}"#)])
        }
    }
}
