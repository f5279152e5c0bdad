/// Every user-facing string, keyed by name: one catalogue per language (Simplified
/// Chinese now). Placeholders {0}, {1}… take the arguments in order.
enum L: String, CaseIterable, Sendable {
    case appName
    case auditAction
    case auditAfter
    case auditAt
    case auditBefore
    case auditCaption
    case auditFrom
    case auditObjectType
    case auditObjectTypeHint
    case auditTitle
    case auditTo
    case auditUser
    case backHome
    case breadcrumbs
    case errorBadRequest
    case errorCSRF
    case errorForbidden
    case errorInternal
    case errorNotFound
    case errorNotFoundTitle
    case errorSignInRequired
    case errorTitle
    case errorUnavailable
    case errorValidation
    case figHouseholds
    case figPopulation
    case figStaffCount
    case figStations40h
    case figStations50
    case figVillages
    case figWeeklyHours
    case filter
    case footer
    case formHasErrors
    case homeIntro
    case homeMyUnits
    case homeNoUnits
    case homeTitle
    case kindDistrict
    case kindTownship
    case kindVillage
    case loginButton
    case loginFailed
    case loginLocked
    case loginLockedUntil
    case loginPassword
    case loginSessionExpired
    case loginTitle
    case loginUsername
    case navAudit
    case navHome
    case navLabel
    case navLogin
    case navLogout
    case navUsers
    case nextPage
    case passwordContainsUsername
    case passwordTooShort
    case passwordTooSimple
    case profileAddress
    case profileArea
    case profileEditButton
    case profileHeading
    case profileHotline
    case profileHotlineFormat
    case profileHouseholds
    case profileItem18
    case profileItem28
    case profileOpeningHours
    case profileOpeningHoursHint
    case profileRegisteredPopulation
    case profileRequiredStaff
    case profileRequiredStaffValue
    case profileResidentPopulation
    case profileStationFloorArea
    case profileStationFloorAreaHint
    case profileTitle
    case roleAdmin
    case roleCommitteeMember
    case roleDistrictOfficial
    case roleOrganizationContact
    case rolePartySecretary
    case roleStationStaff
    case roleSupervisor
    case roleTownshipOfficial
    case save
    case saved
    case skipToContent
    case statusMet
    case statusNotMet
    case unitChildren
    case unitClosedBeforeOpened
    case unitClosedOn
    case unitCode
    case unitCodeHint
    case unitDuplicateCode
    case unitDuplicateName
    case unitEditButton
    case unitEditTitle
    case unitKind
    case unitName
    case unitNewChild
    case unitNewChildButton
    case unitNewDistrict
    case unitNoChildren
    case unitOpenedOn
    case unitVillageHasNoChildren
    case userActive
    case userAddRole
    case userCannotDisableSelf
    case userCannotDropOwnAdmin
    case userChooseRole
    case userDisable
    case userDisabled
    case userDisplayName
    case userDuplicate
    case userEnable
    case userLocked
    case userNeedsRole
    case userNew
    case userNewPassword
    case userNoRoles
    case userNoUnit
    case userPassword
    case userPasswordHint
    case userRemoveRole
    case userResetPassword
    case userRole
    case userRoleRequired
    case userRoles
    case userState
    case userUnit
    case userUnitLevel
    case userUnitRequired
    case userUsername
    case userUsernameFormat
    case userUsernameHint
    case usersCaption
    case usersTitle
    case validationCode
    case validationDate
    case validationInteger
    case validationNegative
    case validationNumber
    case validationRequired
    case validationTooLarge
    case validationTooLong
    case validationTooSmall
}

enum Messages {
    /// 简体中文
    static let zh: [L: String] = [
        .appName: "村务",
        .auditAction: "操作",
        .auditAfter: "修改后",
        .auditAt: "时间",
        .auditBefore: "修改前",
        .auditCaption: "共{0}条记录",
        .auditFrom: "起始日期",
        .auditObjectType: "对象类型",
        .auditObjectTypeHint: "如 unit、villageProfile、user",
        .auditTitle: "审计日志",
        .auditTo: "截止日期",
        .auditUser: "用户",
        .backHome: "返回首页",
        .breadcrumbs: "所在位置",
        .errorBadRequest: "请求格式有误，请检查后重试。",
        .errorCSRF: "页面已过期或来源不明，请刷新页面后重试。",
        .errorForbidden: "您没有权限进行此操作。",
        .errorInternal: "系统出现错误，已记录，请稍后重试。",
        .errorNotFound: "找不到您要访问的页面或数据，或您无权查看。",
        .errorNotFoundTitle: "页面不存在",
        .errorSignInRequired: "请先登录。",
        .errorTitle: "出错了",
        .errorUnavailable: "服务暂时不可用，请稍后重试。",
        .errorValidation: "有{0}处填写有误，请修改后重新提交。",
        .figHouseholds: "实有户数",
        .figPopulation: "常住人口",
        .figStaffCount: "{0}名",
        .figStations40h: "服务站每周开放满40小时",
        .figStations50: "服务站面积达50平方米",
        .figVillages: "村（社区）数",
        .figWeeklyHours: "每周开放",
        .filter: "筛选",
        .footer: "村务 · 依据《北京市农村社区建设指导标准（试行）》",
        .formHasErrors: "有{0}处需要修改：",
        .homeIntro: "{0}，您好。以下是您负责的单位。",
        .homeMyUnits: "我负责的单位",
        .homeNoUnits: "您还没有被分配到任何单位，请联系系统管理员。",
        .homeTitle: "首页",
        .kindDistrict: "区县",
        .kindTownship: "乡镇",
        .kindVillage: "村（社区）",
        .loginButton: "登录",
        .loginFailed: "用户名或密码错误。",
        .loginLocked: "登录失败次数过多，账户已暂时锁定。",
        .loginLockedUntil: "登录失败次数过多，账户已锁定，请于{0}后再试。",
        .loginPassword: "密码",
        .loginSessionExpired: "您已长时间未操作，会话已结束，请重新登录。",
        .loginTitle: "登录",
        .loginUsername: "用户名",
        .navAudit: "审计日志",
        .navHome: "首页",
        .navLabel: "主导航",
        .navLogin: "登录",
        .navLogout: "退出",
        .navUsers: "用户管理",
        .nextPage: "下一页",
        .passwordContainsUsername: "密码不能包含用户名。",
        .passwordTooShort: "密码至少需要{0}个字符。",
        .passwordTooSimple: "密码过于简单，请使用更多不同的字符。",
        .profileAddress: "地址",
        .profileArea: "面积（平方公里）",
        .profileEditButton: "修改村情况",
        .profileHeading: "村情况",
        .profileHotline: "便民服务热线",
        .profileHotlineFormat: "热线号码只能包含数字、空格和 - + ( )。",
        .profileHouseholds: "实有户数",
        .profileItem18: "第18条",
        .profileItem28: "第28条",
        .profileOpeningHours: "服务站每周开放时间",
        .profileOpeningHoursHint: "每行一条，如“周一至周五 08:30-12:00 13:30-17:30”、“周六 09:00-12:00”。",
        .profileRegisteredPopulation: "户籍人口",
        .profileRequiredStaff: "服务站专职工作人员应配备",
        .profileRequiredStaffValue: "{0}名（第45条：每300户1名，600户以下2名）",
        .profileResidentPopulation: "常住人口",
        .profileStationFloorArea: "服务站面积（平方米）",
        .profileStationFloorAreaHint: "第18条要求不低于50平方米。",
        .profileTitle: "{0}：村情况",
        .roleAdmin: "系统管理员",
        .roleCommitteeMember: "村委会成员",
        .roleDistrictOfficial: "区县民政干部",
        .roleOrganizationContact: "社会组织联系人",
        .rolePartySecretary: "村党组织书记",
        .roleStationStaff: "服务站工作人员",
        .roleSupervisor: "村务监督委员会成员",
        .roleTownshipOfficial: "乡镇干部",
        .save: "保存",
        .saved: "已保存。",
        .skipToContent: "跳到正文",
        .statusMet: "达标",
        .statusNotMet: "未达标",
        .unitChildren: "下辖{0}",
        .unitClosedBeforeOpened: "撤销日期不能早于设立日期。",
        .unitClosedOn: "撤销日期",
        .unitCode: "统计用区划代码",
        .unitCodeHint: "12位数字，可不填。",
        .unitDuplicateCode: "区划代码{0}已被其他单位使用。",
        .unitDuplicateName: "同一上级下已有名为“{0}”的单位。",
        .unitEditButton: "修改单位信息",
        .unitEditTitle: "修改：{0}",
        .unitKind: "级别",
        .unitName: "名称",
        .unitNewChild: "在{0}下新建{1}",
        .unitNewChildButton: "新建{0}",
        .unitNewDistrict: "新建区县",
        .unitNoChildren: "暂无下级单位。",
        .unitOpenedOn: "设立日期",
        .unitVillageHasNoChildren: "村（社区）没有下级单位。",
        .userActive: "正常",
        .userAddRole: "添加角色",
        .userCannotDisableSelf: "不能停用自己的账户。",
        .userCannotDropOwnAdmin: "不能去掉自己的系统管理员角色。",
        .userChooseRole: "请选择角色",
        .userDisable: "停用账户",
        .userDisabled: "已停用",
        .userDisplayName: "姓名",
        .userDuplicate: "用户名“{0}”已存在。",
        .userEnable: "启用账户",
        .userLocked: "已锁定",
        .userNeedsRole: "用户至少需要一个角色。",
        .userNew: "新建用户",
        .userNewPassword: "新密码",
        .userNoRoles: "没有角色。",
        .userNoUnit: "（系统管理员不需要单位）",
        .userPassword: "初始密码",
        .userPasswordHint: "至少10个字符，不能包含用户名。",
        .userRemoveRole: "移除",
        .userResetPassword: "重设密码",
        .userRole: "角色",
        .userRoleRequired: "请选择角色。",
        .userRoles: "角色",
        .userState: "状态",
        .userUnit: "所在单位",
        .userUnitLevel: "{0}应设在{1}级单位。",
        .userUnitRequired: "{0}需要选择所在单位。",
        .userUsername: "用户名",
        .userUsernameFormat: "用户名应为3至32个英文字母、数字或 . _ -。",
        .userUsernameHint: "3至32个英文字母、数字或 . _ -，用于登录。",
        .usersCaption: "共{0}个用户",
        .usersTitle: "用户管理",
        .validationCode: "统计用区划代码应为12位数字。",
        .validationDate: "{0}应为日期，格式如2026-03-31。",
        .validationInteger: "{0}应为整数。",
        .validationNegative: "{0}不能为负数。",
        .validationNumber: "{0}应为数字。",
        .validationRequired: "请填写{0}。",
        .validationTooLarge: "{0}不能大于{1}。",
        .validationTooLong: "{0}不能超过{1}个字。",
        .validationTooSmall: "{0}不能小于{1}。",
    ]
}

/// The message for `key` with its placeholders filled, in one pass (an argument that
/// itself contains "{1}" is left as it is).
func T(_ key: L, _ arguments: String...) -> String {
    let template = Messages.zh[key] ?? key.rawValue
    guard !arguments.isEmpty else { return template }
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
