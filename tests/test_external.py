"""External links: collected from pages, checked against a real HTTP server on 127.0.0.1.

The server runs in the test process on a free port, so the checks exercise
urllib for real (HEAD, redirects, GET fallback, timeouts) without leaving the
machine; it counts what it is asked, which is how the cache is proven to
spare requests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from macros.check.external import check_urls, external_links, findings_for, listing
from macros.text.document import parse
from macros.text.htmldoc import parse_html

TIMEOUT = 0.5  # the slow route answers only when the test ends, far beyond this


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handlers: nothing outlives the test

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.release = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request, client_address) -> None:
        pass  # the slow route writes to a client that gave up: expected, not news

    def counts(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter(self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def _answer(self, method: str) -> None:
        with self.server.lock:
            self.server.requests.append((method, self.path))
        if self.path == "/hangup" and method == "HEAD":
            return  # close the connection without a word
        if self.path == "/slow":
            self.server.release.wait(5)
        status = {"/ok": 200, "/moved": 301, "/slow": 200, "/no-head": 200, "/hangup": 200}
        code = status.get(self.path, 404)
        if self.path == "/no-head" and method == "HEAD":
            code = 405
        body = b"" if method == "HEAD" else b"page\n"
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def server(monkeypatch):
    """A local server for one test; proxies cleared so requests go straight to 127.0.0.1."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "*")
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()  # let the slow handler finish, so server_close() can join it
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_statuses_redirects_and_fallbacks(server, tmp_path):
    urls = [server.url(p) for p in ("/ok", "/missing", "/moved", "/no-head", "/hangup", "/slow")]
    started = time.monotonic()
    results = check_urls(urls, tmp_path / "links.json", timeout=TIMEOUT)
    assert time.monotonic() - started < 4 * TIMEOUT  # the slow one costs one timeout, not more

    ok, missing, moved, no_head, hangup, slow = (results[u] for u in urls)
    assert (ok.status, ok.ok) == (200, True)
    assert (missing.status, missing.ok) == (404, False)
    assert (moved.status, moved.ok) == (200, True)
    assert (no_head.status, no_head.ok) == (200, True)
    assert (hangup.status, hangup.ok) == (200, True)
    assert (slow.status, slow.error, slow.ok) == (None, "no answer within 0.5 s", False)
    assert server.counts() == {
        ("HEAD", "/ok"): 2,  # once asked, once at the end of the redirect (still HEAD)
        ("HEAD", "/missing"): 1,
        ("HEAD", "/moved"): 1,
        ("HEAD", "/no-head"): 1,
        ("GET", "/no-head"): 1,
        ("HEAD", "/hangup"): 1,
        ("GET", "/hangup"): 1,
        ("HEAD", "/slow"): 1,
    }

    places = {u: [("docs/en/index.md", 7), ("docs/fr/index.md", 9)] for u in urls}
    findings = findings_for(results, places)
    assert [(f.path, f.line, f.found) for f in findings] == [
        ("docs/en/index.md", 7, "HTTP 404"),
        ("docs/en/index.md", 7, "no answer within 0.5 s"),
        ("docs/fr/index.md", 9, "HTTP 404"),
        ("docs/fr/index.md", 9, "no answer within 0.5 s"),
    ]
    first = findings[0]
    assert (first.rule, first.severity, first.expected) == (
        "broken-link",
        "error",
        "a reachable page",
    )
    assert server.url("/missing") in first.message
    assert "HTTP 404" in first.message
    assert "update or remove the link" in first.message


def test_a_second_run_uses_the_cache(server, tmp_path):
    cache = tmp_path / "cache" / "links.json"
    urls = [server.url(p) for p in ("/ok", "/missing", "/moved")]
    first = check_urls(urls, cache, timeout=TIMEOUT)
    asked = sum(server.counts().values())
    assert asked == 4

    second = check_urls([*urls, urls[0]], cache, timeout=TIMEOUT)
    assert sum(server.counts().values()) == asked  # not one request more
    assert second == first


def test_an_old_entry_is_checked_again(server, tmp_path):
    cache = tmp_path / "links.json"
    urls = [server.url("/ok"), server.url("/missing")]
    check_urls(urls, cache, timeout=TIMEOUT)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data[urls[0]]["checked_at"] = time.time() - 8 * 86400
    cache.write_text(json.dumps(data), encoding="utf-8")
    before = server.counts()

    results = check_urls(urls, cache, timeout=TIMEOUT)
    assert server.counts() - before == {("HEAD", "/ok"): 1}
    assert results[urls[0]].checked_at > time.time() - 60
    rewritten = json.loads(cache.read_text(encoding="utf-8"))
    assert rewritten[urls[0]]["checked_at"] == results[urls[0]].checked_at


def test_the_cache_is_valid_json_and_replaces_a_damaged_one(server, tmp_path):
    cache = tmp_path / "links.json"
    cache.write_text("{not json", encoding="utf-8")
    urls = [server.url("/ok"), server.url("/missing")]
    check_urls(urls, cache, timeout=TIMEOUT)

    data = json.loads(cache.read_text(encoding="utf-8"))
    assert sorted(data) == sorted(urls)
    assert data[urls[1]]["status"] == 404
    assert data[urls[1]]["error"] is None
    assert isinstance(data[urls[1]]["checked_at"], float)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.json"]  # no temporary left


def test_fetch_is_injectable_and_requests_are_bounded(tmp_path):
    """Twenty URLs, each asked once, never more than eight at a time (nothing leaves the test)."""
    active, peak, calls = 0, 0, Counter()
    lock = threading.Lock()

    def fetch(url: str, timeout: float) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            calls[url] += 1
        time.sleep(0.02)
        with lock:
            active -= 1
        if url.endswith("/boom"):
            raise ConnectionRefusedError("connection refused")
        return 200

    urls = [f"http://127.0.0.1:9/{n}" for n in range(19)] + ["http://127.0.0.1:9/boom"]
    results = check_urls(urls * 2, tmp_path / "links.json", timeout=1.0, fetch=fetch)
    assert set(calls.values()) == {1}
    assert len(calls) == 20
    assert 1 < peak <= 8
    assert results["http://127.0.0.1:9/boom"].error == "connection refused"
    assert list(results) == urls


PAGE_EN = """\
# Guide

See [the guide](https://docs.example.invalid/guide#imap) and [mail](mailto:a@example.invalid).
Call [us](tel:+3312345678), read [the other page](other.md) or [this part](#part).

![logo](https://img.example.invalid/logo.png)

Again: <https://docs.example.invalid/guide>, [twice](https://docs.example.invalid/guide) here.
"""

PAGE_FR = (
    "[Le guide](https://docs.example.invalid/guide#pop) et [http](http://old.example.invalid/).\n"
)


def test_external_links_from_markdown_keep_every_place():
    docs = [("docs/en/guide.md", parse(PAGE_EN)), ("docs/fr/guide.md", parse(PAGE_FR))]
    assert external_links((path, doc.links) for path, doc in docs) == {
        "https://docs.example.invalid/guide": [
            ("docs/en/guide.md", 3),
            ("docs/en/guide.md", 8),
            ("docs/fr/guide.md", 1),
        ],
        "https://img.example.invalid/logo.png": [("docs/en/guide.md", 6)],
        "http://old.example.invalid/": [("docs/fr/guide.md", 1)],
    }


def test_external_links_of_a_built_page():
    """Every link a reader can click counts, the theme's navigation included."""
    html = (
        '<nav><a href="https://nav.example.invalid/">theme</a></nav>\n'
        '<article><p><a href="https://docs.example.invalid/x">x</a>\n'
        '<a href="../other/">y</a></p></article>\n'
    )
    assert external_links([("site/en/index.html", parse_html(html).links)]) == {
        "https://nav.example.invalid/": [("site/en/index.html", 1)],
        "https://docs.example.invalid/x": [("site/en/index.html", 2)],
    }


def test_listing():
    places = {
        "https://b.example.invalid/": [("docs/en/a.md", 4)],
        "https://a.example.invalid/": [("docs/en/a.md", 2), ("docs/fr/a.md", 2)],
    }
    assert listing(places) == (
        "https://a.example.invalid/\n"
        "  docs/en/a.md:2\n"
        "  docs/fr/a.md:2\n"
        "https://b.example.invalid/\n"
        "  docs/en/a.md:4\n"
        "2 external link(s) on 2 page(s)\n"
    )


def test_check_online_reports_dead_links_and_reuses_its_cache(server, tmp_path) -> None:
    """The command line: `--online` fetches each external link once, then the cache answers."""
    from conftest import copy_project, run_guidekit

    root = copy_project(tmp_path / "project")
    page = tmp_path / "guide.en.md"
    page.write_text(
        f"# Guide\n\nSee [the FAQ]({server.url('/ok')}).\n\nAnd [old]({server.url('/gone')}).\n"
    )
    offline = run_guidekit("--root", str(root), "check", str(page))
    assert offline.returncode == 0
    assert "2 external link(s) not checked" in offline.stdout
    assert server.counts() == Counter()
    for _ in range(2):
        result = run_guidekit(
            "--root", str(root), "check", str(page), "--online", "--format", "json"
        )
        assert result.returncode == 1, result.stderr
        found = json.loads(result.stdout)["findings"]
        assert [(f["line"], f["rule"], f["found"]) for f in found] == [
            (5, "broken-link", "HTTP 404")
        ]
    assert server.counts() == Counter({("HEAD", "/ok"): 1, ("HEAD", "/gone"): 1})
    assert (root / ".cache/guidekit/links.json").is_file()
