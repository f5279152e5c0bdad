@testable import App
import FluentKit
import Foundation
import Testing

/// Each model lists its Fluent properties (`properties`) instead of leaving Fluent to find
/// them by reflection: Fluent's default walks the object with `Mirror` on every query (its
/// fields, its soft-delete filter), every row read and every save, and under the mixed peak
/// that walk was a fifth of the request threads' time (docs/performance.md, session 21). A
/// list that missed a property would silently stop reading or writing its column, so each
/// list is checked against the walk itself: the same property objects, in the same order.
@Suite("Model properties")
struct ModelPropertiesTests {
    static let models: [any (Model).Type] = [
        Job.self, ImportBatch.self, Complaint.self, ServiceRequest.self, AuditEvent.self, UserSession.self, RoleAssignment.self, User.self,
        VillageProfile.self, OrgUnit.self, ReviewDraft.self, RectificationNote.self, Rectification.self, Evidence.self, SheetCheck.self,
        AssessmentSheet.self, AssessmentCycle.self, NoticeRead.self,
    ]

    /// What Fluent's default finds: every child of the object that is a Fluent property.
    static func reflected(_ model: any Fields) -> [ObjectIdentifier] {
        Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }.map { ObjectIdentifier($0 as AnyObject) }
    }

    @Test("every model's listed properties are the ones reflection finds, in its order", arguments: Self.models.map { ($0, String(describing: $0)) })
    func listed(model: any Model.Type, name: String) {
        let instance = model.init()
        let listed = instance.properties.map { ObjectIdentifier($0 as AnyObject) }
        let found = Self.reflected(instance)
        #expect(!found.isEmpty, "\(name)")
        #expect(listed == found, "\(name): listed \(listed.count), reflection finds \(found.count)")
        // The columns Fluent selects and writes (from the list) are the ones reflection gives.
        let reflectedKeys = Mirror(reflecting: instance).children.compactMap { $0.value as? any AnyDatabaseProperty }.flatMap(\.keys)
        #expect(model.keys == reflectedKeys, "\(name)")
    }

    @Test("every model in the sources is checked here")
    func everyModelChecked() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/App")
        var declared: Set<String> = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where line.hasPrefix("final class ") && line.contains(": Model") {
                declared.insert(String(line.dropFirst("final class ".count).prefix { $0.isLetter || $0.isNumber }))
            }
        }
        #expect(declared.count >= 18)
        #expect(declared == Set(Self.models.map { String(describing: $0) }), "\(declared.symmetricDifference(Self.models.map { String(describing: $0) }))")
    }
}
