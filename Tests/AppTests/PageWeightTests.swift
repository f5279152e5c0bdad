@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Page weight over the demo", .serialized)
struct PageWeightTests {
    /// Every page reachable by links from the home page, for a station worker, a township
    /// official and a district official on the demo data, in Chinese and in English:
    /// HTML + CSS under 60 KB each.
    @Test("every page of the demo is under 60 KB of HTML and CSS in both languages, and each answers 200")
    func pageWeight() async throws {
        setenv("CUNWU_DEMO_PASSWORD", "demo-pass-2026", 1)
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-11-27")
            try await DemoData.seed(app)
            let css = Stylesheet.css.utf8.count
            var heaviest: (String, Int) = ("", 0)
            var visited = Set<String>()
            for user in ["demo.station", "demo.township", "demo.district"] {
              for language in ["zh-CN", "en"] {
                let session = try await login(app, user, "demo-pass-2026")
                var queue = ["/"]
                var seen = Set(queue)
                while let path = queue.first, seen.count < 400 {
                    queue.removeFirst()
                    let result = try await send(app, .GET, path, as: session, headers: ["Accept-Language": language])
                    guard result.headers.contentType == .html else { continue }
                    #expect(result.status == .ok, "\(user) \(language) \(path): \(result.status)")
                    #expect(result.body.contains("<html lang=\"\(language)\">"), "\(user) \(path) is not in \(language)")
                    let weight = result.body.utf8.count + css
                    #expect(weight < 60 * 1024, "\(user) \(language) \(path): \(weight) bytes")
                    if weight > heaviest.1 { heaviest = (language + " " + path, weight) }
                    visited.insert(path)
                    for link in Self.links(result.body) where !seen.contains(link) {
                        seen.insert(link)
                        queue.append(link)
                    }
                }
              }
            }
            #expect(visited.count > 60)
            print("page weight: \(visited.count) pages, heaviest \(heaviest.0) at \(heaviest.1) bytes")
        }
    }

    /// Same-site page links, without downloads, print views, exports or sign-out.
    static func links(_ html: String) -> [String] {
        var out: [String] = []
        var rest = Substring(html)
        while let range = rest.range(of: "href=\"") {
            rest = rest[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let link = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            rest = rest[end...]
            guard link.hasPrefix("/"), !link.hasPrefix("//"), !link.hasPrefix("/assets"), !link.hasPrefix("/logout") else { continue }
            if ["export", "template", "format=", "print=1", "/evidence/", "/attachments/", "reveal=1"].contains(where: { link.contains($0) }) { continue }
            out.append(link)
        }
        return out
    }
}
