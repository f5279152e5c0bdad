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
    @Test("every page of the demo is under 60 KB of HTML and CSS in both languages, answers 200, and passes the markup checks of WCAG 2.1 AA")
    func pageWeight() async throws {
        try await withDemo { app in
            let css = Stylesheet.css.utf8.count
            var heaviest: (String, Int) = ("", 0)
            var visited = Set<String>()
            for user in ["demo.station", "demo.township", "demo.district", "demo.city"] {
              for language in ["zh-CN", "en"] {
                let session = try await login(app, user, "demo-pass-2026")
                var queue = ["/"]
                var seen = Set(queue)
                // The city sees every page the district does; its own pages are the first ones from its home.
                let cap = user == "demo.city" ? 40 : 400
                while let path = queue.first, seen.count < cap {
                    queue.removeFirst()
                    let result = try await send(app, .GET, path, as: session, headers: ["Accept-Language": language])
                    guard result.headers.contentType == .html else { continue }
                    #expect(result.status == .ok, "\(user) \(language) \(path): \(result.status)")
                    #expect(result.body.contains("<html lang=\"\(language)\">"), "\(user) \(path) is not in \(language)")
                    for problem in Self.accessibilityProblems(result.body) { Issue.record("\(user) \(language) \(path): \(problem)") }
                    let weight = result.body.utf8.count + css
                    #expect(weight < 60 * 1024, "\(user) \(language) \(path): \(weight) bytes")
                    if weight > heaviest.1 { heaviest = (user + " " + language + " " + path, weight) }
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

    /// WCAG 2.1 AA basics a page's markup can show: the language, one title and one h1, a
    /// skip link to main, every form control labelled, every aria reference pointing at an
    /// element of the page, and every chart named with a text table beside it.
    static func accessibilityProblems(_ html: String) -> [String] {
        var problems: [String] = []
        func all(_ pattern: String, _ text: String = html) -> [[String]] {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
            let range = NSRange(text.startIndex..., in: text)
            return regex.matches(in: text, range: range).map { match in
                (0..<match.numberOfRanges).map { i in Range(match.range(at: i), in: text).map { String(text[$0]) } ?? "" }
            }
        }
        func attribute(_ name: String, _ tag: String) -> String? { all("\\s\(name)=\"([^\"]*)\"", tag).first?[1] }
        if all("<html lang=\"(zh-CN|en)\">").isEmpty { problems.append("no lang on html") }
        let head = html.components(separatedBy: "</head>").first ?? ""
        if all("<title>[^<]+</title>", head).count != 1 { problems.append("not one title") }
        if all("<h1[ >]").count != 1 { problems.append("not one h1") }
        // Pages with navigation (not the print layouts) let keyboards skip it.
        if html.contains("<nav"), !html.contains("href=\"#main\"") || !html.contains("<main id=\"main\"") { problems.append("no skip link to main") }
        let ids = Set(all("\\sid=\"([^\"]+)\"").map { $0[1] })
        let labelled = Set(all("<label for=\"([^\"]+)\"").map { $0[1] })
        let wrapped = Set(all("<label[^>]*>(.*?)</label>").flatMap { all("<(?:input|select|textarea)\\s[^>]*>", $0[1]).map { $0[0] } })
        for control in all("<(input|select|textarea)(\\s[^>]*)?>").map({ $0[0] }) {
            let type = attribute("type", control) ?? "text"
            if control.hasPrefix("<input"), ["hidden", "submit", "button", "reset"].contains(type) { continue }
            let named = wrapped.contains(control) || attribute("id", control).map(labelled.contains) == true || attribute("aria-label", control) != nil
                || attribute("aria-labelledby", control) != nil
            if !named { problems.append("unlabelled control \(control.prefix(80))") }
        }
        for reference in all("aria-(describedby|labelledby)=\"([^\"]+)\"") {
            for id in reference[2].split(separator: " ") where !ids.contains(String(id)) { problems.append("aria reference to missing #\(id)") }
        }
        for chart in all("<svg[^>]*class=\"chart\"[^>]*>").map({ $0[0] }) {
            if attribute("role", chart) != "img" || attribute("aria-label", chart) == nil { problems.append("chart without role=img and a name") }
        }
        if html.contains("class=\"chart\""), !html.contains("<table") { problems.append("chart without a text table") }
        return problems
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

    /// WCAG 2.1 relative luminance contrast of two #rrggbb colours.
    static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            var digits = String(hex.dropFirst())
            if digits.count == 3 { digits = digits.map { "\($0)\($0)" }.joined() }
            let value = Int(digits, radix: 16) ?? 0
            let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { c -> Double in
                let s = Double(c) / 255
                return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test("every text colour of the stylesheet has a contrast of at least 4.5:1 on the backgrounds it is used on")
    func contrastOfTheStylesheet() throws {
        var colours: [String: String] = [:]
        let css = Stylesheet.css
        let root = try #require(css.range(of: ":root{").map { css[$0.upperBound...].prefix { $0 != "}" } })
        for declaration in root.split(separator: ";") {
            let parts = declaration.split(separator: ":")
            if parts.count == 2 { colours[String(parts[0])] = String(parts[1]) }
        }
        #expect(Self.contrast("#000000", "#ffffff") > 20.9 && Self.contrast("#777777", "#ffffff") < 4.5, "the formula itself")
        let (bg, soft, brand) = (try #require(colours["--bg"]), try #require(colours["--soft"]), try #require(colours["--brand"]))
        for text in ["--ink", "--muted", "--link", "--brand", "--ok", "--bad"] {
            let colour = try #require(colours[text], "\(text) is declared")
            for background in [bg, soft] {
                #expect(Self.contrast(colour, background) >= 4.5, "\(text) \(colour) on \(background): \(Self.contrast(colour, background))")
            }
        }
        #expect(Self.contrast("#ffffff", brand) >= 4.5, "button text on the brand colour")
        #expect(Self.contrast("#7d4e00", bg) >= 4.5, "the 'pending' colour")
        #expect(css.contains(":focus{outline:3px solid"), "a visible focus ring")
    }

    @Test("the markup checks find what they look for")
    func markupChecksCanFail() {
        let bad = #"<html lang="en"><head><title>x</title></head><body><nav></nav><main id="main"><h1>x</h1><input name="a">"#
            + #"<label>b <input type="checkbox" name="b"></label><label for="c">c</label><input id="c" name="c"><p aria-describedby="nope"></p>"#
            + #"<svg class="chart"></svg></main></body></html>"#
        let problems = Self.accessibilityProblems(bad)
        #expect(problems.contains { $0.contains("unlabelled control <input name=\"a\">") })
        #expect(!problems.contains { $0.contains("name=\"b\"") || $0.contains("name=\"c\"") }, "wrapped and for= labels count")
        #expect(problems.contains("aria reference to missing #nope"))
        #expect(problems.contains("no skip link to main"))
        #expect(problems.contains("chart without role=img and a name") && problems.contains("chart without a text table"))
    }
}
