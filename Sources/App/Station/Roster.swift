import Fluent
import StandardKit
import Vapor

/// Who handles a post's requests on a given day.
struct Assignee: Sendable, Equatable {
    var workerID: String
    var name: String
    var account: String?
    /// True when the B holder covers for an absent A holder.
    var cover: Bool
}

/// A village's posts, workers and absences, loaded once to route requests (A/B posts).
struct Roster: Sendable {
    var posts: [Record]
    var workers: [String: Record]
    var absences: [Record]

    static func load(village: UUID, on db: any Database) async throws -> Roster {
        let workers = try await RecordStore.list(.workers, village: village, on: db)
        return Roster(posts: try await RecordStore.list(.posts, village: village, on: db),
                      workers: Dictionary(workers.map { ($0.id.uuidString, $0) }, uniquingKeysWith: { a, _ in a }),
                      absences: try await RecordStore.list(.absences, village: village, on: db))
    }

    func isAway(_ workerID: String, on day: LocalDate) -> Bool {
        absences.contains { a in
            guard a.text("worker") == workerID, let from = a.date("from"), let to = a.date("to") else { return false }
            return from <= day && day <= to
        }
    }

    /// The A holder, or the B holder while A is away (leave, trip, meeting).
    func assignee(post postID: String?, on day: LocalDate) -> Assignee? {
        guard let postID, let post = posts.first(where: { $0.id.uuidString == postID }), let a = post.text("holderA") else { return nil }
        if isAway(a, on: day), let b = post.text("holderB"), let worker = workers[b] {
            return Assignee(workerID: b, name: worker.text("name") ?? "", account: worker.text("account"), cover: true)
        }
        guard let worker = workers[a] else { return nil }
        return Assignee(workerID: a, name: worker.text("name") ?? "", account: worker.text("account"), cover: false)
    }
}
