@testable import App
import Crypto
import Fluent
import Foundation
import Ledger
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 18, item 3: the ledger's end is anchored. Removing the newest events, all events,
/// or rewriting and re-hashing a chain is found by verification (page, API, command line),
/// with where the chain now ends and what was expected.
@Suite("Ledger anchors: truncation and rewriting are found", .serialized)
struct LedgerAnchorTests {
    /// A station with three ledger events (intake, start, complete).
    static func threeEvents(_ app: Application) async throws -> StationFixture {
        let s = try await StationFixture.make(app)
        let item = try await s.intake(app)
        try await s.act(app, item.id, ["action": "start"])
        try await s.act(app, item.id, ["action": "complete", "result": "已办结"])
        return s
    }

    static func verification(_ app: Application, _ s: StationFixture) async throws -> (chain: ChainDTO, all: VerificationDTO) {
        let answer = try await send(app, .GET, "/api/v1/units/\(s.village)/ledger/verification", as: s.wang)
        let dto = try StationFixture.decode(VerificationDTO.self, answer.body)
        return (try #require(dto.chains.first { $0.unitID == s.village }), dto)
    }

    static func deleteEvents(_ app: Application, _ village: UUID, from seq: Int, checkpoints: Bool) async throws {
        let sql = try Dialect.sql(app.db)
        try await sql.delete(from: "ledger_events").where("unit_id", .equal, SQLBind(village)).where("seq", .greaterThanOrEqual, SQLBind(seq)).run()
        if checkpoints { try await sql.delete(from: "ledger_checkpoints").run() }
    }

    static func anchorFile() -> String { NSTemporaryDirectory() + "cunwu-anchors-\(UUID().uuidString)" }

    @Test("the newest events removed after a verification: the checkpoint alone finds it, in the API, the page and the evaluation")
    func truncatedAgainstCheckpoint() async throws {
        try await withApp { app, _ in
            let s = try await Self.threeEvents(app)
            #expect(try await Self.verification(app, s).chain.intact)
            try await Self.deleteEvents(app, s.village, from: 3, checkpoints: false)
            // Before: the chain of two events verified as intact (a valid, shorter chain).
            let evaluation = try await send(app, .GET, "/api/v1/units/\(s.village)/evaluation?year=2027", as: s.wang)
            #expect(evaluation.body.contains("台账校验发现记录被改动"), "evaluations read the checkpoint's own event too")
            let (chain, _) = try await Self.verification(app, s)
            #expect(!chain.intact && chain.reason == "truncated" && chain.endsAt == 2 && chain.expectedSequence == 3 && chain.anchoredBy == "checkpoint")
            let page = try await send(app, .GET, "/units/\(s.village)/ledger/verify", as: s.wang)
            #expect(page.body.contains("记录链现在止于第2条") && page.body.contains("曾到达第3条"))
            // The finding is kept: verifying again does not forget it.
            #expect(try await Self.verification(app, s).chain.reason == "truncated")
        }
    }

    @Test("with the anchor log: newest events and checkpoints removed, every event removed, or the chain rewritten and hashed anew — each is found")
    func anchoredCases() async throws {
        for attack in ["newest", "all", "rewrite"] {
            let path = Self.anchorFile()
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await withApp(environment: ["CUNWU_LEDGER_ANCHOR_FILE": path]) { app, _ in
                let s = try await Self.threeEvents(app)
                let keyring = try #require(app.config.keyring)
                let record = try #require(try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db).record)
                #expect(record.heads.contains { $0.station == s.village.uuidString && $0.sequence == 3 })
                // Nothing moved: nothing more is written.
                #expect(try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db).record == nil)
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let sql = try Dialect.sql(app.db)
                switch attack {
                case "newest": try await Self.deleteEvents(app, s.village, from: 2, checkpoints: true)
                case "all": try await Self.deleteEvents(app, s.village, from: 1, checkpoints: true)
                default:
                    // Someone with the database but not the key: changes event 1, hashes the chain anew, moves the checkpoint.
                    var chain = try await LedgerStore.chain(s.village, on: app.db)
                    var previous = LedgerChain.genesis
                    for n in chain.indices {
                        if n == 0 { chain[n].actorName = "冒名顶替" }
                        chain[n].previousHash = previous
                        chain[n] = chain[n].sealed()
                        previous = chain[n].hash
                        try await sql.update("ledger_events").set("actor_name", to: SQLBind(chain[n].actorName)).set("prev_hash", to: SQLBind(chain[n].previousHash))
                            .set("hash", to: SQLBind(chain[n].hash)).where("unit_id", .equal, SQLBind(s.village)).where("seq", .equal, SQLBind(chain[n].sequence)).run()
                    }
                    #expect(LedgerChain.verify(chain).intact)
                    try await sql.update("ledger_checkpoints").set("hash", to: SQLBind(previous)).where("unit_id", .equal, SQLBind(s.village)).run()
                }
                // The next anchoring (the server's, a minute on) does not sign what was done, even
                // once the chain grows past its old end again.
                if attack == "newest" {
                    let more = try await s.intake(app)
                    try await s.act(app, more.id, ["action": "start"])
                    try await s.act(app, more.id, ["action": "complete", "result": "再办"])
                }
                let round = try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db)
                #expect(round.refused == (attack == "all" ? [] : [s.village.uuidString]), "\(attack): \(round.refused)")
                #expect(!(round.record?.heads.contains { $0.station == s.village.uuidString } ?? false))
                let (chain, all) = try await Self.verification(app, s)
                #expect(!chain.intact, "\(attack)")
                #expect(chain.anchoredBy == "anchorLog" && chain.expectedSequence == 3, "\(attack): \(chain)")
                switch attack {
                case "newest": #expect(chain.reason == "rewritten" && chain.endsAt == 4, "grown past its old end with other events: \(chain)")
                case "all": #expect(chain.reason == "truncated" && chain.endsAt == 0)
                default: #expect(chain.reason == "rewritten")
                }
                #expect(all.anchorLog == path && all.anchorProblems.isEmpty)
                // The other stations are untouched.
                let others = all.chains.filter { $0.unitID != s.village }
                #expect(others.allSatisfy { $0.intact })
            }
        }
    }

    @Test("a line of the anchor log changed or removed is reported on the verification page and in the API")
    func tamperedLog() async throws {
        let path = Self.anchorFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withApp(environment: ["CUNWU_LEDGER_ANCHOR_FILE": path]) { app, _ in
            let s = try await Self.threeEvents(app)
            let keyring = try #require(app.config.keyring)
            try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db)
            let item = try await s.intake(app)
            try await s.act(app, item.id, ["action": "start"])
            try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db)
            _ = try await s.intake(app)
            try await LedgerAnchors.write(path: path, keyring: keyring, at: Date(), on: app.db)
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            lines.remove(at: 1)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            let (_, all) = try await Self.verification(app, s)
            #expect(all.anchorProblems == [AnchorLog.Problem.linkBroken(line: 2).text])
            let page = try await send(app, .GET, "/units/\(s.village)/ledger/verify", as: s.wang)
            #expect(page.body.contains("锚点文件本身有问题") && page.body.contains("第2行与上一行不相连"))
        }
    }

    @Test("cunwu verify-ledger reports a chain cut back below its anchor: where it ends, what was expected, exit status 1")
    func commandLine() async throws {
        let path = NSTemporaryDirectory() + "cunwu-anchor-cli-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".anchors", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // The tests' own key (the keyring is process-wide; another key would fail the tests beside this one).
        let environment = ["CUNWU_DATABASE_PATH": path, "DATABASE_URL": "", "CUNWU_DATA_KEY": PersonalData.testKeyring.current.base64]
        let app = try await Application.make(.testing)
        let village: UUID
        do {
            try await configure(app, environment: environment.merging(["CUNWU_BCRYPT_COST": "4"]) { $1 })
            try await prepareDatabase(app)
            let s = try await Self.threeEvents(app)
            village = s.village
            #expect(app.config.ledgerAnchorPath == path + ".anchors")
            try await LedgerAnchors.write(path: path + ".anchors", keyring: try #require(app.config.keyring), at: Date(), on: app.db)
            try await Self.deleteEvents(app, village, from: 3, checkpoints: true)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        let result = try await CLI.run(["verify-ledger", "--station", village.uuidString], environment: environment)
        #expect(result.status == 1, "\(result.output)\(result.errors)")
        #expect(result.output.contains("记录链现在止于第2条") && result.output.contains("签名锚点文件记录它曾到达第3条"), "\(result.output)")
    }

    @Test("each anchoring is also sent to the witness, which can check it with the key")
    func witness() async throws {
        // A witness on 127.0.0.1: a small server that keeps what it is sent.
        let witness = try await Application.make(.testing)
        let received = NIOLockedValueBox<[String]>([])
        witness.post("anchors") { request -> HTTPStatus in
            received.withLockedValue { $0.append(request.body.string ?? "") }
            return .ok
        }
        try await witness.asyncBoot()
        try await witness.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(witness.http.server.shared.localAddress?.port)
        let path = Self.anchorFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try await withApp(environment: ["CUNWU_LEDGER_ANCHOR_FILE": path, "CUNWU_LEDGER_WITNESS_URL": "http://127.0.0.1:\(port)/anchors"]) { app, _ in
                let s = try await Self.threeEvents(app)
                await AnchorKeeper.round(app)
                let lines = received.withLockedValue { $0 }
                #expect(lines.count == 1)
                let record = try #require(lines.first.flatMap(AnchorRecord.init(line:)))
                #expect(record.isAuthentic(under: try #require(app.config.keyring).current.anchorKey))
                #expect(record.heads.contains { $0.station == s.village.uuidString && $0.sequence == 3 })
                #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(lines[0]))
            }
        } catch {
            await witness.server.shutdown()
            try? await witness.asyncShutdown()
            throw error
        }
        await witness.server.shutdown()
        try await witness.asyncShutdown()
    }
}
