"""Findings out: text for people, JSON for tools, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
from collections import Counter

from macros.model.findings import RULES, WARNING_RULES, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
README_RULES = "README.md#checker-rules"


def text_report(files_checked: int, findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.message}")
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    by_rule = Counter(f.rule for f in findings)
    summary = f"{files_checked} file(s) checked: {errors} error(s), {warnings} warning(s)"
    if by_rule:
        summary += " — " + ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items()))
    lines.append(summary)
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
            "defaultConfiguration": {"level": "warning" if rule in WARNING_RULES else "error"},
        }
        for rule, text in RULES.items()
    ]
    index = {rule: i for i, rule in enumerate(RULES)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.severity == "error" else "warning",
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


FORMATS = {"text": text_report, "json": json_report, "sarif": sarif_report}
