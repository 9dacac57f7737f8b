"""One legacy page made a page of the project: values become macros, headings get ids, links
and images are made to hold in the strict build, and the result renders back to the legacy
text everywhere but where the report says it changed.

Every change is an ``Edit`` of one line of the legacy file, so that the report's line numbers
are the legacy file's and the "structural" edits (ids, links, images, escaped braces) can be
applied alone to give the text the new page must render to.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from macros.check.scan import Claim
from macros.model.frontmatter import FRONT_MATTER
from macros.model.project import ProjectData
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import page_context_for
from macros.text.inline import HEADING_ID
from macros.text.units import Document

from .values import Edit, Kept, page_region, value_edits

LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)(\{[^}\n]*\})?")
JINJA_OPEN = re.compile(r"\{\{|\{%|\{##")


@dataclass
class Imported:
    """One page written from one legacy file, and what the report says of it."""

    source: str
    lang: str
    name: str
    meta: dict
    body: str = ""
    expected: str = ""
    macros: int = 0
    kept: list[Kept] = field(default_factory=list)
    changes: list[tuple[int, str]] = field(default_factory=list)  # (line, what changed)
    images: list[tuple[Path, str]] = field(default_factory=list)  # (file to copy, new path)
    ids: list[str] = field(default_factory=list)
    round_trip: str = ""  # a unified diff when the page does not render back

    @property
    def path(self) -> str:
        return f"docs/{self.lang}/{self.name}.md"

    def text(self) -> str:
        return front_matter_text(self.meta) + "\n" + self.body

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "page": self.path,
            "macros": self.macros,
            "kept": [k.as_json() for k in self.kept],
            "changes": [{"line": line, "change": what} for line, what in self.changes],
            "round_trip": "ok" if not self.round_trip else self.round_trip,
        }


def heading_id(text: str, taken: set[str]) -> str:
    """An id as readers would type it: ASCII, lower case, words joined by dashes; unique."""
    plain = re.sub(r"<[^>]+>|\{[^}]*\}|[*_`]", "", text)
    ascii_ = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^\w\s-]", "", ascii_).strip()
    base = re.sub(r"[\s_-]+", "-", base) or "section"
    found, number = base, 2
    while found in taken:
        found, number = f"{base}-{number}", number + 1
    taken.add(found)
    return found


def structure(
    lines: list[str],
    doc: Document,
    source: Path,
    ids: list[str] | None,
    name: str,
    names: dict[Path, str],
) -> tuple[list[Edit], list[str], list[tuple[int, str]], list[tuple[Path, str]]]:
    """The edits that are not values: heading ids (``ids`` from the source locale, when the
    headings match), in-page links to them, links and images that would break the strict
    build, and braces Jinja would read. Returns (edits, the ids, changes, images to copy)."""
    edits: list[Edit] = []
    changes: list[tuple[int, str]] = []
    images: list[tuple[Path, str]] = []
    taken: set[str] = set()
    headings = [h for h in doc.headings if h.line <= len(lines)]
    reuse = ids is not None and len(ids) == len(headings)
    chosen: list[str] = []
    targets: dict[str, str] = {}
    for index, heading in enumerate(headings):
        line = lines[heading.line - 1]
        explicit = HEADING_ID.search(line.strip())
        if explicit:
            new = explicit.group(1)
            taken.add(new)
        else:
            new = ids[index] if reuse and ids else heading_id(heading.text, taken)
            taken.add(new)
            end = len(line.rstrip())
            edits.append(Edit(heading.line, end, end, f" {{#{new}}}"))
        chosen.append(new)
        for old in heading.ids:
            targets.setdefault(old, new)
    for anchor in doc.anchors:
        targets.setdefault(anchor, anchor)
    for number, line in enumerate(lines, start=1):
        for match in JINJA_OPEN.finditer(line):
            edits.append(Edit(number, match.start(), match.end(), f"{{{{ '{match.group(0)}' }}}}"))
        for match in LINK.finditer(line):
            edit, change, image = _link(match, number, source, targets, name, names)
            if edit is not None:
                edits.append(edit)
            if change:
                changes.append((number, change))
            if image is not None:
                images.append(image)
    return edits, chosen, changes, images


def _link(
    match: re.Match,
    number: int,
    source: Path,
    targets: dict[str, str],
    name: str,
    names: dict[Path, str],
):
    """What becomes of one link or image: (edit, change for the report, image to copy)."""
    bang, label, href, _ = match.groups()
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|/)", href, re.I):
        return None, "", None  # another site, or an address: left as written
    path, _, fragment = href.partition("#")
    start, end = match.span()
    if not path:
        new = targets.get(fragment)
        if new is None:
            change = f"link to #{fragment} removed, its text kept: no heading has that id"
            return Edit(number, start, end, label), change, None
        if new == fragment:
            return None, "", None
        edit = Edit(number, match.start(3), match.end(3), f"#{new}")
        return edit, f"link to #{fragment} now points to #{new}", None
    file = (source.parent / path).resolve()
    if bang:
        if file.is_file():
            new_path = f"../images/{name}/{file.name}"
            edit = Edit(number, match.start(3), match.end(3), new_path)
            return edit, f"image {path} copied to images/{name}/{file.name}", (file, new_path)
        return Edit(number, start, end, ""), f"image {path} removed: the file is missing", None
    if file in names:  # another guide of this import: its new page, in the same language
        new = f"{names[file]}.md" + (f"#{fragment}" if fragment else "")
        edit = Edit(number, match.start(3), match.end(3), new)
        return edit, f"link to {href} now points to {new}", None
    change = f"link to {href} removed, its text kept: it is no page of the project"
    return Edit(number, start, end, label), change, None


# Where a page shows a client's own interface words: in code, bold or quotes.
UI_MARKS = (("`", "`"), ("**", "**"), ("« ", " »"), ("«", "»"), ("“", "”"), ('"', '"'))


def ui_edits(lines: list[str], data: ProjectData, page: Imported, taken: list[Edit]) -> list[Edit]:
    """The client's interface words, where the page shows them as such, become ``ui()``:
    the label in the client's own words in the page's language (data/clients.yml)."""
    client = data.catalogue.get(str(page.meta.get("client") or ""))
    if client is None:
        return []
    labels = sorted(
        ((key, label.text(page.lang)) for key, label in client.labels.items()),
        key=lambda item: -len(item[1] or ""),
    )
    edits: list[Edit] = []
    for number, line in enumerate(lines, start=1):
        for key, text in labels:
            if not text or len(text) < 3:
                continue
            for opening, closing in UI_MARKS:
                needle = f"{opening}{text}{closing}"
                start = line.find(needle)
                while start >= 0:
                    edit = Edit(
                        number,
                        start + len(opening),
                        start + len(opening) + len(text),
                        f"{{{{ ui('{key}') }}}}",
                    )
                    if not _overlaps(edit, [*taken, *edits]):
                        edits.append(edit)
                    start = line.find(needle, start + len(needle))
    return edits


def apply(lines: list[str], edits: list[Edit]) -> list[str]:
    out = list(lines)
    by_line: dict[int, list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, mine in by_line.items():
        text = out[number - 1]
        for edit in sorted(mine, key=lambda e: (e.start, e.end), reverse=True):
            text = text[: edit.start] + edit.text + text[edit.end :]
        out[number - 1] = text
    return out


def _overlaps(edit: Edit, others: list[Edit]) -> bool:
    return any(
        o.line == edit.line and o.start < edit.end and edit.start < o.end and o is not edit
        for o in others
    )


def import_page(
    data: ProjectData,
    text: str,
    doc: Document,
    claims: list[Claim],
    page: Imported,
    source: Path,
    ids: list[str] | None,
    root: Path,
    names: dict[Path, str] | None = None,
) -> Imported:
    """Fill ``page`` (its meta already set) from the legacy ``text``, read as ``doc``."""
    lines = text.split("\n")
    offer = data.settings.offer(page.meta["offer"])
    region = page.meta.get("region") or page_region(claims, offer)
    if region != offer.default_region:
        page.meta["region"] = region
    ctx = page_context_for(data, page.lang, page.meta)
    layout, page.ids, page.changes, page.images = structure(
        lines, doc, source, ids, page.name, names or {}
    )
    values, page.kept = value_edits(lines, claims, ctx, layout)
    values = [v for v in values if not _overlaps(v, layout)]
    values += ui_edits(lines, data, page, [*layout, *values])
    page.macros = len(values)
    match = FRONT_MATTER.match(text)
    head = text[: match.end()].count("\n") if match else 0
    body_of = "\n".join
    expected = body_of(apply(lines, layout)[head:]).lstrip("\n")
    page.body = body_of(apply(lines, [*layout, *values])[head:]).lstrip("\n")
    page.expected = render_markdown(expected, ctx, page_variables(page.meta), root)
    rendered = render_markdown(page.body, ctx, page_variables(page.meta), root)
    if rendered != page.expected:
        page.round_trip = "".join(
            difflib.unified_diff(
                page.expected.splitlines(keepends=True),
                rendered.splitlines(keepends=True),
                "legacy",
                "imported, rendered",
            )
        )
    return page


def front_matter_text(meta: dict) -> str:
    """The page's front matter, in a stable order, values quoted where YAML would misread."""
    lines = ["---"]
    for key in ("title", "offer", "region", "client"):
        if meta.get(key):
            lines.append(f"{key}: {_scalar(str(meta[key]))}")
    legacy = meta.get("legacy") or {}
    if legacy:
        lines.append("legacy:")
        lines += [f"  {key}: {_scalar(str(value))}" for key, value in legacy.items()]
    if meta.get("source_hash"):
        lines.append(f"source_hash: {meta['source_hash']}")
    return "\n".join([*lines, "---"]) + "\n"


def _scalar(value: str) -> str:
    if re.fullmatch(r"[\w][\w .,()/'’-]*", value) and not value.endswith(":"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
