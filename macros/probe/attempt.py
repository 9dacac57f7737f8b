"""One endpoint being probed, and how what went wrong is told: what was seen, when, and
the fix naming the line of the settings file to change.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .targets import Target
from .wire import (
    NAMES,
    Garbled,
    Hangup,
    MailProtocol,
    speaker,
)

STARTTLS_WORD = {"imap": "STARTTLS", "pop3": "STLS", "smtp": "STARTTLS"}
CAPABILITY_COMMAND = {"imap": "CAPABILITY", "pop3": "CAPA", "smtp": "EHLO"}


class Failure(Exception):
    """What the server did instead of what the settings promise, and the fix."""

    def __init__(self, seen: str, fix: str):
        super().__init__(seen)
        self.seen = seen
        self.fix = fix


@dataclass
class Attempt:
    """One endpoint being probed: the target, the trust, and the one deadline for it all."""

    target: Target
    protocol: MailProtocol
    cafile: str | None
    timeout: float
    deadline: float


def misheard(a: Attempt, line: str) -> str:
    """What a greeting says instead of the protocol the data gives the port ("answers POP3",
    "does not speak IMAP"); empty when it speaks that protocol."""
    heard = speaker(line)
    if heard == a.protocol:
        return ""
    return f"answers {NAMES[heard]}" if heard else f"does not speak {a.target.name}"


@contextmanager
def during(a: Attempt, what: str) -> Iterator[None]:
    """Turn what can go wrong in a conversation into a Failure saying when it happened."""
    t = a.target
    try:
        yield
    except TimeoutError:
        raise Failure(
            f"{what}: no answer within the {a.timeout:g} s given",
            f"the server on {t.address} is too slow or does not speak {t.name}: check "
            f"{t.port_at} and the server",
        ) from None
    except (Hangup, Garbled, OSError) as exc:
        raise Failure(
            f"{what}: {reason_of(exc)}",
            f"the server on {t.address} does not speak {t.name} as expected: check "
            f"{t.port_at} and the server's log",
        ) from None


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return exc.reason.lower().replace("_", " ")
    return str(exc) or type(exc).__name__


def quote(line: str, limit: int = 72) -> str:
    shown = line if len(line) <= limit else line[: limit - 1] + "…"
    return f'"{shown}"'
