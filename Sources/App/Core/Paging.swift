import Fluent
import Foundation
import SQLKit
import StandardKit
import Vapor

/// A list read a page at a time by its sort key (keyset pagination): the page after a row
/// starts where that row's key ends, so a page costs the same at the first row as at the
/// ten-thousandth, and rows written meanwhile neither repeat nor go missing.
enum Paging {
    static let defaultLimit = 50
    static let maxLimit = 200

    /// The page size asked for (`limit`): 1…200, 50 when not given; anything else is a 400
    /// naming `limit`.
    static func limit(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { return defaultLimit }
        guard text.count <= 4, let value = Int(text), (1...maxLimit).contains(value) else {
            throw AppError.badQuery([FieldError(field: "limit", message: T(.pagingLimit, String(maxLimit)))])
        }
        return value
    }

    /// A cursor for a row's key: its parts, opaque to the reader (base64url).
    static func cursor(_ parts: [String]) -> String {
        Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The (day, id) key a list of rows by day then id is paged after (`cursor` in the
    /// address): nil for the first page; a cursor that is not such a key is a 400 naming it.
    static func dayAndID(_ cursor: String?) throws -> (day: String, id: UUID)? {
        guard let cursor, !cursor.isEmpty else { return nil }
        let parts = try parts(cursor, count: 2)
        guard LocalDate(parts[0]) != nil, let id = UUID(uuidString: parts[1]) else {
            throw AppError.badQuery([FieldError(field: "cursor", message: T(.pagingCursor))])
        }
        return (parts[0], id)
    }

    /// A page from rows read one past `limit`: the first `limit`, and the cursor of the page
    /// after (the last row's key) when there was one more.
    static func split<Row>(_ rows: [Row], limit: Int, key: (Row) -> [String]?) -> (items: [Row], next: String?) {
        let items = Array(rows.prefix(limit))
        guard rows.count > limit, let last = items.last, let parts = key(last) else { return (items, nil) }
        return (items, cursor(parts))
    }

    /// The parts of a cursor of `count` parts; a cursor that is not one of ours is a 400
    /// naming `cursor`. Bounded before it is decoded.
    static func parts(_ cursor: String, count: Int) throws -> [String] {
        let failure = AppError.badQuery([FieldError(field: "cursor", message: T(.pagingCursor))])
        guard cursor.utf8.count <= 200 else { throw failure }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw failure }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == count else { throw failure }
        return parts
    }
}

/// A page of rows, the cursor of the page after (nil on the last), and how many rows match
/// in all (a COUNT, not the rows).
struct Page<Row> {
    var items: [Row]
    var next: String?
    var total: Int
}

extension Paging {
    /// One page of a query's rows by a day field (`yyyy-MM-dd`) and then the id, newest
    /// first, after the request's `cursor`, `limit` rows (50, at most 200). The id breaks ties
    /// exactly: ids are made in time order (`OrderedID`), so one day's rows keep their order.
    static func newestByDay<M: Model>(_ request: Request, _ query: QueryBuilder<M>, day: KeyPath<M, FieldProperty<M, String>>) async throws -> Page<M>
    where M.IDValue == UUID {
        let limit = try limit(request.query[String.self, at: "limit"])
        var query = query
        let total = try await query.copy().count()
        if let after = try dayAndID(request.query[String.self, at: "cursor"]) {
            query = query.group(.or) { or in
                or.filter(day < after.day).group(.and) { and in and.filter(day == after.day).filter(\M._$id < after.id) }
            }
        }
        let rows = try await query.sort(day, .descending).sort(\M._$id, .descending).limit(limit + 1).rows()
        let (items, next) = split(rows, limit: limit) { row in row.id.map { [row[keyPath: day].wrappedValue, $0.uuidString] } }
        return Page(items: items, next: next, total: total)
    }

    /// One page of a query's rows by a time field and then the id, newest first: as
    /// `newestByDay`, the cursor carrying the time to the microsecond.
    static func newestByTime<M: Model>(_ request: Request, _ query: QueryBuilder<M>, time: KeyPath<M, FieldProperty<M, Date>>) async throws -> Page<M>
    where M.IDValue == UUID {
        let page = try await newestByTime(query, time: time, limit: try limit(request.query[String.self, at: "limit"]),
                                          after: try timeAndID(request.query[String.self, at: "cursor"])?.id)
        return Page(items: page.items, next: page.next, total: try await query.copy().count())
    }

    /// `limit` rows of a query by a time field and then the id, newest first, after the row
    /// `after` (the id a cursor names); the cursor of the page after. Without a count, for
    /// lists that do not show one.
    static func newestByTime<M: Model>(_ query: QueryBuilder<M>, time: KeyPath<M, FieldProperty<M, Date>>, limit: Int,
                                       after: UUID?) async throws -> (items: [M], next: String?)
    where M.IDValue == UUID {
        var query = query.copy()
        if let after {
            // After that row's (time, id) as the database holds it (see `RecordStore.page`): a
            // time from a cursor lies up to half a microsecond beside the stored one on SQLite,
            // and rows at that time were shown twice or not at all.
            let column = M()[keyPath: time].key.description
            let cursorRow = SQLSubquery.select { subquery in
                subquery.column(SQLColumn(column)).column(SQLColumn("id")).from(M.schema).where(SQLColumn("id"), .equal, SQLBind(after))
            }
            let key = SQLGroupExpression([SQLColumn(column, table: M.schema), SQLColumn("id", table: M.schema)])
            query = query.filter(.custom(SQLBinaryExpression(key, .lessThan, cursorRow)))
        }
        let rows = try await query.sort(time, .descending).sort(\M._$id, .descending).limit(limit + 1).rows()
        return split(rows, limit: limit) { row in
            row.id.map { [String(row[keyPath: time].wrappedValue.timeIntervalSince1970), $0.uuidString] }
        }
    }

    /// The (time, id) key of a cursor made by `newestByTime`; a cursor that is not one is a
    /// 400 naming it.
    static func timeAndID(_ cursor: String?) throws -> (time: Date, id: UUID)? {
        guard let cursor, !cursor.isEmpty else { return nil }
        let parts = try parts(cursor, count: 2)
        guard let seconds = seconds(parts[0]), let id = UUID(uuidString: parts[1]) else {
            throw AppError.badQuery([FieldError(field: "cursor", message: T(.pagingCursor))])
        }
        return (Date(timeIntervalSince1970: seconds), id)
    }

    /// A time in a cursor, as seconds since 1970: only times a row can have (1970–2100), so
    /// no store is asked to compare with a date it cannot hold.
    static func seconds(_ text: String) -> Double? {
        guard text.count <= 24, let seconds = Double(text), (0...4_102_444_800).contains(seconds) else { return nil }
        return seconds
    }

    /// Whether the request asked for a page after the first (so the pager offers the first).
    static func isAfterFirst(_ request: Request) -> Bool {
        request.query[String.self, at: "cursor"].map { !$0.isEmpty } ?? false
    }

    /// A list's address with its filters kept and a cursor (nil for the first page).
    static func link(_ path: String, filters: [String: String], cursor: String?) -> String {
        let keep = filters.filter { $0.key != "cursor" }.sorted { $0.key < $1.key }
            .map { $0.key + "=" + ($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ".", "_"])) ?? "") }
        let query = (keep + (cursor.map { ["cursor=" + $0] } ?? [])).joined(separator: "&")
        return query.isEmpty ? path : path + "?" + query
    }

    /// The pager of a list page: 第一页 when past the first, 下一页 when there is one.
    static func pager(_ request: Request, path: String, filters: [String: String], next: String?) -> Node {
        Layout.pager(first: isAfterFirst(request) ? link(path, filters: filters, cursor: nil) : nil,
                     next: next.map { link(path, filters: filters, cursor: $0) })
    }
}
