"""Every machine-readable set-up file of the site, as one {relative path: bytes} mapping.

The MkDocs hook writes it into the built site, ``guidekit export DIR`` writes
it anywhere else, and ``guidekit check --site`` regenerates it to compare: one
function, so the three can never differ. The paths are the public URLs (see
the README, "Machine-readable set-up"); keep them stable.
"""

from __future__ import annotations

from pathlib import Path

from macros.model.settings import Settings
from macros.model.validation import load_settings

from .autoconfig import autodiscover_response, thunderbird_config
from .data import Site, accounts, site_info
from .mobileconfig import FILE_KINDS, can_profile, mobileconfig
from .srv import srv_zone

AUTOCONFIG = "config-v1.1.xml"
# Where Thunderbird looks under a domain's own web server, for the default offer.
WELL_KNOWN_AUTOCONFIG = (f".well-known/autoconfig/mail/{AUTOCONFIG}", f"mail/{AUTOCONFIG}")
DEFAULT_AUTODISCOVER = "autodiscover/autodiscover.xml"

# Patterns of the per-offer files, to find files in a site that the data no longer makes.
OFFER_PATTERNS = (
    f"autoconfig/*/{AUTOCONFIG}",
    "autodiscover/*.xml",
    "apple/*.mobileconfig",
    "dns/*.zone",
)


def setup_files(settings: Settings, site: Site) -> dict[str, bytes]:
    """Every file, by its path relative to the site's root."""
    files: dict[str, bytes] = {}
    for account in accounts(settings):
        key = account.key
        autoconfig = thunderbird_config(account, site)
        autodiscover = autodiscover_response(account)
        files[f"autoconfig/{key}/{AUTOCONFIG}"] = autoconfig
        files[f"autodiscover/{key}.xml"] = autodiscover
        for kind in ("imap", "pop3"):
            if can_profile(account, kind):
                files[f"apple/{key}-{FILE_KINDS[kind]}.mobileconfig"] = mobileconfig(
                    account, kind, site
                )
        files[f"dns/{key}.zone"] = srv_zone(account)
        if key == settings.default_offer:
            for path in WELL_KNOWN_AUTOCONFIG:
                files[path] = autoconfig
            files[DEFAULT_AUTODISCOVER] = autodiscover
    return dict(sorted(files.items()))


def project_setup_files(root: Path, settings: Settings | None = None) -> dict[str, bytes]:
    """The mapping for the project at ``root`` (its settings unless others are given)."""
    data = settings or load_settings(root / "data" / "settings.yml", "data/settings.yml")
    return setup_files(data, site_info(root))


def write_files(files: dict[str, bytes], target: Path) -> list[Path]:
    written = []
    for relative, content in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def offer_downloads(files: dict[str, bytes], offer: str) -> list[tuple[str, str]]:
    """(kind, path) of the files a reader of ``offer``'s guides can download, in the order
    the download page lists them; empty for an offer no file can describe."""
    wanted = [
        ("thunderbird", f"autoconfig/{offer}/{AUTOCONFIG}"),
        ("outlook", f"autodiscover/{offer}.xml"),
        ("apple_imap", f"apple/{offer}-{FILE_KINDS['imap']}.mobileconfig"),
        ("apple_pop", f"apple/{offer}-{FILE_KINDS['pop3']}.mobileconfig"),
        ("dns", f"dns/{offer}.zone"),
    ]
    return [(kind, path) for kind, path in wanted if path in files]
