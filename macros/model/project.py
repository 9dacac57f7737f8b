"""Where a guidekit project keeps its data, and loading it all at once."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from .clients import EMPTY, Catalogue, load_catalogue
from .labels import Labels, load_labels
from .settings import Settings
from .sourcemap import DataError, read_config
from .validation import load_settings

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


# What a site is built from: the rest of a checkout (tests, benchmarks, site/) is not.
PROJECT_PARTS = ("mkdocs.yml", "docs", "data", "macros", "images")


def copy_project(root: Path, dest: Path) -> Path:
    """The project at ``root``, built from ``dest``: tests break a copy and benchmarks time
    one, never the project itself."""
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, dest / part)
    return dest


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


_configs: dict[tuple[Path, str], dict] = {}


def mkdocs_config(root: Path) -> dict:
    """``mkdocs.yml`` as written (not as MkDocs completes it), parsed once per content: the
    build asks for it on many pages, ``mkdocs serve`` may change it between two builds."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    key = (root, text)
    if key not in _configs:
        _configs.clear()
        config = read_config(text)
        _configs[key] = config if isinstance(config, dict) else {}
    return _configs[key]


def site_languages(root: Path) -> tuple[list[str], str]:
    """The languages the site is built in and the default one, as mkdocs.yml declares them."""
    config = mkdocs_config(root)
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


# The data as last loaded, with what it was loaded from: the i18n plugin builds every
# language with a fresh macros environment, and parsing the YAML with its line numbers and
# validating the model is most of what a build spends on the data.
_loaded: dict[tuple, ProjectData] = {}


def _data_key(project: Project, path: Path, default_language: str) -> tuple:
    """Every byte the data is made of: a change to any data file, or to the settings file
    given instead, loads it again (modification times can repeat within one clock tick)."""
    digest = hashlib.sha256()
    data_dir = project.root / "data"
    files = sorted(p for p in data_dir.rglob("*") if p.is_file()) if data_dir.is_dir() else []
    for file in [*files, path]:
        digest.update(str(file).encode() + b"\0")
        digest.update(file.read_bytes() if file.is_file() else b"(absent)")
    return (project.root.resolve(), path.resolve(), default_language, digest.hexdigest())


def load_project(
    project: Project, settings_path: Path | None = None, default_language: str = DEFAULT_LANGUAGE
) -> ProjectData:
    """Settings and labels together, every problem of both in one DataError. Loaded once
    per state of the data files; the result is shared, so callers must not change it."""
    path = settings_path or project.settings_path
    key = _data_key(project, path, default_language)
    if key not in _loaded:
        data = _load(project, path, default_language)
        _loaded.clear()
        _loaded[key] = data
    return _loaded[key]


def _load(project: Project, path: Path, default_language: str) -> ProjectData:
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
