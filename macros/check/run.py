"""One check run: the data, the vocabularies, and what the run has found so far.

The three ways in — legacy Markdown (legacy.py), the project's pages (project.py), the
built site (built.py) — add their findings to the same run, so that one report and one
exit code cover them all.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from macros.model.findings import Finding
from macros.model.project import ProjectData
from macros.text.source import Unreadable, read_page
from macros.text.units import Link

from .claims import extract
from .language import guess_language
from .linemap import moved
from .offers import Page
from .rules import apply_rules
from .scan import Claim
from .scan import Context as Analysis
from .vocabulary import Vocabulary


class one_page(contextlib.ContextDecorator):
    """Python's cycle collector paused while one page is read: a page of a hundred thousand
    cells makes as many objects, which every full collection would walk again and again,
    making a long table quadratic. Memory stays bounded by the one page; collection resumes
    after it, at its usual pace."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


@dataclass
class CheckRun:
    """What every way in shares."""

    settings_data: ProjectData
    vocabularies: dict[str, Vocabulary]
    offer_override: str | None = None
    language: str | None = None  # forced language of legacy pages (else guessed)
    stated: dict[Path, tuple[str, dict]] = field(default_factory=dict)  # legacy: settings
    files_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    links: list[tuple[str, list[Link]]] = field(default_factory=list)  # for external links

    @property
    def settings(self):
        return self.settings_data.settings

    def vocabulary(self, lang: str | None, text: str) -> Vocabulary:
        """The page's own language's words; for a language without a vocabulary, or one that
        cannot be told, the protocol names alone (``neutral``): no guessing at what "SSL"
        or "incoming" means in a language the checker does not read."""
        if lang in self.vocabularies:
            return self.vocabularies[lang]
        if lang is None:
            guessed = guess_language(text, self.vocabularies)
            if guessed is not None:
                return self.vocabularies[guessed]
        return self.neutral

    @cached_property
    def neutral(self) -> Vocabulary:
        vocabs = list(self.vocabularies.values())
        merged = vocabs[0]
        for other in vocabs[1:]:
            merged = merged.merged(other)
        return merged.only("protocol")

    def read(self, path: Path, shown: str) -> str | None:
        """The page's text; None, with an ``unreadable-file`` finding, when it cannot be read."""
        try:
            return read_page(path)
        except Unreadable as exc:
            self.findings.append(self.unreadable(shown, str(exc)))
            return None

    def unreadable(self, shown: str, reason: str) -> Finding:
        """A file that cannot be read is a finding of its own: every other file is checked."""
        self.files_checked += 1
        return Finding(
            shown,
            1,
            1,
            "unreadable-file",
            "error",
            f"this file cannot be read: {reason} (fix or remove the file)",
            "a UTF-8 text file",
            reason,
        )

    def unread_language(self, shown: str, lang: str | None) -> Finding:
        """The note a page read with the neutral vocabulary gets: what was not checked."""
        why = (
            f"it is in {lang!r}, which the checker has no vocabulary for (add "
            f"data/vocabulary/{lang}.yml)"
            if lang
            else "its language could not be told (name it with --lang, or with a locale in the "
            "file name such as guide.de-de.md)"
        )
        return Finding(
            shown,
            1,
            1,
            "unread-language",
            "note",
            "only language-neutral checks ran on this page (hosts, host:port, protocol names "
            "next to ports, links, anchors, images); security, directions and obligations were "
            f"not read: {why}",
            "a language with a vocabulary",
            lang or "unknown",
        )

    def _claims(self, page: Page, ctx: Analysis, lines=None) -> list[Claim]:
        claims = extract(ctx)
        for finding in apply_rules(page, claims, ctx):
            self.findings.append(moved(finding, lines) if lines else finding)
        return claims
