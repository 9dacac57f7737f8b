"""``guidekit import``: legacy guides written for the project (several locales, agreeing and
refuted values, broken anchors, a missing image, a link to a guide not imported) become
pages of a copy of the project; the pages, the report, the round trip and the strict build.

Set ``GUIDEKIT_REGEN=1`` to rewrite the expected pages and reports (then review the diff).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REGEN, assert_matches, case_ids, cases, run_guidekit

from macros.model.frontmatter import split_front_matter
from macros.model.project import Project, load_project
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import page_context_for

IMPORT = "import"


def run_import(project: Path, case: Path, *options: str):
    """The case's own options (``options``: one a line) first, then the test's."""
    own = case / "options"
    extra = own.read_text(encoding="utf-8").split() if own.exists() else []
    result = run_guidekit("import", "legacy", "--to", str(project), *extra, *options, cwd=case)
    return result, case / "legacy"


def imported_pages(project: Path, before: set[Path]) -> list[Path]:
    return sorted(p for p in (project / "docs").rglob("*.md") if p not in before)


@pytest.mark.parametrize("case", cases(IMPORT), ids=case_ids(IMPORT))
def test_import_fixture(project: Path, case: Path) -> None:
    before = set((project / "docs").rglob("*.md"))
    result, _ = run_import(project, case, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert all(page["round_trip"] == "ok" for page in report["pages"])
    assert_matches(case / "expected" / "report.json", json.dumps(report, indent=2) + "\n")
    written = imported_pages(project, before)
    expected_pages = sorted((case / "expected" / "docs").rglob("*.md"))
    if not REGEN:
        assert [p.relative_to(project) for p in written] == [
            p.relative_to(case / "expected") for p in expected_pages
        ]
    for page in written:
        relative = page.relative_to(project)
        target = case / "expected" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        assert_matches(target, page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", cases(IMPORT), ids=case_ids(IMPORT))
def test_imported_pages_render_back_to_the_legacy_text(project: Path, case: Path) -> None:
    """The round trip, checked apart from the importer's own check: each line of the rendered
    page is the legacy line, or the line the report names as changed, or a heading with the
    id it was given."""
    before = set((project / "docs").rglob("*.md"))
    result, _source = run_import(project, case, "--format", "json")
    report = json.loads(result.stdout)
    data = load_project(Project(project))
    for entry in report["pages"]:
        legacy_text = (case / entry["source"]).read_text(encoding="utf-8")
        _legacy_meta, legacy_body, legacy_head = split_front_matter(legacy_text)
        page = project / entry["page"]
        meta, body, _ = split_front_matter(page.read_text(encoding="utf-8"))
        lang = entry["page"].split("/")[1]
        context = page_context_for(data, lang, meta)
        shown = body.lstrip("\n")  # as MkDocs hands it to the macros
        rendered = render_markdown(shown, context, page_variables(meta), project).split("\n")
        legacy = legacy_body.lstrip("\n").split("\n")
        skipped = len(legacy_body.split("\n")) - len(legacy)
        changed = {c["line"] for c in entry["changes"]}
        assert len(rendered) == len(legacy), entry["page"]
        for index, (mine, theirs) in enumerate(zip(rendered, legacy, strict=True)):
            line = legacy_head + skipped + index + 1
            heading = re.fullmatch(re.escape(theirs.rstrip()) + r" \{#[\w-]+\}", mine)
            assert mine == theirs or line in changed or heading, (entry["page"], line, mine)
    assert imported_pages(project, before)


def test_a_refuted_value_is_left_as_typed_and_reported(project: Path) -> None:
    case = FIXTURES / IMPORT / "mail-settings"
    result, _ = run_import(project, case, "--format", "json")
    report = json.loads(result.stdout)
    french = next(p for p in report["pages"] if p["page"].startswith("docs/fr/"))
    assert {"line": 21, "value": "993", "rule": "protocol-port"}.items() <= {
        **next(k for k in french["kept"] if k["rule"]),
    }.items()
    text = (project / french["page"]).read_text(encoding="utf-8")
    assert "- Port POP3 : 993\n" in text


def test_a_dry_run_writes_nothing_and_shows_the_diff(project: Path) -> None:
    case = FIXTURES / IMPORT / "mail-settings"
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    before = set(project.rglob("*"))
    result, _ = run_import(project, case, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "+++ b/docs/fr/parametrer-adresse-email.md" in result.stdout
    assert "+|Entrant|{{ host('imap', bold=False) }}|" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert set(project.rglob("*")) == before
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == config


@pytest.mark.build
def test_the_imported_guide_builds_strictly_from_the_nav(project: Path) -> None:
    case = FIXTURES / IMPORT / "mail-settings"
    result, _ = run_import(project, case, "--section", "Guides importés")
    assert result.returncode == 0, result.stderr
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - Guides importés:\n      - parametrer-adresse-email.md\n" in config
    build = run_guidekit("--root", str(project), "build", "--quiet")
    assert build.returncode == 0, build.stdout + build.stderr
    html = (project / "site" / "en" / "parametrer-adresse-email" / "index.html").read_text()
    assert "ssl0.ovh.net:993" in html
    assert (project / "site" / "images" / "parametrer-adresse-email" / "compte.png").is_file()


@pytest.mark.build
def test_old_addresses_redirect_and_a_broken_redirect_is_found(project: Path) -> None:
    case = FIXTURES / IMPORT / "mail-settings"
    result, _ = run_import(project, case, "--legacy-url", "/{lang}/hosting/{slug}/")
    assert result.returncode == 0, result.stderr
    address = "https://guides.example.org/"
    build = run_guidekit("--root", str(project), "build", "--quiet", env={"SITE_URL": address})
    assert build.returncode == 0, build.stdout + build.stderr
    stub = project / "site" / "en" / "hosting" / "setting-up-email-address" / "index.html"
    assert f'url={address}en/parametrer-adresse-email/"' in stub.read_text(encoding="utf-8")
    clean = run_guidekit(
        "--root", str(project), "check", "--site", "--format", "json", env={"SITE_URL": address}
    )
    assert "broken-redirect" not in clean.stdout
    shutil.rmtree(project / "site" / "en" / "parametrer-adresse-email")
    broken = run_guidekit(
        "--root", str(project), "check", "--site", "--format", "json", env={"SITE_URL": address}
    )
    assert broken.returncode == 1
    found = [f for f in json.loads(broken.stdout)["findings"] if f["rule"] == "broken-redirect"]
    assert [f["path"] for f in found] == ["site/en/hosting/setting-up-email-address/index.html"]
