"""Loading the settings: the schema's errors and the rules a schema cannot say, each as
``file:line: key: what is wrong (the fix)``, all collected before one DataError.

The model (settings.py) says what a valid file holds; this says, in a writer's words, why
a file is not valid, and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .settings import (
    HTTPS_PROTOCOLS,
    PROTOCOLS,
    WELL_KNOWN_PORTS,
    Offer,
    Port,
    Protocol,
    Settings,
)
from .sourcemap import DataError, Loc, Problem, SourceMap, load_yaml


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
        raise DataError([from_pydantic(err, smap) for err in exc.errors()]) from None
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


def from_pydantic(err: dict, smap: SourceMap) -> Problem:
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
