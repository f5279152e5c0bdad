import Foundation
import Logging
import Vapor

/// Builds the application, runs the command line, and shuts down on every path.
/// Bad input and usage errors print their message and exit with status 2.
public enum Run {
    public static func main() async -> Int32 {
        var env: Environment
        do { env = try Environment.detect() } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return 2
        }
        try? LoggingSystem.bootstrap(from: &env)
        let app: Application
        do { app = try await Application.make(env) } catch {
            FileHandle.standardError.write(Data("无法启动：\(error)\n".utf8))
            return 1
        }
        var status: Int32 = 0
        do {
            try await configure(app)
            // As `app.execute()`, without its logging of errors we report ourselves.
            try await app.startup()
            try await app.running?.onStop.get()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("\(failure.description)\n".utf8))
            status = failure.exitCode
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            status = 2
        } catch {
            app.logger.report(error: error)
            status = 1
        }
        try? await app.asyncShutdown()
        return status
    }
}
