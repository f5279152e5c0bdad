import Foundation
import NIOConcurrencyHelpers

/// Ids in the order they are made (UUID version 7, RFC 9562): 48 bits of Unix time in
/// milliseconds, a 12-bit counter within the millisecond, and 62 random bits. The rows
/// made most, service requests and ledger events, take them: each insert then lands at
/// the end of its table's primary-key index (and of the ledger's subject index) instead
/// of on a random page of it. At Beijing's scale a random id cost every intake two more
/// pages written, out of about twelve. The random bits keep ids unguessable; to every
/// reader they are plain UUIDs.
enum OrderedID {
    private static let last = NIOLockedValueBox<(millisecond: UInt64, counter: UInt64)>((0, 0))

    /// A new id, after every id this process made before it.
    static func make(at date: Date) -> UUID {
        let now = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let (millisecond, counter) = last.withLockedValue { last in
            if now > last.millisecond {
                last = (now, 0)
            } else if last.counter < 0xFFF {
                last.counter += 1
            } else {
                // 4,096 in one millisecond (or the clock went back): borrow the next one.
                last = (last.millisecond + 1, 0)
            }
            return last
        }
        var random = SystemRandomNumberGenerator()
        return make(millisecond: millisecond, counter: counter, random: random.next())
    }

    /// The id of these parts (the generator's, made from its seeded randomness, too).
    static func make(millisecond: UInt64, counter: UInt64, random tail: UInt64) -> UUID {
        UUID(uuid: (UInt8(truncatingIfNeeded: millisecond >> 40), UInt8(truncatingIfNeeded: millisecond >> 32),
                           UInt8(truncatingIfNeeded: millisecond >> 24), UInt8(truncatingIfNeeded: millisecond >> 16),
                           UInt8(truncatingIfNeeded: millisecond >> 8), UInt8(truncatingIfNeeded: millisecond),
                           0x70 | UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter),
                           0x80 | UInt8(truncatingIfNeeded: tail >> 58), UInt8(truncatingIfNeeded: tail >> 48), UInt8(truncatingIfNeeded: tail >> 40),
                           UInt8(truncatingIfNeeded: tail >> 32), UInt8(truncatingIfNeeded: tail >> 24), UInt8(truncatingIfNeeded: tail >> 16),
                           UInt8(truncatingIfNeeded: tail >> 8), UInt8(truncatingIfNeeded: tail)))
    }
}
