import Foundation
import StandardKit
import StationKit

/// The station's service catalogue with each service's guide (items 29, 30, 37).
struct ServiceRecord: KindRecord {
    static let key = "services"
    enum Field: String, RecordField {
        case code, name, field, mode, timeLimit, post, materials, guide, published
    }

    static let kind = RecordKind(key: key, table: "rec_services", label: T(.kindServices), items: "第29、30、37条",
        fields: [
            FieldSpec(Field.code, label: T(.fieldServiceCode), type: .text(max: 20), required: true, listed: true),
            FieldSpec(Field.name, label: T(.fieldServiceName), type: .text(max: 60), required: true, listed: true),
            FieldSpec(Field.field, label: T(.fieldServiceField), type: .choice(Choice.from(ServiceField.self)), required: true, listed: true),
            FieldSpec(Field.mode, label: T(.fieldServiceMode), type: .choice(ServiceMode.choices), required: true, listed: true),
            FieldSpec(Field.timeLimit, label: T(.fieldServiceTimeLimit), type: .integer(0...365), listed: true),
            FieldSpec(Field.post, label: T(.fieldServicePost), type: .reference(PostRecord.key), listed: true),
            FieldSpec(Field.materials, label: T(.fieldServiceMaterials), type: .longText),
            FieldSpec(Field.guide, label: T(.fieldServiceGuide), type: .longText),
            FieldSpec(Field.published, label: T(.fieldServicePublished), type: .flag, listed: true),
        ], dateField: nil, titleField: Field.name.rawValue,
        check: { parsed, context in
            if let code = parsed[text: Field.code], !RecordKind.isValidServiceCode(code) {
                parsed.errors.append(FieldError(field: Field.code.rawValue, message: T(.serviceCodeFormat)))
            }
            if parsed[text: Field.mode] == ServiceMode.timeLimited.rawValue, (parsed[number: Field.timeLimit] ?? 0) < 1 {
                parsed.errors.append(FieldError(field: Field.timeLimit.rawValue, message: T(.serviceTimeLimitNeeded)))
            }
            try await RecordKind.uniqueText(Field.code, in: context.kind, parsed: &parsed, context: context, message: T(.serviceCodeTaken))
        })

    let record: Record

    /// Whether residents can read the service's guide: it is published and has one.
    var publishesGuide: Bool { self[flag: .published] && !(self[text: .guide] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    /// The service catalogue by field, which services publish a guide (items 29, 30, 37),
    /// and the online channel when any service is published (item 39).
    static func feed(_ facts: inout VillageFacts, from records: VillageRecords) {
        let services = records.of(Self.self)
        facts.services = services.compactMap { service in
            guard let field: ServiceField = service[choice: .field] else { return nil }
            return .init(name: service[text: .name] ?? "", field: field, publicGuide: service.publishesGuide)
        }
        if services.contains(where: { $0[flag: .published] }) { facts.station.channels.append(.online) }
    }
}

extension RecordKind {
    static var services: RecordKind { ServiceRecord.kind }
}

extension RecordKind {
    /// Service codes are what Open311 clients and the 96156 platform send: ASCII letters,
    /// digits and "-", at most 20.
    static func isValidServiceCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 20 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}

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
