"""``guidekit``: build the site, export the settings schema, check pages.

Exit codes are a contract: 0 success, 1 a failure the user must fix in the
data or the pages, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import build_site
from .settings import Settings

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

    schema = sub.add_parser("schema", help="write data/settings.schema.json from the model")
    schema.add_argument("--check", action="store_true", help="fail if the file is out of date")
    schema.set_defaults(func=cmd_schema)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or find_root(Path.cwd())).resolve()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
