"""Claims: what a page states about one port or one host, and what it is bound to.

A number is a port only where the page says so — after a port word, in a
port or security column, in ``host:port`` — so "Windows 10", "since 1993"
and dates are never claims. Each claim is then bound to a protocol or a
direction by the nearest evidence: its own clause, its sentence or item, the
sibling items above it ("Server type: POP3", "Incoming server: …"), its
parent items, the table headers, the section heading; and to a security
mode the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .document import Document, Unit
from .settings import INCOMING
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
DIGIT = re.compile(r"\d")
MAIL_PORTS = {25, 110, 143, 465, 587, 993, 995, 2525}
PROTOCOLS = ("imap", "pop3", "smtp", "activesync", "ews")
MAIL = ("imap", "pop3", "smtp")
DIRECTIONS = ("incoming", "outgoing")


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
    clauses: list[int]  # offsets where a clause starts

    @cached_property
    def words(self) -> list[Word]:
        return self.vocab.scan(self.visible) if self.vocab else []

    @cached_property
    def auth(self) -> list[Word]:
        """Words about outgoing authentication (``Vocabulary.scan_auth``)."""
        return self.vocab.scan_auth(self.visible) if self.vocab else []

    def of(self, kind: str) -> list[Word]:
        return [w for w in self.words if w.kind == kind]

    def values(self, kind: str) -> set[str]:
        return {w.value for w in self.words if w.kind == kind}

    def clause(self, offset: int) -> int:
        return sum(1 for start in self.clauses if start <= offset)


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

    def says(self, unit: Unit | None, *kinds: str) -> bool:
        return unit is not None and any(self.of(unit).of(k) for k in kinds)


def analyse(doc: Document, vocab: Vocabulary) -> Context:
    return Context(doc, vocab, {id(u): scan(u, vocab) for u in doc.units})


def _port_numbers(unit: Unit, ctx: Context) -> list[tuple[int, int, int]]:
    """The numbers of ``unit`` that the page states as ports."""
    found = ctx.of(unit)
    text = unit.text
    keys = [w.end for w in found.of("port_word")]
    table_ports = unit.kind == "cell" and any(
        ctx.says(h, "port_word", "security", "security_word")
        for h in (unit.column_header, unit.row_header)
    )
    strong = bool(found.of("protocol") or found.of("security"))
    ports = []
    previous_end = None
    for start, end, value in found.numbers:
        if not 0 < value <= 65535 or PRODUCTS.search(text[:start]):
            previous_end = None
            continue
        chained = previous_end is not None and JOINER.match(text[previous_end:start])
        after_key = any(
            0 <= start - k <= 40 and not any(k <= s < start for s, _, _ in found.numbers)
            for k in keys
        )
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


def _only(values, allowed: tuple[str, ...]) -> str | None:
    found = {v for v in values if v in allowed}
    return found.pop() if len(found) == 1 else None


def _distance(word: Word, start: int, end: int) -> int:
    if word.end <= start:
        return start - word.end
    return max(word.start - end, 0) + 1  # ties go to the word before


def _closest(words: list[Word], start: int, end: int, found: Scan, rivals) -> Word | None:
    """The word for the span ``start:end``: in its own clause if any, else one that is not
    closer to another port of the unit, else the nearest."""
    if not words:
        return None
    own_clause = found.clause(start)
    same = [w for w in words if found.clause(w.start) == own_clause]
    if same:
        return min(same, key=lambda w: _distance(w, start, end))
    mine = [
        w
        for w in words
        if all(_distance(w, start, end) <= _distance(w, s, e) for s, e, _ in rivals)
    ]
    return min(mine, key=lambda w: _distance(w, start, end)) if mine else None


def _heading_protocol(unit: Unit, ctx: Context) -> str | None:
    for heading in reversed(unit.headings):
        found = ctx.vocab.scan(heading.text)
        protocol = _only((w.value for w in found if w.kind == "protocol"), MAIL)
        if protocol:
            return protocol
        if any(w.kind == "protocol" for w in found):
            return None
    return None


def _compatible(protocol: str, direction: str | None) -> bool:
    if direction == "incoming":
        return protocol != "smtp"
    if direction == "outgoing":
        return protocol not in ("imap", "pop3")
    return True


def _siblings_before(unit: Unit, ctx: Context) -> list[Unit]:
    if unit.group is None or unit.kind != "item":
        return []
    group = [u for u in ctx.doc.units if u.group == unit.group and u.kind == "item"]
    return list(reversed(group[: group.index(unit)]))


def _declaration(unit: Unit, ctx: Context) -> tuple[str | None, Unit | None]:
    """A sibling item naming exactly one protocol and no port: the group's server type."""
    if unit.group is None:
        return None, None
    found = None
    for other in ctx.doc.units:
        if other is unit or other.group != unit.group or other.kind != "item":
            continue
        protocol = _only(ctx.of(other).values("protocol"), MAIL)
        if protocol and not ctx.ports(other) and not ctx.of(other).hosts:
            if found and found[0] != protocol:
                return None, None
            found = (protocol, other)
    return found if found else (None, None)


def _context_units(unit: Unit) -> list[tuple[Unit, str]]:
    out: list[tuple[Unit, str]] = []
    parent = unit.parent
    while parent is not None:
        out.append((parent, "parent"))
        parent = parent.parent
    if unit.row_header is not None:
        out.append((unit.row_header, "table"))
    if unit.column_header is not None:
        out.append((unit.column_header, "table"))
    return out


def bind(claim: Claim, start: int, end: int, ctx: Context) -> None:
    """Bind ``claim`` (at ``start:end`` of its unit) to a protocol, direction and security."""
    unit = claim.unit
    own = ctx.of(unit)
    claim.heading_protocol = _heading_protocol(unit, ctx)
    claim.obligation = bool(own.of("obligation"))
    claim.conditional = bool(own.of("conditional"))
    if unit.kind == "code":
        return
    rivals = [(s, e, v) for s, e, v in ctx.ports(unit) if (s, e) != (start, end)]
    protocol = _closest(own.of("protocol"), start, end, own, rivals)
    direction = _closest(own.of("direction"), start, end, own, rivals)
    if protocol:
        claim.protocol, claim.protocol_from, claim.protocol_line = (
            protocol.value,
            "unit",
            claim.line,
        )
    own_direction = direction.value if direction else None
    claim.direction = own_direction
    if not (claim.protocol and claim.direction):
        _from_siblings(claim, ctx)
    context = _context_units(unit)
    for source, _ in context:
        if claim.direction:
            break
        claim.direction = _only(ctx.of(source).values("direction"), DIRECTIONS)
    if not claim.protocol:
        declared, by = _declaration(unit, ctx)
        if declared and by is not None and _compatible(declared, claim.direction):
            claim.protocol, claim.protocol_from = declared, "sibling"
            claim.protocol_line, claim.declared_by = by.line, by
    for source, label in context:
        if claim.protocol:
            break
        name = _only(ctx.of(source).values("protocol"), PROTOCOLS)
        if name and _compatible(name, own_direction):
            claim.protocol, claim.protocol_from, claim.protocol_line = name, label, source.line
    _bind_security(claim, start, end, ctx, rivals)


def _from_siblings(claim: Claim, ctx: Context) -> None:
    """Walk up the items above: "Server type: POP3", "Incoming server: …", then "Port: 995"."""
    for other in _siblings_before(claim.unit, ctx):
        found = ctx.of(other)
        if ctx.ports(other) and not claim.direction and not claim.protocol:
            other_direction = _only(found.values("direction"), DIRECTIONS)
            other_protocol = _only(found.values("protocol"), MAIL)
            if not other_direction and not other_protocol:
                return  # an earlier setting: what came before it is about it
        if not claim.direction:
            claim.direction = _only(found.values("direction"), DIRECTIONS)
        if not claim.protocol:
            protocol = _only(found.values("protocol"), MAIL)
            if protocol and _compatible(protocol, claim.direction):
                claim.protocol, claim.protocol_from, claim.protocol_line = (
                    protocol,
                    "sibling",
                    other.line,
                )
                if not ctx.ports(other) and not found.hosts:
                    claim.declared_by = other
        if claim.protocol:
            return


SECURITY_KEY = re.compile(
    r"ssl|tls|sécurité|securit|chiffr|crypt|verschl|sicher|segur|cifr|sicurez|szyfr|zabezp", re.I
)


def _bind_security(claim: Claim, start: int, end: int, ctx: Context, rivals) -> None:
    unit = claim.unit
    own = ctx.of(unit)
    word = _closest(own.of("security"), start, end, own, rivals)
    if word is not None:
        claim.security, claim.security_text = _with_answer(word, own), word.text
        return
    if unit.kind == "cell":
        _table_security(claim, ctx)
        return
    if unit.group is not None and unit.kind == "item":
        siblings = [u for u in ctx.doc.units if u.group == unit.group and u is not unit]
        if not any(ctx.ports(u) for u in siblings):
            for other in siblings:
                other_scan = ctx.of(other)
                found = other_scan.of("security")
                if found:
                    claim.security = _with_answer(found[0], other_scan)
                    claim.security_text = found[0].text
                    return


ANSWER_GAP = re.compile(r"^[\s:=*_«»\"“”'()–-]{0,6}$")


def _with_answer(word: Word, found: Scan) -> str:
    """``SSL : Non`` is SSL off: a security key takes the answer right after it. A "no"
    further away negates something else ("no cambia": does not change)."""
    if word.value not in ("ssl", "either"):
        return word.value
    for answer in found.of("answer"):
        if answer.start >= word.end and ANSWER_GAP.match(found.visible[word.end : answer.start]):
            return "off" if answer.value == "negative" else word.value
    return word.value


def _table_security(claim: Claim, ctx: Context) -> None:
    unit = claim.unit
    header = unit.column_header
    if header is not None:
        found = ctx.of(header)
        words = found.of("security")
        if words:
            claim.security, claim.security_text = _with_answer(words[0], found), header.text
            return
    for cell in unit.row or []:
        if cell is unit or cell.column_header is None:
            continue
        if not (
            SECURITY_KEY.search(cell.column_header.text)
            or ctx.says(cell.column_header, "security_word")
        ):
            continue
        found = ctx.of(cell)
        words = found.of("security")
        answers = found.of("answer")
        if words:
            claim.security, claim.security_text = _with_answer(words[0], found), cell.text
            return
        if answers:
            key = ctx.of(cell.column_header).of("security")
            positive = key[0].value if key else "ssl"
            claim.security = positive if answers[0].value == "affirmative" else "off"
            claim.security_text = f"{cell.column_header.text}: {cell.text}"
            return


def extract(ctx: Context) -> list[Claim]:
    """Every port and host claim of the page, bound."""
    claims: list[Claim] = []
    for unit in ctx.doc.units:
        found = ctx.of(unit)
        server_context = ctx.says(unit, "server_word", "direction", "protocol") or any(
            ctx.says(u, "server_word") for u, _ in _context_units(unit)
        )
        for start, end, host, port in found.hosts:
            if unit.kind == "code" and port is None:
                continue
            if port is None and not server_context:
                continue
            claim = Claim(unit, unit.line_at(start), unit.text[start:end], host=host, port=port)
            claim.in_code = unit.kind == "code"
            bind(claim, start, end, ctx)
            claims.append(claim)
        ports = ctx.ports(unit)
        for start, end, value in ports:
            claim = Claim(unit, unit.line_at(start), str(value), port=value)
            bind(claim, start, end, ctx)
            claim.alternatives = len(ports)
            claims.append(claim)
    return claims


def target(claim: Claim) -> str | None:
    """The protocol (or ``incoming``) a claim is about, from the strongest evidence."""
    if claim.protocol:
        return claim.protocol
    if claim.direction == "outgoing":
        return "smtp"
    if claim.direction == "incoming":
        heading = claim.heading_protocol
        if heading == "smtp":
            return "smtp"  # a section about SMTP: the "incoming" label is the mistake
        return heading if heading in INCOMING else "incoming"
    if claim.heading_protocol == "smtp":
        return "smtp"
    return None
