#!/usr/bin/env python3
"""Browser tests: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium against a server started on the demo data (see .ci/browser.sh).

    CUNWU_URL=http://127.0.0.1:8088 CUNWU_DEMO_PASSWORD=... python3 Tests/browser/run.py

Each test walks a real flow through the pages with plain form posts (no JavaScript),
and screenshots of the main pages are saved in browser-screenshots/."""
import datetime
import os
import re
import shutil
import subprocess
import sys
import unittest

try:
    from axe_selenium_python import Axe
except ImportError:  # .ci/run installs it; without it the journeys still run, unchecked
    Axe = None
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("CUNWU_URL", "http://127.0.0.1:8088")
PASSWORD = os.environ["CUNWU_DEMO_PASSWORD"]
SHOTS = os.environ.get("CUNWU_SCREENSHOTS", "browser-screenshots")
os.makedirs(SHOTS, exist_ok=True)


def browser(width=1366, height=768):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN",
                 f"--window-size={width},{height}"]:
        options.add_argument(flag)
    # A browser in Beijing asks for Chinese first (Accept-Language), as the product expects.
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(5)
    return driver


class Flow(unittest.TestCase):
    axe_pages = 0

    def setUp(self):
        self.d = browser()

    def tearDown(self):
        self.d.quit()

    def go(self, path):
        self.d.get(BASE + path)

    def shot(self, name):
        """Saves a screenshot and checks the page with axe-core (its WCAG 2.0 A and AA and WCAG 2.1 AA rules):
        every page a journey shows must have no violations."""
        self.d.save_screenshot(os.path.join(SHOTS, name + ".png"))
        self.axe(name)

    def axe(self, name):
        if Axe is None:
            if os.environ.get("CUNWU_REQUIRE_AXE"):
                self.fail("axe-selenium-python is not installed")
            return
        # The package's axe-core, injected; run with a context and options of our own (its
        # run() passes options where axe expects the context).
        Axe(self.d).inject()
        self.d.set_script_timeout(60)
        violations = self.d.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
            ".then(function (r) { done(r.violations); }, function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });")
        Flow.axe_pages += 1
        self.assertEqual(violations, [], f"{name} ({self.d.current_url}): " + "; ".join(
            f"{v['id']}: {v['help']} — " + ", ".join(str(n["target"][0]) + " " + n.get("html", "")[:80] for n in v["nodes"][:3]) for v in violations))

    def body(self):
        return self.d.find_element(By.TAG_NAME, "body").text

    def click(self, element):
        """Clicks a submit button and waits for the next page. Chromium reports an element of
        the page just left either as stale or, during navigation, as a node that "does not
        belong to the document"; both mean the next page has come."""
        element.click()
        self.wait_left(element)

    def wait_left(self, element):
        """Waits until `element`'s page has been left (see `click`)."""
        def left(_):
            try:
                element.is_enabled()
                return False
            except (StaleElementReferenceException, WebDriverException):
                return True

        WebDriverWait(self.d, 15).until(left)

    def login(self, username):
        self.d.delete_all_cookies()
        self.go("/login")
        self.d.find_element(By.NAME, "username").send_keys(username)
        self.d.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        self.assertNotIn("/login", self.d.current_url, self.body())

    def village(self, name):
        """Opens a village page from the home page by following links."""
        self.go("/")
        for _ in range(3):
            links = self.d.find_elements(By.LINK_TEXT, name)
            if links:
                links[0].click()
                return self.d.current_url.rstrip("/").split("/units/")[1].split("/")[0]
            # Descend one level through the first unit link.
            units = [a for a in self.d.find_elements(By.CSS_SELECTOR, "main a") if "/units/" in (a.get_attribute("href") or "")]
            units[0].click()
        self.fail(f"no link to {name}")

    def check_status(self, village_id, check):
        """The status word of one check on the village's live evaluation page."""
        self.go(f"/units/{village_id}/standard")
        for li in self.d.find_elements(By.CSS_SELECTOR, "main ul.checks li"):
            if f" {check} " in li.text:
                return li.find_element(By.TAG_NAME, "span").text.strip()
        self.fail(f"check {check} not on the page")

    def submit_form(self, action_suffix):
        for form in self.d.find_elements(By.CSS_SELECTOR, "form"):
            if (form.get_attribute("action") or "").endswith(action_suffix):
                self.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
                return
        self.fail(f"no form posting to {action_suffix}")

    def test_1_secretary_goes_from_a_finding_to_its_fix_and_sees_the_result(self):
        # Signed in, the station lands on its work; the village's 需要处理 links each finding.
        self.login("demo.station")
        self.shot("01-home")
        vid = self.village("前辛庄村")
        nav = self.d.find_element(By.CSS_SELECTOR, "header nav").text
        for place in ["首页", "工作台账", "服务站", "评估", "通知"]:
            self.assertIn(place, nav)
        self.shot("02-village")
        self.assertEqual(self.check_status(vid, "7.1"), "未达标")
        # The missing third-quarter meeting opens a meeting form of that kind, dated in that quarter.
        self.go(f"/units/{vid}")
        self.d.find_element(By.PARTIAL_LINK_TEXT, "第3季度没有村民代表会议记录").click()
        self.assertEqual(Select(self.d.find_element(By.NAME, "kind")).first_selected_option.get_attribute("value"), "representativeMeeting")
        self.assertRegex(self.d.find_element(By.NAME, "date").get_attribute("value"), r"^\d{4}-09-30$")
        self.d.find_element(By.NAME, "title").send_keys("第三季度村民代表会议")
        self.d.find_element(By.NAME, "attendance").send_keys("31")
        self.shot("02b-fix-form")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        # Saved, and the page says what that did to the evaluation.
        self.assertIn("已保存", self.body())
        effect = self.d.find_element(By.ID, "effect").text
        self.assertIn("第7.1条", effect)
        self.shot("03-saved-effect")
        if "第7.1条：达标" in effect.replace(" ", ""):
            self.assertEqual(self.check_status(vid, "7.1"), "达标")
        # The plan says what else it takes, each step with its action.
        self.d.find_element(By.PARTIAL_LINK_TEXT, "达标计划").click()
        self.assertIn("达标计划", self.d.title)
        self.assertTrue(self.d.find_elements(By.LINK_TEXT, "去处理"))
        self.shot("03b-plan")
        self.check_status(vid, "7.1")
        self.shot("03c-standard")

    def test_2_station_takes_a_request_at_the_window_and_completes_it(self):
        self.login("demo.station")
        vid = self.village("前辛庄村")
        self.go(f"/units/{vid}/station")
        self.shot("04-station-desk")
        # Choose the service first: its materials come as a checklist with the due date.
        def choose_service():
            self.go(f"/units/{vid}/requests/new")
            Select(self.d.find_element(By.NAME, "serviceCode")).select_by_value("SB-01")
            self.click(self.d.find_element(By.CSS_SELECTOR, "#choose-service button"))
            self.assertIn("应于", self.d.find_element(By.ID, "intake-terms").text)
            return self.d.find_elements(By.CSS_SELECTOR, "#materials-checklist input[name=have]")
        def fill_resident(content):
            self.d.find_element(By.NAME, "residentName").send_keys("浏览器测试居民")
            self.d.find_element(By.NAME, "residentPhone").send_keys("13700009999")
            self.d.find_element(By.NAME, "content").send_keys(content)
        boxes = choose_service()
        self.assertGreaterEqual(len(boxes), 2)
        # One material not brought: the request becomes a 一次性告知 naming it, the clock paused.
        missing = boxes[-1].get_attribute("value")
        for box in boxes[:-1]:
            box.click()
        fill_resident("缺材料的参保登记")
        self.shot("04b-intake-checklist")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]"))
        self.assertIn("一次性告知书", self.d.title)
        self.assertIn(missing, self.body())
        # Everything brought: accepted, a 受理回执 with the due date.
        for box in choose_service():
            box.click()
        fill_resident("办理养老保险参保登记")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]"))
        self.assertIn("受理回执", self.d.title)
        code = re.search(r"受理编号\s*([0-9A-Z]{10})", self.body()).group(1)
        # The receipt carries the tracking address and a QR code of it, a print button and the way back.
        self.assertIn(f"/public/track?code={code}", self.body())
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "svg[aria-label='扫码查询办理进度'] path"))
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "button[data-print]"))
        self.shot("05-receipt")
        # A phone reads the printed code: zbar decodes the screenshot to the address printed beside it.
        if shutil.which("zbarimg"):
            decoded = subprocess.run(["zbarimg", "--raw", "-q", os.path.join(SHOTS, "05-receipt.png")], capture_output=True, text=True).stdout.strip()
            self.assertTrue(decoded.endswith(f"/public/track?code={code}"), decoded)
            self.assertIn(decoded, self.body())
        self.d.find_element(By.LINK_TEXT, "返回服务站工作台").click()
        self.assertTrue(self.d.current_url.endswith("/station"), self.d.current_url)
        self.go(f"/units/{vid}/requests?status=accepted")
        self.d.find_element(By.LINK_TEXT, code).click()
        # The result is told to the resident: ticked as the reply, it reaches the track page,
        # with the phone number in it masked.
        for form in self.d.find_elements(By.CSS_SELECTOR, "form[action$='/act']"):
            if form.find_elements(By.NAME, "result"):
                form.find_element(By.NAME, "result").send_keys("已办结，请周五到站领取参保凭证；有疑问请打13700009999")
                form.find_element(By.NAME, "replyToResident").click()  # a tick: no page follows
                self.click(form.find_element(By.CSS_SELECTOR, "button"))
                break
        self.assertIn("已办结", self.body())
        self.assertIn("请周五到站领取参保凭证；有疑问请打137****9999", self.body())
        self.shot("06-request-completed")
        # The resident, on a phone, not signed in: the reply, masked; nothing else staff wrote.
        self.d.delete_all_cookies()
        self.d.set_window_size(390, 844)
        self.go(f"/public/track?code={code}")
        self.assertIn("服务站的答复", self.body())
        self.assertIn("137****9999", self.body())
        self.assertNotIn("13700009999", self.body())
        self.assertNotIn("浏览器测试居民", self.body())
        width = self.d.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390, "the track page scrolls sideways on a phone")
        self.shot("06b-track-reply-phone")
        self.d.set_window_size(1366, 768)

    def test_3_resident_submits_and_tracks_on_a_phone(self):
        self.d.set_window_size(390, 844)
        # A resident, not signed in, starts at the sign-in page's way in and finds the station by place.
        self.d.delete_all_cookies()
        self.go("/login")
        self.d.find_element(By.CSS_SELECTOR, "#residents a[href='/public']").click()
        for place in ["北京市", "怀柔区", "桥梓镇", "前辛庄村"]:
            self.d.find_element(By.LINK_TEXT, place).click()
        self.assertIn("/public/stations/", self.d.current_url)
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "a[href^='tel:']"), "the hotline dials from the phone")
        self.shot("07-public-station-phone")
        # Found by name as well.
        self.go("/public?q=" + "前辛庄")
        self.assertTrue(self.d.find_elements(By.LINK_TEXT, "前辛庄村"))
        self.d.find_element(By.LINK_TEXT, "前辛庄村").click()
        self.d.find_element(By.PARTIAL_LINK_TEXT, "网上提交").click()
        self.assertIn("加密保存", self.d.find_element(By.ID, "privacy").text)
        # A first try with two mistakes: both are named at once, what was typed is kept.
        Select(self.d.find_element(By.NAME, "serviceCode")).select_by_index(1)
        self.d.find_element(By.NAME, "residentName").send_keys("手机居民")
        self.d.find_element(By.NAME, "residentPhone").send_keys("1360000")
        self.d.find_element(By.NAME, "content").send_keys("在手机上提交的申请")
        self.d.find_element(By.NAME, "challengeAnswer").send_keys("0")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        summary = self.d.find_element(By.CSS_SELECTOR, ".error-summary").text
        self.assertIn("手机号", summary)
        self.assertIn("算式", summary)
        self.assertEqual(self.d.find_element(By.NAME, "residentName").get_attribute("value"), "手机居民")
        self.shot("07b-form-errors-phone")
        # Fixed in one go.
        phone = self.d.find_element(By.NAME, "residentPhone")
        phone.clear()
        phone.send_keys("13600001111")
        label = self.d.find_element(By.CSS_SELECTOR, "label[for='f-challengeAnswer']").text
        a, b = map(int, re.findall(r"(\d+)加(\d+)", label)[0])
        self.d.find_element(By.NAME, "challengeAnswer").send_keys(str(a + b))
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        code = self.d.find_element(By.CSS_SELECTOR, "p.code strong").text
        self.assertEqual(len(code), 10)
        self.d.find_element(By.PARTIAL_LINK_TEXT, "查询办理进度").click()
        self.assertIn("待受理", self.body())
        self.assertIn("尚未受理", self.body())
        self.assertIn("一般在3个工作日内", self.d.find_element(By.ID, "next-step").text)
        self.assertNotIn("手机居民", self.body())
        width = self.d.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390, "the page scrolls sideways on a phone")
        self.shot("08-track-phone")

    def button(self, text):
        """The submit button whose words start with `text`."""
        for b in self.d.find_elements(By.CSS_SELECTOR, "main button"):
            if b.text.strip().startswith(text):
                return b
        self.fail(f"no button {text}")

    def test_4_township_reviews_without_losing_work_and_the_village_answers(self):
        # The village submits its sheet (its evidence is ready in the demo).
        self.login("demo.station")
        vid = self.village("前辛庄村")
        self.go(f"/units/{vid}/cycles")
        self.d.find_element(By.PARTIAL_LINK_TEXT, "年度").click()
        sheet = self.d.current_url.split("?")[0]
        self.submit_form("/submit")
        self.assertIn("待审核", self.body())
        self.assertIn("本年度工作台账已锁定", self.body(), "the village is told its records are locked while in review")
        # The township's home leads with its queue: the village waits, with its deadline.
        self.login("demo.township")
        queue = self.d.find_element(By.ID, "queue").find_element(By.XPATH, "..").text
        self.assertIn("待审核", queue)
        self.assertIn("前辛庄村", queue)
        self.shot("09a-township-queue")
        row = [r for r in self.d.find_elements(By.CSS_SELECTOR, "section.queue tr") if "前辛庄村" in r.text][0]
        row.find_element(By.LINK_TEXT, "去审核").click()
        self.assertEqual(self.d.current_url.split("?")[0], sheet)
        # Decisions typed, then 退回修改 pressed before any save: the confirmation shows what will be sent.
        Select(self.d.find_element(By.NAME, "decision.1.2")).select_by_value("returned")
        self.d.find_element(By.NAME, "reason.1.2").send_keys("请补充党支部成立的批复文件")
        Select(self.d.find_element(By.NAME, "decision.2.2")).select_by_value("accepted")
        self.shot("09b-review-sheet")
        self.click(self.button("退回修改"))
        confirm = self.body()
        self.assertIn("确认“退回修改”", confirm)
        self.assertIn("退回1项，通过1项", confirm)
        self.assertIn("请补充党支部成立的批复文件", confirm)
        self.shot("09c-confirm-return")
        # Back to the sheet: nothing was lost.
        self.d.find_element(By.LINK_TEXT, "返回评估表").click()
        self.assertEqual(Select(self.d.find_element(By.NAME, "decision.1.2")).first_selected_option.get_attribute("value"), "returned")
        self.assertEqual(self.d.find_element(By.NAME, "reason.1.2").get_attribute("value"), "请补充党支部成立的批复文件")
        self.assertEqual(Select(self.d.find_element(By.NAME, "decision.2.2")).first_selected_option.get_attribute("value"), "accepted")
        # The session times out while the reviewer types; the form they send is kept, and
        # signing in again brings them back to the sheet with it.
        self.d.delete_cookie("cunwu_session")
        self.d.add_cookie({"name": "cunwu_session", "value": "an-expired-session", "path": "/"})
        third = self.d.find_elements(By.CSS_SELECTOR, "select[name^='decision.']")[2].get_attribute("name").split(".", 1)[1]
        Select(self.d.find_element(By.NAME, "decision." + third)).select_by_value("accepted")
        self.d.find_element(By.NAME, "reason." + third).send_keys("超时前填写")
        self.click(self.button("保存审核结论"))
        self.assertIn("/login", self.d.current_url)
        self.assertIn("您填写的审核意见已暂存", self.body())
        self.shot("09d-timed-out")
        self.d.find_element(By.NAME, "username").send_keys("demo.township")
        self.d.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        self.assertEqual(self.d.current_url.split("?")[0], sheet)
        self.assertIn("已恢复登录超时前填写的审核意见", self.body())
        self.assertEqual(self.d.find_element(By.NAME, "reason." + third).get_attribute("value"), "超时前填写")
        self.assertEqual(self.d.find_element(By.NAME, "reason.1.2").get_attribute("value"), "请补充党支部成立的批复文件")
        # The filter shows only the checks chosen for return; then the sheet goes back with a reason for the village.
        self.d.find_element(By.PARTIAL_LINK_TEXT, "选为退回").click()
        self.assertEqual(len(self.d.find_elements(By.CSS_SELECTOR, "select[name^='decision.']")), 1)
        self.click(self.button("退回修改"))
        self.d.find_element(By.NAME, "reason").send_keys("请补齐材料后重新上报")
        self.click(self.button("确认"))
        self.assertIn("退回修改", self.body())
        self.shot("09-sheet-returned")
        # The village sees the returned check first, with the reasons and what is left.
        self.login("demo.station")
        self.d.get(sheet)
        returned = self.d.find_element(By.CSS_SELECTOR, "section.returned").text
        self.assertIn("请补充党支部成立的批复文件", returned)
        self.assertIn("请补齐材料后重新上报", returned)
        self.assertIn("还有1项未答复", returned)
        self.shot("09e-village-returned")
        answer = [f for f in self.d.find_elements(By.CSS_SELECTOR, "section.returned form") if (f.get_attribute("action") or "").endswith("/answer")][0]
        answer.find_element(By.NAME, "answer").send_keys("已补充镇党委批复扫描件")
        self.click(answer.find_element(By.CSS_SELECTOR, "button"))
        self.assertIn("退回的检查项都已答复", self.body())
        self.submit_form("/submit")
        self.assertIn("待审核", self.body())
        self.shot("10-sheet-resubmitted")
        # The reviewer finds it again in the queue, answered.
        self.login("demo.township")
        self.assertIn("退回后重新上报、已答复", self.d.find_element(By.CSS_SELECTOR, "section.queue").text)

    def test_11_keyboard_only_review_on_a_phone(self):
        """A reviewer decides a check with the keyboard alone (no clicks), on a 390 px phone:
        the save bar stays in view while the sheet scrolls."""
        self.d.set_window_size(390, 844)
        self.login("demo.township")
        link = [a for a in self.d.find_elements(By.CSS_SELECTOR, "section.queue a") if a.text == "去审核"][0]
        self.go(link.get_attribute("href").replace(BASE, ""))
        decision = self.d.find_elements(By.CSS_SELECTOR, "select[name^='decision.']")[-1]
        name = decision.get_attribute("name")
        decision.send_keys(Keys.ARROW_DOWN)
        decision.send_keys(Keys.TAB)
        reason = self.d.switch_to.active_element
        self.assertEqual(reason.get_attribute("name"), "reason." + name.split(".", 1)[1], "Tab goes from a decision to its reason")
        reason.send_keys("材料齐全")
        bar = self.d.find_element(By.CSS_SELECTOR, ".savebar")
        top = self.d.execute_script("return arguments[0].getBoundingClientRect().top", bar)
        self.assertLessEqual(abs(top), 1, "the save bar stays at the top of the screen")
        self.shot("20-review-phone")
        width = self.d.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390, "the sheet scrolls sideways on a phone")
        reason.send_keys(Keys.ENTER)
        WebDriverWait(self.d, 15).until(lambda d: "saved=1" in d.current_url)
        self.assertIn("已保存", self.body())
        self.assertEqual(Select(self.d.find_element(By.NAME, name)).first_selected_option.get_attribute("value"), "accepted")

    def test_8_approved_year_refuses_an_edit_until_the_district_unlocks_it(self):
        today = datetime.date.today()
        # 后辛庄村's sheet is approved: its station finds this year's records locked.
        self.login("demo.station2")
        vid = self.village("后辛庄村")
        self.go(f"/units/{vid}/records/meetings")
        first = [a for a in self.d.find_elements(By.CSS_SELECTOR, "main table a") if "/records/meetings/" in (a.get_attribute("href") or "")][0]
        first.click()
        notice = self.d.find_element(By.ID, "record-locked").text
        self.assertIn("审定", notice)
        self.assertIn("已锁定", notice)
        self.assertFalse(self.d.find_elements(By.LINK_TEXT, "修改"), "no edit offered on a locked record")
        self.shot("13-record-locked")
        # A new meeting of this year is refused with the reason, and nothing is saved.
        self.go(f"/units/{vid}/records/meetings/new")
        Select(self.d.find_element(By.NAME, "kind")).select_by_value("representativeMeeting")
        self.d.execute_script("arguments[0].value = arguments[1]", self.d.find_element(By.NAME, "date"), f"{today.year}-06-20")
        self.d.find_element(By.NAME, "title").send_keys("补记的村民代表会议")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        refusal = self.d.find_element(By.ID, "record-locked").text
        self.assertIn("已锁定", refusal)
        self.assertIn("请区县民政部门解锁", refusal)
        self.assertEqual(self.d.find_element(By.NAME, "title").get_attribute("value"), "补记的村民代表会议", "what was typed is kept")
        self.shot("14-edit-refused")
        # The district unlocks it with a reason; the sheet goes back to the village.
        self.login("demo.district")
        self.go(f"/units/{vid}/cycles")
        self.d.find_element(By.PARTIAL_LINK_TEXT, "年度").click()
        unlock = [f for f in self.d.find_elements(By.CSS_SELECTOR, "form") if (f.get_attribute("action") or "").endswith("/unlock")][0]
        unlock.find_element(By.NAME, "reason").send_keys("会议记录漏登，需补记")
        self.click(unlock.find_element(By.CSS_SELECTOR, "button"))
        self.assertIn("退回修改", self.body())
        self.shot("15-unlocked")
        # Now the station records the meeting.
        self.login("demo.station2")
        self.go(f"/units/{vid}/records/meetings/new")
        Select(self.d.find_element(By.NAME, "kind")).select_by_value("representativeMeeting")
        self.d.execute_script("arguments[0].value = arguments[1]", self.d.find_element(By.NAME, "date"), f"{today.year}-06-20")
        self.d.find_element(By.NAME, "title").send_keys("补记的村民代表会议")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        self.assertIn("已保存", self.body())

    def test_5_district_compares_townships_sorts_and_pages_villages_and_prints(self):
        self.login("demo.district")
        self.go("/")
        self.d.find_element(By.LINK_TEXT, "怀柔区").click()
        self.d.find_element(By.LINK_TEXT, "评估").click()
        self.d.find_element(By.PARTIAL_LINK_TEXT, "统计分析").click()
        dashboard = self.d.current_url.split("?")[0]
        page = self.body()
        self.assertIn("各项目达标率", page)
        self.assertIn("下一级比较：完成进度", page, "the townships side by side")
        self.assertIn("按时上报率", page)
        # The bars are named, carry their values, on a 0–100 axis with gridlines.
        charts = self.d.find_elements(By.CSS_SELECTOR, "svg.rate")
        self.assertIn("桥梓镇", charts[0].get_attribute("textContent"), "townships' mean scores, named")
        areas = charts[1].get_attribute("textContent")
        for word in ["社区", "100", "%"]:
            self.assertIn(word, areas)
        self.assertEqual(len(charts[1].find_elements(By.CSS_SELECTOR, "line.grid")), 6)
        # The heat map's text is at least 11 px as drawn.
        smallest = self.d.execute_script(
            "var svg = document.querySelector('svg.heat'); var k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;"
            "return Math.min.apply(null, Array.from(svg.querySelectorAll('text')).map(function (t) { return parseFloat(getComputedStyle(t).fontSize) * k; }));")
        self.assertGreaterEqual(smallest, 11)
        self.shot("11-dashboard")
        # Sort by score (highest first), then page through five at a time.
        self.d.find_element(By.CSS_SELECTOR, "#villages th a[href*='sort=score']").click()
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "#villages th[aria-sort]").get_attribute("aria-sort"), "descending")
        def scores():
            cells = [r.find_elements(By.TAG_NAME, "td")[3].text for r in self.d.find_elements(By.CSS_SELECTOR, "#villages tbody tr")]
            return [float(c) for c in cells if c != "—"]
        first = scores()
        self.assertEqual(first, sorted(first, reverse=True))
        self.d.get(self.d.current_url.split("#")[0] + "&per=5")
        self.assertEqual(len(self.d.find_elements(By.CSS_SELECTOR, "#villages tbody tr")), 5)
        self.d.find_element(By.CSS_SELECTOR, "nav.pager a[href*='page=2']").click()
        self.assertEqual(self.d.find_element(By.CSS_SELECTOR, "nav.pager [aria-current]").text, "2")
        second = scores()
        self.assertTrue(not second or not first[:5] or second[0] <= first[:5][-1], "page 2 goes on where page 1 ended")
        self.shot("11b-dashboard-page-2")
        # Drill down to a township.
        self.go(dashboard.replace(BASE, ""))
        self.d.find_element(By.CSS_SELECTOR, "main table a[href*='/dashboard/']").click()
        self.assertIn("各村评估情况", self.body())
        # The printed summary: a title block, a signature block, and page numbers that
        # never overlap a table's repeated header (text positions from pdftotext -bbox).
        self.go(dashboard.replace(BASE, ""))
        self.d.find_element(By.PARTIAL_LINK_TEXT, "打印").click()
        self.assertIn("负责人（签字）", self.body())
        self.check_print("21-district-summary")

    def check_print(self, name):
        import base64
        pdf = base64.b64decode(self.d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})["data"])
        path = os.path.join(SHOTS, name + ".pdf")
        with open(path, "wb") as out:
            out.write(pdf)
        text = subprocess.run(["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True).stdout
        pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S)
        self.assertGreaterEqual(len(pages), 2, "the summary runs over several pages")
        for number, (_, height, body) in enumerate(pages, start=1):
            words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                     re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
            words.sort(key=lambda w: w[1])
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    if b[1] >= a[3]:
                        break
                    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
                    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                    self.assertLess(overlap, 0.2 * smaller, f"page {number}: “{a[4]}” overlaps “{b[4]}”")
            # The page number sits in the bottom margin, below everything else.
            bottom = [w for w in words if w[1] > float(height) - 60]
            self.assertIn(str(number), [w[4] for w in bottom], f"page {number} has its number at the bottom")
            body_words = [w for w in words if w not in bottom]
            if body_words:
                self.assertLess(max(w[3] for w in body_words), min(w[1] for w in bottom), f"page {number}: the number is clear of the text")

    def test_9_city_compares_districts_and_approves_a_district_sheet(self):
        self.d.set_window_size(1366, 768)
        self.login("demo.city")
        self.go("/")
        self.d.find_element(By.LINK_TEXT, "北京市").click()
        self.d.find_element(By.LINK_TEXT, "评估").click()
        # A city keeps no sheet: its cycle opens on the dashboard comparing its districts.
        self.d.find_element(By.PARTIAL_LINK_TEXT, "年度").click()
        page = self.body()
        self.assertIn("下一级比较", page)
        self.assertIn("怀柔区", page)
        self.assertIn("密云区", page)
        self.assertIn("待审核", page, "怀柔区's own sheet waits for the city")
        self.shot("16-city-dashboard")
        # Drill down to the district's dashboard of the same cycle.
        self.d.find_element(By.CSS_SELECTOR, "main table a[href*='/dashboard/']").click()
        self.assertIn("前辛庄村", self.body())
        self.assertIn("桥梓镇", self.body())
        # The inbox leads to 怀柔区's own sheet; the city reviews every check, passes and approves it.
        self.go("/inbox")
        self.d.find_element(By.PARTIAL_LINK_TEXT, "待您审核").click()
        self.assertIn("怀柔区", self.body())
        selects = self.d.find_elements(By.CSS_SELECTOR, "select[name^='decision.']")
        self.assertTrue(selects, "a decision for each evidenced check")
        for select in selects:
            Select(select).select_by_value("accepted")
        self.submit_form("/review")
        self.assertIn("已保存", self.body())
        # Passing and approving are confirmed on a page that says what they do.
        self.click(self.button("审核完毕，上报"))
        self.assertIn("审核结论", self.body())
        self.submit_form("/pass")
        self.assertIn("待审定", self.body())
        self.d.find_element(By.PARTIAL_LINK_TEXT, "审定并锁定").click()
        self.assertIn("审定后评估结果锁定", self.body())
        self.submit_form("/approve")
        self.assertIn("已审定", self.body())
        self.shot("17-district-sheet-approved-by-city")

    def test_10_township_follows_up_an_overdue_rectification_on_a_phone(self):
        self.d.set_window_size(390, 844)
        self.login("demo.township")
        # The inbox names the overdue rectification and leads to the township's list.
        self.go("/inbox")
        self.d.find_element(By.PARTIAL_LINK_TEXT, "整改逾期").click()
        page = self.body()
        self.assertIn("北宅村", page)
        self.assertIn("逾期5天", page)
        self.assertIn("李强（村委会主任）", page)
        self.shot("18-rectifications-phone")
        # From the list to the village's own list, where the township adds a supervision note.
        self.d.find_element(By.LINK_TEXT, "北宅村").click()
        note = [f for f in self.d.find_elements(By.CSS_SELECTOR, "form") if (f.get_attribute("action") or "").endswith("/rectification/notes")][0]
        note.find_element(By.NAME, "note").send_keys("请于本月20日前补开第四季度村民代表会议")
        self.click(note.find_element(By.CSS_SELECTOR, "button"))
        self.assertIn("已保存", self.body())
        self.assertIn("请于本月20日前补开第四季度村民代表会议", self.body())
        self.assertIn("桥梓镇", self.body())
        self.shot("19-rectification-supervised-phone")

    def test_12_long_lists_page_and_filter_on_a_phone_and_a_desktop(self):
        # A clerk on a phone reads the village's meetings a page at a time, newest first.
        self.login("demo.station")
        vid = self.village("前辛庄村")
        self.d.set_window_size(390, 844)
        self.go(f"/units/{vid}/records/meetings?limit=2")
        first = self.body()
        self.assertRegex(first, r"共\d+条，本页2条")
        first_rows = [tr.text for tr in self.d.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        self.assertEqual(len(first_rows), 2)
        # The date filter is there for a kind with a date; the pager goes on and comes back.
        self.assertTrue(self.d.find_elements(By.CSS_SELECTOR, "main form.filters input[name=from]"))
        width = self.d.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390, "the records list scrolls sideways on a phone")
        self.shot("12-records-page-phone")
        self.click(self.d.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
        second_rows = [tr.text for tr in self.d.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        self.assertTrue(second_rows and not set(second_rows) & set(first_rows), f"the next page has other meetings: {first_rows} then {second_rows} at {self.d.current_url}")
        self.assertIn("limit=2", self.d.current_url)
        self.click(self.d.find_element(By.PARTIAL_LINK_TEXT, "回到第一页"))
        self.assertEqual([tr.text for tr in self.d.find_elements(By.CSS_SELECTOR, "main table tbody tr")], first_rows)
        # Complaints filtered by their state: the choice is kept on the page it leads to.
        self.go(f"/units/{vid}/complaints")
        Select(self.d.find_element(By.NAME, "status")).select_by_value("resolved")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form.filters button[type=submit]"))
        self.assertIn("status=resolved", self.d.current_url)
        self.assertEqual(Select(self.d.find_element(By.NAME, "status")).first_selected_option.get_attribute("value"), "resolved")
        self.assertNotIn("待处理", " ".join(td.text for td in self.d.find_elements(By.CSS_SELECTOR, "main table tbody td")))
        # A resident, not signed in, reads the village's disclosures on the phone a page at a time.
        self.d.delete_all_cookies()
        self.go(f"/public/villages/{vid}/disclosures?limit=2")
        self.assertRegex(self.body(), r"共\d+条，本页2条")
        titles = [a.text for a in self.d.find_elements(By.CSS_SELECTOR, "main article.disclosure")]
        self.assertEqual(len(titles), 2)
        self.assertLessEqual(self.d.execute_script("return document.documentElement.scrollWidth"), 390,
                             "the disclosures scroll sideways on a phone")
        self.shot("12d-disclosures-phone")
        self.click(self.d.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
        later = [a.text for a in self.d.find_elements(By.CSS_SELECTOR, "main article.disclosure")]
        self.assertTrue(later and not set(later) & set(titles), "the next page has other disclosures")
        self.assertIn("回到第一页", self.body())
        self.d.set_window_size(1366, 768)
        # The administrator finds an account by the start of its username and reads the audit log a page at a time.
        self.login("demo.admin")
        self.go("/admin/users")
        box = self.d.find_element(By.NAME, "q")
        box.send_keys("demo.s")
        self.click(self.d.find_element(By.CSS_SELECTOR, "main form.filters button[type=submit]"))
        names = [tr.find_element(By.TAG_NAME, "a").text for tr in self.d.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        self.assertTrue(names and all(n.startswith("demo.s") for n in names), names)
        self.assertIn("demo.station", names)
        self.shot("12b-users-search")
        self.go("/audit?limit=5")
        self.assertRegex(self.body(), r"共\d+条，本页5条")
        self.click(self.d.find_element(By.CSS_SELECTOR, "nav.pager a[rel=next]"))
        self.assertIn("回到第一页", self.body())
        self.shot("12c-audit-second-page")

    def test_6_switch_to_english_and_back(self):
        self.login("demo.township")
        self.assertEqual(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-CN")
        self.d.find_element(By.CSS_SELECTOR, "header a.lang").click()
        self.assertEqual(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        self.assertIn("Notices", self.d.find_element(By.TAG_NAME, "nav").text)
        # The choice is remembered from page to page.
        vid = self.village("前辛庄村")
        self.assertIn("Work records", self.body())
        self.go(f"/units/{vid}/standard")
        self.assertIn("1. Community governance", self.body())
        self.assertIn("Villagers' representative meeting", self.body())
        self.shot("12-english-standard")
        self.d.find_element(By.CSS_SELECTOR, "header a.lang").click()
        self.assertEqual(self.d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-CN")
        self.assertIn("一、社区管理体制", self.body())
        self.assertIn(f"/units/{vid}/standard", self.d.current_url, "the switch comes back to the same page")

    def test_7_keyboard_only_sign_in(self):
        """Tab reaches the skip link first, every control is reachable, Enter submits."""
        from selenium.webdriver.common.keys import Keys
        self.d.delete_all_cookies()
        self.go("/login")
        body = self.d.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        active = self.d.switch_to.active_element
        self.assertEqual(active.get_attribute("href").split("#")[-1], "main", "the skip link comes first")
        # Walk forward until the user-name field has focus, as a keyboard user would.
        for _ in range(15):
            if self.d.switch_to.active_element.get_attribute("name") == "username":
                break
            self.d.switch_to.active_element.send_keys(Keys.TAB)
        self.assertEqual(self.d.switch_to.active_element.get_attribute("name"), "username")
        self.d.switch_to.active_element.send_keys("demo.station", Keys.TAB)
        self.assertEqual(self.d.switch_to.active_element.get_attribute("name"), "password")
        field = self.d.switch_to.active_element
        field.send_keys(PASSWORD, Keys.ENTER)
        self.wait_left(field)
        self.assertNotIn("/login", self.d.current_url)
        outline = self.d.execute_script(
            "var a=document.querySelector('main a'); a.focus(); return getComputedStyle(a).outlineStyle + ' ' + getComputedStyle(a).outlineWidth;")
        self.assertTrue(outline.startswith("solid 3px"), f"a visible focus ring: {outline}")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    print(f"axe-core checked {Flow.axe_pages} pages")
    sys.exit(0 if result.wasSuccessful() else 1)
