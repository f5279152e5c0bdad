import StandardKit
import Vapor

/// `cunwu standard [--item N] [--format text|json] [--facts-schema]`: prints the catalogue
/// with each item's checks, or the JSON Schema of the facts format.
struct StandardCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "item", help: T(.helpStandardItem))
        var item: Int?
        @Option(name: "format", help: T(.helpStandardFormat))
        var format: String?
        @Option(name: "settings", help: T(.helpStandardSettings))
        var settings: String?
        @Flag(name: "facts-schema", help: T(.helpStandardFactsSchema))
        var factsSchema: Bool
    }

    var help: String { T(.helpStandard) }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.factsSchema {
            context.console.output(FactsSchema.jsonSchema().consoleText(), newLine: false)
            return
        }
        let format = try OutputFormat.parse(signature.format)
        if let item = signature.item, !(1...62).contains(item) {
            throw CommandFailure.usage(T(.cliItemRange, String(item)))
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
        @Argument(name: "facts", help: T(.helpEvaluateFacts))
        var facts: String
        @Option(name: "as-of", help: T(.helpEvaluateAsOf))
        var asOf: String?
        @Option(name: "format", help: T(.helpEvaluateFormat))
        var format: String?
        @Option(name: "settings", help: T(.helpEvaluateSettings))
        var settings: String?
    }

    var help: String { T(.helpEvaluate) }

    func run(using context: CommandContext, signature: Signature) async throws {
        let format = try OutputFormat.parse(signature.format)
        let asOf = try signature.asOf.map { text -> LocalDate in
            guard let date = LocalDate(text) else { throw CommandFailure.usage(T(.cliAsOfFormat, text)) }
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
            throw CommandFailure.usage(T(.cliAsOfBeforeYear, asOf.description, String(facts.year)))
        }
        let evaluation = Evaluator(catalogue: catalogue, scheme: settings.scheme).evaluate(facts, asOf: asOf)
        switch format {
        case .text: context.console.output(Report.evaluationText(evaluation, catalogue: catalogue).consoleText(), newLine: false)
        case .json: context.console.output(Report.evaluationJSON(evaluation).consoleText(), newLine: true)
        case .markdown: throw CommandFailure.usage(T(.cliEvaluateFormat))
        }
    }
}

enum OutputFormat: String {
    case text, json, markdown

    static func parse(_ text: String?) throws(CommandFailure) -> OutputFormat {
        guard let text else { return .text }
        guard let format = OutputFormat(rawValue: text) else { throw .usage(T(.cliFormat, text)) }
        return format
    }
}

/// File access shared by the commands: every failure becomes a `CommandFailure`.
enum CommandFiles {
    static let maximumBytes = 50 * 1024 * 1024

    static func read(_ path: String) throws(CommandFailure) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .badInput(file: path, problems: [T(.cliCannotOpen)]) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumBytes + 1) else { return [] }
        guard data.count <= maximumBytes else { throw .badInput(file: path, problems: [T(.cliFileTooLarge, String(maximumBytes / 1024 / 1024))]) }
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
            return T(.cliProblems, file, String(problems.count)) + "\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case let .usage(message), let .checkFailed(message):
            return message
        }
    }
}
