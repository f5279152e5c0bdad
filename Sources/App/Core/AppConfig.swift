import StandardKit
import Vapor

/// Settings read once from the environment at boot. A bad value fails the boot with a
/// message naming the variable. No secrets have defaults.
struct AppConfig: Sendable {
    enum Storage: Sendable, Equatable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)
    }

    var storage: Storage
    /// Idle minutes after which a session ends.
    var sessionIdleMinutes: Int
    /// Failed logins before an account waits, and how long.
    var lockoutThreshold: Int
    var lockoutMinutes: Int
    /// bcrypt cost for new password hashes.
    var bcryptCost: Int
    /// Mark cookies Secure (set when served behind TLS).
    var secureCookies: Bool
    /// The standard with its rule settings and scoring scheme (CUNWU_STANDARD_SETTINGS).
    var catalogue: Catalogue
    var scheme: ScoringScheme
    /// Where attached files are kept (content-addressed).
    var filesPath: String
    /// The keys personal data is sealed with (`PersonalData`); nil when none is set, which
    /// `serve` refuses. Tests without a key get a random one per process.
    var keyring: Keyring?
    /// The ledger's anchor log (`LedgerAnchors`): `CUNWU_LEDGER_ANCHOR_FILE`, else beside the
    /// SQLite file; nil (no anchoring, and `serve` says so) on PostgreSQL unless set, and for
    /// a test's in-memory database.
    var ledgerAnchorPath: String?
    /// Minutes between anchorings while serving (`CUNWU_LEDGER_ANCHOR_MINUTES`, default 1).
    var ledgerAnchorMinutes: Int
    /// Where each anchor line is also sent (`CUNWU_LEDGER_WITNESS_URL`), if anywhere.
    var ledgerWitnessURL: String?
    /// Proxies whose `X-Forwarded-For` names the client (`CUNWU_TRUSTED_PROXIES`).
    var trustedProxies: TrustedProxies
    /// The address residents reach this deployment at (`CUNWU_PUBLIC_URL`, e.g.
    /// https://cunwu.bjhr.gov.cn), for the tracking address and QR code printed on receipts;
    /// nil: the address the clerk's page was opened at.
    var publicURL: String?
    /// PostgreSQL connections each event loop keeps (`CUNWU_DATABASE_CONNECTIONS`, default 2).
    /// One connection runs one statement at a time: with one per loop, every request on that
    /// loop waits its turn for each round trip while the database's backend idles between
    /// them, and one long read (an export's) holds every other request on that loop.
    /// Two measured best on two cores (docs/performance.md, session 18).
    var databaseConnectionsPerLoop: Int
    /// Who may read `/metrics` (`CUNWU_METRICS_ALLOW`, addresses and networks; default this
    /// machine only).
    var metricsAllow: TrustedProxies
    /// Standbys pages that only read may use (`DATABASE_READ_URL`), and how far behind the
    /// primary one may be and still be used (`CUNWU_READ_MAX_LAG_SECONDS`, default 5).
    var readURL: String?
    var readMaxLagSeconds: Int

    static func fromEnvironment(_ environment: [String: String], testing: Bool) throws(ConfigError) -> AppConfig {
        func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigError(variable: name, message: T(.configIntegerRange, String(range.lowerBound), String(range.upperBound), text))
            }
            return number
        }
        let storage: Storage
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigError(variable: "DATABASE_URL", message: T(.configDatabaseURL))
            }
            storage = .postgres(url: url)
        } else if let path = environment["CUNWU_DATABASE_PATH"], !path.isEmpty {
            storage = .sqliteFile(path: path)
        } else {
            // Tests get a private in-memory database unless they name a file.
            storage = testing ? .sqliteMemory : .sqliteFile(path: "cunwu.sqlite")
        }
        let secure: Bool
        switch environment["CUNWU_SECURE_COOKIES"] ?? "" {
        case "", "0", "false": secure = false
        case "1", "true": secure = true
        case let other: throw ConfigError(variable: "CUNWU_SECURE_COOKIES", message: T(.configBoolean, other))
        }
        var settings = EvaluationSettings()
        if let path = environment["CUNWU_STANDARD_SETTINGS"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(variable: "CUNWU_STANDARD_SETTINGS", message: T(.configFileUnreadable, path))
            }
            do { settings = try EvaluationSettings.read(Array(data)) } catch {
                throw ConfigError(variable: "CUNWU_STANDARD_SETTINGS", message: T(.configSettingsInvalid, error.problems.map(\.description).joined(separator: T(.sepSemicolon))))
            }
        }
        let catalogue: Catalogue
        do { catalogue = try Catalogue.load(overrides: settings.checkOverrides) } catch {
            throw ConfigError(variable: "CUNWU_STANDARD_SETTINGS", message: error.description)
        }
        let anchorPath: String?
        if let path = environment["CUNWU_LEDGER_ANCHOR_FILE"], !path.isEmpty {
            anchorPath = path
        } else {
            switch storage {
            case let .sqliteFile(path): anchorPath = path + ".anchors"
            // PostgreSQL's data is not on this machine: the operator says where (serve warns).
            case .postgres, .sqliteMemory: anchorPath = nil
            }
        }
        var witness: String?
        if let url = environment["CUNWU_LEDGER_WITNESS_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigError(variable: "CUNWU_LEDGER_WITNESS_URL", message: T(.configWitnessURL, url))
            }
            witness = url
        }
        var publicURL: String?
        if let url = environment["CUNWU_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil,
                  parsed.query == nil, parsed.fragment == nil, url.utf8.count <= 200 else {
                throw ConfigError(variable: "CUNWU_PUBLIC_URL", message: T(.configPublicURL, url))
            }
            publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let proxies: TrustedProxies
        do { proxies = try TrustedProxies(environment["CUNWU_TRUSTED_PROXIES"] ?? "") } catch {
            throw ConfigError(variable: "CUNWU_TRUSTED_PROXIES", message: T(.configTrustedProxies, error.entry))
        }
        var readURL: String?
        if let url = environment["DATABASE_READ_URL"], !url.isEmpty {
            guard case .postgres = storage, url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigError(variable: "DATABASE_READ_URL", message: T(.configReadURL))
            }
            readURL = url
        }
        let metricsAllow: TrustedProxies
        do { metricsAllow = try TrustedProxies(environment["CUNWU_METRICS_ALLOW"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1,::1") } catch {
            throw ConfigError(variable: "CUNWU_METRICS_ALLOW", message: T(.configTrustedProxies, error.entry))
        }
        return AppConfig(
            storage: storage,
            sessionIdleMinutes: try integer("CUNWU_SESSION_IDLE_MINUTES", default: 30, in: 1...1440),
            lockoutThreshold: try integer("CUNWU_LOCKOUT_THRESHOLD", default: 5, in: 1...100),
            lockoutMinutes: try integer("CUNWU_LOCKOUT_MINUTES", default: 15, in: 1...1440),
            // Tests use the lowest cost bcrypt allows so suites stay fast; production defaults to 12.
            bcryptCost: try integer("CUNWU_BCRYPT_COST", default: testing ? 4 : 12, in: 4...31),
            secureCookies: secure,
            catalogue: catalogue,
            scheme: settings.scheme,
            filesPath: environment["CUNWU_FILES_PATH"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (testing ? NSTemporaryDirectory() + "cunwu-files" : "cunwu-files"),
            keyring: try Keyring.fromEnvironment(environment) ?? (testing ? PersonalData.testKeyring : nil),
            ledgerAnchorPath: anchorPath,
            ledgerAnchorMinutes: try integer("CUNWU_LEDGER_ANCHOR_MINUTES", default: 1, in: 1...1440),
            ledgerWitnessURL: witness,
            trustedProxies: proxies, publicURL: publicURL,
            databaseConnectionsPerLoop: try integer("CUNWU_DATABASE_CONNECTIONS", default: 2, in: 1...64),
            metricsAllow: metricsAllow,
            readURL: readURL,
            readMaxLagSeconds: try integer("CUNWU_READ_MAX_LAG_SECONDS", default: 5, in: 1...3600)
        )
    }
}

struct ConfigError: Error, CustomStringConvertible {
    var variable: String
    var message: String
    var description: String { T(.configError, variable, message) }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    var config: AppConfig {
        get {
            guard let config = storage[ConfigKey.self] else { fatalError("configure(_:) sets the configuration before use") }
            return config
        }
        set { storage[ConfigKey.self] = newValue }
    }
}

