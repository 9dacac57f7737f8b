"""``guidekit probe``: hold the published settings against the real servers.

The checker proves that the pages agree with ``data/settings.yml``; this proves that
``data/settings.yml`` agrees with the servers. Each endpoint (protocol × port) of an offer's
region is connected to, its greeting read, its TLS (implicit or STARTTLS) and certificate
verified, and SMTP AUTH looked for when the offer says sending needs it. One deadline per
endpoint; every result says what was expected, what was seen, and how to fix the difference.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import cast

from .probe_checks import STARTTLS_WORD, Attempt, Failure, clear_text, implicit_tls
from .probe_wire import NAMES, MailProtocol
from .settings import MAIL_PROTOCOLS, Protocol, Security, Settings
from .sourcemap import SourceMap


@dataclass(frozen=True)
class Target:
    """One endpoint as the settings publish it, and where in the file each part is said."""

    offer: str
    region: str
    protocol: Protocol
    host: str
    port: int
    security: Security
    smtp_auth: bool
    port_at: str  # file:line of the port entry
    host_at: str  # file:line of the region's host for the protocol
    auth_at: str  # file:line of the offer's smtp_auth (or of the offer)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def name(self) -> str:
        return NAMES.get(self.protocol, self.protocol)


@dataclass(frozen=True)
class Result:
    target: Target
    ok: bool | None  # None: not probed (skipped), the reason in ``seen``
    expected: str
    seen: str
    fix: str = ""

    def as_json(self) -> dict:
        t = self.target
        return {
            "offer": t.offer,
            "region": t.region,
            "protocol": t.protocol,
            "host": t.host,
            "port": t.port,
            "security": t.security,
            "ok": self.ok,
            "expected": self.expected,
            "seen": self.seen,
            "fix": self.fix,
        }


def targets(
    settings: Settings, smap: SourceMap, offer: str | None = None, region: str | None = None
) -> list[Target]:
    """Every endpoint of the offer's region (its default region unless named), in the
    file's order. Raises LookupError for an unknown offer or region."""
    key = offer or settings.default_offer
    chosen = settings.offer(key)
    region = region or chosen.default_region
    if region not in chosen.regions:
        known = ", ".join(sorted(chosen.regions))
        raise LookupError(f"offer {key!r} has no region {region!r} (use one of: {known})")

    def at(*loc: str | int) -> str:
        return f"{smap.path}:{smap.line_of(('offers', key, *loc))}"

    return [
        Target(
            offer=key,
            region=region,
            protocol=protocol,
            host=chosen.endpoint(protocol, region).host,
            port=entry.port,
            security=entry.security,
            smtp_auth=chosen.smtp_auth,
            port_at=at("ports", protocol, index),
            host_at=at("regions", region, protocol),
            auth_at=at("smtp_auth"),
        )
        for protocol in chosen.protocols()
        for index, entry in enumerate(chosen.ports[protocol])
    ]


def probe(target: Target, cafile: str | None = None, timeout: float = 10.0) -> Result:
    """Connect to one endpoint and hold it to the settings, in at most about ``timeout`` s."""
    expected = expectation(target)
    if target.protocol not in MAIL_PROTOCOLS:
        reason = f"not probed: {target.protocol} runs over HTTPS; the probe speaks IMAP, POP3, SMTP"
        return Result(target, None, expected, reason)
    if "{n}" in target.host:
        reason = (
            f"not probed: {target.host} differs per customer ({{n}} is each customer's server "
            "number); probe a real one with --settings FILE naming it"
        )
        return Result(target, None, expected, reason)
    protocol = cast(MailProtocol, target.protocol)
    attempt = Attempt(target, protocol, cafile, timeout, time.monotonic() + timeout)
    try:
        seen = implicit_tls(attempt) if target.security == "ssl" else clear_text(attempt)
    except Failure as failure:
        return Result(target, False, expected, failure.seen, failure.fix)
    return Result(target, True, expected, seen)


def expectation(t: Target) -> str:
    auth = t.protocol == "smtp" and t.smtp_auth
    if t.security == "ssl":
        return f"{t.name} over implicit TLS, certificate valid for {t.host}" + (
            ", AUTH in EHLO" if auth else ""
        )
    if t.security == "starttls":
        word = STARTTLS_WORD.get(t.protocol, "STARTTLS")
        return (
            f"{t.name} greeting in clear text, {word} offered and working, certificate valid "
            f"for {t.host}" + (", AUTH in EHLO after STARTTLS" if auth else "")
        )
    return f"{t.name} greeting in clear text" + (", AUTH in EHLO" if auth else "")


# --- reports ----------------------------------------------------------------------------


def text_result(result: Result) -> str:
    """One endpoint for people: a status line, then the details a failure needs."""
    t = result.target
    status = {True: "ok", False: "FAILED", None: "skipped"}[result.ok]
    head = f"{status:<8}{t.protocol:<5} {t.address} {t.security}"
    if result.ok is False:
        return (
            f"{head}\n        expected: {result.expected}\n        seen:     {result.seen}\n"
            f"        fix:      {result.fix}\n"
        )
    return f"{head}: {result.seen}\n"


def text_summary(results: list[Result]) -> str:
    count = {value: sum(1 for r in results if r.ok is value) for value in (True, False, None)}
    where = (
        f"offer {results[0].target.offer}, region {results[0].target.region}: " if results else ""
    )
    return (
        f"{where}{len(results)} endpoint(s): {count[True]} ok, {count[False]} failed, "
        f"{count[None]} skipped\n"
    )


def json_report(results: list[Result]) -> str:
    payload = {"endpoints": [r.as_json() for r in results]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
