"""What the machine-readable set-up files say, before any format is chosen.

Thunderbird autoconfig, Outlook Autodiscover, Apple profiles and DNS SRV
records all describe the same thing: for each protocol, which server, which
port, which security, and what to type as the user name. This module reads
that once from the typed settings, so the four formats cannot disagree about
which port is preferred or which offers are published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from macros.model.frontmatter import split_front_matter
from macros.model.project import mkdocs_config, site_languages
from macros.model.settings import INCOMING, MAIL_PROTOCOLS, Offer, Protocol, Security, Settings

# What the client substitutes for the user name: Thunderbird's own placeholders, also
# used in the Autodiscover answer (the serving handler replaces them, see README).
LOGIN_PLACEHOLDERS = {"email": "%EMAILADDRESS%", "local-part": "%EMAILLOCALPART%"}

# Offer keys become folder and file names of the published site; "autodiscover" names
# the default offer's Autodiscover file (autodiscover/autodiscover.xml).
SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
RESERVED_KEYS = frozenset({"autodiscover"})

# The page every file links to as its documentation: the settings recap.
DOC_PAGE = "settings"


@dataclass(frozen=True)
class Server:
    """One way to reach one protocol of an offer."""

    protocol: Protocol
    host: str
    port: int
    security: Security


@dataclass(frozen=True)
class Account:
    """An offer as a mail client sees it: servers per protocol, the preferred one first."""

    key: str
    name: str
    login: str
    smtp_auth: bool
    domains: tuple[str, ...]
    servers: dict[Protocol, tuple[Server, ...]]

    @property
    def login_placeholder(self) -> str:
        return LOGIN_PLACEHOLDERS[self.login]

    def preferred(self, protocol: Protocol) -> Server | None:
        found = self.servers.get(protocol, ())
        return found[0] if found else None

    def incoming(self) -> list[Protocol]:
        return [p for p in INCOMING if p in self.servers]


def ordered_servers(offer: Offer, protocol: Protocol) -> tuple[Server, ...]:
    """Implicit TLS first (RFC 8314 prefers it), then the other ports in the data's order."""
    host = offer.endpoint(protocol).host
    entries = offer.ports.get(protocol, [])
    ranked = sorted(entries, key=lambda entry: not entry.is_ssl)  # stable: keeps data order
    return tuple(Server(protocol, host, entry.port, entry.security) for entry in ranked)


def skip_reason(key: str, offer: Offer) -> str | None:
    """Why an offer gets no set-up file, or None when it gets them."""
    protocols = [p for p in MAIL_PROTOCOLS if p in offer.ports]
    if not protocols:
        return "no IMAP, POP3 or SMTP server"
    if not SAFE_KEY.match(key) or key in RESERVED_KEYS:
        return (
            "its key cannot be a file name of the site (letters, digits, '.', '_' and '-' "
            f"only, not {', '.join(sorted(RESERVED_KEYS))})"
        )
    per_customer = [p for p in protocols if offer.endpoint(p).per_customer]
    if per_customer:
        # A file or a DNS record holds one value; "pro{n}" differs for each customer.
        return "its host differs per customer ({n}), and a set-up file holds one host"
    return None


def accounts(settings: Settings) -> list[Account]:
    """Every offer that can be published, in the order of the settings file."""
    found = []
    for key, offer in settings.offers.items():
        if skip_reason(key, offer) is None:
            servers = {p: ordered_servers(offer, p) for p in MAIL_PROTOCOLS if p in offer.ports}
            domains = tuple(offer.domains) or (host_domain(_first_host(servers)),)
            found.append(Account(key, offer.name, offer.login, offer.smtp_auth, domains, servers))
    return found


def skipped(settings: Settings) -> dict[str, str]:
    """The offers left out, with the reason: the export command reports them."""
    return {
        key: reason
        for key, offer in settings.offers.items()
        if (reason := skip_reason(key, offer)) is not None
    }


def _first_host(servers: dict[Protocol, tuple[Server, ...]]) -> str:
    incoming = [p for p in INCOMING if p in servers] or list(servers)
    return servers[incoming[0]][0].host


def host_domain(host: str) -> str:
    """``ssl0.ovh.net`` → ``ovh.net``: the domain a server name belongs to."""
    labels = host.split(".")
    return ".".join(labels[1:]) if len(labels) > 2 else host


# --- the site the files link to ---------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """Where the guides are published, to link each file to its documentation."""

    url: str  # mkdocs.yml's site_url, ending with "/", or "" when it is not set
    languages: tuple[str, ...]
    default: str
    directory_urls: bool = True
    titles: tuple[tuple[str, str], ...] = ()  # (language, title of the settings page)

    def page_url(self, lang: str) -> str:
        prefix = "" if lang == self.default else f"{lang}/"
        page = f"{DOC_PAGE}/" if self.directory_urls else f"{DOC_PAGE}.html"
        return f"{self.url}{prefix}{page}"


def site_info(root: Path) -> Site:
    """The site as ``mkdocs.yml`` and the settings pages describe it (not as ``mkdocs serve``
    rewrites it), so the build and ``guidekit export`` link to the same addresses."""
    config = mkdocs_config(root)
    url = str(config.get("site_url") or "")
    if url and not url.endswith("/"):
        url += "/"
    languages, default = site_languages(root)
    titles = []
    for lang in languages:
        # An untranslated page falls back to the default language's, as the site shows it.
        for folder in (root / "docs" / lang, root / "docs" / default):
            source = folder / f"{DOC_PAGE}.md"
            if source.is_file():
                text = source.read_text(encoding="utf-8")
                meta, _, _ = split_front_matter(text, f"docs/{source.parent.name}/{source.name}")
                titles.append((lang, str(meta.get("title") or DOC_PAGE)))
                break
    return Site(
        url, tuple(languages), default, bool(config.get("use_directory_urls", True)), tuple(titles)
    )
