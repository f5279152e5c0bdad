import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Registers everything the application needs: configuration, storage, middleware,
/// routes and commands. Reads the environment once; a bad setting fails here.
public func configure(_ app: Application, environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
    let testing = app.environment == .testing
    app.config = try AppConfig.fromEnvironment(environment, testing: testing)

    switch app.config.storage {
    case let .postgres(url):
        try app.databases.use(.postgres(url: url), as: .psql)
    case let .sqliteFile(path):
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    }
    registerMigrations(app.migrations)

    // Stable JSON: keys sorted, dates as ISO 8601.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(decoder: decoder, for: .json)

    app.passwords.use(.bcrypt(cost: app.config.bcryptCost))
    app.dummyPasswordHash = try Bcrypt.hash(Token.make(), cost: app.config.bcryptCost)

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(SessionMiddleware())
    app.routes.caseInsensitive = false
    app.http.server.configuration.responseCompression = .enabled

    registerRoutes(app)
    app.lifecycle.use(JobShutdown())

    app.asyncCommands.use(StandardCommand(), as: "standard")
    app.asyncCommands.use(EvaluateCommand(), as: "evaluate")
    app.asyncCommands.use(CreateUserCommand(), as: "create-user")
    app.asyncCommands.use(VerifyLedgerCommand(), as: "verify-ledger")
    app.asyncCommands.use(GenerateCommand(), as: "generate")
    app.asyncCommands.use(BenchmarkCommand(), as: "bench-evaluate")
}

/// Prepares storage: SQLite in WAL mode with a busy timeout, then every migration.
func prepareDatabase(_ app: Application) async throws {
    if case .sqliteFile = app.config.storage, let sql = app.db as? any SQLDatabase {
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        // The pool keeps one connection per event loop; set the timeout on each.
        for loop in app.eventLoopGroup.makeIterator() {
            if let db = app.databases.database(logger: app.logger, on: loop) as? any SQLDatabase {
                try await db.raw("PRAGMA busy_timeout=5000").run()
            }
        }
    }
    try await app.autoMigrate()
}
