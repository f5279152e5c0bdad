#!/usr/bin/env python3
"""The mixed peak's helper (Benchmarks/peak.sh, issue 24): sessions, target lists, signed
96156 tickets and the report. Only the standard library.

  peak.py setup                  accounts and sessions, the lists the wrk scripts read
  peak.py tickets RATE SECONDS   signed 96156 tickets for one run of the mix
  peak.py report STEP            the table and the goals of one run of the mix
  peak.py summary STEP...        the highest intake rate at which every goal was met
  peak.py logout                 ends the sessions setup started

Reads BENCH_DIR, PORT and the data set's database (CUNWU_DATABASE_PATH, or DATABASE_URL
through psql); writes into $BENCH_DIR/peak. Accounts it makes are kept in the data set
(peak.clerk.NN, peak.township.NN, peak.district.NN) and signed into again on later runs.
"""
import base64
import hashlib
import hmac
import http.cookies
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

BENCH_DIR = os.environ["BENCH_DIR"]
WORK = os.path.join(BENCH_DIR, "peak")
PORT = os.environ.get("PORT", "8097")
BASE = f"http://127.0.0.1:{PORT}"
ADMIN = os.environ.get("PEAK_ADMIN", "bench.admin")
ADMIN_PASSWORD = os.environ.get("CUNWU_DEMO_PASSWORD") or "bench-pass-2026"
PASSWORD = os.environ.get("PEAK_PASSWORD", "peak-mix-Load-2026")
CLERKS = int(os.environ.get("PEAK_CLERKS", "16"))
TOWNSHIP_OFFICIALS = int(os.environ.get("PEAK_TOWNSHIP_OFFICIALS", "4"))
DISTRICT_OFFICIALS = int(os.environ.get("PEAK_DISTRICT_OFFICIALS", "2"))


def path(name):
    return os.path.join(WORK, name)


# --- The database (read only) -------------------------------------------------------

def query(sql):
    """Rows of text (UUIDs in upper case, as the app writes them to SQLite)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        out = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-F", "\t", "-d", url, "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        rows = [line.split("\t") for line in out.splitlines() if line]
    else:
        db = os.environ.get("CUNWU_DATABASE_PATH") or os.path.join(BENCH_DIR, "bench.sqlite")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            rows = [["" if v is None else str(v) for v in row] for row in con.execute(sql)]
        finally:
            con.close()
    uuid = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    return [[v.upper() if uuid.match(v) else v for v in row] for row in rows]


# --- HTTP ------------------------------------------------------------------------------

def call(method, route, body=None, cookie=None, csrf=None, timeout=120):
    """(status, headers, text) of one request; never raises on an HTTP status."""
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    req = urllib.request.Request(BASE + route, data=data, headers=headers, method=method)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def sign_in(username, password):
    """(cookie header, CSRF token), or None with the refusal printed."""
    status, headers, text = call("POST", "/api/v1/session", {"username": username, "password": password})
    if status != 200:
        print(f"peak: sign-in of {username} refused: {status} {text[:300]}", file=sys.stderr)
        return None
    cookie = None
    for value in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(value)
        if "cunwu_session" in jar and jar["cunwu_session"].value:
            cookie = "cunwu_session=" + jar["cunwu_session"].value
    if cookie is None:
        print(f"peak: sign-in of {username} set no cunwu_session cookie", file=sys.stderr)
        return None
    return cookie, json.loads(text)["csrfToken"]


def short(text, n=300):
    text = re.sub(r"<style.*?</style>|<script.*?</script>", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()[:n]


# --- setup -------------------------------------------------------------------------------

def spread(items, count):
    """`count` items spread evenly over the list (all when fewer)."""
    if count >= len(items):
        return list(items)
    return [items[int(i * len(items) / count)] for i in range(count)]


def cursor(received_on, request_id):
    raw = (received_on + "\x1f" + request_id).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def setup():
    os.makedirs(WORK, exist_ok=True)
    rng = random.Random(1)
    units = query("SELECT id, kind, path, COALESCE(CAST(parent_id AS TEXT), '') FROM units WHERE closed_on IS NULL ORDER BY path")
    kind = {u[0]: u[1] for u in units}
    parent = {u[0]: u[3] for u in units}
    children = {}
    for u in units:
        children.setdefault(u[3], []).append(u[0])
    villages = [u[0] for u in units if u[1] == "village"]
    townships = [u[0] for u in units if u[1] == "township"]
    districts = [u[0] for u in units if u[1] == "district"]
    if not villages or not districts:
        sys.exit("peak: the data set has no districts or villages (run `cunwu generate` first)")
    cycles = {}
    for unit_id, cycle_id, _year in query("SELECT unit_id, id, year FROM assessment_cycles ORDER BY year"):
        cycles[unit_id] = cycle_id  # the latest year's wins

    def district_of(unit):
        while unit and kind.get(unit) != "district":
            unit = parent.get(unit)
        return unit

    def villages_below(unit):
        out, stack = [], [unit]
        while stack:
            u = stack.pop()
            if kind.get(u) == "village":
                out.append(u)
            stack.extend(children.get(u, []))
        return sorted(out)

    window = [r[0] for r in query("SELECT DISTINCT unit_id FROM rec_services WHERE code = 'SB-01' AND deleted_at IS NULL")]
    if not window:
        sys.exit("peak: no village has the window service SB-01")
    window.sort()

    admin = sign_in(ADMIN, ADMIN_PASSWORD)
    if admin is None:
        sys.exit(1)
    # The accounts made on an earlier run (the list is paged: follow `next`).
    existing, after = set(), ""
    while True:
        status, _, text = call("GET", "/api/v1/users?q=peak.&limit=200" + (f"&cursor={after}" if after else ""), cookie=admin[0], csrf=admin[1])
        if status != 200:
            sys.exit(f"peak: listing users failed: {status} {text[:300]}")
        listed = json.loads(text)
        existing |= {u["username"] for u in listed["users"]}
        after = listed.get("next") or ""
        if not after:
            break

    def account(username, display, role, unit):
        if username not in existing:
            status, _, text = call("POST", "/api/v1/users", {"username": username, "displayName": display, "password": PASSWORD,
                                                             "role": role, "unitID": unit}, cookie=admin[0], csrf=admin[1])
            if status not in (200, 201):
                sys.exit(f"peak: creating {username} failed: {status} {text[:300]}")
        session = sign_in(username, PASSWORD)
        if session is None:
            sys.exit(1)
        return session

    sessions = [admin]
    # Station clerks: villages spread over the city, each with its own session.
    clerk_villages = spread([v for v in villages if district_of(v) in cycles], CLERKS)
    clerk_lines = []
    for n, village in enumerate(clerk_villages, 1):
        cookie, _ = s = account(f"peak.clerk.{n:02d}", f"服务站{n:02d}", "stationStaff", village)
        sessions.append(s)
        base = f"/units/{village}"
        recent = query(f"SELECT id, received_on FROM service_requests WHERE unit_id = '{village}' "
                       f"ORDER BY received_on DESC, id DESC LIMIT 51")
        older = query(f"SELECT id FROM service_requests WHERE unit_id = '{village}' ORDER BY random() LIMIT 3")
        pages = [base + "/station"] * 3 + [base + "/requests"] * 2
        if len(recent) > 50:
            pages.append(base + "/requests?cursor=" + cursor(recent[49][1], recent[49][0]))
        details = [r[0] for r in recent[:3]] + [r[0] for r in older]
        pages += [f"{base}/requests/{rid}" for rid in details]
        clerk_lines += [(cookie, p) for p in pages]

    # Officials: townships and districts spread over the city.
    official_lines = []
    for n, township in enumerate(spread([t for t in townships if district_of(t) in cycles], TOWNSHIP_OFFICIALS), 1):
        cookie, _ = s = account(f"peak.township.{n:02d}", f"乡镇干部{n:02d}", "townshipOfficial", township)
        sessions.append(s)
        cycle = cycles[district_of(township)]
        pages = [f"/units/{township}"] * 2 + [f"/units/{township}/dashboard/{cycle}"] * 2
        pages += [f"/units/{v}/cycles/{cycle}" for v in rng.sample(villages_below(township), min(6, len(villages_below(township))))]
        official_lines += [(cookie, p) for p in pages]
    district_sessions = []
    for n, district in enumerate(spread([d for d in districts if d in cycles], DISTRICT_OFFICIALS), 1):
        cookie, csrf = s = account(f"peak.district.{n:02d}", f"区县干部{n:02d}", "districtOfficial", district)
        sessions.append(s)
        district_sessions.append((district, cookie, csrf))
        cycle = cycles[district]
        dashboard = f"/units/{district}/dashboard/{cycle}"
        below = villages_below(district)
        pages = [dashboard] * 2 + [dashboard + "?sort=score&dir=desc"]
        if len(below) > 50:
            pages.append(dashboard + "?page=2")
        own_townships = [t for t in children.get(district, []) if kind.get(t) == "township"]
        pages += [f"/units/{t}" for t in rng.sample(own_townships, min(2, len(own_townships)))]
        pages += [f"/units/{v}/cycles/{cycle}" for v in rng.sample(below, min(6, len(below)))]
        official_lines += [(cookie, p) for p in pages]

    # Every page once before the mix: it must answer 200, and its first view warms what
    # later views reuse (as run.sh warms its pages).
    failures = 0
    for cookie, page in sorted(set(clerk_lines + official_lines)):
        status, _, text = call("GET", page, cookie=cookie)
        if status != 200:
            failures += 1
            print(f"peak: GET {page} answered {status}: {short(text)}", file=sys.stderr)
    rng.shuffle(clerk_lines)
    rng.shuffle(official_lines)
    with open(path("clerks.txt"), "w") as f:
        f.writelines(f"{c}\t{p}\n" for c, p in clerk_lines)
    with open(path("officials.txt"), "w") as f:
        f.writelines(f"{c}\t{p}\n" for c, p in official_lines)
    # Window intake: as run.sh's intake, the administrator at every village with SB-01.
    with open(path("intake.txt"), "w") as f:
        f.writelines(f"{admin[0]}\t{admin[1]}\t{v}\tSB-01\n" for v in window)
    # 96156 stations: villages with a live 96156 secret and the service SB-01.
    keys = query("SELECT unit_id, secret FROM integration_keys WHERE kind = 'hotline96156' AND revoked_at IS NULL ORDER BY unit_id, created_at")
    window_set = set(window)
    stations = {}
    for unit, secret in keys:
        if unit in window_set:
            stations.setdefault(unit, secret)
    if not stations:
        sys.exit("peak: no village has a 96156 secret and the service SB-01")
    with open(path("stations.txt"), "w") as f:
        f.writelines(f"{u}\t{s}\n" for u, s in sorted(stations.items()))
    district, cookie, csrf = district_sessions[0]
    with open(path("export.env"), "w") as f:
        f.write(f"EXPORT_UNIT={district}\nEXPORT_CYCLE={cycles[district]}\nEXPORT_COOKIE='{cookie}'\nEXPORT_CSRF='{csrf}'\n")
    with open(path("sessions.txt"), "w") as f:
        f.writelines(f"{c}\t{t}\n" for c, t in sessions)
    print(f"sessions: {len(clerk_villages)} station clerks ({len(clerk_lines)} page targets), "
          f"{len(sessions) - 1 - len(clerk_villages)} officials ({len(official_lines)} page targets), "
          f"intake at {len(window)} villages, 96156 tickets to {len(stations)} stations, "
          f"export of a district's {len(villages_below(district))} villages")
    if failures:
        sys.exit(f"peak: {failures} page(s) did not answer 200 before the mix")


# --- 96156 tickets ---------------------------------------------------------------------------

def tickets(rate, seconds):
    """Signed tickets for one run: each id used once, the timestamp the run's middle (the
    server takes 5 minutes either side)."""
    rate, seconds = float(rate), float(seconds)
    if seconds > 560:
        sys.exit("peak: a run longer than 9 minutes outlives the tickets' 5-minute window")
    stations = [line.rstrip("\n").split("\t") for line in open(path("stations.txt"))]
    count = int(math.ceil(rate * seconds * 1.2)) + 100
    stamp = str(int(time.time() + seconds / 2))
    run = "%x" % int(time.time() * 1000)
    rng = random.Random(run)
    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
    with open(path("tickets.txt"), "w", encoding="utf-8") as f:
        for n in range(count):
            station, secret = stations[(n * 7919) % len(stations)]
            body = json.dumps({"ticketId": f"peak-{run}-{n}", "serviceCode": "SB-01", "callerName": rng.choice(names) + "先生",
                               "callerPhone": "139%08d" % rng.randrange(10 ** 8), "content": f"96156热线转办：咨询养老保险参保（{n}）"},
                              ensure_ascii=False, separators=(",", ":"))
            mac = hmac.new(secret.encode(), (stamp + ".").encode() + body.encode(), hashlib.sha256).hexdigest()
            f.write(f"{station}\t{stamp}\tsha256={mac}\t{body}\n")


# --- report ------------------------------------------------------------------------------

LINE = re.compile(r"^(\S+): ([\d.]+) req/s  p50 ([\d.]+) ms  p95 ([\d.]+) ms  p99 ([\d.]+) ms  \((\d+) requests, (\d+) errors\)")
PAGES = ("clerks", "officials")
INTAKE = ("intake", "tickets")


def results(step):
    out = {}
    for name in PAGES + INTAKE:
        try:
            text = open(path(f"{step}-{name}.txt"), encoding="utf-8", errors="replace").read()
        except FileNotFoundError:
            continue
        m = next((LINE.match(l) for l in text.splitlines() if LINE.match(l)), None)
        if m:
            out[name] = dict(rate=float(m[2]), p50=float(m[3]), p95=float(m[4]), p99=float(m[5]), requests=int(m[6]), errors=int(m[7]),
                             extra=[l for l in text.splitlines() if l.startswith(("  statuses", "  first unexpected"))])
        else:
            out[name] = dict(rate=0, p50=0, p95=0, p99=0, requests=0, errors=1, extra=["  wrk gave no result: " + text.strip()[-300:]])
    return out


def report(step):
    r = results(step)
    meta = dict(line.rstrip("\n").split("=", 1) for line in open(path(f"{step}-meta.txt")) if "=" in line)
    export = dict(line.rstrip("\n").split("=", 1) for line in open(path(f"{step}-export.txt")) if "=" in line)
    health = float(meta.get("health", "0") or 0)
    targets = {"intake": float(meta["intake_rate"]), "tickets": float(meta["ticket_rate"]),
               "clerks": float(meta["clerk_rate"]), "officials": float(meta["official_rate"])}
    print(f"{'class':<10} {'req/s':>9} {'target':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    total = 0.0
    for name in PAGES + INTAKE:
        if name not in r:
            continue
        x = r[name]
        total += x["rate"]
        target = f"{targets[name]:.0f}" if targets[name] > 0 else "max"
        print(f"{name:<10} {x['rate']:>9.1f} {target:>8} {x['p50']:>8.1f} {x['p95']:>8.1f} {x['p99']:>8.1f} {x['requests']:>9} {x['errors']:>7}")
        for line in x["extra"]:
            print("  " + line.strip())
    exports_done, exports_errors = int(export.get("done", 0)), int(export.get("errors", 0))
    print(f"{'export':<10} {exports_done} job(s) done, {exports_errors} error(s); seconds each: {export.get('times', '-') or '-'}")
    for line in open(path(f"{step}-export.txt")):
        if line.startswith("error "):
            print("  " + line.strip())
    share = total / health if health else 0
    print(f"mix: {total:.1f} req/s in all = {share:.3f} of /healthz ({health:.0f} req/s alone)")
    hwm, sampled, reset = meta.get("vmhwm_mb", "?"), meta.get("rss_max_mb", "?"), meta.get("hwm_reset", "0") == "1"
    print(f"memory: serve's peak resident memory {hwm} MB ({'VmHWM, reset before the mix' if reset else 'VmHWM since serve started'}; "
          f"highest sampled VmRSS {sampled} MB)")
    errors = sum(x["errors"] for x in r.values()) + exports_errors
    page_p95 = max((r[n]["p95"] for n in PAGES if n in r), default=0)
    intake_p99 = max((r[n]["p99"] for n in INTAKE if n in r), default=0)
    short_of = [n for n in ("intake", "tickets") if n in r and targets[n] > 0 and r[n]["rate"] < 0.95 * targets[n]]
    goals = [
        (f"page p95 < 100 ms (clerks {r.get('clerks', {}).get('p95', 0):.1f}, officials {r.get('officials', {}).get('p95', 0):.1f})", page_p95 < 100),
        (f"intake p99 < 50 ms (window {r.get('intake', {}).get('p99', 0):.1f}, 96156 {r.get('tickets', {}).get('p99', 0):.1f})", intake_p99 < 50),
        (f"0 errors ({errors})", errors == 0 and exports_done > 0 if meta.get("export", "1") == "1" else errors == 0),
        ("intake and 96156 at their target rates" + (f" (short: {', '.join(short_of)})" if short_of else ""), not short_of),
    ]
    for text, ok in goals:
        print(f"goal: {text}: {'met' if ok else 'NOT MET'}")
    met = all(ok for _, ok in goals)
    with open(path(f"{step}-verdict.txt"), "w") as f:
        f.write(f"met={1 if met else 0}\nintake_rate={targets['intake']}\ntotal={total:.1f}\nshare={share:.3f}\n")


def summary(steps):
    best = None
    for step in steps:
        v = dict(line.rstrip("\n").split("=", 1) for line in open(path(f"{step}-verdict.txt")))
        if v["met"] == "1" and (best is None or float(v["intake_rate"]) > float(best["intake_rate"])):
            best = v
    if best is None:
        print("highest sustained rate: none of the runs met every goal")
        return 1
    print(f"highest sustained rate: window intake at {float(best['intake_rate']):.0f} req/s, the whole mix {best['total']} req/s "
          f"= {best['share']} of /healthz, every goal met")
    return 0


def logout():
    try:
        lines = [l.rstrip("\n").split("\t") for l in open(path("sessions.txt"))]
    except FileNotFoundError:
        return
    for cookie, csrf in lines:
        call("DELETE", "/api/v1/session", cookie=cookie, csrf=csrf, timeout=10)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        setup()
    elif command == "tickets":
        tickets(sys.argv[2], sys.argv[3])
    elif command == "report":
        report(sys.argv[2])
    elif command == "summary":
        sys.exit(summary(sys.argv[2:]))
    elif command == "logout":
        logout()
    else:
        sys.exit(__doc__)
