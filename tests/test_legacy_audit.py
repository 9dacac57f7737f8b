"""The checker on the real legacy material, read from ``--shared`` (never copied here).

The seed guide carries three known defects and nothing else; the corpus of
real guides must be read end to end without a crash, with a summary by rule.
"""

from __future__ import annotations

import json
import re

from conftest import run_guidekit


def test_seed_reports_exactly_its_three_defects(shared) -> None:
    result = run_guidekit(
        "check", str(shared / "seed/windows-mail-guide.fr.md"), "--format", "json"
    )
    assert result.returncode == 1
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    found = sorted((f["line"], f["rule"]) for f in errors)
    assert found == [
        (39, "protocol-port"),  # POP3 set up on port 993 in the IMAP section
        (48, "contradiction"),  # 465 with SSL above, "587 is mandatory" here
        (89, "broken-anchor"),  # the same dead anchor, linked twice
        (109, "broken-anchor"),
    ]
    pop3_on_993 = errors[0]["message"]
    assert "POP3" in pop3_on_993
    assert "IMAP" in pop3_on_993


def test_corpus_is_read_without_crash_and_summarised_by_rule(shared) -> None:
    result = run_guidekit("check", str(shared / "corpus"))
    assert result.returncode == 1, result.stderr  # it holds real defects
    assert "Traceback" not in result.stderr
    summary = next(line for line in result.stdout.splitlines() if " file(s) checked: " in line)
    match = re.match(
        r"(\d+) file\(s\) checked: (\d+) error\(s\), (\d+) warning\(s\) — (.*)", summary
    )
    assert match, summary
    assert int(match.group(1)) >= 77
    by_rule = dict(part.split(": ") for part in match.group(4).split(", "))
    for rule in ("protocol-port", "security-port", "contradiction", "broken-anchor"):
        assert int(by_rule.get(rule, 0)) >= 1, (rule, summary)
    print(summary)
