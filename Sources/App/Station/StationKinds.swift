import Fluent
import StandardKit
import StationKit
import Vapor

extension ServiceMode {
    var label: String {
        switch self {
        case .onTheSpot: return T(.serviceModeOnTheSpot)
        case .timeLimited: return T(.serviceModeTimeLimited)
        case .promised: return T(.serviceModePromised)
        }
    }

    static var choices: [Choice] { allCases.map { Choice(value: $0.rawValue, label: $0.label) } }
}

/// Why a post holder is away.
enum AbsenceKind: String, CaseIterable, Sendable {
    case leave, trip, meeting

    var label: String {
        switch self {
        case .leave: return T(.absenceLeave)
        case .trip: return T(.absenceTrip)
        case .meeting: return T(.absenceMeeting)
        }
    }

    static var choices: [Choice] { allCases.map { Choice(value: $0.rawValue, label: $0.label) } }
}

extension RecordKind {
    /// The unit that owns records of `target` as seen from `owner`: the owner itself, or
    /// its township when a village's record refers to a township's (a post's department).
    static func ownerID(of target: RecordKind, from owner: OrgUnit) -> UUID? {
        if target.level == owner.kind { return owner.id }
        if target.level == .township, owner.kind == .village { return owner.$parent.id }
        return nil
    }

    /// A township's departments, offices and centres that station posts answer to (item 26).
    static let departments = RecordKind(
        key: "departments", table: "rec_departments", label: T(.kindDepartments), items: "第26条",
        fields: [
            FieldSpec(key: "name", label: T(.fieldDepartmentName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(key: "category", label: T(.fieldDepartmentCategory),
                      type: .choice([Choice(value: "office", label: T(.departmentOffice)), Choice(value: "station", label: T(.departmentStation)),
                                     Choice(value: "centre", label: T(.departmentCentre))]), listed: true),
            FieldSpec(key: "phone", label: T(.fieldDepartmentPhone), type: .text(max: 30), listed: true),
            FieldSpec(key: "duties", label: T(.fieldDuties), type: .longText),
        ], dateField: nil, titleField: "name", level: .township, editPermission: .manageDepartments,
        check: { parsed, context in
            try await uniqueText("name", in: context.kind, parsed: &parsed, context: context, message: T(.departmentNameTaken))
        })

    /// Standing and special posts of the station, each with an A and a different B holder (items 26, 27).
    static let posts = RecordKind(
        key: "posts", table: "rec_posts", label: T(.kindPosts), items: "第26、27条",
        fields: [
            FieldSpec(key: "name", label: T(.fieldPostName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(key: "kind", label: T(.fieldPostKind), type: .choice(Choice.from(PostKind.self)), required: true, listed: true),
            FieldSpec(key: "department", label: T(.fieldPostDepartment), type: .reference("departments"), listed: true),
            FieldSpec(key: "holderA", label: T(.fieldHolderA), type: .reference("workers"), required: true, listed: true),
            FieldSpec(key: "holderB", label: T(.fieldHolderB), type: .reference("workers"), listed: true),
            FieldSpec(key: "duties", label: T(.fieldDuties), type: .longText),
        ], dateField: nil, titleField: "name",
        check: { parsed, context in
            if let a = parsed.values["holderA"]?.text, a == parsed.values["holderB"]?.text {
                parsed.errors.append(FieldError(field: "holderB", message: T(.postSameHolder)))
            } else if let a = parsed.values["holderA"]?.text, let b = parsed.values["holderB"]?.text {
                // The new pair must not both be away on some day from today on.
                let absences = try await RecordStore.list(.absences, village: context.owner.requireID(), on: context.db)
                func spans(_ worker: String) -> [(LocalDate, LocalDate)] {
                    absences.compactMap { r in
                        guard r.text("worker") == worker, let f = r.date("from"), let t = r.date("to"), t >= context.today else { return nil }
                        return (max(f, context.today), t)
                    }
                }
                if spans(a).contains(where: { x in spans(b).contains { y in x.0 <= y.1 && y.0 <= x.1 } }) {
                    parsed.errors.append(FieldError(field: "holderB", message: T(.absenceBothAway, parsed.values["name"]?.text ?? "")))
                }
            }
            try await uniqueText("name", in: context.kind, parsed: &parsed, context: context, message: T(.postNameTaken))
        })

    /// A post holder's leave, trip or meeting: while the A holder is away, the post's
    /// requests go to the B holder.
    static let absences = RecordKind(
        key: "absences", table: "rec_absences", label: T(.kindAbsences), items: "第27条",
        fields: [
            FieldSpec(key: "worker", label: T(.fieldAbsenceWorker), type: .reference("workers"), required: true, listed: true),
            FieldSpec(key: "kind", label: T(.fieldAbsenceKind), type: .choice(AbsenceKind.choices), required: true, listed: true),
            FieldSpec(key: "from", label: T(.fieldAbsenceFrom), type: .date, required: true, listed: true),
            FieldSpec(key: "to", label: T(.fieldAbsenceTo), type: .date, required: true, listed: true),
            FieldSpec(key: "note", label: T(.fieldNote), type: .longText),
        ], dateField: "from", titleField: "kind",
        check: { parsed, context in try await checkAbsence(&parsed, context) })

    /// The station's service catalogue with each service's guide (items 29, 30, 37).
    static let services = RecordKind(
        key: "services", table: "rec_services", label: T(.kindServices), items: "第29、30、37条",
        fields: [
            FieldSpec(key: "code", label: T(.fieldServiceCode), type: .text(max: 20), required: true, listed: true),
            FieldSpec(key: "name", label: T(.fieldServiceName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(key: "field", label: T(.fieldServiceField), type: .choice(Choice.from(ServiceField.self)), required: true, listed: true),
            FieldSpec(key: "mode", label: T(.fieldServiceMode), type: .choice(ServiceMode.choices), required: true, listed: true),
            FieldSpec(key: "timeLimit", label: T(.fieldServiceTimeLimit), type: .integer(0...365), listed: true),
            FieldSpec(key: "post", label: T(.fieldServicePost), type: .reference("posts"), listed: true),
            FieldSpec(key: "materials", label: T(.fieldServiceMaterials), type: .longText),
            FieldSpec(key: "guide", label: T(.fieldServiceGuide), type: .longText),
            FieldSpec(key: "published", label: T(.fieldServicePublished), type: .flag, listed: true),
        ], dateField: nil, titleField: "name",
        check: { parsed, context in
            if let code = parsed.values["code"]?.text, !isValidServiceCode(code) {
                parsed.errors.append(FieldError(field: "code", message: T(.serviceCodeFormat)))
            }
            if parsed.values["mode"]?.text == ServiceMode.timeLimited.rawValue, (parsed.values["timeLimit"]?.number ?? 0) < 1 {
                parsed.errors.append(FieldError(field: "timeLimit", message: T(.serviceTimeLimitNeeded)))
            }
            try await uniqueText("code", in: context.kind, parsed: &parsed, context: context, message: T(.serviceCodeTaken))
        })

    /// Service codes are what Open311 clients and the 96156 platform send: ASCII letters,
    /// digits and "-", at most 20.
    static func isValidServiceCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 20 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// Adds an error when another live record of the owner has the same value in `key`.
    static func uniqueText(_ key: String, in kind: RecordKind, parsed: inout RecordInput.Parsed, context: RecordCheckContext, message: String) async throws {
        guard let value = parsed.values[key]?.text else { return }
        let others = try await RecordStore.list(kind, village: context.owner.requireID(), on: context.db)
        if others.contains(where: { $0.id != context.recordID && $0.text(key) == value }) {
            parsed.errors.append(FieldError(field: key, message: message))
        }
    }

    /// An absence must end on or after it starts, and must not leave a post with both its
    /// holders away (or, for a post without a B holder, its A holder away): the message
    /// names the post.
    static func checkAbsence(_ parsed: inout RecordInput.Parsed, _ context: RecordCheckContext) async throws {
        guard let worker = parsed.values["worker"]?.text, let from = parsed.values["from"]?.text.flatMap(LocalDate.init),
              let to = parsed.values["to"]?.text.flatMap(LocalDate.init) else { return }
        guard from <= to else {
            parsed.errors.append(FieldError(field: "to", message: T(.absenceEndsBeforeStart)))
            return
        }
        guard from.days(until: to) <= 366 else {
            parsed.errors.append(FieldError(field: "to", message: T(.absenceTooLong)))
            return
        }
        let village = try context.owner.requireID()
        let absences = try await RecordStore.list(.absences, village: village, on: context.db).filter { $0.id != context.recordID }
        func away(_ holder: String) -> Bool {
            absences.contains { a in
                guard a.text("worker") == holder, let f = a.date("from"), let t = a.date("to") else { return false }
                return f <= to && from <= t
            }
        }
        for post in try await RecordStore.list(.posts, village: village, on: context.db) {
            let a = post.text("holderA"), b = post.text("holderB")
            let name = post.text("name") ?? ""
            if a == worker {
                guard let b else {
                    parsed.errors.append(FieldError(field: "worker", message: T(.absenceNoBackup, name)))
                    return
                }
                if away(b) { parsed.errors.append(FieldError(field: "from", message: T(.absenceBothAway, name))); return }
            } else if b == worker, let a, away(a) {
                parsed.errors.append(FieldError(field: "from", message: T(.absenceBothAway, name)))
                return
            }
        }
    }
}

extension RecordKind {
    /// A worker's account, when given, must be a user with a role at this village: that
    /// is how the station desk knows whose post (and whose cover work) is whose.
    static func checkWorkerAccount(_ parsed: inout RecordInput.Parsed, _ context: RecordCheckContext) async throws {
        guard let username = parsed.values["account"]?.text else { return }
        let village = try context.owner.requireID()
        guard let user = try await User.query(on: context.db).filter(\.$username == username).first(),
              try await RoleAssignment.query(on: context.db).filter(\.$user.$id == user.requireID()).filter(\.$unit.$id == village).first() != nil else {
            parsed.errors.append(FieldError(field: "account", message: T(.workerAccountUnknown, username)))
            return
        }
        try await uniqueText("account", in: context.kind, parsed: &parsed, context: context, message: T(.workerAccountTaken))
    }
}
