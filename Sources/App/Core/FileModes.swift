import Foundation

/// File permissions for what holds personal data.
enum FileModes {
    /// Makes each existing file readable and writable by its owner only.
    static func ownerOnly(_ paths: [String]) {
        for path in paths where FileManager.default.fileExists(atPath: path) { _ = chmod(path, 0o600) }
    }
}
