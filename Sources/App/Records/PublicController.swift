import Fluent
import StandardKit
import Vapor

/// Pages anyone may read without signing in: a village's disclosures (村务公开).
/// Only disclosures are shown; nothing else of the village leaves through here.
struct PublicController {
    func register(_ router: Router) {
        // Only reads: from a standby when one is configured and close behind (`Reading`).
        router.page(.GET, .publicDisclosures(.key), .open, reads: .standby, disclosures)
        router.apiResponse(.GET, .api(.publicDisclosures(.key)), .open,
                           APIDoc(summary: T(.apiPublicDisclosures), response: "DisclosuresList", query: Self.query), reads: .standby, api)
    }

    /// A page at a time, newest first, as every records list (`RecordController.page`):
    /// years of disclosures on a resident's phone were one ever longer page.
    static let query: [(name: String, type: Schema.Kind)] = [("from", .string), ("to", .string), ("limit", .integer), ("cursor", .string)]

    private func load(_ request: Request) async throws -> (OrgUnit, Page<Record>) {
        guard let id = request.parameters.get("villageID").flatMap(UUID.init(uuidString:)),
              let village = try await OrgUnit.find(id, on: request.readDB), village.kind == .village else { throw AppError.notFound }
        var page = try await RecordController.page(request, .disclosures, village)
        // Identity-card and mobile numbers in a disclosure are masked here (a list of
        // subsidy recipients must not publish them); offices' fixed lines stay.
        page.items = page.items.map { record in
            var shown = record
            shown.values = record.values.mapValues { value in
                if case let .text(text) = value { return .text(PersonalText.masked(text, .keepFixedLines)) }
                return value
            }
            return shown
        }
        return (village, page)
    }

    @Sendable func disclosures(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (village, page) = try await load(request)
        let records = page.items
        let files = try await Attachments.list(records: records.map(\.id), on: request.readDB)
        let kind = RecordKind.disclosures
        let items: [Node] = records.map { record in
            func show(_ key: String) -> String {
                guard let field = kind.field(key) else { return "" }
                return RecordViews.display(field, record.values[key], references: [:], reveal: false)
            }
            let (from, to) = (show("periodFrom"), show("periodTo"))
            let period = from.isEmpty || to.isEmpty ? from + to : T(.publicPeriodRange, from, to)
            return .el("article", ["class": "disclosure"], [
                .el("h2", [:], show("title")),
                .el("p", ["class": "muted"], T(.publicDisclosureMeta, show("category"), show("publishedOn"), show("channel")) + (period.isEmpty ? "" : " · " + T(.publicPeriod, period))),
                .el("div", ["class": "prewrap"], show("content")),
                .when(!(files[record.id] ?? []).isEmpty, .el("ul", [:], (files[record.id] ?? []).map { file in
                    .el("li", [:], [.el("a", ["href": Route.publicAttachment(village: .value(village.id.linked), record: .value(record.id), attachment: .value(file.id)).path], file.name)])
                })),
            ])
        }
        var filters: [String: String] = [:]
        for name in ["from", "to", "limit"] { if let value = request.query[String.self, at: name], !value.isEmpty { filters[name] = value } }
        let body: Node = records.isEmpty ? .el("p", [:], T(.publicNoDisclosures)) : .group([
            .el("p", ["class": "muted"], T(.pagingCaption, String(page.total), String(records.count))),
            .group(items),
            Paging.pager(request, path: Route.publicDisclosures(.value(village.id.linked)).path, filters: filters, next: page.next),
        ])
        return HTMLResponse.make(Layout.page(request: request, title: T(.publicDisclosuresTitle, village.name), body: body))
    }

    @Sendable func api(_ request: Request, _: OrgUnit?) async throws -> Response {
        let (_, page) = try await load(request)
        return RecordJSON.response(.ok, RecordJSON.list(page, kind: .disclosures, reveal: false))
    }
}
