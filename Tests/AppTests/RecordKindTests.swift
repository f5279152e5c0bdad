@testable import App
import Foundation
import StandardKit
import Testing

/// One file per record kind: its `Field` enum, its field list and what it feeds into the
/// facts agree, and nothing reads a field by a string where the facts are built.
@Suite("Record kinds: one file each, fields typed")
struct RecordKindTests {
    @Test("each kind's field list is its Field enum, in order, and its key is its type's")
    func fieldsAreTheEnum() {
        for type in RecordKind.types {
            let kind = type.kind
            #expect(kind.key == type.key)
            #expect(kind.fields.map(\.key) == type.fieldNames, "\(kind.key): the field list and the Field enum differ")
            if let date = kind.dateField { #expect(kind.field(date) != nil, "\(kind.key): date field \(date)") }
            #expect(kind.field(kind.titleField) != nil, "\(kind.key): title field \(kind.titleField)")
            for field in kind.fields {
                switch field.type {
                case let .reference(target), let .references(target):
                    #expect(RecordKind.named(target) != nil, "\(kind.key).\(field.key) refers to an unknown kind \(target)")
                default: break
                }
            }
        }
        #expect(Set(RecordKind.all.map(\.key)).count == RecordKind.all.count)
        #expect(Set(RecordKind.all.map(\.table)).count == RecordKind.all.count)
    }

    /// The files that build facts from records: the builder, the station's figures and
    /// every kind's file. A field read by a string there (`record.text("name")`) could be
    /// misspelt and still compile; the typed subscripts cannot.
    @Test("the facts builder and the kinds read no field by a string")
    func noStringFieldReads() throws {
        let files = ["Records/VillageFactsBuilder.swift", "Station/StationFacts.swift"] + ArchitectureTests.kindFiles
        #expect(files.count > 20)
        let reads = try Regex(#"\.(text|number|flag|date|words)\(\s*""#)
        let values = try Regex(#"values\[\s*""#)
        for path in files {
            let text = try ArchitectureTests.source(path)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                #expect(line.firstMatch(of: reads) == nil && line.firstMatch(of: values) == nil, "\(path):\(number + 1) reads a field by a string: \(line)")
            }
        }
        // The pattern does catch what it is for.
        #expect(#"let n = record.text("name")"#.firstMatch(of: reads) != nil)
    }

    @Test("a kind's typed view reads its record's values")
    func typedView() {
        let record = Record(id: UUID(), unitID: UUID(), unitPath: "/x/", values: [
            "kind": .text("representativeMeeting"), "date": .text("2026-03-05"), "attendance": .number(41), "title": .text("一季度村民代表会议"),
        ])
        let meeting = MeetingRecord(record: record)
        #expect(meeting[date: .date] == LocalDate("2026-03-05"))
        #expect(meeting[choice: .kind] == MeetingKind.representativeMeeting)
        #expect(meeting[number: .attendance] == 41)
        #expect(meeting[text: .minutes] == nil)
        let withUnknownWord = MeetingRecord(record: Record(id: UUID(), unitID: UUID(), unitPath: "/x/", values: ["kind": .text("party")]))
        #expect((withUnknownWord[choice: .kind] as MeetingKind?) == nil)
    }

    @Test("what the kinds feed: a village's records become the facts the engine reads")
    func feeds() {
        func record(_ values: [String: FieldValue]) -> Record { Record(id: UUID(), unitID: UUID(), unitPath: "/x/", values: values) }
        let unit = record(["name": .text("市供电公司"), "unitType": .text("enterprise")])
        let society = record(["name": .text("老年协会"), "type": .text("other"), "status": .text("filed")])
        let body = record(["kind": .text("deliberationBody"), "name": .text("议事会"),
                           "memberResidentUnits": .text(unit.id.uuidString + "," + UUID().uuidString), "memberSocialOrganizations": .text(society.id.uuidString)])
        let teamActivity = record(["date": .text("2026-05-01"), "title": .text("助老"), "categories": .text("elderAndDisabilityHelp"), "targetGroups": .text("elderly")])
        let lastYear = record(["date": .text("2025-05-01"), "title": .text("旧活动")])
        let volunteer = record(["name": .text("王五"), "fiveElders": .flag(true)])
        let hours = [record(["activity": .text(teamActivity.id.uuidString), "volunteer": .text(volunteer.id.uuidString), "hours": .number(250)]),
                     record(["activity": .text(lastYear.id.uuidString), "volunteer": .text(volunteer.id.uuidString), "hours": .number(900)])]
        let byKind: [String: [Record]] = [
            OrganizationRecord.key: [record(["kind": .text("partyOrganization"), "name": .text("党支部")]), body],
            ResidentUnitRecord.key: [unit], SocialOrganizationRecord.key: [society],
            MeetingRecord.key: [record(["kind": .text("representativeMeeting"), "date": .text("2026-03-05")]),
                                record(["kind": .text("representativeMeeting"), "date": .text("2025-12-30")])],
            VolunteerActivityRecord.key: [teamActivity, lastYear], VolunteerRecord.key: [volunteer], VolunteerHoursRecord.key: hours,
        ]
        let village = OrgUnit(kind: .village, name: "测试村", code: "110000000001", parent: nil)
        let facts = VillageFactsBuilder.makeFacts(village: village, year: 2026, profile: nil,
                                                  records: VillageRecords(year: 2026, list: { byKind[$0.key] ?? [] }))
        #expect(facts.organizations.partyOrganization && !facts.organizations.villageCommittee)
        // The member id that is no live record does not count.
        #expect(facts.organizations.deliberationBody?.residentUnitMembers == 1)
        #expect(facts.organizations.deliberationBody?.socialOrganizationMembers == 1)
        #expect(facts.meetings.map(\.date) == [LocalDate("2026-03-05")].compactMap { $0 })
        #expect(facts.volunteerActivities.count == 1)
        // Only the hours at this year's activity: 2.5, not 11.5.
        #expect(facts.volunteers.map(\.hours) == [2.5])
        #expect(facts.volunteers.first?.fiveElders == true)
        #expect(facts.station.channels.isEmpty)
    }
    /// One record of every kind with every field filled, references pointing at the other kinds' records.
    static func sampleRecords() -> [String: [Record]] {
        let ids = Dictionary(uniqueKeysWithValues: RecordKind.all.map { ($0.key, UUID()) })
        var byKind: [String: [Record]] = [:]
        for kind in RecordKind.all {
            var values: [String: FieldValue] = [:]
            for field in kind.fields {
                switch field.type {
                case .text, .longText: values[field.key] = .text("样例" + field.key)
                case .date: values[field.key] = .text("2026-05-01")
                case let .integer(range): values[field.key] = .number(min(max(5, range.lowerBound), range.upperBound))
                case .hundredths: values[field.key] = .number(250)
                case .money: values[field.key] = .number(100_000)
                case .flag: values[field.key] = .flag(true)
                case let .choice(choices): values[field.key] = choices.first.map { .text($0.value) }
                case let .choices(choices): values[field.key] = .text(choices.map(\.value).joined(separator: ","))
                case let .reference(target), let .references(target): values[field.key] = ids[target].map { .text($0.uuidString) }
                case .personal: break
                }
            }
            byKind[kind.key] = [Record(id: ids[kind.key]!, unitID: UUID(), unitPath: "/x/", values: values)]
        }
        return byKind
    }

    @Test("every kind's records reach the engine's facts, directly or through the kinds that refer to them, but those listed")
    func everyKindFeeds() throws {
        let village = OrgUnit(kind: .village, name: "测试村", code: "110000000001", parent: nil)
        let samples = Self.sampleRecords()
        func facts(without left: String?) -> VillageFacts {
            VillageFactsBuilder.makeFacts(village: village, year: 2026, profile: nil,
                                          records: VillageRecords(year: 2026, list: { $0.key == left ? [] : samples[$0.key] ?? [] }))
        }
        let all = facts(without: nil)
        // Absences change who covers a post on a given day, which the station's figures count,
        // not the year's facts.
        let feedNothing: Set<String> = [AbsenceRecord.key]
        var unchanged: Set<String> = []
        for kind in RecordKind.all where facts(without: kind.key) == all { unchanged.insert(kind.key) }
        #expect(unchanged == feedNothing)
    }
}

