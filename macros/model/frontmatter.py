"""A page's front matter: the YAML block MkDocs reads before the Markdown.

Pages are edited by writers and translators; the build, the checker and the set-up files
all need the same split (front matter, body, and how many lines the body is shifted by),
so that every line number they report is a line of the file as edited.
"""

from __future__ import annotations

import re

import yaml

from .sourcemap import AliasError, DataError, Problem, read_yaml

# The front matter as MkDocs recognises it (mkdocs.utils.meta).
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def split_front_matter(text: str, display: str = "front matter") -> tuple[dict, str, int]:
    """(front matter, body, number of lines before the body). Front matter that is not YAML
    reads as none; one with an alias stops everything with ``display:line`` (DataError)."""
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    try:
        meta = read_yaml(match.group(1)) or {}
    except yaml.YAMLError:
        meta = {}
    except AliasError as exc:  # its line in the file: after the opening ---
        raise DataError([Problem(display, exc.line + 1, "", str(exc))]) from None
    return (meta if isinstance(meta, dict) else {}), text[match.end() :], match.group(0).count("\n")


def front_matter(text: str, display: str = "front matter") -> dict:
    return split_front_matter(text, display)[0]
