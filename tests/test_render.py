"""Rendering: each case is a page, its language and settings, and the Markdown it must become."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, assert_matches, case_ids, cases

from macros.model.labels import load_labels
from macros.model.validation import load_settings
from macros.site.jinja import COMMENT_END, COMMENT_START
from macros.site.pagerender import render_markdown
from macros.site.render import Context

LABELS = load_labels(ROOT / "data/labels", "fr")


def render_case(case: Path) -> str:
    spec = yaml.safe_load((case / "case.yml").read_text())
    settings = load_settings(case / spec.get("settings", "../../../../data/settings.yml"))
    ctx = Context(
        settings,
        LABELS[spec["lang"]],
        spec.get("offer", settings.default_offer),
        spec.get("region"),
    )
    return render_markdown((case / "page.md").read_text(), ctx)


@pytest.mark.parametrize("case", cases("render"), ids=case_ids("render"))
def test_render_fixture(case: Path) -> None:
    assert_matches(case / "expected.md", render_case(case))


def test_port_tables_put_each_port_under_its_ssl_column() -> None:
    settings = load_settings(ROOT / "data/settings.yml")
    for lang, labels in LABELS.items():
        ctx = Context(settings, labels, "mx-plan")
        for protocol, incoming in (("imap", ("993", "143")), ("pop3", ("995", "110"))):
            rows = [
                [cell.strip() for cell in line.strip("|").split("|")]
                for line in render_markdown(f"{{{{ port_table('{protocol}') }}}}", ctx).splitlines()
                if line.startswith("|")
            ]
            header, _, inbound, outbound = rows
            assert header[1:] == [labels("table.ssl_on"), labels("table.ssl_off")], lang
            assert tuple(inbound[1:]) == incoming, (lang, protocol)
            assert tuple(outbound[1:]) == ("465", "587"), (lang, protocol)


def test_jinja_comment_markers_match_mkdocs_config() -> None:
    config = (ROOT / "mkdocs.yml").read_text()
    assert f"j2_comment_start_string: '{COMMENT_START}'" in config
    assert f"j2_comment_end_string: '{COMMENT_END}'" in config


def test_unknown_protocol_is_refused_with_the_choices() -> None:
    settings = load_settings(ROOT / "data/settings.yml")
    ctx = Context(settings, LABELS["en"], "mx-plan")
    with pytest.raises(ValueError, match="use 'imap', 'pop3' or 'smtp'"):
        render_markdown("{{ port('imap4') }}", ctx)
