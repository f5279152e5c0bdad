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
    var posts: [PostRecord]
    var workers: [String: WorkerRecord]
    var absences: [AbsenceRecord]

    /// The kinds a roster is made of, for loading them with others (`RecordStore.lists`).
    static let kinds: [RecordKind] = [.posts, .workers, .absences]
    /// The fields a roster reads.
    static let fields: Set<String> = Set([PostRecord.Field.holderA, .holderB, .name].map(\.rawValue) + [WorkerRecord.Field.name, .account].map(\.rawValue)
                                         + [AbsenceRecord.Field.worker, .from, .to].map(\.rawValue))

    init(_ lists: [String: [Record]]) {
        posts = (lists[RecordKind.posts.key] ?? []).map(PostRecord.init(record:))
        workers = Dictionary((lists[RecordKind.workers.key] ?? []).map { ($0.id.uuidString, WorkerRecord(record: $0)) }, uniquingKeysWith: { a, _ in a })
        absences = (lists[RecordKind.absences.key] ?? []).map(AbsenceRecord.init(record:))
    }

    static func load(village: UUID, on db: any Database) async throws -> Roster {
        Roster(try await RecordStore.lists(Lists.self, village: village, on: db))
    }

    /// The roster's kinds and fields, prepared on PostgreSQL (`Frequent`): request pages read it.
    enum Lists: FrequentLists {
        static let kinds = Roster.kinds
        static let only: Set<String>? = Roster.fields
        static let sql = RecordStore.postgresListsSQL(kinds, only: only)
    }

    func isAway(_ workerID: String, on day: LocalDate) -> Bool {
        absences.contains { absence in
            guard absence[text: .worker] == workerID, let from = absence[date: .from], let to = absence[date: .to] else { return false }
            return from <= day && day <= to
        }
    }

    /// The A holder, or the B holder while A is away (leave, trip, meeting).
    func assignee(post postID: String?, on day: LocalDate) -> Assignee? {
        guard let postID, let post = posts.first(where: { $0.reference == postID }), let a = post[text: .holderA] else { return nil }
        if isAway(a, on: day), let b = post[text: .holderB], let worker = workers[b] {
            return Assignee(workerID: b, name: worker[text: .name] ?? "", account: worker[text: .account], cover: true)
        }
        guard let worker = workers[a] else { return nil }
        return Assignee(workerID: a, name: worker[text: .name] ?? "", account: worker[text: .account], cover: false)
    }
}
