"""A page's front matter: the YAML block MkDocs reads before the Markdown.

Pages are edited by writers and translators; the build, the checker and the set-up files
all need the same split (front matter, body, and how many lines the body is shifted by),
so that every line number they report is a line of the file as edited.
"""

from __future__ import annotations

import re

import yaml

from .sourcemap import AliasError, DataError, Problem, read_yaml, refuse_aliases

# The front matter as MkDocs recognises it (mkdocs.utils.meta).
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def split_front_matter(text: str, display: str = "front matter") -> tuple[dict, str, int]:
    """(front matter, body, number of lines before the body). Front matter that is not YAML
    reads as none; one with an alias stops everything with ``display:line`` (DataError)."""
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    _refuse_aliases(match.group(1), display)
    try:
        meta = read_yaml(match.group(1)) or {}
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), text[match.end() :], match.group(0).count("\n")


def refuse_front_matter_aliases(text: str, display: str) -> None:
    """DataError at ``display:line`` when the front matter holds a YAML alias; nothing else of
    it is built (the build asks this of every page before MkDocs reads its metadata)."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if match:
        _refuse_aliases(match.group(1), display)


def _refuse_aliases(block: str, display: str) -> None:
    try:
        refuse_aliases(block)
    except AliasError as exc:  # its line in the file: after the opening ---
        raise DataError([Problem(display, exc.line + 1, "", str(exc))]) from None


def front_matter(text: str, display: str = "front matter") -> dict:
    return split_front_matter(text, display)[0]
