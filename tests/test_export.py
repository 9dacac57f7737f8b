"""Machine-readable set-up files: each parsed back, held to its format, the data and the pages."""

from __future__ import annotations

import json
import plistlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_guidekit

from macros.check.generated import compare
from macros.model.labels import load_labels
from macros.model.settings import Settings
from macros.model.validation import load_settings
from macros.setup.autoconfig import AUTODISCOVER_NS, OUTLOOK_NS
from macros.setup.data import Site, site_info
from macros.setup.files import project_setup_files, setup_files
from macros.site.pagerender import render_markdown
from macros.site.render import Context

SETTINGS = FIXTURES / "export" / "settings.yml"
SITE = Site(
    "https://guides.example.com/", ("fr", "en"), "fr", True, (("fr", "Rappel"), ("en", "Recap"))
)
NAME = "Mail & Co <\"Pro\"> 'Ltd'"
LABELS = load_labels(ROOT / "data/labels", "fr")

SOCKET = {"ssl": "SSL", "starttls": "STARTTLS", "none": "plain"}
TB_SERVER_TAGS = ["hostname", "port", "socketType", "authentication", "username"]
AD = f"{{{AUTODISCOVER_NS}}}"
OL = f"{{{OUTLOOK_NS}}}"
PROFILE_KEYS = {
    "PayloadContent",
    "PayloadDisplayName",
    "PayloadIdentifier",
    "PayloadRemovalDisallowed",
    "PayloadType",
    "PayloadUUID",
    "PayloadVersion",
}
MAIL_PAYLOAD_KEYS = {
    "PayloadType",
    "PayloadVersion",
    "PayloadIdentifier",
    "PayloadUUID",
    "PayloadDisplayName",
    "EmailAccountDescription",
    "EmailAccountType",
    "IncomingMailServerHostName",
    "IncomingMailServerPortNumber",
    "IncomingMailServerUseSSL",
    "IncomingMailServerAuthentication",
    "OutgoingMailServerHostName",
    "OutgoingMailServerPortNumber",
    "OutgoingMailServerUseSSL",
    "OutgoingMailServerAuthentication",
    "OutgoingPasswordSameAsIncomingPassword",
}
SERVICES = {
    "_imaps._tcp": ("imap", True),
    "_imap._tcp": ("imap", False),
    "_pop3s._tcp": ("pop3", True),
    "_pop3._tcp": ("pop3", False),
    "_submissions._tcp": ("smtp", True),
    "_submission._tcp": ("smtp", False),
}
UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")


# --- reading the files back, as a client would ------------------------------------------


def thunderbird(data: bytes) -> tuple[ET.Element, list[tuple[str, str, int, str]]]:
    """The provider element, and its servers as (protocol, host, port, socketType)."""
    root = ET.fromstring(data)
    assert root.tag == "clientConfig"
    assert root.get("version") == "1.1"
    (provider,) = root
    assert provider.tag == "emailProvider"
    servers = []
    for element in provider:
        if element.tag in ("incomingServer", "outgoingServer"):
            assert [c.tag for c in element][:4] == TB_SERVER_TAGS[:4]
            servers.append(
                (
                    element.get("type"),
                    element.findtext("hostname"),
                    int(element.findtext("port")),
                    element.findtext("socketType"),
                )
            )
    return provider, servers


def autodiscover(data: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(data)
    assert root.tag == f"{AD}Autodiscover"
    (response,) = root
    assert response.tag == f"{OL}Response"
    (account,) = response
    assert account.tag == f"{OL}Account"
    assert account.findtext(f"{OL}AccountType") == "email"
    assert account.findtext(f"{OL}Action") == "settings"
    return [
        {child.tag.removeprefix(OL): child.text for child in protocol}
        for protocol in account.findall(f"{OL}Protocol")
    ]


def profile(data: bytes) -> dict:
    top = plistlib.loads(data)
    assert set(top) == PROFILE_KEYS
    assert top["PayloadType"] == "Configuration"
    (payload,) = top["PayloadContent"]
    assert set(payload) == MAIL_PAYLOAD_KEYS
    assert payload["PayloadType"] == "com.apple.mail.managed"
    return {**payload, "profile": top}


def zone(data: bytes) -> dict[str, list[tuple[int, int, int, str]]]:
    records: dict[str, list[tuple[int, int, int, str]]] = {}
    for line in data.decode().splitlines():
        if line.startswith(";") or not line.strip():
            continue
        owner, ttl, klass, kind, priority, weight, port, target = line.split()
        assert (ttl.isdigit(), klass, kind) == (True, "IN", "SRV")
        records.setdefault(owner, []).append((int(priority), int(weight), int(port), target))
    return records


# --- what the data says ----------------------------------------------------------------


def data_servers(settings: Settings, key: str) -> dict[str, list[tuple[str, int, str]]]:
    """(host, port, security) per protocol, straight from the settings, implicit TLS first."""
    offer = settings.offer(key)
    return {
        protocol: sorted(
            ((offer.endpoint(protocol).host, p.port, p.security) for p in ports),
            key=lambda server: server[2] != "ssl",
        )
        for protocol, ports in offer.ports.items()
        if protocol in ("imap", "pop3", "smtp")
    }


def port_table(settings: Settings, key: str, lang: str, protocol: str) -> dict[str, tuple]:
    """The port table the pages render: {protocol: (SSL column, no-SSL column)}."""
    text = render_markdown(
        f"{{{{ port_table('{protocol}') }}}}", Context(settings, LABELS[lang], key)
    )
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ][2:]
    names = [protocol, "smtp"] if len(rows) == 2 else ["smtp"]
    return {
        name: tuple(int(c) if c.isdigit() else None for c in row[1:])
        for name, row in zip(names, rows, strict=True)
    }


@pytest.fixture(scope="module")
def fixture_settings() -> Settings:
    return load_settings(SETTINGS)


@pytest.fixture(scope="module")
def files(fixture_settings: Settings) -> dict[str, bytes]:
    return setup_files(fixture_settings, SITE)


# --- each format, parsed back ----------------------------------------------------------


def test_the_documented_paths_for_every_published_offer(files: dict[str, bytes]) -> None:
    assert sorted(files) == [
        ".well-known/autoconfig/mail/config-v1.1.xml",
        "apple/acme-imap.mobileconfig",
        "apple/quiet-imap.mobileconfig",
        "apple/quiet-pop.mobileconfig",
        "autoconfig/acme/config-v1.1.xml",
        "autoconfig/quiet/config-v1.1.xml",
        "autodiscover/acme.xml",
        "autodiscover/autodiscover.xml",
        "autodiscover/quiet.xml",
        "dns/acme.zone",
        "dns/quiet.zone",
        "mail/config-v1.1.xml",
    ]
    # The default offer's well-known copies are the same bytes as its own files.
    for path in (".well-known/autoconfig/mail/config-v1.1.xml", "mail/config-v1.1.xml"):
        assert files[path] == files["autoconfig/acme/config-v1.1.xml"]
    assert files["autodiscover/autodiscover.xml"] == files["autodiscover/acme.xml"]


def test_thunderbird_autoconfig(files: dict[str, bytes], fixture_settings: Settings) -> None:
    provider, servers = thunderbird(files["autoconfig/acme/config-v1.1.xml"])
    assert provider.get("id") == "example.org"
    assert [d.text for d in provider.findall("domain")] == ["example.org", "example.net"]
    assert provider.findtext("displayName") == NAME
    data = data_servers(fixture_settings, "acme")
    assert servers == [
        (protocol, host, port, SOCKET[security])
        for protocol in ("imap", "smtp")
        for host, port, security in data[protocol]
    ]
    assert servers[0][3] == "SSL"  # the preferred server first, though the data lists 143 first
    assert {e.findtext("username") for e in provider.iter() if e.find("username") is not None} == {
        "%EMAILLOCALPART%"
    }
    assert {e.findtext("authentication") for e in provider.iter("incomingServer")} == {
        "password-cleartext"
    }
    docs = [(d.get("url"), d.find("descr").get("lang")) for d in provider.iter("documentation")]
    assert docs == [
        ("https://guides.example.com/settings/", "fr"),
        ("https://guides.example.com/en/settings/", "en"),
    ]


def test_thunderbird_without_domains_or_smtp_auth(files: dict[str, bytes]) -> None:
    provider, servers = thunderbird(files["autoconfig/quiet/config-v1.1.xml"])
    assert provider.get("id") == "mail.example.com"  # the domain of the first incoming host
    assert [d.text for d in provider.findall("domain")] == ["mail.example.com"]
    assert [s[0] for s in servers] == ["imap", "pop3", "pop3", "smtp"]
    (smtp,) = provider.findall("outgoingServer")
    assert smtp.findtext("authentication") == "none"
    assert smtp.find("username") is None
    assert provider.find("incomingServer").findtext("username") == "%EMAILADDRESS%"


def test_autodiscover(files: dict[str, bytes], fixture_settings: Settings) -> None:
    protocols = autodiscover(files["autodiscover/acme.xml"])
    data = data_servers(fixture_settings, "acme")
    assert [p["Type"] for p in protocols] == ["IMAP", "SMTP"]  # acme has no POP3
    for found, protocol in zip(protocols, ("imap", "smtp"), strict=True):
        host, port, security = data[protocol][0]
        assert (found["Server"], int(found["Port"])) == (host, port)
        assert found["SSL"] == "on"
        assert found["Encryption"] == {"ssl": "SSL", "starttls": "TLS"}[security]
        assert (found["SPA"], found["AuthRequired"]) == ("off", "on")
        assert found["LoginName"] == "%EMAILLOCALPART%"
    quiet = autodiscover(files["autodiscover/quiet.xml"])
    assert [p["Type"] for p in quiet] == ["IMAP", "POP3", "SMTP"]
    assert quiet[-1]["AuthRequired"] == "off"


def test_apple_profiles(files: dict[str, bytes], fixture_settings: Settings) -> None:
    acme = profile(files["apple/acme-imap.mobileconfig"])
    data = data_servers(fixture_settings, "acme")
    assert acme["EmailAccountType"] == "EmailTypeIMAP"
    assert (acme["IncomingMailServerHostName"], acme["IncomingMailServerPortNumber"]) == data[
        "imap"
    ][0][:2]
    assert (acme["OutgoingMailServerHostName"], acme["OutgoingMailServerPortNumber"]) == data[
        "smtp"
    ][0][:2]
    assert acme["IncomingMailServerUseSSL"] is acme["OutgoingMailServerUseSSL"] is True
    assert acme["IncomingMailServerAuthentication"] == "EmailAuthPassword"
    assert acme["EmailAccountDescription"] == f"{NAME} (IMAP)"
    assert acme["profile"]["PayloadDisplayName"] == f"{NAME} (IMAP)"
    assert acme["PayloadVersion"] == acme["profile"]["PayloadVersion"] == 1
    assert acme["profile"]["PayloadIdentifier"] == "com.example.guides.mail.acme.imap"
    assert UUID.match(acme["PayloadUUID"])
    assert UUID.match(acme["profile"]["PayloadUUID"])
    pop = profile(files["apple/quiet-pop.mobileconfig"])
    assert pop["EmailAccountType"] == "EmailTypePOP"
    assert pop["IncomingMailServerPortNumber"] == 995
    assert pop["OutgoingMailServerAuthentication"] == "EmailAuthNone"
    assert "apple/acme-pop.mobileconfig" not in files  # acme has no POP3


def test_dns_srv_records(files: dict[str, bytes], fixture_settings: Settings) -> None:
    for key in ("acme", "quiet"):
        records = zone(files[f"dns/{key}.zone"])
        assert set(records) == set(SERVICES)
        data = data_servers(fixture_settings, key)
        for service, (protocol, implicit) in SERVICES.items():
            want = [
                (port, f"{host}.")
                for host, port, security in data.get(protocol, [])
                if (security == "ssl") == implicit
            ]
            got = [(port, target) for _, _, port, target in records[service]]
            assert got == (want or [(0, ".")]), (key, service)
    acme = zone(files["dns/acme.zone"])
    assert acme["_pop3s._tcp"] == [(0, 0, 0, ".")]
    # Lower priority is preferred: implicit TLS before STARTTLS before plain.
    assert [r[0] for r in acme["_submissions._tcp"] + acme["_submission._tcp"]] == [0, 10, 20]


def test_special_characters_come_back_intact(files: dict[str, bytes]) -> None:
    raw = files["autoconfig/acme/config-v1.1.xml"]
    assert b"&amp;" in raw
    assert b"&lt;" in raw
    assert thunderbird(raw)[0].findtext("displayName") == NAME
    assert profile(files["apple/acme-imap.mobileconfig"])["PayloadDisplayName"].startswith(NAME)
    assert NAME in files["dns/acme.zone"].decode().splitlines()[0]


def test_per_customer_and_non_mail_offers_get_no_file() -> None:
    mapping = project_setup_files(ROOT)
    settings = load_settings(ROOT / "data/settings.yml")
    per_customer = [
        key
        for key, offer in settings.offers.items()
        if any(offer.endpoint(p).per_customer for p in ("imap", "pop3", "smtp") if p in offer.ports)
    ]
    assert per_customer  # email-pro, exchange: pro{n}.mail.ovh.net
    for key in [*per_customer, "zimbra"]:
        assert not [path for path in mapping if f"/{key}" in path], key


def test_site_links_come_from_mkdocs_yml() -> None:
    site = site_info(ROOT)
    assert site.url.endswith("/")
    assert site.default == "fr"
    assert site.page_url("fr") == f"{site.url}settings/"
    assert site.page_url("en") == f"{site.url}en/settings/"
    assert dict(site.titles)["en"] == "POP and IMAP settings at a glance"


# --- the files, the data and the pages agree -------------------------------------------


def assert_files_follow(settings: Settings, mapping: dict[str, bytes], key: str) -> None:
    """Every file of ``key`` gives the data's servers and the port table's ports."""
    data = data_servers(settings, key)
    tables = {
        lang: {**port_table(settings, key, lang, "imap"), **port_table(settings, key, lang, "pop3")}
        for lang in LABELS
    }
    table = tables["fr"]
    assert all(t == table for t in tables.values())  # every language shows the same ports
    for protocol, (ssl_column, plain_column) in table.items():
        assert ssl_column == next(p for _, p, s in data[protocol] if s == "ssl")
        assert plain_column == next((p for _, p, s in data[protocol] if s != "ssl"), None)
    _, servers = thunderbird(mapping[f"autoconfig/{key}/config-v1.1.xml"])
    assert servers == [
        (protocol, host, port, SOCKET[security])
        for protocol in ("imap", "pop3", "smtp")
        for host, port, security in data[protocol]
    ]
    for protocol, (ssl_column, plain_column) in table.items():
        ports = [port for p, _, port, socket in servers if p == protocol]
        assert ports[0] == ssl_column
        if plain_column:
            assert plain_column in ports
    for found in autodiscover(mapping[f"autodiscover/{key}.xml"]):
        protocol = found["Type"].lower()
        assert (found["Server"], int(found["Port"])) == data[protocol][0][:2]
        assert int(found["Port"]) == table[protocol][0]
    for kind, protocol in (("imap", "imap"), ("pop", "pop3")):
        payload = profile(mapping[f"apple/{key}-{kind}.mobileconfig"])
        assert payload["IncomingMailServerPortNumber"] == table[protocol][0]
        assert payload["OutgoingMailServerPortNumber"] == table["smtp"][0]
        assert payload["IncomingMailServerHostName"] == data[protocol][0][0]
    records = zone(mapping[f"dns/{key}.zone"])
    for service, (protocol, implicit) in SERVICES.items():
        assert records[service][0][2] == table[protocol][0 if implicit else 1]


def test_every_file_agrees_with_the_data_and_the_port_table() -> None:
    settings = load_settings(ROOT / "data/settings.yml")
    assert_files_follow(settings, project_setup_files(ROOT, settings), settings.default_offer)


def test_changing_a_port_changes_every_file(tmp_path: Path) -> None:
    text = (ROOT / "data/settings.yml").read_text()
    assert text.count("{port: 465, security: ssl}") == 1
    copy = tmp_path / "settings.yml"
    copy.write_text(text.replace("{port: 465, security: ssl}", "{port: 10465, security: ssl}"))
    before = project_setup_files(ROOT)
    changed = load_settings(copy)
    after = project_setup_files(ROOT, changed)
    assert set(after) == set(before)
    assert [path for path in after if after[path] == before[path]] == []
    assert all(b"10465" in content for content in after.values())
    assert_files_follow(changed, after, changed.default_offer)


def test_profile_uuids_are_stable_and_follow_the_offer_not_the_servers(tmp_path: Path) -> None:
    def uuids(settings: Settings) -> dict[str, tuple[str, str]]:
        mapping = setup_files(settings, SITE)
        return {
            path: (p["PayloadUUID"], p["profile"]["PayloadUUID"])
            for path, content in mapping.items()
            if path.endswith(".mobileconfig")
            for p in [profile(content)]
        }

    first = uuids(load_settings(SETTINGS))
    assert first == uuids(load_settings(SETTINGS))
    assert len({u for pair in first.values() for u in pair}) == 2 * len(first)
    moved = tmp_path / "settings.yml"
    moved.write_text(SETTINGS.read_text().replace("imap.example.org", "imap2.example.org"))
    assert uuids(load_settings(moved)) == first  # a reinstall replaces the old profile


# --- the check finds a file edited by hand ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "old", "new", "field"),
    [
        (
            "autoconfig/acme/config-v1.1.xml",
            b"<port>993</port>",
            b"<port>994</port>",
            "clientConfig/emailProvider/incomingServer/port",
        ),
        ("autodiscover/acme.xml", b"<SSL>on</SSL>", b"<SSL>off</SSL>", "/Protocol/SSL"),
        (
            "apple/acme-imap.mobileconfig",
            b"<integer>993</integer>",
            b"<integer>143</integer>",
            "PayloadContent[1]/IncomingMailServerPortNumber",
        ),
        ("dns/quiet.zone", b"0 1 993 ", b"0 1 143 ", "_imaps._tcp/port"),
    ],
)
def test_compare_names_the_field_the_values_and_the_line(
    files: dict[str, bytes], path: str, old: bytes, new: bytes, field: str
) -> None:
    expected = files[path]
    edited = expected.replace(old, new, 1)
    assert edited != expected
    (finding,) = compare(f"site/{path}", path, expected, edited)
    assert finding.rule == "generated-mismatch"
    assert finding.severity == "error"
    assert finding.path == f"site/{path}"
    assert field in finding.expected
    assert field in finding.message
    assert finding.line == edited[: edited.index(new)].count(b"\n") + 1  # the edited line
    assert compare(f"site/{path}", path, expected, expected) == []
    # Formatting is not a difference: only the values are compared.
    if path.endswith(".xml"):
        assert compare(path, path, expected, expected.replace(b"  ", b"\t")) == []


def test_an_unreadable_file_is_one_finding(files: dict[str, bytes]) -> None:
    (finding,) = compare("x", "autodiscover/acme.xml", files["autodiscover/acme.xml"], b"<x")
    assert finding.rule == "generated-mismatch"
    assert "not readable as XML" in finding.message


# --- the command line and the real build ------------------------------------------------


def test_export_writes_the_same_files(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_guidekit("--root", str(project), "export", str(out))
    assert result.returncode == 0, result.stderr
    expected = project_setup_files(project)
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == expected
    assert result.stdout.split() == list(expected)
    assert "'email-pro' has no set-up file" in result.stderr


def generated(report: str) -> list[dict]:
    return [f for f in json.loads(report)["findings"] if f["rule"] == "generated-mismatch"]


@pytest.mark.build
def test_build_publishes_them_and_check_holds_them_to_the_data(project: Path) -> None:
    result = run_guidekit("--root", str(project), "build", "--quiet")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    expected = project_setup_files(project)
    for path in (
        ".well-known/autoconfig/mail/config-v1.1.xml",
        "mail/config-v1.1.xml",
        "autoconfig/mx-plan/config-v1.1.xml",
        "autodiscover/autodiscover.xml",
        "autodiscover/mx-plan.xml",
        "apple/mx-plan-imap.mobileconfig",
        "apple/mx-plan-pop.mobileconfig",
        "dns/mx-plan.zone",
    ):
        assert (site / path).read_bytes() == expected[path], path
    # The pages' own findings are test_build's business; here, the set-up files only.
    clean = run_guidekit("--root", str(project), "check", "--site", "--format", "json")
    assert generated(clean.stdout) == [], clean.stdout

    edited = site / ".well-known/autoconfig/mail/config-v1.1.xml"
    edited.write_text(edited.read_text().replace("<port>993</port>", "<port>994</port>"))
    result = run_guidekit("--root", str(project), "check", "--site", "--format", "json")
    assert result.returncode == 1
    findings = generated(result.stdout)
    assert [(f["path"], f["rule"], f["severity"]) for f in findings] == [
        ("site/.well-known/autoconfig/mail/config-v1.1.xml", "generated-mismatch", "error")
    ]
    assert findings[0]["expected"].endswith(": 993")
    assert findings[0]["found"].endswith(": 994")
    assert "incomingServer/port" in findings[0]["message"]
