import StandardKit
import StationKit
import Testing
import WorkCalendar

/// The request's rules alone: no server, no database.
@Suite("Station requests: the state machine, due dates and ledger events")
struct RequestMachineTests {
    let calendar: WorkCalendar
    let clerk = RequestState.Person(id: "u1", name: "陈晓东")

    init() throws {
        calendar = try WorkCalendar(years: WorkCalendar.shippedYears())
    }

    func day(_ text: String) -> LocalDate { LocalDate(text)! }

    /// A sample action of each kind.
    static let samples: [RequestAction] = [
        .accept(missing: []), .start, .requestMaterials(missing: ["户口本"]), .materialsReceived, .transfer(departmentID: "d1"),
        .departmentAnswer("已办"), .extend(dueOn: LocalDate("2026-12-31")!, reason: "需核实", approvedBy: "王"), .complete(result: "已办结"),
        .refuse(reason: "不符合条件"),
    ]

    @Test("every action from every state: allowed exactly where the rules say, refused elsewhere with the state named")
    func everyActionFromEveryState() throws {
        for status in RequestStatus.allCases {
            for action in Self.samples {
                let state = RequestState(status: status, serviceMode: .timeLimited, timeLimit: 5, receivedOn: day("2026-03-02"),
                                         clockStart: day("2026-03-02"), dueOn: day("2026-03-09"))
                do {
                    let (next, event) = try RequestMachine.apply(action, to: state, today: day("2026-03-03"), calendar: calendar, staff: clerk,
                                                                 department: .init(id: "d1", name: "民政科"))
                    #expect(action.allowedFrom.contains(status), "\(action.name) from \(status) should be refused")
                    #expect(event.action == action.name && event.status == next.status && event.payload["status"] == next.status.rawValue)
                } catch {
                    #expect(!action.allowedFrom.contains(status), "\(action.name) from \(status) should be allowed: \(error)")
                    #expect(error == .notAllowed(from: status))
                }
            }
        }
        // Closed requests take no action at all.
        for action in Self.samples { #expect(!action.allowedFrom.contains(.completed) && !action.allowedFrom.contains(.refused)) }
        // Intake and complaints are no request action.
        #expect(LedgerAction.onRequests.count == 9 && LedgerAction.allCases.filter { !$0.allowedFrom.isEmpty }.count == 9)
    }

    @Test("intake at the window accepts at once and starts the clock; a remote one waits; a promised date must be given and not past")
    func intake() throws {
        let (window, accepted) = try RequestMachine.intake(service: "SB-01", channel: .window, mode: .timeLimited, timeLimit: 3, promisedOn: nil,
                                                           staff: clerk, missing: [], today: day("2026-02-13"), calendar: calendar)
        // Friday before the 2026 Spring Festival: three working days end on 25 February.
        #expect(window.status == .accepted && window.clockStart == day("2026-02-13") && window.dueOn == day("2026-02-25"))
        #expect(accepted.action == .accept)
        #expect(accepted.payload == ["service": "SB-01", "channel": "window", "firstOwner": "陈晓东", "status": "accepted", "dueOn": "2026-02-25"])

        let (online, submitted) = try RequestMachine.intake(service: "SB-01", channel: .online, mode: .timeLimited, timeLimit: 3, promisedOn: nil,
                                                            staff: nil, missing: [], today: day("2026-02-13"), calendar: calendar)
        #expect(online.status == .received && online.clockStart == nil && online.dueOn == nil && online.firstOwner == nil)
        #expect(submitted.action == .submit && submitted.payload == ["service": "SB-01", "channel": "online", "status": "received"])

        let (waiting, _) = try RequestMachine.intake(service: "SB-01", channel: .phone, mode: .timeLimited, timeLimit: 3, promisedOn: nil,
                                                     staff: clerk, missing: ["户口本"], today: day("2026-02-13"), calendar: calendar)
        #expect(waiting.status == .materialsMissing && waiting.clockStart == nil && waiting.missingMaterials == ["户口本"])

        #expect(throws: RequestRuleError.promisedDateMissing) {
            try RequestMachine.intake(service: "X", channel: .window, mode: .promised, timeLimit: 0, promisedOn: nil, staff: clerk, missing: [],
                                      today: day("2026-03-02"), calendar: calendar)
        }
        #expect(throws: RequestRuleError.promisedInPast) {
            try RequestMachine.intake(service: "X", channel: .window, mode: .promised, timeLimit: 0, promisedOn: day("2026-03-01"), staff: clerk, missing: [],
                                      today: day("2026-03-02"), calendar: calendar)
        }
        let (promised, _) = try RequestMachine.intake(service: "X", channel: .window, mode: .promised, timeLimit: 0, promisedOn: day("2026-03-20"),
                                                      staff: clerk, missing: [], today: day("2026-03-02"), calendar: calendar)
        #expect(promised.dueOn == day("2026-03-20") && promised.promisedOn == day("2026-03-20"))
        let (spot, _) = try RequestMachine.intake(service: "X", channel: .window, mode: .onTheSpot, timeLimit: 0, promisedOn: day("2026-03-20"),
                                                  staff: clerk, missing: [], today: day("2026-03-02"), calendar: calendar)
        #expect(spot.dueOn == day("2026-03-02") && spot.promisedOn == nil)
    }

    @Test("missing materials pause the clock with the working days left; their arrival resumes it from that day")
    func clockPauses() throws {
        var state = RequestState(status: .inProgress, serviceMode: .timeLimited, timeLimit: 5, receivedOn: day("2026-03-02"),
                                 clockStart: day("2026-03-02"), dueOn: day("2026-03-09"))
        let (paused, asked) = try RequestMachine.apply(.requestMaterials(missing: ["户口本", "身份证"]), to: state, today: day("2026-03-04"),
                                                       calendar: calendar, staff: clerk)
        // Thursday 5, Friday 6, Monday 9 are left.
        #expect(paused.status == .materialsMissing && paused.remainingDays == 3)
        #expect(asked.payload["missing"] == "户口本\n身份证" && asked.payload["remainingDays"] == "3")
        #expect(RequestMachine.urgency(paused, today: day("2026-03-20"), calendar: calendar) == .normal, "a paused clock is never overdue")
        state = paused
        let (resumed, _) = try RequestMachine.apply(.materialsReceived, to: state, today: day("2026-03-12"), calendar: calendar, staff: clerk)
        // Three working days after Thursday 12 March: Friday 13, Monday 16, Tuesday 17.
        #expect(resumed.status == .inProgress && resumed.dueOn == day("2026-03-17") && resumed.remainingDays == nil && resumed.missingMaterials.isEmpty)

        // Materials missing from intake: the clock starts only when they arrive, with the full limit.
        let waiting = RequestState(status: .materialsMissing, serviceMode: .timeLimited, timeLimit: 2, receivedOn: day("2026-03-02"), missingMaterials: ["户口本"])
        let (started, _) = try RequestMachine.apply(.materialsReceived, to: waiting, today: day("2026-03-06"), calendar: calendar, staff: clerk)
        #expect(started.clockStart == day("2026-03-06") && started.dueOn == day("2026-03-10"))
    }

    @Test("an extension must move the due date later and not into the past; completion records whether it was on time")
    func extendAndComplete() throws {
        let state = RequestState(status: .inProgress, serviceMode: .timeLimited, timeLimit: 5, receivedOn: day("2026-03-02"),
                                 clockStart: day("2026-03-02"), dueOn: day("2026-03-09"))
        #expect(throws: RequestRuleError.extensionNotLater(current: day("2026-03-09"))) {
            try RequestMachine.apply(.extend(dueOn: day("2026-03-09"), reason: "r", approvedBy: "a"), to: state, today: day("2026-03-03"), calendar: calendar, staff: clerk)
        }
        #expect(throws: RequestRuleError.dueInPast) {
            try RequestMachine.apply(.extend(dueOn: day("2026-03-02"), reason: "r", approvedBy: "a"), to: state, today: day("2026-03-03"), calendar: calendar, staff: clerk)
        }
        let (extended, event) = try RequestMachine.apply(.extend(dueOn: day("2026-03-20"), reason: "需核实", approvedBy: "王"), to: state,
                                                         today: day("2026-03-03"), calendar: calendar, staff: clerk)
        #expect(extended.dueOn == day("2026-03-20") && extended.extensions == 1)
        #expect(event.payload == ["status": "inProgress", "dueOn": "2026-03-20", "reason": "需核实", "approvedBy": "王", "residentNotified": "true"])
        let (late, done) = try RequestMachine.apply(.complete(result: "已办结"), to: state, today: day("2026-03-10"), calendar: calendar, staff: clerk)
        #expect(late.status == .completed && late.completedOn == day("2026-03-10") && done.payload["onTime"] == "false")
        let (_, onTime) = try RequestMachine.apply(.complete(result: "已办结"), to: state, today: day("2026-03-09"), calendar: calendar, staff: clerk)
        #expect(onTime.payload["onTime"] == "true")
        #expect(throws: RequestRuleError.unknownDepartment) {
            try RequestMachine.apply(.transfer(departmentID: "x"), to: state, today: day("2026-03-03"), calendar: calendar, staff: clerk, department: nil)
        }
    }

    @Test("urgency: a warning once 80 % of the working days are used, overdue after the due date")
    func urgency() {
        let state = RequestState(status: .accepted, serviceMode: .timeLimited, timeLimit: 5, receivedOn: day("2026-03-02"),
                                 clockStart: day("2026-03-02"), dueOn: day("2026-03-09"))
        #expect(RequestMachine.urgency(state, today: day("2026-03-04"), calendar: calendar) == .normal)  // 2 of 5
        #expect(RequestMachine.urgency(state, today: day("2026-03-06"), calendar: calendar) == .warning) // 4 of 5
        #expect(RequestMachine.urgency(state, today: day("2026-03-10"), calendar: calendar) == .overdue)
        var closed = state
        closed.status = .completed
        #expect(RequestMachine.urgency(closed, today: day("2026-03-10"), calendar: calendar) == .normal)
        #expect(RequestMachine.timeUsed(closed, today: day("2026-03-10"), calendar: calendar) == nil)
    }

    @Test("a due date counted into a year whose holidays are not known is flagged with that year")
    func uncoveredYears() throws {
        let shipped = WorkCalendar.shippedYears().map(\.year).max() ?? 2026
        let state = RequestState(status: .accepted, serviceMode: .timeLimited, timeLimit: 10, receivedOn: day("\(shipped)-12-24"),
                                 clockStart: day("\(shipped)-12-24"), dueOn: day("\(shipped + 1)-01-08"))
        #expect(RequestMachine.uncoveredYears(state, calendar: calendar) == [shipped + 1])
        var promised = state
        promised.serviceMode = .promised
        #expect(RequestMachine.uncoveredYears(promised, calendar: calendar) == [], "a promised date is not counted in working days")
    }
}
