import Foundation
import Logging
import NIOConcurrencyHelpers

/// One JSON object a line on standard error (`CUNWU_LOG_FORMAT=json`), for a log collector:
/// `{"time":"2026-12-06T09:20:01.123Z","level":"warning","label":"codes.vapor.application",
/// "message":"…","request_id":"…", …metadata}`. Vapor puts each request's id in the logger's
/// metadata (`request-id`), so every line written while answering a request names it.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void

    init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            fields[key == "request-id" ? "request_id" : key] = "\(value)"
        }
        fields["time"] = Self.timestamp(Date())
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["source"] = source
        fields["message"] = message.description
        write(Self.line(fields))
    }

    /// The fields as one line of JSON, keys sorted (the same input, the same line).
    static func line(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static let lock = NIOLock()
    @Sendable static func standardError(_ line: String) {
        lock.withLock { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
