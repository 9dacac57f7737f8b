"""Drift between the locales of a legacy guide: one ``guide.<locale>.md`` per language.

A project page's translation is held to its source by its macro calls (site/translations.py);
a legacy page has no macro calls, only the values it states, so the checker compares those,
setting by setting. A setting is the host of a protocol, the port of a protocol with or
without implicit SSL ("the POP3 port with SSL"), or the security of a port. Drift is a
translation stating a *conflicting* value for a setting its source states too. Phrasing
("995 or 110" for "995 (SSL) or 110 (no SSL)") and order are not drift, and a setting the
translation leaves out is a note, never an error.

Hosts are compared by role: a host the offer's data gives to that protocol, in any of the
offer's regions, is the same setting's value (``imap.mail.ovh.ca`` for a Canadian page and
``ssl0.ovh.net`` for a European one are both the MX Plan IMAP host).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from macros.model.findings import Finding
from macros.model.settings import INCOMING, MAIL_PROTOCOLS, Offer
from macros.site.translations import drift_finding

from .claims import target
from .offers import NAMES, host_roles
from .scan import Claim

# A legacy file name's locale: ``guide.fr-fr.md`` → ``fr-fr``.
LOCALE = re.compile(r"^([a-z]{2})(?:[-_]([a-z]{2,4}))?$", re.I)


@dataclass(frozen=True)
class Stated:
    """One setting's value as one page states it, where it says so first."""

    key: tuple[str, str]  # ("host", protocol) | ("port", "imap ssl") | ("security", port)
    value: str
    line: int
    text: str


def source_locale(locales: list[str], lang: str) -> str | None:
    """The locale translations are held to: ``fr-fr`` (or plain ``fr``) for ``fr``, before
    any regional variant (``fr-ca``), which is a translation like the others."""
    mine = [loc for loc in locales if loc.lower().split("-")[0].split("_")[0] == lang.lower()]
    exact = [loc for loc in mine if _region(loc) in ("", lang.lower())]
    return (sorted(exact) or sorted(mine) or [None])[0]


def _region(locale: str) -> str:
    match = LOCALE.match(locale)
    return (match.group(2) or "").lower() if match else ""


def settings_stated(claims: list[Claim], offer: Offer) -> dict[tuple[tuple[str, str], str], Stated]:
    """Every (setting, value) a page states, at its first line. Hosts of a mail protocol or of
    the incoming server; ports of a mail protocol, by security ("the POP3 port with SSL":
    995 or 110 are two settings, not one), the security known from the claim or else from
    the data; the security stated for a port."""
    out: dict[tuple[tuple[str, str], str], Stated] = {}

    def add(key: tuple[str, str], value: str, claim: Claim) -> None:
        out.setdefault((key, value), Stated(key, value, claim.line, claim.text))

    for claim in claims:
        protocol = target(claim)
        if claim.host and protocol in (*MAIL_PROTOCOLS, "incoming"):
            roles = host_roles(offer, claim.host)
            known = protocol in roles or (protocol == "incoming" and bool(roles & set(INCOMING)))
            add(("host", protocol), _setting(("host", protocol)) if known else claim.host, claim)
        if not claim.port or protocol not in MAIL_PROTOCOLS:
            continue
        implicit = _implicit(claim, offer, protocol)
        add(("port", f"{protocol} {implicit}"), str(claim.port), claim)
        if claim.security in ("ssl", "starttls", "off"):
            stated = "SSL/TLS" if claim.security == "ssl" else "no implicit SSL"
            add(("security", str(claim.port)), stated, claim)
    return out


def _implicit(claim: Claim, offer: Offer, protocol: str) -> str:
    """Which of the protocol's ports a claim is: ``ssl``, ``plain``, or ``any`` (a port the
    data does not give the protocol, with no security stated)."""
    if claim.security in ("ssl", "starttls", "off"):
        return "ssl" if claim.security == "ssl" else "plain"
    entry = next((p for p in offer.ports.get(protocol, []) if p.port == claim.port), None)
    if entry is None:
        return "any"
    return "ssl" if entry.is_ssl else "plain"


def _setting(key: tuple[str, str]) -> str:
    kind, what = key
    if kind == "security":
        return f"the security of port {what}"
    if kind == "host":
        role = "incoming server" if what == "incoming" else f"{NAMES[what]} server"
        return f"the {role}'s host"
    protocol, implicit = what.split()
    detail = {"ssl": " with SSL/TLS", "plain": " without implicit SSL", "any": ""}[implicit]
    return f"the {NAMES[protocol]} port{detail}"


def _matches(key: tuple[str, str], source: dict[tuple[str, str], list[Stated]]) -> list[Stated]:
    """What the source says for the same setting: a port of unknown security is held to all
    the source's ports of that protocol."""
    if key[0] != "port":
        return source.get(key, [])
    protocol, implicit = key[1].split()
    if implicit != "any":
        return source.get(key, [])
    return [
        s
        for k, found in source.items()
        if k[0] == "port" and k[1].split()[0] == protocol
        for s in found
    ]


def locale_drift(
    path: str,
    ours: dict[tuple[tuple[str, str], str], Stated],
    source_path: str,
    theirs: dict[tuple[tuple[str, str], str], Stated],
) -> list[Finding]:
    """A finding on each line where the translation gives a setting a value its source does
    not give it (the source's line named), and a note per setting it leaves out."""
    source_values: dict[tuple[str, str], list[Stated]] = {}
    for stated in theirs.values():
        source_values.setdefault(stated.key, []).append(stated)
    our_keys = {stated.key for stated in ours.values()}
    out = []
    for stated in sorted(ours.values(), key=lambda s: (s.line, s.key)):
        known = _matches(stated.key, source_values)
        if not known or any(s.value == stated.value for s in known):
            continue
        said = " or ".join(sorted({s.value for s in known}))
        where = ", ".join(f"line {s.line}" for s in sorted(known, key=lambda s: s.line))
        message = (
            f"this translation gives {_setting(stated.key)} as {stated.value}, where its source "
            f"{source_path} says {said} ({where}) (translate the source's value, or fix the "
            "source)"
        )
        out.append(drift_finding(path, stated.line, message, said, stated.value, stated.text))
    covered = our_keys | {
        ("port", f"{what.split()[0]} {implicit}")
        for kind, what in our_keys
        if kind == "port" and what.endswith(" any")
        for implicit in ("ssl", "plain")
    }
    for key in sorted(set(source_values) - covered):
        first = min(source_values[key], key=lambda s: s.line)
        out.append(
            Finding(
                path,
                1,
                1,
                "translation-drift",
                "note",
                f"{_setting(key)} is not stated here; the source {source_path} states it on line "
                f"{first.line} (translate it, if the translation should say it)",
                first.value,
                "nothing",
            )
        )
    return out
