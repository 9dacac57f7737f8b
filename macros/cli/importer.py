"""``guidekit import SOURCE...``: legacy guides into the project's pages (macros/importer/).

Exit codes: 0 imported (or nothing to do), 1 a page does not render back to its legacy text
(an importer defect: nothing of that page is trusted), 2 bad usage or unreadable data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from macros.check.checker import Checker
from macros.cli.common import UsageError, checking_data
from macros.importer.tree import Options, import_tree
from macros.model.sourcemap import DataError


def cmd_import(args: argparse.Namespace) -> int:
    root = Path(args.to).resolve() if args.to else args.root
    sources = [Path(s) for s in args.source]
    missing = [str(s) for s in sources if not s.exists()]
    if missing:
        print(f"guidekit import: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        data, vocabularies = checking_data(root, "import", offer=args.offer)
    except UsageError as exc:
        print(f"guidekit import: {exc}", file=sys.stderr)
        return 2
    options = Options(
        offer=args.offer,
        region=args.region,
        client=args.client,
        lang=args.lang,
        name=args.name,
        section=args.section,
        legacy_url=args.legacy_url,
        dry_run=args.dry_run,
    )
    try:
        report = import_tree(sources, root, data, Checker(data, vocabularies), options)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(text_report(report, args.dry_run))
    return 1 if any(p.round_trip for p in report.pages) else 0


def text_report(report, dry_run: bool) -> str:
    out = []
    for page in report.pages:
        out.append(f"{page.source} → {page.path}: {page.macros} value(s) became macros")
        out += [
            f"  {page.source}:{k.line}: kept {k.value!r}: {k.reason}"
            + (f" [{k.rule}]" if k.rule else "")
            for k in page.kept
        ]
        out += [f"  {page.source}:{line}: {change}" for line, change in page.changes]
        if page.round_trip:
            out.append("  does not render back to the legacy text (an importer defect):")
            out.append(page.round_trip)
    out += [f"skipped {source}: {why}" for source, why in report.skipped]
    if dry_run:
        out += [d for d in report.diffs if d]
        out.append("dry run: nothing was written")
    out.append(f"{len(report.pages)} page(s) imported, {len(report.skipped)} skipped")
    return "\n".join(out) + "\n"


def register(sub: argparse._SubParsersAction) -> None:
    command = sub.add_parser(
        "import", help="turn legacy guides into the project's macro-driven pages"
    )
    command.add_argument("source", nargs="+", metavar="SOURCE", help="legacy files or folders")
    command.add_argument("--to", metavar="DIR", help="the project to write into (default: this)")
    command.add_argument("--offer", help="the offer of the guides (default: from their hosts)")
    command.add_argument("--region", help="the region of the pages (default: from their hosts)")
    command.add_argument("--client", help="the client the guides are about (data/clients.yml)")
    command.add_argument("--lang", help="the language of files without a locale in their name")
    command.add_argument("--name", help="the page's file name (default: the legacy slug)")
    command.add_argument("--section", help="the nav section (default: the offer's name)")
    command.add_argument(
        "--legacy-url",
        metavar="TEMPLATE",
        help="the old address of a guide, e.g. /{lang}/hosting/{slug}/ (default: /{slug}/)",
    )
    command.add_argument("--dry-run", action="store_true", help="print the report and a diff")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.set_defaults(func=cmd_import)
