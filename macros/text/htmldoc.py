"""A built HTML page read into the same units as Markdown, so the same rules run on it.

The site is what readers get: a value a translator typed into a spot the
Markdown check cannot see (raw HTML, an admonition title) still shows up in
the HTML. Only the page's article is read; the theme's navigation, the
permalink signs and the drawn figures (built from the data) are skipped.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .builder import Builder
from .units import BR, Document, Link, TextRun

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = {"p", "li", "td", "th", "dt", "dd", "figcaption", "summary", "div"} | HEADINGS
SKIP = {"svg", "script", "style", "nav", "button"}


class _Reader(HTMLParser):
    def __init__(self, builder: Builder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.depth = 0  # inside <article>
        self.skip = 0
        self.text: TextRun | None = None
        self.kind = ""
        self.ids: list[str] = []
        self.row: list[tuple[TextRun, bool]] | None = None
        self.rows: list[list[tuple[TextRun, bool]]] | None = None
        self.pre: TextRun | None = None

    # -- helpers ------------------------------------------------------------------------

    def _line(self) -> int:
        return self.getpos()[0]

    def _flush(self) -> None:
        """End the text being read, as a heading, an item or a paragraph."""
        text, kind, self.text = self.text, self.kind, None
        if text is None or not text.value().strip():
            return
        if kind in HEADINGS:
            self.builder.heading(int(kind[1]), text, list(self.ids))
        elif kind in ("td", "th") and self.row is not None:
            self.row.append((text, kind == "th"))
        else:
            self.builder.block_text(text)

    def _start(self, kind: str) -> None:
        self._flush()
        self.text, self.kind = TextRun(self._line()), kind

    # -- parser events ------------------------------------------------------------------

    def _links(self, tag: str, attrs: dict) -> None:
        """Ids and links count on the whole page (navigation, footer, head), not only in
        the article: a reader can click them all."""
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.builder.anchors.add(attrs[key])
        target = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
        if tag in ("a", "link", "script", "img") and target:
            alt = attrs.get("alt", "") if tag == "img" else ""
            self.builder.links.append(Link(target, self._line(), alt, tag == "img"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._links(tag, attrs)
        if tag == "article":
            self.depth += 1
            return
        if not self.depth:
            return
        if self.skip or tag in SKIP or "headerlink" in (attrs.get("class") or ""):
            self.skip += 1
            return
        if tag == "br" and self.text is not None:
            self.text.add(BR)
        elif tag == "pre":
            self._flush()
            self.pre = TextRun(self._line())
        elif tag in ("ul", "ol"):
            self._flush()
            self.builder.groups.append(self.builder.new_group())
        elif tag == "li":
            self._flush()
            self.builder.items.append(None)
            self._start("li")
        elif tag == "table":
            self._flush()
            self.rows = []
        elif tag == "tr" and self.rows is not None:
            self.row = []
        elif tag in BLOCKS:
            self.ids = [attrs["id"]] if attrs.get("id") and tag in HEADINGS else []
            if tag in ("p", "div") and self.kind == "li" and self.text is not None:
                return  # a paragraph inside an item continues the item's text
            self._start(tag)

    def handle_endtag(self, tag):
        if tag == "article":
            self._flush()
            self.depth -= 1
            return
        if not self.depth:
            return
        if self.skip:
            self.skip -= 1
            return
        if tag == "pre" and self.pre is not None:
            value = self.pre.value()
            self.builder.code_block(value, self.pre.breaks[0][1])
            self.pre = None
        elif tag in ("ul", "ol"):
            self._flush()
            if self.builder.groups:
                self.builder.groups.pop()
        elif tag == "li":
            self._flush()
            if self.builder.items:
                self.builder.items.pop()
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "tr" and self.row is not None and self.rows is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.rows is not None:
            self.builder.table_rows(
                [[(t.value(), t.breaks, header) for t, header in row] for row in self.rows if row]
            )
            self.rows = None
        elif tag in HEADINGS or tag == "p":
            self._flush()

    def handle_data(self, data):
        if not self.depth or self.skip:
            return
        if self.pre is not None:
            for index, piece in enumerate(data.split("\n")):
                if index:
                    self.pre.newline()
                self.pre.add(piece)
            return
        if self.text is None:
            if not data.strip():
                return
            self._start("p")
        for index, piece in enumerate(data.split("\n")):
            if index:
                self.text.newline()
            self.text.add(piece)


def parse_html(html: str) -> Document:
    builder = Builder(html.split("\n"))
    reader = _Reader(builder)
    reader.feed(html)
    reader.close()
    return builder.document()
