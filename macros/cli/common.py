"""What the subcommands share: the data and vocabularies a command reads pages with, and the
error that means bad usage or unreadable input (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

from macros.check.vocabulary import Vocabulary, load_vocabulary, with_terms
from macros.model.clients import vocabulary_terms
from macros.model.project import Project, ProjectData, load_project
from macros.model.sourcemap import DataError


class UsageError(Exception):
    """Bad usage or unreadable input: exit code 2."""


def checking_data(
    root: Path, command: str, settings: Path | None = None, offer: str | None = None
) -> tuple[ProjectData, dict[str, Vocabulary]]:
    """The data and the vocabularies a command reads pages with; UsageError, its message on
    standard error already, when they cannot be read or ``offer`` is not one of them."""
    try:
        data = load_project(Project(root), settings)
        vocabularies = with_terms(
            load_vocabulary(root / "data" / "vocabulary"),
            vocabulary_terms(data.catalogue.clients),
        )
    except DataError as exc:
        print(exc, file=sys.stderr)
        done = "checked" if command == "check" else "done"
        raise UsageError(f"the data above cannot be read; nothing was {done}") from None
    if offer and offer not in data.settings.offers:
        known = ", ".join(sorted(data.settings.offers))
        raise UsageError(f"unknown offer {offer!r} (use one of: {known})")
    return data, vocabularies
