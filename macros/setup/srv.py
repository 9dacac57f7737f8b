"""DNS SRV records for mail clients (RFC 6186, and RFC 8314 for ``_submissions``).

A client that knows only an address looks these names up under its domain.
The snippet is relative to the zone it is pasted into: the customer's mail
domain, which the data does not know. A service the offer does not provide
gets the target ``.``, which says "not offered here" (RFC 2782) rather than
leaving the client to guess.
"""

from __future__ import annotations

import re

from macros.model.settings import Protocol

from .data import Account, Server

TTL = 3600
# (service, protocol, implicit TLS): implicit-TLS services take the ssl ports, the
# others the starttls and none ports.
SERVICES: tuple[tuple[str, Protocol, bool], ...] = (
    ("_imaps._tcp", "imap", True),
    ("_imap._tcp", "imap", False),
    ("_pop3s._tcp", "pop3", True),
    ("_pop3._tcp", "pop3", False),
    ("_submissions._tcp", "smtp", True),
    ("_submission._tcp", "smtp", False),
)
# RFC 6186 §3.4: a client compares priorities across IMAP and POP3 alike, and across
# submission services; lower is preferred.
STEP = 10


def _priorities(account: Account) -> dict[Server, int]:
    """Incoming servers ranked IMAP first, each protocol's preferred server first;
    submission ranked on its own."""
    ranks: dict[Server, int] = {}
    for group in (account.incoming(), ["smtp"]):
        ordered = [s for p in group for s in account.servers.get(p, ())]
        ranks.update({server: index * STEP for index, server in enumerate(ordered)})
    return ranks


def srv_zone(account: Account) -> bytes:
    ranks = _priorities(account)
    name = re.sub(r"\s+", " ", account.name)  # a newline would end the comment
    lines = [
        f"; DNS SRV records for {name} (RFC 6186, RFC 8314), generated from data/settings.yml.",
        "; Add them to the zone of each mail domain; the names are relative to that zone.",
        '; Target "." means the service is not offered.',
    ]
    width = max(len(service) for service, _, _ in SERVICES)
    for service, protocol, implicit in SERVICES:
        found = [s for s in account.servers.get(protocol, ()) if (s.security == "ssl") == implicit]
        records = [f"{ranks[s]} 1 {s.port} {s.host}." for s in found] or ["0 0 0 ."]
        lines += [f"{service:<{width}} {TTL} IN SRV {record}" for record in records]
    return ("\n".join(lines) + "\n").encode("utf-8")
