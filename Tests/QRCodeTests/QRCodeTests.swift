import Foundation
import QRCode
import Testing

/// The QR encoder, checked by decoding its symbols with a real reader: `zbarimg` from
/// Debian's zbar-tools (CI installs it; the decoding tests say so when it is missing).
@Suite("QR codes: byte mode, level M, every version")
struct QRCodeTests {
    /// The standard's byte capacity at level M for each version (ISO/IEC 18004, table 7).
    static let capacity = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
                           711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331]

    @Test("the smallest version that holds the bytes, as the standard's table says; more than 2,331 bytes are refused")
    func versions() throws {
        for (index, bytes) in Self.capacity.enumerated() {
            #expect(try QRCode(bytes: Array(repeating: 0x41, count: bytes)).version == index + 1, "\(bytes) bytes")
            if index < 39 { #expect(try QRCode(bytes: Array(repeating: 0x41, count: bytes + 1)).version == index + 2) }
        }
        #expect(throws: QRCode.Failure.tooLong(limit: 2_331)) { try QRCode(bytes: Array(repeating: 0, count: 2_332)) }
        let code = try QRCode(text: "")
        #expect(code.version == 1 && code.size == 21 && code.modules.count == 441)
    }

    @Test("the fixed patterns are where readers look: finders, timing, the dark module")
    func patterns() throws {
        let code = try QRCode(text: "https://cunwu.example.cn/t/ABCD-2345")
        let n = code.size
        for (x, y) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            #expect((0..<7).allSatisfy { code.isDark(x: x + $0, y: y) && code.isDark(x: x, y: y + $0) })
            #expect(!code.isDark(x: x + 1, y: y + 1) && code.isDark(x: x + 3, y: y + 3))
        }
        #expect((8..<(n - 8)).allSatisfy { code.isDark(x: $0, y: 6) == ($0 % 2 == 0) && code.isDark(x: 6, y: $0) == ($0 % 2 == 0) })
        #expect(code.isDark(x: 8, y: n - 8))
        let svg = code.svg(label: "查询二维码")
        #expect(svg.hasPrefix("<svg") && svg.contains("aria-label=\"查询二维码\"") && svg.contains("viewBox=\"0 0 \(n + 8) \(n + 8)\""))
    }

    static let zbarimg = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Decodes a symbol with zbar: written as a greyscale PGM, 4 pixels a module, quiet zone 4.
    static func decode(_ code: QRCode) throws -> String {
        let scale = 4, quiet = 4, side = (code.size + 2 * quiet) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) {
                for dy in 0..<scale { for dx in 0..<scale { pixels[((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx] = 0 } }
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cunwu-qr-\(UUID().uuidString).pgm")
        try (Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(zbarimg))
        process.arguments = ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: out, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test("zbar reads back every version at its full capacity and one byte into the next, across the 8- and 16-bit length bands",
          .enabled(if: zbarimg != nil))
    func decodesEveryVersion() throws {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789-/:.abcdefghijkmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        for (index, bytes) in Self.capacity.enumerated() {
            for length in [bytes, index == 0 ? 1 : Self.capacity[index - 1] + 1] {
                let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                let code = try QRCode(text: text)
                #expect(code.version == index + 1)
                #expect(try Self.decode(code) == text, "version \(index + 1), \(length) bytes, mask \(code.mask)")
            }
        }
    }

    @Test("zbar reads tracking addresses, Chinese text and every mask", .enabled(if: zbarimg != nil))
    func decodesTexts() throws {
        var masks = Set<Int>()
        let texts = ["https://cunwu.example.cn/track/7KQ2-M9XD", "前辛庄村便民服务站 受理回执 7KQ2-M9XD", "0", "http://127.0.0.1:8080/track/A",
                     String(repeating: "村", count: 300)]
        for text in texts {
            let code = try QRCode(text: text)
            masks.insert(code.mask)
            #expect(try Self.decode(code) == text, "\(text.prefix(20))")
        }
        // Every mask pattern is right, whichever the penalty would choose.
        for n in 0..<60 where masks.count < 8 {
            let code = try QRCode(text: "cunwu-\(n)-" + String(repeating: "x", count: n))
            if !masks.contains(code.mask) {
                masks.insert(code.mask)
                #expect(try Self.decode(code) == "cunwu-\(n)-" + String(repeating: "x", count: n))
            }
        }
        #expect(masks.count >= 6, "masks tried: \(masks.sorted())")
    }
}
