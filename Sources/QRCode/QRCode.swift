/// A QR code (ISO/IEC 18004) of bytes: byte mode, error correction level M (about 15 %
/// of the symbol may be lost), the smallest version (1–40) that holds the data, and the
/// mask with the lowest penalty. No Swift package for QR codes exists on this machine;
/// this follows the standard's steps and is checked by decoding with a real reader (zbar).
public struct QRCode: Sendable, Equatable {
    /// 1…40; the symbol is 4 × version + 17 modules wide.
    public let version: Int
    /// 0…7, the mask pattern applied to the data.
    public let mask: Int
    /// Row-major dark (true) and light modules, `size` × `size`.
    public let modules: [Bool]
    public var size: Int { version * 4 + 17 }

    public enum Failure: Error, Equatable, Sendable {
        /// More bytes than version 40 at level M holds (2,331).
        case tooLong(limit: Int)
    }

    /// The most bytes a code holds at level M (ASCII; UTF-8 text with its designator, 2,329).
    public static let maximumBytes = 2_331

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes the bytes. `utf8`: they are UTF-8 text, said so with an ECI designator
    /// (assignment 26) ahead of the data, so readers do not guess another character set
    /// (zbar read repeated Chinese characters as Shift JIS without it).
    public init(bytes: [UInt8], utf8: Bool = false) throws(Failure) {
        let eci = utf8 ? 12 : 0
        guard let version = (1...40).first(where: { Self.dataCodewords(version: $0) * 8 >= Self.bitsNeeded(bytes.count, version: $0) + eci }) else {
            throw .tooLong(limit: Self.maximumBytes)
        }
        var bits = BitBuffer()
        if utf8 {
            bits.append(0b0111, count: 4)
            bits.append(26, count: 8)
        }
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = Self.dataCodewords(version: version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity {
            bits.append(pad, count: 8)
            pad ^= 0xEC ^ 0x11
        }
        let codewords = Self.withErrorCorrection(bits.bytes, version: version)
        var matrix = Matrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.placeData(codewords)
        // Every mask, keeping the one with the lowest penalty.
        var best: (mask: Int, penalty: Int, modules: [Bool])?
        for mask in 0..<8 {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate.dark) }
        }
        self.version = version
        self.mask = best!.mask
        self.modules = best!.modules
    }

    /// Encodes text as UTF-8; with an ECI designator when it is not all ASCII.
    public init(text: String) throws(Failure) { try self.init(bytes: Array(text.utf8), utf8: !text.utf8.allSatisfy { $0 < 0x80 }) }

    /// The code as SVG: one path of dark squares on a light background, with the four-module
    /// quiet zone readers need; `scale` pixels a module.
    public func svg(scale: Int = 4, label: String? = nil) -> String {
        let quiet = 4, side = size + 2 * quiet
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let title = label.map { "<title>\(Self.escape($0))</title>" } ?? ""
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * scale)\" height=\"\(side * scale)\""
            + " shape-rendering=\"crispEdges\" role=\"img\"\(label.map { " aria-label=\"\(Self.escape($0))\"" } ?? "")>\(title)"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    // MARK: Capacity (level M)

    static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                              26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    static let blocks = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
                         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]

    static func bitsNeeded(_ count: Int, version: Int) -> Int { 4 + (version <= 9 ? 8 : 16) + 8 * count }

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(version v: Int) -> Int {
        var result = (16 * v + 128) * v + 64
        if v >= 2 {
            let alignments = v / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if v >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(version v: Int) -> Int { rawDataModules(version: v) / 8 - eccPerBlock[v] * blocks[v] }

    /// The data split into blocks, each followed by its Reed–Solomon codewords, interleaved.
    static func withErrorCorrection(_ data: [UInt8], version v: Int) -> [UInt8] {
        let count = blocks[v], ecc = eccPerBlock[v]
        let raw = rawDataModules(version: v) / 8
        let short = count - raw % count, shortLength = raw / count
        let divisor = ReedSolomon.divisor(degree: ecc)
        var split: [[UInt8]] = []
        var offset = 0
        for b in 0..<count {
            let length = shortLength - ecc + (b < short ? 0 : 1)
            var block = Array(data[offset..<offset + length])
            offset += length
            let correction = ReedSolomon.remainder(block, divisor: divisor)
            // Short blocks get a placeholder so every block has the same length when interleaving.
            if b < short { block.append(0) }
            split.append(block + correction)
        }
        var out: [UInt8] = []
        for i in 0..<split[0].count {
            for (b, block) in split.enumerated() where i != shortLength - ecc || b >= short {
                out.append(block[i])
            }
        }
        return out
    }
}

/// Bits appended most significant first.
struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        guard count > 0 else { return }
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { byte, i in byte << 1 | (start + i < bits.count && bits[start + i] ? 1 : 0) }
        }
    }
}

/// Reed–Solomon over GF(2⁸) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial's coefficients (highest first, leading 1 left out).
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}

/// The symbol while it is built: modules and which of them are function patterns.
struct Matrix {
    let version: Int
    let size: Int
    var dark: [Bool]
    var function: [Bool]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        dark = Array(repeating: false, count: size * size)
        function = Array(repeating: false, count: size * size)
    }

    mutating func set(_ x: Int, _ y: Int, _ value: Bool) {
        dark[y * size + x] = value
        function[y * size + x] = true
    }

    /// The centres of the alignment patterns along one axis.
    var alignmentPositions: [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = size - 7
        var tail: [Int] = []
        for _ in 0..<(count - 1) {
            tail.insert(position, at: 0)
            position -= step
        }
        result += tail
        return result
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        let positions = alignmentPositions
        for (i, a) in positions.enumerated() {
            for (j, b) in positions.enumerated() {
                // Not over the finder patterns' corners.
                if (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0) { continue }
                for dy in -2...2 { for dx in -2...2 { set(a + dx, b + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormatBits(mask: 0)  // reserves the format areas; drawn again with the chosen mask
        drawVersion()
    }

    mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let (x, y) = (cx + dx, cy + dy)
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x, y, distance != 2 && distance != 4)
            }
        }
    }

    /// Level M (bits 00) and the mask, with their BCH code, in both copies; the dark module.
    mutating func drawFormatBits(mask: Int) {
        let data = (0b00 << 3) | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let value = (bits >> i) & 1 == 1
            let (a, b) = (size - 11 + i % 3, i / 3)
            set(a, b, value)
            set(b, a, value)
        }
    }

    /// The codewords' bits in the standard's zigzag, two columns at a time from the right.
    mutating func placeData(_ codewords: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !function[y * size + x] else { continue }
                    if i < codewords.count * 8 {
                        dark[y * size + x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { dark[y * size + x].toggle() }
            }
        }
    }

    /// The standard's four penalty rules: runs, 2×2 blocks, finder-like patterns, balance.
    func penalty() -> Int {
        var total = 0
        func at(_ x: Int, _ y: Int, _ rows: Bool) -> Bool { rows ? dark[y * size + x] : dark[x * size + y] }
        let finder: [Bool] = [true, false, true, true, true, false, true]
        for rows in [true, false] {
            for y in 0..<size {
                var run = 1
                for x in 1...size {
                    if x < size, at(x, y, rows) == at(x - 1, y, rows) {
                        run += 1
                    } else {
                        if run >= 5 { total += 3 + run - 5 }
                        run = 1
                    }
                }
                // 1:1:3:1:1 with four light modules on one side (or the edge).
                for x in 0...(size - 7) where (0..<7).allSatisfy({ at(x + $0, y, rows) == finder[$0] }) {
                    let before = (1...4).allSatisfy { x - $0 < 0 || !at(x - $0, y, rows) }
                    let after = (1...4).allSatisfy { x + 6 + $0 >= size || !at(x + 6 + $0, y, rows) }
                    if before || after { total += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = dark[y * size + x]
                if c == dark[y * size + x + 1], c == dark[(y + 1) * size + x], c == dark[(y + 1) * size + x + 1] { total += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count, all = size * size
        let k = (abs(darkCount * 20 - all * 10) + all - 1) / all - 1
        total += max(0, k) * 10
        return total
    }
}
