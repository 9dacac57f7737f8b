"""Block tokens into units: a heading, a sentence, a list item (and each ``<br>`` line
inside it), a table cell, a code block — each knowing its headings, its parent items, its
list siblings, or its row and column headers.

Markdown (document.py) and built HTML (htmldoc.py) both hand their tokens to one
``Builder``, so that the same rules run on both.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from .inline import (
    ANCHOR_HTML,
    ATTR_LIST,
    HEADING_ID,
    LABEL_LINE,
    LABEL_START,
    SENTENCE_END,
    TableHTML,
    inline_run,
)
from .units import (
    BR,
    Document,
    Heading,
    Link,
    TextRun,
    Unit,
    code_breaks,
    slugs,
    split_run,
    text_run,
)


class Builder:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.units: list[Unit] = []
        self.headings: list[Heading] = []
        self.chain: list[Heading] = []
        self.links: list[Link] = []
        self.anchors: set[str] = set()
        self.items: list[Unit | None] = []  # open list items (None until their text is read)
        self.groups: list[int] = []
        self.group_count = 0
        self.table_count = 0
        self.table: list[list[tuple[TextRun, bool]]] | None = None

    def document(self) -> Document:
        for heading in self.headings:
            self.anchors.update(heading.ids)
        return Document(self.units, self.headings, self.links, self.anchors, self.lines)

    def _add(self, kind: str, text: str, breaks: list[tuple[int, int]], **context) -> Unit:
        unit = Unit(kind, text, breaks, list(self.chain), **context)
        self.units.append(unit)
        return unit

    def walk(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            line = token.map[0] + 1 if token.map else 0
            if kind == "heading_open":
                self._heading(int(token.tag[1]), tokens[index + 1], line)
                index += 2
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.group_count += 1
                self.groups.append(self.group_count)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.groups.pop()
            elif kind == "list_item_open":
                self.items.append(None)
            elif kind == "list_item_close":
                self.items.pop()
            elif kind == "table_open":
                self.table = []
            elif kind == "tr_open" and self.table is not None:
                self.table.append([])
            elif kind in ("th_open", "td_open") and self.table is not None:
                inline = tokens[index + 1]
                cell_line = self._row_line(tokens, index)
                self.table[-1].append(
                    (inline_run(inline, cell_line, self.links, self.anchors), kind == "th_open")
                )
                index += 2
            elif kind == "table_close" and self.table is not None:
                self.table_rows([[(t.value(), t.breaks, h) for t, h in row] for row in self.table])
                self.table = None
            elif kind == "inline" and self.table is None:
                self._block_text(token, line or self._last_line())
            elif kind in ("fence", "code_block"):
                first = line + (1 if kind == "fence" else 0)
                self.code_block(token.content, first)
            elif kind == "html_block":
                self._html(token.content, line)
            index += 1

    def code_block(self, content: str, first: int) -> None:
        self._add("code", content, [(0, first), *code_breaks(content, first)])

    def _last_line(self) -> int:
        return self.units[-1].line if self.units else 1

    def _row_line(self, tokens: list[Token], index: int) -> int:
        for back in range(index, -1, -1):
            if tokens[back].type == "tr_open" and tokens[back].map:
                return tokens[back].map[0] + 1
        return 1

    def _heading(self, level: int, inline: Token, line: int) -> None:
        text = inline_run(inline, line, self.links, self.anchors)
        raw = inline.content
        ids = []
        explicit = HEADING_ID.search(raw)
        if explicit:
            ids.append(explicit.group(1))
        for match in ANCHOR_HTML.finditer(raw):
            ids.append(match.group(1) or match.group(2))
        plain = ATTR_LIST.sub("", re.sub(r"<[^>]+>", "", raw)).strip()
        plain = re.sub(r"[*_`]", "", plain)
        self.heading(level, text, [*ids, *sorted(slugs(plain))])

    def heading(self, level: int, text: TextRun, ids: list[str]) -> None:
        heading = Heading(level, text.value().strip(), text.breaks[0][1], ids)
        while self.chain and self.chain[-1].level >= level:
            self.chain.pop()
        self.headings.append(heading)
        self._add("heading", heading.text, text.breaks)
        self.chain.append(heading)

    def _block_text(self, token: Token, line: int) -> None:
        self.block_text(inline_run(token, line, self.links, self.anchors))

    def block_text(self, text: TextRun) -> None:
        """A paragraph: a list item's own text, or sentences."""
        if self.items and self.items[-1] is None:
            self.item(text)
        elif self.items:
            for piece, breaks in split_run(text, SENTENCE_END):
                self._add("sentence", piece, breaks, parent=self.items[-1], group=self.groups[-1])
        else:
            raw = text.value().split("\n")
            lines = split_run(text, LABEL_LINE) if len(raw) > 1 else []
            if len(lines) > 1 and all(LABEL_START.match(line) for line in raw):
                # "Server type: POP3" then "Port: 993": the items of one list
                group = self.new_group()
                for line, breaks in lines:
                    self._add("item", line, breaks, group=group)
                return
            for sentence, breaks in split_run(text, SENTENCE_END):
                self._add("sentence", sentence, breaks)

    def item(self, text: TextRun) -> None:
        """A list item's own text; ``<br>`` lines become its children (see ``_br_units``)."""
        parent = next((u for u in reversed(self.items[:-1]) if u is not None), None)
        pieces = split_run(text, re.compile(BR)) or [("", text.breaks)]
        head_text, head_breaks = pieces[0]
        head = self._add("item", head_text, head_breaks, parent=parent, group=self.groups[-1])
        self.items[-1] = head
        self._br_units(pieces[1:], head, kind="item")

    def _br_units(self, pieces, head: Unit | None, kind: str, **context) -> list[Unit]:
        """Lines of one block separated by ``<br>``: a ``- `` line is a child of the line
        before it that is not one; any other line starts a new group."""
        units = []
        group = None
        for piece, breaks in pieces:
            is_child = piece.startswith(("-", "\\-", "•"))
            if not is_child or group is None:
                group = self.new_group()
            parent = head if is_child else None
            unit = self._add(
                kind, piece.lstrip("-\\• "), breaks, parent=parent, group=group, **context
            )
            if not is_child:
                head = unit
            units.append(unit)
        return units

    def new_group(self) -> int:
        self.group_count += 1
        return self.group_count

    def table_rows(self, rows: list[list[tuple[str, list[tuple[int, int]], bool]]]) -> None:
        self.table_count += 1
        if not rows:
            return
        header = [self._add("cell", t, b, table=self.table_count) for t, b, _ in rows[0]]
        for row in rows[1:]:
            cells: list[Unit] = []
            for column, (value, breaks, _) in enumerate(row):
                header_cell = header[column] if column < len(header) else None
                pieces = split_run(text_run(value, breaks), re.compile(BR)) or [(value, breaks)]
                cells += self._br_units(
                    pieces, None, kind="cell", table=self.table_count, column_header=header_cell
                )
            first = cells[0] if cells else None
            for cell in cells:
                cell.row = cells
                cell.row_header = first if cell is not first else None

    def _html(self, content: str, line: int) -> None:
        for match in ANCHOR_HTML.finditer(content):
            self.anchors.add(match.group(1) or match.group(2))
        if "<table" not in content.lower():
            return
        parser = TableHTML()
        parser.feed(content)
        rows = [
            [(text, [(0, line + cell_line - 1)], is_header) for text, cell_line, is_header in row]
            for row in parser.rows
            if row
        ]
        self.table_rows(rows)
