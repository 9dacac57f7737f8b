"""What a page being built says about itself: its language, offer and region.

A page names its offer (and optionally its region) in front matter; its
language is the one mkdocs-static-i18n gives its file (``page.file.locale``),
never a per-language ``extra``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .guide import MACRO_NAMES
from macros.model.project import DEFAULT_LANGUAGE, Project, ProjectData
from .rehearsal import Rehearsal
from .render import Context
from macros.model.sourcemap import Problem
from .templates import PageSource, check_template


def page_language(page) -> str:
    return getattr(page.file, "locale", None) or DEFAULT_LANGUAGE


def page_context(data: ProjectData, page, _config=None) -> Context:
    return page_context_for(data, page_language(page), page.meta or {})


def page_context_for(data: ProjectData, lang: str, meta: dict) -> Context:
    if lang not in data.labels:
        raise LookupError(f"no labels for language {lang!r} (add data/labels/{lang}.yml)")
    offer = meta.get("offer") or data.settings.default_offer
    client = meta.get("client")
    return Context(
        data.settings,
        data.labels[lang],
        str(offer),
        meta.get("region"),
        str(client) if client else None,
        data.catalogue,
    )


def _meta_line(text: str, key: str) -> int:
    """The line of ``key:`` in the front matter (1 when absent)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        if pattern.match(line):
            return number
    return 1


def front_matter_problems(path: str, text: str, meta: dict, data: ProjectData) -> list[Problem]:
    problems = []
    offers = data.settings.offers
    offer_key = meta.get("offer")
    if offer_key is not None and offer_key not in offers:
        problems.append(
            Problem(
                path,
                _meta_line(text, "offer"),
                "offer",
                f"unknown offer {offer_key!r} (use one of: {', '.join(sorted(offers))}, "
                "as named in data/settings.yml)",
            )
        )
    region = meta.get("region")
    offer = offers.get(offer_key or data.settings.default_offer)
    if region is not None and offer is not None and region not in offer.regions:
        problems.append(
            Problem(
                path,
                _meta_line(text, "region"),
                "region",
                f"unknown region {region!r} for offer {offer.name!r} "
                f"(use one of: {', '.join(sorted(offer.regions))})",
            )
        )
    client = meta.get("client")
    if client is not None and data.catalogue.get(str(client)) is None:
        known = ", ".join(sorted(data.catalogue.clients.clients))
        problems.append(
            Problem(
                path,
                _meta_line(text, "client"),
                "client",
                f"unknown client {client!r} (use one of: {known}, as named in data/clients.yml)",
            )
        )
    return problems


def page_problems(env, root: Path, data: ProjectData, rehearsal: Rehearsal) -> list[Problem]:
    """Front matter and template problems of the page mkdocs-macros is about to render."""
    page = env.page
    project = Project(root)
    path = project.display(Path(page.file.abs_src_path))
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
    meta = page.meta or {}
    problems = front_matter_problems(path, text, meta, data)
    if problems:
        return problems
    source = PageSource.from_file_text(path, text, env.markdown)
    ours = {name: env.macros[name] for name in MACRO_NAMES}
    rehearsal.start(page.file.abs_src_path, env.env)
    return check_template(
        source, env.env, ours, {"page", *meta}, rehearsal.results, rehearsal.trees
    )
