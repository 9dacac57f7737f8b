"""Render a page's Markdown through the macros without MkDocs.

The checker reads the project's pages as readers will see them, and the
rendering tests need the same output; both use this Jinja environment,
configured as ``mkdocs.yml`` configures mkdocs-macros (a test keeps the two
in step).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from .guide import make_macros
from .jinja import jinja_environment
from .render import Context

def render_markdown(
    body: str, ctx: Context, variables: dict | None = None, root: Path | None = None
) -> str:
    """``body`` (no front matter) with every macro call replaced by its output."""
    env = jinja_environment()
    env.globals.update(make_macros(lambda: ctx, root))
    return env.from_string(body).render(**(variables or {}))


def page_variables(meta: dict, url: str = "") -> dict:
    """What a page's template may read besides the macros: ``page`` and its front matter."""
    page = SimpleNamespace(title=meta.get("title", ""), meta=meta, url=url)
    return {**meta, "page": page}
