"""The built site in a real headless Chromium: what a reader sees and does.

The site (the ``built_site`` fixture) is served on 127.0.0.1 by ``http.server`` in a thread;
Debian's ``chromium`` is driven through Playwright with a fresh user data folder. Every request
to another origin is aborted (tests never touch the network). A screenshot of every page in
every language is written to ``test-artifacts/screenshots/<lang>/<page>.png``.

Skipped, saying why, when ``/usr/bin/chromium`` or Playwright is missing; CI sets
``GUIDEKIT_REQUIRE=browser``, which turns such a skip into a failure.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from conftest import ROOT

from macros.model.frontmatter import front_matter
from macros.model.labels import load_labels
from macros.model.project import site_languages
from macros.model.settings import Offer
from macros.model.validation import load_settings

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WAIT_MS = 10_000  # the longest any one step may take: every wait is bounded
SEARCH_WAIT_MS = 30_000  # the search worker indexes every language (slow on a busy CPU)
LANGUAGES, DEFAULT = site_languages(ROOT)
# Every page of the default language is published in every language (translated or fallback).
PAGES = sorted({p.stem for p in (ROOT / "docs" / DEFAULT).glob("*.md")} | {"index", "windows-mail"})

# The one console error that is not the site's own fault (``allowed``): a 404 for
# `<alternate link>/sitemap.xml`. Material's language switcher fetches the sitemap under each
# `<link rel="alternate">`, expecting language roots, and mkdocs-static-i18n writes per-page
# links there (so that the switcher lands on the same page without JavaScript). The theme
# catches the 404 itself and the switcher still lands on the same page
# (test_language_switcher_lands_on_the_same_page).


def allowed(url: str, base: str) -> bool:
    """Whether a console error about ``url`` is the one above."""
    return url.startswith(base) and url.endswith("/sitemap.xml") and url != base + "sitemap.xml"


def url_of(lang: str, page: str) -> str:
    """The site path of ``page`` (a docs/ file stem) in ``lang``: fr at /, others at /<lang>/."""
    prefix = "" if lang == DEFAULT else f"{lang}/"
    return prefix + ("" if page == "index" else f"{page}/")


# --- the server and the browser ---------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # the browser drops connections it no longer needs: expected, not news


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1, a port the system chooses."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def sync_playwright():
    """Playwright's entry point, or a skip saying what is missing (before any build)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (see .ci/apt-packages)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: make test installs the dev dependencies")
    return sync_playwright


@pytest.fixture(scope="session")
def browser(sync_playwright, base_url: str) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh user data folder; requests leave only for the site."""
    with tempfile.TemporaryDirectory(prefix="guidekit-chromium-") as profile:
        playwright = sync_playwright().start()
        try:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                timeout=30_000,
                viewport={"width": 1280, "height": 800},
            )
            context.set_default_timeout(WAIT_MS)
            context.set_default_navigation_timeout(WAIT_MS)
            # Only requests to another origin are intercepted (the match runs in the driver).
            context.route(re.compile(f"^(?!{re.escape(base_url)})"), lambda route: route.abort())
            yield context
            context.close()
        finally:
            playwright.stop()


@dataclass
class Tab:
    """One page of the browser, with what its console and network reported."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # requests to another origin

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def console_errors(self) -> list[str]:
        """Console errors and uncaught exceptions so far, less the ``allowed`` ones."""
        return list(self.errors)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if allowed(where, self.base):
            return
        self.errors.append(f"{message.text} ({where})")


@pytest.fixture
def tab(browser: BrowserContext, base_url: str) -> Iterator[Tab]:
    page = browser.new_page()
    opened = Tab(page, base_url)
    page.on("console", opened._on_console)
    page.on("pageerror", lambda error: opened.errors.append(f"uncaught: {error}"))
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(base_url) else opened.elsewhere.append(request.url)
        ),
    )
    yield opened
    page.close()


def path_of(url: str) -> str:
    """The path of a URL, without query and fragment."""
    return urlsplit(url).path


# --- every page renders, in every language ----------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_renders_without_console_errors(tab: Tab, built_site: Path, lang: str, page: str):
    """Home, the Windows Mail guide and every other page: a title, one visible h1, no error."""
    path = url_of(lang, page)
    assert (built_site / path / "index.html").is_file(), f"/{path} was not built"
    tab.open(path)
    assert tab.page.locator("html").get_attribute("lang") == lang
    assert tab.page.title().strip(), f"/{path} has an empty <title>"
    assert tab.page.locator(".md-header__title").is_visible()
    heading = tab.page.locator("article h1")
    assert heading.count() == 1, f"/{path}: {heading.count()} h1 in the article"
    assert heading.is_visible()
    assert heading.inner_text().strip()
    shot = SCREENSHOTS / lang / f"{page}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(shot))  # the first screen: a full page costs 3x the time
    assert tab.console_errors() == [], f"/{path}"
    assert tab.elsewhere == [], f"/{path} asks another origin: the site must stand alone"


# --- the language switcher ---------------------------------------------------------------------


def switch_language(tab: Tab, lang: str) -> None:
    """Open Material's language selector, click ``lang`` and wait for the new page."""
    before = path_of(tab.page.url)
    tab.page.locator(".md-header__option .md-select > button").click()
    link = tab.page.locator(f".md-select__list a.md-select__link[hreflang='{lang}']")
    link.wait_for(state="visible")
    link.click()
    tab.page.wait_for_url(lambda url: path_of(url) != before, wait_until="load")


PAIRS = [(DEFAULT, other) for other in LANGUAGES if other != DEFAULT]
PAIRS += [(other, DEFAULT) for other in LANGUAGES if other != DEFAULT]


@pytest.mark.parametrize(("start", "target"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_language_switcher_lands_on_the_same_page(tab: Tab, start: str, target: str) -> None:
    """From the default language to each other one and back, on the Windows Mail guide."""
    tab.open(url_of(start, "windows-mail"))
    switch_language(tab, target)
    assert path_of(tab.page.url) == "/" + url_of(target, "windows-mail")
    assert tab.page.locator("html").get_attribute("lang") == target


# --- search -------------------------------------------------------------------------------------


def settings_data(built_site: Path) -> tuple[Offer, Path]:
    """The offer of the recap page, read from the data the site was built with."""
    project = built_site.parent
    meta = front_matter((project / "docs" / DEFAULT / "settings.md").read_text(encoding="utf-8"))
    settings = load_settings(project / "data" / "settings.yml")
    return settings.offer(meta.get("offer")), project


def search_result_paths(tab: Tab, query: str, wanted: str) -> list[str]:
    """Type ``query`` into Material's search box once the search is ready, wait for the
    results, and return their paths.

    Material shows ten results, then more each time the list is scrolled to its end: scroll
    until ``wanted`` is among them, the list stops growing, or the time is up."""
    words = json.loads(tab.page.locator("#__config").text_content() or "{}")["translations"]
    box = tab.page.locator("input.md-search__input")
    box.click()
    # The list says "Type to start searching" (in the page's language) once the index is built.
    tab.page.wait_for_function(
        "ready => document.querySelector('.md-search-result__meta')?.textContent.trim() === ready",
        arg=words["search.result.placeholder"],
        timeout=SEARCH_WAIT_MS,
    )
    box.press_sequentially(query)  # Material reads the box on keyup: type, as a reader does
    links = tab.page.locator(".md-search-result__item a")
    try:
        links.first.wait_for(state="visible")
    except Exception as exc:
        meta = tab.page.locator(".md-search-result__meta").inner_text()
        raise AssertionError(f"no search result for {query!r}; the list says {meta!r}") from exc
    deadline = time.monotonic() + WAIT_MS / 1000
    shown = -1
    while True:
        paths = [path_of(href) for href in links.evaluate_all("as => as.map(a => a.href)")]
        if wanted in paths or len(paths) == shown or time.monotonic() > deadline:
            return paths
        shown = len(paths)
        tab.page.locator(".md-search__scrollwrap").evaluate("e => e.scrollTo(0, e.scrollHeight)")
        tab.page.wait_for_timeout(500)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_for_the_imap_ssl_port_finds_the_recap_page(tab: Tab, built_site: Path, lang):
    offer, _ = settings_data(built_site)
    port = str(offer.port("imap", ssl=True).port)
    tab.open(url_of(lang, "index"))
    wanted = "/" + url_of(lang, "settings")
    paths = search_result_paths(tab, port, wanted)
    assert wanted in paths, f"searching {port!r} from /{url_of(lang, 'index')}: {paths}"


# --- the port table -----------------------------------------------------------------------------


def first_port(offer: Offer, protocol: str, ssl: bool) -> str:
    entry = next((p for p in offer.ports[protocol] if p.is_ssl == ssl), None)
    return str(entry.port) if entry else "—"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_port_tables_show_the_data(tab: Tab, built_site: Path, lang: str) -> None:
    offer, project = settings_data(built_site)
    labels = load_labels(project / "data" / "labels", DEFAULT)[lang]
    tab.open(url_of(lang, "settings"))
    for section, incoming in (("imap", "imap"), ("pop", "pop3")):
        table = tab.page.locator(f"xpath=//article//h2[@id='{section}']/following::table[1]")
        table.scroll_into_view_if_needed()
        assert table.is_visible(), f"the {section} port table is not visible"
        rows = [
            [cell.inner_text().strip() for cell in row.locator("td").all()]
            for row in table.locator("tbody tr").all()
        ]
        expected = [
            [
                f"{labels(f'direction.{direction}')} ({labels(f'protocol.{protocol}')})",
                first_port(offer, protocol, ssl=True),
                first_port(offer, protocol, ssl=False),
            ]
            for direction, protocol in (("incoming", incoming), ("outgoing", "smtp"))
        ]
        assert rows == expected, section


# --- copying ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_copy_button_copies_the_server_addresses(
    browser: BrowserContext, base_url: str, tab: Tab, built_site: Path, lang: str
) -> None:
    """The recap page's block of addresses has Material's copy button; what it puts on the
    clipboard is the data's ``host:port`` of each protocol, SSL port first."""
    offer, _ = settings_data(built_site)
    expected = [
        f"{offer.endpoint(p).host}:{offer.port(p, ssl=True).port}" for p in ("imap", "pop3", "smtp")
    ]
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    try:
        tab.open(url_of(lang, "settings"))
        block = tab.page.locator("article pre").first
        block.scroll_into_view_if_needed()
        block.hover()
        button = block.locator("button.md-code__button[data-md-type=copy], button.md-clipboard")
        button.first.click()
        copied = tab.page.evaluate("navigator.clipboard.readText()")
    finally:
        browser.clear_permissions()
    assert copied.strip().splitlines() == expected
    assert tab.console_errors() == []
