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
    /// A township's or district's duty measured from the village's records.
    case otherLevelMeasured = "otherLevel.measured"

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
    case metInfrastructureUpkeep = "met.infrastructureUpkeep"
    case metServiceFields = "met.serviceFields"

    // Joining a rule's findings in running text (lists use `listSeparator`).
    case semicolon = "separator.semicolon"

    // The engine's explanations (`RuleContext`), by rule.
    case yearNotEnded = "year.notEnded"
    case missingList = "missing.list"

    // What would meet a check (`RemedyStep`).
    case remedyMore = "remedy.more"
    case remedyMoreOf = "remedy.moreOf"
    case remedyMissing = "remedy.missing"
    case remedyStaff = "remedy.staff"
    case remedyArea = "remedy.area"
    case remedyHours = "remedy.hours"
    case remedyTrain = "remedy.train"
    case remedyTrainingHours = "remedy.trainingHours"
    case remedyPastPeriod = "remedy.pastPeriod"
    case remedyRunningPeriod = "remedy.runningPeriod"
    case organizationMissing = "organization.missing"

    // Period names: 第一季度 (Q1), 上半年 (the first half), 全年 (the year).
    case periodNameQuarter1 = "periodName.quarter1"
    case periodNameQuarter2 = "periodName.quarter2"
    case periodNameQuarter3 = "periodName.quarter3"
    case periodNameQuarter4 = "periodName.quarter4"
    case periodNameHalfYear1 = "periodName.halfYear1"
    case periodNameHalfYear2 = "periodName.halfYear2"
    case periodNameYear = "periodName.year"

    // "At least N per period" (`periodic`). Chinese repeats the verb and the subject in each period's
    // finding, English names the subject once before the list and needs no verb, so these texts
    // leave out different placeholders in the two languages (WordsCatalogueTests lists them).
    case periodicVerbConvene = "periodic.verbConvene"
    case periodicVerbCarryOut = "periodic.verbCarryOut"
    case periodicVolunteerActivities = "periodic.volunteerActivities"
    case periodicRequirement = "periodic.requirement"
    case periodicFailure = "periodic.failure"
    case periodicNotMet = "periodic.notMet"
    case periodicRunning = "periodic.running"
    case periodicRunningMet = "periodic.runningMet"
    case periodicNotYet = "periodic.notYet"
    case periodicNotYetYear = "periodic.notYetYear"
    case periodicMetYear = "periodic.metYear"
    case periodicMetOne = "periodic.metOne"
    case periodicMetMany = "periodic.metMany"

    // Quarterly disclosures.
    case disclosuresFailure = "disclosures.failure"
    case disclosuresAllEnded = "disclosures.allEnded"
    case disclosuresNotYet = "disclosures.notYet"
    case disclosuresMajorLate = "disclosures.majorLate"
    case disclosuresMonthFailure = "disclosures.monthFailure"
    case disclosuresMonthsEnded = "disclosures.monthsEnded"

    // The deliberation body.
    case deliberationNone = "deliberation.none"
    case deliberationFewUnits = "deliberation.fewUnits"
    case deliberationFewOrganizations = "deliberation.fewOrganizations"
    case deliberationSummary = "deliberation.summary"
    case deliberationTooFew = "deliberation.tooFew"

    // Payments disclosed.
    case disbursementsExample = "disbursements.example"
    case disbursementsNoneDue = "disbursements.noneDue"
    case disbursementsSummary = "disbursements.summary"
    case disbursementsNotDisclosed = "disbursements.notDisclosed"

    // Channels for opinions.
    case opinionRooms = "opinion.rooms"
    case opinionForums = "opinion.forums"
    case opinionSeparator = "opinion.separator"
    case opinionOptions = "opinion.options"
    case opinionNone = "opinion.none"

    // Volunteers.
    case volunteersActive = "volunteers.active"
    case volunteersNone = "volunteers.none"
    case volunteersShare = "volunteers.share"
    case volunteersRegistered96156 = "volunteers.registered96156"
    case volunteersTrained = "volunteers.trained"
    case volunteersTeams = "volunteers.teams"
    case volunteersFiveElders = "volunteers.fiveElders"
    case volunteersCategories = "volunteers.categories"
    case volunteersCategoriesListed = "volunteers.categoriesListed"
    case volunteersCategoriesNotYet = "volunteers.categoriesNotYet"
    case volunteersGroupsNotYet = "volunteers.groupsNotYet"
    case volunteersGroupsServed = "volunteers.groupsServed"
    case volunteersGroupsNone = "volunteers.groupsNone"
    case servicePointsSome = "servicePoints.some"
    case servicePointsNone = "servicePoints.none"

    // Community social organizations.
    case organizationsRegistered = "organizations.registered"
    case organizationsNotCounted = "organizations.notCounted"
    case massOrganizationsShown = "massOrganizations.shown"
    case massOrganizationActivities = "massOrganizations.activities"
    case massOrganizationByEvidence = "massOrganizations.byEvidence"
    case massOrganizationsSilent = "massOrganizations.silent"
    case organizationActivitiesHeld = "organizationActivities.held"
    /// An evidenced check met by the village's records while no reviewer has decided.
    case evidenceByRecords = "evidence.byRecords"
    case organizationsNoneDue = "organizations.noneDue"
    case organizationsEvaluated = "organizations.evaluated"
    case organizationsNotEvaluated = "organizations.notEvaluated"

    // Resident units.
    case agreementsSummary = "agreements.summary"
    case contributionsKind = "contributions.kind"
    case contributionsSummary = "contributions.summary"
    case contributionsSummaryListed = "contributions.summaryListed"

    // Facilities and infrastructure.
    case facilitiesOutOfUse = "facilities.outOfUse"
    case facilitiesNoneRecorded = "facilities.noneRecorded"
    case facilitiesCondition = "facilities.condition"
    case facilitiesNotInspected = "facilities.notInspected"
    case facilitiesVenues = "facilities.venues"
    case facilitiesVenuesInOrder = "facilities.venuesInOrder"
    case maintenanceNoneRecorded = "maintenance.noneRecorded"
    case maintenanceNoPlan = "maintenance.noPlan"
    case maintenanceOverdue = "maintenance.overdue"
    case maintenanceOverdueFacility = "maintenance.overdueFacility"
    case maintenanceOverdueFacilityLast = "maintenance.overdueFacilityLast"
    case maintenanceSummary = "maintenance.summary"
    case maintenanceAllPlanned = "maintenance.allPlanned"
    case infrastructureStatus = "infrastructure.status"
    case infrastructureImplemented = "infrastructure.implemented"
    case infrastructureNoneImplemented = "infrastructure.noneImplemented"
    case infrastructurePlanned = "infrastructure.planned"
    case infrastructureNoUpkeep = "infrastructure.noUpkeep"

    // The service station.
    case stationFloorArea = "station.floorArea"
    case stationOpeningHours = "station.openingHours"
    case stationLinked = "station.linked"
    case stationNotLinked = "station.notLinked"
    case hotlineOpen = "hotline.open"
    case hotlineNone = "hotline.none"
    case channelsNone = "channels.none"
    case channelsSome = "channels.some"
    case artTeams = "artTeams.count"

    // Funds.
    case fundsBudgeted = "funds.budgeted"
    case fundsNoneListed = "funds.noneListed"
    case fundsNoneDue = "funds.noneDue"
    case fundsLate = "funds.late"
    case fundsShort = "funds.short"
    case fundsProblem = "funds.problem"
    case fundsDisbursed = "funds.disbursed"

    /// A local reading: a list closed by 等 read as examples, at least N of them.
    /// A number the standard does not give, as read here (a setting).
    case readingLocal = "reading.local"

    // Complaints, posts, the ledger and service requests.
    case complaintsNoneDue = "complaints.noneDue"
    case complaintsSummary = "complaints.summary"
    case complaintsLate = "complaints.late"
    case postsFewStanding = "posts.fewStanding"
    case postsUnmapped = "posts.unmapped"
    case postsSummary = "posts.summary"
    case postsAllMapped = "posts.allMapped"
    case postsNone = "posts.none"
    case postsCount = "posts.count"
    case postsBackedUp = "posts.backedUp"
    case postsNotBackedUp = "posts.notBackedUp"
    case ledgerEmpty = "ledger.empty"
    case ledgerNoOwner = "ledger.noOwner"
    case ledgerIncomplete = "ledger.incomplete"
    case ledgerAltered = "ledger.altered"
    case ledgerSummary = "ledger.summary"
    case ledgerComplete = "ledger.complete"
    case requestsNoneDue = "requests.noneDue"
    case requestsOnTime = "requests.onTime"
    case servicesLacking = "services.lacking"
    case servicesNone = "services.none"
    case servicesCount = "services.count"
    case servicesAllGuides = "services.allGuides"
    case servicesMissingGuides = "services.missingGuides"

    // Workers.
    case workersNone = "workers.none"
    case workersInRole = "workers.inRole"
    case staffBasis = "staff.basis"
    case staffSummary = "staff.summary"
    case staffDoubleCounted = "staff.doubleCounted"
    case graduatesRange = "graduates.range"
    case graduatesAlways = "graduates.always"
    case graduatesFell = "graduates.fell"
    case assistantsNone = "assistants.none"
    case assistantsSummary = "assistants.summary"
    case assistantsNotManaged = "assistants.notManaged"
    case workersNoneDue = "workers.noneDue"
    case workersEvaluated = "workers.evaluated"
    case workersNotEvaluated = "workers.notEvaluated"
    case workersInPost = "workers.inPost"
    case workersPaid = "workers.paid"
    case workersUnpaid = "workers.unpaid"
    case workersTrained = "workers.trained"
    case workersUntrained = "workers.untrained"
    case workersAverageTraining = "workers.averageTraining"
    case workersSocial = "workers.social"

    /// How many arguments the text takes: one more than its highest placeholder in either
    /// language (the tests check that both use the same ones, but for the texts they list).
    var arity: Int {
        let used = Words.placeholders(in: Words.zh.file[rawValue] ?? "").union(Words.placeholders(in: Words.en.file[rawValue] ?? ""))
        return used.max().map { $0 + 1 } ?? 0
    }

    /// The case's position in `allCases`, read from its storage like `Vocabulary.ordinal`
    /// (a test checks the two agree).
    var ordinal: Int { withUnsafeBytes(of: self) { Int($0.load(as: UInt8.self)) } }
}

/// The text of `key` in the current language, its placeholders filled with `arguments`.
/// (The rule engine resolves the language once per evaluation and says its explanations
/// through that table, `Words.Table.say`.)
func say(_ key: Word, _ arguments: String...) -> String {
    Words.current.say(key, arguments)
}

/// The word catalogue, read once from the resource bundle.
public enum Words {
    /// One language's texts: the file as it is, and for the engine's hot paths, the `Word`
    /// texts in case order, already cut at their placeholders, and each vocabulary's labels in
    /// declaration order, so a text or label is found by indexing by `ordinal` (and comparing
    /// a type's identity), hashing nothing.
    final class Table: Sendable {
        let file: [String: String]
        let words: [String]
        let templates: [Template]
        let types: [ObjectIdentifier]
        let labels: [[String]]

        init(file: [String: String], fallback: Table?) {
            self.file = file
            words = Word.allCases.map { file[$0.rawValue] ?? fallback?.file[$0.rawValue] ?? $0.rawValue }
            templates = words.map(Template.init)
            types = allVocabularies.map { ObjectIdentifier($0) }
            labels = allVocabularies.map { Self.labels(of: $0, file, fallback) }
        }

        /// The text of `word`, its placeholders filled with `arguments` (a placeholder
        /// without an argument stays as it is). Asserts the count is the text's arity.
        func say(_ word: Word, _ arguments: [String]) -> String {
            template(word, arity: arguments.count)?.fill(arguments) ?? word.rawValue
        }

        // The same for up to seven arguments without an array (the engine's hot path).
        @inline(__always) func say(_ word: Word) -> String {
            template(word, arity: 0)?.fill(count: 0) { _ in "" } ?? word.rawValue
        }

        @inline(__always) func say(_ word: Word, _ a: String) -> String {
            template(word, arity: 1)?.fill(count: 1) { _ in a } ?? word.rawValue
        }

        @inline(__always) func say(_ word: Word, _ a: String, _ b: String) -> String {
            template(word, arity: 2)?.fill(count: 2) { $0 == 0 ? a : b } ?? word.rawValue
        }

        @inline(__always) func say(_ word: Word, _ a: String, _ b: String, _ c: String) -> String {
            template(word, arity: 3)?.fill(count: 3) { $0 == 0 ? a : $0 == 1 ? b : c } ?? word.rawValue
        }

        /// Four to seven arguments (the periodic texts), still without an array.
        @inline(__always) func say(_ word: Word, _ a: String, _ b: String, _ c: String, _ d: String,
                                   _ e: String? = nil, _ f: String? = nil, _ g: String? = nil) -> String {
            let count = g != nil ? 7 : f != nil ? 6 : e != nil ? 5 : 4
            return template(word, arity: count)?.fill(count: count) { index in
                switch index {
                case 0: a
                case 1: b
                case 2: c
                case 3: d
                case 4: e ?? ""
                case 5: f ?? ""
                default: g ?? ""
                }
            } ?? word.rawValue
        }

        @inline(__always) private func template(_ word: Word, arity: Int) -> Template? {
            assert(arity == word.arity, "\(word.rawValue) takes \(word.arity) arguments, not \(arity)")
            let ordinal = word.ordinal
            return templates.indices.contains(ordinal) ? templates[ordinal] : nil
        }

        /// `word`'s label in this language.
        func label<V: Vocabulary>(_ word: V) -> String {
            if let index = types.firstIndex(of: ObjectIdentifier(V.self)), labels[index].indices.contains(word.ordinal) {
                return labels[index][word.ordinal]
            }
            // A vocabulary missing from `allVocabularies` (a test fails on one).
            let key = Words.key(word)
            return file[key] ?? Words.zh.file[key] ?? word.rawValue
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

    /// The table of the current language (read once per evaluation by the engine).
    static var current: Table { Language.current == .en ? en : zh }

    /// A vocabulary word's key in the catalogue files: "MeetingKind.representativeMeeting".
    static func key<V: Vocabulary>(_ word: V) -> String { "\(V.self).\(word.rawValue)" }

    static func label<V: Vocabulary>(_ word: V) -> String { current.label(word) }

    /// `template` with {0}, {1}… replaced by `arguments`, in one pass (an argument that
    /// itself contains "{1}" is left as it is, and so is a placeholder without an argument).
    /// The application's message catalogue fills its texts with this too.
    /// Fills {0}, {1}… with `arguments`; {N|one|other} picks the singular or plural form by
    /// whether argument N is "1" (English texts: "{0} {0|notice|notices}").
    public static func fill(_ template: String, _ arguments: [String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]), arguments.indices.contains(index) {
                out += arguments[index]
                rest = rest[rest.index(after: close)...]
            } else if let close = rest[afterOpen...].firstIndex(of: "}"), case let parts = rest[afterOpen..<close].split(separator: "|", omittingEmptySubsequences: false),
                      parts.count == 3, let index = Int(parts[0]), arguments.indices.contains(index) {
                // English plurals: {0|notice|notices} is the first form when argument 0 is 1.
                out += arguments[index] == "1" ? parts[1] : parts[2]
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

/// A text cut at its placeholders once, when the catalogue loads: "第{0}行" is the text "第",
/// argument 0, the text "行". Filling it appends those pieces and the arguments to one string
/// reserved at its final size (what Swift's own string interpolation does, and no more: the
/// pieces are already valid strings, so nothing is validated or decoded again).
final class Template: Sendable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case argument(Int)
    }

    let text: String
    let pieces: [Piece]
    /// The UTF-8 length of the text without its placeholders.
    let fixedLength: Int
    /// The text itself when it has no placeholders (saying it copies nothing).
    let constant: String?

    init(_ text: String) {
        self.text = text
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var stretchStart = 0, cursor = 0
        func stretch(_ range: Range<Int>) -> Piece { .text(String(decoding: bytes[range], as: UTF8.self)) }
        while let open = bytes[cursor...].firstIndex(of: UInt8(ascii: "{")) {
            let afterOpen = open + 1
            if let close = bytes[afterOpen...].firstIndex(of: UInt8(ascii: "}")),
               let index = Int(String(decoding: bytes[afterOpen..<close], as: UTF8.self)), index >= 0 {
                if stretchStart < open { pieces.append(stretch(stretchStart..<open)) }
                pieces.append(.argument(index))
                stretchStart = close + 1
                cursor = stretchStart
            } else {
                cursor = afterOpen
            }
        }
        if stretchStart < bytes.count || pieces.isEmpty { pieces.append(stretch(stretchStart..<bytes.count)) }
        self.pieces = pieces
        fixedLength = pieces.reduce(0) { total, piece in
            if case let .text(stretch) = piece { return total + stretch.utf8.count }
            return total
        }
        constant = pieces.contains { if case .argument = $0 { return true } else { return false } } ? nil : text
    }

    func fill(_ arguments: [String]) -> String {
        fill(count: arguments.count) { arguments[$0] }
    }

    /// The text with argument `i` (for `i < count`) in place of {i}; a placeholder without
    /// an argument stays as it is.
    @inline(__always) func fill(count: Int, _ argument: (Int) -> String) -> String {
        if let constant { return constant }
        var length = fixedLength
        for piece in pieces {
            if case let .argument(index) = piece { length += index < count ? argument(index).utf8.count : 4 }
        }
        var result = ""
        result.reserveCapacity(length)
        pieces.withUnsafeBufferPointer { pieces in
            for i in pieces.indices {
                switch pieces[i] {
                case let .text(stretch): result.append(stretch)
                case let .argument(index): result.append(index < count ? argument(index) : "{\(index)}")
                }
            }
        }
        return result
    }
}
