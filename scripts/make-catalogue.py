#!/usr/bin/env python3
"""Writes Sources/StandardKit/Resources/beijing-2012-trial.json.

Item and goal texts are read verbatim from ../shared/standard/; the checks below are
this project's reading of each item (see docs/standard.md). Run from the repository
root: python3 scripts/make-catalogue.py ../shared/standard/beijing-rural-community-standard.txt
"""
import json, re, sys

NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八".split()
AREAS = [
    ("社区管理体制", [1, 2, 3, 4]),
    ("社区基础设施", [5, 6]),
    ("社区服务", [7, 8, 9, 10]),
    ("社区文化建设", [11, 12]),
    ("社区工作队伍", [13, 14]),
    ("社区信息化", [15]),
    ("保障机制", [16, 17, 18]),
]
GOAL_ITEMS = {1: range(1, 5), 2: range(5, 11), 3: range(11, 15), 4: range(15, 17), 5: range(17, 21),
              6: range(21, 25), 7: range(25, 29), 8: range(29, 33), 9: range(33, 37), 10: range(37, 40),
              11: range(40, 42), 12: range(42, 45), 13: range(45, 48), 14: range(48, 50), 15: range(50, 52),
              16: range(52, 55), 17: range(55, 60), 18: range(60, 63)}

def M(title, rule, level="village", **params):
    return {"kind": "measured", "level": level, "title": title, "rule": rule, "params": params}

def E(title, evidence, level="village"):
    return {"kind": "evidenced", "level": level, "title": title, "evidence": evidence}

def periodic(title, source, kinds, period, minimum=1):
    return M(title, "periodicRecords", source=source, kinds=kinds, period=period, minimum=minimum)

CHECKS = {
 1: [M("已设立社区（村）党组织", "organizationExists", organization="partyOrganization"),
     E("党组织领导村委会、服务站依职责开展工作", "党组织设置批复文件、班子成员分工、党组织研究部署村委会和服务站工作的会议记录")],
 2: [M("已设立村（居）民委员会", "organizationExists", organization="villageCommittee"),
     E("村委会依法履行自治职能，及时反映村民意愿", "普法和政策宣传记录、维护村民权益事例、向政府部门反映村民意愿的记录")],
 3: [M("已设立社区服务站", "organizationExists", organization="serviceStation"),
     periodic("服务站定期向党组织和村委会汇报工作", "meetings", ["stationReport"], "halfYear"),
     E("服务站任务统一安排、场地统一使用、经费统一调配、人员统一管理", "服务站管理制度文件、任务安排表、经费调配与人员管理记录")],
 4: [M("议事协商机构由驻区单位和社区社会组织参加", "deliberationBody", minimumResidentUnits=1, minimumSocialOrganizations=1),
     E("议事协商机构由党组织和村委会负责人牵头并发挥协调联动作用", "议事协商机构成立文件（含牵头人）、议事协商会议记录、协调事项落实情况")],
 5: [M("村务、财务按季度公开", "quarterlyDisclosures", categories=["villageAffairs", "finance"]),
     E("村委会直接选举制度完善", "最近一次村委会换届选举公告、选举办法、选举结果公告"),
     E("村民会议、村民代表会议制度规范，村务公开和民主管理制度健全", "村民会议和村民代表会议议事规则、村务公开制度、民主管理制度文件")],
 6: [E("按城乡相同人口比例选举人大代表，扩大农村居民代表比例", "区县、乡镇人大代表名额分配方案及农村居民代表比例统计", level="district")],
 7: [periodic("村民代表会议每季度至少召开一次", "meetings", ["representativeMeeting"], "quarter"),
     E("坚持“两推一选”，村民代表依法产生", "“两推一选”工作记录、村民代表推选结果公告"),
     E("与村民有关的重大事项经民主讨论决策", "重大事项决策的会议纪要和表决记录")],
 8: [M("已建立村务监督委员会", "organizationExists", organization="supervisionCommittee"),
     M("各项资金补助和公益事业经费的使用已纳入村务公开", "disbursementsDisclosed", kinds=["publicWelfareSubsidy", "purchaseOfServices", "officeFunds"], graceDays=30),
     E("村务监督委员会开展监督，资金使用经村级民主决策", "村务监督委员会工作记录、资金使用民主决策记录")],
 9: [M("设立民意接待室或举办民情恳谈会", "opinionChannel", facilityTypes=["receptionRoom"], meetingKinds=["opinionForum"]),
     E("群众利益表达机制健全、民意反映渠道畅通", "民意接待登记簿、民情恳谈会记录、意见办理反馈记录")],
 10: [M("村民积极参与志愿服务", "activeVolunteers", minimumPer100Residents=1.0, minimumHours=1.0),
      E("形成邻里和睦、守望相助的邻里关系", "邻里互助活动记录、好人好事或和谐家庭评选材料")],
 11: [M("至少拥有3个登记备案的社区社会组织", "registeredSocialOrganizations", minimum=3),
      E("通过政府购买服务、项目化运作等方式培育社区社会组织", "政府购买服务合同或项目化运作方案、社会组织培育记录")],
 12: [M("社区社会组织接受服务监督评价", "socialOrganizationEvaluations", maximumAgeDays=366),
      E("建立社区社会组织服务监督评价机制", "社会组织服务监督评价办法、评价结果")],
 13: [M("共青团、妇联、残联、红十字会、志愿者协会等组织健全", "socialOrganizationTypes", types=["youthLeague", "womensFederation", "disabledPersonsFederation", "redCross", "volunteerAssociation"]),
      E("群团组织依法开展慈善、捐助、救助等为群众服务的活动", "慈善、捐助、救助等活动记录和照片")],
 14: [M("发展农民专业合作社", "socialOrganizationTypes", types=["farmersCooperative"]),
      E("农村经济合作组织提高农民组织化程度", "合作社章程、成员名册、经营与分红情况")],
 15: [M("驻区单位与社区建立共驻共建机制", "residentUnitAgreements", kinds=["coBuilding"], minimum=1),
      E("驻区单位整合内部资源为社区办实事", "共驻共建协议、为社区办实事清单")],
 16: [M("驻区单位与社区建立结对帮扶关系", "residentUnitAgreements", kinds=["pairing"], minimum=1),
      M("驻区单位以资金、技术、信息、志愿服务等方式投入社区建设", "residentUnitContributions", minimum=1)],
 17: [M("办公和服务用房具备水、电、暖、卫、通讯、信息网络功能", "stationUtilities", utilities=["water", "electricity", "heating", "sanitation", "telecom", "network"]),
      M("配备电脑、打印机、电话、传真机、复印机等办公设备", "requiredFacilities", types=["computer", "printer", "telephone", "fax", "copier"]),
      E("社区办公和服务用房能够满足服务需求", "办公和服务用房平面图、功能分区说明、照片")],
 18: [M("社区服务站面积不低于50平方米", "stationFloorArea", minimum=50),
      E("服务站“五统一”，用房相对独立，交通便利、服务半径合理", "服务站标识和功能区照片、服务站位置及服务半径说明")],
 19: [E("办公和服务用房外部环境整洁、内部区域划分合理、服务设施完善", "办公和服务用房内外环境照片、区域划分图")],
 20: [M("社区办公经费列入预算", "fundsBudgeted", kinds=["officeFunds"], minimum=1),
      M("社区办公经费拨付及时、足额", "fundsDisbursed", kinds=["officeFunds"], graceDays=30),
      E("制定办公经费使用管理规范和监督制度", "办公经费使用管理办法、监督制度文件")],
 21: [M("党员活动场所、文化室、图书室、卫生室、连锁便利店、村民议事场所、全民健身设施、农村法律服务室、社区警务站齐全", "requiredFacilities",
        types=["partyActivityVenue", "culturalRoom", "library", "clinic", "chainStore", "deliberationVenue", "fitnessFacility", "legalServiceRoom", "policeStation"])],
 22: [M("文体活动场所设备完好、按期检查", "facilitiesCondition", types=["culturalRoom", "library", "fitnessFacility", "partyActivityVenue", "deliberationVenue"], maximumInspectionAgeDays=366),
      E("公共服务设施布局合理、功能整合、利用率高", "设施布局图、设施使用登记和利用率统计")],
 23: [M("设施有维护计划，无逾期未维护", "maintenancePlans"),
      E("设施建设和维护资金、人员落实到位", "设施维护经费安排、维护人员名单、日常维护与定期更新计划")],
 24: [M("实施道路硬化、河道整治、卫生改厕、村庄绿化等整治工程", "infrastructureWorks", kinds=["roadHardening", "riverWorks", "toiletUpgrade", "greening"]),
      M("街路、供水管网、公厕、路灯等设施建立长效管护机制", "infrastructureUpkeep", kinds=["streets", "waterMains", "publicToilets", "streetLights"])],
 25: [M("居民投诉及时处理", "complaintsResolved", maximumDays=15),
      E("协助乡镇做好公共服务，支持村委会开展居民自治、人民调解", "协助乡镇公共服务工作记录、人民调解记录")],
 26: [M("设置常设岗位，岗位与乡镇科室、站所明确对应", "postsMapped", minimumStandingPosts=1),
      E("岗位与乡镇各科室、职能站所、社区服务中心工作有机衔接", "岗位设置表及与乡镇科室对应关系文件、衔接工作记录")],
 27: [E("建立首问责任、一口受理、限时办结、AB岗、投诉处理等业务管理制度及内部管理制度", "业务管理制度和人员管理、经费使用、资产管理、站务公开、学习培训、岗位责任等内部管理制度文件"),
      M("每个岗位配备不同的A岗和B岗人员", "postsBackedUp"),
      M("工作台账完整，服务事项办理全过程跟踪", "ledgerTracked")],
 28: [M("服务站每周工作时间不少于40小时", "weeklyOpeningHours", minimumHours=40),
      M("受理事项及时办理", "onTimeCompletion", minimumRate=0.95),
      E("实行弹性工时制", "弹性工时制度文件、值班排班表")],
 29: [M("服务站开展劳动就业、社会保障等十个方面的服务", "serviceFields",
        fields=["employment", "socialSecurity", "elderCare", "cultureSportsEducation", "populationFamilyPlanning", "communitySafety", "migrantManagement", "agriculturalExtension", "animalPlantDiseaseControl", "agriProductQuality"])],
 30: [M("服务项目公示并有办事指南", "publicGuides"),
      E("除卫生室和警务室外，公共服务事项纳入服务站“一站式”服务", "服务站服务项目清单、服务流程图、公示栏照片")],
 31: [M("建立社区卫生室", "requiredFacilities", types=["clinic"]),
      periodic("举办健康知识讲座", "activities", ["healthLecture"], "halfYear"),
      E("卫生室标准化，提供预防、保健、康复和常见病诊疗服务", "卫生室标准化验收材料、诊疗服务登记")],
 32: [M("建立农村社区警务站（室）", "requiredFacilities", types=["policeStation"]),
      E("以社区民警为主导的群防群治网络健全", "社区民警配置、治保会和治安联防队名册、群防群治活动记录")],
 33: [M("至少组建两支社区志愿者队伍", "volunteerTeams", minimum=2),
      E("形成特色鲜明、影响广泛的志愿服务品牌", "志愿服务品牌介绍、获奖或媒体报道材料")],
 34: [M("志愿者依托96156注册登记", "volunteersRegistered96156", minimumShare=1.0),
      M("已招募志愿者接受培训", "volunteersTrained", minimumShare=1.0),
      E("建立志愿者招募和注册管理制度", "志愿者招募和注册管理制度文件")],
 35: [M("发挥“五老”作用", "fiveEldersVolunteers", minimum=1),
      periodic("志愿者队伍经常性开展志愿服务活动", "volunteerActivities", [], "quarter"),
      M("开展人民调解、拥军优属、治安防范、普法宣传、法律援助、环境保护等志愿服务", "volunteerActivityCategories",
        categories=["mediation", "militaryFamilySupport", "securityPatrol", "legalPublicity", "legalAid", "environment"], minimumCovered=3)],
 36: [M("面向老年人、未成年人、低收入人群、优抚对象开展服务", "volunteerTargetGroups", groups=["elderly", "minors", "lowIncome", "specialCare"]),
      E("对“五保”对象、残疾人、单亲家庭实施分类救助", "分类救助名册和救助记录")],
 37: [M("开办居家养老（助残）、代办代理、便利缴费、商品配送、农科咨询等便民服务", "serviceFields",
        fields=["homeCare", "agency", "billPayment", "goodsDelivery", "agriConsulting"])],
 38: [M("引进电信、金融、邮局等服务网点", "requiredFacilities", types=["telecomPoint", "financePoint", "postPoint"]),
      E("发展餐饮娱乐、物流配送、物业管理等新型便民服务业", "便民服务业经营主体名录、照片")],
 39: [M("开通社区便民服务热线", "hotline"),
      M("采用电话、传真、网络等多种信息服务手段", "serviceChannels", channels=["phone", "fax", "online"], minimum=2)],
 40: [periodic("开展政策法规、思想道德和科学文化教育", "activities", ["education"], "halfYear"),
      E("弘扬“北京精神”，形成健康向上、文明和谐的社区文化氛围", "教育活动记录、照片")],
 41: [M("设有宣传栏、板报", "requiredFacilities", types=["bulletinBoard"]),
      E("推进文明村镇、文明家庭创建活动", "文明村镇、文明家庭创建方案和评选结果")],
 42: [periodic("组织开展农村劳动力转移和新型农民科技培训", "activities", ["farmerTraining"], "year"),
      E("发挥广播电视村村通、文化信息资源共享和农家书屋作用", "农家书屋登记和借阅记录、文化共享工程设施照片")],
 43: [M("培育群众性文艺团队", "artTeams", minimum=1),
      periodic("举办农村传统节庆、民间艺术和文艺竞赛活动", "activities", ["festival", "culture"], "year"),
      E("打造农村社区文化特色品牌", "文化特色品牌介绍、活动照片")],
 44: [M("完善社区体育健身设施", "requiredFacilities", types=["fitnessFacility"]),
      periodic("在传统节日和农闲季节组织农民体育活动", "activities", ["sports"], "halfYear"),
      E("办好基层农民运动会，利用学校和企事业单位体育资源", "农民运动会方案、照片、成绩册")],
 45: [M("至少配备1名社区专职党建工作者", "workersInRole", role="partyBuildingWorker", minimum=1),
      M("村委会成员配备到位", "workersInRole", role="committeeMember", minimum=3),
      M("服务站专职工作人员按户数配备", "stationStaffing", householdsPerStaff=300, minimum=2),
      E("结合换届选举调整充实“两委”班子", "换届选举结果、“两委”班子成员名单")],
 46: [M("常年保持至少2名大学生“村官”", "collegeGraduateOfficials", minimum=2),
      E("支持到村任职高校毕业生进入村“两委”班子", "大学生村官任职文件、进入“两委”情况")],
 47: [M("社区协管员纳入服务站规范化管理", "assistantsManaged")],
 48: [M("社区工作者每年接受民主评议", "workerEvaluations", maximumAgeDays=366),
      M("社区工作者工资补贴、福利待遇落实", "workerPay"),
      E("建立考核奖惩、培养选拔机制，落实工作经费", "考核奖惩办法、培养选拔记录、工作经费拨付凭证")],
 49: [M("社区工作者全员培训", "everyoneTrained"),
      M("社区工作者平均每年培训不少于40学时", "averageTrainingHours", minimumHours=40),
      M("至少配备1名持证社工或社会工作专业毕业生", "socialWorkers", minimum=1),
      E("建立社区工作者培训制度，组织参加社会工作者职业水平考试", "培训制度文件、职业水平考试报名或成绩材料")],
 50: [E("社区业务综合信息系统供各方共同使用", "系统账号开通情况（党组织、村委会、服务站、社会组织等）、使用记录"),
      E("信息系统与区（县）政府相关职能部门应用系统有效衔接", "系统对接方案和联调记录", level="district")],
 51: [M("服务站与96156社区信息服务平台联网对接", "linkedTo96156"),
      E("整合各类社区服务热线，与乡镇办公系统联网", "热线整合方案、与乡镇办公系统联网说明")],
 52: [E("农村社区党建工作全覆盖", "党组织设置调整文件、党建活动记录")],
 53: [periodic("定期召开党组织与村委会联席会议", "meetings", ["jointMeeting"], "quarter"),
      E("建立联席会议制度，规范议事规则和决策程序", "联席会议制度、议事规则和决策程序文件")],
 54: [E("开展创先争优，落实党员设岗定责、依岗承诺、志愿服务和帮扶结对制度", "创先争优活动方案、党员设岗定责名册、承诺践诺记录")],
 55: [E("区县建立农村社区建设组织协调机构和联席会议制度", "区县协调机构成立文件、联席会议纪要", level="district"),
      E("乡镇建立农村社区建设组织协调机构和联席会议制度", "乡镇协调机构成立文件、联席会议纪要", level="township")],
 56: [E("以区县为单位编制农村社区布局和建设规划", "区县农村社区布局和建设规划文本", level="district")],
 57: [E("区县将农村社区建设经费纳入财政预算并建立自然增长机制", "区县财政预算文件", level="district"),
      E("乡镇将农村社区建设经费纳入财政预算", "乡镇财政预算文件", level="township")],
 58: [M("社区公益事业专项补助资金及时足额拨付", "fundsDisbursed", kinds=["publicWelfareSubsidy"], graceDays=30),
      E("建立社区公益事业专项补助资金使用管理制度", "专项补助资金使用管理制度文件")],
 59: [E("建立政府购买服务制度", "政府购买服务制度文件、目录", level="district"),
      M("社会组织承接政府购买的社区公共服务项目", "fundsBudgeted", kinds=["purchaseOfServices"], minimum=1)],
 60: [E("建立农村社区建设理论研究队伍和研究基地", "研究队伍名单、研究基地协议、调研报告", level="district")],
 61: [periodic("以群众喜闻乐见的形式宣传社区建设", "activities", ["publicity"], "halfYear"),
      E("居民了解、支持并参与农村社区建设", "宣传材料、居民参与情况")],
 62: [E("宣传农村社区建设，总结推广好经验好做法", "宣传报道、经验总结材料", level="township")],
}

def main(path):
    text = open(path, encoding="utf-8").read()
    items, goals = {}, []
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^(\d+)\s*[\.．]\s*(.*)$", s)
        if m:
            items[int(m.group(1))] = m.group(2).strip()
        m = re.match(r"^[（(]([一二三四五六七八九十]+)[）)](.*)$", s)
        if m:
            goals.append(m.group(2).strip())
    assert len(items) == 62 and len(goals) == 18 and set(CHECKS) == set(range(1, 63))
    areas = []
    for a, (name, goal_numbers) in enumerate(AREAS, start=1):
        area = {"number": a, "name": name, "goals": []}
        for g in goal_numbers:
            goal = {"number": g, "title": goals[g - 1], "items": []}
            for n in GOAL_ITEMS[g]:
                checks = []
                for i, c in enumerate(CHECKS[n], start=1):
                    checks.append({"id": f"{n}.{i}", **c})
                goal["items"].append({"number": n, "text": items[n], "checks": checks})
            area["goals"].append(goal)
        areas.append(area)
    doc = {"version": "beijing-2012-trial", "title": "北京市农村社区建设指导标准（试行）", "areas": areas}
    out = "Sources/StandardKit/Resources/beijing-2012-trial.json"
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote", out)

main(sys.argv[1] if len(sys.argv) > 1 else "../shared/standard/beijing-rural-community-standard.txt")
