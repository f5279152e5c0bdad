import Foundation
import StandardKit

/// A path parameter: its name when a route is registered (`.key`), a value when a page
/// links to it (`.value(id)`).
enum Param<Value: PathValue>: Hashable, Sendable {
    case key
    case value(Value)
}

/// What a parameter's value looks like in a path.
protocol PathValue: Hashable, Sendable {
    var pathText: String { get }
}

extension UUID: PathValue {
    var pathText: String { uuidString }
}

extension String: PathValue {
    /// A segment's text, with anything a path segment may not hold escaped ("/" included).
    var pathText: String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension Language: PathValue {
    var pathText: String { rawValue }
}

/// Every path of the site, pages and API alike: routes are registered from these values
/// (`Router` takes nothing else) and pages link with them, so a link cannot disagree with
/// its route or come out as `/units//…`. `pattern` is what is registered (`:unitID`),
/// `path` what a link holds. RouteTests checks every case is registered and no source file
/// spells a path of its own.
enum Route: Hashable, Sendable {
    // Signed-in pages that belong to no unit.
    case home
    case login
    case logout
    case inbox
    /// Opens one notice (marking it read) by its id.
    case inboxNotice(Param<String>)
    case inboxRead
    case audit
    case users
    case userNew
    case user(Param<UUID>)
    case calendar
    case calendarDays
    case calendarDaysDelete
    case calendarImport
    case job(Param<UUID>)
    case jobResult(Param<UUID>)
    case districtNew
    /// A unit's pages.
    case unit(Param<UUID>, UnitPage)
    // Open to all.
    case healthz
    /// Prometheus (`MetricsController`): only from `CUNWU_METRICS_ALLOW`.
    case metrics
    case stylesheet
    case progressScript
    case printScript
    case reviewScript
    case language(Param<Language>)
    case publicStation(Param<UUID>)
    /// The resident's front door: find a station by place or by name.
    case publicFinder
    /// A station's short address by its village's 12-digit division code.
    case publicStationCode(Param<String>)
    case publicGuide(Param<UUID>, Param<String>)
    case publicRequestNew(Param<UUID>)
    case publicTrack
    /// The resident rates a completed request (tracking code in the form).
    case publicFeedback
    case publicDisclosures(Param<UUID>)
    case publicAttachment(village: Param<UUID>, record: Param<UUID>, attachment: Param<UUID>)
    // Machine clients.
    case open311Services
    case open311Service(Param<String>)
    case open311Requests
    case open311Request(Param<String>)
    case hotlineTickets
    /// The JSON API under /api/v1.
    case api(APIRoute)

    /// A unit's own page.
    static func unit(_ id: Param<UUID>) -> Route { .unit(id, .show) }

    /// Where machine clients' routes live: their errors are JSON, never pages.
    static let machinePrefixes = ["/api/", open311Prefix, "/integrations/"]
    static let open311Prefix = "/open311/"

    var segments: [Segment] {
        switch self {
        case .home: return []
        case .login: return ["login"]
        case .logout: return ["logout"]
        case .inbox: return ["inbox"]
        case let .inboxNotice(id): return ["inbox", "notices", .param("notice", id)]
        case .inboxRead: return ["inbox", "read"]
        case .audit: return ["audit"]
        case .users: return ["admin", "users"]
        case .userNew: return ["admin", "users", "new"]
        case let .user(id): return ["admin", "users", .param("userID", id)]
        case .calendar: return ["admin", "calendar"]
        case .calendarDays: return ["admin", "calendar", "days"]
        case .calendarDaysDelete: return ["admin", "calendar", "days", "delete"]
        case .calendarImport: return ["admin", "calendar", "import"]
        case let .job(id): return ["jobs", .param("jobID", id)]
        case let .jobResult(id): return ["jobs", .param("jobID", id), "result"]
        case .districtNew: return ["units", "new"]
        case let .unit(id, page): return ["units", .param("unitID", id)] + page.segments
        case .healthz: return ["healthz"]
        case .metrics: return ["metrics"]
        case .stylesheet: return ["assets", .literal(Stylesheet.file)]
        case .progressScript: return ["assets", .literal(ProgressScript.file)]
        case .printScript: return ["assets", .literal(PrintScript.file)]
        case .reviewScript: return ["assets", .literal(ReviewScript.file)]
        case let .language(language): return ["language", .param("language", language)]
        case let .publicStation(id): return ["public", "stations", .param("stationID", id)]
        case .publicFinder: return ["public"]
        case let .publicStationCode(code): return ["s", .param("code", code)]
        case let .publicGuide(id, code): return ["public", "stations", .param("stationID", id), "services", .param("code", code)]
        case let .publicRequestNew(id): return ["public", "stations", .param("stationID", id), "requests", "new"]
        case .publicTrack: return ["public", "track"]
        case .publicFeedback: return ["public", "track", "feedback"]
        case let .publicDisclosures(id): return ["public", "villages", .param("villageID", id), "disclosures"]
        case let .publicAttachment(village, record, attachment):
            return ["public", "villages", .param("villageID", village), "disclosures", .param("recordID", record), "attachments", .param("attachmentID", attachment)]
        case .open311Services: return ["open311", "v2", "services.json"]
        case let .open311Service(file): return ["open311", "v2", "services", .param("serviceFile", file)]
        case .open311Requests: return ["open311", "v2", "requests.json"]
        case let .open311Request(file): return ["open311", "v2", "requests", .param("requestFile", file)]
        case .hotlineTickets: return ["integrations", "96156", "tickets"]
        case let .api(route): return ["api", "v1"] + route.segments
        }
    }

    /// The path as registered: parameters by name (`/units/:unitID/edit`).
    var pattern: String { "/" + segments.map(\.pattern).joined(separator: "/") }

    /// The path of a link: every parameter by its value.
    var path: String {
        "/" + segments.map { segment in
            if case let .param(name, nil) = segment {
                assertionFailure("a link to \(pattern) without a value for :\(name)")
                return ":" + name
            }
            return segment.text
        }.joined(separator: "/")
    }

    /// The path with a query (each name and value escaped).
    func path(query: KeyValuePairs<String, String>) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let pairs = query.map { ($0.key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "=" + ($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }
        return pairs.isEmpty ? path : path + "?" + pairs.joined(separator: "&")
    }
}

/// One segment of a route: a fixed word or a parameter (a name, and a value in a link).
enum Segment: Hashable, Sendable, ExpressibleByStringLiteral {
    case literal(String)
    case param(String, String?)

    init(stringLiteral value: String) { self = .literal(value) }

    static func param<V>(_ name: String, _ value: Param<V>) -> Segment {
        switch value {
        case .key: return .param(name, nil)
        case let .value(v): return .param(name, v.pathText)
        }
    }

    var pattern: String {
        switch self {
        case let .literal(word): return word
        case let .param(name, _): return ":" + name
        }
    }

    var text: String {
        switch self {
        case let .literal(word): return word
        case let .param(name, value): return value ?? ":" + name
        }
    }
}

/// The pages of one unit: /units/:unitID/…
enum UnitPage: Hashable, Sendable {
    case show
    case edit
    case newChild
    case profile
    case standard
    /// What it takes the village to reach 达标.
    case plan
    case station
    case stationStats
    case overdue
    case rectifications
    case ledger
    case ledgerVerify
    case records
    case record(RecordKind, RecordPage)
    case requests
    case requestNew
    case request(Param<UUID>, RequestPage)
    case complaints
    case complaintNew
    case complaint(Param<UUID>)
    case complaintResolve(Param<UUID>)
    case cycles
    case cycle(Param<UUID>, CyclePage)
    case dashboard(Param<UUID>)
    case report(Param<UUID>)
    case integrations
    case integrationNew
    case integrationRevoke(Param<UUID>)

    var segments: [Segment] {
        switch self {
        case .show: return []
        case .edit: return ["edit"]
        case .newChild: return ["new"]
        case .profile: return ["profile"]
        case .standard: return ["standard"]
        case .plan: return ["plan"]
        case .station: return ["station"]
        case .stationStats: return ["station", "stats"]
        case .overdue: return ["overdue"]
        case .rectifications: return ["rectifications"]
        case .ledger: return ["ledger"]
        case .ledgerVerify: return ["ledger", "verify"]
        case .records: return ["records"]
        case let .record(kind, page): return ["records", .literal(kind.key)] + page.segments
        case .requests: return ["requests"]
        case .requestNew: return ["requests", "new"]
        case let .request(id, page): return ["requests", .param("requestID", id)] + page.segments
        case .complaints: return ["complaints"]
        case .complaintNew: return ["complaints", "new"]
        case let .complaint(id): return ["complaints", .param("complaintID", id)]
        case let .complaintResolve(id): return ["complaints", .param("complaintID", id), "resolve"]
        case .cycles: return ["cycles"]
        case let .cycle(id, page): return ["cycles", .param("cycleID", id)] + page.segments
        case let .dashboard(id): return ["dashboard", .param("cycleID", id)]
        case let .report(id): return ["report", .param("cycleID", id)]
        case .integrations: return ["integrations"]
        case .integrationNew: return ["integrations", "new"]
        case let .integrationRevoke(id): return ["integrations", .param("keyID", id), "revoke"]
        }
    }
}

/// A request's pages.
enum RequestPage: Hashable, Sendable {
    case show, act, receipt

    var segments: [Segment] {
        switch self {
        case .show: return []
        case .act: return ["act"]
        case .receipt: return ["receipt"]
        }
    }
}

/// An assessment cycle's pages for a unit.
enum CyclePage: Hashable, Sendable {
    case sheet
    case evidence
    case evidenceFile(Param<UUID>)
    case evidenceDelete(Param<UUID>)
    /// The sheet page's one removal form: the evidence named by the pressed button.
    case evidenceRemove
    case step(SheetStep)
    case rectification
    case rectificationClose
    case rectificationNote
    /// The reviewer's decisions as typed, kept before they are saved.
    case draft
    /// What passing, returning or approving will send, to confirm.
    case confirm
    case export
    case exports
    case recompute

    var segments: [Segment] {
        switch self {
        case .sheet: return []
        case .evidence: return ["evidence"]
        case let .evidenceFile(id): return ["evidence", .param("evidenceID", id)]
        case let .evidenceDelete(id): return ["evidence", .param("evidenceID", id), "delete"]
        case .evidenceRemove: return ["evidence", "remove"]
        case let .step(step): return [.literal(step.rawValue)]
        case .rectification: return ["rectification"]
        case .rectificationClose: return ["rectification", "close"]
        case .rectificationNote: return ["rectification", "notes"]
        case .draft: return ["draft"]
        case .confirm: return ["confirm"]
        case .export: return ["export"]
        case .exports: return ["exports"]
        case .recompute: return ["recompute"]
        }
    }
}

/// A record kind's pages.
enum RecordPage: Hashable, Sendable {
    case list
    case new
    case show(Param<UUID>)
    case edit(Param<UUID>)
    case delete(Param<UUID>)
    case attachments(Param<UUID>)
    case attachment(Param<UUID>, Param<UUID>)
    case attachmentDelete(Param<UUID>, Param<UUID>)
    case exportCSV
    case exportXLSX
    case templateCSV
    case templateXLSX
    case importFile
    case importConfirm(Param<UUID>)

    var segments: [Segment] {
        switch self {
        case .list: return []
        case .new: return ["new"]
        case let .show(id): return [.param("recordID", id)]
        case let .edit(id): return [.param("recordID", id), "edit"]
        case let .delete(id): return [.param("recordID", id), "delete"]
        case let .attachments(id): return [.param("recordID", id), "attachments"]
        case let .attachment(id, file): return [.param("recordID", id), "attachments", .param("attachmentID", file)]
        case let .attachmentDelete(id, file): return [.param("recordID", id), "attachments", .param("attachmentID", file), "delete"]
        case .exportCSV: return ["export.csv"]
        case .exportXLSX: return ["export.xlsx"]
        case .templateCSV: return ["template.csv"]
        case .templateXLSX: return ["template.xlsx"]
        case .importFile: return ["import"]
        case let .importConfirm(id): return ["import", .param("batchID", id)]
        }
    }
}

/// The JSON API: /api/v1/…
enum APIRoute: Hashable, Sendable {
    case openAPI
    case session
    case me
    case audit
    case users
    case user(Param<UUID>)
    case calendar
    case inbox
    case inboxRead
    case job(Param<UUID>)
    case units
    case unit(Param<UUID>, APIUnitPath)
    case publicTrack(Param<String>)
    case publicDisclosures(Param<UUID>)

    var segments: [Segment] {
        switch self {
        case .openAPI: return ["openapi.json"]
        case .session: return ["session"]
        case .me: return ["me"]
        case .audit: return ["audit"]
        case .users: return ["users"]
        case let .user(id): return ["users", .param("userID", id)]
        case .calendar: return ["calendar"]
        case .inbox: return ["inbox"]
        case .inboxRead: return ["inbox", "read"]
        case let .job(id): return ["jobs", .param("jobID", id)]
        case .units: return ["units"]
        case let .unit(id, path): return ["units", .param("unitID", id)] + path.segments
        case let .publicTrack(code): return ["public", "track", .param("code", code)]
        case let .publicDisclosures(id): return ["public", "villages", .param("villageID", id), "disclosures"]
        }
    }
}

/// A unit's JSON: /api/v1/units/:unitID/…
enum APIUnitPath: Hashable, Sendable {
    case show
    case children
    case profile
    case evaluation
    case plan
    case records(RecordKind)
    case record(RecordKind, Param<UUID>)
    case recordImports(RecordKind)
    case recordImportConfirm(RecordKind, Param<UUID>)
    case requests
    case request(Param<UUID>)
    case requestActions(Param<UUID>)
    case overdue
    case rectifications
    case complaints
    case complaintResolve(Param<UUID>)
    case cycles
    case cycleSheet(Param<UUID>)
    case cycleEvidence(Param<UUID>)
    case cycleStep(Param<UUID>, SheetStep)
    case rectification(Param<UUID>)
    case rectificationClose(Param<UUID>)
    case rectificationNote(Param<UUID>)
    case cycleDraft(Param<UUID>)
    case queue
    case exports(Param<UUID>)
    case recompute(Param<UUID>)
    case dashboard(Param<UUID>)
    case ledger
    case ledgerVerification
    case stationStats

    var segments: [Segment] {
        switch self {
        case .show: return []
        case .children: return ["children"]
        case .profile: return ["profile"]
        case .evaluation: return ["evaluation"]
        case .plan: return ["plan"]
        case let .records(kind): return [.literal(kind.key)]
        case let .record(kind, id): return [.literal(kind.key), .param("recordID", id)]
        case let .recordImports(kind): return [.literal(kind.key), "imports"]
        case let .recordImportConfirm(kind, id): return [.literal(kind.key), "imports", .param("batchID", id), "confirm"]
        case .requests: return ["requests"]
        case let .request(id): return ["requests", .param("requestID", id)]
        case let .requestActions(id): return ["requests", .param("requestID", id), "actions"]
        case .overdue: return ["overdue"]
        case .rectifications: return ["rectifications"]
        case .complaints: return ["complaints"]
        case let .complaintResolve(id): return ["complaints", .param("complaintID", id), "resolve"]
        case .cycles: return ["cycles"]
        case let .cycleSheet(id): return ["cycles", .param("cycleID", id), "sheet"]
        case let .cycleEvidence(id): return ["cycles", .param("cycleID", id), "evidence"]
        case let .cycleStep(id, step): return ["cycles", .param("cycleID", id), .literal(step.rawValue)]
        case let .rectification(id): return ["cycles", .param("cycleID", id), "rectification"]
        case let .rectificationClose(id): return ["cycles", .param("cycleID", id), "rectification", "close"]
        case let .rectificationNote(id): return ["cycles", .param("cycleID", id), "rectification", "notes"]
        case let .cycleDraft(id): return ["cycles", .param("cycleID", id), "draft"]
        case .queue: return ["queue"]
        case let .exports(id): return ["cycles", .param("cycleID", id), "exports"]
        case let .recompute(id): return ["cycles", .param("cycleID", id), "recompute"]
        case let .dashboard(id): return ["cycles", .param("cycleID", id), "dashboard"]
        case .ledger: return ["ledger"]
        case .ledgerVerification: return ["ledger", "verification"]
        case .stationStats: return ["station", "stats"]
        }
    }
}

extension RecordKind: Hashable {
    static func == (a: RecordKind, b: RecordKind) -> Bool { a.key == b.key }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

extension OrgUnit {
    /// A page of this unit, for links.
    func route(_ page: UnitPage = .show) -> Route { .unit(.value(id.linked), page) }
}

/// The links of one unit's view of one assessment cycle.
struct CycleLinks: Sendable {
    let unit: UUID
    let cycle: UUID

    func callAsFunction(_ page: CyclePage) -> String { Route.unit(.value(unit), .cycle(.value(cycle), page)).path }
}

extension Optional where Wrapped == UUID {
    /// A stored model's id for a link. Only a model never stored has none; its link then
    /// leads to the nil UUID, which is nothing (404), never to another record.
    var linked: UUID { self ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
}

/// The links of one unit's pages.
struct UnitLinks: Sendable {
    let unit: UUID

    func callAsFunction(_ page: UnitPage = .show) -> String { Route.unit(.value(unit), page).path }
}
