"""Certificates for ``guidekit probe``: verification always on, and failures told plainly.

A reader's mail client verifies the certificate and the host name; so does the probe,
with ``ssl.create_default_context`` (``check_hostname`` on). A private CA is added with
``--cafile``, never by turning verification off. Only to *explain* a host-name mismatch
does the probe connect once more with the chain still verified but the name unchecked, to
read which names the certificate is for.
"""

from __future__ import annotations

import ssl

from .wire import (
    MailProtocol,
    Wire,
    capabilities,
    greeting,
    say_goodbye,
    starttls_accepted,
)

# OpenSSL's X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code gives them.
NAME_MISMATCH = {62, 64}  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
UNTRUSTED = {2, 18, 19, 20, 21}  # no issuer, self-signed (leaf or chain), issuer not local
EXPIRED, NOT_YET_VALID = 10, 9


def tls_context(cafile: str | None = None, check_hostname: bool = True) -> ssl.SSLContext:
    """The system's trusted CAs, plus those of ``cafile`` (PEM) when given."""
    context = ssl.create_default_context()
    if cafile:
        context.load_verify_locations(cafile=cafile)
    if not check_hostname:
        context.check_hostname = False  # the chain is still verified: CERT_REQUIRED stays
    return context


def names_in(certificate: dict) -> list[str]:
    """The DNS names and addresses a certificate is for (its subject CN if it has none)."""
    names = [
        value
        for kind, value in certificate.get("subjectAltName", ())
        if kind in ("DNS", "IP Address")
    ]
    if names:
        return names
    return [
        value for rdn in certificate.get("subject", ()) for key, value in rdn if key == "commonName"
    ]


def peer_names(
    host: str,
    port: int,
    protocol: MailProtocol,
    starttls: bool,
    cafile: str | None,
    deadline: float,
) -> list[str]:
    """The names of the certificate a server shows, its chain verified; empty if unknown."""
    try:
        wire = Wire.open(host, port, deadline)
        try:
            if starttls:
                greeting(wire)
                capabilities(wire, protocol)  # SMTP wants EHLO before STARTTLS
                starttls_accepted(wire, protocol)
            wire.start_tls(tls_context(cafile, check_hostname=False), host)
            return names_in(wire.certificate())
        finally:
            say_goodbye(wire, protocol)
    except (OSError, ValueError):  # ssl.SSLError, timeouts, hang-ups are OSErrors
        return []


def certificate_verdict(
    error: ssl.SSLCertVerificationError,
    host: str,
    names: list[str],
    host_at: str,
    cafile: str | None = None,
) -> tuple[str, str]:
    """What was seen and the fix, for a certificate the client refuses."""
    message = error.verify_message or str(error)
    code = error.verify_code
    if code in NAME_MISMATCH:
        shown = ", ".join(names) or "other names"
        return (
            f"certificate is for {shown}, not {host}: {message}",
            f"the server's certificate must name {host} (add it to its subjectAltName), or "
            f"write a name the certificate has ({shown}) as the host at {host_at}",
        )
    if code in UNTRUSTED:
        private = (
            f"--cafile {cafile} does not hold its CA either"
            if cafile
            else "for a private CA, pass it with --cafile"
        )
        return (
            f"certificate not trusted: {message}",
            f"the server must send its full chain up to a public CA; {private}",
        )
    if code == EXPIRED:
        return (f"certificate expired: {message}", "renew the server's certificate")
    if code == NOT_YET_VALID:
        return (
            f"certificate not valid yet: {message}",
            "check the server's clock and the certificate's start date",
        )
    return (f"certificate refused: {message}", "fix the server's certificate")
