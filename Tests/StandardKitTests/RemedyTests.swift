import Testing
@testable import StandardKit

/// The steps the engine computes for a check not met: each names the shortfall in the
/// check's own terms, and doing what it says meets the check.
@Suite("Remedies: what it takes to meet a check")
struct RemedyTests {
    let evaluator = Evaluator(catalogue: Fixture.catalogue)

    @Test("item 45: station staff short by households names how many to add, and adding them meets it",
          arguments: [(640, 1, 3), (640, 0, 3), (300, 1, 2), (1201, 2, 5), (0, 0, 2)])
    func staffing(households: Int, have: Int, required: Int) throws {
        var facts = try Fixture.goodVillage()
        facts.village.households = households
        facts.workers.removeAll { $0.roles.contains { $0.role == .stationStaff } }
        facts.workers += (0..<have).map { Fixture.worker("站员\($0)", .stationStaff) }
        let steps = try #require(evaluator.remedies(facts, checks: ["45.3"])["45.3"])
        #expect(steps.map(\.text) == ["再配备\(required - have)名专职工作人员（\(households)户应配\(required)名，现有\(have)名）"])
        facts.workers += (have..<required).map { Fixture.worker("新站员\($0)", .stationStaff) }
        #expect(Fixture.status(facts, "45.3") == .met)
        #expect(evaluator.remedies(facts, checks: ["45.3"])["45.3"] == nil)
    }

    @Test("item 7: a quarter over without a meeting asks for its record (dated in it); the running quarter asks for a meeting before it ends")
    func quarterlyMeetings() throws {
        var facts = try Fixture.goodVillage()
        facts.meetings.removeAll { $0.kind == .representativeMeeting && ($0.date.quarter == 3 || $0.date.quarter == 4) }
        let asOf = Fixture.date("2026-11-20")
        #expect(Fixture.status(facts, "7.1", asOf: "2026-11-20") == .notMet)
        let steps = try #require(evaluator.remedies(facts, asOf: asOf, checks: ["7.1"])["7.1"])
        #expect(steps.count == 2)
        #expect(steps[0].pastPeriod && steps[0].text.hasPrefix("第三季度已结束") && steps[0].date == Fixture.date("2026-09-30"))
        #expect(steps[0].kind == MeetingKind.representativeMeeting.rawValue)
        #expect(!steps[1].pastPeriod && steps[1].text == "第四季度结束（2026-12-31）前再进行1次：村民代表会议" && steps[1].date == asOf, "\(steps[1].text)")
        // Recording the third quarter's meeting leaves only the running quarter.
        facts.meetings.append(.init(kind: .representativeMeeting, date: Fixture.date("2026-09-30"), majorDecision: false))
        let after = try #require(evaluator.remedies(facts, asOf: asOf, checks: ["7.1"])["7.1"])
        #expect(after.count == 1 && !after[0].pastPeriod)
        #expect(Fixture.status(facts, "7.1", asOf: "2026-11-20") != .notMet)
    }

    @Test("figures short name the gap: floor area, opening hours, training hours, teams; lists name what is missing; workers never trained are named")
    func shortfalls() throws {
        var facts = try Fixture.goodVillage()
        facts.station.floorArea = 42.5
        facts.volunteerTeams = Array(facts.volunteerTeams.prefix(1))
        let untrained = Fixture.worker("李四", .committeeMember, hours: 0)
        facts.workers.append(untrained)
        facts.facilities.removeAll { $0.type == .policeStation }
        let steps = evaluator.remedies(facts, checks: ["18.1", "33.1", "49.1", "32.1", "45.2"])
        #expect(steps["18.1"]?.map(\.text) == ["服务站面积还差7.5平方米（要求50平方米，现有42.5平方米）"])
        #expect(steps["33.1"]?.map(\.text) == ["还差1（要求不少于2，现有1）"])
        #expect(steps["49.1"]?.map(\.person) == ["李四"])
        #expect(steps["32.1"]?.first?.text.hasPrefix("补齐：") == true)
        #expect(steps["45.2"] == nil, "a check that is met gets no steps")
    }
}
