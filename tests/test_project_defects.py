"""Each defect a writer or translator can make, injected into a copy of the project:
``guidekit check`` names the exact rule, page and line, and the clean project has none.

Defects are edits of one line (found by its text, so the pages can change) or of a whole
file; the expected line is the edited one unless the case says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import run_guidekit


@dataclass(frozen=True)
class Defect:
    page: str  # the file edited, relative to the project
    rule: str
    edit: Callable[[Path], int]  # edits the copy, returns the line the finding must be on
    path: str = ""  # where the finding is, when not ``page``


def replace_line(page: str, old: str, new: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        file = root / page
        lines = file.read_text(encoding="utf-8").split("\n")
        number = next(i for i, line in enumerate(lines) if old in line)
        lines[number] = lines[number].replace(old, new, 1)
        file.write_text("\n".join(lines), encoding="utf-8")
        return number + 1

    return edit


def delete(page: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        (root / page).unlink()
        return 1

    return edit


def change_source(page: str, old: str, new: str, translation: str) -> Callable[[Path], int]:
    """Edit the source page; the finding is on the translation's source_hash line."""

    def edit(root: Path) -> int:
        replace_line(page, old, new)(root)
        lines = (root / translation).read_text(encoding="utf-8").split("\n")
        return next(i for i, line in enumerate(lines, 1) if line.startswith("source_hash:"))

    return edit


def compiled(page: str, edit: Callable[[Path], int]) -> Callable[[Path], int]:
    """``edit`` in a page Jinja must compile (a loop on its last line): the check then renders
    it through Jinja and aligns its lines, instead of assembling the template check's results."""

    def run(root: Path) -> int:
        line = edit(root)
        file = root / page
        loop = "{% for p in ['imap', 'pop3'] %}{{ protocol_name(p) }} {% endfor %}\n"
        file.write_text(file.read_text(encoding="utf-8") + "\n" + loop, encoding="utf-8")
        return line

    return run


DEFECTS = {
    "broken link": Defect(
        "docs/fr/windows-mail.md",
        "broken-link",
        replace_line("docs/fr/windows-mail.md", "(settings.md#imap)", "(reglages.md#imap)"),
    ),
    "broken link in a page Jinja compiles": Defect(
        "docs/fr/windows-mail.md",
        "broken-link",
        compiled(
            "docs/fr/windows-mail.md",
            replace_line("docs/fr/windows-mail.md", "(settings.md#imap)", "(reglages.md#imap)"),
        ),
    ),
    "anchor broken in one language only": Defect(
        "docs/en/windows-mail.md",
        "broken-anchor",
        replace_line("docs/en/windows-mail.md", "(settings.md#imap)", "(settings.md#imap-setup)"),
    ),
    "missing image": Defect(
        "docs/en/windows-mail.md",
        "missing-image",
        replace_line("docs/en/windows-mail.md", "add-account.svg", "add-acount.svg"),
    ),
    "missing alt text": Defect(
        "docs/fr/windows-mail.md",
        "missing-alt",
        replace_line(
            "docs/fr/windows-mail.md", "![Ajout d'un compte de messagerie dans Windows Mail]", "![]"
        ),
    ),
    "missing translation": Defect(
        "docs/en/settings.md", "missing-translation", delete("docs/en/settings.md")
    ),
    "outdated translation": Defect(
        "docs/fr/index.md",
        "outdated-translation",
        change_source(
            "docs/fr/index.md",
            "Choisir un protocole",
            "Quel protocole choisir ?",
            "docs/en/index.md",
        ),
        path="docs/en/index.md",
    ),
    "translation with another macro call": Defect(
        "docs/en/windows-mail.md",
        "translation-drift",
        replace_line(
            "docs/en/windows-mail.md", "{{ port('imap') }}", "{{ port('imap', ssl=False) }}"
        ),
    ),
    "outgoing sign-in turned off": Defect(
        "docs/en/android-gmail.md",
        "smtp-auth",
        replace_line(
            "docs/en/android-gmail.md",
            "{{ ui('require_signin') }}: on",
            "{{ ui('require_signin') }}: off",
        ),
    ),
    "authentication box unticked": Defect(
        "docs/fr/mail-windows.md",
        "smtp-auth",
        replace_line("docs/fr/mail-windows.md", "Cochez « {{ ui('auth", "Décochez « {{ ui('auth"),
    ),
    "forbidden jinja": Defect(
        "docs/fr/settings.md",
        "forbidden-template",
        replace_line("docs/fr/settings.md", "{{ offer_name() }}", "{{ config.site_name }}"),
    ),
    "missing image whose folder is missing too": Defect(
        "docs/de/windows-mail.md",
        "missing-image",
        replace_line("docs/de/windows-mail.md", "(../images/add-account.svg)", "(images/new.svg)"),
    ),
    "unknown macro": Defect(
        "docs/en/index.md",
        "forbidden-template",
        replace_line("docs/en/index.md", "{{ offer_name() }}", "{{ offer_title() }}"),
    ),
}


def findings(root: Path) -> list[dict]:
    result = run_guidekit("--root", str(root), "check", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def test_the_clean_project_has_none_of_them(project: Path) -> None:
    rules = {d.rule for d in DEFECTS.values()}
    assert not [f for f in findings(project) if f["rule"] in rules]


@pytest.mark.parametrize("name", DEFECTS)
def test_each_defect_is_reported_with_rule_page_and_line(project: Path, name: str) -> None:
    defect = DEFECTS[name]
    line = defect.edit(project)
    found = {(f["rule"], f["path"], f["line"]) for f in findings(project)}
    assert (defect.rule, defect.path or defect.page, line) in found, sorted(found)


def test_every_missing_image_of_the_project_is_an_error(project: Path) -> None:
    """The leniency for a missing folder is for legacy trees copied without their images."""
    line = DEFECTS["missing image whose folder is missing too"].edit(project)
    found = [f for f in findings(project) if f["rule"] == "missing-image"]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [
        ("docs/de/windows-mail.md", line, "error")
    ]


def test_a_forbidden_expression_hides_nothing_else_of_its_page(project: Path) -> None:
    forbidden = replace_line("docs/fr/windows-mail.md", "{{ port('imap') }}", "{{ config.x }}")
    anchor = replace_line("docs/fr/windows-mail.md", "(settings.md#imap)", "(settings.md#nulle)")
    image = replace_line("docs/fr/windows-mail.md", "add-account.svg", "ajout.svg")
    lines = [forbidden(project), anchor(project), image(project)]
    found = {
        (f["rule"], f["line"])
        for f in findings(project)
        if f["path"].endswith("fr/windows-mail.md")
    }
    assert {("forbidden-template", lines[0]), ("broken-anchor", lines[1])} <= found
    assert ("missing-image", lines[2]) in found
