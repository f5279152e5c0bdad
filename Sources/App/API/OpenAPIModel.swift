import Foundation

/// The parts of OpenAPI 3.1 the document uses, as typed values: a misspelt keyword or a
/// schema in the wrong place does not compile, and the encoder writes the JSON. (OpenAPIKit
/// is on this machine; the document needs a dozen of its types, and our own keep it out of the
/// build: docs/architecture.md, "The JSON API".)
enum OpenAPIModel {
    struct Document: Encodable, Sendable {
        var openapi = "3.1.0"
        var info: Info
        var paths: [String: [String: Operation]]
        var components: Components
    }

    struct Info: Encodable, Sendable {
        var title: String
        var version: String
        var description: String
    }

    struct Operation: Encodable, Sendable {
        var summary: String
        var operationId: String
        var parameters: [Parameter]?
        var requestBody: RequestBody?
        var responses: [String: Response]
        var security: [[String: [String]]]?
    }

    struct Parameter: Encodable, Sendable {
        enum Location: String, Encodable, Sendable { case path, query }
        var name: String
        var location: Location
        var required: Bool
        var schema: Schema

        enum CodingKeys: String, CodingKey { case name, location = "in", required, schema }
    }

    struct RequestBody: Encodable, Sendable {
        var required: Bool
        var content: [String: MediaType]
    }

    struct MediaType: Encodable, Sendable {
        var schema: Schema
    }

    struct Response: Encodable, Sendable {
        var description: String
        var content: [String: MediaType]?

        /// A JSON response whose body is the named schema.
        static func json(_ description: String, schema name: String) -> Response {
            Response(description: description, content: ["application/json": MediaType(schema: .ref(name))])
        }
    }

    struct Components: Encodable, Sendable {
        var schemas: [String: Schema]
        var securitySchemes: [String: SecurityScheme]
    }

    struct SecurityScheme: Encodable, Sendable {
        enum Location: String, Encodable, Sendable { case cookie, header }
        var type = "apiKey"
        var location: Location
        var name: String

        enum CodingKeys: String, CodingKey { case type, location = "in", name }
    }
}

/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it), with the keywords the document uses.
struct Schema: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable { case string, integer, number, boolean, object, array, null }

    /// One schema inside another (`items`, a map's values): a box, since a struct cannot hold itself.
    final class Inner: Encodable, Sendable {
        let schema: Schema
        init(_ schema: Schema) { self.schema = schema }
        func encode(to encoder: any Encoder) throws { try schema.encode(to: encoder) }
    }

    /// `additionalProperties`: none allowed, or any number that match a schema.
    enum Additional: Encodable, Sendable {
        case forbidden
        case matching(Inner)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .forbidden:
                var container = encoder.singleValueContainer()
                try container.encode(false)
            case let .matching(inner): try inner.encode(to: encoder)
            }
        }
    }

    var types: [Kind] = []
    var ref: String?
    var format: String?
    var pattern: String?
    var description: String?
    var maxLength: Int?
    var minimum: Int?
    var maximum: Int?
    /// `enum`: the allowed values; nil stands for JSON null.
    var allowed: [String?]?
    var items: Inner?
    var properties: [String: Schema]?
    var required: [String]?
    var additionalProperties: Additional?
    var patternProperties: [String: Schema]?

    enum CodingKeys: String, CodingKey {
        case type, ref = "$ref", format, pattern, description, maxLength, minimum, maximum, allowed = "enum", items, properties, required
        case additionalProperties, patternProperties
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if types.count == 1 { try container.encode(types[0], forKey: .type) } else if !types.isEmpty { try container.encode(types, forKey: .type) }
        try container.encodeIfPresent(ref, forKey: .ref)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(pattern, forKey: .pattern)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(maxLength, forKey: .maxLength)
        try container.encodeIfPresent(minimum, forKey: .minimum)
        try container.encodeIfPresent(maximum, forKey: .maximum)
        if let allowed {
            var list = container.nestedUnkeyedContainer(forKey: .allowed)
            for value in allowed { if let value { try list.encode(value) } else { try list.encodeNil() } }
        }
        try container.encodeIfPresent(items, forKey: .items)
        try container.encodeIfPresent(properties, forKey: .properties)
        try container.encodeIfPresent(required, forKey: .required)
        try container.encodeIfPresent(additionalProperties, forKey: .additionalProperties)
        try container.encodeIfPresent(patternProperties, forKey: .patternProperties)
    }

    static let string = Schema(types: [.string])
    static let uuid = Schema(types: [.string], format: "uuid")
    static let integer = Schema(types: [.integer])
    static let number = Schema(types: [.number])
    static let boolean = Schema(types: [.boolean])
    static let date = Schema(types: [.string], pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    static let dateTime = Schema(types: [.string], format: "date-time")

    static func ref(_ name: String) -> Schema { Schema(ref: "#/components/schemas/\(name)") }
    static func array(_ items: Schema) -> Schema { Schema(types: [.array], items: Inner(items)) }
    /// One of the given words.
    static func oneOf(_ words: [String]) -> Schema { Schema(types: [.string], allowed: words) }
    /// An object with exactly these properties; all required unless `required` says which.
    static func object(_ properties: [String: Schema], required: [String]? = nil) -> Schema {
        Schema(types: [.object], properties: properties, required: required ?? properties.keys.sorted(), additionalProperties: .forbidden)
    }
    /// An object whose every value matches `values` (a map).
    static func map(of values: Schema) -> Schema { Schema(types: [.object], additionalProperties: .matching(Inner(values))) }

    /// The same, or null.
    var nullable: Schema {
        var copy = self
        copy.types = (types.first.map { [$0] } ?? [.string]) + [.null]
        return copy
    }

    func described(_ text: String) -> Schema {
        var copy = self
        copy.description = text
        return copy
    }
}
