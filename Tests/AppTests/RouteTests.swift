@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// One typed route table (issue 19, item 3): routes are registered only from `Route`
/// values, every link the pages hold leads to a registered route, and no source file
/// spells a path of its own.
@Suite("Routes: one typed table for registering and linking")
struct RouteTests {
    /// True when `path` (no query) fills `pattern`'s parameters with non-empty segments.
    static func matches(_ path: String, _ pattern: String) -> Bool {
        let have = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let want = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard have.count == want.count else { return pattern == "/" && path == "/" }
        return zip(have, want).allSatisfy { segment, expected in
            expected.hasPrefix(":") ? !segment.isEmpty && !segment.contains(":") : segment == expected
        }
    }

    @Test("every route is registered once, from a Route value, with no empty segment")
    func registeredOnce() async throws {
        try await withApp { app, _ in
            let specs = app.routeTable.specs
            #expect(specs.count > 500)
            var seen = Set<String>()
            for spec in specs {
                let key = "\(spec.method.rawValue) \(spec.path)"
                #expect(seen.insert(key).inserted, "\(key) is registered twice")
                #expect(spec.path == "/" || !spec.path.contains("//"), "\(key)")
                #expect(!spec.path.hasSuffix("/") || spec.path == "/", "\(key)")
                // A route registered by string would have no segments of its own.
                #expect(spec.route.pattern == spec.path)
            }
        }
    }

    @Test("a link holds its values, escaped, and matches the route it names")
    func linksFromValues() async throws {
        let unit = UUID(), record = UUID(), cycle = UUID()
        let links: [(String, String)] = [
            (UnitLinks(unit: unit)(.requests), "/units/:unitID/requests"),
            (UnitLinks(unit: unit)(), "/units/:unitID"),
            (Route.unit(.value(unit), .record(.meetings, .edit(.value(record)))).path, "/units/:unitID/records/meetings/:recordID/edit"),
            (CycleLinks(unit: unit, cycle: cycle)(.step(.return)), "/units/:unitID/cycles/:cycleID/return"),
            (CycleLinks(unit: unit, cycle: cycle)(.sheet), "/units/:unitID/cycles/:cycleID"),
            (Route.api(.unit(.value(unit), .record(.workers, .value(record)))).path, "/api/v1/units/:unitID/workers/:recordID"),
            (Route.publicGuide(.value(unit), .value("SB-01")).path, "/public/stations/:stationID/services/:code"),
        ]
        for (link, pattern) in links {
            #expect(Self.matches(link, pattern), "\(link) does not fill \(pattern)")
            #expect(!link.contains(":") && !link.contains("//"), "\(link)")
        }
        #expect(Route.unit(.value(unit), .records).path == "/units/\(unit.uuidString)/records")
        // A value that holds a slash stays one segment.
        #expect(Route.publicGuide(.value(unit), .value("a/b c")).path.hasSuffix("/services/a%2Fb%20c"))
        #expect(Route.publicTrack.path(query: ["code": "A&B=1"]) == "/public/track?code=A%26B%3D1")
        #expect(Route.loginPath(next: "//evil.example/") == "/login")
        #expect(Optional<UUID>.none.linked == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    }

    @Test("every link and form on the demo's pages, for an administrator and a village's station staff, leads to a registered route")
    func crawlDemo() async throws {
        try await withDemo { app in
            let specs = app.routeTable.specs
            func registered(_ method: HTTPMethod, _ target: String) -> Bool {
                let path = String(target.prefix { $0 != "?" && $0 != "#" })
                return specs.contains { $0.method == method && Self.matches(path, $0.path) }
            }
            var checkedLinks = 0, checkedForms = 0
            for username in [DemoData.adminUsername, "demo.station"] {
                let session = try await login(app, username, "demo-pass-2026")
                var queue = ["/"], seen = Set<String>(["/"])
                var pages = 0
                while !queue.isEmpty, pages < 120 {
                    let page = queue.removeFirst()
                    let response = try await send(app, .GET, page, as: session)
                    pages += 1
                    #expect(response.status != .notFound, "\(username): \(page) is linked but not found")
                    guard response.headers.contentType == .html else { continue }
                    let html = response.body
                    for href in Self.attributes("href", in: html) where href.hasPrefix("/") {
                        checkedLinks += 1
                        #expect(registered(.GET, href), "\(username) on \(page): link \(href) matches no route")
                        let path = String(href.prefix { $0 != "#" })
                        // Downloads and the language switch are checked, not followed.
                        if !path.contains("export") && !path.hasPrefix("/language/") && !path.hasPrefix("/assets/") && seen.insert(path).inserted { queue.append(path) }
                    }
                    for form in Self.forms(in: html) where form.action.hasPrefix("/") {
                        checkedForms += 1
                        #expect(registered(form.method, form.action), "\(username) on \(page): form \(form.method) \(form.action) matches no route")
                    }
                }
            }
            #expect(checkedLinks > 500, "\(checkedLinks)")
            #expect(checkedForms > 20, "\(checkedForms)")
        }
    }

    @Test("no application source spells a route's path: registrations and links are Route values")
    func noPathStrings() async throws {
        var words = Set<String>(), firstWords = Set<String>()
        try await withApp { app, _ in
            for spec in app.routeTable.specs {
                for case let .literal(word) in spec.route.segments { words.insert(word) }
                if case let .literal(word)? = spec.route.segments.first { firstWords.insert(word) }
            }
        }
        #expect(firstWords.contains("units") && words.contains("rectification"))
        var found: [String] = []
        for (name, text) in try CatalogueTests.applicationSources() where name != "Route.swift" {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                for literal in Self.stringLiterals(in: String(code)) where Self.spellsPath(literal, firstWords: firstWords, words: words) {
                    found.append("\(name):\(number + 1): \"\(literal)\"")
                }
            }
        }
        #expect(found == [], "paths spelled in source")
        // The check finds a path written the old way.
        #expect(Self.spellsPath("/units/\\(id)/records", firstWords: firstWords, words: words))
        #expect(Self.spellsPath("\\(base)/rectification", firstWords: firstWords, words: words))
        #expect(!Self.spellsPath("/var/lib/cunwu/ledger.anchors", firstWords: firstWords, words: words))
    }

    /// A literal that starts like a route ("/units…") or continues one ("\(base)/edit", "/edit").
    static func spellsPath(_ literal: String, firstWords: Set<String>, words: Set<String>) -> Bool {
        func word(after index: String.Index) -> String {
            String(literal[index...].dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "." })
        }
        if literal.hasPrefix("/"), firstWords.contains(word(after: literal.startIndex)) { return true }
        var rest = literal[...]
        while let slash = rest.range(of: ")/") {
            if words.contains(word(after: literal.index(before: slash.upperBound))) { return true }
            rest = rest[slash.upperBound...]
        }
        if literal.hasPrefix("/"), literal.count > 1, words.contains(word(after: literal.startIndex)), !literal.contains(" ") { return true }
        return false
    }

    /// The string literals of one line (simple ones: enough for paths).
    static func stringLiterals(in line: String) -> [String] {
        var literals: [String] = []
        var current: String?
        var escaped = false
        for character in line {
            if var text = current {
                if escaped { text.append(character); escaped = false; current = text; continue }
                if character == "\\" { text.append(character); escaped = true; current = text; continue }
                if character == "\"" { literals.append(text); current = nil; continue }
                text.append(character)
                current = text
            } else if character == "\"" {
                current = ""
            }
        }
        return literals
    }

    static func attributes(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: " \(name)=\"").dropFirst().compactMap { $0.split(separator: "\"", maxSplits: 1).first.map { unescape(String($0)) } }
    }

    static func forms(in html: String) -> [(method: HTTPMethod, action: String)] {
        html.components(separatedBy: "<form").dropFirst().compactMap { tag in
            let head = String(tag.prefix { $0 != ">" })
            guard let action = attributes("action", in: head).first else { return nil }
            let method = attributes("method", in: head).first?.uppercased() == "POST" ? HTTPMethod.POST : .GET
            return (method, action)
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }
}
