import Foundation

/// The engine's texts other than vocabulary labels, keyed by name. The texts live in the
/// word catalogue, `Resources/words.zh.json` (简体中文) and `Resources/words.en.json`,
/// beside the vocabularies' labels (keyed "<type>.<raw value>", see `Vocabulary`); a
/// case's raw value is its key. Placeholders {0}, {1}… take `say`'s arguments in order.
/// WordsCatalogueTests fails on a key missing from either file, a key nothing uses, or
/// placeholders that differ between the two languages. To add a text: add the case here
/// and its text to both files (they are plain JSON with sorted keys).
enum Word: String, CaseIterable, Sendable {
    /// How lists are joined in running text.
    case listSeparator = "list.separator"

    // Status, Level and CheckKind labels.
    case statusMet = "status.met"
    case statusNotMet = "status.notMet"
    case statusPending = "status.pending"
    case statusNotApplicable = "status.notApplicable"
    case levelVillage = "level.village"
    case levelTownship = "level.township"
    case levelDistrict = "level.district"
    case checkKindMeasured = "checkKind.measured"
    case checkKindEvidenced = "checkKind.evidenced"

    /// An area's heading: its number (一 in Chinese, 1 in English) and name.
    case areaHeading = "area.heading"
    /// What an evidenced check without its own evidence note asks for.
    case checkEvidence = "check.evidence"
    case checkAwaitingEvidence = "check.awaitingEvidence"
    case checkAwaitingOtherLevel = "check.awaitingOtherLevel"

    // A reviewer's decision on evidence, with and without the reviewer's note.
    case evidenceAccepted = "evidence.accepted"
    case evidenceAcceptedWithNote = "evidence.acceptedWithNote"
    case evidenceReturned = "evidence.returned"
    case evidenceReturnedWithNote = "evidence.returnedWithNote"
    // A township's or district's result, with and without its note.
    case otherLevelResult = "otherLevel.result"
    case otherLevelResultWithNote = "otherLevel.resultWithNote"

    /// What one period is called in explanations (`Period.noun`).
    case periodNounQuarter = "periodNoun.quarter"
    case periodNounHalfYear = "periodNoun.halfYear"
    case periodNounYear = "periodNoun.year"

    // The opening schedule's problems, each with its line number.
    case scheduleBadLine = "schedule.badLine"
    case scheduleBadDays = "schedule.badDays"
    case scheduleBadSpan = "schedule.badSpan"
    case scheduleSpanBackwards = "schedule.spanBackwards"
    // Opening hours: whole hours, or hours and minutes.
    case hoursWhole = "hours.whole"
    case hoursWithMinutes = "hours.withMinutes"

    /// Rules' explanations when met, where they depend only on the rule (`Rule.fixedMetText`).
    case metOrganizationExists = "met.organizationExists"
    case metSocialOrganizationTypes = "met.socialOrganizationTypes"
    case metStationUtilities = "met.stationUtilities"
    case metRequiredFacilities = "met.requiredFacilities"
    case metInfrastructureWorks = "met.infrastructureWorks"
    case metInfrastructureUpkeep = "met.infrastructureUpkeep"
    case metServiceFields = "met.serviceFields"
    case metVolunteerTargetGroups = "met.volunteerTargetGroups"

    /// How many arguments the text takes: one more than its highest placeholder in Chinese
    /// (the tests check that English has the same placeholders).
    var arity: Int { Words.placeholders(in: Words.zh.file[rawValue] ?? "").max().map { $0 + 1 } ?? 0 }

    /// The case's position in `allCases`, read from its storage like `Vocabulary.ordinal`
    /// (a test checks the two agree).
    var ordinal: Int { withUnsafeBytes(of: self) { Int($0.load(as: UInt8.self)) } }
}

/// The text of `key` in the current language, its placeholders filled with `arguments`.
func say(_ key: Word, _ arguments: String...) -> String {
    assert(arguments.count == key.arity, "\(key.rawValue) takes \(key.arity) arguments, not \(arguments.count)")
    let template = Words.text(key)
    return arguments.isEmpty ? template : Words.fill(template, arguments)
}

/// The word catalogue, read once from the resource bundle.
enum Words {
    /// One language's texts: the file as it is, and for the engine's hot paths, the `Word`
    /// texts in case order and each vocabulary's labels in declaration order, so a label
    /// is found by comparing a type's identity and indexing by `ordinal`, hashing nothing.
    final class Table: Sendable {
        let file: [String: String]
        let words: [String]
        let types: [ObjectIdentifier]
        let labels: [[String]]

        init(file: [String: String], fallback: Table?) {
            self.file = file
            words = Word.allCases.map { file[$0.rawValue] ?? fallback?.file[$0.rawValue] ?? $0.rawValue }
            types = allVocabularies.map { ObjectIdentifier($0) }
            labels = allVocabularies.map { Self.labels(of: $0, file, fallback) }
        }

        private static func labels<V: Vocabulary>(of type: V.Type, _ file: [String: String], _ fallback: Table?) -> [String] {
            V.allCases.map { word in
                let key = Words.key(word)
                return file[key] ?? fallback?.file[key] ?? word.rawValue
            }
        }
    }

    static let zh = load(.zh, fallback: nil)
    /// English falls back to the Chinese for a text it lacks (the tests allow none).
    static let en = load(.en, fallback: zh)

    /// The catalogue file of `language` as it is, key by key.
    static func file(_ language: Language) throws -> [String: String] {
        guard let url = Bundle.module.url(forResource: "words.\(language.rawValue)", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "words.\(language.rawValue).json"])
        }
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    /// The files ship inside the library's resource bundle, so one that cannot be read is
    /// a broken build: it stops at the first text, with the file's name.
    private static func load(_ language: Language, fallback: Table?) -> Table {
        do {
            return Table(file: try file(language), fallback: fallback)
        } catch {
            fatalError("the word catalogue words.\(language.rawValue).json cannot be read: \(error)")
        }
    }

    private static var current: Table { Language.current == .en ? en : zh }

    /// A vocabulary word's key in the catalogue files: "MeetingKind.representativeMeeting".
    static func key<V: Vocabulary>(_ word: V) -> String { "\(V.self).\(word.rawValue)" }

    static func text(_ word: Word) -> String {
        let words = current.words
        return words.indices.contains(word.ordinal) ? words[word.ordinal] : word.rawValue
    }

    static func label<V: Vocabulary>(_ word: V) -> String {
        let table = current
        if let index = table.types.firstIndex(of: ObjectIdentifier(V.self)), table.labels[index].indices.contains(word.ordinal) {
            return table.labels[index][word.ordinal]
        }
        // A vocabulary missing from `allVocabularies` (a test fails on one).
        let key = key(word)
        return table.file[key] ?? zh.file[key] ?? word.rawValue
    }

    /// `template` with {0}, {1}… replaced by `arguments`, in one pass (an argument that
    /// itself contains "{1}" is left as it is).
    static func fill(_ template: String, _ arguments: [String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]), arguments.indices.contains(index) {
                out += arguments[index]
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        return out + rest
    }

    /// The placeholder numbers of `template`, each once: [0, 1] for "第{0}行的“{1}”".
    static func placeholders(in template: String) -> Set<Int> {
        var found = Set<Int>()
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            if let index = Int(rest[afterOpen..<close]) { found.insert(index) }
            rest = rest[afterOpen...]
        }
        return found
    }
}
