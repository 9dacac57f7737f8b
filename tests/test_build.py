"""Real ``mkdocs build --strict`` runs: what readers get, and what a mistake does to the build."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, cases, run_guidekit

from macros.model.project import site_languages

pytestmark = pytest.mark.build

LANGUAGES = {"fr": "", "en": "en/"}
PAGES = ("", "windows-mail/", "settings/")


class _Text(HTMLParser):
    """The visible text of the article, and its tables as rows of cells."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.cell is not None:
                self.cell.append(data)


def article(site: Path, lang: str, page: str) -> _Text:
    parser = _Text()
    parser.feed((site / LANGUAGES[lang] / page / "index.html").read_text(encoding="utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("index.html") if "assets" not in p.parts]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_port_tables_show_seed_values_under_the_right_ssl_column(built_site, lang) -> None:
    page = article(built_site, lang, "settings/")
    ssl_on, ssl_off = {"fr": ("SSL activé", "SSL désactivé"), "en": ("SSL on", "SSL off")}[lang]
    assert len(page.tables) == 2
    for table, incoming in zip(page.tables, (("993", "143"), ("995", "110")), strict=True):
        assert table[0][1:] == [ssl_on, ssl_off]
        assert tuple(table[1][1:]) == incoming
        assert tuple(table[2][1:]) == ("465", "587")
    text = re.sub(r"\s+", " ", "".join(page.text))
    word = {"fr": "ou", "en": "or"}[lang]
    for ssl_port, plain in (("993", "143"), ("995", "110"), ("465", "587")):
        assert f"{ssl_port} (SSL/TLS) {word} {plain} (STARTTLS)" in text


def test_language_switcher_lands_on_the_same_page(built_site) -> None:
    french = (built_site / "windows-mail/index.html").read_text()
    english = (built_site / "en/windows-mail/index.html").read_text()
    assert 'href="../en/windows-mail/" hreflang="en"' in french
    assert 'href="../../windows-mail/" hreflang="fr"' in english


def test_search_index_covers_both_languages(built_site) -> None:
    index = json.loads((built_site / "search/search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    assert {"settings/#imap", "en/settings/#imap"} <= locations
    assert set(index["config"]["lang"]) == set(site_languages(ROOT)[0])


def test_top_level_images_are_published(built_site) -> None:
    logo = built_site / "images/logo.svg"
    assert logo.read_bytes() == (ROOT / "images/logo.svg").read_bytes()
    assert "images/logo.svg" in (built_site / "en/settings/index.html").read_text()


def test_figures_are_drawn_with_the_data(built_site) -> None:
    for lang in LANGUAGES:
        html = (built_site / LANGUAGES[lang] / "windows-mail/index.html").read_text()
        svg = re.search(r"<svg[^>]*gk-figure.*?</svg>", html, re.S)
        assert svg, lang
        assert ">ssl0.ovh.net<" in svg.group(0)
        assert ">993<" in svg.group(0)
        assert ">465<" in svg.group(0)


def pages_showing(site: Path, port: str) -> set[str]:
    shown = set()
    for page in html_pages(site):
        parser = _Text()
        parser.feed(page.read_text())
        if re.search(rf"\b{port}\b", "".join(parser.text)):
            shown.add(page.relative_to(site).as_posix())
    return shown


def test_one_change_in_the_data_reaches_every_page_of_every_language(
    project: Path, built_site: Path
) -> None:
    settings = project / "data/settings.yml"
    text = settings.read_text()
    mx_plan = text.index("  mx-plan:")
    first = text.index("{port: 993, security: ssl}")
    assert mx_plan < first < text.index("\n  email-pro:")
    settings.write_text(
        text.replace("{port: 993, security: ssl}", "{port: 9993, security: ssl}", 1)
    )
    result = run_guidekit("--root", str(project), "build", "--quiet")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    before = pages_showing(built_site, "993")
    guides = {f"{prefix}{page}index.html" for prefix in LANGUAGES.values() for page in PAGES}
    assert guides <= before
    assert pages_showing(site, "9993") == before
    for page in html_pages(site):
        assert not re.search(r"\b993\b", page.read_text()), page
    index = (site / "search/search_index.json").read_text()
    assert re.search(r"\b9993\b", index)
    assert not re.search(r"\b993\b", index)


def test_a_page_that_loops_is_rendered_by_jinja_with_the_data(project: Path) -> None:
    # Most pages are put together from the template check's results; a loop is Jinja's.
    page = project / "docs/fr/settings.md"
    loop = "{% for p in ['imap', 'pop3'] %}\n- Boucle {{ protocol_name(p) }} : {{ port(p) }}\n"
    page.write_text(page.read_text() + f"\n{loop}{{% endfor %}}\n")
    result = run_guidekit("--root", str(project), "build", "--quiet")
    assert result.returncode == 0, result.stderr
    text = "".join(article(project / "site", "fr", "settings/").text)
    assert re.search(r"Boucle IMAP :\s+993\b", text)
    assert re.search(r"Boucle POP :\s+995\b", text)


# --- a broken input fails the build, names file and line, and keeps site/ ----------------------


def keep_site(project: Path) -> Path:
    marker = project / "site/index.html"
    marker.parent.mkdir()
    marker.write_text("the last good site")
    return marker


BROKEN_SETTINGS = [c for c in cases("settings") if not c.name.startswith("valid")]


@pytest.mark.parametrize("case", BROKEN_SETTINGS, ids=[c.name for c in BROKEN_SETTINGS])
def test_broken_settings_fail_the_build_and_keep_the_site(project: Path, case: Path) -> None:
    (project / "data/settings.yml").write_bytes((case / "settings.yml").read_bytes())
    marker = keep_site(project)
    result = run_guidekit("--root", str(project), "build")
    assert result.returncode == 1
    for line in (case / "expected.txt").read_text().splitlines():
        assert line in result.stderr
    assert "site is unchanged" in result.stderr or "unchanged" in result.stderr
    assert marker.read_text() == "the last good site"


def test_mkdocs_itself_reports_broken_settings_with_file_and_line(project: Path) -> None:
    """``mkdocs serve`` users get the same message as ``guidekit build`` users."""
    import subprocess
    import sys

    settings = project / "data/settings.yml"
    settings.write_text(settings.read_text().replace("{port: 995, security: ssl}", "{port: 995}"))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(project / "out")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert re.search(
        r"data/settings\.yml:\d+: offers\.mx-plan\.ports\.pop3\[0\]\.security", result.stderr
    )


PAGE_DEFECTS = {
    "undefined macro": ("{{ host('imap') }}", "{{ hots('imap') }}", "unknown macro 'hots'"),
    "wrong argument": ("{{ port('imap') }}", "{{ port('imap', tls=True) }}", "wrong arguments"),
    "unknown protocol": ("{{ host('imap') }}", "{{ host('imap4') }}", "unknown protocol"),
    "syntax error": ("{{ host('imap') }}", "{{ host('imap') }", "template syntax error"),
    "undefined variable": ("{{ login() }}", "{{ username }}", "unknown variable 'username'"),
    "forbidden jinja": ("{{ login() }}", "{{ config.site_name }}", "is not readable in a page"),
    "builtin macro": ("{{ login() }}", "{{ context() }}", "unknown macro 'context'"),
}


@pytest.mark.parametrize("defect", PAGE_DEFECTS, ids=list(PAGE_DEFECTS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_errors_fail_the_build_with_page_and_line(project: Path, defect: str, lang) -> None:
    good, bad, message = PAGE_DEFECTS[defect]
    page = project / "docs" / lang / "windows-mail.md"
    lines = page.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if good in line)
    lines[number - 1] = lines[number - 1].replace(good, bad, 1)
    page.write_text("".join(lines))
    marker = keep_site(project)
    result = run_guidekit("--root", str(project), "build")
    assert result.returncode == 1
    assert f"docs/{lang}/windows-mail.md:{number}: " in result.stderr
    assert message in result.stderr
    assert marker.read_text() == "the last good site"


def test_unknown_offer_in_a_page_fails_with_its_front_matter_line(project: Path) -> None:
    page = project / "docs/en/settings.md"
    page.write_text(page.read_text().replace("offer: mx-plan", "offer: mxplan"))
    marker = keep_site(project)
    result = run_guidekit("--root", str(project), "build")
    assert result.returncode == 1
    assert "docs/en/settings.md:3: offer: unknown offer 'mxplan'" in result.stderr
    assert marker.read_text() == "the last good site"


def test_a_label_missing_in_one_language_names_key_and_language(project: Path) -> None:
    labels = project / "data/labels/en.yml"
    labels.write_text(labels.read_text().replace("  ssl_off: SSL off\n", ""))
    marker = keep_site(project)
    result = run_guidekit("--root", str(project), "build")
    assert result.returncode == 1
    assert "label 'table.ssl_off' is missing in language 'en'" in result.stderr
    assert "data/labels/en.yml:" in result.stderr
    assert marker.read_text() == "the last good site"


# --- the same checks over the built HTML ---------------------------------------------------


def test_built_site_has_no_finding(built_site: Path) -> None:
    result = run_guidekit("--root", str(built_site.parent), "check", "--site", str(built_site))
    assert result.returncode == 0, result.stdout
    pages = [p for p in built_site.rglob("*.html") if p.name != "404.html"]
    pages = [p for p in pages if p.relative_to(built_site).parts[0] not in ("assets", "search")]
    assert result.stdout.startswith(f"{len(pages)} file(s) checked: 0 error(s), 0 warning(s)")


def test_a_value_typed_in_raw_html_is_caught_in_the_built_site(project: Path) -> None:
    """The Markdown check skips raw HTML blocks; the built page does not."""
    page = project / "docs/en/settings.md"
    page.write_text(page.read_text() + '\n<div class="note">For IMAP use port 995.</div>\n')
    line = len(page.read_text().splitlines())
    assert run_guidekit("--root", str(project), "build", "--quiet").returncode == 0
    assert run_guidekit("--root", str(project), "check").returncode == 0
    result = run_guidekit("--root", str(project), "check", "--site", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [
        ("docs/en/settings.md", line, "protocol-port")
    ]


@pytest.mark.build
def test_the_published_address_comes_from_site_url(project: Path) -> None:
    """Publishing needs no edit of mkdocs.yml: SITE_URL, else the local preview address."""
    address = "https://guides.example.org/mail/"
    result = run_guidekit("--root", str(project), "build", "--quiet", env={"SITE_URL": address})
    assert result.returncode == 0, result.stderr
    sitemap = (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{address}</loc>" in sitemap
    assert "127.0.0.1" not in sitemap
    canonical = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{address}">' in canonical
