import Crypto
import Foundation
import Ledger
import NIOConcurrencyHelpers

/// Identity-card and phone numbers are sealed at rest (issue 10; PIPL art. 51): AES-256-GCM
/// with a random 96-bit nonce per value, under a key that lives outside the database and
/// the repository (`CUNWU_DATA_KEY_FILE` or `CUNWU_DATA_KEY`). A stored value reads
/// `enc1:<key id>:<base64 of nonce, ciphertext and tag>`; the key id names which key of the
/// keyring opens it, so keys can be rotated while the server runs (`cunwu rotate-key`).
///
/// Sealed values cannot be compared in SQL. Where a search by value is needed (a
/// resident's requests by phone number), a keyed hash is stored beside the value: HMAC-SHA256
/// under a key derived from the data key, so the hash says nothing without the key.
///
/// `@unchecked`: swift-crypto does not mark `SymmetricKey` Sendable; both keys are set once
/// in `init` and only read after (a value type over immutable storage).
struct DataKey: @unchecked Sendable {
    let key: SymmetricKey
    /// Eight hex digits of a hash of the key: names the key in stored values, reveals nothing.
    let id: String
    /// The key of the search hashes, derived so that one secret serves both purposes.
    let searchKey: SymmetricKey
    /// The key the ledger's anchor lines are signed with (`LedgerAnchors`), derived likewise.
    let anchorKey: SymmetricKey

    init(_ key: SymmetricKey) {
        self.key = key
        let digest = key.withUnsafeBytes { SHA256.hash(data: Array("cunwu-data-key-id".utf8) + Array($0)) }
        id = LedgerEntry.lowercaseHex(digest.prefix(4))
        searchKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("cunwu-search-hash-v1".utf8), outputByteCount: 32)
        anchorKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("cunwu-ledger-anchor-v1".utf8), outputByteCount: 32)
    }

    /// A key written as base64 of 32 bytes (`openssl rand -base64 32`).
    init(text: String, variable: String) throws(ConfigError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
            throw ConfigError(variable: variable, message: T(.configDataKey))
        }
        self.init(SymmetricKey(data: data))
    }

    static func random() -> DataKey { DataKey(SymmetricKey(size: .bits256)) }

    /// Writes a new random key to `path`, readable by its owner only; false when the file
    /// exists (a key is never overwritten) or cannot be written.
    static func writeNew(to path: String) -> Bool {
        !FileManager.default.fileExists(atPath: path)
            && FileManager.default.createFile(atPath: path, contents: Data((random().base64 + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
}

/// The key new values are sealed with, and earlier keys still accepted when opening.
struct Keyring: Sendable {
    let current: DataKey
    let previous: [DataKey]

    static let prefix = "enc1:"

    init(current: DataKey, previous: [DataKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    var all: [DataKey] { [current] + previous }

    func seal(_ plain: String) throws -> String {
        let box = try AES.GCM.seal(Array(plain.utf8), using: current.key, authenticating: Array(Self.context.utf8))
        guard let combined = box.combined else { throw PersonalDataError.sealFailed }
        return Self.prefix + current.id + ":" + combined.base64EncodedString()
    }

    /// The plain value. A value without the prefix is plain text written before sealing
    /// began (the migration and `rotate-key` seal those); it is returned as it is.
    func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        let rest = stored.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { throw PersonalDataError.malformed }
        let id = String(rest[..<colon])
        guard let key = all.first(where: { $0.id == id }) else { throw PersonalDataError.unknownKey(id) }
        guard let data = Data(base64Encoded: String(rest[rest.index(after: colon)...])),
              let box = try? AES.GCM.SealedBox(combined: data) else { throw PersonalDataError.malformed }
        guard let plain = try? AES.GCM.open(box, using: key.key, authenticating: Array(Self.context.utf8)) else { throw PersonalDataError.tampered }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether a stored value is sealed under the current key (else `rotate-key` reseals it).
    func isCurrent(_ stored: String) -> Bool { stored.hasPrefix(Self.prefix + current.id + ":") }

    /// Bound into every seal: a value from elsewhere sealed with the same key does not open.
    private static let context = "cunwu-personal-v1"

    /// The search hash of a phone number under the current key.
    func searchHash(phone: String) -> String { Self.searchHash(phone: phone, key: current) }

    /// Its hash under every key of the ring: a search during a rotation finds values the
    /// rotation has not reached yet.
    func searchHashes(phone: String) -> [String] { all.map { Self.searchHash(phone: phone, key: $0) } }

    private static func searchHash(phone: String, key: DataKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(normalizedPhone(phone).utf8), using: key.searchKey)
        return LedgerEntry.lowercaseHex(mac.prefix(16))
    }

    /// Digits only, without China's country code: "+86 139-1234-5678" finds "13912345678".
    static func normalizedPhone(_ phone: String) -> String {
        var digits = phone.filter(\.isASCII).filter(\.isNumber)
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        return digits
    }

    /// The keyring from the environment: the current key from `CUNWU_DATA_KEY_FILE` (a file
    /// holding the base64 key) or `CUNWU_DATA_KEY`, earlier keys from
    /// `CUNWU_DATA_KEY_PREVIOUS_FILE` (one per line) or `CUNWU_DATA_KEY_PREVIOUS` (comma-separated).
    /// Nil when no current key is set.
    static func fromEnvironment(_ environment: [String: String]) throws(ConfigError) -> Keyring? {
        func text(_ variable: String, file fileVariable: String) throws(ConfigError) -> (String, String)? {
            if let path = environment[fileVariable], !path.isEmpty {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ConfigError(variable: fileVariable, message: T(.configFileUnreadable, path))
                }
                return (String(decoding: data, as: UTF8.self), fileVariable)
            }
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
            return nil
        }
        guard let (currentText, currentVariable) = try text("CUNWU_DATA_KEY", file: "CUNWU_DATA_KEY_FILE") else { return nil }
        let current = try DataKey(text: currentText, variable: currentVariable)
        var previous: [DataKey] = []
        if let (list, variable) = try text("CUNWU_DATA_KEY_PREVIOUS", file: "CUNWU_DATA_KEY_PREVIOUS_FILE") {
            for item in list.split(whereSeparator: { $0 == "," || $0.isNewline }) where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                previous.append(try DataKey(text: String(item), variable: variable))
            }
        }
        return Keyring(current: current, previous: previous)
    }
}

enum PersonalDataError: Error, CustomStringConvertible {
    case noKey, sealFailed, malformed, tampered
    case unknownKey(String)

    var description: String {
        switch self {
        case .noKey: T(.personalNoKey)
        case .sealFailed: T(.personalSealFailed)
        case .malformed: T(.personalMalformed)
        case .tampered: T(.personalTampered)
        case let .unknownKey(id): T(.personalUnknownKey, id)
        }
    }
}

/// The process's keyring, installed by `configure`. Models' sealed fields read it while
/// Fluent encodes and decodes them, where no request or application is at hand; one
/// process serves one database with one key configuration.
enum PersonalData {
    private static let installed = NIOLockedValueBox<Keyring?>(nil)
    /// One random key per test process, so tests never need a key file.
    static let testKeyring = Keyring(current: .random())

    static func install(_ keyring: Keyring?) { installed.withLockedValue { $0 = keyring } }

    static func keyring() throws -> Keyring {
        guard let keyring = installed.withLockedValue({ $0 }) else { throw PersonalDataError.noKey }
        return keyring
    }

    static func seal(_ plain: String) throws -> String { try keyring().seal(plain) }
    static func open(_ stored: String) throws -> String { try keyring().open(stored) }
}

/// A personal value as a model holds it: plain in memory, sealed in the database.
struct Sealed: Codable, Sendable, Equatable {
    var plain: String

    init(_ plain: String) { self.plain = plain }

    init(from decoder: any Decoder) throws {
        plain = try PersonalData.open(try decoder.singleValueContainer().decode(String.self))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try PersonalData.seal(plain))
    }
}
