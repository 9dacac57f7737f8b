"""The Jinja environment of a page, configured as ``mkdocs.yml`` configures mkdocs-macros.

Parsing (the template check, translation signatures) and rendering (the checker, tests)
must see the same syntax as the build, so every part asks this one function for it; it
knows no macro, so that reading a page never needs the macros themselves.
"""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

# ``{#id}`` is Markdown's heading-id syntax, so Jinja comments are ``{## … ##}``.
COMMENT_START = "{##"
COMMENT_END = "##}"


def jinja_environment(keep_trailing_newline: bool = True) -> Environment:
    """``keep_trailing_newline=False`` is mkdocs-macros' own setting: a tree parsed with it
    is the one the build parses from the same text."""
    return Environment(
        undefined=StrictUndefined,
        comment_start_string=COMMENT_START,
        comment_end_string=COMMENT_END,
        keep_trailing_newline=keep_trailing_newline,
        autoescape=False,
    )
