import Foundation
import StandardKit

/// The English of the Chinese words that record kinds declare (field labels, kind
/// names, choices), keyed by the Chinese: the kinds are written once, in Chinese, and
/// read in the request's language. LanguageTests fails on a label with no English in the
/// catalogue file, and CatalogueTests on an entry no kind uses.
enum Terms {
    static func translate(_ chinese: String) -> String {
        guard Language.current == .en else { return chinese }
        if let english = en[chinese] { return english }
        // "第5、7、9、53条" → "Items 5, 7, 9, 53"
        if chinese.hasPrefix("第"), chinese.hasSuffix("条") {
            let numbers = chinese.dropFirst().dropLast()
            if numbers.allSatisfy({ $0.isNumber || $0 == "、" || $0 == "–" }) {
                let many = numbers.contains("、") || numbers.contains("–")
                return (many ? "Items " : "Item ") + numbers.replacingOccurrences(of: "、", with: ", ")
            }
        }
        return chinese
    }

    /// The English of each Chinese term, read once from `Resources/terms.en.json`.
    static let en: [String: String] = {
        do {
            guard let url = Bundle.module.url(forResource: "terms.en", withExtension: "json") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "terms.en.json"])
            }
            return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        } catch {
            fatalError("the term catalogue terms.en.json cannot be read: \(error)")
        }
    }()
}
