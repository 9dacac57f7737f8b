"""What is inside a block: its inline text as one run, with ``<br>`` breaks, links,
images and HTML anchors; and the cells of an HTML ``<table>``.

Legacy pages put ``{.external}`` attributes, ``<br>`` lines and raw HTML in their text:
all of it is read here, so that units never carry Markdown or HTML syntax.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it.token import Token

from .units import BR, Link, TextRun

ATTR_LIST = re.compile(r"\{\s*[.#:][^{}\n]*\}")
HEADING_ID = re.compile(r"\{\s*#([\w:.-]+)[^{}]*\}\s*$")
ANCHOR_HTML = re.compile(
    r"""<a\s[^>]*\bname\s*=\s*["']([^"']+)["']|\bid\s*=\s*["']([^"']+)["']""", re.I
)
BR_HTML = re.compile(r"<br\s*/?>", re.I)
# A sentence ends after . ! ? before a capital.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\s*_]+(?=[\"«“(*_]*[A-ZÀ-ÖØ-Þ0-9])")
# A paragraph whose every line starts with a label ("Server type: POP3" / "Port: 993") is a
# definition list written without its dashes. (One such line in wrapped prose is not.)
LABEL = r"[*_]*[A-ZÀ-ÖØ-Þ][^\n:/,.;]{0,40}:+[ \t]"
LABEL_START = re.compile(LABEL)
LABEL_LINE = re.compile(rf"\n(?={LABEL})")


def inline_run(token: Token, line: int, links: list[Link], anchors: set[str]) -> TextRun:
    out = TextRun(line)
    skip = 0
    for child in token.children or []:
        kind = child.type
        if kind == "link_open":
            href = str(child.attrs.get("href", ""))
            links.append(Link(href, out.line, ""))
            if child.markup == "autolink" or child.info == "auto":
                skip += 1
        elif kind == "link_close":
            skip = max(skip - 1, 0)
        elif kind == "image":
            links.append(Link(str(child.attrs.get("src", "")), out.line, child.content, True))
        elif kind in ("softbreak", "hardbreak"):
            out.newline()
        elif kind == "html_inline":
            for match in ANCHOR_HTML.finditer(child.content):
                anchors.add(match.group(1) or match.group(2))
            if BR_HTML.fullmatch(child.content.strip()):
                out.add(BR)
        elif kind in ("text", "code_inline") and not skip:
            content = child.content
            if "<" not in content and "{" not in content:
                out.add(content)
                continue
            for piece_index, piece in enumerate(BR_HTML.split(content)):
                if piece_index:
                    out.add(BR)
                out.add(ATTR_LIST.sub(lambda m: " " * len(m.group(0)), piece))
    return out


class TableHTML(HTMLParser):
    """Rows of cells of an HTML ``<table>``, with the line of each cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, bool]]] = []
        self.cell: list[str] | None = None
        self.cell_line = 0
        self.header = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell, self.cell_line, self.header = [], self.getpos()[0], tag == "th"
        elif tag == "br" and self.cell is not None:
            self.cell.append(BR)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append(("".join(self.cell).strip(), self.cell_line, self.header))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
