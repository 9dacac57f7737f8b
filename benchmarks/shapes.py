"""Pages of one shape grown to any size: what a large tree and its contributors produce
(a pasted log with no blank line, a long table, deep and long lists, one very long line,
many headings, many links). ``bench_check.py --shapes`` times the check on them at 1×, 4×
and 16× of a base size; ``tests/test_shapes.py`` proves the check ends on the largest."""

from __future__ import annotations

from collections.abc import Callable

SENTENCE = "The incoming server ssl0.ovh.net uses port 993 with SSL, the outgoing one port 465"


def paragraph(n: int) -> str:
    """One paragraph of ``n`` lines: no blank line, no full stop."""
    return "# Log\n\n" + "\n".join(f"{SENTENCE} (step {i})" for i in range(n)) + "\n"


def table(n: int) -> str:
    rows = "\n".join(f"| IMAP {i} | ssl0.ovh.net | 993 | Yes |" for i in range(n))
    return "# Table\n\n| Server | Host | Port | SSL |\n|---|---|---|---|\n" + rows + "\n"


def deep_list(n: int) -> str:
    """Lists nested 40 deep, again and again."""
    return "# Deep\n\n" + "\n".join("  " * (i % 40) + f"- Port {i}: 993" for i in range(n)) + "\n"


def long_list(n: int) -> str:
    items = (
        f"- Server type: IMAP\n- Port: 993\n- Security: SSL (entry {i})" for i in range(n // 3)
    )
    return "# List\n\n" + "\n".join(items) + "\n"


def long_line(n: int) -> str:
    return "# Line\n\n" + " ".join(f"port 993 with SSL, entry {i};" for i in range(n)) + "\n"


def headings(n: int) -> str:
    return "\n".join(f"## IMAP settings {i}\n\nPort: 993 with SSL.\n" for i in range(n))


def links(n: int) -> str:
    lines = (f"See [the setting](#imap-{i}) and [the guide](guide-{i}.md)." for i in range(n))
    return "# Links\n\n" + "\n".join(lines) + "\n"


def captions(n: int) -> str:
    """Many sentences that introduce a list, each naming a protocol."""
    blocks = (f"POP configuration {i}:\n\n- Incoming server port: 993\n" for i in range(n // 3))
    return "# IMAP configuration\n\n" + "\n".join(blocks)


# Each shape with its base size (in lines, rows or items): 16× the base is 0.6–1.6 MB.
SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "one long paragraph": (paragraph, 1_000),
    "a long table": (table, 1_000),
    "a deep list": (deep_list, 2_000),
    "a long list": (long_list, 2_000),
    "one very long line": (long_line, 2_000),
    "many headings": (headings, 1_000),
    "many links": (links, 1_000),
    "many captions": (captions, 3_000),
}
