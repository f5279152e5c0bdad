import Crypto
import Foundation
import Testing
@testable import Ledger

/// The anchor log (issue 18, item 3): signed lines, linked to each other, read back into the
/// latest head of each chain; and a chain checked against points it was seen at.
@Suite struct AnchorTests {
    let key = SymmetricKey(size: .bits256)

    func chain(_ count: Int, note: String = "件") -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        var previous = LedgerChain.genesis
        for n in stride(from: 1, through: count, by: 1) {
            let entry = LedgerEntry(sequence: n, subjectType: "request", subjectID: "R\(n)", action: "accept", actorID: "u1", actorName: "张三",
                                    occurredAt: 1_790_000_000_000 + Int64(n) * 1000, payload: #"{"note":"第\#(n)\#(note)"}"#, previousHash: previous).sealed()
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    func log(_ heads: [[ChainHead]]) -> (text: String, records: [AnchorRecord]) {
        var previous = LedgerChain.genesis, records: [AnchorRecord] = []
        for (n, line) in heads.enumerated() {
            let record = AnchorRecord(at: 1_790_000_000_000 + Int64(n), keyID: "k1", heads: line, previousMAC: previous).signed(with: key)
            records.append(record)
            previous = record.mac
        }
        return (records.map(\.line).joined(separator: "\n") + "\n", records)
    }

    @Test func linesRoundTripAndFoldToTheLatestHeadOfEachStation() throws {
        let (text, records) = log([[ChainHead(station: "A", sequence: 3, hash: "h3"), ChainHead(station: "B\"\\", sequence: 1, hash: "b1")],
                                   [ChainHead(station: "A", sequence: 5, hash: "h5")]])
        #expect(AnchorRecord(line: records[0].line) == records[0])
        let folded = AnchorLog(lines: text) { $0 == "k1" ? key : nil }
        #expect(folded.problems.isEmpty)
        #expect(folded.lines == 2)
        #expect(folded.latest["A"]?.sequence == 5 && folded.latest["A"]?.hash == "h5")
        #expect(folded.latest["B\"\\"]?.sequence == 1)
        #expect(folded.lastMAC == records[1].mac)
    }

    @Test func aForgedChangedRemovedOrUnknownLineIsReportedAndNotTrusted() throws {
        let (text, records) = log([[ChainHead(station: "A", sequence: 3, hash: "h3")], [ChainHead(station: "A", sequence: 5, hash: "h5")],
                                   [ChainHead(station: "A", sequence: 8, hash: "h8")]])
        let lines = text.split(separator: "\n").map(String.init)
        // A line changed without the key: its MAC no longer holds, its heads are not taken.
        let changed = lines[0] + "\n" + lines[1].replacingOccurrences(of: "\"h5\"", with: "\"h9\"") + "\n"
        let a = AnchorLog(lines: changed) { _ in key }
        #expect(a.problems == [.notAuthentic(line: 2)] && a.latest["A"]?.sequence == 3)
        // A line removed from the middle: the next line no longer links to the one before it.
        let b = AnchorLog(lines: lines[0] + "\n" + lines[2] + "\n") { _ in key }
        #expect(b.problems == [.linkBroken(line: 2)])
        // A line signed with another key, or under a key id the ring does not have.
        let forged = AnchorRecord(at: 1, keyID: "k1", heads: [ChainHead(station: "A", sequence: 99, hash: "x")], previousMAC: records[2].mac)
            .signed(with: SymmetricKey(size: .bits256))
        let c = AnchorLog(lines: text + forged.line + "\n") { _ in key }
        #expect(c.problems == [.notAuthentic(line: 4)] && c.latest["A"]?.sequence == 8)
        let d = AnchorLog(lines: text) { $0 == "k2" ? key : nil }
        #expect(d.problems.count == 3 && d.latest.isEmpty)
        // A line cut off by a crash is noted, not taken for tampering: the lines around it still link.
        let cut = AnchorLog(lines: lines[0] + "\n" + String(lines[1].prefix(30)) + "\n" + lines[1] + "\n") { _ in key }
        #expect(cut.problems.isEmpty && cut.unreadable == [2] && cut.latest["A"]?.sequence == 5)
        // A signed line that goes back on an earlier head is reported and not taken.
        let back = AnchorRecord(at: 9, keyID: "k1", heads: [ChainHead(station: "A", sequence: 8, hash: "other")], previousMAC: records[2].mac).signed(with: key)
        let e = AnchorLog(lines: text + back.line + "\n") { _ in key }
        #expect(e.problems == [.conflicting(line: 4, station: "A")] && e.latest["A"]?.hash == "h8")
    }

    @Test func aChainIsCheckedAgainstThePointsItWasSeenAt() {
        let full = chain(10)
        let seen: [(sequence: Int, hash: String, source: LedgerChain.AnchorSource)] = [(10, full[9].hash, .anchorLog), (6, full[5].hash, .checkpoint)]
        #expect(LedgerChain.verify(full, reached: seen).intact)
        // The newest events removed: the chain is still a valid chain, but ends before event 10.
        let cut = LedgerChain.verify(Array(full.prefix(7)), reached: seen)
        #expect(!cut.intact && cut.firstBroken?.reason == .truncated && cut.firstBroken?.sequence == 8)
        #expect(cut.end == LedgerChain.EndFinding(endsAt: 7, expectedSequence: 10, expectedHash: full[9].hash, source: .anchorLog, foundHash: nil))
        // Every event removed.
        let empty = LedgerChain.verify([], reached: seen)
        #expect(empty.firstBroken?.reason == .truncated && empty.end?.endsAt == 0 && empty.firstBroken?.sequence == 1)
        // Rewritten from the start and hashed anew: intact as a chain, but not what was seen.
        let rewritten = chain(10, note: "项")
        #expect(LedgerChain.verify(rewritten).intact)
        let found = LedgerChain.verify(rewritten, reached: seen)
        #expect(found.firstBroken?.reason == .rewritten && found.firstBroken?.sequence == 10 && found.end?.foundHash == rewritten[9].hash)
        // A chain that grew since it was seen is fine.
        #expect(LedgerChain.verify(chain(12), reached: [(10, chain(12)[9].hash, .anchorLog)]).intact)
        // An event altered inside the chain is named as before (the anchored event still holds).
        var altered = full
        altered[2].actorName = "冒名"
        let both = LedgerChain.verify(altered, reached: seen)
        #expect(both.firstBroken?.sequence == 3 && both.firstBroken?.reason == .contentChanged)
    }
}
