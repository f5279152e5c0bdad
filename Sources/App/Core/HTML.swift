/// Typed HTML written in Swift. Every text and every attribute value is escaped when
/// rendered; the only unescaped content is `trusted`, used for markup our own code
/// builds from escaped parts (inline SVG charts). See docs/architecture.md for why
/// this and not Plot or Leaf.
indirect enum Node: Sendable {
    case element(String, [(String, String)], [Node])
    case void(String, [(String, String)])
    case text(String)
    case trusted(String)
    case group([Node])

    static let empty = Node.group([])

    /// An element; attributes with a nil value are left out, "" renders a bare attribute.
    static func el(_ tag: String, _ attributes: KeyValuePairs<String, String?> = [:], _ children: [Node] = []) -> Node {
        .element(tag, attributes.compactMap { key, value in value.map { (key, $0) } }, children)
    }

    static func el(_ tag: String, _ attributes: KeyValuePairs<String, String?> = [:], _ text: String) -> Node {
        el(tag, attributes, [.text(text)])
    }

    /// A void element (input, meta, link, br).
    static func input(_ attributes: KeyValuePairs<String, String?>) -> Node {
        .void("input", attributes.compactMap { key, value in value.map { (key, $0) } })
    }

    static func when(_ condition: Bool, _ node: @autoclosure () -> Node) -> Node { condition ? node() : .empty }

    func render() -> String {
        var out = ""
        out.reserveCapacity(4096)
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case let .element(tag, attributes, children):
            out += "<" + tag
            for (name, value) in attributes { Node.attribute(name, value, into: &out) }
            out += ">"
            for child in children { child.render(into: &out) }
            out += "</" + tag + ">"
        case let .void(tag, attributes):
            out += "<" + tag
            for (name, value) in attributes { Node.attribute(name, value, into: &out) }
            out += ">"
        case let .text(text):
            Node.escape(text, into: &out)
        case let .trusted(markup):
            out += markup
        case let .group(nodes):
            for node in nodes { node.render(into: &out) }
        }
    }

    private static func attribute(_ name: String, _ value: String, into out: inout String) {
        out += " " + name
        if !value.isEmpty || name == "value" || name == "alt" {
            out += "=\""
            escape(value, into: &out)
            out += "\""
        }
    }

    /// Escapes the five characters that matter in text and in quoted attribute values.
    static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}
