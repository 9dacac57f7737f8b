"""A Markdown page as the checker reads it: units of text with their context.

markdown-it-py gives block tokens with source lines; builder.py turns them into
``Unit``s. Legacy pages are messy (CRLF, ``>>`` quotes, ``<br>`` lists in cells, HTML
tables, ``{.external}`` attributes, admonitions); all of it is read in this wing, so the
rules never see Markdown syntax.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .builder import Builder
from .units import Document

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


ADMONITION = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+"(.*)")?\s*$')


def _admonitions(text: str) -> str:
    """Python-Markdown's ``!!! type "Title"`` blocks, read as a title sentence and a body.

    CommonMark would join the title to the body's first sentence (or read an indented
    body as code); lines keep their numbers.
    """
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = ADMONITION.match(lines[index])
        if not match:
            index += 1
            continue
        indent, title = match.group(1), (match.group(2) or "").strip()
        lines[index] = f"{indent}{title}{'' if not title or title[-1] in '.!?:' else '.'}"
        index += 1
        body = indent + "    "
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith(body)):
            if lines[index].strip():
                lines[index] = indent + lines[index][len(body) :]
            index += 1
    return "\n".join(lines)


def parse(text: str) -> Document:
    text = _admonitions(text.replace("\r\n", "\n").replace("\r", "\n"))
    tokens = _MARKDOWN.parse(text)
    builder = Builder(text.split("\n"))
    builder.walk(tokens)
    return builder.document()
