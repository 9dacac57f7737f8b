"""Which language a legacy page is written in: its file name, else its own words."""

from __future__ import annotations

import re
from pathlib import Path

from .vocabulary import Vocabulary

LOCALE_FILE = re.compile(r"^(.+)\.([a-z]{2}(?:[-_][a-z]{2,4})?)\.md$", re.I)
LOCALE_SUFFIX = re.compile(r"\.([a-z]{2})(?:[-_][a-z]{2,4})?\.md$", re.I)


def language_from_path(path: Path) -> str | None:
    match = LOCALE_SUFFIX.search(path.name)
    if match:
        return match.group(1).lower()
    return None


def coverage(vocab: Vocabulary, text: str) -> int:
    """How many characters of ``text`` (its first 4,000: enough prose to tell languages
    apart, at a bounded cost) are the vocabulary's own words, not shared acronyms."""
    hits = vocab.scan(text[:4000])
    return sum(h.end - h.start for h in hits if h.kind not in ("protocol", "security"))


def guess_language(text: str, vocabularies: dict[str, Vocabulary]) -> str | None:
    """The language whose own words cover most of ``text``: counted in characters, so that
    "Outgoing server" outweighs "server" shared by several languages."""
    scores = {lang: coverage(vocab, text) for lang, vocab in vocabularies.items()}
    best = max(scores.values(), default=0)
    winners = [lang for lang, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None
