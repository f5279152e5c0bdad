@testable import App
import Foundation
import Testing

/// The one-way arrows of docs/architecture.md: web → domain/store → pure kits. The pure
/// kits cannot import Vapor (their targets do not depend on it); inside App, the domain and
/// store files listed here take no Vapor `Request`, which only the web layer holds.
@Suite("Architecture: the layers point one way")
struct ArchitectureTests {
    /// Below the web layer: the domain and store files. The web layer hands them values
    /// (`Author`, `SheetContext`, `RequestDesk.Context`), never the request.
    static let belowTheWeb = [
        "Station/IntakeQueue.swift", "Station/LedgerAnchors.swift", "Station/LedgerStore.swift", "Station/RequestDesk.swift",
        "Station/Roster.swift", "Station/ServiceRequest.swift", "Station/StationFacts.swift",
        "Records/RecordInput.swift", "Records/RecordKind.swift", "Records/Terms.swift", "Records/VillageFactsBuilder.swift",
        "Records/ImportBatch.swift", "Units/Unit.swift", "Accounts/User.swift", "Store/PersonalDataStore.swift",
        "Assessment/AssessmentModels.swift", "Assessment/Snapshots.swift", "Assessment/SummaryJSON.swift",
        "Records/RecordStore.swift", "Units/Hierarchy.swift", "Assessment/Sheets.swift", "Assessment/Workflow.swift", "Audit/Audit.swift",
        "Records/Attachments.swift", "Station/CalendarStore.swift", "Store/Dialect.swift", "Assessment/YearLock.swift",
        "Store/PrimaryLocator.swift", "Store/ReadReplicas.swift", "Store/Frequent.swift", "Store/PostgresWriter.swift", "Store/PlacedRows.swift",
        "Assessment/KeptSummaries.swift",
    ]

    /// The web layer, by place (Core/, API/, Commands/, Jobs/: background work runs with a
    /// request of its own) or by name in a feature's room.
    static func isWeb(_ path: String) -> Bool {
        ["Core/", "API/", "Commands/", "Jobs/"].contains { path.hasPrefix($0) }
            || ["Controller.swift", "Views.swift", "DTOs.swift", "API.swift"].contains { path.hasSuffix($0) }
            || ["configure.swift", "routes.swift", "migrations.swift"].contains(path)
    }

    @Test("every file of the application has one place: the web layer, below it, or a frozen migration")
    func everyFileHasAPlace() throws {
        let root = CatalogueTests.sources.appendingPathComponent("App")
        let files = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == "swift" }.map { String($0.path.dropFirst(root.path.count + 1)) }
        let below = Set(Self.belowTheWeb + Self.kindFiles)
        #expect(files.filter { !Self.isWeb($0) && !below.contains($0) && !$0.hasPrefix("Migrations/") }.sorted() == [],
                "a file neither named as the web layer's nor listed below it")
        #expect(files.filter { Self.isWeb($0) && below.contains($0) }.sorted() == [])
        #expect(below.subtracting(files).sorted() == [], "listed files that do not exist")
    }
    /// Every record kind's file is below the web layer too.
    static var kindFiles: [String] {
        ["Records/Kinds", "Station/Kinds"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: CatalogueTests.sources.appendingPathComponent("App/" + folder).path)) ?? [])
                .filter { $0.hasSuffix(".swift") }.map { folder + "/" + $0 }
        }
    }

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
        #expect(Self.namesVaporRequest("func f(_ request: Request) {") && !Self.namesVaporRequest("let r: ServiceRequest = x; RequestDesk.act()"))
    }

    /// Code lines of a file (comments dropped).
    static func codeLines(_ path: String) throws -> [(number: Int, code: String)] {
        try source(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let code = line.trimmingCharacters(in: .whitespaces)
            return code.hasPrefix("//") ? nil : (number + 1, code)
        }
    }

    @Test("the store builds no API DTO, and Core does not call up into Assessment")
    func arrowsInsideApp() throws {
        for path in Self.belowTheWeb + Self.kindFiles {
            for (number, code) in try Self.codeLines(path) {
                #expect(code.firstMatch(of: /\b[A-Z]\w*DTO\b/) == nil, "\(path):\(number) builds an API DTO: \(code)")
            }
        }
        // SQLite and PostgreSQL are told apart in one place (and in the frozen migrations).
        let app = CatalogueTests.sources.appendingPathComponent("App")
        let files = FileManager.default.enumerator(atPath: app.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 50)
        for path in files where path != "Store/Dialect.swift" && !path.hasPrefix("Migrations/") {
            for (number, code) in try Self.codeLines(path) {
                #expect(!code.contains("dialect.name"), "\(path):\(number) asks the dialect's name: use Dialect")
            }
        }
        // Core is the web layer's plumbing (routes, access, limits, text, jobs): it names no
        // assessment type, except the route table, which names every page.
        let core = try FileManager.default.contentsOfDirectory(atPath: CatalogueTests.sources.appendingPathComponent("App/Core").path)
            .filter { $0.hasSuffix(".swift") && $0 != "Route.swift" }
        #expect(core.count > 5)
        for file in core {
            for (number, code) in try Self.codeLines("Core/" + file) {
                #expect(code.firstMatch(of: /\b(AssessmentCycle|AssessmentSheet|Sheets|Snapshots|Workflow|SheetSummary|Dashboard\w*)\b/) == nil,
                        "Core/\(file):\(number) calls up into Assessment: \(code)")
            }
        }
    }

    @Test("the OpenAPI document is typed values: no [String: Any] anywhere in App")
    func typedOpenAPI() throws {
        let app = CatalogueTests.sources.appendingPathComponent("App")
        let files = FileManager.default.enumerator(atPath: app.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        for path in files {
            for (number, code) in try Self.codeLines(path) {
                #expect(!code.contains("String: Any]"), "\(path):\(number) builds JSON from untyped values")
            }
        }
        // The model writes JSON Schema as the document's readers expect it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let choice = Schema(types: [.string, .null], allowed: ["a", nil]).described("选项")
        #expect(String(decoding: try encoder.encode(choice), as: UTF8.self) == #"{"description":"选项","enum":["a",null],"type":["string","null"]}"#)
        #expect(String(decoding: try encoder.encode(Schema.date.nullable), as: UTF8.self) == #"{"pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$","type":["string","null"]}"#)
        #expect(String(decoding: try encoder.encode(Schema.object(["b": .integer, "a": .map(of: .uuid)])), as: UTF8.self)
                == #"{"additionalProperties":false,"properties":{"a":{"additionalProperties":{"format":"uuid","type":"string"},"type":"object"},"b":{"type":"integer"}},"required":["a","b"],"type":"object"}"#)
        #expect(String(decoding: try encoder.encode(Schema.array(.ref("Unit"))), as: UTF8.self) == ##"{"items":{"$ref":"#/components/schemas/Unit"},"type":"array"}"##)
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
