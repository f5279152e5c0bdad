import Fluent
import StandardKit
import Vapor

/// One choice of a choice field: the stored word and its label in each language.
struct Choice: Sendable {
    var value: String
    let text: Bilingual
    var label: String { text.text }

    /// `label` is built in each language once (kinds are static and shared, so nothing
    /// may be fixed in the language of whichever request touched them first).
    init(value: String, label: @autoclosure () -> String) {
        self.value = value
        self.text = Bilingual { Terms.translate(label()) }
    }

    /// The choices of a StandardKit vocabulary, with its labels.
    static func from<V: Vocabulary>(_: V.Type, except excluded: Set<String> = []) -> [Choice] {
        V.allCases.filter { !excluded.contains($0.rawValue) }.map { Choice(value: $0.rawValue, label: $0.label) }
    }
}

/// Personal data that is masked unless the viewer's role may see it (and then audited).
enum PersonalKind: Sendable {
    case idCard, phone

    func mask(_ value: String) -> String {
        let characters = Array(value)
        switch self {
        case .idCard:
            guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        case .phone:
            guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 7) + String(characters.suffix(4))
        }
    }
}

/// The type of one field of a record kind: how it is stored, shown, typed and checked.
enum FieldType: Sendable {
    case text(max: Int)
    case longText
    case date
    case integer(ClosedRange<Int>)
    /// A number with two decimals (hours), stored exactly in hundredths.
    case hundredths(max: Int)
    /// Yuan with two decimals, stored exactly in fen.
    case money
    case flag
    case choice([Choice])
    /// Several choices, stored comma-separated.
    case choices([Choice])
    /// Another record of the same village (by id).
    case reference(String)
    /// Several records of the same village (ids, stored comma-separated).
    case references(String)
    case personal(PersonalKind)
}

/// What a kind's own check sees: the owning unit, the record being changed (nil when
/// new) and the database. It adds field errors to `parsed`.
struct RecordCheckContext {
    var kind: RecordKind
    var owner: OrgUnit
    var recordID: UUID?
    /// Today in Beijing, from the application's clock.
    var today: LocalDate
    var db: any Database
}

typealias RecordCheck = @Sendable (inout RecordInput.Parsed, RecordCheckContext) async throws -> Void

struct FieldSpec: Sendable {
    let key: String
    /// The database column: the key in snake_case, worked out once (rows are decoded by it,
    /// and converting per row was a tenth of an intake's time).
    let column: String
    /// The label in each language (written in Chinese, English from `Terms`).
    let text: Bilingual
    var label: String { text.text }
    var type: FieldType
    var required: Bool
    /// Shown as a column in the list.
    var listed: Bool

    /// A field's column is made by a migration that writes it out (`Migrations/NNN`); adding
    /// a field means adding that migration too (docs/architecture.md).
    init(key: String, label: @autoclosure () -> String, type: FieldType, required: Bool = false, listed: Bool = false) {
        self.key = key
        self.column = key.reduce(into: "") { out, character in
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        self.text = Bilingual { Terms.translate(label()) }
        self.type = type
        self.required = required
        self.listed = listed
    }
}

/// A kind of village record: its table, labels and fields. Pages, the JSON API, its
/// OpenAPI schema, exports and the facts for the engine all come from this one description.
struct RecordKind: Sendable {
    var key: String
    var table: String
    /// The kind's name and the items of the standard it serves, in each language.
    let labelText: Bilingual
    let itemsText: Bilingual
    var label: String { labelText.text }
    var items: String { itemsText.text }
    var fields: [FieldSpec]
    /// The field holding the record's date, used for the year filter and sorting.
    var dateField: String?
    /// The field that names a record in lists and references.
    var titleField: String
    /// The unit level whose records these are (most kinds belong to a village).
    var level: UnitKind
    /// What changing these records needs.
    var editPermission: Permission
    /// Checks across fields or records that the field types cannot express.
    var check: RecordCheck?

    init(key: String, table: String, label: @autoclosure () -> String, items: String, fields: [FieldSpec], dateField: String?, titleField: String,
         level: UnitKind = .village, editPermission: Permission = .editRecords, check: RecordCheck? = nil) {
        self.key = key
        self.table = table
        self.labelText = Bilingual { Terms.translate(label()) }
        self.itemsText = Bilingual { Terms.translate(items) }
        self.fields = fields
        self.dateField = dateField
        self.titleField = titleField
        self.level = level
        self.editPermission = editPermission
        self.check = check
    }

    func field(_ key: String) -> FieldSpec? { fields.first { $0.key == key } }
    var hasPersonalData: Bool { fields.contains { if case .personal = $0.type { return true }; return false } }
}

extension RecordKind {
    static let organizations = RecordKind(
        key: "organizations", table: "rec_organizations", label: "村级组织", items: "第1–4、8、53条",
        fields: [
            FieldSpec(key: "kind", label: "组织类别", type: .choice(Choice.from(OrganizationKind.self) + [Choice(value: "deliberationBody", label: "议事协商机构")]),
                      required: true, listed: true),
            FieldSpec(key: "name", label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "establishedOn", label: "成立日期", type: .date, listed: true),
            FieldSpec(key: "termStart", label: "本届任期开始", type: .date),
            FieldSpec(key: "termEnd", label: "本届任期结束", type: .date),
            FieldSpec(key: "members", label: "成员（每行一人）", type: .longText),
            FieldSpec(key: "branches", label: "下设支部数", type: .integer(0...100)),
            FieldSpec(key: "memberResidentUnits", label: "参加的驻区单位（议事协商机构）", type: .references("residentUnits")),
            FieldSpec(key: "memberSocialOrganizations", label: "参加的社区社会组织（议事协商机构）", type: .references("socialOrganizations")),
            FieldSpec(key: "note", label: "备注", type: .longText),
        ], dateField: "establishedOn", titleField: "name")

    static let meetings = RecordKind(
        key: "meetings", table: "rec_meetings", label: "会议", items: "第5、7、9、53条",
        fields: [
            FieldSpec(key: "kind", label: "会议类型", type: .choice(Choice.from(MeetingKind.self)), required: true, listed: true),
            FieldSpec(key: "date", label: "召开日期", type: .date, required: true, listed: true),
            FieldSpec(key: "title", label: "会议名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "attendance", label: "出席人数", type: .integer(0...100_000), listed: true),
            FieldSpec(key: "attendees", label: "出席人员（每行一人）", type: .longText),
            FieldSpec(key: "agenda", label: "议程", type: .longText),
            FieldSpec(key: "majorDecisions", label: "重大事项决定（每行一项）", type: .longText),
            FieldSpec(key: "decisions", label: "其他决定（每行一项）", type: .longText),
            FieldSpec(key: "minutes", label: "会议纪要", type: .longText),
        ], dateField: "date", titleField: "title")

    static let disclosures = RecordKind(
        key: "disclosures", table: "rec_disclosures", label: "村务公开", items: "第5、8条",
        fields: [
            FieldSpec(key: "category", label: "公开类别", type: .choice(Choice.from(DisclosureCategory.self)), required: true, listed: true),
            FieldSpec(key: "title", label: "标题", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "periodFrom", label: "所属期间（起）", type: .date),
            FieldSpec(key: "periodTo", label: "所属期间（止）", type: .date),
            FieldSpec(key: "publishedOn", label: "公开日期", type: .date, required: true, listed: true),
            FieldSpec(key: "channel", label: "公开方式", type: .choice([Choice(value: "board", label: "公开栏"), Choice(value: "online", label: "网上公开"),
                                                                     Choice(value: "meeting", label: "会议公开")]), required: true, listed: true),
            FieldSpec(key: "content", label: "公开内容", type: .longText, required: true),
        ], dateField: "publishedOn", titleField: "title")

    static let socialOrganizations = RecordKind(
        key: "socialOrganizations", table: "rec_social_organizations", label: "社区社会组织", items: "第11–14条",
        fields: [
            FieldSpec(key: "name", label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "type", label: "类型", type: .choice(Choice.from(SocialOrganizationType.self)), required: true, listed: true),
            FieldSpec(key: "status", label: "登记备案状态", type: .choice(Choice.from(RegistrationStatus.self)), required: true, listed: true),
            FieldSpec(key: "registrationNumber", label: "登记或备案号", type: .text(max: 50)),
            FieldSpec(key: "registeredOn", label: "登记或备案日期", type: .date),
            FieldSpec(key: "dissolvedOn", label: "注销日期", type: .date),
            FieldSpec(key: "contactName", label: "联系人", type: .text(max: 50)),
            FieldSpec(key: "contactPhone", label: "联系电话", type: .personal(.phone)),
            FieldSpec(key: "members", label: "成员人数", type: .integer(0...100_000), listed: true),
            FieldSpec(key: "rating", label: "年度评价等次", type: .choice([Choice(value: "excellent", label: "优秀"), Choice(value: "good", label: "良好"),
                                                                       Choice(value: "fair", label: "合格"), Choice(value: "poor", label: "不合格")])),
            FieldSpec(key: "evaluatedOn", label: "评价日期", type: .date),
            FieldSpec(key: "reviewer", label: "评价单位或人员", type: .text(max: 50)),
            FieldSpec(key: "activities", label: "开展的活动", type: .longText),
        ], dateField: "registeredOn", titleField: "name")

    static let residentUnits = RecordKind(
        key: "residentUnits", table: "rec_resident_units", label: "驻区单位", items: "第15–16条",
        fields: [
            FieldSpec(key: "name", label: "单位名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "unitType", label: "单位类型", type: .choice([
                Choice(value: "agency", label: "机关"), Choice(value: "institution", label: "事业单位"), Choice(value: "enterprise", label: "企业"),
                Choice(value: "school", label: "学校"), Choice(value: "hospital", label: "医疗机构"), Choice(value: "military", label: "部队"),
                Choice(value: "other", label: "其他"),
            ]), required: true, listed: true),
            FieldSpec(key: "agreements", label: "协议", type: .choices(Choice.from(AgreementKind.self)), listed: true),
            FieldSpec(key: "agreementFrom", label: "协议生效日期", type: .date),
            FieldSpec(key: "agreementTo", label: "协议终止日期", type: .date),
            FieldSpec(key: "contact", label: "联系人", type: .text(max: 50)),
        ], dateField: "agreementFrom", titleField: "name")

    static let contributions = RecordKind(
        key: "contributions", table: "rec_contributions", label: "驻区单位投入", items: "第16条",
        fields: [
            FieldSpec(key: "residentUnit", label: "驻区单位", type: .reference("residentUnits"), required: true, listed: true),
            FieldSpec(key: "date", label: "日期", type: .date, required: true, listed: true),
            FieldSpec(key: "kind", label: "投入方式", type: .choice(Choice.from(ContributionKind.self)), required: true, listed: true),
            FieldSpec(key: "amount", label: "资金金额（元）", type: .money, listed: true),
            FieldSpec(key: "hours", label: "志愿服务时长（小时）", type: .hundredths(max: 1_000_000)),
            FieldSpec(key: "description", label: "内容", type: .longText),
        ], dateField: "date", titleField: "description")

    static let volunteerTeams = RecordKind(
        key: "volunteerTeams", table: "rec_volunteer_teams", label: "志愿者队伍", items: "第33条",
        fields: [
            FieldSpec(key: "name", label: "队伍名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "brand", label: "服务品牌", type: .text(max: 100), listed: true),
            FieldSpec(key: "leader", label: "负责人", type: .text(max: 50), listed: true),
            FieldSpec(key: "foundedOn", label: "成立日期", type: .date),
        ], dateField: "foundedOn", titleField: "name")

    static let volunteers = RecordKind(
        key: "volunteers", table: "rec_volunteers", label: "志愿者", items: "第10、34–35条",
        fields: [
            FieldSpec(key: "name", label: "姓名", type: .text(max: 50), required: true, listed: true),
            FieldSpec(key: "idNumber", label: "身份证号", type: .personal(.idCard)),
            FieldSpec(key: "phone", label: "联系电话", type: .personal(.phone), listed: true),
            FieldSpec(key: "registration96156", label: "96156注册号", type: .text(max: 50), listed: true),
            FieldSpec(key: "team", label: "所属队伍", type: .reference("volunteerTeams"), listed: true),
            FieldSpec(key: "skills", label: "专长", type: .text(max: 200)),
            FieldSpec(key: "fiveElders", label: "属“五老”", type: .flag, listed: true),
            FieldSpec(key: "trained", label: "已接受培训", type: .flag),
            FieldSpec(key: "registeredOn", label: "登记日期", type: .date),
        ], dateField: "registeredOn", titleField: "name")

    static let volunteerActivities = RecordKind(
        key: "volunteerActivities", table: "rec_volunteer_activities", label: "志愿服务活动", items: "第35–36条",
        fields: [
            FieldSpec(key: "date", label: "活动日期", type: .date, required: true, listed: true),
            FieldSpec(key: "title", label: "活动名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "team", label: "组织队伍", type: .reference("volunteerTeams"), listed: true),
            FieldSpec(key: "categories", label: "服务类别", type: .choices(Choice.from(VolunteerCategory.self)), listed: true),
            FieldSpec(key: "targetGroups", label: "服务对象", type: .choices(Choice.from(TargetGroup.self))),
            FieldSpec(key: "participants", label: "参加人数", type: .integer(0...100_000)),
            FieldSpec(key: "note", label: "说明", type: .longText),
        ], dateField: "date", titleField: "title")

    static let volunteerHours = RecordKind(
        key: "volunteerHours", table: "rec_volunteer_hours", label: "志愿服务时长", items: "第10条",
        fields: [
            FieldSpec(key: "activity", label: "活动", type: .reference("volunteerActivities"), required: true, listed: true),
            FieldSpec(key: "volunteer", label: "志愿者", type: .reference("volunteers"), required: true, listed: true),
            FieldSpec(key: "hours", label: "时长（小时）", type: .hundredths(max: 100_000), required: true, listed: true),
        ], dateField: nil, titleField: "hours")

    // MARK: Part 2: workforce and training, facilities and upkeep, funds, activities

    static let workers = RecordKind(
        key: "workers", table: "rec_workers", label: "社区工作者", items: "第45–49条",
        fields: [
            FieldSpec(key: "name", label: "姓名", type: .text(max: 50), required: true, listed: true),
            FieldSpec(key: "idNumber", label: "身份证号", type: .personal(.idCard)),
            FieldSpec(key: "phone", label: "联系电话", type: .personal(.phone)),
            FieldSpec(key: "qualification", label: "社会工作资格", type: .choice(Choice.from(SocialWorkQualification.self)), listed: true),
            FieldSpec(key: "certificateNumber", label: "社会工作者证书编号", type: .text(max: 50)),
            FieldSpec(key: "certificateLevel", label: "证书等级", type: .choice([Choice(value: "assistant", label: "助理社会工作师"),
                                                                               Choice(value: "worker", label: "社会工作师"),
                                                                               Choice(value: "senior", label: "高级社会工作师")])),
            FieldSpec(key: "certifiedOn", label: "取得证书日期", type: .date),
            FieldSpec(key: "lastEvaluatedOn", label: "最近一次民主评议日期", type: .date),
            FieldSpec(key: "evaluationResult", label: "民主评议结果", type: .choice([Choice(value: "excellent", label: "优秀"), Choice(value: "competent", label: "称职"),
                                                                                 Choice(value: "basic", label: "基本称职"), Choice(value: "incompetent", label: "不称职")])),
            FieldSpec(key: "account", label: T(.fieldWorkerAccount), type: .text(max: 50), listed: true),
            FieldSpec(key: "payInPlace", label: "工资补贴、福利待遇已落实", type: .flag, listed: true),
            FieldSpec(key: "payNote", label: "待遇说明", type: .text(max: 200)),
            FieldSpec(key: "underStationManagement", label: "（协管员）已纳入服务站规范化管理", type: .flag),
        ], dateField: nil, titleField: "name",
        check: { parsed, context in try await checkWorkerAccount(&parsed, context) })

    static let workerRoles = RecordKind(
        key: "workerRoles", table: "rec_worker_roles", label: "任职经历", items: "第45–47条",
        fields: [
            FieldSpec(key: "worker", label: "社区工作者", type: .reference("workers"), required: true, listed: true),
            FieldSpec(key: "role", label: "岗位角色", type: .choice(Choice.from(WorkerRole.self)), required: true, listed: true),
            FieldSpec(key: "from", label: "起始日期", type: .date, required: true, listed: true),
            FieldSpec(key: "to", label: "终止日期（在岗则不填）", type: .date, listed: true),
        ], dateField: "from", titleField: "role")

    static let trainings = RecordKind(
        key: "trainings", table: "rec_trainings", label: "培训", items: "第42、49条",
        fields: [
            FieldSpec(key: "date", label: "培训日期", type: .date, required: true, listed: true),
            FieldSpec(key: "topic", label: "培训内容", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "hours", label: "学时", type: .hundredths(max: 1000), required: true, listed: true),
            FieldSpec(key: "organizer", label: "组织单位", type: .text(max: 100), listed: true),
            FieldSpec(key: "attendees", label: "参加人员", type: .references("workers")),
        ], dateField: "date", titleField: "topic")

    static let facilities = RecordKind(
        key: "facilities", table: "rec_facilities", label: "设施和办公设备", items: "第17–19、21–23、31、32、38、43、44条",
        fields: [
            FieldSpec(key: "type", label: "类型", type: .choice(Choice.from(FacilityType.self)), required: true, listed: true),
            FieldSpec(key: "name", label: "名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "floorArea", label: "面积（平方米）", type: .hundredths(max: 1_000_000)),
            FieldSpec(key: "condition", label: "状况", type: .choice(Choice.from(FacilityCondition.self)), required: true, listed: true),
            FieldSpec(key: "inspectedOn", label: "检查日期", type: .date, listed: true),
            FieldSpec(key: "nextMaintenanceOn", label: "计划下次维护日期", type: .date, listed: true),
            FieldSpec(key: "maintenancePerson", label: "维护责任人", type: .text(max: 50)),
            FieldSpec(key: "maintenanceFunds", label: "维护经费（元）", type: .money),
            FieldSpec(key: "note", label: "说明", type: .longText),
        ], dateField: "inspectedOn", titleField: "name")

    static let maintenanceLogs = RecordKind(
        key: "maintenanceLogs", table: "rec_maintenance_logs", label: "维护记录", items: "第23条",
        fields: [
            FieldSpec(key: "facility", label: "设施", type: .reference("facilities"), required: true, listed: true),
            FieldSpec(key: "date", label: "维护日期", type: .date, required: true, listed: true),
            FieldSpec(key: "work", label: "维护内容", type: .text(max: 200), required: true, listed: true),
            FieldSpec(key: "cost", label: "费用（元）", type: .money, listed: true),
            FieldSpec(key: "person", label: "维护人", type: .text(max: 50)),
        ], dateField: "date", titleField: "work")

    static let infrastructure = RecordKind(
        key: "infrastructure", table: "rec_infrastructure", label: "基础设施工程和管护", items: "第24条",
        fields: [
            FieldSpec(key: "kind", label: "类别", type: .choice(Choice.from(InfrastructureKind.self)), required: true, listed: true),
            FieldSpec(key: "name", label: "工程或设施名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "status", label: "状态", type: .choice(Choice.from(WorksStatus.self)), required: true, listed: true),
            FieldSpec(key: "completedOn", label: "完成日期", type: .date),
            FieldSpec(key: "upkeepArranged", label: "已落实长效管护", type: .flag, listed: true),
            FieldSpec(key: "upkeepArrangement", label: "管护安排（责任人、经费）", type: .longText),
        ], dateField: "completedOn", titleField: "name")

    static let budgetLines = RecordKind(
        key: "budgetLines", table: "rec_budget_lines", label: "经费预算", items: "第20、57–59条",
        fields: [
            FieldSpec(key: "kind", label: "经费类别", type: .choice(Choice.from(FundKind.self)), required: true, listed: true),
            FieldSpec(key: "title", label: "项目", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "planned", label: "计划金额（元）", type: .money, required: true, listed: true),
            FieldSpec(key: "plannedOn", label: "计划拨付日期", type: .date, required: true, listed: true),
        ], dateField: "plannedOn", titleField: "title")

    static let disbursements = RecordKind(
        key: "disbursements", table: "rec_disbursements", label: "经费拨付", items: "第8、20、58条",
        fields: [
            FieldSpec(key: "budgetLine", label: "预算项目", type: .reference("budgetLines"), required: true, listed: true),
            FieldSpec(key: "amount", label: "拨付金额（元）", type: .money, required: true, listed: true),
            FieldSpec(key: "date", label: "拨付日期", type: .date, required: true, listed: true),
            FieldSpec(key: "disclosure", label: "公开该笔拨付的村务公开", type: .reference("disclosures"), listed: true),
        ], dateField: "date", titleField: "date")

    static let activities = RecordKind(
        key: "activities", table: "rec_activities", label: "文化体育和宣传教育活动", items: "第31、35、40–44、61、62条",
        fields: [
            FieldSpec(key: "kind", label: "活动类别", type: .choice(Choice.from(ActivityKind.self)), required: true, listed: true),
            FieldSpec(key: "date", label: "活动日期", type: .date, required: true, listed: true),
            FieldSpec(key: "title", label: "活动名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "organizer", label: "组织者", type: .text(max: 100)),
            FieldSpec(key: "participants", label: "参加人数", type: .integer(0...100_000), listed: true),
            FieldSpec(key: "note", label: "说明", type: .longText),
        ], dateField: "date", titleField: "title")

    static let artTeams = RecordKind(
        key: "artTeams", table: "rec_art_teams", label: "文艺团队", items: "第43条",
        fields: [
            FieldSpec(key: "name", label: "团队名称", type: .text(max: 100), required: true, listed: true),
            FieldSpec(key: "leader", label: "负责人", type: .text(max: 50), listed: true),
            FieldSpec(key: "members", label: "成员（每行一人）", type: .longText),
            FieldSpec(key: "foundedOn", label: "成立日期", type: .date),
        ], dateField: "foundedOn", titleField: "name")

    /// Every kind, in the order the village's records page lists them.
    /// The kinds of issues 4 and 5, whose tables the first migrations create.
    static let firstKinds: [RecordKind] = [organizations, meetings, disclosures, socialOrganizations, residentUnits, contributions,
                                           volunteerTeams, volunteers, volunteerActivities, volunteerHours,
                                           workers, workerRoles, trainings, facilities, maintenanceLogs, infrastructure,
                                           budgetLines, disbursements, activities, artTeams]
    /// The service station's catalogue, posts and absences, and the township's departments.
    static let stationKinds: [RecordKind] = [departments, posts, absences, services]
    static let all: [RecordKind] = firstKinds + stationKinds

    /// The years a record's dates may fall in: founding dates reach back, plans forward.
    static let dateYears = 1900...2100
    /// The largest amount one record may state (100 billion yuan): a village's sums of
    /// them, in fen, stay far inside `Int`.
    static let maxMoneyYuan = 100_000_000_000

    static func named(_ key: String) -> RecordKind? { all.first { $0.key == key } }
}
