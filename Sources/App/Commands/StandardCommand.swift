import StandardKit
import Vapor

/// `cunwu standard [--item N] [--format text|json] [--facts-schema]`: prints the catalogue
/// with each item's checks, or the JSON Schema of the facts format.
struct StandardCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "item", help: "Only this item (1–62).")
        var item: Int?
        @Option(name: "format", help: "text (default), json or markdown (the table of docs/standard.md).")
        var format: String?
        @Option(name: "settings", help: "A settings file whose check parameters to show applied.")
        var settings: String?
        @Flag(name: "facts-schema", help: "Print the JSON Schema of the facts format instead.")
        var factsSchema: Bool
    }

    var help: String { "Prints the standard's 62 items with their checks (指导标准及检查项)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.factsSchema {
            context.console.output(FactsSchema.jsonSchema().consoleText(), newLine: false)
            return
        }
        let format = try OutputFormat.parse(signature.format)
        if let item = signature.item, !(1...62).contains(item) {
            throw CommandFailure.usage("--item 应为1至62之间的指导标准编号，实际为\(item)")
        }
        let settings = try signature.settings.map { try CommandFiles.settings(at: $0) } ?? EvaluationSettings()
        let catalogue = try CommandFiles.catalogue(settings: settings)
        switch format {
        case .text: context.console.output(Report.catalogueText(catalogue, item: signature.item).consoleText(), newLine: false)
        case .json: context.console.output(Report.catalogueJSON(catalogue, item: signature.item).consoleText(), newLine: true)
        case .markdown: context.console.output(Report.catalogueMarkdown(catalogue).consoleText(), newLine: false)
        }
    }
}

/// `cunwu evaluate FACTS.json [--as-of YYYY-MM-DD] [--format text|json] [--settings FILE]`.
struct EvaluateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "facts", help: "A facts file (docs/facts.md).")
        var facts: String
        @Option(name: "as-of", help: "Evaluate as of this date (YYYY-MM-DD); default: the file's asOf, else 31 December.")
        var asOf: String?
        @Option(name: "format", help: "text (default) or json.")
        var format: String?
        @Option(name: "settings", help: "Rule settings and scoring scheme (docs/standard.md).")
        var settings: String?
    }

    var help: String { "Evaluates one village's facts against the standard (评估)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let format = try OutputFormat.parse(signature.format)
        let asOf = try signature.asOf.map { text -> LocalDate in
            guard let date = LocalDate(text) else { throw CommandFailure.usage("--as-of 应为日期“YYYY-MM-DD”，实际为“\(text)”") }
            return date
        }
        let settings = try signature.settings.map { try CommandFiles.settings(at: $0) } ?? EvaluationSettings()
        let catalogue = try CommandFiles.catalogue(settings: settings)
        let bytes = try CommandFiles.read(signature.facts)
        let facts: VillageFacts
        do {
            facts = try FactsReader.read(bytes, catalogue: catalogue)
        } catch {
            throw CommandFailure.badInput(file: signature.facts, problems: error.problems.map(\.description))
        }
        if let asOf, asOf < LocalDate.firstDay(of: facts.year) {
            throw CommandFailure.usage("--as-of \(asOf) 早于评估年度\(facts.year)年")
        }
        let evaluation = Evaluator(catalogue: catalogue, scheme: settings.scheme).evaluate(facts, asOf: asOf)
        switch format {
        case .text: context.console.output(Report.evaluationText(evaluation, catalogue: catalogue).consoleText(), newLine: false)
        case .json: context.console.output(Report.evaluationJSON(evaluation).consoleText(), newLine: true)
        case .markdown: throw CommandFailure.usage("evaluate 的 --format 应为text或json")
        }
    }
}

enum OutputFormat: String {
    case text, json, markdown

    static func parse(_ text: String?) throws(CommandFailure) -> OutputFormat {
        guard let text else { return .text }
        guard let format = OutputFormat(rawValue: text) else { throw .usage("--format 应为text、json或markdown，实际为“\(text)”") }
        return format
    }
}

/// File access shared by the commands: every failure becomes a `CommandFailure`.
enum CommandFiles {
    static let maximumBytes = 50 * 1024 * 1024

    static func read(_ path: String) throws(CommandFailure) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .badInput(file: path, problems: ["无法打开文件"]) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumBytes + 1) else { return [] }
        guard data.count <= maximumBytes else { throw .badInput(file: path, problems: ["文件超过\(maximumBytes / 1024 / 1024) MB"]) }
        return Array(data)
    }

    static func settings(at path: String) throws(CommandFailure) -> EvaluationSettings {
        do { return try EvaluationSettings.read(try read(path)) } catch let error as FactsError {
            throw .badInput(file: path, problems: error.problems.map(\.description))
        } catch {
            throw error as? CommandFailure ?? .badInput(file: path, problems: ["\(error)"])
        }
    }

    static func catalogue(settings: EvaluationSettings) throws(CommandFailure) -> Catalogue {
        do { return try Catalogue.load(overrides: settings.checkOverrides) } catch {
            throw .badInput(file: "settings", problems: [error.description])
        }
    }
}

/// A command that ends without output and with exit status 2: bad input or usage.
enum CommandFailure: Error, CustomStringConvertible {
    case badInput(file: String, problems: [String])
    case usage(String)
    /// A check found a problem in stored data (a broken ledger chain): exit status 1.
    case checkFailed(String)

    var exitCode: Int32 {
        if case .checkFailed = self { return 1 }
        return 2
    }

    var description: String {
        switch self {
        case let .badInput(file, problems):
            return "\(file)：发现\(problems.count)个问题\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case let .usage(message), let .checkFailed(message):
            return message
        }
    }
}
