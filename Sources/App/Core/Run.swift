import Foundation
import Logging
import Vapor

/// Builds the application, runs the command line, and shuts down on every path.
/// Bad input and usage errors print their message and exit with status 2.
///
/// `serve` (the default) migrates the database first; `serve --demo` also fills an
/// empty database with a demo district and prints the demo accounts.
public enum Run {
    /// The console speaks Chinese unless `CUNWU_LANGUAGE=en` (pages follow each request's
    /// language whatever this is).
    public static func main() async -> Int32 {
        let language = ProcessInfo.processInfo.environment["CUNWU_LANGUAGE"].flatMap(Language.init(rawValue:)) ?? .zh
        return await Language.$current.withValue(language) { await run() }
    }

    private static func run() async -> Int32 {
        // Every file this process makes (the database and its log, backups, keys, the
        // anchor log, attachments) is its owner's alone.
        umask(0o077)
        var arguments = CommandLine.arguments
        let command = arguments.count > 1 && !arguments[1].hasPrefix("-") ? arguments[1] : "serve"
        var demo = false
        if command == "serve", let index = arguments.firstIndex(of: "--demo") {
            arguments.remove(at: index)
            demo = true
        }
        var env: Environment
        do { env = try Environment.detect(arguments: arguments) } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return 2
        }
        // One JSON object a line for a log collector (`CUNWU_LOG_FORMAT=json`), else Vapor's console lines.
        if ProcessInfo.processInfo.environment["CUNWU_LOG_FORMAT"] == "json" {
            try? LoggingSystem.bootstrap(from: &env) { level in { label in JSONLogHandler(label: label, level: level) } }
        } else {
            try? LoggingSystem.bootstrap(from: &env)
        }
        let app: Application
        do { app = try await Application.make(env) } catch {
            FileHandle.standardError.write(Data((T(.cliCannotStart, "\(error)") + "\n").utf8))
            return 1
        }
        var status: Int32 = 0
        var servingLock: ServingLock?
        do {
            var environment = ProcessInfo.processInfo.environment
            if demo, (environment["CUNWU_DATA_KEY_FILE"] ?? "").isEmpty, (environment["CUNWU_DATA_KEY"] ?? "").isEmpty {
                environment["CUNWU_DATA_KEY_FILE"] = try DemoData.demoKeyFile(environment: environment)
            }
            try await configure(app, environment: environment)
            // Asking for help starts nothing: no key, database or lock is needed to read it.
            let help = arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
            if command == "serve", !help {
                // Personal data is sealed at rest: no key, no server.
                guard let keyring = app.config.keyring else { throw PersonalDataError.noKey }
                if case let .sqliteFile(path) = app.config.storage {
                    // Held until the process ends: `cunwu restore` will not replace the file meanwhile.
                    let lock = try ServingLock(database: path)
                    guard lock.tryShared() else { throw CommandFailure.usage(T(.cliRestoring, path)) }
                    servingLock = lock
                }
                try await prepareDatabase(app)
                try await PersonalDataStore.checkKey(on: app.db, keyring: keyring)
                if app.config.ledgerAnchorPath == nil {
                    app.logger.warning("\(T(.cliAnchorsOff))")
                }
                if demo {
                    try await DemoData.seed(app)
                } else {
                    try await DemoData.hintIfEmpty(app)
                }
            }
            // As `app.execute()`, without its logging of errors we report ourselves.
            try await app.startup()
            try await app.running?.onStop.get()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("\(failure.description)\n".utf8))
            status = failure.exitCode
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            status = 2
        } catch let error as PersonalDataError {
            FileHandle.standardError.write(Data((T(.cliCannotStart, error.description) + "\n").utf8))
            status = 2
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            status = 2
        } catch {
            app.logger.report(error: error)
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            status = 1
        }
        try? await app.asyncShutdown()
        servingLock?.release()
        return status
    }
}
