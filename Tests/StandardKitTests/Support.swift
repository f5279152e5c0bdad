import Foundation
@testable import StandardKit

/// Paths and fixtures shared by the tests.
enum Fixture {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared standard text, when the checkout sits beside `shared/` (as here and in CI),
    /// or where `CUNWU_STANDARD_TEXT` points.
    static var standardText: String? {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["CUNWU_STANDARD_TEXT"],
                          root.deletingLastPathComponent().appendingPathComponent("shared/standard/beijing-rural-community-standard.txt").path]
        for case let path? in candidates {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text }
        }
        return nil
    }

    static let catalogue: Catalogue = {
        do { return try Catalogue.load() } catch { fatalError("catalogue: \(error)") }
    }()

    static func exampleBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent("docs/examples/\(name)")))
    }

    /// The example village that meets every village-level check, as of 2026-12-31.
    static func goodVillage() throws -> VillageFacts {
        try FactsReader.read(try exampleBytes("village-meets-all.json"), catalogue: catalogue)
    }

    static func date(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { fatalError("bad date \(text)") }
        return date
    }

    static func evaluate(_ facts: VillageFacts, asOf: String? = nil, scheme: ScoringScheme = ScoringScheme()) -> Evaluation {
        Evaluator(catalogue: catalogue, scheme: scheme).evaluate(facts, asOf: asOf.map(date))
    }

    static func status(_ facts: VillageFacts, _ check: String, asOf: String? = nil) -> Status? {
        evaluate(facts, asOf: asOf).check(check)?.status
    }

    /// What the sheet shows: for a township's or district's check, its result at that level.
    static func shown(_ facts: VillageFacts, _ check: String, asOf: String? = nil) -> Status? {
        evaluate(facts, asOf: asOf).check(check)?.shownStatus
    }

    static func explanation(_ facts: VillageFacts, _ check: String, asOf: String? = nil) -> String {
        evaluate(facts, asOf: asOf).check(check)?.explanation ?? ""
    }

    static func worker(_ name: String, _ role: WorkerRole, from: String = "2020-01-01", to: String? = nil, hours: Double = 40,
                       qualification: SocialWorkQualification = .none) -> VillageFacts.Worker {
        VillageFacts.Worker(name: name, roles: [.init(role: role, from: date(from), to: to.map(date))], trainingHours: hours,
                            qualification: qualification, lastEvaluatedOn: date("2026-01-20"), payInPlace: true)
    }

    static func readProblems(_ json: String) -> [FactsProblem] {
        do {
            _ = try FactsReader.read(Array(json.utf8), catalogue: catalogue)
            return []
        } catch {
            return error.problems
        }
    }
}
