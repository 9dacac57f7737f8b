"""What each unit of a page holds before any binding: hosts, numbers that are ports,
clause and segment boundaries, and the vocabulary's words, each with its offset.

A number is a port only where the page says so — after a port word, in a port or security
column, in ``host:port`` — so "Windows 10", "since 1993" and dates are never claims. The
``Claim`` a port or host becomes is defined here too, so that binding (binding.py) and
extraction (claims.py) both stand on this module and not on each other.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from macros.text.units import Document, Unit

from .vocabulary import Vocabulary, Word

HOST = re.compile(
    r"(?<![\w@/.-])((?:[a-z0-9?*]+(?:-[a-z0-9]+)*\.){2,}[a-z]{2,12})(?::(\d{1,5}))?(?![\w-]|\.\w)",
    re.IGNORECASE,
)
URL = re.compile(
    r"\b(?:https?|ftp)://[^\s)>\]]+|\bwww\.[^\s)>\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I
)
NUMBER = re.compile(r"(?<![\w.,/:#-])(\d{1,5})(?![\w/%-]|[.,:]\d)")
NOT_TLD = {"md", "png", "jpg", "jpeg", "gif", "svg", "html", "htm", "php", "pdf", "txt"}
NOT_TLD |= {"yml", "yaml", "json", "xml", "exe", "zip", "js", "css", "py", "ini", "log"}
PRODUCTS = re.compile(
    r"(?:windows|outlook|office|ios|android|macos|os x|mac os|version|v\.?|iphone|ipad|"
    r"exchange|thunderbird|mail|gmail|blackberry|lollipop|etape|étape|step|schritt|paso|"
    r"passo|krok|n°|no\.|nr\.?)\s*$",
    re.IGNORECASE,
)
JOINER = re.compile(
    r"^[\s*_`«»\"“”'(),:;/=-]*(?:\b(?:ou|or|oder|o|lub|et|and|und|y|e|i)\b)?[\s*_`«»\"“”'(),:;/=-]*$",
    re.I,
)
# Clause boundaries: a port binds first to the words of its own clause.
CLAUSE = re.compile(
    r"[,;]|\s(?:and|or|but|while|whereas|et|ou|mais|und|oder|aber|y|o|pero|e|ma|i|lub|ale|mas)\s",
    re.I,
)
# Stronger boundaries: "incoming …, port 993; outgoing …, port 465" states two settings.
SEGMENT = re.compile(r";|\s[–—]\s")
DIGIT = re.compile(r"\d")
MAIL_PORTS = {25, 110, 143, 465, 587, 993, 995, 2525}
PRODUCT_WINDOW = 24  # "Windows 10", "iOS 11": a product name right before the number
# The words a claim is bound to lie within this many characters of it: in a unit of
# thousands of lines (a pasted log), farther words are about other settings, and looking
# at them all for every port would make the check quadratic.
WINDOW = 300
SIBLINGS = 24  # likewise, the items of a list that can say what one of them is about


@dataclass
class Claim:
    """One port or host stated on one line, with what it is bound to."""

    unit: Unit
    line: int
    text: str  # as written, for columns and messages
    port: int | None = None
    host: str | None = None
    in_code: bool = False
    protocol: str | None = None
    protocol_line: int | None = None
    protocol_from: str = ""  # unit | sibling | parent | table
    direction: str | None = None
    heading_protocol: str | None = None
    security: str | None = None
    security_text: str = ""
    obligation: bool = False
    conditional: bool = False
    alternatives: int = 1  # ports stated together in one unit ("995 or 110")
    declared_by: Unit | None = None
    findings: list[str] = field(default_factory=list)


@dataclass
class Scan:
    """Vocabulary hits, hosts and numbers of one unit (hosts and URLs masked out).

    The words are looked up only when a rule asks: most sentences of a guide state no
    setting and are never asked about.
    """

    visible: str
    vocab: Vocabulary | None
    hosts: list[tuple[int, int, str, int | None]]
    numbers: list[tuple[int, int, int]]
    breaks: list[int]  # offsets where a clause starts after punctuation or a conjunction

    @cached_property
    def words(self) -> list[Word]:
        return self.vocab.scan(self.visible) if self.vocab else []

    @cached_property
    def auth(self) -> list[Word]:
        """Words about outgoing authentication (``Vocabulary.scan_auth``)."""
        return self.vocab.scan_auth(self.visible) if self.vocab else []

    @cached_property
    def by_kind(self) -> dict[str, list[Word]]:
        out: dict[str, list[Word]] = {}
        for word in self.words:
            out.setdefault(word.kind, []).append(word)
        return out

    def of(self, kind: str) -> list[Word]:
        return self.by_kind.get(kind, [])

    def values(self, kind: str) -> set[str]:
        return {w.value for w in self.words if w.kind == kind}

    def clause(self, offset: int) -> int:
        return bisect.bisect_right(self.clauses, offset)

    @cached_property
    def clauses(self) -> list[int]:
        """Where clauses start: after a comma or a conjunction, and at a conditional word —
        "use 587 without encryption | if your network blocks 465": the condition names 465,
        it does not set it."""
        conditions = [w.start for w in self.words if w.kind == "conditional"]
        return sorted({*self.breaks, *conditions})

    @cached_property
    def segments(self) -> list[int]:
        return [m.end() for m in SEGMENT.finditer(self.visible)]

    def segment(self, offset: int) -> int:
        return bisect.bisect_right(self.segments, offset)


def scan(unit: Unit, vocab: Vocabulary) -> Scan:
    text = unit.text
    masked = list(text)
    if "://" in text or "www." in text or "@" in text:
        for match in URL.finditer(text):
            masked[match.start() : match.end()] = " " * (match.end() - match.start())
    visible = "".join(masked)
    hosts = []
    for match in HOST.finditer(visible) if "." in visible else ():
        name = match.group(1)
        if name.rsplit(".", 1)[-1].lower() in NOT_TLD:
            continue
        port = int(match.group(2)) if match.group(2) else None
        hosts.append((match.start(), match.end(), name.replace("*", "").lower(), port))
        masked[match.start() : match.end()] = " " * (match.end() - match.start())
    visible = "".join(masked)
    if unit.kind == "code":
        return Scan(visible, None, hosts, [], [])
    has_digit = DIGIT.search(visible) is not None
    numbers = (
        [(m.start(), m.end(), int(m.group(1))) for m in NUMBER.finditer(visible)]
        if has_digit
        else []
    )
    clauses = [m.end() for m in CLAUSE.finditer(visible)] if numbers or hosts else []
    return Scan(visible, vocab, hosts, numbers, clauses)


@dataclass
class Context:
    """The scans of every unit of a page, and the ports each states, computed once."""

    doc: Document
    vocab: Vocabulary
    scans: dict[int, Scan]
    _ports: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)

    def of(self, unit: Unit) -> Scan:
        return self.scans[id(unit)]

    def ports(self, unit: Unit) -> list[tuple[int, int, int]]:
        if id(unit) not in self._ports:
            self._ports[id(unit)] = _port_numbers(unit, self)
        return self._ports[id(unit)]

    @cached_property
    def captions(self) -> dict[tuple[str, int | None], Unit]:
        """The sentence right before each list and table, or the list item ending with a colon
        right before a table: what introduces it ("If you prefer POP, use these settings:")."""
        out: dict[tuple[str, int | None], Unit] = {}
        before = None
        for unit in self.doc.units:
            block = block_of(unit)
            # An item right above a list is its parent, not its caption.
            fits = before is not None and (before.kind == "sentence" or unit.kind == "cell")
            if block is not None and block not in out and fits:
                out[block] = before
            if block is None:
                before = unit if unit.kind == "sentence" else None
            elif unit.kind == "item" and unit.text.rstrip(" *_").endswith(":"):
                before = unit  # "- **For incoming mail:**" above a table
            else:
                before = None
        return out

    def caption(self, unit: Unit) -> Unit | None:
        block = block_of(unit)
        return self.captions.get(block) if block else None

    @cached_property
    def groups(self) -> dict[int, list[Unit]]:
        """The units of each list, in page order: what a unit's siblings are, found once
        (a long list would otherwise be walked again for every one of its ports)."""
        out: dict[int, list[Unit]] = {}
        for unit in self.doc.units:
            if unit.group is not None:
                out.setdefault(unit.group, []).append(unit)
        return out

    def group_of(self, unit: Unit) -> list[Unit]:
        return self.groups.get(unit.group, []) if unit.group is not None else []

    @cached_property
    def positions(self) -> dict[int, int]:
        return {id(u): index for group in self.groups.values() for index, u in enumerate(group)}

    def neighbours(self, unit: Unit) -> tuple[list[Unit], list[Unit]]:
        """The units of ``unit``'s list before it and after it, up to ``SIBLINGS`` each way:
        the items that can say what it is about ("Server type: POP3" above "Port: 995")."""
        group = self.group_of(unit)
        if not group:
            return [], []
        index = self.positions[id(unit)]
        return group[max(0, index - SIBLINGS) : index], group[index + 1 : index + 1 + SIBLINGS]

    def says(self, unit: Unit | None, *kinds: str) -> bool:
        return unit is not None and any(self.of(unit).of(k) for k in kinds)


def block_of(unit: Unit) -> tuple[str, int | None] | None:
    if unit.kind == "item" and unit.group is not None:
        return ("list", unit.group)
    if unit.kind == "cell":
        return ("table", unit.table)
    return None


def analyse(doc: Document, vocab: Vocabulary) -> Context:
    return Context(doc, vocab, {id(u): scan(u, vocab) for u in doc.units})


def _port_numbers(unit: Unit, ctx: Context) -> list[tuple[int, int, int]]:
    """The numbers of ``unit`` that the page states as ports."""
    found = ctx.of(unit)
    text = unit.text
    keys = [w.end for w in found.of("port_word")]  # in order: the scan goes left to right
    table_ports = unit.kind == "cell" and any(
        ctx.says(h, "port_word", "security", "security_word")
        for h in (unit.column_header, unit.row_header)
    )
    strong = bool(found.of("protocol") or found.of("security"))
    ports = []
    previous_end = None
    previous_start = -1
    for start, end, value in found.numbers:
        # Bounded windows: a unit may be a whole pasted log of thousands of lines.
        if not 0 < value <= 65535 or PRODUCTS.search(text[max(0, start - PRODUCT_WINDOW) : start]):
            previous_end, previous_start = None, start
            continue
        chained = previous_end is not None and JOINER.match(text[previous_end:start])
        # The nearest port word before the number, with no other number between them.
        index = bisect.bisect_right(keys, start) - 1
        after_key = index >= 0 and start - keys[index] <= 40 and previous_start < keys[index]
        previous_start = start
        if (
            chained
            or after_key
            or (table_ports and text.strip().strip("*_`") == str(value))
            or (strong and value in MAIL_PORTS)
        ):
            ports.append((start, end, value))
            previous_end = end
        else:
            previous_end = None
    return ports
