"""The settings model: valid data loads with its defaults, broken data names file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, assert_matches, case_ids, cases

from macros.model.sourcemap import DataError
from macros.model.validation import load_settings


def problems_of(path: Path) -> str:
    try:
        load_settings(path, "data/settings.yml")
    except DataError as exc:
        return "".join(f"{p}\n" for p in exc.problems)
    return ""


@pytest.mark.parametrize("case", cases("settings"), ids=case_ids("settings"))
def test_settings_fixture(case: Path) -> None:
    assert_matches(case / "expected.txt", problems_of(case / "settings.yml"))


BROKEN = [c for c in cases("settings") if not c.name.startswith(("valid", "nonstandard"))]


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_every_broken_case_is_reported_with_a_line_and_a_fix(case: Path) -> None:
    report = problems_of(case / "settings.yml")
    assert report, f"{case.name} was accepted"
    for line in report.splitlines():
        place, _, message = line.partition(": ")
        assert place.startswith("data/settings.yml:"), line
        assert int(place.rsplit(":", 1)[1]) >= 1
        assert "(" in message, f"no fix given: {line}"


def test_minimal_settings_get_documented_defaults() -> None:
    settings = load_settings(ROOT / "tests/fixtures/settings/valid-minimal/settings.yml")
    offer = settings.offer()
    assert offer.login == "email"
    assert offer.smtp_auth is True
    assert offer.pop_before_smtp is False
    assert offer.regions["europe"].imap.aliases == []
    assert offer.ports["imap"][1].nonstandard is None


def test_project_settings_hold_the_seed_values() -> None:
    offer = load_settings(ROOT / "data/settings.yml").offer()
    assert offer.name == "MX Plan"
    assert offer.endpoint("imap").host == "ssl0.ovh.net"
    expected = {"imap": (993, 143), "pop3": (995, 110), "smtp": (465, 587)}
    for protocol, (ssl_port, plain_port) in expected.items():
        assert offer.port(protocol, ssl=True).port == ssl_port
        assert offer.port(protocol, ssl=False).port == plain_port
    assert offer.smtp_auth
    assert not offer.pop_before_smtp
    assert offer.login == "email"


def test_schema_file_is_referenced_and_current() -> None:
    from macros.cli.main import schema_text

    assert (
        (ROOT / "data/settings.yml")
        .read_text()
        .startswith("# yaml-language-server: $schema=settings.schema.json")
    )
    assert (ROOT / "data/settings.schema.json").read_text() == schema_text()
