import Crypto
import Foundation
import Testing
@testable import Ledger

@Suite struct LedgerTests {
    func chain(_ count: Int) -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        var previous = LedgerChain.genesis
        for n in 1...count {
            let entry = LedgerEntry(sequence: n, subjectType: "request", subjectID: "R\(n % 3)", action: n % 2 == 0 ? "complete" : "accept",
                                    actorID: "u1", actorName: "张三", occurredAt: 1_790_000_000_000 + Int64(n) * 1000,
                                    payload: #"{"note":"第\#(n)件"}"#, previousHash: previous).sealed()
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    @Test func anIntactChainVerifies() {
        let result = LedgerChain.verify(chain(20))
        #expect(result.intact)
        #expect(result.count == 20)
        #expect(LedgerChain.verify([]).intact)
    }

    @Test func hashesAreStableAndCoverEveryField() {
        let entry = chain(1)[0]
        #expect(entry.hash.count == 64)
        #expect(entry.hash == entry.computedHash)
        var changed = entry
        for mutate in [{ (e: inout LedgerEntry) in e.actorName = "李四" }, { $0.payload = "{}" }, { $0.occurredAt += 1 },
                       { $0.action = "refuse" }, { $0.subjectID = "X" }, { $0.subjectType = "complaint" }, { $0.actorID = "u2" }] {
            changed = entry
            mutate(&changed)
            #expect(changed.computedHash != entry.hash)
        }
    }

    /// Every stored hash was made over `JSONEncoder`'s spelling: the hand-written encoder
    /// must spell every character the same, control characters, slashes and non-ASCII text
    /// included, and the hash must stay SHA-256 over those bytes in lowercase hex.
    @Test func canonicalBytesAreJSONEncodersSpelling() throws {
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["", "张三", "第1件", "a/b\\c\"d", "\u{7F}\u{80}\u{A0}\u{2028}\u{2029}\u{FEFF}", "🏠👩‍🌾", "é", "\u{0}\u{1F}",
                    #"{"status":"received","note":"门/窗\n"}"#]
        var generator = SystemRandomNumberGenerator()
        let pool: [UnicodeScalar] = (0..<128).compactMap { UnicodeScalar($0) } + ["村", "务", "é", "ß", "\u{2028}", "😀", "\u{FFFD}"]
        for _ in 0..<500 { samples.append(String(String.UnicodeScalarView((0..<Int.random(in: 0...24, using: &generator)).map { _ in pool.randomElement(using: &generator)! }))) }
        for sample in samples {
            #expect(LedgerEntry.jsonArray([sample, "x"]) == Array(try JSONEncoder().encode([sample, "x"])), "\(sample.unicodeScalars.map { $0.value })")
        }
        for entry in chain(5) {
            let fields = ["cunwu-ledger-v1", String(entry.sequence), entry.subjectType, entry.subjectID, entry.action, entry.actorID,
                          entry.actorName, String(entry.occurredAt), entry.payload, entry.previousHash]
            let expected = SHA256.hash(data: try JSONEncoder().encode(fields)).map { String(format: "%02x", $0) }.joined()
            #expect(entry.hash == expected)
            #expect(entry.canonicalBytes == (try JSONEncoder().encode(fields)))
        }
    }

    @Test func aChangedEventIsNamed() {
        var entries = chain(10)
        entries[6].payload = #"{"note":"改过"}"#
        let result = LedgerChain.verify(entries)
        #expect(result.firstBroken?.sequence == 7)
        #expect(result.firstBroken?.reason == .contentChanged)
    }

    @Test func aResealedEventBreaksTheNextLink() {
        var entries = chain(10)
        entries[3].actorName = "冒名"
        entries[3] = entries[3].sealed()
        let result = LedgerChain.verify(entries)
        #expect(result.firstBroken?.sequence == 5)
        #expect(result.firstBroken?.reason == .linkBroken)
    }

    @Test func aRemovedEventIsNamed() {
        var entries = chain(10)
        entries.remove(at: 4)
        let result = LedgerChain.verify(entries)
        #expect(result.firstBroken?.sequence == 6)
        #expect(result.firstBroken?.reason == .sequenceGap)
    }

    @Test func aTailVerifiesFromACheckpoint() {
        let all = chain(6)
        let checkpoint = all[3]
        #expect(LedgerChain.verify(Array(all[4...]), after: checkpoint.sequence, previousHash: checkpoint.hash).intact)
        #expect(LedgerChain.verify([], after: checkpoint.sequence, previousHash: checkpoint.hash).intact)
        // A tail that does not continue the checkpoint's event is refused.
        #expect(LedgerChain.verify(Array(all[4...]), after: 4, previousHash: all[2].hash).firstBroken?.reason == .linkBroken)
        #expect(LedgerChain.verify(Array(all[5...]), after: checkpoint.sequence, previousHash: checkpoint.hash).firstBroken?.reason == .sequenceGap)
    }
}
