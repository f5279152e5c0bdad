// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "cunwu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cunwu", targets: ["cunwu"]),
        .library(name: "StandardKit", targets: ["StandardKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The 62-item standard as data and the rule engine. Pure Swift: Foundation only.
        // Its word catalogue (Words.swift, the vocabularies' labels), one file per language.
        .target(
            name: "StandardKit",
            resources: [.copy("Resources/beijing-2012-trial.json"), .copy("Resources/words.zh.json"), .copy("Resources/words.en.json")],
            swiftSettings: swiftSettings
        ),
        // CSV and XLSX reading and writing for exports and imports.
        .target(
            name: "Spreadsheet",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // QR codes (byte mode, level M) as SVG, for receipts' tracking addresses.
        .target(
            name: "QRCode",
            swiftSettings: swiftSettings
        ),
        // China's working-day calendar (holidays and make-up working days) for time limits.
        .target(
            name: "WorkCalendar",
            dependencies: ["StandardKit"],
            resources: [.copy("Resources/china-holidays.json")],
            swiftSettings: swiftSettings
        ),
        // The station ledger's hash chain: sealing and verifying events.
        .target(
            name: "Ledger",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The service station's request as a value: its vocabulary, the state machine, due
        // dates and urgency on the working-day calendar, and typed ledger events. Pure.
        .target(
            name: "StationKit",
            dependencies: ["StandardKit", "WorkCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "App",
            dependencies: [
                "StandardKit",
                "QRCode",
                "StationKit",
                "Spreadsheet",
                "WorkCalendar",
                "Ledger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The text catalogue (Core/Messages.swift), one file per language.
            resources: [.copy("Resources/messages.zh.json"), .copy("Resources/messages.en.json"), .copy("Resources/terms.en.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cunwu",
            dependencies: ["App"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "engine-benchmark",
            dependencies: ["StandardKit"],
            path: "Benchmarks/EngineBenchmark",
            swiftSettings: swiftSettings
        ),
        // Reading Swift source in the catalogue tests of both the application and StandardKit.
        .target(
            name: "SourceScan",
            path: "Tests/SourceScan",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StandardKitTests",
            dependencies: ["StandardKit", "SourceScan"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpreadsheetTests",
            dependencies: ["Spreadsheet"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkCalendarTests",
            dependencies: ["WorkCalendar"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StationKitTests",
            dependencies: ["StationKit", "WorkCalendar", "StandardKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "SourceScan",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            // Read by path (MigrationHistoryTests), not bundled.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
