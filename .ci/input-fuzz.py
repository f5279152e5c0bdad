#!/usr/bin/env python3
"""Input fuzzing of every route (issue 18): the HTML pages and forms as well as the JSON API.

Reads the route table (`cunwu routes`), signs in as an administrator, crawls the site to
learn real ids for each route's path parameters and the fields of each form, then sends
every route extreme values in its path, its query and its body: huge and negative
integers, years and dates far off, very long strings, NUL and other control characters,
bytes that are not UTF-8, repeated fields. Requests go over raw sockets, so any byte can be
sent. It fails on any 5xx answer, on a connection the server drops, and on a server that
stops answering /healthz (a crash). Bounded in time (FUZZ_INPUT_SECONDS, default 240) and
in requests per route; only 127.0.0.1 is contacted.

  .ci/input-fuzz.py --base http://127.0.0.1:8099 --routes routes.json --cookie 'cunwu_session=…' --csrf TOKEN
"""
import argparse, json, random, re, socket, sys, time, urllib.parse
from html.parser import HTMLParser

EXTREME_TEXT = [
    "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999999999",
    "1e309", "NaN", "-0", "0x7fffffff", "9999-12-31", "0000-00-00", "-0001-01-01", "2026-02-30", "2026-13-01",
    "A" * 5000, "长" * 3000, "\x00", "a\x00b", "\x1b[31m", "\u202e", "😀" * 50, "' OR 1=1 --", "<script>alert(1)</script>",
    "../../../../etc/passwd", "%00", "%FF", "\r\nX-Injected: 1", "", " ",
]
# Raw bytes that are not UTF-8, sent as such (not percent-encoded) or percent-encoded.
BAD_BYTES = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]
COMMON_QUERY = ["page", "year", "from", "to", "status", "format", "next", "code", "phone", "cycle", "service", "subject",
                "reveal", "print", "q", "kind", "start_date", "end_date", "jurisdiction_id", "api_key", "service_request_id",
                "service_code", "objectType", "username", "sort", "size", "limit", "cursor", "unit", "as"]


class Forms(HTMLParser):
    """Links and forms of one page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.current = set(), [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.add(a["href"])
        elif tag == "form":
            self.current = {"action": a.get("action") or "", "method": (a.get("method") or "get").upper(), "fields": {}}
            self.forms.append(self.current)
        elif tag in ("input", "select", "textarea") and self.current is not None and a.get("name"):
            self.current["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


class Client:
    def __init__(self, base, cookie, csrf):
        parsed = urllib.parse.urlparse(base)
        assert parsed.hostname in ("127.0.0.1", "localhost", "::1"), "the fuzzer only talks to this machine"
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.cookie, self.csrf = cookie, csrf

    def send(self, method, target: bytes, body: bytes = b"", content_type: str = None, timeout=30):
        """One request on its own connection; returns (status, body) or raises on a dropped connection."""
        head = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close",
                b"Cookie: " + self.cookie.encode(), b"X-CSRF-Token: " + self.csrf.encode()]
        if content_type:
            head.append(b"Content-Type: " + content_type.encode())
        if body or method in ("POST", "PUT", "PATCH"):
            head.append(b"Content-Length: " + str(len(body)).encode())
        data = b"\r\n".join(head) + b"\r\n\r\n" + body
        with socket.create_connection((self.host, self.port), timeout=timeout) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass  # refused before the body was read (413): the answer is waiting
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    # The server may refuse a body it will not read (413) and close early.
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw:
            raise ConnectionError("no answer")
        status = int(raw.split(b" ", 2)[1])
        return status, raw.split(b"\r\n\r\n", 1)[-1]

    def healthy(self):
        try:
            return self.send("GET", b"/healthz", timeout=10)[0] == 200
        except OSError:
            return False


def pattern(path):
    """A route's path as a regex with one group per parameter."""
    parts = []
    for part in path.strip("/").split("/"):
        parts.append("([^/?#]+)" if part.startswith(":") else re.escape(part))
    return re.compile("^/" + "/".join(parts) + "$"), [p[1:] for p in path.strip("/").split("/") if p.startswith(":")]


def quote(value):
    if isinstance(value, bytes):
        return urllib.parse.quote_from_bytes(value, safe="").encode()
    return urllib.parse.quote(value, safe="").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--routes", required=True)
    ap.add_argument("--openapi")
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--csrf", required=True)
    ap.add_argument("--seconds", type=float, default=240)
    ap.add_argument("--per-route", type=int, default=36)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    client = Client(args.base, args.cookie, args.csrf)
    routes = json.load(open(args.routes))
    schemas = {}
    if args.openapi:
        schemas = json.load(open(args.openapi)).get("components", {}).get("schemas", {})

    # Crawl as the administrator: real ids for path parameters, the fields of every form.
    seen, queue, forms, hrefs = set(), ["/"], [], set()
    deadline_crawl = time.time() + min(60, args.seconds / 4)
    while queue and len(seen) < 250 and time.time() < deadline_crawl:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            status, body = client.send("GET", path.encode())
        except OSError:
            continue
        parser = Forms()
        try:
            parser.feed(body.decode("utf-8", "replace"))
        except Exception:
            continue
        for form in parser.forms:
            forms.append(form)
        for link in parser.links:
            if link.startswith("/") and not link.startswith("//") and "logout" not in link:
                hrefs.add(link)
                bare = link.split("#")[0]
                if bare not in seen and not re.search(r"\.(csv|xlsx|pdf)$|format=|/attachments/", bare):
                    queue.append(bare)
    targets = hrefs | {f["action"] for f in forms}
    learned = {}
    for route in routes:
        rx, names = pattern(route["path"])
        for target in targets:
            m = rx.match(target.split("?")[0])
            if m:
                for name, value in zip(names, m.groups()):
                    learned.setdefault(name, set()).add(value)
    print(f"crawled {len(seen)} pages, {len(forms)} forms; learned values for {sorted(learned)}", flush=True)

    def fill(path, override=None):
        out = []
        for part in path.strip("/").split("/"):
            if part.startswith(":"):
                name = part[1:]
                if override and name in override:
                    out.append(override[name])
                else:
                    values = sorted(learned.get(name, []))
                    out.append(quote(rng.choice(values) if values else "0E9B8A5C-3F1D-4B2A-9C8E-000000000000"))
            else:
                out.append(part.encode())
        return b"/" + b"/".join(out)

    def json_fields(route):
        schema = schemas.get(route.get("request") or "", {})
        props = schema.get("properties", {})
        return list(props) or ["name", "year", "date", "content", "page"]

    failures, count, dropped = [], 0, 0
    started = time.time()
    skip = {("POST", "/logout"), ("DELETE", "/api/v1/session")}
    rng.shuffle(routes)
    covered = 0
    for index, route in enumerate(routes):
        if time.time() - started > args.seconds:
            print("time is up", flush=True)
            break
        covered += 1
        # Each route gets its share of the time left, so every route is reached.
        route_deadline = time.time() + (args.seconds - (time.time() - started)) / (len(routes) - index)
        method, path = route["method"], route["path"]
        if (method, path) in skip:
            continue
        # The administrator's own account is not disabled or reset under the fuzzer.
        mutating_users = method != "GET" and ":userID" in path
        fixed = {"userID": quote("0E9B8A5C-3F1D-4B2A-9C8E-000000000001")} if mutating_users else {}
        cases = []
        params = [p[1:] for p in path.strip("/").split("/") if p.startswith(":")]
        for name in params:
            for value in EXTREME_TEXT[:20]:
                cases.append((fill(path, {**fixed, name: quote(value)}), b"", None))
            for raw in BAD_BYTES:
                cases.append((fill(path, {**fixed, name: raw}), b"", None))
        base = fill(path, fixed)
        for name in route.get("query", []) + rng.sample(COMMON_QUERY, 8):
            for value in rng.sample(EXTREME_TEXT, 8):
                cases.append((base + b"?" + name.encode() + b"=" + quote(value), b"", None))
            cases.append((base + b"?" + name.encode() + b"=" + rng.choice(BAD_BYTES), b"", None))
        cases.append((base + b"?" + b"&".join(b"page=%d" % i for i in range(300)), b"", None))
        if method != "GET":
            rx, _ = pattern(path)
            matching = [f for f in forms if rx.match(f["action"].split("?")[0]) and f["method"] == method]
            if matching:
                fields = dict(matching[0]["fields"])
            else:
                fields = {n: "1" for n in json_fields(route)}
            fields["_csrf"] = args.csrf
            for name in [n for n in fields if n != "_csrf"]:
                for value in rng.sample(EXTREME_TEXT, 10) + BAD_BYTES[:2]:
                    body = dict(fields)
                    encoded = b"&".join(quote(k) + b"=" + (quote(v) if k != name else (quote(value) if isinstance(value, str) else value))
                                        for k, v in body.items())
                    cases.append((base, encoded, "application/x-www-form-urlencoded"))
            for name in json_fields(route):
                for value in [2**63, -2**63, 2**64, 1e308, -1, "\u0000", "x" * 100000, [1, [2, [3]]], {"a": None}, None, True, "9999-12-31"]:
                    body = {n: "1" for n in json_fields(route)}
                    body[name] = value
                    cases.append((base, json.dumps(body).encode(), "application/json"))
            cases.append((base, b"{\"a\":\"" + b"\xff\xfe" + b"\"}", "application/json"))
            cases.append((base, b"[" * 5000, "application/json"))
            cases.append((base, b"&".join([b"a=1"] * 30000), "application/x-www-form-urlencoded"))
        rng.shuffle(cases)
        for target, body, content_type in cases[: args.per_route]:
            if time.time() > route_deadline:
                break
            count += 1
            # A request line must be ASCII (RFC 9112): one holding raw bytes that are not is
            # refused by the HTTP parser, which closes the connection; that is an answer too.
            invalid_line = any(b >= 0x80 or b < 0x21 for b in target)
            try:
                status, answer = client.send(method, target, body, content_type)
            except OSError as error:
                if not client.healthy():
                    print(f"FAIL the server stopped answering after {method} {target[:200]!r}: {error}", flush=True)
                    sys.exit(1)
                if invalid_line:
                    dropped += 1
                else:
                    failures.append((method, target[:200], f"connection: {error}"))
                continue
            if status >= 500:
                failures.append((method, target[:200], f"{status} {answer[:200]!r} body={body[:120]!r}"))
        if not client.healthy():
            print(f"FAIL the server stopped answering during {method} {path}", flush=True)
            sys.exit(1)
    for failure in failures[:40]:
        print("FAIL", *failure, flush=True)
    print(f"{count} requests over {covered} of {len(routes)} routes in {time.time() - started:.0f} s: {len(failures)} failed"
          f" ({dropped} with raw bytes in the request line were refused by closing the connection)", flush=True)
    if covered < len(routes):
        print(f"FAIL only {covered} of {len(routes)} routes were reached", flush=True)
        sys.exit(1)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
