import Fluent
import Foundation
import SQLKit
import StandardKit

/// The records and users a page of events refers to, by title and name, in one query per
/// kind (ids upper-cased).
enum AuditNames {
    static func load(_ events: [AuditEventDTO], on db: any Database) async throws -> [String: String] {
        var wanted: [String: Set<UUID>] = [:]
        var users = Set<UUID>()
        for event in events {
            if event.objectType == "user", let id = event.objectID.flatMap(UUID.init(uuidString:)) { users.insert(id) }
            guard let kind = RecordKind.named(event.objectType) else { continue }
            let values = AuditViews.fields(event.before).merging(AuditViews.fields(event.after)) { a, _ in a }
            for field in kind.fields {
                switch field.type {
                case let .reference(target), let .references(target):
                    for id in (values[field.key] ?? "").split(separator: ",").compactMap({ UUID(uuidString: String($0)) }) { wanted[target, default: []].insert(id) }
                default: continue
                }
            }
        }
        var out: [String: String] = [:]
        let sql = try Dialect.sql(db)
        for (target, ids) in wanted {
            guard let kind = RecordKind.named(target), let title = kind.field(kind.titleField), !ids.isEmpty else { continue }
            let rows = try await sql.select().column("id").column(SQLIdentifier(title.column)).from(kind.table)
                .where("id", .in, SQLBind.group(Array(ids.prefix(500)))).all()
            for row in rows {
                guard let id = try? row.decode(column: "id", as: UUID.self) else { continue }
                let text = (try? row.decode(column: title.column, as: String?.self)) ?? (try? row.decode(column: title.column, as: Int?.self)).flatMap { $0.map(String.init) }
                if let text { out[id.uuidString] = AuditViews.valueText(target, kind.titleField, text, names: [:]) }
            }
        }
        if !users.isEmpty {
            for user in try await User.query(on: db).filter(\.$id ~~ Array(users)).all() {
                if let id = user.id { out[id.uuidString] = user.displayName }
            }
        }
        return out
    }
}

/// The audit log as officials read it: kinds, actions and fields by their Chinese (or
/// English) labels, objects by their names, and each change as before → after. The JSON
/// API keeps the stored ids and values.
enum AuditViews {
    /// The object types people filter by, with their labels (record kinds included).
    static var types: [(String, String)] {
        [("assessmentSheet", T(.auditTypeSheet)), ("assessmentCycle", T(.auditTypeCycle)), ("villageProfile", T(.auditTypeProfile)),
         ("unit", T(.auditTypeUnit)), ("user", T(.auditTypeUser)), ("serviceRequests", T(.auditTypeRequest)), ("complaints", T(.auditTypeComplaint)),
         ("calendar", T(.auditTypeCalendar))]
            + IntegrationKind.allCases.map { ($0.rawValue, T(.auditTypeKey) + T(.parenthesized, $0.label)) }
            + RecordKind.all.map { ($0.key, $0.label) }
    }

    static func typeLabel(_ type: String) -> String { types.first { $0.0 == type }?.1 ?? type }

    static var actions: [(String, String)] {
        [("create", T(.auditActCreate)), ("update", T(.auditActUpdate)), ("delete", T(.auditActDelete)), ("import", T(.auditActImport)),
         ("attach", T(.auditActAttach)), ("detach", T(.auditActDetach)), ("login", T(.auditActLogin)), ("logout", T(.auditActLogout)),
         ("revealPersonalData", T(.auditActReveal)), ("openCycle", T(.auditActOpenCycle)), ("addEvidence", T(.auditActAddEvidence)),
         ("removeEvidence", T(.auditActRemoveEvidence)), ("submitSheet", T(.auditActSubmit)), ("reviewCheck", T(.auditActReview)),
         ("answerReturn", T(.auditActAnswer)), ("returnSheet", T(.auditActReturn)), ("returnSheetToReviewer", T(.auditActReturnReviewer)),
         ("passSheet", T(.auditActPass)), ("approveSheet", T(.auditActApprove)), ("unlockSheet", T(.auditActUnlock)),
         ("updateRectification", T(.auditActRectification)), ("closeRectification", T(.auditActRectClose)),
         ("superviseRectification", T(.auditActRectNote)), ("createIntegrationKey", T(.auditActCreateKey)),
         ("revokeIntegrationKey", T(.auditActRevokeKey)), ("updateCalendar", T(.auditActCalendar)), ("feedback", T(.auditActFeedback))]
    }

    static func actionLabel(_ action: String) -> String { actions.first { $0.0 == action }?.1 ?? StationText.actionLabel(action) }

    /// A stored field's label for a kind of object.
    static func fieldLabel(_ type: String, _ key: String) -> String {
        if let kind = RecordKind.named(type), let field = kind.field(key) { return field.label }
        switch key {
        case "check": return T(.auditFieldCheck)
        case "decision": return T(.auditFieldDecision)
        case "reason": return T(.auditFieldReason)
        case "state": return T(.auditFieldState)
        case "answer": return T(.auditFieldAnswer)
        case "name": return T(.auditFieldName)
        case "households": return T(.profileHouseholds)
        case "residentPopulation": return T(.profileResidentPopulation)
        case "registeredPopulation": return T(.profileRegisteredPopulation)
        case "area": return T(.profileArea)
        case "address": return T(.profileAddress)
        case "stationFloorArea": return T(.profileStationFloorArea)
        case "openingHours": return T(.profileOpeningHours)
        case "hotline": return T(.profileHotline)
        case "busyFinances": return T(.profileBusyFinances)
        default: return key
        }
    }

    /// A stored value as people read it: a sheet's state or a decision by its label, a
    /// record's choice by its label.
    static func valueText(_ type: String, _ key: String, _ value: String, names: [String: String] = [:]) -> String {
        if key == "state", let state = SheetState(rawValue: value) { return state.label }
        if key == "decision" { return value == "accepted" ? T(.sheetAccept) : value == "returned" ? T(.sheetReturn) : value }
        if let field = RecordKind.named(type)?.field(key) {
            switch field.type {
            case let .choice(choices): return choices.first { $0.value == value }?.label ?? value
            case .flag: return value == "true" ? T(.yes) : value == "false" ? T(.no) : value
            case .money: return Int(value).map { Money(fen: $0).description } ?? value
            case .hundredths: return Int(value).map { Figure.text(Double($0) / 100) } ?? value
            case .reference, .references:
                // Another record by its title, not its id.
                return value.split(separator: ",").map { names[String($0).uppercased()] ?? String($0.prefix(8)) }.joined(separator: T(.sepList))
            default: return value
            }
        }
        return value
    }

    /// A stored JSON object as flat text fields (a record's are under "values").
    static func fields(_ json: String?) -> [String: String] {
        guard let json, let root = try? JSONParser.parse(Array(json.utf8)), let object = root.members else { return [:] }
        let flat = root["values"]?.members ?? object
        var out: [String: String] = [:]
        for (key, node) in flat {
            switch node.value {
            case let .string(text): out[key] = text
            case let .number(number): out[key] = number
            case let .bool(flag): out[key] = flag ? "true" : "false"
            case .null: continue
            default: out[key] = node.value.serialized
            }
        }
        return out
    }

    /// What changed, field by field: before → after; all fields of a new or deleted object.
    static func changes(_ event: AuditEventDTO, names: [String: String] = [:]) -> [String] {
        let before = fields(event.before), after = fields(event.after)
        let keys = Set(before.keys).union(after.keys).sorted()
        func shown(_ key: String, _ value: String?) -> String {
            guard let value, !value.isEmpty else { return "—" }
            let text = valueText(event.objectType, key, value, names: names)
            return text.count > 120 ? String(text.prefix(120)) + "…" : text
        }
        if event.before == nil || before.isEmpty {
            let list = keys.filter { !(after[$0] ?? "").isEmpty }.map { T(.titled, fieldLabel(event.objectType, $0), shown($0, after[$0])) }
            return list.isEmpty ? [] : [T(.auditCreated, list.joined(separator: T(.sepSemicolon)))]
        }
        if event.after == nil || after.isEmpty {
            let list = keys.filter { !(before[$0] ?? "").isEmpty }.map { T(.titled, fieldLabel(event.objectType, $0), shown($0, before[$0])) }
            return list.isEmpty ? [] : [T(.auditDeleted, list.joined(separator: T(.sepSemicolon)))]
        }
        return keys.filter { before[$0] != after[$0] }.map { key in
            T(.auditChange, fieldLabel(event.objectType, key), shown(key, before[key]), shown(key, after[key]))
        }
    }

    /// The object's name: a record's title, a user's name, else the unit it belongs to.
    static func objectName(_ event: AuditEventDTO, unitNames: [String: String], names: [String: String] = [:]) -> String {
        let values = fields(event.after).merging(fields(event.before)) { a, _ in a }
        if let kind = RecordKind.named(event.objectType), let title = values[kind.titleField], !title.isEmpty {
            let village = event.unitID.flatMap { unitNames[$0] }
            return (village.map { $0 + " · " } ?? "") + valueText(event.objectType, kind.titleField, title)
        }
        if event.objectType == "user", let name = values["displayName"] ?? values["username"] ?? event.objectID.flatMap({ names[$0.uppercased()] }) { return name }
        return event.unitID.flatMap { unitNames[$0] } ?? String((event.objectID ?? "").prefix(8))
    }
}
