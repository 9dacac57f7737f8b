"""Thunderbird autoconfig and Outlook Autodiscover files, built with ElementTree.

ElementTree writes every value escaped, so an offer named ``Mail & Co <Pro>``
stays well-formed XML. Both formats list servers in the order of
``Account.servers``: implicit TLS first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from macros.model.settings import Protocol, Security

from .data import Account, Server, Site

# Thunderbird's socketType for each security of the data.
SOCKET_TYPES: dict[Security, str] = {"ssl": "SSL", "starttls": "STARTTLS", "none": "plain"}

AUTODISCOVER_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
AUTODISCOVER_TYPES: dict[Protocol, str] = {"imap": "IMAP", "pop3": "POP3", "smtp": "SMTP"}
# Autodiscover's Encryption element overrides SSL; "None" is said by SSL off alone.
ENCRYPTION: dict[Security, str | None] = {"ssl": "SSL", "starttls": "TLS", "none": None}


def _child(parent: ET.Element, tag: str, text: str | int | None = None, **attrs: str):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = str(text)
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


# --- Thunderbird ---------------------------------------------------------------------------


def thunderbird_config(account: Account, site: Site) -> bytes:
    """``config-v1.1.xml``: every server of every protocol, so Thunderbird can fall back."""
    root = ET.Element("clientConfig", version="1.1")
    # Thunderbird reads the id and each <domain> as host names: no placeholder is allowed.
    provider = _child(root, "emailProvider", id=account.domains[0])
    for domain in account.domains:
        _child(provider, "domain", domain)
    _child(provider, "displayName", account.name)
    _child(provider, "displayShortName", account.name)
    for protocol in account.incoming():
        for server in account.servers[protocol]:
            _server(provider, "incomingServer", server, account, auth=True)
    for server in account.servers.get("smtp", ()):
        _server(provider, "outgoingServer", server, account, auth=account.smtp_auth)
    if site.url:
        for lang, title in site.titles:
            doc = _child(provider, "documentation", url=site.page_url(lang))
            _child(doc, "descr", title, lang=lang)
    return _serialize(root)


def _server(parent: ET.Element, tag: str, server: Server, account: Account, auth: bool) -> None:
    element = _child(parent, tag, type=server.protocol)
    _child(element, "hostname", server.host)
    _child(element, "port", server.port)
    _child(element, "socketType", SOCKET_TYPES[server.security])
    _child(element, "authentication", "password-cleartext" if auth else "none")
    if auth:
        _child(element, "username", account.login_placeholder)


# --- Outlook Autodiscover (POX) ------------------------------------------------------------


def autodiscover_response(account: Account) -> bytes:
    """The POX answer to Outlook's POST: one Protocol per protocol, its preferred server."""
    # Namespaces written as plain xmlns attributes: ElementTree would otherwise give the
    # two default namespaces prefixes (ns0:, ns1:), which Outlook does not expect.
    root = ET.Element("Autodiscover", xmlns=AUTODISCOVER_NS)
    response = _child(root, "Response", xmlns=OUTLOOK_NS)
    acc = _child(response, "Account")
    _child(acc, "AccountType", "email")
    _child(acc, "Action", "settings")
    for protocol in (*account.incoming(), "smtp"):
        server = account.preferred(protocol)
        if server is None:
            continue
        auth = account.smtp_auth if protocol == "smtp" else True
        element = _child(acc, "Protocol")
        _child(element, "Type", AUTODISCOVER_TYPES[protocol])
        _child(element, "Server", server.host)
        _child(element, "Port", server.port)
        _child(element, "DomainRequired", "off")
        _child(element, "LoginName", account.login_placeholder)
        _child(element, "SPA", "off")
        _child(element, "SSL", "off" if server.security == "none" else "on")
        encryption = ENCRYPTION[server.security]
        if encryption:
            _child(element, "Encryption", encryption)
        _child(element, "AuthRequired", "on" if auth else "off")
    return _serialize(root)
