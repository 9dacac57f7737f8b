"""The rules: claims held against the settings and against the rest of the page.

Each finding says what the page says (``found``), what the data says
(``expected``) and how to fix it; for the project's own pages the fix names
the macro to use instead of a typed value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .auth import auth_findings
from .claims import MAIL, Claim, Context, target
from .findings import Finding
from .settings import INCOMING, PROTOCOLS, Offer, Port, Settings

NAMES = {"imap": "IMAP", "pop3": "POP3", "smtp": "SMTP", "activesync": "ActiveSync", "ews": "EWS"}
NAMES |= {"incoming": "the incoming server", "outgoing": "the outgoing server"}
NAMES_PATTERN = re.compile(r"imap|pop|smtp", re.IGNORECASE)
SECURITY = {"ssl": "SSL/TLS", "starttls": "STARTTLS", "none": "no encryption", "off": "without SSL"}


@dataclass
class Page:
    """What the rules need to know about the page being checked."""

    path: str
    offer_key: str
    settings: Settings
    macros: bool = False  # a page of the project, where the fix is a macro

    @property
    def offer(self) -> Offer:
        return self.settings.offer(self.offer_key)


def host_pattern(host: str) -> re.Pattern[str]:
    """``pro{n}.mail.ovh.net`` also matches what legacy pages write: pro1, proN, pro?, proX."""
    escaped = re.escape(host).replace(r"\{n\}", r"(?:\d+|n|x|\?|\*)")
    return re.compile(rf"^{escaped}$", re.IGNORECASE)


def host_roles(offer: Offer, host: str) -> set[str]:
    roles = set()
    for region in offer.regions.values():
        for protocol in PROTOCOLS:
            endpoint = region.endpoint(protocol)
            if endpoint and any(host_pattern(n).match(host) for n in endpoint.names()):
                roles.add(protocol)
    return roles


def offer_of_host(settings: Settings, host: str) -> str | None:
    for key, offer in settings.offers.items():
        if host_roles(offer, host):
            return key
    return None


def _provider_domains(settings: Settings) -> set[str]:
    out = set()
    for offer in settings.offers.values():
        for region in offer.regions.values():
            for protocol in PROTOCOLS:
                endpoint = region.endpoint(protocol)
                for name in endpoint.names() if endpoint else []:
                    out.add(name.split(".")[-2])
    return out


def describe(offer: Offer, protocol: str) -> str:
    if protocol == "incoming":
        return "; ".join(f"{NAMES[p]}: {describe(offer, p)}" for p in INCOMING if p in offer.ports)
    ports = offer.ports.get(protocol, [])
    return " or ".join(f"{p.port} ({SECURITY[p.security]})" for p in ports) or "no port"


def hosts_of(offer: Offer, protocol: str) -> str:
    names: list[str] = []
    for region in offer.regions.values():
        for proto in INCOMING if protocol == "incoming" else (protocol,):
            endpoint = region.endpoint(proto) if proto in PROTOCOLS else None
            for name in endpoint.names() if endpoint else []:
                if name not in names:
                    names.append(name)
    return ", ".join(n.replace("{n}", "N") for n in names) or "none"


def port_macro(protocol: str, entry: Port) -> str:
    return (
        f"{{{{ port('{protocol}') }}}}"
        if entry.is_ssl
        else f"{{{{ port('{protocol}', ssl=False) }}}}"
    )


def owners(offer: Offer, port: int) -> list[tuple[str, Port]]:
    return [(proto, p) for proto, ports in offer.ports.items() for p in ports if p.port == port]


class Rules:
    def __init__(self, page: Page, claims: list[Claim], ctx: Context) -> None:
        self.page = page
        self.offer = page.offer
        self.claims = claims
        self.ctx = ctx
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        for claim in self.claims:
            if claim.port is not None:
                self._port(claim)
            if claim.host is not None:
                self._host(claim)
        self._obligations()
        self._declarations()
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
            elif host.split(".")[-2] in _provider_domains(self.page.settings):
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
            message = f"{host} is the {role} server, but it is given for {NAMES[about]} ({fix})"
            self._add(claim, "value-mismatch", message, hosts_of(self.offer, about), host)

    # -- statements against each other ------------------------------------------------------

    def _obligations(self) -> None:
        for claim in self.claims:
            if not (claim.obligation and claim.port and not claim.conditional):
                continue
            if claim.alternatives != 1 or claim.findings or claim.in_code:
                continue
            about = target(claim) or self._owner(claim.port)
            if about is None:
                continue
            others = [
                c
                for c in self.claims
                if c is not claim
                and c.port
                and c.port != claim.port
                and not c.in_code
                and not c.conditional
                and (target(c) or self._owner(c.port)) == about
            ]
            if not others:
                continue
            first = min(others, key=lambda c: c.line)
            how = f" with {SECURITY[first.security]}" if first.security in SECURITY else ""
            message = (
                f"this line makes port {claim.port} mandatory for {NAMES[about]}, but line "
                f"{first.line} sets port {first.port}{how}; a reader cannot follow both "
                f"(the data offers {describe(self.offer, about)}: keep one instruction)"
            )
            self._add(
                claim,
                "contradiction",
                message,
                f"{NAMES[about]}: {describe(self.offer, about)}",
                f"line {first.line}: {first.port}; line {claim.line}: {claim.port} mandatory",
                needle=str(claim.port),
            )

    def _owner(self, port: int) -> str | None:
        found = owners(self.offer, port)
        return found[0][0] if found else None

    def _declarations(self) -> None:
        seen: set[int] = set()
        for claim in self.claims:
            unit = claim.declared_by
            if unit is None or id(unit) in seen:
                continue
            seen.add(id(unit))
            heading, declared = claim.heading_protocol, claim.protocol
            if heading not in INCOMING or heading == declared or declared not in INCOMING:
                continue
            group = [c for c in self.claims if c.declared_by is unit]
            if any("protocol-port" in c.findings for c in group):
                continue
            message = (
                f"this step sets up {NAMES[declared]}, but its section is about "
                f"{NAMES[heading]} (make the heading and the step name the same protocol)"
            )
            self._add(
                unit.line,
                "contradiction",
                message,
                NAMES[heading],
                NAMES[declared],
                needle=unit.text.split()[0] if unit.text else "",
            )

    def _labels(self) -> None:
        """A label that names SMTP with incoming, or IMAP/POP3 with outgoing."""
        under_smtp = {
            id(c.unit): c for c in self.claims if c.heading_protocol == "smtp" and not c.in_code
        }
        for unit in self.ctx.doc.units:
            if unit.kind not in ("item", "cell", "heading"):
                continue
            if id(unit) not in under_smtp and not NAMES_PATTERN.search(unit.text):
                continue  # names no protocol: nothing to label wrongly
            found = self.ctx.of(unit)
            protocols = found.values("protocol") & set(MAIL)
            directions = found.values("direction")
            if id(unit) in under_smtp and not protocols and directions == {"incoming"}:
                protocols = {"smtp"}
            if len(protocols) != 1 or len(directions) != 1:
                continue
            protocol, direction = protocols.pop(), directions.pop()
            clash = (protocol == "smtp" and direction == "incoming") or (
                protocol in INCOMING and direction == "outgoing"
            )
            if not clash:
                continue
            word = next(w for w in found.of("direction"))
            right = "outgoing" if protocol == "smtp" else "incoming"
            message = (
                f"{NAMES[protocol]} is labelled {direction}, but {NAMES[protocol]} is the "
                f"{right} server (write {right} here, or name the right protocol)"
            )
            self._add(
                unit.line_at(word.start),
                "contradiction",
                message,
                f"{NAMES[protocol]}: {right}",
                f"{NAMES[protocol]}: {direction}",
                needle=word.text,
            )


def apply_rules(page: Page, claims: list[Claim], ctx: Context) -> Iterator[Finding]:
    yield from Rules(page, claims, ctx).run()
    yield from auth_findings(page, ctx)
