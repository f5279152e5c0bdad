@testable import App
import Foundation
import StandardKit
import Testing
import Vapor
import VaporTesting

@Suite("Language: catalogues, choice and pages")
struct LanguageTests {
    static func hasChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3000...0x303F).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) }
    }

    /// English texts that quote what people type in Chinese (the opening-hours format).
    static let quotesChinese: Set<L> = [.profileOpeningHoursHint]

    @Test("the English catalogue is English, the Chinese Chinese, and T fills placeholders once, in the request's language")
    func catalogues() {
        for key in L.allCases {
            let chinese = Messages.zh[key] ?? "", english = Messages.en[key] ?? ""
            if !Self.quotesChinese.contains(key) { #expect(!Self.hasChinese(english), "\(key): \(english)") }
            #expect(Self.hasChinese(chinese) || chinese.allSatisfy { !$0.isLetter }, "\(key): \(chinese)")
        }
        #expect(Language.$current.withValue(.en) { T(.validationTooLarge, "Area", "{0}") } == "Area cannot be more than {0}.")
        #expect(Language.$current.withValue(.zh) { T(.validationTooLarge, "面积", "5") } == "面积不能大于5。")
        #expect(Language.$current.withValue(.zh) { T(.validationTooLarge, "面积", "{0}") } == "面积不能大于{0}。", "arguments are not substituted twice")
    }

    @Test("every record kind's name, items, field labels and choices have English")
    func recordKinds() {
        for kind in RecordKind.all {
            #expect(!Self.hasChinese(kind.labelText.en), "\(kind.key): \(kind.labelText.en)")
            #expect(!Self.hasChinese(kind.itemsText.en), "\(kind.key): \(kind.itemsText.en)")
            #expect(Self.hasChinese(kind.labelText.zh), "\(kind.key): the Chinese name was replaced")
            for field in kind.fields {
                #expect(!Self.hasChinese(field.text.en), "\(kind.key).\(field.key): \(field.text.en)")
                #expect(Self.hasChinese(field.text.zh), "\(kind.key).\(field.key): \(field.text.zh)")
                switch field.type {
                case let .choice(choices), let .choices(choices):
                    for choice in choices { #expect(!Self.hasChinese(choice.text.en), "\(kind.key).\(field.key)=\(choice.value): \(choice.text.en)") }
                default: break
                }
            }
        }
        // Kinds are shared statics: reading one in English first must not fix it in English.
        let first = Language.$current.withValue(.en) { RecordKind.meetings.label }
        #expect(first == "Meetings")
        #expect(Language.$current.withValue(.zh) { RecordKind.meetings.label } == "会议")
    }

    @Test("Accept-Language picks the supported language with the highest quality")
    func acceptLanguage() {
        #expect(Language.fromAcceptLanguage(nil) == .zh)
        #expect(Language.fromAcceptLanguage("") == .zh)
        #expect(Language.fromAcceptLanguage("en-US,en;q=0.9") == .en)
        #expect(Language.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(Language.fromAcceptLanguage("en;q=0.5, zh;q=0.8") == .zh)
        #expect(Language.fromAcceptLanguage("fr-FR, en;q=0.7") == .en, "an unsupported first choice falls to the next")
        #expect(Language.fromAcceptLanguage("de, fr") == .zh)
        #expect(Language.fromAcceptLanguage("en;q=0, zh;q=0.1") == .zh, "q=0 means not acceptable")
        #expect(Language.fromAcceptLanguage("EN-gb") == .en)
        #expect(Language.fromAcceptLanguage("en;q=abc") == .zh, "a malformed quality is not acceptable")
    }

    @Test("pages follow Accept-Language, the remembered choice wins, and the switch stays on this site")
    func choosing() async throws {
        try await withApp { app, _ in
            let english = try await send(app, .GET, "/login", headers: ["Accept-Language": "en-GB,en;q=0.9"])
            #expect(english.body.contains(#"<html lang="en">"#))
            #expect(english.body.contains("<title>Sign in · Cunwu</title>"))
            #expect(english.body.contains(#"href="/language/zh?next=%2Flogin""#), "the switch offers Chinese and comes back here")
            #expect(english.headers.first(name: .contentLanguage) == "en")
            #expect(english.headers.first(name: .vary)?.contains("Accept-Language") == true)

            let chinese = try await send(app, .GET, "/login")
            #expect(chinese.body.contains(#"<html lang="zh-CN">"#) && chinese.body.contains("<title>登录 · 村务</title>"))

            let remembered = try await send(app, .GET, "/login", headers: ["Accept-Language": "en", "Cookie": "lang=zh"])
            #expect(remembered.body.contains("<title>登录 · 村务</title>"), "the cookie beats the header")

            let choose = try await send(app, .GET, "/language/en?next=%2Fpublic%2Ftrack")
            #expect(choose.status == .seeOther)
            #expect(choose.headers.first(name: .location) == "/public/track")
            let cookie = choose.headers.setCookie?[Language.cookieName]
            #expect(cookie?.string == "en" && cookie?.isHTTPOnly == true && cookie?.sameSite == .lax && (cookie?.maxAge ?? 0) > 30 * 86_400)

            for next in ["//evil.example/", "https://evil.example/", "/%5C%5Cevil.example"] {
                let away = try await send(app, .GET, "/language/en?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                #expect(away.headers.first(name: .location)?.hasPrefix("/") == true && away.headers.first(name: .location)?.hasPrefix("//") == false,
                        "\(next) → \(away.headers.first(name: .location) ?? "")")
            }
            #expect(try await send(app, .GET, "/language/fr").status == .notFound)

            let api = try await send(app, .GET, "/api/v1/nothing-here", headers: ["Accept-Language": "en"])
            #expect(api.body.contains("The page or data was not found"), "API errors speak the caller's language")
            let page404 = try await send(app, .GET, "/nothing-here", headers: ["Cookie": "lang=en"])
            #expect(page404.status == .notFound && page404.body.contains("Page not found"), "error pages too")
        }
    }

    @Test("a village's assessment page reads in English: chrome, the standard's titles, explanations and record labels")
    func villagePageInEnglish() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-11-20")
            let world = try await World.make(app)
            _ = try await World.user(app, "zhang", .committeeMember, at: world.villageV1)
            let session = try await login(app, "zhang")
            let english = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/standard?year=2026", as: session, headers: ["Accept-Language": "en"])
            #expect(english.status == .ok)
            #expect(english.body.contains("1. Community governance"))
            #expect(english.body.contains("Villagers&#39; representative meeting") || english.body.contains("Villagers' representative meeting"))
            #expect(english.body.contains("No Community (village) Party organization set up"), "engine explanations are English")
            #expect(!english.body.contains("社区管理体制"))
            let chinese = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/standard?year=2026", as: session)
            #expect(chinese.body.contains("一、社区管理体制") && chinese.body.contains("未设立社区（村）党组织"))

            let form = try await send(app, .GET, "/units/\(try world.villageV1.requireID())/records/meetings/new", as: session, headers: ["Accept-Language": "en"])
            #expect(form.body.contains("Kind of meeting") && form.body.contains("Held on"))
            let bad = try await send(app, .POST, "/api/v1/units/\(try world.villageV1.requireID())/meetings", as: session,
                                     json: ["kind": "nonsense", "date": "2026-03-01", "title": "Q1"], headers: ["Accept-Language": "en"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains(#""nonsense\" is not one of the choices for Kind of meeting"#) || bad.body.contains("is not one of the choices for Kind of meeting"),
                    "field errors in English: \(bad.body)")
        }
    }
}
