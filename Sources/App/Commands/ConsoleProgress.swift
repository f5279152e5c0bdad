import Foundation

/// A progress bar for long commands, drawn in place on standard error when that is a
/// terminal; when it is not (a log file, CI) nothing is drawn, so logs stay clean. Used
/// from one task at a time.
final class ConsoleProgress: @unchecked Sendable {
    let title: String
    private(set) var total: Int
    private(set) var done = 0
    private let terminal: Bool
    private let started = Date()
    private var drawn = Date.distantPast

    init(_ title: String, total: Int, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.title = title
        self.total = total
        self.terminal = terminal
    }

    func advance(by count: Int = 1) {
        done += count
        // At most ten redraws a second: drawing is not free on a slow link.
        if Date().timeIntervalSince(drawn) >= 0.1 || done >= total { draw() }
    }

    /// Prints a line to standard output without tearing the bar.
    func print(_ line: String) {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        Swift.print(line)
        if terminal { draw() }
    }

    func finish() {
        guard terminal else { return }
        draw()
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw() {
        drawn = Date()
        guard terminal else { return }
        let line = Self.render(title: title, done: done, total: total, elapsed: Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// "标题 [##########----------]  50%  1965/3930  12s"
    static func render(title: String, done: Int, total: Int, elapsed: TimeInterval, width: Int = 24) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        return "\(title) [\(bar)] \(String(repeating: " ", count: max(0, 3 - percent.count)))\(percent)%  \(done)/\(total)  \(Int(elapsed))s"
    }
}
