"""The settings model: the only place a server value lives.

``load_settings`` validates ``data/settings.yml`` once, in two passes: the
typed structure (pydantic), then the domain rules that catch the legacy
guides' class of mistake (a port given to two protocols, 993 without SSL…).
Every problem of a pass is reported together, each with its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .sourcemap import DataError, Loc, Problem, SourceMap, load_yaml

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


def load_settings(path: Path, display: str | None = None) -> Settings:
    """Read, validate and return the settings, or raise DataError with every problem."""
    data, smap = load_yaml(path, display)
    if not isinstance(data, dict):
        raise DataError(
            [
                smap.problem(
                    (), "the file is empty or not a mapping (it must hold default_offer and offers)"
                )
            ]
        )
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise DataError([_from_pydantic(err, smap) for err in exc.errors()]) from None
    problems = list(domain_problems(settings, smap))
    if problems:
        raise DataError(problems)
    return settings


_FIXES = {
    "missing": "required (add it)",
    "extra_forbidden": "unknown key (remove it or fix its spelling)",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "too_short": "must not be empty (add at least one entry)",
}


def _from_pydantic(err: dict, smap: SourceMap) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    got = err.get("input")
    if kind in ("greater_than_equal", "less_than_equal") and loc and loc[-1] == "port":
        message = f"{got} is not a valid port (expected 1–65535)"
    elif kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        message = f"{got!r} is not allowed (use one of {allowed})"
    elif kind == "string_pattern_mismatch":
        message = f"{got!r} must be an https:// address (write the full https:// link)"
    elif kind == "value_error":
        message = str(err["ctx"]["error"])
    elif kind in _FIXES:
        message = _FIXES[kind]
        if kind not in ("missing", "extra_forbidden", "too_short"):
            message += f", got {got!r} (fix the value)"
    else:
        message = err["msg"]
    # A literal mismatch on a dict key (an unknown protocol) reports the key itself.
    if kind == "literal_error" and loc and loc[-1] == "[key]":
        loc = loc[:-1]
    return smap.problem(loc, message)


def domain_problems(settings: Settings, smap: SourceMap) -> Iterator[Problem]:
    """Rules a schema cannot say: the mistakes that make a guide wrong."""
    if settings.default_offer not in settings.offers:
        yield smap.problem(
            ("default_offer",),
            f"unknown offer {settings.default_offer!r} "
            f"(use one of: {', '.join(sorted(settings.offers))})",
        )
    for key, offer in settings.offers.items():
        yield from _offer_problems(("offers", key), offer, smap)


def _offer_problems(base: Loc, offer: Offer, smap: SourceMap) -> Iterator[Problem]:
    if offer.default_region not in offer.regions:
        yield smap.problem(
            (*base, "default_region"),
            f"unknown region {offer.default_region!r} "
            f"(use one of: {', '.join(sorted(offer.regions))})",
        )
    owner: dict[int, Protocol] = {}
    for protocol, ports in offer.ports.items():
        if not ports:
            yield smap.problem(
                (*base, "ports", protocol), f"{protocol} has no port (add at least one)"
            )
        for index, entry in enumerate(ports):
            loc = (*base, "ports", protocol, index, "port")
            shared = {owner.get(entry.port), protocol} <= set(HTTPS_PROTOCOLS)
            if entry.port in owner and owner[entry.port] != protocol and not shared:
                yield smap.problem(
                    loc,
                    f"port {entry.port} is already given to {owner[entry.port]} "
                    "(one port serves one protocol: fix the number or the protocol)",
                )
            owner.setdefault(entry.port, protocol)
            yield from _well_known(loc, protocol, entry, smap)
    for region_name, region in offer.regions.items():
        for protocol in PROTOCOLS:
            endpoint = region.endpoint(protocol)
            loc = (*base, "regions", region_name)
            if endpoint and protocol not in offer.ports:
                yield smap.problem(
                    (*loc, protocol),
                    f"{protocol} has a host but no port (add ports.{protocol} to the offer)",
                )
            if endpoint is None and protocol in offer.ports:
                yield smap.problem(
                    loc,
                    f"{protocol} has no host in this region (add {protocol}: {{host: …}})",
                )


def _well_known(loc: Loc, protocol: Protocol, entry: Port, smap: SourceMap) -> Iterator[Problem]:
    if entry.port not in WELL_KNOWN_PORTS or entry.nonstandard:
        return
    expected_protocol, implicit = WELL_KNOWN_PORTS[entry.port]
    if expected_protocol != protocol:
        yield smap.problem(
            loc,
            f"port {entry.port} is the well-known {expected_protocol} port, not {protocol} "
            "(RFC 8314; fix the port, or add nonstandard: <reason> if the server really does this)",
        )
    elif implicit != entry.is_ssl:
        want = "security: ssl" if implicit else "security: starttls or none"
        yield smap.problem(
            (*loc[:-1], "security"),
            f"port {entry.port} is {'implicit TLS' if implicit else 'not implicit TLS'} for "
            f"{protocol} (RFC 8314; set {want}, or add nonstandard: <reason>)",
        )
