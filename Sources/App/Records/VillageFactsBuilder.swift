import Fluent
import StandardKit
import Foundation

/// Builds the engine's facts for every village below a unit from their records: one
/// query per record kind plus one for profiles, whatever the number of villages (one
/// village: every kind in one statement). The station's figures are read beside them.
enum VillageFactsBuilder {
    /// A village's every live record, prepared on PostgreSQL (`Frequent`): planning this
    /// union of 30 tables took 1.5 ms, more than running it (0.9 ms), on every evaluation of
    /// one village.
    enum EveryKind: FrequentLists {
        static let kinds = RecordKind.all
        static let only: Set<String>? = nil
        static let sql = RecordStore.postgresListsSQL(kinds, only: only)
    }

    /// With `beside` (another connection), the station's figures are read on it while the
    /// records are read on `db`: the two halves take about as long as each other.
    static func build(under unit: OrgUnit, year: Int, asOf: LocalDate? = nil, on db: any Database,
                      beside: (any Database)? = nil) async throws -> [(village: OrgUnit, facts: VillageFacts)] {
        let villages = unit.kind == .village ? [unit] : try await OrgUnit.below(unit.path, on: db).filter { $0.kind == .village }
        guard !villages.isEmpty else { return [] }
        async let stationFacts = StationFacts.load(under: unit, year: year, asOf: asOf ?? LocalDate.lastDay(of: year), on: beside ?? db)
        let profiles = try await profiles(of: villages, under: unit.path, on: db)
        var records: [String: [UUID: [Record]]] = [:]
        if unit.kind == .village {
            // One village: every kind in one statement (30 round trips cost 7 ms).
            let id = try unit.requireID()
            for (key, list) in try await RecordStore.lists(EveryKind.self, village: id, on: db) { records[key] = [id: list] }
        } else {
            for kind in RecordKind.all {
                records[kind.key] = Dictionary(grouping: try await RecordStore.all(kind, under: unit.path, on: db), by: \.unitID)
            }
        }
        // A village's posts answer to its township's departments, which lie outside the village's path.
        if unit.kind == .village, let township = unit.$parent.id {
            records[RecordKind.departments.key] = [township: try await RecordStore.list(.departments, village: township, on: db)]
        }
        var profileByVillage: [UUID: VillageProfile] = [:]
        for profile in profiles { profileByVillage[profile.$unit.id] = profile }
        let station = try await stationFacts
        let (loaded, profileOf) = (records, profileByVillage)
        @Sendable func facts(of village: OrgUnit) throws -> (village: OrgUnit, facts: VillageFacts) {
            let id = try village.requireID()
            let township = village.$parent.id
            // A township's kinds (its departments) are read as its villages see them.
            func of(_ kind: RecordKind) -> [Record] { (kind.level == .township ? township.flatMap { loaded[kind.key]?[$0] } : loaded[kind.key]?[id]) ?? [] }
            var facts = makeFacts(village: village, year: year, profile: profileOf[id], records: VillageRecords(year: year, list: of))
            station.apply(to: &facts, village: id)
            return (village, facts)
        }
        // Every core at once: pure work, with the database idle by now.
        return try await villages.concurrentMap(facts(of:))
    }

    /// The profiles of `villages` (all the villages below `path`): by their ids, which for
    /// one village is one index probe; by a join on the path when they are very many.
    static func profiles(of villages: [OrgUnit], under path: String, on db: any Database) async throws -> [VillageProfile] {
        guard villages.count <= 1_000 else {
            return try await VillageProfile.query(on: db).join(OrgUnit.self, on: \VillageProfile.$unit.$id == \OrgUnit.$id)
                .filter(OrgUnit.self, \.$path =~ path).all()
        }
        return try await VillageProfile.query(on: db).filter(\.$unit.$id ~~ villages.compactMap(\.id)).all()
    }

    /// The mapping from records to facts (docs/facts.md names each field): the village's
    /// profile here, then what each record kind feeds, in its own file.
    static func makeFacts(village: OrgUnit, year: Int, profile: VillageProfile?, records: VillageRecords) -> VillageFacts {
        var facts = VillageFacts(year: year, village: .init(name: village.name, code: village.code,
                                                            households: profile?.households ?? 0, residentPopulation: profile?.residentPopulation ?? 0,
                                                            busyFinances: profile?.busyFinances ?? false))
        if let profile {
            facts.station.floorArea = profile.stationFloorArea
            if case let .success(intervals) = OpeningSchedule.parse(profile.openingHours) { facts.station.openingHours = intervals }
            facts.station.hotline = profile.hotline.isEmpty ? nil : profile.hotline
        }
        // The hotline is the station's phone channel (item 39); kinds add the others.
        if facts.station.hotline != nil { facts.station.channels.append(.phone) }
        for type in RecordKind.types { type.feed(&facts, from: records) }
        return facts
    }
}
