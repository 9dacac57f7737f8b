"""Outgoing authentication: a page must not tell readers to send without it when the data
requires it (``smtp_auth: true``): the server then refuses their messages.

A page turns it off in three ways: a phrase that says so ("No authentication"), the
authentication setting or a client's label with a negative answer ("Require sign-in: off",
a "No" under an "Authentication" column), or a verb that turns it off before it ("Untick
“My outgoing server requires authentication”"). The statement is held against the data
only when it is about the outgoing server: by its own words, its list or table, or its
section heading. A conditional sentence ("if your provider…") is not an instruction.
"""

from __future__ import annotations

import re

from macros.model.findings import Finding
from macros.model.settings import MAIL_PROTOCOLS
from macros.text.units import Unit

from .binding import answer_after, bind
from .claims import target
from .offers import Page
from .scan import Claim, Context, Scan

# Between a verb that turns something off and the setting it turns off: a few words ("the
# box", "la case « "), no end of clause.
TURN_OFF_GAP = re.compile(r"^[^,;.:!?]{0,40}$")
# A verb said not to be done: "do not untick", "ne décochez pas", "deaktivieren Sie nicht".
NOT_BEFORE = re.compile(
    r"(?:\b(?:not|never|ne|no|non|nie|não|nunca|jamais|mai|nicht|kein)|n['’]t|\bn['’])\s*$", re.I
)
NOT_AFTER = re.compile(r"^\s+(?:Sie\s+|du\s+)?(?:nicht|pas|jamais)\b", re.I)
# A clause that opens with a negation is a warning, not an instruction ("Never switch
# authentication off", "Älä ota todennusta pois käytöstä", "Zet verificatie nooit uit").
NEGATED_CLAUSE = re.compile(
    r"(?:^|\W)(?:not|never|don['’]t|ne|n['’]|non|nie|não|nunca|jamais|mai|nicht|kein|keine|"
    r"niemals|älä|älkää|niet|nooit|nenaudokite|nikdy)(?:\W|$)",
    re.I,
)
RULE = "smtp-auth"


def auth_findings(page: Page, ctx: Context) -> list[Finding]:
    offer = page.offer
    if "smtp" not in offer.ports or not offer.smtp_auth:
        return []
    out = []
    for unit in ctx.doc.units:
        if unit.kind in ("code", "heading"):
            continue
        found = ctx.of(unit)
        span = _turned_off(unit, found, ctx)
        if span is None or found.of("conditional"):
            continue
        start, end = span
        if _about(unit, start, end, ctx) != "smtp":
            continue
        text = unit.text[start:end].strip()
        line = unit.line_at(start)
        message = (
            f"this tells the reader to send without authentication ({text!r}), but "
            f"{offer.name} requires it on the outgoing server (smtp_auth in the data): the "
            "server refuses messages sent without it (tell the reader to keep it on)"
        )
        out.append(
            Finding(
                page.path,
                line,
                ctx.doc.column(line, text),
                RULE,
                "error",
                message,
                "SMTP authentication: on",
                "SMTP authentication: off",
                text,
            )
        )
    return out


def _turned_off(unit: Unit, found: Scan, ctx: Context) -> tuple[int, int] | None:
    """Where ``unit`` says to turn authentication off, as (start, end), or None."""
    words = found.auth
    verbs = [
        w
        for w in words
        if w.kind == "turn_off"
        and not NOT_BEFORE.search(found.visible[max(0, w.start - 12) : w.start])
        and not NOT_AFTER.match(found.visible[w.end : w.end + 12])
    ]
    for word in words:
        clause = max((b for b in found.clauses if b <= word.start), default=0)
        if NEGATED_CLAUSE.search(found.visible[clause : word.start]):
            continue
        if word.kind == "auth_off":
            return word.start, word.end
        if word.kind != "auth":
            continue
        answer = answer_after(word, found, [*found.of("answer"), *verbs])
        if answer is not None:
            if answer.kind == "turn_off" or answer.value == "negative":
                return word.start, answer.end
            continue  # "Require sign-in: on"
        before = [
            v
            for v in verbs
            if v.end <= word.start and TURN_OFF_GAP.match(found.visible[v.end : word.start])
        ]
        if before:
            return before[-1].start, word.end
    if unit.kind == "cell" and not words:
        return _negative_cell(unit, found, ctx)
    return None


def _negative_cell(unit: Unit, found: Scan, ctx: Context) -> tuple[int, int] | None:
    """A "No" in the column or row of an authentication header."""
    answers = found.of("answer")
    if len(answers) != 1 or answers[0].value != "negative":
        return None
    if unit.text.strip().strip("*_`").strip() != answers[0].text:
        return None
    for header in (unit.column_header, unit.row_header):
        if header is not None and any(w.kind == "auth" for w in ctx.of(header).auth):
            return answers[0].start, answers[0].end
    return None


def _about(unit: Unit, start: int, end: int, ctx: Context) -> str | None:
    """The server the statement is about: "smtp", another protocol, "incoming", or None."""
    claim = Claim(unit, unit.line_at(start), unit.text[start:end])
    bind(claim, start, end, ctx)
    about = target(claim)
    if about is not None:
        return about
    for heading in reversed(unit.headings):
        server = _server_of(ctx.vocab.scan(heading.text))
        if server is not None:
            return server
    return None


def _server_of(words) -> str | None:
    protocols = {w.value for w in words if w.kind == "protocol"} & set(MAIL_PROTOCOLS)
    directions = {w.value for w in words if w.kind == "direction"}
    if protocols == {"smtp"} or (not protocols and directions == {"outgoing"}):
        return "smtp"
    if protocols or directions:
        return "incoming"
    return None
