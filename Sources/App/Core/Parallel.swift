import Foundation
import NIOCore

extension Array where Element: Sendable {
    /// `map` on every core, the results in the elements' order: for pure work over many
    /// villages (facts, the engine) once the database reads are done. Fewer than 16
    /// elements a core run on the caller's task. Background work (`Pacer`) runs it on
    /// the low-priority thread, leaving the cores to people's requests.
    func concurrentMap<T: Sendable>(_ transform: @escaping @Sendable (Element) throws -> T) async throws -> [T] {
        // Background work: one thread, of low priority.
        if Pacer.inBackground { return try await LowPriority.run { try self.map(transform) } }
        let parts = Swift.min(System.coreCount, Swift.max(1, count / 16))
        guard parts > 1 else { return try map(transform) }
        let size = (count + parts - 1) / parts
        return try await withThrowingTaskGroup(of: (Int, [T]).self) { group in
            for start in stride(from: 0, to: count, by: size) {
                let slice = Array(self[start..<Swift.min(start + size, count)])
                group.addTask { (start, try slice.map(transform)) }
            }
            var done: [(Int, [T])] = []
            for try await part in group { done.append(part) }
            return done.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
