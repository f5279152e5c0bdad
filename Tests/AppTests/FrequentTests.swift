@testable import App
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Frequent statements: written once, prepared on PostgreSQL")
struct FrequentTests {
    /// Values out of order and one used twice: the village's name when `$2` is its id, or
    /// when `$1` is and its kind is `$3`.
    enum NameOf: FrequentStatement {
        static let sql = "SELECT name FROM units WHERE id = $2 OR (id = $1 AND kind = $3) ORDER BY name"
    }

    enum Missing: FrequentStatement {
        static let sql = "SELECT name FROM units WHERE id = $1 OR id = $2"
    }

    @Test("each $n is its own value, in any order and as often as it appears, on both stores; a $n without a value fails")
    func placeholders() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let (v1, v2) = (try world.villageV1.requireID(), try world.villageV2.requireID())
            func names(_ values: [Frequent.Value]) async throws -> [String] {
                try await Frequent.rows(NameOf.self, values, on: app.db).map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(try await names([.uuid(v1), .uuid(v2), .text("village")]) == [world.villageV1.name, world.villageV2.name].sorted())
            #expect(try await names([.uuid(v1), .uuid(v2), .text("township")]) == [world.villageV2.name])
            #expect(try await names([.uuid(UUID()), .uuid(v1), .text("village")]) == [world.villageV1.name])
            await #expect(throws: (any Error).self) { try await Frequent.rows(Missing.self, [.uuid(v1)], on: app.db) }
        }
    }

    enum Echo: FrequentStatement {
        static let sql = "SELECT $1 AS d, $2 AS b, $3 AS t, $4 AS n"
    }

    @Test("numbers, truth values and times are sent as what they are and read back the same, on both stores")
    func valueKinds() async throws {
        try await withApp { app, _ in
            let time = Date(timeIntervalSince1970: 1_796_000_000.25)
            let row = try #require(try await Frequent.rows(Echo.self, [.double(81.25), .bool(true), .date(time), .int(-7)], on: app.db).first)
            #expect(try row.decode(column: "d", as: Double.self) == 81.25)
            #expect(try row.decode(column: "b", as: Bool.self) == true)
            #expect(abs(try row.decode(column: "t", as: Date.self).timeIntervalSince(time)) < 0.001)
            #expect(try row.decode(column: "n", as: Int.self) == -7)
        }
    }

    enum Outer { enum Lookup: FrequentStatement { static let sql = "SELECT 1" } }
    enum Other { enum Lookup: FrequentStatement { static let sql = "SELECT 2" } }
    enum AVeryLongNameForAStatementTypeSoThatItsFullNameIsLongerThanPostgres {
        enum Lookup: FrequentStatement { static let sql = "SELECT 3" }
    }

    @Test("each statement type has its own name on a connection, at most 63 bytes, even for types of the same short name")
    func names() {
        let names = [Frequent.name(of: Outer.Lookup.self), Frequent.name(of: Other.Lookup.self),
                     Frequent.name(of: AVeryLongNameForAStatementTypeSoThatItsFullNameIsLongerThanPostgres.Lookup.self),
                     Frequent.name(of: SessionMiddleware.Lookup.self)]
        #expect(Set(names).count == names.count, "\(names)")
        #expect(names.allSatisfy { $0.utf8.count <= 63 }, "\(names)")
        #expect(names[0].hasSuffix("Outer.Lookup") && names[2].hasSuffix(".Lookup"))
        // Asked again (as on every run), the same names.
        #expect(Frequent.name(of: Outer.Lookup.self) == names[0] && Frequent.name(of: Other.Lookup.self) == names[1])
    }

    @Test("on SQLite each $n becomes its value bound in place, and a dollar sign without a number is refused")
    func sqliteText() throws {
        let query = try Frequent.query("SELECT a FROM t WHERE b = $2 AND c = $1 AND d = $2", [.text("one"), .int(2)])
        var serializer = SQLSerializer(database: SQLiteDialectProbe())
        query.serialize(to: &serializer)
        #expect(serializer.sql == "SELECT a FROM t WHERE b = ?1 AND c = ?2 AND d = ?3")
        #expect(serializer.binds.count == 3)
        #expect(serializer.binds.map { String(describing: $0) } == ["2", "one", "2"], "b is $2, c is $1, d is $2 again")
        #expect(throws: (any Error).self) { try Frequent.query("SELECT '$' FROM t", []) }
        #expect(throws: (any Error).self) { try Frequent.query("SELECT a FROM t WHERE b = $3", [.int(1)]) }
    }

    @Test("on PostgreSQL the statement is prepared once on a connection and then run with new values, the same answers each time",
          .enabled(if: !(ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty))
    func preparedOnce() async throws {
        try await withApp { app, _ in
            let world = try await World.make(app)
            let (v1, v2) = (try world.villageV1.requireID(), try world.villageV2.requireID())
            let postgres = try #require(app.db as? any PostgresDatabase)
            let (answers, prepared) = try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    // More than five runs: PostgreSQL then may switch to a plan it keeps.
                    var answers: [[String]] = []
                    for n in 0..<8 {
                        let rows = try await Frequent.rows(NameOf.self, [.uuid(n % 2 == 0 ? v1 : v2), .uuid(UUID()), .text("village")], on: connection)
                        answers.append(try rows.map { try $0.sql().decode(column: "name", as: String.self) })
                    }
                    let prepared = try await connection.query("SELECT name FROM pg_prepared_statements", logger: app.logger).get()
                        .rows.map { try $0.sql().decode(column: "name", as: String.self) }
                    return (answers, prepared)
                }
            }.get()
            #expect(answers == (0..<8).map { [$0 % 2 == 0 ? world.villageV1.name : world.villageV2.name] })
            #expect(prepared.filter { $0.hasSuffix("NameOf") }.count == 1, "\(prepared)")
        }
    }
}

/// SQLite's dialect, to see what `Frequent.query` serializes to (never run).
private struct SQLiteDialectProbe: SQLDatabase {
    var logger: Logger { Logger(label: "probe") }
    var eventLoop: any EventLoop { fatalError("not run") }
    var dialect: any SQLDialect { SQLiteDialect() }
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> { fatalError("not run") }
}
