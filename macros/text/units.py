"""What a page is made of once read: units of text with their lines, headings, links.

``document.py`` reads Markdown into these, ``htmldoc.py`` reads built HTML into the same;
the claims and rules only ever see these.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

BR = "\u2028"  # stands for <br>: a line break inside one block


@dataclass
class Heading:
    level: int
    text: str
    line: int
    ids: list[str]


@dataclass
class Link:
    href: str
    line: int
    text: str
    image: bool = False


@dataclass(eq=False)
class Unit:
    """A piece of text that can state a setting, with where it sits."""

    kind: str  # heading | sentence | item | cell | code
    text: str
    breaks: list[tuple[int, int]]  # (offset, line) from which each line starts
    headings: list[Heading] = field(default_factory=list)
    parent: Unit | None = None
    group: int | None = None  # units of one list share a group
    row: list[Unit] | None = None  # the table row holding this cell
    column_header: Unit | None = None
    row_header: Unit | None = None
    table: int | None = None

    @property
    def line(self) -> int:
        return self.breaks[0][1]

    def line_at(self, offset: int) -> int:
        return line_of(self.breaks, offset)


@dataclass
class Document:
    units: list[Unit]
    headings: list[Heading]
    links: list[Link]
    anchors: set[str]
    lines: list[str]

    def column(self, line: int, needle: str) -> int:
        """1-based column of ``needle`` on ``line`` (1 when it cannot be found)."""
        if not 0 < line <= len(self.lines) or not needle:
            return 1
        found = self.lines[line - 1].lower().find(needle.lower())
        return found + 1 if found >= 0 else 1


def slugs(text: str) -> set[str]:
    """The ids common Markdown engines give a heading (Python-Markdown, GitHub, legacy)."""
    plain = re.sub(r"<[^>]+>", "", text).strip()
    ascii_ = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    out = set()
    for base in (ascii_.lower(), plain.lower()):
        words = re.sub(r"[^\w\s-]", "", base).strip()
        out.add(re.sub(r"[-\s]+", "-", words))
        out.add(re.sub(r"\s", "-", words))
        out.add(re.sub(r"[-\s]+", "_", words))
    out.discard("")
    return out


class TextRun:
    """Accumulates inline text with the line each part came from."""

    def __init__(self, line: int) -> None:
        self.parts: list[str] = []
        self.breaks: list[tuple[int, int]] = [(0, line)]
        self.size = 0
        self.line = line

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def newline(self) -> None:
        self.add("\n")
        self.line += 1
        self.breaks.append((self.size, self.line))

    def value(self) -> str:
        return "".join(self.parts)


def split_run(text: TextRun, pattern: re.Pattern[str]) -> list[tuple[str, list[tuple[int, int]]]]:
    """Cut a text into pieces at ``pattern``, each with its own line breaks."""
    value = text.value()
    pieces = []
    start = 0
    bounds = [(m.start(), m.end()) for m in pattern.finditer(value)] + [(len(value), len(value))]
    for cut, after in bounds:
        piece = value[start:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            offset = start + lead
            breaks = [(0, line_of(text.breaks, offset))]
            low = bisect.bisect_right(text.breaks, offset, key=lambda b: b[0])
            high = bisect.bisect_left(text.breaks, cut, key=lambda b: b[0])
            breaks += [(o - offset, ln) for o, ln in text.breaks[low:high]]
            pieces.append((piece.strip(), breaks))
        start = after
    return pieces


def line_of(breaks: list[tuple[int, int]], offset: int) -> int:
    index = bisect.bisect_right(breaks, offset, key=lambda b: b[0]) - 1
    return breaks[max(index, 0)][1]


def text_run(value: str, breaks: list[tuple[int, int]]) -> TextRun:
    text = TextRun(breaks[0][1])
    text.parts = [value]
    text.size = len(value)
    text.breaks = list(breaks)
    return text


def code_breaks(content: str, first: int) -> list[tuple[int, int]]:
    out = []
    offset = 0
    for number, line in enumerate(content.split("\n")[:-1], start=1):
        offset += len(line) + 1
        out.append((offset, first + number))
    return out
