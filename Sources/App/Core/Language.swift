import StandardKit
import Vapor

/// The languages of the interface: Simplified Chinese first, English second. The
/// language of a request is its `lang` cookie (set by the switch on every page), else
/// the best match in Accept-Language, else Chinese. It is bound as a task-local for the
/// handling of the request, so `T`, the term catalogue and the engine read it without
/// plumbing. The enum itself lives in StandardKit, which writes explanations in it.
typealias Language = StandardKit.Language

extension Language {
    /// The value of `<html lang>`.
    var htmlTag: String { self == .zh ? "zh-CN" : "en" }
    /// The name of the language in itself, for the switch.
    var ownName: String { self == .zh ? "中文" : "English" }

    static let cookieName = "lang"

    /// The language a request asked for.
    static func of(_ request: Request) -> Language {
        if let chosen = request.cookies[cookieName]?.string, let language = Language(rawValue: chosen) { return language }
        return fromAcceptLanguage(request.headers.first(name: .acceptLanguage))
    }

    /// The supported language with the highest quality in an Accept-Language header
    /// (RFC 9110 §12.5.4); ties go to the earlier range, unknown ranges and q=0 are
    /// ignored, and anything unusable gives Chinese.
    static func fromAcceptLanguage(_ header: String?) -> Language {
        guard let header else { return .zh }
        var best: (language: Language, quality: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0, quality <= 1 else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .zh
    }

    /// The cookie that remembers a choice for a year.
    func cookie(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: rawValue, maxAge: 365 * 24 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Binds the request's language for everything inside it, including error pages.
struct LanguageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let language = Language.of(request)
        let response = try await Language.$current.withValue(language) { try await next.respond(to: request) }
        // Pages differ by language, so caches must key on what chose it.
        if let type = response.headers.contentType, type == .html || type == .json {
            response.headers.add(name: .vary, value: "Cookie, Accept-Language")
            response.headers.replaceOrAdd(name: .contentLanguage, value: language.htmlTag)
        }
        return response
    }
}

/// The language switch: remembers the choice in a cookie and goes back to the page.
/// A GET link (works without JavaScript, from any page, signed in or not); it changes
/// only the caller's own display preference, no server state.
struct LanguageController {
    func register(_ router: Router) {
        router.page(.GET, .language(.key), .open, choose)
    }

    @Sendable func choose(_ request: Request, _: OrgUnit?) async throws -> Response {
        guard let language = request.parameters.get("language").flatMap(Language.init(rawValue:)) else { throw AppError.notFound }
        let next = (try? request.query.get(String.self, at: "next")) ?? "/"
        let response = request.redirect(to: Route.localPath(next) ?? Route.home.path, redirectType: .normal)
        response.cookies[Language.cookieName] = language.cookie(secure: request.application.config.secureCookies)
        return response
    }
}
