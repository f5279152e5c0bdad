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
