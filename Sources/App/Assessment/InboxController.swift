import Crypto
import Fluent
import StandardKit
import Vapor

/// A notice its reader has opened or marked read. A notice is known by what it says
/// in substance (its kind, its link and its state: a count, a date), so when that
/// changes it is unread again.
final class NoticeRead: Model, @unchecked Sendable {
    static let schema = "notice_reads"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "notice") var notice: String
    @Field(key: "read_at") var readAt: Date
    /// Fluent's properties listed, not found by a `Mirror` walk per query, row and save (`ModelPropertiesTests`).
    var properties: [any AnyProperty] { [$id, $userID, $notice, $readAt] }

    init() {}
    init(userID: UUID, notice: String, readAt: Date) {
        self.userID = userID
        self.notice = notice
        self.readAt = readAt
    }
}

/// The inbox: notices computed from the current state (never stale), each read or unread
/// for its reader, and the unread count the navigation shows.
struct InboxController {
    func register(_ router: Router) {
        // Made at boot, before requests run concurrently (Application's storage is not locked).
        _ = router.app.unreadCache
        router.page(.GET, .inbox, .signedIn, page)
        router.page(.GET, .inboxNotice(.key), .signedIn, open)
        router.page(.POST, .inboxRead, .signedIn) { (request: Request, _: OrgUnit?) in
            try await Self.markRead(request, ids: nil)
            return request.redirect(to: Route.inbox.path, redirectType: .normal)
        }
        router.api(.GET, .inbox, .signedIn, APIDoc(summary: T(.apiInbox), response: "Inbox"), api)
        router.api(.POST, .inboxRead, .signedIn, APIDoc(summary: T(.apiInboxRead), request: "InboxReadInput", response: "Inbox"), apiRead)
    }

    /// A notice as computed, before its read state is known.
    private struct Draft {
        var kind: String, text: String, link: String, state: String
    }

    /// The reader's notices, with whether each is read: returned sheets, deadlines three
    /// working days out, sheets waiting for the reader, approvals, overdue service requests
    /// and rectifications. Counts come from COUNT queries, so a city official's inbox
    /// reads no rows of the villages below.
    static func notices(_ request: Request) async throws -> [NoticeDTO] {
        let principal = try request.requirePrincipal()
        let drafts = try await drafts(request, principal)
        let ids = drafts.map { Self.id($0) }
        let read = ids.isEmpty ? [] : Set(try await NoticeRead.query(on: request.readDB).filter(\.$userID == principal.userID)
            .filter(\.$notice ~~ ids).all().map(\.notice))
        return zip(drafts, ids).map { draft, id in
            NoticeDTO(id: id, kind: draft.kind, text: draft.text, link: draft.link, read: read.contains(id))
        }
    }

    /// How many notices the reader has not read: the number in the navigation.
    static func unreadCount(_ request: Request) async throws -> Int {
        try await notices(request).count { !$0.read }
    }

    /// The menu's count, kept a minute per reader in this process: computing the notices is
    /// about ten queries, too many for every page. The inbox itself is always computed afresh,
    /// and marking read here forgets the reader's count; another server's count may lag a minute.
    static func menuCount(_ request: Request) async throws -> Int {
        let principal = try request.requirePrincipal()
        let cache = request.application.unreadCache
        if let count = cache.get(principal.userID, now: request.now) { return count }
        let count = try await unreadCount(request)
        cache.set(principal.userID, count, now: request.now)
        return count
    }

    private static func id(_ draft: Draft) -> String {
        let digest = SHA256.hash(data: Data((draft.kind + "|" + draft.link + "|" + draft.state).utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    private static func drafts(_ request: Request, _ principal: Principal) async throws -> [Draft] {
        let today = request.today
        let calendar = try await request.workCalendar()
        var out: [Draft] = []
        for assignment in principal.assignments {
            guard let unit = try await OrgUnit.query(on: request.readDB).filter(\.$path == assignment.unitPath).first() else { continue }
            let unitID = try unit.requireID()
            // Only the sheets this role could act on: its unit's own and those of the levels it
            // reviews or approves (a city official reads its districts' 13, not 4,000 villages').
            let acts = UnitKind.allCases.filter { SheetDuty.reviewerLevel(of: $0) == assignment.role.level || SheetDuty.approverLevel(of: $0) == assignment.role.level }
            for cycle in try await AssessmentController.cycles(covering: unit, on: request.readDB) {
                let cycleID = try cycle.requireID()
                let sheets = try await Dialect.below(AssessmentSheet.query(on: request.readDB).filter(\.$cycleID == cycleID), \.$unitPath, unit.path)
                    .group(.or) { $0.filter(\.$unitID == unitID).filter(\.$level ~~ acts) }.all()
                // Notices name the unit whose sheet waits, and link to that sheet.
                let waiting = sheets.filter { ($0.state == .submitted && SheetRole.mayReview(principal, $0)) || ($0.state == .reviewed && SheetRole.mayApprove(principal, $0)) }
                let names = waiting.isEmpty ? [:] : Dictionary(try await OrgUnit.query(on: request.readDB).filter(\.$id ~~ waiting.map(\.unitID)).all()
                    .compactMap { u in u.id.map { ($0, u.name) } }, uniquingKeysWith: { a, _ in a })
                for sheet in sheets {
                    let link = CycleLinks(unit: sheet.unitID, cycle: cycleID)(.sheet)
                    // The sheet's version counts its moves: returned a second time is a new notice.
                    let submitted = String(sheet.version)
                    if sheet.unitID == unitID, SheetRole.mayFill(principal, sheet) {
                        if sheet.state == .returned {
                            let text = sheet.returnedNote.map { T(.noticeReturnedWithNote, cycle.name, $0) } ?? T(.noticeReturned, cycle.name)
                            out.append(Draft(kind: "returned", text: text, link: link, state: submitted))
                        }
                        if sheet.state.editable, let due = LocalDate(cycle.submitBy), due >= today, calendar.workingDays(after: today, through: due) <= 3 {
                            out.append(Draft(kind: "deadline", text: T(.noticeDeadline, cycle.name, cycle.submitBy), link: link, state: cycle.submitBy))
                        }
                        if sheet.state == .approved {
                            out.append(Draft(kind: "approved", text: T(.noticeApproved, cycle.name), link: link, state: submitted))
                        }
                    }
                    if SheetRole.mayReview(principal, sheet), sheet.state == .submitted {
                        out.append(Draft(kind: "toReview", text: T(.noticeSheetToReview, names[sheet.unitID] ?? "", cycle.name, sheet.submittedOn ?? ""), link: link, state: submitted))
                    }
                    if SheetRole.mayApprove(principal, sheet), sheet.state == .reviewed {
                        out.append(Draft(kind: "toApprove", text: T(.noticeSheetToApprove, names[sheet.unitID] ?? "", cycle.name), link: link, state: submitted))
                    }
                }
            }
            if assignment.role.permissions.contains(.viewUnit) {
                let overdue = try await StationController.overdueCount(request, under: unit, today: today)
                if overdue > 0 {
                    out.append(Draft(kind: "overdueRequests", text: T(.noticeOverdue, unit.name, String(overdue)),
                                     link: Route.unit(.value(unitID), .overdue).path, state: String(overdue)))
                }
                // Rectifications past their deadline: the village's own list, or the list of every village below.
                let counts = try await RectificationController.counts(request, under: unit)
                let list = { (cycle: UUID?) -> String in
                    if unit.kind == .village, let cycle { return CycleLinks(unit: unitID, cycle: cycle)(.rectification) }
                    return Route.unit(.value(unitID), .rectifications).path
                }
                if counts.overdue > 0 {
                    out.append(Draft(kind: "overdueRectifications", text: T(.noticeRectOverdue, unit.name, String(counts.overdue)),
                                     link: list(counts.overdueCycle), state: String(counts.overdue)))
                }
                if unit.kind == .village, assignment.role.permissions.contains(.fillSheet), counts.supervised > 0 {
                    out.append(Draft(kind: "supervisedRectifications", text: T(.noticeRectSupervised, unit.name, String(counts.supervised)),
                                     link: list(counts.supervisedCycle), state: String(counts.notes)))
                }
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.kind + $0.link).inserted }
    }

    /// Marks the reader's notices read (`ids` nil: all of them), and forgets reads of
    /// notices that no longer exist, so the table holds at most a reader's current notices.
    static func markRead(_ request: Request, ids: [String]?) async throws {
        let principal = try request.requirePrincipal()
        let current = try await notices(request)
        let wanted = Set(ids ?? current.map(\.id))
        let now = request.now
        let userID = principal.userID
        request.application.unreadCache.forget(userID)
        try await request.db.transaction { db in
            try await NoticeRead.query(on: db).filter(\.$userID == userID).filter(\.$notice !~ current.map(\.id)).delete()
            for notice in current where wanted.contains(notice.id) && !notice.read {
                try await NoticeRead(userID: userID, notice: notice.id, readAt: now).create(on: db)
            }
        }
    }

    // MARK: Handlers

    @Sendable func page(_ request: Request, _: OrgUnit?) async throws -> Response {
        let notices = try await Self.notices(request)
        let unread = notices.count { !$0.read }
        // The menu on this page agrees with the list below it.
        request.unreadNotices = unread
        request.application.unreadCache.set(try request.requirePrincipal().userID, unread, now: request.now)
        // Unread first, each list in the order the notices were made (most pressing first).
        let ordered = notices.filter { !$0.read } + notices.filter(\.read)
        let body: Node
        if notices.isEmpty {
            body = .el("p", [:], T(.inboxEmpty))
        } else {
            body = .group([
                .el("p", ["id": "inbox-summary"], unread == 0 ? T(.inboxAllRead, String(notices.count)) : T(.inboxUnreadSummary, String(notices.count), String(unread))),
                .el("ul", ["class": "inbox"], ordered.map { notice in
                    .el("li", ["class": notice.read ? "read" : "unread"], [
                        .when(!notice.read, .el("span", ["class": "badge"], T(.inboxUnread))),
                        .el("a", ["href": Route.inboxNotice(.value(notice.id)).path], notice.text),
                    ])
                }),
                .when(unread > 0, .el("form", ["method": "post", "action": Route.inboxRead.path], [
                    Layout.csrfField(request),
                    .el("button", ["class": "secondary"], T(.inboxMarkAllRead)),
                ])),
            ])
        }
        return HTMLResponse.make(Layout.page(request: request, title: T(.inboxTitle), body: body))
    }

    /// Opening a notice marks it read and goes where it points. An unknown or vanished
    /// notice goes back to the inbox: the target is never taken from the address.
    @Sendable func open(_ request: Request, _: OrgUnit?) async throws -> Response {
        let id = request.parameters.get("notice") ?? ""
        guard id.utf8.count == 16, let notice = try await Self.notices(request).first(where: { $0.id == id }) else {
            return request.redirect(to: Route.inbox.path)
        }
        try await Self.markRead(request, ids: [notice.id])
        return request.redirect(to: notice.link)
    }

    @Sendable func api(_ request: Request, _: OrgUnit?) async throws -> InboxDTO { InboxDTO(notices: try await Self.notices(request)) }

    struct ReadInput: Content {
        var notices: [String]?
    }

    @Sendable func apiRead(_ request: Request, _: OrgUnit?) async throws -> InboxDTO {
        let input = try request.content.decode(ReadInput.self)
        if let ids = input.notices {
            guard ids.count <= 200 else { throw AppError.validation([FieldError(field: "notices", message: T(.inboxTooMany))]) }
            let current = Set(try await Self.notices(request).map(\.id))
            if let unknown = ids.firstIndex(where: { !current.contains($0) }) {
                throw AppError.validation([FieldError(field: "notices[\(unknown)]", message: T(.inboxUnknownNotice))])
            }
        }
        try await Self.markRead(request, ids: input.notices)
        return InboxDTO(notices: try await Self.notices(request))
    }
}

/// Each reader's unread count for the menu, with when it was counted (`InboxController.menuCount`).
final class UnreadCache: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [UUID: (count: Int, at: Date)] = [:]
    static let lifetime: TimeInterval = 60

    func get(_ user: UUID, now: Date) -> Int? {
        lock.withLock {
            guard let entry = counts[user], now.timeIntervalSince(entry.at) >= 0, now.timeIntervalSince(entry.at) < Self.lifetime else { return nil }
            return entry.count
        }
    }

    func set(_ user: UUID, _ count: Int, now: Date) {
        lock.withLock {
            // Bounded: a busy server forgets everyone's at once rather than growing.
            if counts.count >= 20_000 { counts.removeAll(keepingCapacity: true) }
            counts[user] = (count, now)
        }
    }

    func forget(_ user: UUID) { lock.withLock { _ = counts.removeValue(forKey: user) } }
}

extension Application {
    private struct UnreadCacheKey: StorageKey { typealias Value = UnreadCache }
    var unreadCache: UnreadCache {
        if let cache = storage[UnreadCacheKey.self] { return cache }
        let cache = UnreadCache()
        storage[UnreadCacheKey.self] = cache
        return cache
    }
}
