import Fluent
import Ledger
import Vapor

/// `cunwu verify-ledger [--station ID|CODE]`: checks each station's ledger chain and
/// names the first event that does not hold. Exit status 0 when every chain is intact,
/// 1 when one is not, 2 for a bad argument.
struct VerifyLedgerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "station", help: "One village's id or 12-digit division code; default every station")
        var station: String?
    }

    var help: String { "Verifies the service stations' ledgers (台账校验)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await prepareDatabase(app)
        var villages: [OrgUnit]
        if let reference = signature.station {
            guard let village = try await Integrations.station(reference, on: app.db) else { throw CommandFailure.usage("找不到服务站“\(reference)”") }
            villages = [village]
        } else {
            villages = try await OrgUnit.query(on: app.db).filter(\.$kind == .village).sort(\.$path).all()
        }
        var broken: [String] = []
        let progress = ConsoleProgress("台账校验", total: villages.count)
        for village in villages {
            let chain = try await LedgerStore.chain(village.requireID(), on: app.db)
            let result = LedgerChain.verify(chain)
            try await LedgerStore.keepCheckpoint(village: village.requireID(), chain: chain, result: result, at: Date(), on: app.db)
            if let first = result.firstBroken {
                let line = "\(village.name)（\(try village.requireID())）：第\(first.sequence)条记录起校验不通过：\(first.reason.label)"
                broken.append(line)
                progress.print(line)
            } else {
                progress.print("\(village.name)（\(try village.requireID())）：完整，共\(result.count)条记录")
            }
            progress.advance()
        }
        progress.finish()
        if !broken.isEmpty { throw CommandFailure.checkFailed("\(broken.count)个服务站的台账校验不通过") }
        Swift.print("全部\(villages.count)个服务站的台账校验通过")
    }
}
