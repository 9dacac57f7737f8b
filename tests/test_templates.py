"""Page templates are checked before rendering: each error names the page and its line."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import ROOT, assert_matches, case_ids, cases

from macros.model.project import Project, load_project
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.pages import front_matter_problems
from macros.site.render import Context
from macros.site.templates import PageSource, check_template

DATA = load_project(Project(ROOT))


def check_case(case: Path) -> str:
    text = (case / "page.md").read_text()
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    path = f"docs/en/{case.name}.md"
    problems = front_matter_problems(path, text, meta, DATA)
    if not problems:
        ctx = Context(DATA.settings, DATA.labels["en"], DATA.settings.default_offer)
        source = PageSource.from_file_text(path, text, body.lstrip("\n"))
        macros = make_macros(lambda: ctx)
        problems = check_template(source, jinja_environment(), macros, {"page", *meta})
    return "".join(f"{p}\n" for p in problems)


@pytest.mark.parametrize("case", cases("templates"), ids=case_ids("templates"))
def test_template_fixture(case: Path) -> None:
    assert_matches(case / "expected.txt", check_case(case))


def test_line_offset_counts_front_matter_and_blank_lines() -> None:
    text = "---\ntitle: x\n---\n\n\nbody line\n"
    source = PageSource.from_file_text("p.md", text, "body line\n")
    assert source.first_line == 6


def test_problem_lines_point_at_the_call(tmp_path: Path) -> None:
    page = SimpleNamespace(meta={}, file=SimpleNamespace(locale="en"))
    ctx = Context(DATA.settings, DATA.labels["en"], "mx-plan")
    assert page.meta == {}
    body = "a\n\nb {{ nope() }}\n"
    problems = check_template(
        PageSource("p.md", body, 10), jinja_environment(), make_macros(lambda: ctx), set()
    )
    assert [p.line for p in problems] == [12]
