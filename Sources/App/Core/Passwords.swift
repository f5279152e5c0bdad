import Vapor

/// The password policy: at least 10 characters, and not the user name (nor containing it).
enum PasswordPolicy {
    static let minimumLength = 10

    static func problems(_ password: String, username: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append(T(.passwordTooShort, String(minimumLength))) }
        let name = username.lowercased()
        if !name.isEmpty, password.lowercased().contains(name) { problems.append(T(.passwordContainsUsername)) }
        if Set(password).count < 3 { problems.append(T(.passwordTooSimple)) }
        return problems
    }
}

extension Application {
    private struct DummyHashKey: StorageKey { typealias Value = String }

    /// A hash of a random password at the configured cost, checked when a user name does
    /// not exist so the answer takes as long as a real check.
    var dummyPasswordHash: String {
        get { storage[DummyHashKey.self] ?? "" }
        set { storage[DummyHashKey.self] = newValue }
    }
}
