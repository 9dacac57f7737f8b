"""``guidekit probe``: hold the published settings against the real servers.

The checker proves that the pages agree with ``data/settings.yml``; this proves that
``data/settings.yml`` agrees with the servers. Each endpoint (protocol × port) of an offer's
region is connected to, its greeting read, its TLS (implicit or STARTTLS) and certificate
verified, and SMTP AUTH looked for when the offer says sending needs it. One deadline per
endpoint; every result says what was expected, what was seen, and how to fix the difference.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import cast

from macros.model.settings import MAIL_PROTOCOLS

from .attempt import STARTTLS_WORD, Attempt, Failure
from .checks import clear_text, implicit_tls
from .targets import Target
from .wire import MailProtocol


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
