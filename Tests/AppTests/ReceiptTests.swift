@testable import App
import Foundation
import QRCode
import Testing
import Vapor
import VaporTesting

/// The window's printable receipt (issue 22.4): 受理回执 or 一次性告知书, the tracking code, its
/// absolute address (`CUNWU_PUBLIC_URL`) and a QR code of exactly that address, a print
/// button (a script file, the policy allows no inline one) and the way back to the desk.
@Suite("Receipts with a tracking address and its QR code")
struct ReceiptTests {
    @Test("a receipt carries the public tracking address and its QR code; missing materials make it a 一次性告知书; print and back to the desk")
    func receipt() async throws {
        try await withApp(environment: ["CUNWU_PUBLIC_URL": "https://cunwu.example.gov.cn/"]) { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let complete = try await s.intake(app)
            let page = try await send(app, .GET, "/units/\(s.village)/requests/\(complete.id)/receipt", as: s.wang)
            let address = "https://cunwu.example.gov.cn/public/track?code=\(complete.trackingCode)"
            #expect(page.status == .ok && page.body.contains("<title>受理回执</title>") && page.body.contains(address))
            let qr = try QRCode(text: address)
            #expect(page.body.contains(qr.svg(scale: 3, label: "扫码查询办理进度")), "the QR code is of the printed address")
            #expect(page.body.contains("data-print") && page.body.contains("/assets/print.") && page.body.contains("href=\"/units/\(s.village)/station\""))
            let script = try #require(page.body.components(separatedBy: "src=\"").first { $0.hasPrefix("/assets/print.") }?.components(separatedBy: "\"").first)
            let served = try await send(app, .GET, script)
            #expect(served.status == .ok && served.body.contains("window.print()"))
            let notice = try await s.intake(app, extra: ["missing": "户口簿复印件"])
            let told = try await send(app, .GET, "/units/\(s.village)/requests/\(notice.id)/receipt", as: s.wang)
            #expect(told.body.contains("<title>一次性告知书</title>") && told.body.contains("户口簿复印件"))
        }
    }

    @Test("without CUNWU_PUBLIC_URL the address is the one the page was opened at; a bad setting fails the boot naming the variable")
    func publicAddress() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            let page = try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)/receipt", as: s.wang, headers: ["Host": "10.1.2.3:8080"])
            #expect(page.body.contains("http://10.1.2.3:8080/public/track?code=\(item.trackingCode)"))
            let forged = try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)/receipt", as: s.wang, headers: ["Host": "evil.example/\"><script>"])
            #expect(!forged.body.contains("evil.example") && forged.body.contains("http://127.0.0.1/public/track"))
        }
        for bad in ["ftp://x.cn", "cunwu.example.gov.cn", "https://x.cn/?a=1"] {
            #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["CUNWU_PUBLIC_URL": bad], testing: true) }
        }
    }
}

/// The request page's actions (issue 22.4): the usual next step first and primary, the
/// rest secondary, refusing last, marked as destructive and confirmed with its own tick.
@Suite("The request page's actions")
struct RequestActionsTests {
    @Test("the usual next step comes first as the primary button; a refusal needs its confirmation tick, and without it nothing changes")
    func hierarchy() async throws {
        try await withApp { app, clock in
            clock.set(beijingDay: "2026-03-02")
            let s = try await StationFixture.make(app)
            let item = try await s.intake(app)
            let page = try await send(app, .GET, "/units/\(s.village)/requests/\(item.id)", as: s.wang)
            let forms = page.body.components(separatedBy: "<form method=\"post\" action=\"/units/\(s.village)/requests/\(item.id)/act\"").dropFirst()
            #expect(forms.first?.contains("value=\"start\"") == true && forms.first?.contains("class=\"action primary\"") == true, "accepted: start first")
            #expect(forms.last?.contains("value=\"refuse\"") == true && forms.last?.contains("class=\"danger\"") == true && forms.last?.contains("name=\"confirm\"") == true)
            #expect(forms.dropFirst().dropLast().allSatisfy { $0.contains("class=\"action secondary\"") })
            let unconfirmed = try await send(app, .POST, "/units/\(s.village)/requests/\(item.id)/act", as: s.wang,
                                             form: ["action": "refuse", "reason": "不属于本站办理范围", "version": "\(item.version)"])
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.contains("请勾选“确认不予办理”"))
            #expect(try await ServiceRequest.find(item.id, on: app.db)?.status == .accepted, "nothing changed")
            let confirmed = try await send(app, .POST, "/units/\(s.village)/requests/\(item.id)/act", as: s.wang,
                                           form: ["action": "refuse", "reason": "不属于本站办理范围", "version": "\(item.version)", "confirm": "1"])
            #expect(confirmed.status == .seeOther)
        }
    }
}
