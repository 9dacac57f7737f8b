"""The settings model: the only place a server value lives.

``load_settings`` validates ``data/settings.yml`` once, in two passes: the
typed structure (pydantic), then the domain rules that catch the legacy
guides' class of mistake (a port given to two protocols, 993 without SSL…).
Every problem of a pass is reported together, each with its file and line.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Protocol = Literal["imap", "pop3", "smtp", "activesync", "ews"]
Security = Literal["ssl", "starttls", "none"]
PROTOCOLS: tuple[Protocol, ...] = ("imap", "pop3", "smtp", "activesync", "ews")
MAIL_PROTOCOLS: tuple[Protocol, ...] = ("imap", "pop3", "smtp")
INCOMING: tuple[Protocol, ...] = ("imap", "pop3")
# Exchange ActiveSync and Exchange Web Services both run over HTTPS and share its port.
HTTPS_PROTOCOLS: tuple[Protocol, ...] = ("activesync", "ews")
SECURITIES: tuple[Security, ...] = ("ssl", "starttls", "none")

# RFC 8314 (and the registrations it updates): the well-known mail ports.
# True means implicit TLS; False means the connection starts in clear text.
WELL_KNOWN_PORTS: dict[int, tuple[Protocol, bool]] = {
    993: ("imap", True),
    143: ("imap", False),
    995: ("pop3", True),
    110: ("pop3", False),
    465: ("smtp", True),
    587: ("smtp", False),
    25: ("smtp", False),
}

_LABEL = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|[a-z0-9-]*\{n\}[a-z0-9-]*)"
HOST_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")


def _host(value: str) -> str:
    if value != value.lower():
        raise ValueError(f"{value!r} must be written in lower case")
    if not HOST_RE.match(value):
        raise ValueError(
            f"{value!r} is not a host name (letters, digits, dashes and dots; "
            "write {n} where the number differs per customer)"
        )
    return value


HostName = Annotated[str, AfterValidator(_host)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Port(Model):
    """One port of a protocol and how the connection is secured on it."""

    port: int = Field(ge=1, le=65535, description="TCP port number, 1–65535.")
    security: Security = Field(
        description="ssl: implicit TLS from the first byte; starttls: clear text upgraded "
        "with STARTTLS; none: no encryption."
    )
    nonstandard: str | None = Field(
        default=None,
        description="Why this entry departs from RFC 8314's well-known port assignment. "
        "Required to give a well-known port another protocol or security.",
    )

    @property
    def is_ssl(self) -> bool:
        return self.security == "ssl"


class Endpoint(Model):
    """The server a client connects to for one protocol in one region."""

    host: HostName = Field(description="The host name the guides tell readers to type.")
    aliases: list[HostName] = Field(
        default_factory=list, description="Other names of the same server, also correct."
    )

    @property
    def per_customer(self) -> bool:
        return "{n}" in self.host

    def names(self) -> list[str]:
        return [self.host, *self.aliases]


class Region(Model):
    """Where an offer's servers live; only the host names differ between regions."""

    imap: Endpoint | None = None
    pop3: Endpoint | None = None
    smtp: Endpoint | None = None
    activesync: Endpoint | None = None
    ews: Endpoint | None = None

    def endpoint(self, protocol: Protocol) -> Endpoint | None:
        return getattr(self, protocol)


class Offer(Model):
    """One product sold with its own servers (shared hosting mail, Exchange…)."""

    name: str = Field(min_length=1, description="The product name shown to readers.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names pages use for this offer; the checker recognises a legacy "
        "page's offer by them when its title names one.",
    )
    domains: list[HostName] = Field(
        default_factory=list,
        description="The mail domains this offer serves, named in the generated Thunderbird "
        "autoconfig (which needs at least one <domain>). When empty, the domain of the offer's "
        "first incoming host is used (ssl0.ovh.net gives ovh.net).",
    )
    login: Literal["email", "local-part"] = Field(
        default="email",
        description="email: the login is the full e-mail address; local-part: only the "
        "part before @.",
    )
    smtp_auth: bool = Field(default=True, description="Sending requires authentication.")
    pop_before_smtp: bool = Field(
        default=False, description="Whether POP-before-SMTP is accepted instead of SMTP AUTH."
    )
    control_panel: str = Field(
        pattern=r"^https://\S+$",
        description="Where the customer sets the mailbox password (https URL).",
    )
    default_region: str = Field(description="The region pages show unless they say otherwise.")
    regions: dict[str, Region] = Field(min_length=1)
    ports: dict[Protocol, list[Port]] = Field(
        min_length=1, description="Ports per protocol, the preferred one first."
    )

    def protocols(self) -> list[Protocol]:
        return [p for p in PROTOCOLS if p in self.ports]

    def port(self, protocol: Protocol, ssl: bool = True) -> Port:
        """The preferred port of ``protocol`` with (or without) implicit TLS."""
        for entry in self.ports.get(protocol, []):
            if entry.is_ssl == ssl:
                return entry
        kind = "with SSL" if ssl else "without SSL"
        raise LookupError(f"offer {self.name!r} has no {protocol} port {kind}")

    def endpoint(self, protocol: Protocol, region: str | None = None) -> Endpoint:
        name = region or self.default_region
        if name not in self.regions:
            raise LookupError(f"unknown region {name!r} (known: {', '.join(sorted(self.regions))})")
        found = self.regions[name].endpoint(protocol)
        if found is None:
            raise LookupError(f"region {name!r} has no {protocol} server")
        return found


class Settings(Model):
    """The whole of ``data/settings.yml``."""

    default_offer: str = Field(description="The offer of pages that name none.")
    offers: dict[str, Offer] = Field(min_length=1)

    def offer(self, name: str | None = None) -> Offer:
        key = name or self.default_offer
        if key not in self.offers:
            raise LookupError(f"unknown offer {key!r} (known: {', '.join(sorted(self.offers))})")
        return self.offers[key]


# --- loading ---------------------------------------------------------------
