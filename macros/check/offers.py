"""What an offer's data says, in the words the checker's messages use: which protocols a
host serves, which offer a host belongs to, the ports of a protocol, the macro to write."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from macros.model.settings import INCOMING, PROTOCOLS, Offer, Port, Settings

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


@functools.lru_cache(maxsize=256)
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


def provider_domains(settings: Settings) -> set[str]:
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


def incoming_owner(offer: Offer, ports: Iterable[int]) -> tuple[str, int] | None:
    """The one incoming protocol that ``ports`` belong to, with the first port that says so
    (993 beside an "incoming" host: IMAP); None when they name none, or both."""
    found: dict[str, int] = {}
    for port in ports:
        for protocol, _ in owners(offer, port):
            if protocol in INCOMING:
                found.setdefault(protocol, port)
    return next(iter(found.items())) if len(found) == 1 else None
