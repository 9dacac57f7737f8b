"""Binding: which protocol, direction and security a claim is about.

The nearest evidence wins: the claim's own clause, its sentence or item, the sibling items
above it ("Server type: POP3", "Incoming server: …"), its parent items, the table headers,
the section heading. Security binds the same way, and takes the answer written after its
key ("SSL: No" is SSL off), or the cell of a security column.
"""

from __future__ import annotations

import bisect
import re

from macros.model.settings import MAIL_PROTOCOLS as MAIL
from macros.model.settings import PROTOCOLS
from macros.text.units import Unit

from .scan import WINDOW, Claim, Context, Scan
from .vocabulary import CATEGORIES, Word

DIRECTIONS = CATEGORIES["directions"]


def _only(values, allowed: tuple[str, ...]) -> str | None:
    found = {v for v in values if v in allowed}
    return found.pop() if len(found) == 1 else None


def _unanimous(words: list[Word], allowed: tuple[str, ...]) -> Word | None:
    """The unit's own word when all its words of that kind agree ("Outgoing server port, the
    port of the outgoing server: 465 or 587"): every port of the unit is about it, even one
    that another port stands nearer to. Before any word of the items around it."""
    values = {w.value for w in words}
    return words[0] if len(values) == 1 and values <= set(allowed) else None


def _distance(word: Word, start: int, end: int) -> int:
    if word.end <= start:
        return start - word.end
    return max(word.start - end, 0) + 1  # ties go to the word before


def _closest(words: list[Word], start: int, end: int, found: Scan, rivals) -> Word | None:
    """The word for the span ``start:end``: in its own clause if any, else one that is not
    closer to another port of the unit, from its own segment (between semicolons) first."""
    if not words:
        return None
    if len(words) > 8:  # a long unit: only the words near the claim (sorted by start)
        low = bisect.bisect_left(words, start - WINDOW, key=lambda w: w.start)
        high = bisect.bisect_right(words, end + WINDOW, key=lambda w: w.start)
        words = words[low:high]
        if not words:
            return None
    own_clause = found.clause(start)
    same = [w for w in words if found.clause(w.start) == own_clause]
    if same:
        return min(same, key=lambda w: _distance(w, start, end))
    segment = found.segment(start)
    near = [r for r in rivals if found.segment(r[0]) == segment]
    choices = (([w for w in words if found.segment(w.start) == segment], near), (words, rivals))
    for pool, others in choices:
        mine = [
            w
            for w in pool
            if all(_distance(w, start, end) <= _distance(w, s, e) for s, e, _ in others)
        ]
        if mine:
            return min(mine, key=lambda w: _distance(w, start, end))
    return None


def heading_protocol(unit: Unit, ctx: Context) -> str | None:
    """The one protocol a unit's section is about: its nearest heading that names protocols,
    unless the sentence introducing its list or table names another (then nobody can tell)."""
    found_heading = None
    for heading in reversed(unit.headings):
        found = ctx.vocab.scan(heading.text)
        protocol = _only((w.value for w in found if w.kind == "protocol"), MAIL)
        if protocol or any(w.kind == "protocol" for w in found):
            found_heading = protocol
            break
    caption = ctx.caption(unit)
    named = ctx.of(caption).values("protocol") & set(MAIL) if caption is not None else set()
    if not named:
        return found_heading
    if found_heading is None and len(named) == 1:
        return next(iter(named))
    return found_heading if named == {found_heading} else None


def _compatible(protocol: str, direction: str | None) -> bool:
    if direction == "incoming":
        return protocol != "smtp"
    if direction == "outgoing":
        return protocol not in ("imap", "pop3")
    return True


def _siblings_before(unit: Unit, ctx: Context) -> list[Unit]:
    if unit.group is None or unit.kind != "item":
        return []
    before, _ = ctx.neighbours(unit)
    return [u for u in reversed(before) if u.kind == "item"]


def _declaration(unit: Unit, ctx: Context) -> tuple[str | None, Unit | None]:
    """A sibling item naming exactly one protocol and no port: the group's server type."""
    if unit.group is None:
        return None, None
    found = None
    before, after = ctx.neighbours(unit)
    for other in (*before, *after):
        if other.kind != "item":
            continue
        protocol = _only(ctx.of(other).values("protocol"), MAIL)
        if protocol and not ctx.ports(other) and not ctx.of(other).hosts:
            if found and found[0] != protocol:
                return None, None
            found = (protocol, other)
    return found if found else (None, None)


def context_units(unit: Unit) -> list[tuple[Unit, str]]:
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
    claim.heading_protocol = heading_protocol(unit, ctx)
    claim.obligation = bool(own.of("obligation"))
    claim.conditional = bool(own.of("conditional"))
    if unit.kind == "code":
        return
    ports = ctx.ports(unit)
    if len(ports) > 8:  # a long unit: the ports near this one (sorted by start)
        low = bisect.bisect_left(ports, start - 2 * WINDOW, key=lambda p: p[0])
        high = bisect.bisect_right(ports, end + 2 * WINDOW, key=lambda p: p[0])
        ports = ports[low:high]
    rivals = [(s, e, v) for s, e, v in ports if (s, e) != (start, end)]
    protocol = _closest(own.of("protocol"), start, end, own, rivals) or _unanimous(
        own.of("protocol"), MAIL
    )
    direction = _closest(own.of("direction"), start, end, own, rivals) or _unanimous(
        own.of("direction"), DIRECTIONS
    )
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
    context = context_units(unit)
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
        before, after = ctx.neighbours(unit)
        siblings = [*before, *after]
        if not any(ctx.ports(u) for u in siblings):
            for other in siblings:
                other_scan = ctx.of(other)
                found = other_scan.of("security")
                if found:
                    claim.security = _with_answer(found[0], other_scan)
                    claim.security_text = found[0].text
                    return
                # "Encryption method: None", its own item after "Port: 465": SSL off.
                for key in other_scan.of("security_word"):
                    answer = answer_after(key, other_scan, other_scan.of("answer"))
                    if answer is not None and answer.value == "negative":
                        claim.security, claim.security_text = "off", other.text
                        return


ANSWER_GAP = re.compile(r"^[\s:=*_«»\"“”'()–-]{0,6}$")


def answer_after(word: Word, found: Scan, answers: list[Word]) -> Word | None:
    """The first of ``answers`` written right after ``word`` ("SSL : Non", "sign-in: off").
    A "no" further away negates something else ("no cambia": does not change)."""
    after = [
        a
        for a in answers
        if a.start >= word.end and ANSWER_GAP.match(found.visible[word.end : a.start])
    ]
    return min(after, key=lambda a: a.start) if after else None


def _with_answer(word: Word, found: Scan) -> str:
    """``SSL : Non`` is SSL off: a security key takes the answer right after it."""
    if word.value not in ("ssl", "either"):
        return word.value
    answer = answer_after(word, found, found.of("answer"))
    return "off" if answer is not None and answer.value == "negative" else word.value


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
