import Foundation

/// What a reader of an XLSX part is told as the scanner walks it. Element names are local
/// (`x:row` and `row` are the same element); attribute names are as written (`r:id`).
protocol XMLHandler: AnyObject {
    func start(_ name: String, _ attributes: [String: String])
    func end(_ name: String)
    func text(_ text: String)
}

/// A small, strict XML scanner for the parts of an uploaded workbook.
///
/// FoundationXML's parser on Linux traps (`_NSXMLParserStartElementNs`) on some damaged
/// markup, and one crafted upload would end the server. This scanner reads the subset of
/// XML that Office files use in one linear pass over the bytes and refuses the rest:
/// document types (so no entity expansion), unknown entities, unbalanced or unterminated
/// tags. It never recurses, so nesting depth costs nothing.
enum XMLScanner {
    struct Malformed: Error {}

    static func scan(_ data: Data, _ handler: any XMLHandler) throws(Malformed) {
        let bytes = [UInt8](data)
        let n = bytes.count
        var i = 0
        var depth = 0
        var textStart = 0

        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard !pattern.isEmpty, start <= n - pattern.count else { return nil }
            var j = start
            while j <= n - pattern.count {
                if bytes[j] == pattern[0] {
                    var k = 1
                    while k < pattern.count && bytes[j + k] == pattern[k] { k += 1 }
                    if k == pattern.count { return j }
                }
                j += 1
            }
            return nil
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func isNameByte(_ b: UInt8) -> Bool { !isSpace(b) && b != UInt8(ascii: ">") && b != UInt8(ascii: "/") && b != UInt8(ascii: "=") && b != UInt8(ascii: "<") }
        func local(_ name: String) -> String {
            guard let colon = name.lastIndex(of: ":") else { return name }
            return String(name[name.index(after: colon)...])
        }

        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if i > textStart { handler.text(try decode(bytes[textStart..<i])) }
            guard i + 1 < n else { throw Malformed() }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") {
                guard let close = find(Array("?>".utf8), from: i + 2) else { throw Malformed() }
                i = close + 2
            } else if next == UInt8(ascii: "!") {
                if let close = find(Array("-->".utf8), from: i + 4), i + 3 < n, bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                    i = close + 3
                } else if bytes[i...].starts(with: Array("<![CDATA[".utf8)) {
                    guard let close = find(Array("]]>".utf8), from: i + 9) else { throw Malformed() }
                    handler.text(String(decoding: bytes[(i + 9)..<close], as: UTF8.self))
                    i = close + 3
                } else {
                    // A document type declaration (and its entities) is never needed here.
                    throw Malformed()
                }
            } else if next == UInt8(ascii: "/") {
                var j = i + 2
                while j < n && isNameByte(bytes[j]) { j += 1 }
                let name = String(decoding: bytes[(i + 2)..<j], as: UTF8.self)
                while j < n && isSpace(bytes[j]) { j += 1 }
                guard !name.isEmpty, j < n, bytes[j] == UInt8(ascii: ">") else { throw Malformed() }
                depth -= 1
                guard depth >= 0 else { throw Malformed() }
                handler.end(local(name))
                i = j + 1
            } else {
                var j = i + 1
                while j < n && isNameByte(bytes[j]) { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                guard !name.isEmpty else { throw Malformed() }
                var attributes: [String: String] = [:]
                var selfClosing = false
                while true {
                    while j < n && isSpace(bytes[j]) { j += 1 }
                    guard j < n else { throw Malformed() }
                    if bytes[j] == UInt8(ascii: ">") { j += 1; break }
                    if bytes[j] == UInt8(ascii: "/") {
                        guard j + 1 < n, bytes[j + 1] == UInt8(ascii: ">") else { throw Malformed() }
                        selfClosing = true
                        j += 2
                        break
                    }
                    let nameStart = j
                    while j < n && isNameByte(bytes[j]) { j += 1 }
                    let key = String(decoding: bytes[nameStart..<j], as: UTF8.self)
                    while j < n && isSpace(bytes[j]) { j += 1 }
                    guard !key.isEmpty, j < n, bytes[j] == UInt8(ascii: "=") else { throw Malformed() }
                    j += 1
                    while j < n && isSpace(bytes[j]) { j += 1 }
                    guard j < n, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") else { throw Malformed() }
                    let quote = bytes[j]
                    let valueStart = j + 1
                    j = valueStart
                    while j < n && bytes[j] != quote {
                        guard bytes[j] != UInt8(ascii: "<") else { throw Malformed() }
                        j += 1
                    }
                    guard j < n else { throw Malformed() }
                    attributes[key] = try decode(bytes[valueStart..<j])
                    j += 1
                }
                handler.start(local(name), attributes)
                if selfClosing { handler.end(local(name)) } else { depth += 1 }
                i = j
            }
            textStart = i
        }
        guard depth == 0 else { throw Malformed() }
    }

    /// Text with its five named entities and character references replaced.
    static func decode(_ slice: ArraySlice<UInt8>) throws(Malformed) -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(slice.count)
        var i = slice.startIndex
        while i < slice.endIndex {
            let b = slice[i]
            guard b == UInt8(ascii: "&") else { out.append(b); i += 1; continue }
            guard let semicolon = slice[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw Malformed() }
            let entity = String(decoding: slice[(i + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let hex = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                guard entity.hasPrefix("#"), let value = UInt32(entity.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
                      let scalar = Unicode.Scalar(value) else { throw Malformed() }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
