"""The checks of one endpoint: connect, greeting, TLS (implicit or STARTTLS), SMTP AUTH.

Each step either returns what it saw or raises ``Failure`` with what it saw and the fix,
naming the line of the settings file to change. When a step fails in a way that has a
likely cause (a clear-text server on an SSL port, a TLS server on a STARTTLS port), a
second connection within the same deadline finds out which, so the fix is exact.
"""

from __future__ import annotations

import socket
import ssl
import time

from .attempt import (
    CAPABILITY_COMMAND,
    STARTTLS_WORD,
    Attempt,
    Failure,
    during,
    misheard,
    quote,
    reason_of,
)
from .diagnosis import not_tls, silent
from .tls import certificate_verdict, peer_names, tls_context
from .wire import (
    Wire,
    capabilities,
    greeting,
    say_goodbye,
    starttls_accepted,
    welcoming,
)

# --- the two ways in --------------------------------------------------------------------


def implicit_tls(a: Attempt) -> str:
    """An ``ssl`` port: TLS from the first byte, then the greeting."""
    wire = connect(a)
    try:
        version = handshake(a, wire, implicit=True)
        line = greet(a, wire)
        auth = smtp_auth(a, wire) if a.protocol == "smtp" else ""
    finally:
        say_goodbye(wire, a.protocol)
    return f"{version}, certificate valid for {a.target.host}; greeting {quote(line)}{auth}"


def clear_text(a: Attempt) -> str:
    """A ``starttls`` or ``none`` port: greeting and capabilities in clear text, then the
    upgrade when the settings promise one."""
    t = a.target
    wire = connect(a)
    try:
        line = greet(a, wire, clear=True)
        caps = listed(a, wire)
        offered = STARTTLS_WORD[a.protocol] in caps
        if t.security == "none":
            note = "STARTTLS offered (security: starttls would use it)" if offered else ""
            auth = smtp_auth(a, wire, caps, starttls=offered) if a.protocol == "smtp" else ""
            return f"clear-text greeting {quote(line)}; {note or 'no STARTTLS offered'}{auth}"
        if not offered:
            shown = " ".join(sorted(caps)) or "nothing"
            raise Failure(
                f"clear-text greeting {quote(line)}; STARTTLS not offered "
                f"({CAPABILITY_COMMAND[a.protocol]} lists: {shown})",
                f"STARTTLS not offered on {t.port}: set security: ssl/none at {t.port_at} or "
                "enable STARTTLS on the server",
            )
        with during(a, f"asking for {STARTTLS_WORD[a.protocol]}"):
            agreed, answer = starttls_accepted(wire, a.protocol)
        if not agreed:
            raise Failure(
                f"STARTTLS is offered but refused: {quote(answer)}",
                "the server advertises STARTTLS and refuses it (no certificate or key?): "
                "fix its TLS set-up",
            )
        version = handshake(a, wire, implicit=False)
        auth = smtp_auth(a, wire) if a.protocol == "smtp" else ""
    finally:
        say_goodbye(wire, a.protocol)
    return (
        f"clear-text greeting {quote(line)}; STARTTLS to {version}, certificate valid for "
        f"{t.host}{auth}"
    )


# --- steps ------------------------------------------------------------------------------


def connect(a: Attempt) -> Wire:
    t = a.target
    try:
        return Wire.open(t.host, t.port, a.deadline)
    except ConnectionRefusedError:
        raise Failure(
            f"connection refused on {t.address}",
            f"nothing listens on port {t.port} of {t.host}: fix the port at {t.port_at} or "
            f"start the {t.name} service on it",
        ) from None
    except socket.gaierror as exc:
        raise Failure(
            f"{t.host} does not resolve ({exc.strerror})",
            f"fix the host name at {t.host_at}, or its DNS records",
        ) from None
    except TimeoutError:
        raise Failure(
            f"no answer from {t.address} within {a.timeout:g} s (connection not accepted)",
            f"a firewall drops port {t.port}, or the host or the port at {t.port_at} is wrong",
        ) from None
    except OSError as exc:
        raise Failure(
            f"cannot connect to {t.address}: {exc.strerror or exc}",
            f"check the host at {t.host_at} and the port at {t.port_at}",
        ) from None


def greet(a: Attempt, wire: Wire, clear: bool = False) -> str:
    """Read and judge the greeting. In clear text, half the time is kept back: a server
    that stays silent may be waiting for a TLS handshake, and that is worth finding out."""
    t = a.target
    if clear:
        wire.deadline = time.monotonic() + (a.deadline - time.monotonic()) / 2
    try:
        with during(a, "waiting for the greeting"):
            line = greeting(wire)
    except Failure:
        if clear and time.monotonic() >= wire.deadline:
            raise silent(a) from None
        raise
    finally:
        wire.deadline = a.deadline
    what = misheard(a, line)
    if what:
        raise Failure(
            f"greeting {quote(line)}: port {t.port} {what}",
            f"port {t.port} {what} ({quote(line, 24)}): the data gives {t.port} to {t.name} "
            f"— fix {t.port_at} or the server",
        )
    if not welcoming(a.protocol, line):
        raise Failure(
            f"the server turns clients away: {quote(line)}",
            "the server refuses connections (overloaded, or this address blocked?): see its log",
        )
    return line


def listed(a: Attempt, wire: Wire) -> dict[str, str]:
    with during(a, f"asking for {CAPABILITY_COMMAND[a.protocol]}"):
        return capabilities(wire, a.protocol)


def handshake(a: Attempt, wire: Wire, implicit: bool) -> str:
    t = a.target
    try:
        return wire.start_tls(tls_context(a.cafile), t.host)
    except ssl.SSLCertVerificationError as exc:
        names = []
        if exc.verify_code in (62, 64):  # a name mismatch: say which names it has
            starttls = t.security != "ssl"
            names = peer_names(t.host, t.port, a.protocol, starttls, a.cafile, a.deadline)
        raise Failure(*certificate_verdict(exc, t.host, names, t.host_at, a.cafile)) from None
    except TimeoutError:
        raise Failure(
            f"no TLS handshake within {a.timeout:g} s",
            f"port {t.port} does not complete TLS: check the server's TLS set-up",
        ) from None
    except OSError as exc:  # ssl.SSLError included
        if implicit:
            raise not_tls(a, exc) from None
        raise Failure(
            f"TLS after STARTTLS failed: {reason_of(exc)}",
            "the upgrade breaks: check the server's TLS set-up and its log",
        ) from None


def smtp_auth(
    a: Attempt, wire: Wire, caps: dict[str, str] | None = None, starttls: bool = False
) -> str:
    """EHLO (again, once TLS is up: what a server offers changes with it), then look for
    AUTH. Missing AUTH fails only when the offer says sending needs authentication."""
    t = a.target
    if caps is None:
        caps = listed(a, wire)
    mechanisms = next((v or k[5:] for k, v in caps.items() if k.startswith("AUTH")), None)
    if mechanisms is not None:
        return f"; AUTH {mechanisms}".rstrip()
    if not t.smtp_auth:
        return "; no AUTH offered"
    after = " after STARTTLS" if t.security == "starttls" else ""
    shown = " ".join(sorted(caps)) or "nothing"
    hint = ""
    if starttls:
        hint = f"it may offer AUTH only after STARTTLS (set security: starttls at {t.port_at}), or "
    raise Failure(
        f"EHLO{after} lists no AUTH ({shown})",
        f"AUTH not offered on {t.port}, and the data says sending needs it ({t.auth_at}): "
        f"{hint}enable SMTP AUTH on this port of the server",
    )
