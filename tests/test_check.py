"""Checker fixtures: a page, checked as written, gives exactly the expected findings.

Each case of ``tests/fixtures/check/`` holds ``page.md``, ``expected.json``
(line, rule and severity of every finding) and optionally ``case.yml``
(``lang``, ``offer``) and its own ``settings.yml``. Messages are not compared
here; ``test_findings_explain_themselves`` holds them to their contract.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import REGEN, ROOT, case_ids, cases

from macros.check.checker import Checker
from macros.check.vocabulary import load_vocabulary
from macros.model.project import Project, load_project

VOCABULARIES = load_vocabulary(ROOT / "data/vocabulary")


def run_case(case: Path) -> Checker:
    spec = yaml.safe_load((case / "case.yml").read_text()) if (case / "case.yml").exists() else {}
    own = case / "settings.yml"
    data = load_project(Project(ROOT), own if own.exists() else None)
    checker = Checker(data, VOCABULARIES, spec.get("offer"))
    if spec.get("lang"):
        checker.language = spec["lang"]
    checker.check_file(case / "page.md", "page.md")
    return checker


def summary(checker: Checker) -> list[dict]:
    return sorted(
        ({"line": f.line, "rule": f.rule, "severity": f.severity} for f in checker.findings),
        key=lambda f: (f["line"], f["rule"]),
    )


@pytest.mark.parametrize("case", cases("check"), ids=case_ids("check"))
def test_check_fixture(case: Path) -> None:
    actual = summary(run_case(case))
    expected_file = case / "expected.json"
    if REGEN:
        expected_file.write_text(json.dumps({"findings": actual}, indent=2) + "\n")
        return
    expected = json.loads(expected_file.read_text())["findings"]
    assert actual == sorted(expected, key=lambda f: (f["line"], f["rule"]))


@pytest.mark.parametrize("case", cases("check"), ids=case_ids("check"))
def test_findings_explain_themselves(case: Path) -> None:
    """Every finding says what the page says, what the data says, and how to fix it."""
    for finding in run_case(case).findings:
        assert finding.found, finding
        assert finding.expected, finding
        assert "(" in finding.message, finding
        assert finding.message.rstrip().endswith(")"), finding
        assert finding.column >= 1


LOCALES = "locales"


def run_locales(case: Path) -> Checker:
    """Every ``guide.<locale>.md`` of the case checked as a legacy tree, then side by side."""
    spec = yaml.safe_load((case / "case.yml").read_text()) if (case / "case.yml").exists() else {}
    checker = Checker(load_project(Project(ROOT)), VOCABULARIES)
    for page in sorted(case.glob("guide.*.md")):
        checker.check_file(page, page.name)
    checker.check_locales(spec.get("source_lang", "fr"))
    return checker


@pytest.mark.parametrize("case", cases(LOCALES), ids=case_ids(LOCALES))
def test_locale_fixture(case: Path) -> None:
    """A legacy guide in several locales: drift is a conflicting value for the same setting,
    on the translation's line, held to the exact source locale; nothing else is an error."""
    actual = sorted(
        (
            {"file": f.path, "line": f.line, "rule": f.rule, "severity": f.severity}
            for f in run_locales(case).findings
            if f.rule != "missing-image"
        ),
        key=lambda f: (f["file"], f["line"], f["rule"]),
    )
    expected_file = case / "expected.json"
    if REGEN:
        expected_file.write_text(json.dumps({"findings": actual}, indent=2) + "\n")
        return
    assert actual == json.loads(expected_file.read_text())["findings"]


@pytest.mark.parametrize("case", cases(LOCALES), ids=case_ids(LOCALES))
def test_drift_names_its_source(case: Path) -> None:
    for finding in run_locales(case).findings:
        if finding.rule == "translation-drift":
            assert "guide." in finding.message, finding
            assert finding.message.rstrip().endswith(")"), finding
