import Foundation
import Vapor

/// `cunwu routes`: the route table as JSON, one object a route (method, path, who may call
/// it, its documented query parameters and request body, its body limits). The input fuzz
/// pass (`.ci/input-fuzz.py`) drives every route from it; nothing is opened or changed.
struct RoutesCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { T(.helpRoutes) }

    struct RouteDTO: Encodable {
        var method: String
        var path: String
        var access: String
        var query: [String]
        var request: String?
        var maxBody: Int
        var maxFields: Int
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let routes = context.application.routeTable.specs.map { spec in
            RouteDTO(method: spec.method.rawValue, path: spec.path, access: Self.describe(spec.access), query: spec.api?.query.map(\.name) ?? [],
                     request: spec.api?.request, maxBody: spec.limits.maxBody.value, maxFields: spec.limits.maxFields)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        context.console.output(String(decoding: try encoder.encode(routes), as: UTF8.self).consoleText(), newLine: true)
    }

    static func describe(_ access: Access) -> String {
        switch access {
        case .open: return "open"
        case .signedIn: return "signedIn"
        case let .onUnit(permission): return "onUnit:" + permission.rawValue
        case let .onSheet(duty): return "onSheet:" + duty.rawValue
        case let .everywhere(permission): return "everywhere:" + permission.rawValue
        case let .somewhere(permission): return "somewhere:" + permission.rawValue
        }
    }
}
