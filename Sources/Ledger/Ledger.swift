import Crypto
import Foundation

/// One event of a station's ledger (台账). Each event's hash covers its own content and
/// the previous event's hash, so changing, removing or inserting any stored event breaks
/// the chain from that event on.
public struct LedgerEntry: Sendable, Equatable {
    public var sequence: Int
    public var subjectType: String
    public var subjectID: String
    public var action: String
    public var actorID: String
    public var actorName: String
    /// Milliseconds since 1970-01-01 UTC.
    public var occurredAt: Int64
    /// The event's details as canonical JSON text (sorted keys).
    public var payload: String
    public var previousHash: String
    public var hash: String

    public init(sequence: Int, subjectType: String, subjectID: String, action: String, actorID: String, actorName: String,
                occurredAt: Int64, payload: String, previousHash: String, hash: String = "") {
        self.sequence = sequence
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.action = action
        self.actorID = actorID
        self.actorName = actorName
        self.occurredAt = occurredAt
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The bytes that are hashed: every field but the hash, as a JSON array of strings,
    /// which has one spelling for given values.
    public var canonicalBytes: Data { Data(Self.jsonArray(canonicalFields)) }

    private var canonicalFields: [String] {
        ["cunwu-ledger-v1", String(sequence), subjectType, subjectID, action, actorID, actorName, String(occurredAt), payload, previousHash]
    }

    /// A JSON array of strings spelled byte for byte as Foundation's `JSONEncoder` spells it
    /// (the spelling every stored hash was made with; a test compares the two): `"`, `\`
    /// and `/` escaped with a backslash, the usual short escapes for control characters and
    /// `\u00xx` for the rest below U+0020, everything else as its UTF-8. Written by hand
    /// because the encoder took most of an event's sealing and verifying time.
    static func jsonArray(_ strings: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(strings.reduce(16) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (n, string) in strings.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(UInt8(ascii: "\\")); out.append(byte)
                case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// SHA-256 over the canonical bytes, in lowercase hex.
    public var computedHash: String { Self.lowercaseHex(SHA256.hash(data: Self.jsonArray(canonicalFields))) }

    /// Bytes as lowercase hex, without `String(format:)` (slow on Linux: a hash a request).
    public static func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The entry with its hash filled in.
    public func sealed() -> LedgerEntry {
        var entry = self
        entry.hash = computedHash
        return entry
    }
}

public enum LedgerChain {
    /// The previous hash of a chain's first event.
    public static let genesis = String(repeating: "0", count: 64)

    public struct Verification: Sendable, Equatable {
        public var count: Int
        /// The first event that does not hold, and why; nil when the chain is intact.
        public var firstBroken: (sequence: Int, reason: Reason)?
        /// A point the chain was seen at that it no longer reaches or holds (see
        /// `verify(_:reached:)`), with where it now ends.
        public var end: EndFinding?
        public var intact: Bool { firstBroken == nil }

        public init(count: Int, firstBroken: (sequence: Int, reason: Reason)?, end: EndFinding? = nil) {
            self.count = count
            self.firstBroken = firstBroken
            self.end = end
        }

        public static func == (lhs: Verification, rhs: Verification) -> Bool {
            lhs.count == rhs.count && lhs.firstBroken?.sequence == rhs.firstBroken?.sequence && lhs.firstBroken?.reason == rhs.firstBroken?.reason
                && lhs.end == rhs.end
        }
    }

    public enum Reason: String, Sendable, Equatable {
        /// The stored content no longer gives the stored hash.
        case contentChanged
        /// The event does not point at the hash of the event before it.
        case linkBroken
        /// A sequence number is missing or repeated: an event was removed or added.
        case sequenceGap
        /// The chain ends before a point it was seen at (a checkpoint, the anchor log): its
        /// newest events were removed.
        case truncated
        /// The event at a point the chain was seen at has another hash, though the chain
        /// holds: events were rewritten and the chain hashed anew.
        case rewritten
    }

    /// Checks a chain given in sequence order.
    public static func verify(_ entries: [LedgerEntry]) -> Verification {
        verify(entries, after: 0, previousHash: genesis)
    }

    /// Verifies the events that follow a verified point: `entries` must continue at
    /// `sequence + 1` from the event whose hash is `previousHash` (a checkpoint kept by an
    /// earlier full verification), so only new events are hashed.
    public static func verify(_ entries: [LedgerEntry], after sequence: Int, previousHash: String) -> Verification {
        var previous = previousHash
        for (index, entry) in entries.enumerated() {
            if entry.sequence != sequence + index + 1 { return Verification(count: entries.count, firstBroken: (entry.sequence, .sequenceGap)) }
            if entry.previousHash != previous { return Verification(count: entries.count, firstBroken: (entry.sequence, .linkBroken)) }
            if entry.computedHash != entry.hash { return Verification(count: entries.count, firstBroken: (entry.sequence, .contentChanged)) }
            previous = entry.hash
        }
        return Verification(count: entries.count, firstBroken: nil)
    }
}
