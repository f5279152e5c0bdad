@testable import App
import Foundation
import Testing

/// The one-way arrows of docs/architecture.md: web → domain/store → pure kits. The pure
/// kits cannot import Vapor (their targets do not depend on it); inside App, the domain and
/// store files listed here take no Vapor `Request`, which only the web layer holds.
@Suite("Architecture: the layers point one way")
struct ArchitectureTests {
    /// Below the web layer. A file joins this list when it stops taking a `Request`;
    /// `stillTakingRequests` are the ones left (issue 19).
    static let belowTheWeb = [
        "Station/IntakeQueue.swift", "Station/LedgerAnchors.swift", "Station/LedgerStore.swift", "Station/RequestDesk.swift",
        "Station/Roster.swift", "Station/ServiceRequest.swift", "Station/StationFacts.swift",
        "Records/RecordInput.swift", "Records/RecordKind.swift", "Records/Terms.swift", "Records/VillageFactsBuilder.swift",
        "Models/ImportBatch.swift", "Models/Unit.swift", "Models/User.swift",
        "Assessment/AssessmentModels.swift", "Assessment/Snapshots.swift", "Assessment/SummaryJSON.swift",
    ]
    /// Every record kind's file is below the web layer too.
    static var kindFiles: [String] {
        ["Records/Kinds", "Station/Kinds"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: CatalogueTests.sources.appendingPathComponent("App/" + folder).path)) ?? [])
                .filter { $0.hasSuffix(".swift") }.map { folder + "/" + $0 }
        }
    }
    static let stillTakingRequests = ["Records/RecordStore.swift", "Models/Hierarchy.swift", "Assessment/Sheets.swift", "Assessment/Workflow.swift"]

    /// True when a line names the type `Request` itself (not `ServiceRequest`, `RequestDesk`…).
    static func namesVaporRequest(_ line: String) -> Bool {
        var rest = Substring(line)
        while let range = rest.range(of: "Request") {
            let before = range.lowerBound == line.startIndex ? nil : line[line.index(before: range.lowerBound)]
            let after = range.upperBound == line.endIndex ? nil : line[range.upperBound]
            if !(before.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ?? false),
               !(after.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    static func source(_ path: String) throws -> String {
        try String(contentsOf: CatalogueTests.sources.appendingPathComponent("App").appendingPathComponent(path), encoding: .utf8)
    }

    @Test("the domain and store files take no Vapor Request")
    func noRequestBelowTheWeb() throws {
        #expect(Self.kindFiles.count == RecordKind.all.count)
        for path in Self.belowTheWeb + Self.kindFiles {
            let text = try Self.source(path)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                #expect(!Self.namesVaporRequest(String(code)), "\(path):\(number + 1) takes a Vapor Request: \(code)")
            }
        }
        // The list of files still to move is true (each still takes one), so it only shrinks.
        for path in Self.stillTakingRequests {
            #expect(try Self.source(path).split(separator: "\n").contains { Self.namesVaporRequest(String($0)) }, "\(path) no longer takes a Request: move it to belowTheWeb")
        }
        #expect(Self.namesVaporRequest("func f(_ request: Request) {") && !Self.namesVaporRequest("let r: ServiceRequest = x; RequestDesk.act()"))
    }

    @Test("the pure kits import neither Vapor nor Fluent")
    func pureKits() throws {
        let root = CatalogueTests.sources
        for kit in ["StandardKit", "StationKit", "WorkCalendar", "Ledger", "Spreadsheet"] {
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(kit), includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
            #expect(!files.isEmpty, "\(kit)")
            for file in files {
                let text = try String(contentsOf: file, encoding: .utf8)
                for banned in ["import Vapor", "import Fluent", "import SQLKit"] { #expect(!text.contains(banned), "\(kit)/\(file.lastPathComponent): \(banned)") }
            }
        }
    }
}
