"""When a port does not do what the data says: a second connection, within the same
deadline, listens to it again to say what it is instead (implicit TLS on a clear-text port,
clear text on an SSL port, another protocol), so that the fix is exact.
"""

from __future__ import annotations

import ssl

from .attempt import STARTTLS_WORD, Attempt, Failure, misheard, quote, reason_of
from .tls import tls_context
from .wire import (
    Wire,
    capabilities,
    greeting,
    say_goodbye,
    speaker,
)


def silent(a: Attempt) -> Failure:
    """A clear-text port that never greeted: is it implicit TLS?"""
    t = a.target
    waited = a.timeout / 2
    try:
        wire = Wire.open(t.host, t.port, a.deadline)
        try:
            wire.start_tls(tls_context(a.cafile), t.host)
        finally:
            wire.close()
        tls = True
    except ssl.SSLCertVerificationError:
        tls = True  # a certificate was offered: it is TLS, whatever its names
    except OSError:
        tls = False
    if tls:
        return Failure(
            f"no clear-text greeting within {waited:g} s; a TLS handshake succeeds: port "
            f"{t.port} is implicit TLS",
            f"port {t.port} is implicit TLS: set security: ssl at {t.port_at}, or make the "
            "server greet in clear text on it",
        )
    return Failure(
        f"no greeting within {waited:g} s, and no TLS handshake either",
        f"nothing on port {t.port} speaks {t.name}: fix {t.port_at} or the server",
    )


def not_tls(a: Attempt, exc: BaseException) -> Failure:
    """An SSL port whose handshake failed: listen to it in clear text to say what it is."""
    t = a.target
    line, caps = None, {}
    try:
        wire = Wire.open(t.host, t.port, a.deadline)
        try:
            line = greeting(wire)
            if speaker(line) == a.protocol:
                caps = capabilities(wire, a.protocol)
        finally:
            say_goodbye(wire, a.protocol)
    except (OSError, ValueError):
        pass
    failed = f"no TLS handshake on {t.port} ({reason_of(exc)})"
    if line is None:
        return Failure(
            f"{failed}, and no clear-text greeting either",
            f"port {t.port} speaks neither TLS nor {t.name}: fix {t.port_at} or the server",
        )
    what = misheard(a, line)
    if what:
        return Failure(
            f"{failed}; in clear text it {what}: {quote(line)}",
            f"port {t.port} {what} in clear text ({quote(line, 24)}): the data gives "
            f"{t.port} to {t.name} with SSL — fix {t.port_at} or the server",
        )
    if STARTTLS_WORD[a.protocol] in caps:
        return Failure(
            f"{failed}; it greets in clear text ({quote(line)}) and offers STARTTLS",
            f"port {t.port} is STARTTLS, not implicit TLS: set security: starttls at "
            f"{t.port_at}, or enable implicit TLS on the server",
        )
    return Failure(
        f"{failed}; it greets in clear text ({quote(line)}) and offers no STARTTLS",
        f"port {t.port} has no TLS at all: enable implicit TLS on the server (security: none "
        f"at {t.port_at} only if clear text is really meant)",
    )
