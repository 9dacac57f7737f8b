"""Statements held against each other: an obligation against another port for the same
protocol, a step's server type against its section heading, a label naming a protocol with
the wrong direction. The data says which statement is right."""

from __future__ import annotations

import bisect

from macros.model.findings import Finding
from macros.model.settings import INCOMING, Offer
from macros.model.settings import MAIL_PROTOCOLS as MAIL

from .binding import heading_protocol
from .claims import target
from .offers import NAMES, NAMES_PATTERN, SECURITY, describe, owners
from .scan import Claim, Context, block_of


class Statements:
    """The rules between statements of one page; ``Rules`` runs them with its own."""

    claims: list[Claim]
    ctx: Context
    offer: Offer
    findings: list[Finding]

    def _add(
        self, claim_or_line, rule: str, message: str, expected: str, found: str, needle=""
    ) -> None:
        raise NotImplementedError

    def _obligations(self) -> None:
        # Each protocol's ports, each at its first statement: computed once, so that a page
        # of a thousand ports is not read again for each of them.
        stated: dict[str, dict[int, Claim]] = {}
        for c in self.claims:
            if c.port and not c.in_code and not c.conditional:
                about_c = target(c) or self._owner(c.port)
                if about_c is not None:
                    stated.setdefault(about_c, {}).setdefault(c.port, c)
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
                for port, c in stated.get(about, {}).items()
                if port != claim.port and c is not claim
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

    def _captions(self) -> None:
        """A sentence that introduces the settings below it (it ends with a colon) and names
        one incoming protocol, where its section's heading and the first incoming port after
        it both belong to the other one: the caption is what is wrong ("POP configuration:" above
        993 and 143, in a section about IMAP)."""
        # Each incoming port with its line, in page order: the first one after a caption is
        # found by bisection, not by reading the page again for every caption.
        incoming_ports = sorted(
            (c.line, index, c, owned)
            for index, c in enumerate(self.claims)
            if c.port
            if (owned := frozenset(p for p, _ in owners(self.offer, c.port) if p in INCOMING))
        )
        for unit in self.ctx.doc.units:
            if unit.kind != "sentence" or not unit.text.rstrip().endswith(":"):
                continue
            found = self.ctx.of(unit)
            named = found.values("protocol") & set(MAIL)
            if len(named) != 1 or found.of("conditional") or not unit.headings:
                continue
            (caption,) = named
            section = heading_protocol(unit, self.ctx)
            if caption not in INCOMING or section not in INCOMING or section == caption:
                continue
            heading = unit.headings[-1]
            start = bisect.bisect_right(incoming_ports, unit.line, key=lambda item: item[0])
            # The first incoming port after the caption, if it is still in the caption's
            # section: once another heading has begun, this section has no more ports.
            after = incoming_ports[start] if start < len(incoming_ports) else None
            same = after is not None and after[2].unit.headings[-1:] == [heading]
            following = set(after[3]) if after and same else set()
            if following != {section}:
                continue
            message = (
                f"this introduces {NAMES[caption]} settings, but its section is about "
                f"{NAMES[section]} and the ports below are {NAMES[section]}'s (name "
                f"{NAMES[section]} here, or move these settings to a {NAMES[caption]} section)"
            )
            word = next(w for w in found.of("protocol") if w.value == caption)
            line = unit.line_at(word.start)
            self._add(line, "contradiction", message, NAMES[section], NAMES[caption], word.text)

    def _block_captions(self) -> None:
        """A caption that names one direction above a list or table whose ports all belong to
        the other ("For incoming mail:" above port 465): the caption is what is wrong."""
        ports: dict[tuple[str, int | None], set[str]] = {}
        for claim in self.claims:
            block = block_of(claim.unit)
            if claim.port and block is not None and not claim.in_code:
                owned = {p for p, _ in owners(self.offer, claim.port)}
                ports.setdefault(block, set()).update(owned or {"?"})
        for block, owned in ports.items():
            caption = self.ctx.captions.get(block)
            if caption is None:
                continue
            found = self.ctx.of(caption)
            directions = found.values("direction")
            if len(directions) != 1 or found.values("protocol") or found.of("conditional"):
                continue
            (direction,) = directions
            other = {"smtp"} if direction == "incoming" else set(INCOMING)
            if not owned or not owned <= other:
                continue
            right = "outgoing" if direction == "incoming" else "incoming"
            shown = ", ".join(sorted(NAMES[p] for p in owned))
            message = (
                f"this introduces the {direction} server's settings, but the ports below are "
                f"{shown}'s, the {right} server (write {right} here, or fix the ports)"
            )
            word = found.of("direction")[0]
            self._add(
                caption.line_at(word.start),
                "contradiction",
                message,
                f"{shown}: {right}",
                f"{shown}: {direction}",
                word.text,
            )

    def _labels(self) -> None:
        """A label that names SMTP with incoming, or IMAP/POP3 with outgoing."""
        under_smtp = {
            id(c.unit): c for c in self.claims if c.heading_protocol == "smtp" and not c.in_code
        }
        # Lists that also name the outgoing server describe the whole account, even under a
        # heading about SMTP: their "incoming server" is the incoming server.
        whole_account = (
            {
                u.group
                for u in self.ctx.doc.units
                if u.group is not None
                and (
                    "outgoing" in self.ctx.of(u).values("direction")
                    or "smtp" in self.ctx.of(u).values("protocol")
                )
            }
            if under_smtp
            else set()
        )
        for unit in self.ctx.doc.units:
            if unit.kind not in ("item", "cell", "heading"):
                continue
            if id(unit) not in under_smtp and not NAMES_PATTERN.search(unit.text):
                continue  # names no protocol: nothing to label wrongly
            found = self.ctx.of(unit)
            protocols = found.values("protocol") & set(MAIL)
            directions = found.values("direction")
            if id(unit) in under_smtp and not protocols and directions == {"incoming"}:
                if unit.group is not None and unit.group in whole_account:
                    continue  # the list also names the outgoing server: the account's summary
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
