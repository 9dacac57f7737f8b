"""Findings out: text for people, JSON for tools, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from collections import Counter

from macros.model.findings import NOTE_RULES, RULES, WARNING_RULES, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
README_RULES = "README.md#checker-rules"


def text_report(files_checked: int, findings: list[Finding], verbose: bool = False) -> str:
    """Errors and warnings, one line each, and the summary by rule; notes (what the checker
    could not tell for sure) only with ``verbose``, else counted on a line of their own."""
    notes = sum(1 for f in findings if f.severity == "note")
    shown = findings if verbose else [f for f in findings if f.severity != "note"]
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.message}" for f in shown]
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    by_rule = Counter(f.rule for f in findings if f.severity != "note")
    summary = f"{files_checked} file(s) checked: {errors} error(s), {warnings} warning(s)"
    if by_rule:
        summary += " — " + ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items()))
    lines.append(summary)
    if notes:
        lines.append(
            f"{notes} note(s): what the checker read but could not tell for sure"
            + ("" if verbose else " (--verbose shows them)")
        )
    return "\n".join(lines) + "\n"


def json_report(files_checked: int, findings: list[Finding]) -> str:
    payload = {"files_checked": files_checked, "findings": [f.as_json() for f in findings]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def sarif_report(files_checked: int, findings: list[Finding]) -> str:
    rules = [
        {
            "id": rule,
            "name": rule.title().replace("-", ""),
            "shortDescription": {"text": text},
            "helpUri": README_RULES,
            "defaultConfiguration": {"level": _level(rule)},
        }
        for rule, text in RULES.items()
    ]
    index = {rule: i for i, rule in enumerate(RULES)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "properties": {"expected": f.expected, "found": f.found},
        }
        for f in findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guidekit",
                        "informationUri": README_RULES,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"filesChecked": files_checked},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(rule: str) -> str:
    if rule in NOTE_RULES:
        return "note"
    return "warning" if rule in WARNING_RULES else "error"


FORMATS = {"text": text_report, "json": json_report, "sarif": sarif_report}
