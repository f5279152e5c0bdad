/// The language texts are produced in: Simplified Chinese first, English second. The
/// web application binds it per request; everything else (the CLI, the benchmark)
/// runs in Chinese. Engine explanations and vocabulary labels are written as zh/en
/// pairs at their one place of use (`say`), so a missing translation does not compile.
public enum Language: String, CaseIterable, Sendable {
    case zh
    case en

    @TaskLocal public static var current: Language = .zh
}

/// The text for the current language; only the chosen one is built.
@inlinable
public func say(_ zh: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String {
    Language.current == .en ? en() : zh()
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
    public var text: String { say(zh, en) }
    @inlinable public func text(english: Bool) -> String { english ? en : zh }
}
