import Crypto
import Foundation

/// A chain's end as it was seen: which station, its last sequence number and that event's hash.
public struct ChainHead: Sendable, Equatable {
    public var station: String
    public var sequence: Int
    public var hash: String

    public init(station: String, sequence: Int, hash: String) {
        self.station = station
        self.sequence = sequence
        self.hash = hash
    }
}

/// One line of the anchor log: chain heads signed with a key held outside the database
/// (HMAC-SHA256), each line linked to the one before by its MAC. Someone who can change
/// the database but not the key can remove or rewrite events, re-hash the chain and move
/// its checkpoints, but cannot make a line that says the chain once ended elsewhere, nor
/// remove a line from the middle of the log unnoticed.
public struct AnchorRecord: Sendable, Equatable {
    /// Milliseconds since 1970-01-01 UTC.
    public var at: Int64
    /// Names the key the MAC was made with (a key of the keyring, by its id).
    public var keyID: String
    public var heads: [ChainHead]
    /// The MAC of the line before (64 zeros for the first).
    public var previousMAC: String
    public var mac: String

    public init(at: Int64, keyID: String, heads: [ChainHead], previousMAC: String, mac: String = "") {
        self.at = at
        self.keyID = keyID
        self.heads = heads
        self.previousMAC = previousMAC
        self.mac = mac
    }

    /// The bytes the MAC covers: every field but the MAC, as a JSON array of strings.
    public var canonicalBytes: [UInt8] {
        var fields = ["cunwu-anchor-v1", String(at), keyID, previousMAC]
        for head in heads { fields += [head.station, String(head.sequence), head.hash] }
        return LedgerEntry.jsonArray(fields)
    }

    public func signed(with key: SymmetricKey) -> AnchorRecord {
        var record = self
        record.mac = Self.mac(canonicalBytes, key)
        return record
    }

    public func isAuthentic(under key: SymmetricKey) -> Bool {
        let expected = Array(Self.mac(canonicalBytes, key).utf8), actual = Array(mac.utf8)
        guard expected.count == actual.count else { return false }
        return zip(expected, actual).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func mac(_ bytes: [UInt8], _ key: SymmetricKey) -> String {
        LedgerEntry.lowercaseHex(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }

    /// One line of text (no newline): `{"at":…,"heads":[[station,seq,hash],…],"key":…,"mac":…,"prev":…}`.
    public var line: String {
        "{\"at\":\(at),\"heads\":[" + heads.map { "[\(Self.quoted($0.station)),\($0.sequence),\(Self.quoted($0.hash))]" }.joined(separator: ",")
            + "],\"key\":\(Self.quoted(keyID)),\"mac\":\(Self.quoted(mac)),\"prev\":\(Self.quoted(previousMAC))}"
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: LedgerEntry.jsonArray([text]).dropFirst().dropLast(), as: UTF8.self)
    }

    /// Reads a line written by `line`; nil when it is not one.
    public init?(line: String) {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let at = (object["at"] as? NSNumber)?.int64Value, let keyID = object["key"] as? String,
              let mac = object["mac"] as? String, let previous = object["prev"] as? String,
              let rawHeads = object["heads"] as? [[Any]] else { return nil }
        var heads: [ChainHead] = []
        for raw in rawHeads {
            guard raw.count == 3, let station = raw[0] as? String, let sequence = (raw[1] as? NSNumber)?.intValue, let hash = raw[2] as? String else { return nil }
            heads.append(ChainHead(station: station, sequence: sequence, hash: hash))
        }
        self.init(at: at, keyID: keyID, heads: heads, previousMAC: previous, mac: mac)
    }
}

/// The anchor log read back: the latest authentic head of each station, and what was wrong
/// with the log itself.
public struct AnchorLog: Sendable {
    public struct Anchor: Sendable, Equatable {
        public var sequence: Int
        public var hash: String
        /// When it was written (milliseconds since 1970).
        public var at: Int64
    }

    public enum Problem: Sendable, Equatable {
        /// Line `n` (from 1) is not an anchor line, or its MAC does not hold under its key.
        case notAuthentic(line: Int)
        /// Line `n` was signed with a key the keyring no longer has: not trusted, not counted.
        case unknownKey(line: Int, keyID: String)
        /// Line `n` does not follow the line before it: a line was removed or inserted.
        case linkBroken(line: Int)
        /// Line `n` signs a head that goes back on an earlier line (a lower sequence number, or
        /// the same one with another hash): a writer signed a chain it should have refused.
        case conflicting(line: Int, station: String)
    }

    public var latest: [String: Anchor] = [:]
    public var problems: [Problem] = []
    /// Lines that are not anchor lines at all (cut off by a crash while being written, say).
    /// They carry nothing that could be trusted, and the lines around them still link to each
    /// other, so they are noted, not counted as tampering.
    public var unreadable: [Int] = []
    /// The MAC of the last authentic line, which the next line links to.
    public var lastMAC: String = LedgerChain.genesis
    public var lines = 0

    public init() {}

    /// Folds the log's lines in order; `key` gives the key of a key id (nil: unknown).
    public init(lines text: some StringProtocol, key: (String) -> SymmetricKey?) {
        fold(lines: text, key: key)
    }

    /// Folds more lines, that follow the ones already folded.
    public mutating func fold(lines text: some StringProtocol, key: (String) -> SymmetricKey?) {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let record = AnchorRecord(line: String(raw)) else {
                lines += 1
                unreadable.append(lines)
                continue
            }
            add(record, key: key)
        }
    }

    /// Folds one record that follows the ones already folded.
    public mutating func add(_ record: AnchorRecord, key: (String) -> SymmetricKey?) {
        lines += 1
        guard let signingKey = key(record.keyID) else { problems.append(.unknownKey(line: lines, keyID: record.keyID)); return }
        guard record.isAuthentic(under: signingKey) else { problems.append(.notAuthentic(line: lines)); return }
        if record.previousMAC != lastMAC { problems.append(.linkBroken(line: lines)) }
        lastMAC = record.mac
        for head in record.heads {
            if let known = latest[head.station], known.sequence > head.sequence || (known.sequence == head.sequence && known.hash != head.hash) {
                problems.append(.conflicting(line: lines, station: head.station))
                continue
            }
            latest[head.station] = Anchor(sequence: head.sequence, hash: head.hash, at: record.at)
        }
    }
}

extension LedgerChain {
    /// Where a point the chain once reached was recorded.
    public enum AnchorSource: String, Sendable, Equatable {
        /// The station's checkpoint in the database, kept by the last verification.
        case checkpoint
        /// The signed anchor log outside the database.
        case anchorLog
    }

    /// A chain that no longer reaches, or no longer holds, a point it was seen at.
    public struct EndFinding: Sendable, Equatable {
        /// The last sequence number the chain now has (0 when it has none).
        public var endsAt: Int
        public var expectedSequence: Int
        public var expectedHash: String
        public var source: AnchorSource
        /// The hash now at `expectedSequence`, when there is an event there.
        public var foundHash: String?

        public var truncated: Bool { foundHash == nil }
    }

    /// Checks a whole chain (in order, already verified by `verify`) against points it was
    /// seen at: each must still be there with the same hash. A chain shorter than a point
    /// had its newest events removed (`truncated`); a different hash there means events up to
    /// it were rewritten and the chain re-hashed (`rewritten`).
    public static func verify(_ entries: [LedgerEntry], reached points: [(sequence: Int, hash: String, source: AnchorSource)]) -> Verification {
        var result = verify(entries)
        let endsAt = entries.last?.sequence ?? 0
        for point in points.sorted(by: { $0.sequence > $1.sequence }) where point.sequence > 0 {
            // In an intact chain event n is at index n - 1; otherwise it is looked for.
            let index = point.sequence - 1
            let at = entries.indices.contains(index) && entries[index].sequence == point.sequence
                ? entries[index] : entries.first { $0.sequence == point.sequence }
            if at?.hash == point.hash { continue }
            let finding = EndFinding(endsAt: endsAt, expectedSequence: point.sequence, expectedHash: point.hash, source: point.source, foundHash: at?.hash)
            result.end = finding
            if result.firstBroken == nil {
                result.firstBroken = at == nil ? (endsAt + 1, .truncated) : (point.sequence, .rewritten)
            }
            break
        }
        return result
    }
}
