"""Where each line of a rendered page comes from in the page a writer edits.

The checker reads a project page as readers will — rendered through the macros — and
reports each finding on the line of the source file: a value a macro wrote is on the line of
the call. A page put together from the template check's results knows its lines exactly
(``rehearsal.assemble_with_lines``); a page Jinja renders is aligned with its source here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from macros.model.findings import Finding


def source_line(lines: list[int], rendered: int) -> int:
    """The source line of rendered line ``rendered``; past the end, the last one known."""
    return lines[min(rendered, len(lines)) - 1] if lines else rendered


JINJA_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}")


def line_map(source: str, rendered: str, offset: int) -> list[int]:
    """For each rendered line, the line of the source file it came from.

    Each source line becomes a pattern — its text as written, each Jinja part matching
    whatever it rendered to, newlines included — and the whole rendered page must match
    the patterns in order: lines a macro did not touch map one to one, the lines a macro
    produced map to the line of the call. A page the patterns cannot describe (a loop
    repeating lines) falls back to a line diff.
    """
    exact = _aligned(source, rendered)
    if exact is not None:
        return [line + offset for line in exact]
    return _diffed(source, rendered, offset)


def _aligned(source: str, rendered: str) -> list[int] | None:
    lines = source.split("\n")
    if any(("{{" in line) != ("}}" in line) or ("{%" in line) != ("%}" in line) for line in lines):
        return None  # a Jinja part spanning lines
    patterns = []
    for line in lines:
        parts = JINJA_PART.split(line)
        patterns.append("(" + "[\\s\\S]*?".join(re.escape(p) for p in parts) + ")")
    try:
        match = re.fullmatch("\n".join(patterns), rendered)
    except (re.error, RecursionError):
        return None
    if match is None:
        return None
    starts = [0] + [i + 1 for i, c in enumerate(rendered) if c == "\n"]
    result = []
    group = 1
    for start in starts:
        while group < len(lines) and match.end(group) < start:
            group += 1
        result.append(group)
    return result


def _diffed(source: str, rendered: str, offset: int) -> list[int]:
    src = source.split("\n")
    out = rendered.split("\n")
    result = [0] * len(out)
    matcher = difflib.SequenceMatcher(a=src, b=out, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for index in range(b0, b1):
            if tag == "equal":
                result[index] = a0 + (index - b0) + 1 + offset
            else:
                result[index] = min(a0 + (index - b0), max(a1 - 1, a0)) + 1 + offset
    return result


def moved(finding: Finding, lines: list[int]) -> Finding:
    """A finding on rendered Markdown, moved to the line of the page's source."""
    if not lines:
        return finding

    def mapped(match: re.Match) -> str:
        return f"line {source_line(lines, int(match.group(1)))}"

    message = re.sub(r"\bline (\d+)", mapped, finding.message)
    return replace(finding, line=source_line(lines, finding.line), message=message)
