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
    PersonalData.install(app.config.keyring)

    switch app.config.storage {
    case let .postgres(url):
        try PrimaryLocator.register(app, url: url, connectionsPerLoop: app.config.databaseConnectionsPerLoop)
        if let readURL = app.config.readURL {
            try ReadReplicas.register(app, url: readURL, connectionsPerLoop: app.config.databaseConnectionsPerLoop,
                                      maxLag: Double(app.config.readMaxLagSeconds))
            app.lifecycle.use(ReplicaMonitor())
        }
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

    let cost = app.config.bcryptCost
    app.passwords.use { _ in PrehashingBcrypt(cost: cost) }
    app.dummyPasswordHash = try Bcrypt.hash(Token.make(), cost: app.config.bcryptCost)

    app.keptSummaries = KeptSummaries()
    let inFlight = app.inFlightRequests
    let metrics = app.metrics
    var chain: [any AsyncMiddleware] = [
        InFlightMiddleware(requests: inFlight),
        MetricsMiddleware(metrics: metrics),
        SecurityHeadersMiddleware(),
        LanguageMiddleware(),
        AppErrorMiddleware(),
        // Before the session is read or anything parses the query (issue 18).
        RequestLimitsMiddleware(),
        SessionMiddleware(),
    ]
    if app.config.readURL != nil { chain.append(WroteMiddleware(seconds: app.config.readMaxLagSeconds + 2, secure: app.config.secureCookies)) }
    // All of them, and the route's handler, in one task in the route's lane (`Lane`).
    app.middleware = Middlewares()
    app.middleware.use(FrontMiddleware(chain: chain))
    app.routes.caseInsensitive = false
    app.http.server.configuration.responseCompression = .enabled

    registerRoutes(app)
    let observeIntake: @Sendable (Int, Duration) -> Void = { count, duration in
        metrics.intakeBatchSize.record(Double(count))
        metrics.intakeBatchSeconds.record(duration)
    }
    if case let .sqliteFile(path) = app.config.storage {
        // Registered before `DrainRequests`, so it closes after the last request is answered.
        let writer = SQLiteWriter(path: path, logger: app.logger)
        app.lifecycle.use(writer)
        app.intakeQueue = IntakeQueue(executor: writer.executor, observe: observeIntake, database: { try await writer.database() })
    } else if case let .postgres(url) = app.config.storage {
        let locator = app.primaryLocator
        let writer = try PostgresWriter(url: url, logger: app.logger) { locator?.currentIndex ?? 0 }
        app.lifecycle.use(writer)
        app.intakeQueue = IntakeQueue(executor: writer.executor, observe: observeIntake, database: { try await writer.database() })
    } else {
        app.intakeQueue = IntakeQueue(observe: observeIntake, database: { [unowned app] in app.db })
    }
    app.lifecycle.use(JobShutdown())
    app.lifecycle.use(CheckpointKeeper())
    app.lifecycle.use(AnchorKeeper())
    // Registered last, so it runs first at shutdown: requests finish before jobs and storage stop.
    app.lifecycle.use(DrainRequests(requests: inFlight))

    app.asyncCommands.use(StandardCommand(), as: "standard")
    app.asyncCommands.use(EvaluateCommand(), as: "evaluate")
    app.asyncCommands.use(CreateUserCommand(), as: "create-user")
    app.asyncCommands.use(VerifyLedgerCommand(), as: "verify-ledger")
    app.asyncCommands.use(GenerateCommand(), as: "generate")
    app.asyncCommands.use(RotateKeyCommand(), as: "rotate-key")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(BenchmarkCommand(), as: "bench-evaluate")
    app.asyncCommands.use(RoutesCommand(), as: "routes")
}

/// Prepares storage: SQLite in WAL mode with a busy timeout, then every migration. The
/// database file and its log are made readable by their owner only (an older install
/// may have made them readable by all).
func prepareDatabase(_ app: Application) async throws {
    if case let .sqliteFile(path) = app.config.storage {
        FileModes.ownerOnly([path, path + "-wal", path + "-shm", path + ".anchors"])
    }
    if case .sqliteFile = app.config.storage, let sql = app.db as? any SQLDatabase {
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        // The pool keeps one connection per event loop; set the timeout on each.
        for loop in app.eventLoopGroup.makeIterator() {
            if let db = app.databases.database(logger: app.logger, on: loop) as? any SQLDatabase {
                try await db.raw("PRAGMA busy_timeout=5000").run()
                // 16 MB of page cache each instead of SQLite's 2 MB: an intake's inserts touch
                // index pages all over the requests and the ledger (random ids).
                try await db.raw("PRAGMA cache_size=-16384").run()
            }
        }
    }
    if let locator = app.primaryLocator, await locator.locate(app) == nil {
        throw ConfigError(variable: "DATABASE_URL", message: T(.configNoPrimary, locator.hosts.joined(separator: T(.sepList))))
    }
    try await app.autoMigrate()
}
