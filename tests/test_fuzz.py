"""Property-based tests: generated and mutated input never makes guidekit raise.

The checker, the template check and the settings loader are fed Markdown built from the
words the checker knows, random Jinja fragments, fixture pages cut and spliced, and random
YAML. Whatever comes in: no exception escapes (bad input gets a finding or a message), every
finding lies on a line of its file, and the same input gives the same findings twice.

``make test`` runs a few hundred examples (profile ``ci``); ``make fuzz`` many more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import FIXTURES, ROOT
from hypothesis import given
from hypothesis import strategies as st

from macros.check.checker import Checker
from macros.check.vocabulary import load_vocabulary
from macros.model.project import Project, load_project
from macros.model.sourcemap import DataError, parse_yaml
from macros.model.validation import load_settings
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.render import Context
from macros.site.templates import PageSource, check_template

DATA = load_project(Project(ROOT))
VOCABULARIES = load_vocabulary(ROOT / "data/vocabulary")
PAGES = sorted((FIXTURES / "check").glob("*/page.md"))

WORDS = [
    "IMAP",
    "POP3",
    "SMTP",
    "port",
    "Port:",
    "993",
    "995",
    "465",
    "587",
    "143",
    "110",
    "25",
    "SSL",
    "TLS",
    "STARTTLS",
    "without SSL",
    "sans SSL",
    "ohne SSL",
    "incoming",
    "outgoing",
    "entrant",
    "sortant",
    "Posteingang",
    "must",
    "obligatoire",
    "if",
    "si",
    "wenn",
    "none",
    "Yes",
    "No",
    "Oui",
    "Non",
    "ssl0.ovh.net",
    "ssl0.ovh.net:993",
    "smtp.mail.ovh.ca",
    "pro1.mail.ovh.net",
    "authentication",
    "untick",
    "décochez",
    "Server type:",
    ",",
    ";",
    " — ",
    ":",
    ".",
    "{{",
    "}}",
    "{%",
    "<br>",
    "**",
    "`",
    "|",
    "&",
    "*a",
    "%base%",
]
PREFIXES = ["", "# ", "## ", "- ", "  - ", "> ", ">> ", "| ", "1. ", "    ", "```\n", "!!! note "]


@st.composite
def markdown(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        prefix = draw(st.sampled_from(PREFIXES))
        words = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=12))
        link = draw(st.sampled_from(["", " [x](#imap)", " ![](img.png)", " [y](other.md#a)"]))
        lines.append(prefix + " ".join(words) + link)
    return "\n".join(lines)


@st.composite
def spliced(draw) -> str:
    """Two fixture pages, each cut somewhere, the head of one before the tail of the other."""
    first = draw(st.sampled_from(PAGES)).read_text(encoding="utf-8")
    second = draw(st.sampled_from(PAGES)).read_text(encoding="utf-8")
    cut_first = draw(st.integers(0, len(first)))
    cut_second = draw(st.integers(0, len(second)))
    return first[:cut_first] + second[cut_second:]


def check_text(text: str, lang: str | None) -> list[tuple]:
    with tempfile.TemporaryDirectory() as folder:
        name = f"page.{lang}.md" if lang else "page.md"
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        checker = Checker(DATA, VOCABULARIES)
        checker.check_file(path, name)
        checker.check_locales("fr")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for finding in checker.findings:
        assert 1 <= finding.line <= lines, finding
        assert finding.column >= 1, finding
    return sorted((f.line, f.column, f.rule, f.severity, f.message) for f in checker.findings)


LANGS = st.sampled_from([None, "en", "fr", "de", "nl", "fi", "sv"])


@given(text=markdown() | spliced(), lang=LANGS)
def test_the_checker_takes_any_page(text: str, lang: str | None) -> None:
    assert check_text(text, lang) == check_text(text, lang)


@given(data=st.binary(max_size=300))
def test_the_checker_takes_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.en.md"
        path.write_bytes(data)
        checker = Checker(DATA, VOCABULARIES)
        checker.check_file(path, "page.en.md")
    assert checker.files_checked == 1


JINJA = [
    "{{ port('imap') }}",
    "{{ host('smtp') }}",
    "{{ port('imap', ssl=False) }}",
    "{{ nope() }}",
    "{{ config.site_name }}",
    "{% for p in ['imap'] %}",
    "{% endfor %}",
    "{% if page %}",
    "{% endif %}",
    "{{ ",
    " }}",
    "{%",
    "%}",
    "{##",
    "##}",
    "{{ page.title }}",
    "{{ settings_list('pop3') }}",
    "{{ port_table('smtp') }}",
    "{{ ui('ssl_checkbox') }}",
    "{{ port(",
    ")",
    "'",
    '"',
    "\n",
    "text",
    "{{ 1/0 }}",
    "{{ range(10**9)|list }}",
    "{% import 'x' as y %}",
    "{% set port = 1 %}",
    "{{ lipsum() }}",
]


@given(fragments=st.lists(st.sampled_from(JINJA) | st.text(max_size=6), max_size=15))
def test_the_template_check_takes_any_fragment(fragments: list[str]) -> None:
    # As MkDocs reads a page: in text mode, every line ending a "\n".
    body = "".join(fragments).replace("\r\n", "\n").replace("\r", "\n")
    ctx = Context(DATA.settings, DATA.labels["en"], DATA.settings.default_offer)
    source = PageSource("docs/en/page.md", body, 4)
    first = check_template(source, jinja_environment(), make_macros(lambda: ctx), {"page"})
    again = check_template(source, jinja_environment(), make_macros(lambda: ctx), {"page"})
    assert [str(p) for p in first] == [str(p) for p in again]
    last = 4 + body.count("\n")
    for problem in first:
        assert 1 <= problem.line <= last, problem


YAML = [
    "default_offer:",
    "offers:",
    "  mx-plan:",
    "    ports:",
    "      imap:",
    "        - ",
    "{port: 993, security: ssl}",
    "port: 70000",
    "security: tls",
    "&a",
    "*a",
    "[",
    "]",
    "{",
    "}",
    "- ",
    ": ",
    "'",
    '"',
    "\t",
    "\n",
    "  ",
    "null",
    "~",
    "!!python/object:os.system",
    "regions:",
    "host: ssl0.ovh.net",
    "name: MX Plan",
    "login: email",
    "yes",
    "1e9",
]


@given(parts=st.lists(st.sampled_from(YAML) | st.text(max_size=5), max_size=30))
def test_the_settings_loader_takes_any_yaml(parts: list[str]) -> None:
    text = "".join(parts)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.yml"
        path.write_text(text, encoding="utf-8")
        problems = []
        try:
            load_settings(path, "data/settings.yml")
        except DataError as exc:
            problems = exc.problems
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1  # as it is read
    for problem in problems:
        assert problem.path == "data/settings.yml"
        assert 1 <= problem.line <= lines + 1, problem


@given(parts=st.lists(st.sampled_from(YAML) | st.text(max_size=5), max_size=30))
def test_any_yaml_gives_a_value_or_a_placed_problem(parts: list[str]) -> None:
    text = "".join(parts)
    problems = []
    try:
        parse_yaml(text, "x.yml")
    except DataError as exc:
        problems = exc.problems
    assert all(p.path == "x.yml" and p.line >= 1 for p in problems)
