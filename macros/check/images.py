"""Images across the project: every image has alt text in its page's language, and every
file of ``images/`` is used by some page (or by the theme) — a file nothing uses is a
warning, since it is usually a page that lost its picture."""

from __future__ import annotations

import re
from pathlib import Path

from macros.model.findings import Finding
from macros.model.frontmatter import split_front_matter
from macros.model.project import mkdocs_config, published_path
from macros.text.document import parse

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.S)


def _images(page: Path) -> list[tuple[int, str, str]]:
    """(line, src, alt) of every image of a page, Jinja blanked out."""
    _, body, offset = split_front_matter(page.read_text(encoding="utf-8"))
    doc = parse(JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body))
    return [(offset + link.line, link.href, link.text) for link in doc.links if link.image]


def _theme_images(root: Path) -> set[Path]:
    config = mkdocs_config(root)
    theme = config.get("theme") or {}
    return {(root / str(theme[key])).resolve() for key in ("logo", "favicon") if key in theme}


def image_findings(root: Path, languages: list[str], default: str) -> list[Finding]:
    docs = root / "docs"
    used = _theme_images(root)
    source_alts: dict[tuple[str, str], str] = {}
    findings: list[Finding] = []
    for lang in [default, *[lang for lang in languages if lang != default]]:
        for page in sorted((docs / lang).rglob("*.md")):
            name = page.relative_to(docs / lang).as_posix()
            shown = f"docs/{lang}/{name}"
            for line, src, alt in _images(page):
                used.add(published_path(root, page, src))
                shared = re.sub(rf"(^|/)images/{re.escape(lang)}/", r"\1images/", src)
                if not alt.strip():
                    findings.append(missing_alt(shown, line, src, "error", "has no alt text"))
                elif lang == default:
                    source_alts[(name, shared)] = alt
                elif source_alts.get((name, shared)) == alt and re.search(r"[^\W\d_]", alt):
                    findings.append(
                        missing_alt(
                            shown, line, src, "warning", f"keeps the {default} alt text {alt!r}"
                        )
                    )
    images = root / "images"
    for path in sorted(images.rglob("*")) if images.is_dir() else []:
        if path.is_file() and path.resolve() not in used:
            shown = path.relative_to(root).as_posix()
            findings.append(
                Finding(
                    shown,
                    1,
                    1,
                    "unused-image",
                    "warning",
                    f"{shown} is used by no page and by no theme setting (link it from a page, or "
                    "delete it)",
                    "a page that shows it",
                    shown,
                )
            )
    return findings


def missing_alt(path: str, line: int, src: str, severity: str, what: str) -> Finding:
    return Finding(
        path,
        line,
        1,
        "missing-alt",
        severity,
        f"the image {src!r} {what} (describe the image in the page's language: ![text](…))",
        "alt text in the page's language",
        src,
    )
