"""``guidekit export DIR``: the machine-readable set-up files, outside MkDocs.

The same files the build publishes, at the same relative paths, for a mail
server's own web root or a DNS zone kept elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from macros.model.sourcemap import DataError
from macros.model.validation import load_settings
from macros.setup.data import skipped
from macros.setup.files import project_setup_files, write_files


def cmd_export(args: argparse.Namespace) -> int:
    root: Path = args.root
    try:
        settings = load_settings(root / "data" / "settings.yml", "data/settings.yml")
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"Nothing was exported; {args.dir} is unchanged.", file=sys.stderr)
        return 1
    target = Path(args.dir)
    try:
        written = write_files(project_setup_files(root, settings), target)
    except OSError as exc:
        print(f"guidekit export: cannot write {target}: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(target).as_posix())
    for key, reason in skipped(settings).items():
        print(f"offer {key!r} has no set-up file: {reason}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="write the Thunderbird, Outlook and Apple set-up files and the DNS SRV records "
        "into DIR, at the paths the site publishes them",
    )
    export.add_argument("dir", metavar="DIR", help="where to write (created if needed)")
    export.set_defaults(func=cmd_export)
