"""``guidekit``: build the site, export the settings schema, check pages.

Exit codes are a contract: 0 success, 1 a failure the user must fix in the
data or the pages, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from macros.check.checker import Checker
from macros.check.external import (
    check_urls,
    external_links,
    findings_for,
    listing,
    placeholder_links,
)
from macros.check.report import FORMATS, text_report
from macros.cli import export, importer, probe
from macros.cli.common import UsageError, checking_data
from macros.model.project import Project, site_languages
from macros.model.settings import Settings
from macros.model.sourcemap import DataError
from macros.site.build import build_site
from macros.site.translations import HASH_KEY, STATES, stamp, status_table, statuses

SCHEMA_NAME = "settings.schema.json"


def find_root(start: Path) -> Path:
    """The project is the nearest folder above ``start`` holding mkdocs.yml."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return start


def schema_text() -> str:
    schema = Settings.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "guidekit settings (data/settings.yml)"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def cmd_build(args: argparse.Namespace) -> int:
    site = Path(args.site_dir).resolve() if args.site_dir else None
    return build_site(args.root, site, quiet=args.quiet)


def cmd_schema(args: argparse.Namespace) -> int:
    path = args.root / "data" / SCHEMA_NAME
    text = schema_text()
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run `guidekit schema` and commit it", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def markdown_files(arg: str) -> list[tuple[Path, str]]:
    path = Path(arg)
    if path.is_file():
        return [(path, arg)]
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix in (".md", ".markdown"))
        if not found:
            raise UsageError(f"{arg}: no Markdown file in this folder")
        return [(p, str(Path(arg) / p.relative_to(path))) for p in found]
    raise UsageError(f"{arg}: no such file or folder")


def cmd_check(args: argparse.Namespace) -> int:
    project = Project(args.root)
    settings_path = Path(args.settings).resolve() if args.settings else None
    try:
        data, vocabularies = checking_data(args.root, "check", settings_path, args.offer)
    except UsageError as exc:
        print(f"guidekit check: {exc}", file=sys.stderr)
        return 2
    if args.lang and args.lang not in vocabularies:
        known = ", ".join(sorted(vocabularies))
        print(
            f"guidekit check: no vocabulary for {args.lang!r} (use one of: {known})",
            file=sys.stderr,
        )
        return 2
    checker = Checker(data, vocabularies, args.offer, args.lang)
    try:
        if args.site is not None:
            site = Path(args.site) if args.site else args.root / "site"
            if not (site / "index.html").is_file():
                raise UsageError(f"{args.site}: not a built site (run `make site` first)")
            languages, default = site_languages(args.root)
            checker.check_site(project, site.resolve(), languages, default)
        if args.paths:
            for arg in args.paths:
                for path, shown in markdown_files(arg):
                    checker.check_file(path, shown)
            checker.check_locales(args.source_lang or site_languages(args.root)[1])
        elif args.site is None:
            checker.check_project(project, *site_languages(args.root))
    except UsageError as exc:
        print(f"guidekit check: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(exc, file=sys.stderr)
        print("guidekit check: stopped at the data above; fix it and run again", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        print(f"guidekit check: cannot read input: {exc}", file=sys.stderr)
        return 2
    places = external_links(checker.links)
    templated = placeholder_links(checker.links)
    if args.list_external:
        sys.stdout.write(listing(places))
        if templated:
            sys.stdout.write(listing(templated, "link(s) with a placeholder, not checked,"))
        return 0
    if args.online:
        cache = args.root / ".cache" / "guidekit" / "links.json"
        checker.findings += findings_for(check_urls(places, cache), places)
    findings = sorted(checker.findings, key=lambda f: f.sort_key)
    if args.format == "text":
        sys.stdout.write(text_report(checker.files_checked, findings, args.verbose))
    else:
        sys.stdout.write(FORMATS[args.format](checker.files_checked, findings))
    if places and not args.online and args.format == "text":
        print(f"{len(places)} external link(s) not checked (--online checks them)")
    if templated and args.format == "text":
        print(
            f"{len(templated)} link(s) with a placeholder not checked (--list-external lists them)"
        )
    return 1 if any(f.severity == "error" for f in findings) else 0


def cmd_translations(args: argparse.Namespace) -> int:
    languages, default = site_languages(args.root)
    for page in args.stamp or []:
        path = Path(page).resolve()
        try:
            digest = stamp(args.root, path, default)
        except (OSError, ValueError) as exc:
            print(f"guidekit translations: cannot stamp {page}: {exc}", file=sys.stderr)
            return 2
        print(f"{page}: {HASH_KEY} {digest}")
    found = statuses(args.root, languages, default)
    words = {state: state for state in STATES}
    sys.stdout.write(status_table(found, words, f"page ({default})"))
    findings = [f for s in found for f in s.findings]
    sys.stdout.write(FORMATS["text"](len(found), findings))
    return 1 if any(f.severity == "error" for f in findings) else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="guidekit", description=__doc__.splitlines()[0])
    top.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project folder (default: the one holding mkdocs.yml)",
    )
    sub = top.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the site strictly, replacing site/ only on success")
    build.add_argument("--site-dir", help="where to publish (default: site/)")
    build.add_argument("--quiet", action="store_true", help="show only warnings and errors")
    build.set_defaults(func=cmd_build)

    check = sub.add_parser(
        "check", help="prove that prose, lists, tables and data agree (exit 1 on an error finding)"
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Markdown files or folders, checked as written (default: the project's pages, "
        "rendered through the macros)",
    )
    check.add_argument("--settings", help="settings file (default: data/settings.yml)")
    check.add_argument("--offer", help="offer of pages that name none and show no known host")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument(
        "--site",
        nargs="?",
        const="",
        metavar="DIR",
        help="check the built site instead (default DIR: site/): the rendered HTML of every "
        "language, its links, ids and images",
    )
    check.add_argument(
        "--lang", help="language of legacy pages (default: from the file name, else guessed)"
    )
    check.add_argument(
        "--source-lang",
        help="in legacy trees with one file per locale (guide.fr-fr.md, guide.en-gb.md…), the "
        "language translations are held to (default: the site's default language)",
    )
    check.add_argument(
        "--online",
        action="store_true",
        help="also fetch every external link (cached for a week in .cache/guidekit/)",
    )
    check.add_argument(
        "--list-external", action="store_true", help="list the external links and where they are"
    )
    check.add_argument(
        "--verbose",
        action="store_true",
        help="also show the notes: what the checker read but could not tell for sure",
    )
    check.set_defaults(func=cmd_check)

    translations = sub.add_parser(
        "translations", help="the state of every page in every language (exit 1 on an error)"
    )
    translations.add_argument(
        "--stamp",
        nargs="+",
        metavar="PAGE",
        help="record that these translations (docs/<lang>/<page>.md) match their source now",
    )
    translations.set_defaults(func=cmd_translations)

    schema = sub.add_parser("schema", help="write data/settings.schema.json from the model")
    schema.add_argument("--check", action="store_true", help="fail if the file is out of date")
    schema.set_defaults(func=cmd_schema)
    for module in EXTRA_COMMANDS:
        module.register(sub)
    return top


# Subcommands kept in modules of their own: each has ``register(subparsers)``.
EXTRA_COMMANDS = (export, probe, importer)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or find_root(Path.cwd())).resolve()
    try:
        return args.func(args)
    except BrokenPipeError:  # the reader stopped reading (| head): not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
