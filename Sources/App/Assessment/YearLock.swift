import Fluent
import Foundation
import SQLKit
import StandardKit

/// A village's year as its sheet holds it: once the sheet is submitted (the reviewer must
/// see what was submitted) and until the district approves it and while it stays approved,
/// the records the cycle evaluated — those with a date from 1 January of the cycle's year
/// to its as-of date — cannot be created, changed or deleted. A return to the village, or
/// the district's audited unlock, opens them again.
///
/// Records without a date of their own (a worker, an organization's name) describe the
/// present and stay open; the approved result is kept on the sheet, so changing them does
/// not change the approved year.
enum YearLock {
    /// One locked period of a village.
    struct Period: Sendable, Equatable {
        var cycleName: String
        var state: SheetState
        var approvedOn: String?
        var from: LocalDate
        var through: LocalDate

        func contains(_ date: LocalDate) -> Bool { from <= date && date <= through }

        /// What a person is told when a write falls in the period.
        var message: String {
            state == .approved
                ? T(.lockApproved, cycleName, approvedOn ?? "", from.description, through.description)
                : T(.lockInReview, cycleName, state.label, from.description, through.description)
        }
    }

    static let lockingStates: [SheetState] = [.submitted, .reviewed, .approved]

    /// The period a village's sheet locks now, if it locks one.
    static func period(cycle: AssessmentCycle, sheet: AssessmentSheet) -> Period? {
        guard sheet.level == .village, lockingStates.contains(sheet.state), let asOf = LocalDate(cycle.asOf) else { return nil }
        return Period(cycleName: cycle.name, state: sheet.state, approvedOn: sheet.approvedOn, from: LocalDate.firstDay(of: cycle.year),
                      through: min(asOf, LocalDate.lastDay(of: cycle.year)))
    }

    /// The village's locked periods (a few rows: one sheet per cycle).
    static func periods(village: UUID, on db: any Database) async throws -> [Period] {
        let sql = try Dialect.sql(db)
        let rows = try await sql.raw("""
            SELECT c.name, c.year, c.as_of, s.state, s.approved_on FROM assessment_sheets s
            JOIN assessment_cycles c ON c.id = s.cycle_id
            WHERE s.unit_id = \(bind: village) AND s.level = 'village' AND s.state IN (\(binds: lockingStates.map(\.rawValue)))
            """).all()
        return try rows.compactMap { row in
            guard let state = SheetState(rawValue: try row.decode(column: "state", as: String.self)),
                  let asOf = LocalDate(try row.decode(column: "as_of", as: String.self)) else { return nil }
            let year = try row.decode(column: "year", as: Int.self)
            return Period(cycleName: try row.decode(column: "name", as: String.self), state: state,
                          approvedOn: try row.decode(column: "approved_on", as: String?.self),
                          from: LocalDate.firstDay(of: year), through: min(asOf, LocalDate.lastDay(of: year)))
        }
    }

    /// The dates of a record that place it in a year: its date fields, or for a kind with
    /// none (volunteer hours) the dates of the dated records it refers to.
    static func dates(_ kind: RecordKind, _ values: [String: FieldValue], village: UUID, on db: any Database) async throws -> [LocalDate] {
        var out: [LocalDate] = []
        var hasDateField = false
        for field in kind.fields {
            if case .date = field.type {
                hasDateField = true
                if let text = values[field.key]?.text, let date = LocalDate(text) { out.append(date) }
            }
        }
        guard !hasDateField else { return out }
        for field in kind.fields {
            guard case let .reference(target) = field.type, let targetKind = RecordKind.named(target), targetKind.dateField != nil,
                  let text = values[field.key]?.text, let id = UUID(uuidString: text),
                  let record = try await RecordStore.find(targetKind, id: id, village: village, on: db) else { continue }
            out += try await dates(targetKind, record.values, village: village, on: db)
        }
        return out
    }

    /// The locked period a write falls in, if any: `before` is the record as stored (nil
    /// for a new one), `after` as it would be (nil for a deletion).
    static func blocking(_ kind: RecordKind, before: [String: FieldValue]?, after: [String: FieldValue]?, village: UUID,
                         on db: any Database) async throws -> Period? {
        let periods = try await periods(village: village, on: db)
        guard !periods.isEmpty else { return nil }
        var dates: [LocalDate] = []
        if let before { dates += try await self.dates(kind, before, village: village, on: db) }
        if let after { dates += try await self.dates(kind, after, village: village, on: db) }
        return periods.first { period in dates.contains(where: period.contains) }
    }

    /// Refuses a write that falls in a locked period (409, naming the sheet and its state).
    static func check(_ kind: RecordKind, before: [String: FieldValue]?, after: [String: FieldValue]?, village: UUID, on db: any Database) async throws {
        if let period = try await blocking(kind, before: before, after: after, village: village, on: db) {
            throw AppError.conflict(period.message)
        }
    }
}

/// What a person may do with a sheet now, role and state together. The API's flags, the
/// page's buttons and the workflow's state checks all come from here, so they cannot disagree.
struct SheetActions: Sendable, Equatable {
    /// Add evidence and submit (a draft, or a returned sheet).
    var fill: Bool
    /// Answer the returned checks.
    var answer: Bool
    /// Decide checks, pass the sheet up or return it.
    var review: Bool
    /// Approve, or send back to the reviewer.
    var approve: Bool
    /// Unlock an approved sheet (with a reason).
    var unlock: Bool

    static func of(_ principal: Principal?, _ sheet: AssessmentSheet) -> SheetActions {
        let fills = SheetRole.mayFill(principal, sheet), approves = SheetRole.mayApprove(principal, sheet)
        return SheetActions(fill: fills && sheet.state.editable, answer: fills && sheet.state == .returned,
                            review: SheetRole.mayReview(principal, sheet) && sheet.state == .submitted,
                            approve: approves && sheet.state == .reviewed, unlock: approves && sheet.state == .approved)
    }
}
