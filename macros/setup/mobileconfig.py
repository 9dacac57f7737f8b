"""Apple configuration profiles (``.mobileconfig``) for Mail on iOS, iPadOS and macOS.

One ``com.apple.mail.managed`` payload holds one incoming and one outgoing
server with a boolean for TLS, so each offer gets one IMAP and one POP
profile, with the preferred port of each protocol. ``UseSSL`` is true for
STARTTLS ports too: Apple Mail starts TLS in the way the port implies (implicit
TLS on 993, 995, 465; STARTTLS elsewhere), and false would send the password
in clear text. The address and user name are left out: the device asks for
them when the profile is installed.

The identifiers and UUIDs are derived from the site's host name, the offer
key and the protocol, never from servers or ports: a profile rebuilt after a
server change keeps its identity, so installing it replaces the old one
instead of adding a second account.
"""

from __future__ import annotations

import ipaddress
import plistlib
import uuid
from typing import Literal
from urllib.parse import urlsplit

from .data import Account, Site

# guidekit's own uuid5 namespace. Never change it: an installed profile is replaced only
# by a profile with the same identifier and UUID.
PROFILE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "guidekit:apple-mail-profile")

Kind = Literal["imap", "pop3"]
ACCOUNT_TYPES: dict[str, str] = {"imap": "EmailTypeIMAP", "pop3": "EmailTypePOP"}
KIND_NAMES: dict[str, str] = {"imap": "IMAP", "pop3": "POP"}
FILE_KINDS: dict[str, str] = {"imap": "imap", "pop3": "pop"}


def profile_identifier(site: Site, account: Account, kind: Kind) -> str:
    """Reverse-DNS identifier of the profile: the site's host, the offer, the protocol."""
    host = urlsplit(site.url).hostname or ""
    try:
        ipaddress.ip_address(host)
        host = ""
    except ValueError:
        pass
    prefix = ".".join(reversed(host.split("."))) if "." in host else "local.guidekit"
    return f"{prefix}.mail.{account.key}.{FILE_KINDS[kind]}"


def stable_uuid(name: str) -> str:
    return str(uuid.uuid5(PROFILE_NAMESPACE, name)).upper()


def can_profile(account: Account, kind: Kind) -> bool:
    """A mail payload needs both an incoming and an outgoing server."""
    return kind in account.servers and "smtp" in account.servers


def mobileconfig(account: Account, kind: Kind, site: Site) -> bytes:
    incoming = account.preferred(kind)
    outgoing = account.preferred("smtp")
    if incoming is None or outgoing is None:
        raise ValueError(f"offer {account.key!r} has no {kind} or no smtp server")
    identifier = profile_identifier(site, account, kind)
    title = f"{account.name} ({KIND_NAMES[kind]})"
    smtp_auth = "EmailAuthPassword" if account.smtp_auth else "EmailAuthNone"
    payload = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.account",
        "PayloadUUID": stable_uuid(f"{identifier}.account"),
        "PayloadDisplayName": title,
        "EmailAccountDescription": title,
        "EmailAccountType": ACCOUNT_TYPES[kind],
        "IncomingMailServerHostName": incoming.host,
        "IncomingMailServerPortNumber": incoming.port,
        "IncomingMailServerUseSSL": incoming.security != "none",
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerHostName": outgoing.host,
        "OutgoingMailServerPortNumber": outgoing.port,
        "OutgoingMailServerUseSSL": outgoing.security != "none",
        "OutgoingMailServerAuthentication": smtp_auth,
        "OutgoingPasswordSameAsIncomingPassword": account.smtp_auth,
    }
    profile = {
        "PayloadContent": [payload],
        "PayloadDisplayName": title,
        "PayloadIdentifier": identifier,
        "PayloadRemovalDisallowed": False,
        "PayloadType": "Configuration",
        "PayloadUUID": stable_uuid(identifier),
        "PayloadVersion": 1,
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)
