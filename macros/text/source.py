"""A page's text as the checker reads it: UTF-8 (a byte-order mark allowed), line endings
made ``\\n``; or why it cannot be read, so that one bad file is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

SNIFF = 8192  # a NUL byte in the first 8 KiB: a binary file, not a page


class Unreadable(Exception):
    """Why a file cannot be read as a page, in a writer's words."""


def read_page(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable((exc.strerror or type(exc).__name__).lower()) from exc
    nul = data.find(b"\x00", 0, SNIFF)
    if nul >= 0:
        raise Unreadable(f"a binary file, not text (a NUL byte at byte {nul})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"invalid UTF-8 at byte {exc.start} (save it as UTF-8)") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
