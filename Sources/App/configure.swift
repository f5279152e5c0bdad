import Vapor

/// Registers everything the application needs: commands now; storage, routes and
/// middleware as they arrive.
public func configure(_ app: Application) async throws {
    app.asyncCommands.use(StandardCommand(), as: "standard")
    app.asyncCommands.use(EvaluateCommand(), as: "evaluate")
}
