"""Links, anchors and images of one Markdown page.

In-page anchors are checked against every id the page defines (explicit
``{#id}``, ``<a name>``, and the slugs common engines give headings); links
to other Markdown files against that file and its ids; images against the
file system. External links are never fetched here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from macros.model.findings import Finding
from macros.text.document import parse
from macros.text.htmldoc import parse_html
from macros.text.units import Document, Link

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
# A target filled in by some other tool ({legacy}1683, {{ site }}/x, %base%/y, ${root}/z):
# not a path of this tree, so listed as unchecked, never reported as broken.
# (``%name%`` has three letters or more and no digit: ``%C3%A9`` is an encoded é.)
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%[A-Za-z_][A-Za-z_-]{2,}%|\$\{?[A-Za-z_]\w*")


def as_written(href: str) -> str:
    """A target as the page wrote it: the Markdown parser percent-encodes ``{``, ``}`` and a
    ``%`` that starts no escape."""
    return href.replace("%7B", "{").replace("%7D", "}").replace("%25", "%")


def has_placeholder(href: str) -> bool:
    return any(c in href for c in "{%$") and PLACEHOLDER.search(as_written(href)) is not None


def check_links(
    path: str,
    source: Path | None,
    doc: Document,
    anchors_of: Callable[[Path], set[str] | None],
    resolve: Callable[[Path, str], Path] = lambda page, href: (page.parent / href).resolve(),
    legacy: bool = False,
) -> Iterator[Finding]:
    """Findings for ``doc``'s links; ``source`` is the file on disk (None: nothing to resolve);
    ``resolve`` says where a relative link of that file points. In a ``legacy`` tree, a
    missing target that names no file (``../emails-pro/android/``) is an address of the
    published site, which the tree cannot tell: a note, not an error; and an image whose whole
    folder is missing is a warning (a tree copied without its images). In the project's own
    pages, every missing image is an error."""
    for link in doc.links:
        href = link.href.strip()
        if not href or EXTERNAL.match(href) or href.startswith("/") or has_placeholder(href):
            continue
        target, _, fragment = href.partition("#")
        target = unquote(target)
        if target in ("", ".", "./"):
            if fragment and unquote(fragment) not in doc.anchors:
                yield _broken_anchor(path, doc, link, fragment, "this page")
            continue
        if source is None:
            continue
        resolved = resolve(source, target)
        if link.image:
            yield from _image(path, doc, link, resolved, legacy)
            continue
        if resolved.is_dir():
            resolved = resolved / "index.md"
        if not resolved.exists():
            if legacy and (target.endswith("/") or not Path(target).suffix):
                severity, expected = "note", "a file of this tree"
                message = (
                    f"the link to {target!r} names no file of this tree: an address of the "
                    "published site, which the tree cannot check (check it on the site, or link "
                    "to the Markdown file)"
                )
            else:
                severity, expected = "error", "an existing file"
                message = (
                    f"the link to {target!r} points to no file (fix the path, relative to this "
                    "page)"
                )
            column = doc.column(link.line, target)
            yield Finding(
                path, link.line, column, "broken-link", severity, message, expected, target
            )
            continue
        if fragment and resolved.suffix == ".md":
            ids = anchors_of(resolved)
            if ids is not None and unquote(fragment) not in ids:
                yield _broken_anchor(path, doc, link, fragment, target)


def _broken_anchor(path: str, doc: Document, link: Link, fragment: str, where: str) -> Finding:
    return Finding(
        path,
        link.line,
        doc.column(link.line, "#" + fragment),
        "broken-anchor",
        "error",
        f"#{fragment} is not a heading id of {where} (link to an existing heading id, or give "
        "the heading an explicit id such as {#" + fragment + "})",
        "an id of a heading",
        "#" + fragment,
    )


def _image(path: str, doc: Document, link: Link, resolved: Path, legacy: bool) -> Iterator[Finding]:
    if resolved.exists():
        return
    folder_missing = legacy and not resolved.parent.exists()
    yield Finding(
        path,
        link.line,
        doc.column(link.line, link.href),
        "missing-image",
        "warning" if folder_missing else "error",
        f"the image {link.href!r} does not exist"
        + (
            f" and neither does its folder {resolved.parent.name}/ (was the tree copied without "
            "its images?)"
            if folder_missing
            else " (add the file or fix the path)"
        ),
        "an existing image",
        link.href,
    )


def site_file(site: Path, html: Path, target: str) -> Path:
    """The file of the built site that ``target`` (a path from the page ``html``: absolute to
    the site, or relative to the page; empty for the page itself) is served from."""
    if target.startswith("/"):
        resolved = site / target.lstrip("/")
    else:
        resolved = (html.parent / target).resolve() if target else html
    return resolved / "index.html" if resolved.is_dir() else resolved


def check_site_links(path: str, html: Path, site: Path, doc: Document) -> Iterator[Finding]:
    """Links of one built page: every page, id and image it points to exists in the site."""
    for link in doc.links:
        href = link.href.strip()
        if not href or EXTERNAL.match(href):
            continue
        target, _, fragment = href.partition("#")
        target = unquote(target.partition("?")[0])
        resolved = site_file(site, html, target)
        rule = "missing-image" if link.image else "broken-link"
        if not resolved.exists():
            yield Finding(
                path,
                link.line,
                1,
                rule,
                "error",
                f"the built page links to {href!r}, which is not in the site (fix the link or "
                "the file name in the source page)",
                "an existing page or file",
                target or href,
            )
            continue
        if fragment and resolved.suffix == ".html":
            ids = doc.anchors if resolved == html else _site_anchors(resolved)
            if unquote(fragment) not in ids:
                yield _broken_anchor(path, doc, link, fragment, target or "this page")


def _site_anchors(html: Path) -> set[str]:
    return parse_html(html.read_text(encoding="utf-8")).anchors


@cache
def _anchors_cached(path: Path, mtime: float) -> frozenset[str]:
    return frozenset(parse(path.read_text(encoding="utf-8-sig")).anchors)


def anchors_of(path: Path) -> set[str] | None:
    try:
        return set(_anchors_cached(path, path.stat().st_mtime))
    except (OSError, UnicodeDecodeError):
        return None
