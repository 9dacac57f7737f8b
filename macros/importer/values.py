"""Which typed values of a legacy page become macros: the checker's claims, each bound to a
protocol, held to the data; only a value the macro renders back exactly is replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from macros.check.claims import target
from macros.check.offers import incoming_owner
from macros.check.scan import Claim
from macros.model.settings import MAIL_PROTOCOLS, Offer
from macros.site import render
from macros.site.render import Context

UNBOUND = "not bound to one protocol for sure"


@dataclass(frozen=True)
class Edit:
    """Replace ``start:end`` of a line of the legacy file with ``text``."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Kept:
    """A typed value left as it is, and why."""

    line: int
    value: str
    reason: str
    rule: str = ""  # the checker's rule, when the data refutes the value
    kind: str = "agrees"  # refuted | unbound (no protocol for sure) | agrees (data says so)

    def as_json(self) -> dict:
        return {"line": self.line, "value": self.value, "reason": self.reason, "rule": self.rule}


def page_region(claims: list[Claim], offer: Offer) -> str:
    """The region whose hosts the page names most (its default region if none)."""
    names = {  # each region's host names, gathered once
        name: {n.lower() for p in MAIL_PROTOCOLS if (e := region.endpoint(p)) for n in e.names()}
        for name, region in offer.regions.items()
    }
    votes: dict[str, int] = {}  # in the order the page first names each region
    for claim in claims:
        for name, hosts in names.items():
            if claim.host and claim.host.lower() in hosts:
                votes[name] = votes.get(name, 0) + 1
    return max(votes, key=lambda r: votes[r]) if votes else offer.default_region


def _call(name: str, protocol: str, **options: object) -> str:
    extra = "".join(f", {key}={value!r}" for key, value in options.items())
    return f"{{{{ {name}('{protocol}'{extra}) }}}}"


def protocol_of(claim: Claim, line_ports: list[int], offer: Offer) -> str | None:
    """The claim's protocol; "the incoming server" narrowed by the ports of its line when
    they belong to one incoming protocol (993 on the row: IMAP)."""
    protocol = target(claim)
    if protocol != "incoming":
        return protocol
    owner = incoming_owner(offer, [claim.port] if claim.port is not None else line_ports)
    return owner[0] if owner else None


def _server_number(typed: str, ctx: Context, protocol: str) -> str | None:
    """How a page writes the customer's server number in a per-customer host (``pro?``,
    ``proX``, ``pro1``): what ``host(..., number=…)`` must print to give it back."""
    for region in ctx.offer.regions.values():
        endpoint = region.endpoint(protocol)  # type: ignore[arg-type]
        if endpoint is None or "{n}" not in endpoint.host:
            continue
        head, _, tail = endpoint.host.partition("{n}")
        pattern = rf"{re.escape(head)}([^.\s]{{1,6}}){re.escape(tail)}"
        match = re.fullmatch(pattern, typed, re.I)
        if match:
            return match.group(1)
    return None


def macro_for(claim: Claim, ctx: Context, protocol: str | None) -> tuple[str | None, str]:
    """(the macro call, the text it renders) for ``claim``, or (None, why it stays typed)."""
    offer = ctx.offer
    if protocol not in MAIL_PROTOCOLS or protocol not in offer.ports:
        return None, UNBOUND
    entry = next((p for p in offer.ports[protocol] if p.port == claim.port), None)
    if claim.port is not None and (entry is None or offer.port(protocol, entry.is_ssl) != entry):
        return None, f"port {claim.port} is not the preferred {protocol} port of its kind"
    ssl = {} if entry is None or entry.is_ssl else {"ssl": False}
    typed_host = claim.text.rsplit(":", 1)[0] if claim.port is not None else claim.text
    number = _server_number(typed_host, ctx, protocol)
    numbered = {} if number in (None, "N") else {"number": number}
    if claim.host and claim.port is not None:
        host = render.host(ctx, protocol, None, number or "N")
        rendered = f"{host}:{entry.port if entry else ''}"
        if rendered != claim.text:
            return None, f"written {claim.text}, the data writes {rendered}"
        return _call("server_address", protocol, **ssl, **numbered), rendered
    if claim.host:
        for region in (ctx.region, *offer.regions):
            where_ctx = Context(ctx.settings, ctx.labels, ctx.offer_key, region)
            shown = render.host(where_ctx, protocol, None, number or "N")
            if shown == claim.text:
                where = {} if region == ctx.region else {"region": region}
                return _call("host", protocol, **where, **numbered), shown
        return None, f"written {claim.text}, the data writes {render.host(ctx, protocol)}"
    return _call("port", protocol, **ssl), str(entry.port) if entry else ""


def value_edits(
    lines: list[str], claims: list[Claim], ctx: Context, taken: list[Edit]
) -> tuple[list[Edit], list[Kept]]:
    """An edit for each value that becomes a macro, a Kept for each that does not."""
    edits: list[Edit] = []
    kept: list[Kept] = []
    ports_on: dict[int, list[int]] = {}  # each line's ports, gathered once
    for claim in claims:
        if claim.port is not None:
            ports_on.setdefault(claim.line, []).append(claim.port)
    for claim in sorted(claims, key=lambda c: c.line):
        if claim.findings:
            reason = "the data refutes it (the checker's finding)"
            kept.append(Kept(claim.line, claim.text, reason, claim.findings[0], "refuted"))
            continue
        line_ports = ports_on.get(claim.line, [])
        call, rendered = macro_for(claim, ctx, protocol_of(claim, line_ports, ctx.offer))
        if call is None:
            kind = "unbound" if rendered == UNBOUND else "agrees"
            kept.append(Kept(claim.line, claim.text, rendered, "", kind))
            continue
        span = _find(lines[claim.line - 1], claim.text, [*taken, *edits], claim.line)
        number = re.search(r"number='([^']*)'", call)
        if span is None and number:  # the number in bold inside the host: pro**?**.mail…
            shown = number.group(1)
            bold_number = claim.text.replace(shown, f"**{shown}**", 1)
            span = _find(lines[claim.line - 1], bold_number, [*taken, *edits], claim.line)
            call = call.replace(f"number='{shown}'", f"number='**{shown}**'")
        if span is None:
            kept.append(Kept(claim.line, claim.text, "not found as typed on its line"))
            continue
        start, end, bold = span
        if not bold:
            call = (
                call.replace(") }}", ", bold=False) }}") if "server_address" not in call else call
            )
        edits.append(Edit(claim.line, start, end, call))
    return edits, kept


def _find(line: str, typed: str, edits: list[Edit], number: int) -> tuple[int, int, bool] | None:
    """Where ``typed`` stands on the line, outside any other edit: with the ``**`` around it
    when it is bold, as ``host()`` and ``port()`` write it."""
    busy = [(e.start, e.end) for e in edits if e.line == number]
    pattern = re.compile(rf"(?<![\w.:/-]){re.escape(typed)}(?![\w]|\.\w)")
    for match in pattern.finditer(line):
        start, end = match.span()
        if any(s < end and start < e for s, e in busy):
            continue
        if line[max(0, start - 2) : start] == "**" and line[end : end + 2] == "**":
            return start - 2, end + 2, True
        return start, end, False
    return None
