"""The ``git`` variable of mkdocs-macros, asked of git once per state of the repository.

mkdocs-macros runs a dozen ``git`` commands at the start of every build to fill its ``git``
variable, and mkdocs-static-i18n builds the site once per language: four languages ask git
the same forty-eight questions. The answers only change with the repository, so they are
kept until one of the files a commit, a checkout or a tag rewrites has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

# What a commit, a checkout, a reset or a new tag rewrites in ``.git``.
WATCHED = ("HEAD", "index", "packed-refs", "logs/HEAD", "refs/tags")


def repository_state(start: Path) -> tuple | None:
    """What git's answers depend on, from ``start`` (where mkdocs-macros runs git) upwards;
    None when it cannot be told cheaply (a worktree's or submodule's ``.git`` file)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        git = folder / ".git"
        if git.is_dir():
            return (str(start), str(folder), *(_stamp(git / name) for name in WATCHED))
        if git.exists():
            return None
    return (str(start), "no repository")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def remembered(ask: Callable[[], Any], answer: Any = None) -> Callable[[], Any]:
    """``ask`` (mkdocs-macros' ``get_git_info``), answered from the last answer while the
    repository is as it was; ``answer``, when given, is what ``ask`` just answered. Each
    caller gets its own copy to change."""
    last: dict[str, Any] = {}
    if answer is not None:
        last["state"], last["answer"] = _here(), answer

    def info():
        state = _here()
        if state is None:
            return ask()
        if last.get("state") != state:
            last["state"], last["answer"] = state, ask()
        answer = last["answer"]
        return dict(answer) if isinstance(answer, dict) else answer

    info.remembers = ask  # type: ignore[attr-defined]
    return info


def _here() -> tuple | None:
    """The state where git runs (the working folder); None if it cannot be read."""
    try:
        return repository_state(Path.cwd())
    except OSError:
        return None


def remember_git_info(answer: Any = None) -> None:
    """Wrap mkdocs-macros' ``get_git_info`` once per process (a no-op if it is gone), from
    ``answer``: the ``git`` variable it has just filled for the first build."""
    from mkdocs_macros import context

    ask = getattr(context, "get_git_info", None)
    if ask is None or hasattr(ask, "remembers"):
        return
    context.get_git_info = remembered(ask, answer)
