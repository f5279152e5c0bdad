import Foundation
import StandardKit

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
