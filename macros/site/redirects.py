"""Old addresses that keep working: each page whose front matter records where it came from
(``legacy: {url: /old/slug/}``, written by ``guidekit import``) gets a redirect from there.

mkdocs-redirects writes the redirect pages; this says which, as its ``redirect_maps``: the
old address as a Markdown path (``old/slug.md`` is served at ``/old/slug/``), and the new
page's address on the site, the default language at the root, the others under their code.
"""

from __future__ import annotations

from pathlib import Path

from macros.model.frontmatter import split_front_matter
from macros.model.project import site_languages


def legacy_redirects(root: Path, site_url: str) -> dict[str, str]:
    languages, default = site_languages(root)
    base = site_url if site_url.endswith("/") else site_url + "/"
    out: dict[str, str] = {}
    for lang in languages:
        folder = root / "docs" / lang
        for page in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
            text = page.read_text(encoding="utf-8-sig")
            if "legacy:" not in text:
                continue
            meta, _, _ = split_front_matter(text, page.relative_to(root).as_posix())
            legacy = meta.get("legacy")
            old = str(legacy.get("url") or "").strip("/") if isinstance(legacy, dict) else ""
            name = page.relative_to(folder).with_suffix("").as_posix()
            new = f"{'' if lang == default else lang + '/'}{name}"
            if old and old != new:  # an address that moved
                out[f"{old}.md"] = f"{base}{new}/"
    return out
