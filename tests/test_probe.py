"""``guidekit probe`` against real servers: Dovecot (IMAP, POP3) and Postfix (SMTP).

The tests start their own instances, never the system's: configuration, certificates,
queue and sockets live in one temporary folder, every listener is on 127.0.0.1 on a free
unprivileged port, and a throwaway CA signs the certificates (made with the openssl CLI).
Each case writes a settings file pointing an offer at those ports, runs the command's
main() in-process (one case as a child process, as a user runs it) and reads its JSON.
Listeners:

- Dovecot: IMAP (STARTTLS), IMAPS, POP3 (STLS), POP3S; its auth socket serves Postfix SASL.
- Postfix: submission (STARTTLS + AUTH), submissions (implicit TLS + AUTH), a STARTTLS port
  without AUTH, an implicit-TLS port whose certificate names another host, a clear-text
  port without TLS.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, run_guidekit

from macros.cli.main import main

SBIN = "/usr/sbin:/sbin"
BINARIES = ("dovecot", "postfix", "postconf", "openssl")
LOOPBACK = "127.0.0.1"  # the only address these tests ever use
START_WAIT = 20.0  # seconds for the servers to listen
JSON_KEYS = {
    "offer",
    "region",
    "protocol",
    "host",
    "port",
    "security",
    "ok",
    "expected",
    "seen",
    "fix",
}


def which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=SBIN)


def tool(name: str) -> str:
    """The absolute path of a binary the ``lab`` fixture has found."""
    found = which(name)
    assert found, f"{name} not found"
    return found


def start(argv: list[str], log: Path) -> subprocess.Popen:
    """A server in the foreground, its output in ``log`` (the child keeps its own handle)."""
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


@dataclass
class Lab:
    folder: Path
    ca: Path
    ports: dict[str, int]

    def settings(self, ports: dict[str, list[tuple[str, str]]], smtp_auth: bool = True) -> Path:
        """A settings file whose offer ``lab`` has these ``{protocol: [(listener, security)]}``
        on 127.0.0.1; a listener name is a key of ``ports``."""
        lines = [
            "default_offer: lab",
            "offers:",
            "  lab:",
            "    name: Lab",
            f"    smtp_auth: {'true' if smtp_auth else 'false'}",
            "    control_panel: https://panel.guidekit.test/",
            "    default_region: loop",
            "    regions:",
            "      loop:",
            *(f"        {protocol}: {{host: {LOOPBACK}}}" for protocol in ports),
            "    ports:",
        ]
        for protocol, entries in ports.items():
            lines.append(f"      {protocol}:")
            lines += [
                f"        - {{port: {self.ports[name]}, security: {security}}}"
                for name, security in entries
            ]
        handle, name = tempfile.mkstemp(suffix=".yml", dir=self.folder)
        os.close(handle)
        path = Path(name)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def probe(self, settings: Path, *extra: str, cafile: bool = True) -> tuple[int, list[dict]]:
        trust = ("--cafile", str(self.ca)) if cafile else ()
        args = ("--settings", str(settings), "--format", "json", "--timeout", "4")
        code, out, err = guidekit_probe(*args, *trust, *extra)
        assert code in (0, 1), err
        report = json.loads(out)
        for endpoint in report["endpoints"]:
            assert set(endpoint) == JSON_KEYS
        return code, report["endpoints"]


def guidekit_probe(*args: str) -> tuple[int, str, str]:
    """``guidekit probe`` in this process (the same main() as the command, without the
    interpreter's start-up for each case): exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--root", str(ROOT), "probe", *args])
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


# --- the servers ----------------------------------------------------------------------


def free_ports(names: list[str]) -> dict[str, int]:
    """Ports nothing listens on now: bound together on 127.0.0.1, then released."""
    held = []
    for _ in names:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((LOOPBACK, 0))
        held.append(sock)
    ports = {name: sock.getsockname()[1] for name, sock in zip(names, held, strict=True)}
    for sock in held:
        sock.close()
    return ports


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run([tool("openssl"), *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def make_certificates(folder: Path) -> None:
    """ca.crt signs server.crt (IP:127.0.0.1, DNS:localhost) and other.crt (another name)."""
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl(
        "req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=guidekit test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    for name, names in (
        ("server", "IP:127.0.0.1,DNS:localhost"),
        ("other", "DNS:other.guidekit.test"),
    ):
        (folder / f"{name}.ext").write_text(
            "basicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            f"subjectAltName={names}\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
            encoding="utf-8",
        )
        cn = names.split(",")[-1].split(":")[1]
        openssl(
            "req",
            *curve,
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={cn}",
            cwd=folder,
        )
        openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext",
            cwd=folder,
        )  # fmt: skip


def dovecot_config(folder: Path, ports: dict[str, int]) -> Path:
    for sub in ("run", "state", "home"):
        (folder / sub).mkdir()
    config = folder / "dovecot.conf"
    config.write_text(
        f"""\
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = guidekit-probe-test
log_path = {folder}/dovecot.log
protocols = imap pop3
listen = {LOOPBACK}
ssl = yes
ssl_cert = <{folder}/server.crt
ssl_key = <{folder}/server.key
auth_mechanisms = plain login
passdb {{
  driver = static
  args = password=unused
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {ports["imap"]}
  }}
  inet_listener imaps {{
    port = {ports["imaps"]}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {ports["pop3"]}
  }}
  inet_listener pop3s {{
    port = {ports["pop3s"]}
    ssl = yes
  }}
}}
service auth {{
  unix_listener {folder}/auth-postfix {{
    mode = 0666
  }}
}}
""",
        encoding="utf-8",
    )
    return config


def postfix_config(folder: Path, ports: dict[str, int]) -> Path:
    """A Postfix of its own: config dir, queue, data dir and log in ``folder``."""
    conf = folder / "postfix"
    conf.mkdir()
    (folder / "queue").mkdir()
    (conf / "main.cf").write_text(
        f"""\
compatibility_level = 3.6
queue_directory = {folder}/queue
data_directory = {folder}/postfix-data
maillog_file = {folder}/postfix.log
maillog_file_prefixes = {folder}
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.guidekit.test
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = {LOOPBACK}
inet_protocols = ipv4
smtpd_peername_lookup = no
smtpd_tls_cert_file = {folder}/server.crt
smtpd_tls_key_file = {folder}/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {folder}/auth-postfix
""",
        encoding="utf-8",
    )
    smtpd = "inet n - n - - smtpd"
    no_auth = "-o smtpd_sasl_auth_enable=no"
    other = f"-o smtpd_tls_cert_file={folder}/other.crt -o smtpd_tls_key_file={folder}/other.key"
    (conf / "master.cf").write_text(
        f"""\
{LOOPBACK}:{ports["submission"]} {smtpd}
{LOOPBACK}:{ports["submissions"]} {smtpd} -o smtpd_tls_wrappermode=yes
{LOOPBACK}:{ports["noauth"]} {smtpd} {no_auth}
{LOOPBACK}:{ports["othercert"]} {smtpd} -o smtpd_tls_wrappermode=yes {other}
{LOOPBACK}:{ports["cleartext"]} {smtpd} -o smtpd_tls_security_level=none {no_auth}
postlog unix-dgram n - n - 1 postlogd
proxymap unix - - n - - proxymap
rewrite unix - - n - - trivial-rewrite
cleanup unix n - n - 0 cleanup
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
tlsmgr unix - - n 1000? 1 tlsmgr
""",
        encoding="utf-8",
    )
    # Postfix's own tool creates the queue's folders with their owners; nothing outside
    # ``folder`` is written.
    subprocess.run(
        ["postfix", "-c", str(conf), "check"], check=True, timeout=30, capture_output=True
    )
    return conf


def wait_for(ports: list[int], processes: dict[str, subprocess.Popen], logs: list[Path]) -> None:
    """Poll until every port accepts, or fail with the servers' logs."""
    deadline = time.monotonic() + START_WAIT
    waiting = list(ports)
    while waiting and time.monotonic() < deadline:
        dead = [name for name, proc in processes.items() if proc.poll() is not None]
        if dead:
            break
        try:
            with socket.create_connection((LOOPBACK, waiting[0]), timeout=1):
                waiting.pop(0)
        except OSError:
            time.sleep(0.1)
    if waiting:
        text = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs if log.exists())
        pytest.fail(f"servers not listening on {waiting} after {START_WAIT:g} s:\n{text}")


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to every server at once (each stops its own children), then wait; kill a
    server that is still there after 10 s."""
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    missing = [name for name in BINARIES if which(name) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed: the probe was not run against real servers "
            "(apt-get install $(grep -v '^#' .ci/apt-packages))"
        )
    if os.geteuid() != 0:
        pytest.skip("Dovecot and Postfix's master must start as root (they drop privileges)")
    # Not pytest's tmp_path: its 0700 parents would keep the servers' own users (dovenull,
    # postfix) out of their sockets.
    folder = Path(tempfile.mkdtemp(prefix="guidekit-probe-", dir="/tmp"))
    folder.chmod(0o755)
    ports = free_ports(
        ["imap", "imaps", "pop3", "pop3s", "submission", "submissions", "noauth", "othercert",
         "cleartext", "closed"]
    )  # fmt: skip
    processes: dict[str, subprocess.Popen] = {}
    try:
        make_certificates(folder)
        dovecot = dovecot_config(folder, ports)
        processes["dovecot"] = start(
            [tool("dovecot"), "-c", str(dovecot), "-F"], folder / "dovecot.out"
        )
        wait_for([ports["imaps"]], processes, [folder / "dovecot.out", folder / "dovecot.log"])
        conf = postfix_config(folder, ports)
        daemons = subprocess.run(
            [tool("postconf"), "-c", str(conf), "-h", "daemon_directory"],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout.strip()  # fmt: skip
        master = [f"{daemons}/master", "-c", str(conf), "-d"]
        processes["postfix"] = start(master, folder / "postfix.out")
        logs = [folder / name for name in ("dovecot.log", "postfix.out", "postfix.log")]
        listening = [port for name, port in ports.items() if name != "closed"]
        wait_for(listening, processes, logs)
        yield Lab(folder, folder / "ca.crt", ports)
    finally:
        stop(list(processes.values()))
        shutil.rmtree(folder, ignore_errors=True)


def only(endpoints: list[dict]) -> dict:
    assert len(endpoints) == 1, endpoints
    return endpoints[0]


# --- cases ----------------------------------------------------------------------------

live = pytest.mark.live


@live
def test_correct_settings_pass_on_every_endpoint(lab: Lab) -> None:
    settings = lab.settings(
        {
            "imap": [("imaps", "ssl"), ("imap", "starttls")],
            "pop3": [("pop3s", "ssl"), ("pop3", "starttls")],
            "smtp": [("submissions", "ssl"), ("submission", "starttls")],
        }
    )
    code, endpoints = lab.probe(settings)
    assert code == 0, json.dumps(endpoints, indent=2)
    assert [(e["protocol"], e["security"]) for e in endpoints] == [
        ("imap", "ssl"),
        ("imap", "starttls"),
        ("pop3", "ssl"),
        ("pop3", "starttls"),
        ("smtp", "ssl"),
        ("smtp", "starttls"),
    ]
    assert all(e["ok"] is True and e["fix"] == "" for e in endpoints)
    assert all("certificate valid for 127.0.0.1" in e["seen"] for e in endpoints)
    assert all("AUTH PLAIN LOGIN" in e["seen"] for e in endpoints if e["protocol"] == "smtp")


@live
def test_pop3_declared_on_the_imaps_port(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"pop3": [("imaps", "ssl")]}))
    assert code == 1
    found = only(endpoints)
    port = lab.ports["imaps"]
    assert (found["protocol"], found["port"], found["ok"]) == ("pop3", port, False)
    assert "answers IMAP" in found["seen"]
    assert f"the data gives {port} to POP3" in found["fix"]


@live
def test_ssl_declared_on_a_starttls_port(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"imap": [("imap", "ssl")]}))
    assert code == 1
    found = only(endpoints)
    assert (found["protocol"], found["port"], found["ok"]) == ("imap", lab.ports["imap"], False)
    assert "no TLS handshake" in found["seen"]
    assert "offers STARTTLS" in found["seen"]
    assert "set security: starttls" in found["fix"]


@live
def test_starttls_declared_on_an_implicit_tls_port(lab: Lab) -> None:
    settings = lab.settings({"pop3": [("pop3s", "starttls")]})
    code, endpoints = lab.probe(settings, "--timeout", "1")
    assert code == 1
    found = only(endpoints)
    assert "is implicit TLS" in found["seen"]
    assert "set security: ssl" in found["fix"]


@live
def test_closed_port(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"smtp": [("closed", "ssl")]}))
    assert code == 1
    found = only(endpoints)
    assert found["seen"] == f"connection refused on 127.0.0.1:{lab.ports['closed']}"
    assert "fix the port at" in found["fix"]


@live
def test_certificate_for_another_name(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"smtp": [("othercert", "ssl")]}))
    assert code == 1
    found = only(endpoints)
    assert found["seen"].startswith("certificate is for other.guidekit.test, not 127.0.0.1:")
    assert "must name 127.0.0.1" in found["fix"]


@live
def test_certificate_verification_is_never_off(lab: Lab) -> None:
    """Without --cafile the throwaway CA is unknown: the probe says so, it does not pass."""
    code, endpoints = lab.probe(lab.settings({"imap": [("imaps", "ssl")]}), cafile=False)
    assert code == 1
    found = only(endpoints)
    assert found["seen"].startswith("certificate not trusted:")
    assert "--cafile" in found["fix"]


@live
def test_auth_missing_where_the_offer_requires_it(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"smtp": [("noauth", "starttls")]}))
    assert code == 1
    found = only(endpoints)
    assert found["seen"].startswith("EHLO after STARTTLS lists no AUTH")
    assert f"AUTH not offered on {lab.ports['noauth']}" in found["fix"]
    # The same server is right for an offer that sends without authentication.
    code, endpoints = lab.probe(lab.settings({"smtp": [("noauth", "starttls")]}, smtp_auth=False))
    assert code == 0
    assert only(endpoints)["ok"] is True


@live
def test_starttls_not_offered(lab: Lab) -> None:
    code, endpoints = lab.probe(lab.settings({"smtp": [("cleartext", "starttls")]}))
    assert code == 1
    found = only(endpoints)
    port = lab.ports["cleartext"]
    assert found["fix"].startswith(f"STARTTLS not offered on {port}: set security: ssl/none")
    # Declared as clear text, it passes and the report says no STARTTLS was offered.
    code, endpoints = lab.probe(lab.settings({"smtp": [("cleartext", "none")]}, smtp_auth=False))
    assert code == 0
    assert "no STARTTLS offered" in only(endpoints)["seen"]


@live
def test_text_report_names_the_endpoint_and_the_fix(lab: Lab) -> None:
    settings = lab.settings({"imap": [("imaps", "ssl")], "pop3": [("imap", "ssl")]})
    result = run_guidekit("probe", "--settings", str(settings), "--cafile", str(lab.ca))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok      imap  127.0.0.1:{lab.ports['imaps']} ssl: TLSv1.")
    assert lines[1] == f"FAILED  pop3  127.0.0.1:{lab.ports['imap']} ssl"
    assert any(line.strip().startswith("fix:      port") for line in lines)
    assert lines[-1] == "offer lab, region loop: 2 endpoint(s): 1 ok, 1 failed, 0 skipped"


# --- without servers: skips and usage ---------------------------------------------------


def test_per_customer_hosts_are_skipped_with_the_reason() -> None:
    code, out, err = guidekit_probe("--offer", "email-pro", "--format", "json")
    assert code == 0, err
    endpoints = json.loads(out)["endpoints"]
    assert len(endpoints) == 3
    assert all(e["ok"] is None and "differs per customer" in e["seen"] for e in endpoints)


@pytest.mark.parametrize(
    "args",
    [
        ("--offer", "no-such-offer"),
        ("--region", "atlantis"),
        ("--settings", "no/such/settings.yml"),
        ("--timeout", "0"),
        ("--cafile", "no/such/ca.pem"),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    code, _, err = guidekit_probe(*args)
    assert code == 2
    assert err.strip()
