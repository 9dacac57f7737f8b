"""The mail protocols as ``guidekit probe`` speaks them: just enough of IMAP, POP3 and SMTP to
read a greeting, list capabilities and ask for STARTTLS.

Raw sockets rather than imaplib/poplib/smtplib: every read and write is bounded by one
deadline per endpoint (the libraries only bound each call, and a server that trickles bytes
keeps them waiting), and the probe sees the exact line the server sent, which is what a
report needs to quote.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
import time
from typing import Literal

MailProtocol = Literal["imap", "pop3", "smtp"]
NAMES: dict[str, str] = {"imap": "IMAP", "pop3": "POP3", "smtp": "SMTP"}
MAX_LINE = 8192  # RFC 5321 allows 512; IMAP capability lines are longer, never this long
MAX_LINES = 200


class Hangup(ConnectionError):
    """The server closed the connection where the protocol expects it to speak."""


class Garbled(ValueError):
    """The server sent something that is not a line of the protocol."""


class Wire:
    """One TCP (then perhaps TLS) connection; no operation outlives ``deadline``."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""
        self.usable = True  # False once an operation failed half-way: say nothing more

    @classmethod
    def open(cls, host: str, port: int, deadline: float) -> Wire:
        """Connect to the first address of ``host`` that answers, all within ``deadline``."""
        error: OSError = socket.gaierror(socket.EAI_NONAME, "no address")
        for family, kind, proto, _, address in resolve(host, port, deadline):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(left(deadline))
                sock.connect(address)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            return cls(sock, deadline)
        raise error

    def _arm(self) -> None:
        self.sock.settimeout(left(self.deadline))

    def line(self) -> str:
        self.usable = False
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE:
                raise Garbled(f"a line longer than {MAX_LINE} bytes")
            self._arm()
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Hangup("the server closed the connection")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\n")
        self.usable = True
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    def send(self, command: str) -> None:
        self.usable = False
        self._arm()
        self.sock.sendall(command.encode("ascii") + b"\r\n")
        self.usable = True

    def start_tls(self, context: ssl.SSLContext, host: str) -> str:
        """Handshake now; return the TLS version. Bytes the server sent before the handshake
        are dropped: nothing said in clear text may count once the channel is secured."""
        self.usable = False
        self.buffer = b""
        self._arm()
        self.sock = context.wrap_socket(self.sock, server_hostname=host)
        self.usable = True
        return self.sock.version() or "TLS"

    def certificate(self) -> dict:
        """The verified peer certificate, as ``ssl.SSLSocket.getpeercert`` gives it."""
        getpeercert = getattr(self.sock, "getpeercert", None)
        return (getpeercert() if getpeercert else None) or {}

    def local_address(self) -> str:
        return self.sock.getsockname()[0]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def resolve(host: str, port: int, deadline: float) -> list[tuple]:
    """``getaddrinfo`` has no timeout of its own: it runs aside and is given up on at the
    deadline (a daemon thread, so a resolver that never answers does not hold the exit)."""
    answer: list = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            answer.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(left(deadline))
    if not answer:
        raise socket.gaierror(socket.EAI_AGAIN, "no answer from DNS in time")
    if isinstance(answer[0], OSError):
        raise answer[0]
    return answer[0]


def left(deadline: float) -> float:
    """Seconds until ``deadline``; a spent deadline is a timeout, as the socket would say."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    return remaining


# --- greetings ------------------------------------------------------------------------


def speaker(line: str) -> MailProtocol | None:
    """Which protocol a greeting line belongs to, from its first bytes alone."""
    if line.startswith(("* OK", "* PREAUTH", "* BYE")):
        return "imap"
    if line.startswith(("+OK", "-ERR")):
        return "pop3"
    if re.match(r"\d{3}(?:[ -]|$)", line):
        return "smtp"
    return None


def welcoming(protocol: MailProtocol, line: str) -> bool:
    """Whether the greeting lets a client go on (not ``* BYE``, ``-ERR``, ``554``…)."""
    prefixes = {"imap": ("* OK", "* PREAUTH"), "pop3": ("+OK",), "smtp": ("220",)}
    return line.startswith(prefixes[protocol])


def greeting(wire: Wire) -> str:
    """The greeting's first line; for SMTP, a multi-line 220 is read to its end."""
    first = wire.line()
    if speaker(first) == "smtp":
        _smtp_rest(wire, first)
    return first


def _smtp_rest(wire: Wire, first: str) -> list[str]:
    lines = [first]
    while lines[-1][3:4] == "-":
        if len(lines) > MAX_LINES:
            raise Garbled("an SMTP reply that does not end")
        lines.append(wire.line())
    return lines


def smtp_reply(wire: Wire) -> list[str]:
    return _smtp_rest(wire, wire.line())


# --- capabilities and STARTTLS ---------------------------------------------------------


def capabilities(wire: Wire, protocol: MailProtocol) -> dict[str, str]:
    """Capability keyword (upper case) to its parameters: IMAP CAPABILITY, POP3 CAPA,
    SMTP EHLO. Empty when the server does not list them."""
    if protocol == "imap":
        wire.send("g1 CAPABILITY")
        found: dict[str, str] = {}
        for line in _imap_until(wire, "g1"):
            if line.upper().startswith("* CAPABILITY "):
                found.update((word.upper(), "") for word in line.split()[2:])
        return found
    if protocol == "pop3":
        wire.send("CAPA")
        if not wire.line().startswith("+OK"):
            return {}
        return _keywords(_pop3_list(wire))
    wire.send(f"EHLO {_address_literal(wire.local_address())}")
    lines = smtp_reply(wire)
    if not lines[0].startswith("250"):
        return {}
    return _keywords(line[4:] for line in lines[1:])


def starttls_accepted(wire: Wire, protocol: MailProtocol) -> tuple[bool, str]:
    """Ask for STARTTLS (STLS in POP3); whether the server agreed, and its answer."""
    if protocol == "imap":
        wire.send("g2 STARTTLS")
        answer = _imap_until(wire, "g2")[-1]
        return answer.upper().startswith("G2 OK"), answer
    if protocol == "pop3":
        wire.send("STLS")
        answer = wire.line()
        return answer.startswith("+OK"), answer
    wire.send("STARTTLS")
    answer = smtp_reply(wire)[-1]
    return answer.startswith("220"), answer


def say_goodbye(wire: Wire, protocol: MailProtocol) -> None:
    """Log out politely, without waiting for the answer; a connection that broke half-way
    (a failed handshake, a half-read line) is only closed."""
    try:
        if wire.usable:
            wire.send({"imap": "g9 LOGOUT", "pop3": "QUIT", "smtp": "QUIT"}[protocol])
    except OSError:
        pass
    wire.close()


def _imap_until(wire: Wire, tag: str) -> list[str]:
    lines = []
    while not lines or not lines[-1].upper().startswith(f"{tag.upper()} "):
        if len(lines) > MAX_LINES:
            raise Garbled(f"no tagged answer to {tag}")
        lines.append(wire.line())
    return lines


def _pop3_list(wire: Wire) -> list[str]:
    lines: list[str] = []
    while (line := wire.line()) != ".":
        if len(lines) > MAX_LINES:
            raise Garbled("a POP3 list that does not end")
        lines.append(line)
    return lines


def _keywords(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        keyword, _, params = line.strip().partition(" ")
        if keyword:
            found[keyword.upper()] = params.strip()
    return found


def _address_literal(address: str) -> str:
    """EHLO names the client by its address (RFC 5321 4.1.3): the probe has no host name."""
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"
