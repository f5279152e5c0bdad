import Foundation
import StandardKit

// Evaluates generated facts for many villages on one core and prints the rate.
// Run: swift run -c release engine-benchmark [--villages 3930] [--rounds 5] [--seed 1]
// Goal (issue 2): at least 20,000 village evaluations a second, explanations included.

var villages = 3930, rounds = 5, seed: UInt64 = 1, minimumRate: Double?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--villages": villages = arguments.next().flatMap(Int.init) ?? villages
    case "--rounds": rounds = arguments.next().flatMap(Int.init) ?? rounds
    case "--seed": seed = arguments.next().flatMap(UInt64.init) ?? seed
    case "--require": minimumRate = arguments.next().flatMap(Double.init)
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

let catalogue: Catalogue
do { catalogue = try Catalogue.load() } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
var generator = FactsGenerator(seed: seed)
let started = Date()
let all = (0..<villages).map { generator.village(number: $0, year: 2026) }
print("generated \(villages) villages in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")

let evaluator = Evaluator(catalogue: catalogue)
var best = Double.infinity
var checksum = 0
var statuses: [Status: Int] = [:]
for round in 1...rounds {
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for facts in all {
            let evaluation = evaluator.evaluate(facts)
            // Touch the explanations so none of the work can be skipped.
            for item in evaluation.items { for check in item.checks { checksum &+= check.explanation.utf8.count } }
            if round == 1 { for item in evaluation.items { statuses[item.status, default: 0] += 1 } }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    best = min(best, seconds)
    print("round \(round): \(villages) evaluations in \(String(format: "%.3f", seconds)) s = \(Int(Double(villages) / seconds)) evaluations/s")
}
let rate = Double(villages) / best
print("best: \(Int(rate)) village evaluations per second on one core (goal ≥ 20000); checksum \(checksum)")
print("item statuses over all villages: " + Status.allCases.map { "\($0.rawValue) \(statuses[$0] ?? 0)" }.joined(separator: ", "))
if let minimumRate, rate < minimumRate {
    print("FAIL: below the required \(Int(minimumRate)) evaluations per second")
    exit(1)
}
