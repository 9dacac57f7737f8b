"""The ``guidekit check`` contract: arguments, exit codes, and the JSON and SARIF shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_guidekit

LEGACY = FIXTURES / "cli" / "legacy"
JSON_KEYS = {"path", "line", "column", "rule", "severity", "message", "expected", "found"}


def check(*args: str, cwd: Path | None = None):
    return run_guidekit("check", *args, cwd=cwd)


def test_the_projects_own_pages_have_no_finding() -> None:
    result = check("--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == []
    assert report["files_checked"] >= 6


def test_legacy_tree_findings_and_json_shape() -> None:
    result = check(str(LEGACY), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["files_checked"] == 2
    for finding in report["findings"]:
        assert set(finding) == JSON_KEYS
    got = {(Path(f["path"]).name, f["line"], f["rule"]) for f in report["findings"]}
    assert got == {
        ("thunderbird.en-gb.md", 12, "security-port"),
        ("guide.fr-fr.md", 12, "protocol-port"),
        ("guide.fr-fr.md", 18, "contradiction"),
        ("guide.fr-fr.md", 20, "broken-anchor"),
    }
    assert all(f["path"].startswith(str(LEGACY)) for f in report["findings"])


def test_text_report_names_file_line_column_and_rule() -> None:
    result = check(str(LEGACY / "guide.fr-fr.md"))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{LEGACY / 'guide.fr-fr.md'}:12:16: error [protocol-port] port 993")
    assert result.stdout.rstrip().endswith(
        "1 file(s) checked: 3 error(s), 0 warning(s) — broken-anchor: 1, contradiction: 1, "
        "protocol-port: 1"
    )


def test_sarif_is_2_1_0_with_rules_and_locations() -> None:
    result = check(str(LEGACY), "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"protocol-port", "security-port", "value-mismatch", "contradiction"} <= set(rule_ids)
    assert len(run["results"]) == 4
    for result_ in run["results"]:
        assert rule_ids[result_["ruleIndex"]] == result_["ruleId"]
        region = result_["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert result_["level"] == "error"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no/such/file.md",), "no such file or folder"),
        (("--offer", "nope", str(LEGACY)), "unknown offer 'nope'"),
        (("--lang", "xx", str(LEGACY)), "no vocabulary for 'xx'"),
        (("--settings", str(FIXTURES / "settings/duplicate-key/settings.yml")), "duplicate key"),
        (("--site", str(FIXTURES)), "not a built site"),
        (("--format", "xml"), "invalid choice"),
    ],
)
def test_bad_usage_or_unreadable_input_exits_2(args, message) -> None:
    result = check(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_folder_without_markdown_is_refused(tmp_path: Path) -> None:
    result = check(str(tmp_path))
    assert result.returncode == 2
    assert "no Markdown file" in result.stderr


def test_offer_option_applies_to_pages_that_name_none(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Outlook\n\n- Outgoing server port: 465\n")
    assert check(str(page)).returncode == 0  # MX Plan offers 465
    result = check(str(page), "--offer", "email-pro", "--format", "json")
    assert result.returncode == 1  # Email Pro sends on 587 only
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["value-mismatch"]


def test_legacy_locale_files_are_held_to_their_source_locale() -> None:
    folder = FIXTURES / "cli" / "locales"
    result = check(str(folder), "--format", "json")
    assert result.returncode == 1
    found = [
        (Path(f["path"]).name, f["line"], f["rule"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
    ]
    # another IMAP host than the source's, on the line that says it; nothing else differs
    assert found == [("guide.it-it.md", 3, "translation-drift", "error")]
    assert check(str(folder / "guide.it-it.md")).returncode == 0  # alone, nothing to compare


def test_external_links_are_listed_not_fetched() -> None:
    result = check(str(LEGACY), "--list-external")
    assert result.returncode == 0
    assert result.stdout.strip().endswith("0 external link(s) on 0 page(s)")
    result = check("--list-external")
    assert "https://www.ovh.com/manager/web/login/" in result.stdout


def test_an_unreadable_file_is_a_finding_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes("# Réglages\n\nPort : 995\n".encode("latin-1"))
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "folder.md").mkdir()  # named like a page, read like none
    (tmp_path / "bom-crlf.en.md").write_bytes(
        "\ufeff# Settings\r\n\r\nServer type: POP3\r\nPort: 993\r\n".encode()
    )
    result = check(str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    payload = json.loads(result.stdout)
    assert payload["files_checked"] == 4
    found = {(Path(f["path"]).name, f["rule"]): f for f in payload["findings"]}
    assert "invalid UTF-8 at byte" in found[("latin1.md", "unreadable-file")]["message"]
    assert "binary" in found[("binary.md", "unreadable-file")]["message"]
    assert "directory" in found[("folder.md", "unreadable-file")]["message"]
    # the BOM and CRLF are read, not reported: the page's own defect is found on its line
    assert ("bom-crlf.en.md", "unreadable-file") not in found
    assert found[("bom-crlf.en.md", "protocol-port")]["line"] == 4
