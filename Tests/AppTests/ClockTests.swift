@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Effects injected (issue 19, item 6, begun): a request's, a complaint's and a sheet's
/// "changed at" come from the application's clock, which tests set, not from the wall.
@Suite("Time from the application's clock")
struct ClockTests {
    @Test("an action on a request and a resolved complaint are stamped with the application's time")
    func stampsFromTheClock() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            clock.advance(minutes: 10)
            try await s.act(app, item.id, ["action": "start"])
            let sql = try RecordStore.sql(app.db)
            let stamped = try #require(try await sql.select().column("updated_at").from(ServiceRequest.schema)
                .where("id", .equal, SQLBind(item.id)).first()).decode(column: "updated_at", as: Date.self)
            #expect(abs(stamped.timeIntervalSince(clock.now)) < 1, "\(stamped) vs the clock's \(clock.now)")
            let complaint = try await send(app, .POST, "/api/v1/units/\(s.village)/complaints", as: s.wang,
                                           json: ["trackingCode": item.trackingCode, "complainantName": "张", "complainantPhone": "13900000000", "content": "太慢"])
            #expect(complaint.status == .created, "\(complaint.body)")
            let id = try #require(try StationFixture.json(complaint.body)["id"] as? String)
            clock.advance(minutes: 10)
            let resolved = try await send(app, .POST, "/api/v1/units/\(s.village)/complaints/\(id)/resolve", as: s.wang,
                                          json: ["result": "已解释", "satisfaction": "satisfied"])
            #expect(resolved.status == .ok, "\(resolved.body)")
            let complaintID = try #require(UUID(uuidString: id))
            let complaintStamp = try #require(try await sql.select().column("updated_at").from(Complaint.schema)
                .where("id", .equal, SQLBind(complaintID)).first()).decode(column: "updated_at", as: Date.self)
            #expect(abs(complaintStamp.timeIntervalSince(clock.now)) < 1)
        }
    }
}
