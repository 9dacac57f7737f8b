"""Legacy Markdown, read as written: one file at a time, then its locales side by side.

A legacy page names no offer and no language in a way the checker can trust: the offer
comes from the hosts it shows (else its front matter, its title, or ``--offer``), the
language from its file name (else its own words).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from macros.model.frontmatter import front_matter
from macros.text.document import parse

from .drift import locale_drift, settings_stated, source_locale
from .images import missing_alt
from .language import LOCALE_FILE, coverage, guess_language, language_from_path
from .links import anchors_of, check_links
from .offers import Page, offer_of_host
from .run import CheckRun, one_page
from .scan import Context as Analysis
from .scan import analyse


class LegacyChecks(CheckRun):
    def offer_for(self, meta: dict, ctx: Analysis) -> str:
        named = meta.get("offer")
        if isinstance(named, str) and named in self.settings.offers:
            return named
        votes = Counter(
            offer
            for unit in ctx.doc.units
            for _, _, host, _ in ctx.of(unit).hosts
            if (offer := offer_of_host(self.settings, host))
        )
        if votes:
            return votes.most_common(1)[0][0]
        if self.offer_override:
            return self.offer_override
        title = _squash(str(meta.get("title", "")))
        for key, offer in self.settings.offers.items():
            if title and any(_squash(n) in title for n in (offer.name, *offer.aliases)):
                return key
        return self.settings.default_offer

    @one_page()
    def check_file(self, path: Path, shown: str) -> None:
        text = self.read(path, shown)
        if text is None:
            return
        meta = front_matter(text, shown)
        named = meta.get("lang") or meta.get("locale") or language_from_path(path)
        named = str(named).lower().replace("_", "-").split("-")[0] if named else None
        if named in self.vocabularies and not coverage(self.vocabularies[named], text):
            # Not one word of the language its name says: a page left in another language
            # (an lt-lt file still in English). Read it in the one it is written in, if known.
            named = guess_language(text, self.vocabularies) or named
        lang = self.language or named
        vocab = self.vocabulary(lang, text)
        if vocab is self.neutral:
            self.findings.append(self.unread_language(shown, lang))
        ctx = analyse(parse(text), vocab)
        offer = self.offer_for(meta, ctx)
        self.files_checked += 1
        claims = self._claims(Page(shown, offer, self.settings), ctx)
        self.findings += check_links(shown, path, ctx.doc, anchors_of, legacy=True)
        self.findings += [
            missing_alt(shown, link.line, link.href, "error", "has no alt text")
            for link in ctx.doc.links
            if link.image and not link.text.strip()
        ]
        self.links.append((shown, ctx.doc.links))
        self.stated[path] = (shown, settings_stated(claims, self.settings.offer(offer)))

    def check_locales(self, source_lang: str) -> None:
        """Legacy trees keep one file per locale (``guide.fr-fr.md``, ``guide.it-it.md``):
        a translation must not give a setting another value than its source locale does
        (``fr-fr`` for ``fr``, before ``fr-ca``)."""
        groups: dict[tuple[Path, str], dict[str, Path]] = {}
        for path in self.stated:
            match = LOCALE_FILE.match(path.name)
            if match:
                groups.setdefault((path.parent, match.group(1)), {})[match.group(2)] = path
        for locales in groups.values():
            chosen = source_locale(list(locales), source_lang)
            if chosen is None or len(locales) < 2:
                continue
            source = locales[chosen]
            source_shown, theirs = self.stated[source]
            for path in locales.values():
                if path != source:
                    shown, ours = self.stated[path]
                    self.findings += locale_drift(shown, ours, source_shown, theirs)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
