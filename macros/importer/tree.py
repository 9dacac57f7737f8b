"""A legacy tree imported: which files make one guide, in which language, under which name;
the source locale first (its heading ids are reused by the translations); then the pages
written, their translations stamped, the guide added to the navigation."""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError

from macros.check.checker import Checker
from macros.check.claims import extract
from macros.check.language import LOCALE_FILE
from macros.check.offers import Page
from macros.check.rules import apply_rules
from macros.check.scan import analyse
from macros.model.frontmatter import split_front_matter
from macros.model.project import ProjectData, mkdocs_config, site_languages
from macros.site.translations import source_hash
from macros.text.document import parse
from macros.text.source import Unreadable, read_page

from .page import Imported, import_page

DEFAULT_LEGACY_URL = "/{slug}/"


@dataclass
class Options:
    offer: str | None = None
    region: str | None = None
    client: str | None = None
    lang: str | None = None
    name: str | None = None
    section: str | None = None
    legacy_url: str | None = None
    dry_run: bool = False


@dataclass
class Report:
    pages: list[Imported] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, why)
    diffs: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "pages": [p.as_json() for p in self.pages],
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
        }


def guides(sources: list[Path]) -> list[tuple[Path, dict[str, Path]]]:
    """Each guide: its folder and its files by locale (``guide.fr-fr.md`` → ``fr-fr``; a file
    without a locale in its name is one guide of an unknown locale)."""
    out: dict[Path, dict[str, Path]] = {}
    for source in sources:
        files = sorted(source.rglob("*.md")) if source.is_dir() else [source]
        for path in files:
            match = LOCALE_FILE.match(path.name)
            key = path.parent if match else path
            out.setdefault(key, {})[match.group(2).lower() if match else ""] = path
    return sorted(out.items())


def import_tree(
    sources: list[Path], root: Path, data: ProjectData, checker: Checker, options: Options
) -> Report:
    report = Report()
    languages, default = site_languages(root)
    found = guides(sources)
    names = {
        path.resolve(): guide_name(folder, locales, options, default)
        for folder, locales in found
        for path in locales.values()
    }
    run = Run(root, data, checker, options, languages, default, report, names)
    for _, locales in found:
        _import_guide(run, locales, names[next(iter(locales.values())).resolve()])
    if not options.dry_run and report.pages:
        _add_to_nav(root, report.pages, data, options)
    return report


def _preference(locale: str, options: Options, default: str) -> tuple:
    """Which locale of a language is its page: ``fr-fr`` before ``fr-ca``, ``en-gb`` before
    ``en-asia``; the default language's first, as the source of the others."""
    lang = _lang_of(locale, options)
    region = locale.split("-")[1] if "-" in locale else lang
    return (lang != default, region not in (lang, "gb"), region != lang, locale)


def _lang_of(locale: str, options: Options) -> str:
    return options.lang or locale.split("-")[0].split("_")[0]


def guide_name(folder: Path, locales: dict[str, Path], options: Options, default: str) -> str:
    """The page's file name in every language: --name, else the source locale's legacy slug,
    else the folder's name (a lone file: its own)."""
    first = locales[min(locales, key=lambda loc: _preference(loc, options, default))]
    if options.name:
        named = options.name
    else:
        try:
            legacy, _, _ = split_front_matter(read_page(first), str(first))
        except Unreadable:
            legacy = {}
        named = legacy.get("slug") or (folder.name if first.parent == folder else first.stem)
    return re.sub(r"[^\w-]+", "-", str(named)).strip("-").lower() or "guide"


@dataclass
class Run:
    """What every guide of one import shares."""

    root: Path
    data: ProjectData
    checker: Checker
    options: Options
    languages: list[str]
    default: str
    report: Report
    names: dict[Path, str]  # every legacy file of the import → its page's name


def _import_guide(run: Run, locales: dict[str, Path], name: str) -> None:
    root, data, checker, options = run.root, run.data, run.checker, run.options
    languages, default, report, names = run.languages, run.default, run.report, run.names
    # The source locale first: fr-fr (or fr) for the site's default language.
    order = sorted(locales, key=lambda loc: _preference(loc, options, default))
    ids: list[str] | None = None
    source_body: str | None = None
    done: set[str] = set()
    for locale in order:
        path = locales[locale]
        lang = _lang_of(locale, options) if locale or options.lang else default
        region = locale.split("-")[1] if "-" in locale else ""
        if lang not in languages:
            report.skipped.append((str(path), f"the site does not build {lang!r}"))
            continue
        if lang in done:
            why = f"{locale} is a regional variant of a page already imported in {lang!r}"
            report.skipped.append((str(path), why + " (import it with --region and --lang)"))
            continue
        try:
            text = read_page(path)
        except Unreadable as exc:
            report.skipped.append((str(path), f"cannot be read: {exc}"))
            continue
        legacy, _, _ = split_front_matter(text, str(path))
        vocab = checker.vocabulary(lang, text)
        ctx = analyse(parse(text), vocab)
        offer = options.offer or checker.offer_for(legacy, ctx)
        claims = extract(ctx)
        list(apply_rules(Page(str(path), offer, data.settings), claims, ctx))
        meta = _meta(legacy, ctx, offer, options, lang, default, name, path, region)
        page = Imported(str(path), lang, name, meta)
        try:
            import_page(data, text, ctx.doc, claims, page, path, ids, root, names)
        except TemplateError as exc:
            report.skipped.append((str(path), f"its text cannot be read as a page: {exc}"))
            continue
        if ids is None:
            ids = page.ids
        if lang == default:
            source_body = page.body
        elif source_body is not None:
            page.meta["source_hash"] = source_hash(source_body)
        done.add(lang)
        report.pages.append(page)
        _write(root, page, options, report)


def _meta(legacy, ctx, offer, options, lang, default, name, path, region) -> dict:
    title = legacy.get("title") or next((h.text for h in ctx.doc.headings), name)
    slug = str(legacy.get("slug") or name)
    template = options.legacy_url or DEFAULT_LEGACY_URL
    url = template.format(slug=slug, lang=lang, name=name)
    if not options.legacy_url and lang != default:
        url = f"/{lang}{url}"
    meta: dict = {"title": str(title), "offer": offer}
    if options.region:
        meta["region"] = options.region
    if options.client:
        meta["client"] = options.client
    meta["legacy"] = {"source": path.as_posix(), "url": url}
    return meta


def _write(root: Path, page: Imported, options: Options, report: Report) -> None:
    target = root / page.path
    before = target.read_text(encoding="utf-8") if target.exists() else ""
    after = page.text()
    report.diffs.append(
        "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"a/{page.path}",
                f"b/{page.path}",
            )
        )
    )
    if options.dry_run:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(after, encoding="utf-8")
    for file, new_path in page.images:
        copy = root / "images" / new_path.removeprefix("../images/")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, copy)


def _add_to_nav(root: Path, pages: list[Imported], data: ProjectData, options: Options) -> None:
    """Each new page under its section of ``nav`` (the offer's name, or ``--section``), as
    text, so that the rest of ``mkdocs.yml`` stays as its writers wrote it."""
    config = mkdocs_config(root)
    listed = set(re.findall(r"[\w./-]+\.md", str(config.get("nav", ""))))
    names = sorted({p.name for p in pages})
    mkdocs = root / "mkdocs.yml"
    lines = mkdocs.read_text(encoding="utf-8").split("\n")
    for name in names:
        if f"{name}.md" in listed:
            continue
        offer = next(p.meta["offer"] for p in pages if p.name == name)
        section = options.section or data.settings.offer(offer).name
        _nav_entry(lines, section, f"{name}.md")
    mkdocs.write_text("\n".join(lines), encoding="utf-8")


def _nav_entry(lines: list[str], section: str, page: str) -> None:
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "nav:"), None)
    if start is None:
        lines += ["nav:", f"  - {section}:", f"      - {page}"]
        return
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    header = f"  - {section}:"
    at = next((i for i in range(start + 1, end) if lines[i].rstrip() == header), None)
    if at is None:
        lines[end:end] = [header, f"      - {page}"]
        return
    last = at + 1
    while last < end and lines[last].startswith("      "):
        last += 1
    lines.insert(last, f"      - {page}")
