import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// The password policy: at least 10 characters, not the user name (nor containing it),
/// not one of the passwords every guessing list starts with, and not one character or two
/// repeated.
enum PasswordPolicy {
    static let minimumLength = 10

    static func problems(_ password: String, username: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append(T(.passwordTooShort, String(minimumLength))) }
        let name = username.lowercased()
        if !name.isEmpty, password.lowercased().contains(name) { problems.append(T(.passwordContainsUsername)) }
        if Set(password).count < 3 { problems.append(T(.passwordTooSimple)) } else if isCommon(password) { problems.append(T(.passwordCommon)) }
        return problems
    }

    /// On the list of common passwords, as typed or with digits or punctuation added at
    /// its end ("password2026!"), or a run along the keyboard or the digits.
    static func isCommon(_ password: String) -> Bool {
        let lower = password.lowercased()
        if common.contains(lower) { return true }
        let stem = String(lower.reversed().drop { $0.isNumber || $0.isPunctuation || $0.isSymbol }.reversed())
        if stem.count >= 4, common.contains(stem) { return true }
        return runs.contains { $0.contains(lower) } || runs.contains { String($0.reversed()).contains(lower) }
    }

    /// Rows of the keyboard and the digits: any 10 characters in a row of them is a walk, not a password.
    private static let runs = ["1234567890", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgb", "1q2w3e4r5t6y7u8i9o0p"]

    /// The most common passwords in the leaked lists, Chinese sites' among them (lower case).
    private static let common: Set<String> = [
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "iloveyou", "woaini", "woaini1314", "woaini520", "5201314", "1314520",
        "admin", "administrator", "root", "letmein", "welcome", "monkey", "dragon", "master", "sunshine", "princess", "football",
        "baseball", "superman", "qwerty", "qwertyuiop", "abc123", "abcd1234", "a123456", "a12345678", "a123456789", "aa123456",
        "qq123456", "123qwe", "qwe123", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "zxcvbnm", "asdfghjkl", "qazwsx", "123abc",
        "111111", "123123", "123321", "654321", "666666", "888888", "000000", "121212", "112233", "147258369", "159357",
        "1234567890", "0987654321", "12345678910", "123456789a", "1234qwer", "qwer1234", "zaq12wsx", "!qaz2wsx", "trustno1",
        "beijing", "zhongguo", "china", "shanghai", "cunwu", "cunwei", "shequ", "nongcun", "zhengfu", "mingzheng",
        "changeme", "default", "test", "testtest", "guest", "secret", "computer", "internet", "whatever", "starwars",
        "demo-pass", "password1", "password123", "admin123", "admin1234", "administrator1", "root123", "welcome1",
    ]
}

/// bcrypt reads at most 72 bytes of a password and ignores the rest, so a long
/// passphrase would be no stronger than its start (24 Chinese characters). A password
/// longer than that is hashed with SHA-256 first and the digest (base64, 44 bytes) goes to
/// bcrypt: every byte counts. Such hashes are marked, so hashes made before (of passwords
/// bcrypt cut short) still verify as they were made.
struct PrehashingBcrypt: PasswordHasher {
    let cost: Int
    static let marker = "$cunwu-sha256$"

    static func long(_ password: some DataProtocol) -> Bool { password.count > 72 }

    static func prehashed(_ password: some DataProtocol) -> String {
        Data(SHA256.hash(data: Array(password))).base64EncodedString()
    }

    func hash<Password: DataProtocol>(_ password: Password) throws -> [UInt8] {
        guard Self.long(password) else { return Array(try Bcrypt.hash(String(decoding: password, as: UTF8.self), cost: cost).utf8) }
        return Array((Self.marker + (try Bcrypt.hash(Self.prehashed(password), cost: cost))).utf8)
    }

    func verify<Password: DataProtocol, Digest: DataProtocol>(_ password: Password, created digest: Digest) throws -> Bool {
        let stored = String(decoding: Array(digest), as: UTF8.self)
        if stored.hasPrefix(Self.marker) {
            return try Bcrypt.verify(Self.prehashed(password), created: String(stored.dropFirst(Self.marker.count)))
        }
        return try Bcrypt.verify(String(decoding: Array(password), as: UTF8.self), created: stored)
    }
}

/// Failed sign-ins under names that are no account, counted as an account's are
/// (`users.failed_logins`, `users.locked_until`), so lockout answers alike whatever the
/// name and tells nobody which names exist.
enum LoginThrottle {
    static func key(_ username: String) -> String { Token.hash("login-name:" + username.lowercased()) }

    /// Until when the name waits, if it does.
    static func lockedUntil(_ username: String, now: Date, on db: any Database) async throws -> Date? {
        let row = try await Dialect.sql(db).select().column("locked_until").from("login_throttles")
            .where("name_hash", .equal, SQLBind(key(username))).first()
        guard let until = try row?.decode(column: "locked_until", as: Date?.self), until > now else { return nil }
        return until
    }

    /// Counts a failure; returns the time the name now waits until when this one locks it.
    /// One statement counts it, so failures at the same moment are each counted (and the
    /// first of a name never collides with another first).
    static func fail(_ username: String, now: Date, threshold: Int, minutes: Int, on db: any Database) async throws -> Date? {
        let sql = try Dialect.sql(db)
        let name = key(username)
        // Names tried more than a day ago are forgotten as new ones come.
        try await sql.delete(from: "login_throttles").where("updated_at", .lessThan, SQLBind(now.addingTimeInterval(-86_400))).run()
        let failures = try await sql.raw("""
            INSERT INTO login_throttles (name_hash, failures, locked_until, updated_at) VALUES (\(bind: name), 1, NULL, \(bind: now))
            ON CONFLICT (name_hash) DO UPDATE SET failures = login_throttles.failures + 1, updated_at = \(bind: now)
            RETURNING failures
            """).first()?.decode(column: "failures", as: Int.self) ?? 1
        guard failures >= threshold else { return nil }
        let until = now.addingTimeInterval(TimeInterval(minutes * 60))
        try await sql.update("login_throttles").set("failures", to: SQLBind(0)).set("locked_until", to: SQLBind(until))
            .where("name_hash", .equal, SQLBind(name)).run()
        return until
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
