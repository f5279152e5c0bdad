import Foundation
import NIOCore
import Vapor

// The effects domain code may not reach for itself (docs/architecture.md, "Effects"): the
// time, the randomness residents see, and where a new request goes to be stored. Each is a
// small protocol with the real one set at configure and a fake the tests set instead.

/// The current time. Domain code reads `request.now` or `application.clock.now`, never
/// `Date()`, so a test can move the day a due date, a lock or a checkpoint is computed on.
protocol WallClock: Sendable {
    var now: Date { get }
}

/// The machine's clock.
struct SystemClock: WallClock {
    var now: Date { Date() }
}

/// Where residents' tracking codes come from.
protocol TrackingCodeSource: Sendable {
    func next() -> String
}

/// Random tracking codes: 10 characters without look-alikes (0/O, 1/I), 50 bits.
struct RandomTrackingCodes: TrackingCodeSource {
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    func next() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in Self.alphabet[Int(generator.next(upperBound: UInt(Self.alphabet.count)))] })
    }
}

/// Where a new service request and its first ledger event are stored; `submit` returns once
/// they are durable. The server's is the group-commit `IntakeQueue`.
protocol IntakeSink: Sendable {
    func submit(_ entry: IntakeQueue.Entry) async throws
}

extension IntakeQueue: IntakeSink {}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = any WallClock }
    private struct CodesKey: StorageKey { typealias Value = any TrackingCodeSource }
    private struct SinkKey: StorageKey { typealias Value = any IntakeSink }

    var clock: any WallClock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }

    var trackingCodes: any TrackingCodeSource {
        get { storage[CodesKey.self] ?? RandomTrackingCodes() }
        set { storage[CodesKey.self] = newValue }
    }

    /// The intake queue unless a test put another sink in its place.
    var intakeSink: any IntakeSink {
        get { storage[SinkKey.self] ?? intakeQueue }
        set { storage[SinkKey.self] = newValue }
    }
}

extension Request {
    var now: Date { application.clock.now }
}
