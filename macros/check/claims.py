"""Claims: what a page states about one port or one host, and what it is bound to.

Each port and host that scan.py finds becomes a claim, bound to a protocol or a
direction by the nearest evidence: its own clause, its sentence or item, the
sibling items above it ("Server type: POP3", "Incoming server: …"), its
parent items, the table headers, the section heading; and to a security
mode the same way (binding.py).
"""

from __future__ import annotations

from macros.model.settings import INCOMING

from .binding import bind, context_units
from .scan import Claim, Context


def extract(ctx: Context) -> list[Claim]:
    """Every port and host claim of the page, bound."""
    claims: list[Claim] = []
    for unit in ctx.doc.units:
        found = ctx.of(unit)
        server_context = ctx.says(unit, "server_word", "direction", "protocol") or any(
            ctx.says(u, "server_word") for u, _ in context_units(unit)
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
