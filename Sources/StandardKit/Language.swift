/// The language texts are produced in: Simplified Chinese first, English second. The
/// web application binds it per request; everything else (the CLI, the benchmark)
/// runs in Chinese. Vocabulary labels and the engine's other fixed texts come from the
/// word catalogue in this language (`Words.swift`); the rule engine's explanations
/// (`RuleContext`) are still written as zh/en pairs where they are built.
public enum Language: String, CaseIterable, Sendable {
    case zh
    case en

    @TaskLocal public static var current: Language = .zh
}

/// A text kept in both languages (the catalogue's titles, texts made once per catalogue).
public struct Bilingual: Sendable, Hashable {
    public let zh: String
    public let en: String

    /// `en` falls back to the Chinese where a catalogue file has no English.
    public init(zh: String, en: String?) {
        self.zh = zh
        self.en = en ?? zh
    }

    /// The text `make` builds in each language.
    public init(_ make: () -> String) {
        zh = Language.$current.withValue(.zh, operation: make)
        en = Language.$current.withValue(.en, operation: make)
    }

    /// The text in the current language.
    public var text: String { Language.current == .en ? en : zh }
    @inlinable public func text(english: Bool) -> String { english ? en : zh }
}
