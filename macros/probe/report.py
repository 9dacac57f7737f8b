"""Probe results out: a line per endpoint for people, JSON for tools."""

from __future__ import annotations

import json

from .run import Result


def text_result(result: Result) -> str:
    """One endpoint for people: a status line, then the details a failure needs."""
    t = result.target
    status = {True: "ok", False: "FAILED", None: "skipped"}[result.ok]
    head = f"{status:<8}{t.protocol:<5} {t.address} {t.security}"
    if result.ok is False:
        return (
            f"{head}\n        expected: {result.expected}\n        seen:     {result.seen}\n"
            f"        fix:      {result.fix}\n"
        )
    return f"{head}: {result.seen}\n"


def text_summary(results: list[Result]) -> str:
    count = {value: sum(1 for r in results if r.ok is value) for value in (True, False, None)}
    where = (
        f"offer {results[0].target.offer}, region {results[0].target.region}: " if results else ""
    )
    return (
        f"{where}{len(results)} endpoint(s): {count[True]} ok, {count[False]} failed, "
        f"{count[None]} skipped\n"
    )


def json_report(results: list[Result]) -> str:
    payload = {"endpoints": [r.as_json() for r in results]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
