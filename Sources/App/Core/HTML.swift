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

    /// Escapes the five characters that matter in text and in quoted attribute values. They
    /// are ASCII, so the text is scanned as UTF-8 bytes and copied a run at a time between
    /// them (most texts have none and are copied whole): scalar by scalar it was half the
    /// time of rendering a district's dashboard.
    static func escape(_ text: String, into out: inout String) {
        var text = text
        let plain = text.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() {
                let entity: String
                switch byte {
                case 0x26: entity = "&amp;"
                case 0x3C: entity = "&lt;"
                case 0x3E: entity = "&gt;"
                case 0x22: entity = "&quot;"
                case 0x27: entity = "&#39;"
                default: continue
                }
                if i > start { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) }
                out += entity
                start = i + 1
            }
            guard start > 0 else { return true }
            if start < bytes.count { out += String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self) }
            return false
        }
        if plain { out += text }
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}
