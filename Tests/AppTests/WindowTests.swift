@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// The station window: choose a 事项, tick its materials, see the due date before
/// accepting; what is not ticked makes the request a 一次性告知 automatically.
@Suite("Window intake with the materials checklist")
struct WindowTests {
    @Test("choosing a service shows its materials and the due date; unticked materials go on the 一次性告知书 and pause the clock; all ticked is accepted with that due date")
    func checklist() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-12-01")  // a Tuesday: three working days end on Friday 4 December
            let s = try await StationFixture.make(app)
            let path = "/units/\(s.village)/requests/new"
            // Without a service: only the chooser.
            let empty = try await send(app, .GET, path, as: s.wang)
            #expect(empty.body.contains("id=\"choose-service\"") && !empty.body.contains("materials-checklist"))
            // With one: its checklist, its time limit and the due date if accepted today.
            let page = try await send(app, .GET, path + "?serviceCode=SB-01", as: s.wang)
            #expect(page.status == .ok)
            #expect(page.body.contains("name=\"have\" value=\"户口簿\"") && page.body.contains("name=\"have\" value=\"身份证\""))
            #expect(page.body.contains("限时办理：3个工作日") && page.body.contains("应于2026-12-04前办结"), "\(page.body)")
            #expect(try await send(app, .GET, path + "?serviceCode=NOPE", as: s.wang).status == .unprocessableEntity)
            // One ticked: a 一次性告知 listing the other, the clock not started.
            let body = "serviceCode=SB-01&have=%E8%BA%AB%E4%BB%BD%E8%AF%81&channel=window&residentName=%E8%B5%B5%E5%A4%A7%E7%88%B7"
                + "&residentPhone=13812345678&content=%E5%8A%9E%E7%90%86&materials=&missing=%E7%85%A7%E7%89%87"
            let partial = try await send(app, .POST, path, as: s.wang, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
            #expect(partial.status == .seeOther, "\(partial.body)")
            let receipt = try await send(app, .GET, try #require(partial.headers.first(name: .location)), as: s.wang)
            #expect(receipt.body.contains("一次性告知书") && receipt.body.contains("户口簿") && receipt.body.contains("照片"))
            let waiting = try StationFixture.decode(RequestListDTO.self, try await send(app, .GET, s.requests, as: s.wang).body).requests
            let first = try #require(waiting.first)
            #expect(first.status == "materialsMissing" && first.missingMaterials == ["户口簿", "照片"] && first.dueOn == nil)
            #expect(first.materials == "身份证")
            // Everything ticked: accepted, due as the page said.
            let full = try await send(app, .POST, path, as: s.wang, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                      body: "serviceCode=SB-01&have=%E8%BA%AB%E4%BB%BD%E8%AF%81&have=%E6%88%B7%E5%8F%A3%E7%B0%BF&residentName=%E8%B5%B5&residentPhone=13812345678&content=x")
            #expect(full.status == .seeOther)
            let all = try StationFixture.decode(RequestListDTO.self, try await send(app, .GET, s.requests, as: s.wang).body).requests
            let accepted = try #require(all.first { $0.status == "accepted" })
            #expect(accepted.dueOn == "2026-12-04" && accepted.missingMaterials.isEmpty)
            // A mistake keeps the ticks.
            let wrong = try await send(app, .POST, path, as: s.wang, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                       body: "serviceCode=SB-01&have=%E6%88%B7%E5%8F%A3%E7%B0%BF&residentName=&residentPhone=12&content=x")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.contains("value=\"户口簿\" checked") && !wrong.body.contains("value=\"身份证\" checked"))
        }
    }

    @Test("one search box finds requests by tracking code, by phone number or by the start of the resident's name")
    func search() async throws {
        try await withApp { app, _ in
            let s = try await StationFixture.make(app)
            let zhao = try await s.intake(app)
            _ = try await s.intake(app, extra: ["residentName": "钱小红", "residentPhone": "010-6123 4567"])
            func found(_ q: String) async throws -> [String] {
                let result = try await send(app, .GET, s.requests + "?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), as: s.wang)
                #expect(result.status == .ok, "\(q): \(result.body)")
                return try StationFixture.decode(RequestListDTO.self, result.body).requests.map(\.trackingCode)
            }
            #expect(try await found(zhao.trackingCode) == [zhao.trackingCode])
            #expect(try await found(zhao.trackingCode.lowercased()) == [zhao.trackingCode])
            #expect(try await found("赵").count == 1)
            #expect(try await found("赵大爷") == [zhao.trackingCode])
            #expect(try await found("钱").count == 1)
            #expect(try await found("138 1234 5678") == [zhao.trackingCode])
            #expect(try await found("010-61234567").count == 1)
            #expect(try await send(app, .GET, s.requests + "?q=%25", as: s.wang).status == .badRequest, "LIKE's characters alone are no name")
            #expect(try await found("孙").isEmpty)
            let long = try await send(app, .GET, s.requests + "?q=" + String(repeating: "a", count: 51), as: s.wang)
            #expect(long.status == .badRequest && long.body.contains("\"field\":\"q\""))
            // The page's box keeps what was typed.
            let page = try await send(app, .GET, "/units/\(s.village)/requests?q=%E8%B5%B5", as: s.wang)
            #expect(page.body.contains("name=\"q\" type=\"search\" value=\"赵\"") && page.body.contains(zhao.trackingCode))
        }
    }
}
