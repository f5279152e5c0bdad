import Testing
@testable import StandardKit

@Suite("Evaluation, statuses and scoring")
struct EvaluationTests {
    @Test("status combination: not met wins, then pending, then met; all not applicable stays so")
    func combine() {
        #expect(Status.combine([.met, .pending, .notMet]) == .notMet)
        #expect(Status.combine([.met, .pending, .notApplicable]) == .pending)
        #expect(Status.combine([.met, .notApplicable]) == .met)
        #expect(Status.combine([.notApplicable, .notApplicable]) == .notApplicable)
        #expect(Status.combine([]) == .notApplicable)
    }

    @Test("evidenced checks: accepted is met, returned is not met with its reason, none yet is pending")
    func evidenced() throws {
        var facts = try Fixture.goodVillage()
        facts.reviews.removeAll { $0.check == "19.1" }
        #expect(Fixture.status(facts, "19.1") == .pending)
        #expect(Fixture.explanation(facts, "19.1").contains("需提供"))
        #expect(Fixture.evaluate(facts).item(19)?.status == .pending)
        facts.reviews.append(.init(check: "19.1", decision: .returned, note: "照片不清晰"))
        #expect(Fixture.status(facts, "19.1") == .notMet)
        #expect(Fixture.explanation(facts, "19.1") == "佐证材料被退回：照片不清晰")
    }

    @Test("township and district checks are shown, never failed, and never scored on the village sheet")
    func otherLevels() throws {
        var facts = try Fixture.goodVillage()
        facts.otherLevelResults = [.init(check: "6.1", status: .notMet, note: "比例未达要求")]
        let evaluation = Fixture.evaluate(facts)
        #expect(evaluation.check("6.1")?.status == .notApplicable)
        #expect(evaluation.check("6.1")?.explanation.contains("由区县评定") == true)
        #expect(evaluation.check("6.1")?.explanation.contains("未达标") == true)
        #expect(evaluation.item(6)?.scored == false)
        #expect(evaluation.check("55.2")?.explanation.contains("尚无评定结果") == true)
        // Item 59 mixes a district check with a village one: the village one decides.
        #expect(evaluation.item(59)?.status == .met)
        #expect(evaluation.tally.score == 100)
    }

    @Test("score: every village-level item weighs 1; not-applicable items leave the denominator")
    func score() throws {
        var facts = try Fixture.goodVillage()
        facts.station.floorArea = 10
        let evaluation = Fixture.evaluate(facts)
        let scored = evaluation.items.filter(\.scored).count
        #expect(evaluation.tally.possible == Double(scored))
        #expect(evaluation.tally.earned == Double(scored - 1))
        #expect(evaluation.tally.score == (Double(scored - 1) / Double(scored) * 1000).rounded() / 10)
        // Item 47 with no assistants is not applicable and so not scored.
        facts.workers.removeAll { $0.roles.contains { $0.role == .communityAssistant } }
        let without = Fixture.evaluate(facts)
        #expect(without.item(47)?.status == .notApplicable)
        #expect(without.tally.possible == Double(scored - 1))
    }

    @Test("weights, partial credit and the pass mark are settings")
    func scheme() throws {
        var facts = try Fixture.goodVillage()
        facts.station.floorArea = 10
        let heavy = Fixture.evaluate(facts, scheme: ScoringScheme(weights: [18: 10]))
        let scored = Double(heavy.items.filter(\.scored).count)
        #expect(heavy.tally.possible == scored + 9)
        #expect(heavy.tally.earned == scored - 1)
        // Item 18 has two checks; with partial credit the other (evidenced, accepted) earns half.
        let partial = Fixture.evaluate(facts, scheme: ScoringScheme(partialCredit: true))
        #expect(partial.item(18)?.earned == 0.5)
        #expect(Fixture.evaluate(facts, scheme: ScoringScheme(passMark: 99)).passed == false)
        #expect(Fixture.evaluate(facts, scheme: ScoringScheme(passMark: 95)).passed == true)
    }

    @Test("goal and area tallies add up to the village's")
    func rollUp() throws {
        let evaluation = Fixture.evaluate(try Fixture.goodVillage())
        #expect(evaluation.goals.map(\.tally.met).reduce(0, +) == evaluation.tally.met)
        #expect(evaluation.areas.map(\.tally.notApplicable).reduce(0, +) == evaluation.tally.notApplicable)
        #expect(evaluation.tally.met + evaluation.tally.notApplicable + evaluation.tally.notMet + evaluation.tally.pending == 62)
    }

    @Test("the weaker example misses exactly the checks its description lists")
    func weakerExample() throws {
        let facts = try FactsReader.read(try Fixture.exampleBytes("village-misses-several.json"), catalogue: Fixture.catalogue)
        let evaluation = Fixture.evaluate(facts)
        let notMet = Set(evaluation.items.flatMap(\.checks).filter { $0.status == .notMet }.map(\.id))
        #expect(notMet == ["7.1", "10.1", "11.1", "18.1", "19.1", "21.1", "28.1", "29.1", "33.1", "37.1",
                           "45.3", "49.1", "49.2", "49.3"])
        // The district's and the township's duties fall short too, shown but not the village's.
        let levels = Set(evaluation.items.flatMap(\.checks).filter { $0.levelStatus == .notMet }.map(\.id))
        #expect(levels == ["46.1", "58.1"])
        // Four kinds of mass organization with accepted evidence: item 13's examples are met.
        #expect(evaluation.check("13.1")?.status == .met)
        #expect(evaluation.check("7.1")?.explanation.hasPrefix("第三季度召开村民代表会议0次，要求每季度不少于1次") == true)
        #expect(!evaluation.passed)
    }

    @Test("JSON output parses and agrees with the evaluation")
    func jsonOutput() throws {
        let evaluation = Fixture.evaluate(try Fixture.goodVillage())
        let json = try JSONParser.parse(Report.evaluationJSON(evaluation))
        #expect(json["score"]?.number == "100")
        #expect(json["items"]?.array?.count == 62)
        #expect(json["items"]?.array?.first?["checks"]?.array?.first?["status"]?.string == "met")
        #expect(json["asOf"]?.string == "2026-12-31")
        let text = Report.evaluationText(evaluation, catalogue: Fixture.catalogue)
        #expect(text.contains("得分 100"))
        #expect(text.contains("18.1 达标"))
    }
}
