@testable import App
import Fluent
import Foundation
import SQLKit
import SQLiteKit
import StandardKit
import Testing
import WorkCalendar

/// The generator writes rows without Codable (`Cell`) and with ids in the order they are
/// made; both must give what the product itself writes and reads.
@Suite("Data generator")
struct GeneratorTests {
    @Test("each cell is stored as SQLKit's bind of the same value would store it")
    func cellsMatchBinds() throws {
        let encoder = SQLiteDataEncoder()
        let when = Date(timeIntervalSince1970: 1_790_000_000.125)
        let id = UUID()
        let pairs: [(Cell, any Encodable & Sendable)] = [
            (Cell("村务"), "村务"), (Cell(42), 42), (Cell(Int64(1_790_000_000_000)), Int64(1_790_000_000_000)), (Cell(2.5), 2.5),
            (Cell(true), true), (Cell(false), false), (Cell(when), when), (Cell(id), id),
        ]
        for (cell, value) in pairs {
            #expect(cell.sqlite == (try encoder.encode(value)), "\(cell)")
        }
        #expect(Cell(String?.none).sqlite == .null)
        #expect(Cell(String?.some("x")).sqlite == .text("x"))
    }

    @Test("ids are UUID version 7, increasing in the order they are made, and distinct")
    func idsInOrder() async throws {
        try await withApp { app, _ in
            let generator = Generator(app: app, year: 2026, today: LocalDate(year: 2026, month: 11, day: 29)!, seed: 7, requestsPerWeek: 25, keyring: PersonalData.testKeyring,
                                      calendar: try await CalendarStore.load(on: app.db))
            let ids = (0..<10_000).map { _ in generator.newID() }
            #expect(Set(ids).count == ids.count)
            #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
            for id in ids.prefix(100) {
                #expect(id.uuid.6 >> 4 == 7, "version")
                #expect(id.uuid.8 >> 6 == 0b10, "variant")
            }
            // The first 48 bits are milliseconds near now.
            let millis = ids[0].uuid
            let stamp = [millis.0, millis.1, millis.2, millis.3, millis.4, millis.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(abs(Double(stamp) / 1000 - Date().timeIntervalSince1970) < 600)
        }
    }
}
