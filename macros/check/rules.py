"""The rules: claims held against the settings and against the rest of the page.

Each finding says what the page says (``found``), what the data says
(``expected``) and how to fix it; for the project's own pages the fix names
the macro to use instead of a typed value. Statements held against each other are in
``statements.py``, outgoing authentication in ``auth.py``, what the data offers in
``offers.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from macros.model.findings import Finding
from macros.model.settings import INCOMING, PROTOCOLS, Port

from .auth import auth_findings
from .claims import target
from .offers import (
    NAMES,
    SECURITY,
    Page,
    describe,
    host_roles,
    hosts_of,
    incoming_owner,
    offer_of_host,
    owners,
    port_macro,
    provider_domains,
)
from .scan import Claim, Context
from .statements import Statements


class Rules(Statements):
    def __init__(self, page: Page, claims: list[Claim], ctx: Context) -> None:
        self.page = page
        self.offer = page.offer
        self.claims = claims
        self.ctx = ctx
        self.findings: list[Finding] = []
        # The claims of each table cell, and of each line of any other unit: a host's
        # neighbours, found without reading a whole long paragraph for every host.
        self.by_place: dict[tuple[int, int], list[Claim]] = {}
        for claim in claims:
            line = 0 if claim.unit.kind == "cell" else claim.line
            self.by_place.setdefault((id(claim.unit), line), []).append(claim)

    def run(self) -> list[Finding]:
        for claim in self.claims:
            if claim.port is not None:
                self._port(claim)
            if claim.host is not None:
                self._host(claim)
        self._obligations()
        self._declarations()
        self._captions()
        self._block_captions()
        self._labels()
        return self.findings

    # -- helpers ---------------------------------------------------------------------------

    def _add(
        self, claim_or_line, rule: str, message: str, expected: str, found: str, needle=""
    ) -> None:
        if isinstance(claim_or_line, Claim):
            claim = claim_or_line
            line, needle = claim.line, needle or claim.text
            claim.findings.append(rule)
        else:
            line = claim_or_line
        column = self.ctx.doc.column(line, needle)
        self.findings.append(
            Finding(self.page.path, line, column, rule, "error", message, expected, found, needle)
        )

    def _fix_port(self, protocol: str, entry: Port | None = None) -> str:
        ports = self.offer.ports.get(protocol, [])
        if self.page.macros and ports:
            chosen = entry or ports[0]
            return f"use {port_macro(protocol, chosen)} instead of a typed port"
        return f"write {describe(self.offer, protocol)}"

    # -- ports -----------------------------------------------------------------------------

    def _port(self, claim: Claim) -> None:
        port = claim.port
        assert port is not None
        owned = owners(self.offer, port)
        owner_names = {proto for proto, _ in owned}
        if claim.in_code:
            roles = host_roles(self.offer, claim.host or "")
            if not owned:
                self._mismatch_port(claim, None)
            elif roles and not owner_names & roles:
                self._wrong_protocol(claim, sorted(roles)[0], owned)
            return
        about = target(claim)
        if about is None:
            heading = claim.heading_protocol
            if (
                heading
                and claim.unit.kind in ("item", "cell")
                and owner_names
                and owner_names <= {p for p in INCOMING if p != heading}
            ):
                self._wrong_protocol(claim, heading, owned, via_heading=True)
            elif not owned:
                self._mismatch_port(claim, None)
            else:
                self._security(claim, owned[0][1])
            return
        if about == "incoming":
            allowed = [(p, e) for p, e in owned if p in INCOMING]
            if allowed:
                self._security(claim, allowed[0][1])
            elif owned:
                self._wrong_protocol(claim, "incoming", owned)
            else:
                self._mismatch_port(claim, "incoming")
            return
        if about not in self.offer.ports:
            return
        entry = next((p for p in self.offer.ports[about] if p.port == port), None)
        if entry is not None:
            self._security(claim, entry)
        elif owned:
            self._wrong_protocol(claim, about, owned)
        else:
            self._mismatch_port(claim, about)

    def _wrong_protocol(self, claim: Claim, about: str, owned, via_heading: bool = False) -> None:
        owner, entry = owned[0]
        reasons = []
        if claim.protocol_from == "sibling" and claim.protocol_line:
            reasons.append(f"the server type on line {claim.protocol_line}")
        elif via_heading:
            reasons.append("the section heading")
        heading = claim.heading_protocol
        if heading and heading != about and about in INCOMING and not via_heading:
            reasons.append(f"in a section about {NAMES[heading]}")
        why = f" ({', '.join(reasons)})" if reasons else ""
        message = (
            f"port {claim.port} is given for {NAMES[about]}{why}, but the data gives "
            f"{claim.port} to {NAMES[owner]} ({SECURITY[entry.security]}); "
            f"{NAMES[about]} uses {describe(self.offer, about)} "
            f"({self._fix_port(about) if about in self.offer.ports else 'fix the protocol'})"
        )
        self._add(
            claim,
            "protocol-port",
            message,
            f"{NAMES[about]}: {describe(self.offer, about)}",
            f"{NAMES[about]} on port {claim.port}",
        )

    def _mismatch_port(self, claim: Claim, about: str | None) -> None:
        if about is None:
            offered = "; ".join(f"{NAMES[p]}: {describe(self.offer, p)}" for p in self.offer.ports)
            message = (
                f"port {claim.port} is not a port of {self.offer.name} ({offered}) (fix the number)"
            )
            self._add(claim, "value-mismatch", message, offered, f"port {claim.port}")
            return
        message = (
            f"port {claim.port} is given for {NAMES[about]}, but {self.offer.name} offers "
            f"{describe(self.offer, about)} "
            f"({self._fix_port(about if about != 'incoming' else 'imap')})"
        )
        self._add(
            claim,
            "value-mismatch",
            message,
            f"{NAMES[about]}: {describe(self.offer, about)}",
            f"{NAMES[about]} on port {claim.port}",
        )

    def _security(self, claim: Claim, entry: Port) -> None:
        stated = claim.security
        if stated is None or stated == "either":
            return
        actual = entry.security
        wrong = (
            (stated == "ssl" and actual != "ssl")
            or (stated == "off" and actual == "ssl")
            or (stated == "starttls" and actual != "starttls")
        )
        if not wrong:
            return
        protocol = next(p for p, e in owners(self.offer, entry.port) if e == entry)
        fix = (
            f"use {port_macro(protocol, entry)} with {{{{ security('{protocol}'"
            f"{'' if entry.is_ssl else ', ssl=False'}) }}}}"
            if self.page.macros
            else f"port {entry.port} is {SECURITY[actual]}: write "
            + ("SSL/TLS" if actual == "ssl" else SECURITY[actual])
            + self._other_port_hint(protocol, entry)
        )
        message = (
            f"port {entry.port} is said to be {SECURITY[stated]} ({claim.security_text!r}), but "
            f"the data says {NAMES[protocol]} {entry.port} is {SECURITY[actual]} ({fix})"
        )
        self._add(
            claim,
            "security-port",
            message,
            f"{entry.port}: {SECURITY[actual]}",
            f"{entry.port}: {SECURITY[stated]}",
        )

    def _other_port_hint(self, protocol: str, entry: Port) -> str:
        other = next((p for p in self.offer.ports[protocol] if p.is_ssl != entry.is_ssl), None)
        if other is None:
            return ""
        return f", or use port {other.port} for {SECURITY[other.security]}"

    # -- hosts -----------------------------------------------------------------------------

    def _host(self, claim: Claim) -> None:
        host = claim.host or ""
        roles = host_roles(self.offer, host)
        about = target(claim)
        if not roles:
            other = offer_of_host(self.page.settings, host)
            if other is not None:
                name = self.page.settings.offers[other].name
                message = (
                    f"{host} is a server of {name}, not of {self.offer.name} "
                    f"(use {hosts_of(self.offer, about or 'imap')}, or set offer: {other})"
                )
            elif host.split(".")[-2] in provider_domains(self.page.settings):
                message = (
                    f"{host} is not a server of {self.offer.name} "
                    f"(use {hosts_of(self.offer, about or 'imap')})"
                )
            else:
                return
            self._add(claim, "value-mismatch", message, hosts_of(self.offer, about or "imap"), host)
            return
        if about is None or claim.in_code:
            return
        row_port = ""
        if about == "incoming":
            narrowed = self._row_protocol(claim)
            if narrowed:
                about, row_port = narrowed
        wanted = set(INCOMING) if about == "incoming" else {about}
        if about in PROTOCOLS or about == "incoming":
            if roles & wanted:
                return
            role = ", ".join(NAMES[r] for r in sorted(roles))
            fix = (
                f"use {{{{ host('{about if about != 'incoming' else 'imap'}') }}}}"
                if self.page.macros
                else f"write {hosts_of(self.offer, about)}"
            )
            given = f"{NAMES[about]}{row_port}"
            message = f"{host} is the {role} server, but it is given for {given} ({fix})"
            self._add(claim, "value-mismatch", message, hosts_of(self.offer, about), host)

    def _row_protocol(self, claim: Claim) -> tuple[str, str] | None:
        """The one incoming protocol that the ports beside an "incoming" host belong to (its
        table row, or its own sentence or item), with how to say so; None when they do not
        name exactly one."""
        places = (
            [(id(cell), 0) for cell in claim.unit.row or [claim.unit]]
            if claim.unit.kind == "cell"
            else [(id(claim.unit), claim.line)]
        )
        beside = (
            other.port
            for place in places
            for other in self.by_place.get(place, [])
            if other.port is not None and other is not claim
        )
        owner = incoming_owner(self.offer, beside)
        if owner is None:
            return None
        protocol, port = owner
        return protocol, f" (port {port} beside it is {NAMES[protocol]}'s)"


def apply_rules(page: Page, claims: list[Claim], ctx: Context) -> Iterator[Finding]:
    yield from Rules(page, claims, ctx).run()
    yield from auth_findings(page, ctx)
