import Vapor

extension Request {
    private struct UnreadKey: StorageKey { typealias Value = Int }
    /// The signed-in reader's unread notices, counted before a page is made (the router
    /// does it for every signed-in page), for the navigation's 通知(3).
    var unreadNotices: Int? {
        get { storage[UnreadKey.self] }
        set { storage[UnreadKey.self] = newValue }
    }
}

/// The page frame: Chinese navigation showing only what the user's roles allow.
enum Layout {
    static func page(request: Request, title: String, body: Node, flash: String? = nil) -> String {
        let principal = request.principal
        var nav: [Node] = []
        if let principal {
            nav += mainPlaces(principal, request)
            let unread = request.unreadNotices ?? 0
            nav.append(.el("a", ["href": Route.inbox.path, "aria-current": request.url.path == Route.inbox.path ? "page" : nil], [
                .text(T(.inboxTitle)),
                .when(unread > 0, .el("span", ["class": "count", "aria-label": T(.navUnread, String(unread))], String(unread))),
            ]))
            if principal.assignments.contains(where: { $0.role.permissions.contains(.viewAudit) }) {
                nav.append(navLink(Route.audit.path, T(.navAudit), request))
            }
            if principal.mayAnywhere(.manageUsers) {
                nav.append(navLink(Route.users.path, T(.navUsers), request))
            }
            if principal.mayAnywhere(.manageCalendar) {
                nav.append(navLink(Route.calendar.path, T(.calendarTitle), request))
            }
        } else {
            nav.append(navLink(Route.home.path, T(.navHome), request))
        }
        let account: Node
        if let principal {
            account = .el("div", ["class": "account"], [
                .el("span", ["class": "who"], principal.displayName),
                .el("form", ["method": "post", "action": Route.logout.path, "class": "inline"], [
                    csrfField(request),
                    .el("button", ["type": "submit", "class": "link"], T(.navLogout)),
                ]),
            ])
        } else {
            account = .el("div", ["class": "account"], [.el("a", ["href": Route.loginPath(next: nil)], T(.navLogin))])
        }
        let here = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
        let other: Language = Language.current == .zh ? .en : .zh
        let switchLink: Node = .el("a", ["class": "lang", "href": Route.languagePath(other, next: here),
                                         "lang": other.htmlTag, "hreflang": other.htmlTag], other.ownName)
        let document: Node = .group([
            .trusted("<!doctype html>"),
            .el("html", ["lang": Language.current.htmlTag], [
                .el("head", [:], [
                    .void("meta", [("charset", "utf-8")]),
                    .void("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                    .el("title", [:], "\(title) · \(T(.appName))"),
                    .void("link", [("rel", "stylesheet"), ("href", Stylesheet.path)]),
                ]),
                .el("body", [:], [
                    .el("a", ["class": "skip", "href": "#main"], T(.skipToContent)),
                    .el("header", ["class": "top"], [
                        .el("a", ["class": "brand", "href": Route.home.path], T(.appName)),
                        .el("nav", ["aria-label": T(.navLabel)], [.el("ul", [:], nav.map { .el("li", [:], [$0]) })]),
                        account,
                        switchLink,
                    ]),
                    .el("main", ["id": "main"], [
                        .when(flash != nil, .el("p", ["class": "flash", "role": "status"], flash ?? "")),
                        .el("h1", [:], title),
                        body,
                    ]),
                    .el("footer", [:], T(.footer)),
                ]),
            ]),
        ])
        return document.render()
    }

    private static func navLink(_ path: String, _ label: String, _ request: Request, section: Bool = false) -> Node {
        let here = request.url.path
        // A section link is current on its pages below too (台账 on a record's page).
        let current = here == path || (section && here.hasPrefix(path + "/"))
        return .el("a", ["href": path, "aria-current": current ? "page" : nil], label)
    }

    /// The few places a role works in. Someone working for one unit gets that unit's
    /// pages (a village: 首页 · 工作台账 · 服务站 · 评估; a township and above: 首页 · 评估 ·
    /// 整改跟踪); someone with several units, or the administrator, the home page's list.
    static func mainPlaces(_ principal: Principal, _ request: Request) -> [Node] {
        guard let (id, level) = principal.homeUnit else { return [navLink(Route.home.path, T(.navHome), request)] }
        let unit = { (page: UnitPage) in Route.unit(.value(id), page).path }
        var out = [navLink(Route.unit(.value(id)).path, T(.navHome), request)]
        if level == .village {
            out.append(navLink(unit(.records), T(.navRecords), request, section: true))
            out.append(navLink(unit(.station), T(.navStationShort), request, section: true))
        }
        out.append(navLink(unit(.cycles), T(.navCycles), request, section: true))
        if level != .village { out.append(navLink(unit(.rectifications), T(.rectOpenLink), request)) }
        return out
    }

    static func csrfField(_ request: Request) -> Node {
        .input(["type": "hidden", "name": CSRF.field, "value": CSRF.token(for: request)])
    }

    /// A labelled form field with its error tied to it (aria-describedby).
    /// A moment as people in Beijing read it: 2026-12-05 14:30.
    static func dateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// `id`: the control's id where one page repeats the field (one form per row), else f-<name>.
    static func field(_ name: String, _ label: String, value: String, type: String = "text", errors: [FieldError],
                      required: Bool = false, hint: String? = nil, attributes: KeyValuePairs<String, String?> = [:], id given: String? = nil) -> Node {
        let id = given ?? "f-" + name
        let error = errors.first { $0.field == name }?.message
        let describedBy = [error != nil ? id + "-error" : nil, hint != nil ? id + "-hint" : nil].compactMap { $0 }.joined(separator: " ")
        var input: [(String, String)] = [("id", id), ("name", name), ("type", type), ("value", value)]
        if required { input.append(("required", "")) }
        if !describedBy.isEmpty { input.append(("aria-describedby", describedBy)) }
        if error != nil { input.append(("aria-invalid", "true")) }
        for (key, value) in attributes { if let value { input.append((key, value)) } }
        return .el("div", ["class": error == nil ? "field" : "field invalid"], [
            .el("label", ["for": id], label),
            .when(hint != nil, .el("p", ["class": "hint", "id": id + "-hint"], hint ?? "")),
            .void("input", input),
            .when(error != nil, .el("p", ["class": "error", "id": id + "-error"], error ?? "")),
        ])
    }

    static func textarea(_ name: String, _ label: String, value: String, errors: [FieldError], hint: String? = nil, rows: Int = 5) -> Node {
        let id = "f-" + name
        let error = errors.first { $0.field == name }?.message
        let describedBy = [error != nil ? id + "-error" : nil, hint != nil ? id + "-hint" : nil].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field invalid"], [
            .el("label", ["for": id], label),
            .when(hint != nil, .el("p", ["class": "hint", "id": id + "-hint"], hint ?? "")),
            .el("textarea", ["id": id, "name": name, "rows": String(rows), "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                             "aria-invalid": error == nil ? nil : "true"], value),
            .when(error != nil, .el("p", ["class": "error", "id": id + "-error"], error ?? "")),
        ])
    }

    static func select(_ name: String, _ label: String, options: [(value: String, label: String)], selected: String, errors: [FieldError], id given: String? = nil) -> Node {
        let id = given ?? "f-" + name
        let error = errors.first { $0.field == name }?.message
        return .el("div", ["class": error == nil ? "field" : "field invalid"], [
            .el("label", ["for": id], label),
            .el("select", ["id": id, "name": name, "aria-describedby": error == nil ? nil : id + "-error"],
                options.map { .el("option", ["value": $0.value, "selected": $0.value == selected ? "" : nil], $0.label) }),
            .when(error != nil, .el("p", ["class": "error", "id": id + "-error"], error ?? "")),
        ])
    }

    /// The links of a list read a page at a time: back to the first page (once past it) and
    /// on to the next (while there is one); nothing on a list of one page.
    static func pager(first: String?, next: String?) -> Node {
        var links: [Node] = []
        if let first { links.append(.el("a", ["href": first], T(.pagingFirst))) }
        if let next { links += [.text(" "), .el("a", ["href": next, "rel": "next"], T(.pagingNext))] }
        return links.isEmpty ? .empty : .el("nav", ["class": "pager", "aria-label": T(.pagingNav)], links)
    }

    /// A summary of form errors at the top of a form, each linking to its field.
    static func errorSummary(_ errors: [FieldError]) -> Node {
        guard !errors.isEmpty else { return .empty }
        return .el("div", ["class": "error-summary", "role": "alert"], [
            .el("p", [:], T(.formHasErrors, String(errors.count))),
            .el("ul", [:], errors.map { .el("li", [:], [.el("a", ["href": "#f-" + $0.field], $0.message)]) }),
        ])
    }

    static func table(caption: String?, headers: [String], rows: [[Node]]) -> Node {
        .el("table", [:], [
            .when(caption != nil, .el("caption", [:], caption ?? "")),
            .el("thead", [:], [.el("tr", [:], headers.map { .el("th", ["scope": "col"], $0) })]),
            .el("tbody", [:], rows.map { .el("tr", [:], $0.map { .el("td", [:], [$0]) }) }),
        ])
    }
}

struct ErrorPage {
    var status: HTTPStatus
    var message: String
    var title: String { status == .notFound ? T(.errorNotFoundTitle) : T(.errorTitle) }
    var body: Node {
        .group([.el("p", [:], message), .el("p", [:], [.el("a", ["href": Route.home.path], T(.backHome))])])
    }
}

/// The hand-written stylesheet, served with a content hash in its name and cached for a year.
enum Stylesheet {
    static let css = """
    :root{--ink:#1b1f24;--muted:#4a5561;--line:#c9d1d9;--brand:#9b1c1c;--link:#0b57d0;--bg:#fff;--soft:#f5f7fa;--ok:#116329;--bad:#a40e26}
    *{box-sizing:border-box}body{margin:0;font:16px/1.6 "Noto Sans CJK SC","WenQuanYi Zen Hei","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}
    a{color:var(--link)}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f9a825;outline-offset:2px}
    .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
    header.top{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:8px 16px;border-bottom:3px solid var(--brand)}
    .brand{font-weight:700;font-size:20px;color:var(--brand);text-decoration:none}nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0;padding:0}
    nav a[aria-current]{font-weight:700;text-decoration:none;color:var(--ink)}.account{margin-left:auto;display:flex;gap:12px;align-items:center}
    main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:24px;margin:8px 0 16px}h2{font-size:19px;margin:24px 0 8px}
    footer{max-width:1100px;margin:32px auto;padding:16px;color:var(--muted);font-size:14px;border-top:1px solid var(--line)}
    table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
    thead th{background:var(--soft)}caption{text-align:left;font-weight:700;padding:4px 0}td.num,th.num{text-align:right}
    .field{margin:0 0 14px}.field label{display:block;font-weight:600}.hint{margin:0;color:var(--muted);font-size:14px}
    input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #6e7781;border-radius:4px;width:100%;max-width:32em}
    textarea{max-width:40em}.invalid input,.invalid textarea,.invalid select{border:2px solid var(--bad)}.error{color:var(--bad);margin:2px 0 0;font-weight:600}
    button,.button{font:inherit;background:var(--brand);color:#fff;border:0;border-radius:4px;padding:8px 16px;cursor:pointer;text-decoration:none;display:inline-block}
    button.link{background:none;color:var(--link);padding:0;text-decoration:underline}form.inline{display:inline}
    .error-summary{border:2px solid var(--bad);padding:8px 16px;margin:0 0 16px}.flash{background:#e6f4ea;border-left:4px solid var(--ok);padding:8px 12px}.notice{background:#fff8e1;border-left:4px solid #b26a00;padding:8px 12px}
    .prewrap{white-space:pre-wrap}fieldset{border:1px solid var(--line);border-radius:4px;margin:0 0 14px;padding:4px 12px}legend{font-weight:600}
    .check{display:inline-flex;align-items:center;gap:4px;margin:0 16px 4px 0}.check input{width:auto}button.secondary,.button.secondary{background:#57606a}
    button.danger{background:#fff;color:var(--bad);border:2px solid}.count,.badge{background:var(--bad);color:#fff;border-radius:9px;padding:0 6px;margin:0 4px;font-size:13px}li.unread a{font-weight:700}
    body.print main{max-width:none}
    .met,.notmet,.pending{white-space:nowrap}.pending{color:#7d4e00;font-weight:700}ul.checks{margin:0;padding-left:1.2em}
    .met{color:var(--ok);font-weight:700}.notmet{color:var(--bad);font-weight:700}.muted{color:var(--muted)}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
    .crumbs{font-size:14px;color:var(--muted)}.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 16px}
    pre{white-space:pre-wrap;font-family:inherit;margin:4px 0}
    @media (max-width:600px){header.top{padding:8px}.account{margin-left:0}table{font-size:14px;display:block;overflow-x:auto}th,td{padding:4px}
    dl.facts{grid-template-columns:1fr;gap:0}dl.facts dd{margin-bottom:8px}main{padding:12px}}
    ul.actions{list-style:none;padding:0}form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end}form.filters .field{margin:0}
    form.action{border-top:1px solid var(--line);padding-top:4px;margin:0 0 8px}form.action h3{margin:8px 0}
    svg.chart{max-width:100%;height:auto}.scroll{overflow-x:auto}svg.rate,svg.heat{max-width:none}svg.rate line.grid{stroke:#8c959f;stroke-width:.5}svg.chart.rate text{font-size:13px}p.review label{margin-right:12px}p.review select{width:auto}p.review input{width:20em;max-width:100%}svg.rate text.c{text-anchor:middle}svg.rate text.e{text-anchor:end}.title-block h1{margin-bottom:4px}.signature{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;margin-top:32px;break-inside:avoid}.savebar{position:sticky;top:0;z-index:1;background:var(--bg);border-bottom:1px solid var(--line);padding:6px 0;display:flex;flex-wrap:wrap;gap:8px;align-items:center}.savebar p{margin:0;flex-basis:100%}html:has(.savebar){scroll-padding-top:9rem}nav.pager>*{padding:0 4px}svg.chart .bar{fill:var(--brand)}svg.chart text{font-size:11px;fill:#24292f}
    .heat rect{stroke:#3a3a3a;stroke-width:.5}.heat .h0{fill:#fff}.heat .h1{fill:#d9d9d9}.heat .h2{fill:#a6a6a6}.heat .h3{fill:#6e6e6e}
    .heat .h4{fill:#3a3a3a}.heat text.c{text-anchor:middle}.heat text.d{fill:#fff}p.code{font-size:28px;letter-spacing:2px}
    ol.items{padding-left:0;list-style:none}li.item{border-top:1px solid var(--line);padding:4px 0}li.item>b{display:block;margin:4px 0}form.evidence{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0}
    form.evidence input,form.evidence select{width:auto}
    .receipt-track{display:flex;gap:16px;align-items:center;flex-wrap:wrap}.receipt-track .url{word-break:break-all}
    @media print{header.top nav,.account,.lang,.actions,.skip,form{display:none}a{color:inherit;text-decoration:none}
    body.report table{page-break-inside:auto}body.report tr{page-break-inside:avoid}thead{display:table-header-group}.scroll{overflow:visible}
    @page{size:A4;margin:18mm 15mm 16mm;@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt}}}
    """

    static let hash: String = String(Token.hash(css).prefix(12))
    static let file = "app.\(hash).css"
    static var path: String { Route.stylesheet.path }
}
