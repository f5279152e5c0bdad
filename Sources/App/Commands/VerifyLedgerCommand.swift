import Fluent
import Ledger
import Vapor

/// `cunwu verify-ledger [--station ID|CODE]`: checks each station's ledger chain in full,
/// and against the points it was seen at (its checkpoint and the signed anchor log beside
/// the database), and names the first event that does not hold, or where a chain that lost
/// its newest events now ends and what was expected. Exit status 0 when every chain is
/// intact, 1 when one is not (or the anchor log itself was tampered with), 2 for a bad argument.
struct VerifyLedgerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "station", help: T(.helpVerifyLedgerStation))
        var station: String?
    }

    var help: String { T(.helpVerifyLedger) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        var villages: [OrgUnit]
        if let reference = signature.station {
            guard let village = try await Integrations.station(reference, on: app.db) else { throw CommandFailure.usage(T(.cliNoStation, reference)) }
            villages = [village]
        } else {
            villages = try await OrgUnit.query(on: app.db).filter(\.$kind == .village).sort(\.$path).all()
        }
        let anchors = try LedgerAnchors.configuredLog(app)
        if let path = app.config.ledgerAnchorPath, anchors != nil {
            Swift.print(T(.cliAgainstAnchors, path, String(anchors?.lines ?? 0), String(anchors?.latest.count ?? 0)))
        } else {
            Swift.print(T(.cliNoAnchors))
        }
        for problem in anchors?.problems ?? [] { Swift.print(T(.cliAnchorFileProblem, problem.text)) }
        let checkpoints = try await LedgerStore.checkpoints(under: "/", on: app.db)
        var broken: [String] = []
        let progress = ConsoleProgress(T(.cliVerifyLedger), total: villages.count)
        for village in villages {
            let id = try village.requireID()
            let result = try await LedgerStore.verifyChain(id, checkpoint: checkpoints[id], anchor: anchors?.latest[id.uuidString], at: app.clock.now, on: app.db)
            if !result.intact {
                let line = T(.cliChainAt, village.name, id.uuidString) + LedgerController.finding(try ChainDTO(village: village, result: result))
                broken.append(line)
                progress.print(line)
            } else {
                progress.print(T(.cliChainWhole, village.name, id.uuidString, String(result.count)))
            }
            progress.advance()
        }
        progress.finish()
        if !broken.isEmpty { throw CommandFailure.checkFailed(T(.cliChainsBroken, String(broken.count))) }
        if let problems = anchors?.problems, !problems.isEmpty { throw CommandFailure.checkFailed(T(.cliAnchorProblems, String(problems.count))) }
        Swift.print(T(.cliAllChainsWhole, String(villages.count)))
    }
}
