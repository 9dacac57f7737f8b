"""Where a guidekit project keeps its data, and loading it all at once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .clients import EMPTY, Catalogue, load_catalogue
from .labels import Labels, load_labels
from .settings import Settings, load_settings
from .sourcemap import DataError

DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def settings_path(self) -> Path:
        return self.root / "data" / "settings.yml"

    @property
    def labels_dir(self) -> Path:
        return self.root / "data" / "labels"

    def display(self, path: Path) -> str:
        """Paths in messages are relative to the project, as the writer knows them."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def published_path(root: Path, page: Path, href: str) -> Path:
    """The file a page's relative link points to. MkDocs resolves links inside docs/, where
    the hook publishes the top-level images/ as docs/images/."""
    target = (page.parent / href).resolve()
    docs = (root / "docs").resolve()
    if target.is_relative_to(docs / "images"):
        return (root / "images" / target.relative_to(docs / "images")).resolve()
    if not target.exists() and target.is_relative_to(docs):
        # A page not translated yet: the site shows the default language's (fallback).
        parts = target.relative_to(docs).parts
        fallback = docs / site_languages(root)[1] / Path(*parts[1:]) if len(parts) > 1 else target
        if fallback.exists():
            return fallback
    return target


@cache
def site_languages(root: Path) -> tuple[list[str], str]:
    """The languages the site is built in and the default one, as mkdocs.yml declares them."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            languages = plugin["i18n"].get("languages", [])
            locales = [str(lang["locale"]) for lang in languages]
            default = next((str(x["locale"]) for x in languages if x.get("default")), None)
            return locales, default or (locales[0] if locales else DEFAULT_LANGUAGE)
    return [DEFAULT_LANGUAGE], DEFAULT_LANGUAGE


@dataclass(frozen=True)
class ProjectData:
    settings: Settings
    labels: dict[str, Labels]
    catalogue: Catalogue = EMPTY


def load_project(
    project: Project, settings_path: Path | None = None, default_language: str = DEFAULT_LANGUAGE
) -> ProjectData:
    """Settings and labels together, every problem of both in one DataError."""
    path = settings_path or project.settings_path
    problems = []
    settings = labels = None
    try:
        settings = load_settings(path, project.display(path))
    except DataError as exc:
        problems += exc.problems
    try:
        labels = load_labels(project.labels_dir, default_language, project.root)
    except DataError as exc:
        problems += exc.problems
    catalogue = EMPTY
    try:
        catalogue = load_catalogue(project.root / "data" / "clients.yml")
    except DataError as exc:
        problems += exc.problems
    if problems:
        raise DataError(problems)
    assert settings is not None
    assert labels is not None
    return ProjectData(settings, labels, catalogue)
