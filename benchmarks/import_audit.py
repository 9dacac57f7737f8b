"""``guidekit import`` over the legacy corpus, into a scratch copy of the project (never into
``docs/``: the corpus may not be copied into the project), then the strict build.

Per folder and language: the share of legacy files imported to a page that builds strictly
and renders back to its legacy text (aim ≥ 95 %), the share of typed values the data agrees
with that became macros (aim ≥ 90 %), and the refuted values left in place.

    .venv/bin/python benchmarks/import_audit.py ../shared/corpus
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from common import table

from macros.check.checker import Checker
from macros.check.vocabulary import load_vocabulary
from macros.importer.tree import Options, import_tree
from macros.model.project import Project, copy_project, load_project
from macros.site.build import mkdocs_env

ROOT = Path(__file__).resolve().parent.parent
AIMS = {"pages": 0.95, "macros": 0.90}


def audit(corpus: Path, tree: str) -> list[tuple[str, ...]]:
    with tempfile.TemporaryDirectory() as scratch:
        project = copy_project(ROOT, Path(scratch) / "project")
        data = load_project(Project(project))
        checker = Checker(data, load_vocabulary(project / "data" / "vocabulary"))
        files = sorted((corpus / tree).rglob("guide.*.md"))
        report = import_tree([corpus / tree], project, data, checker, Options())
        build = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
            cwd=project,
            env=mkdocs_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        failing = set(re.findall(r"'(\w\w/[\w./-]+\.md)'", build.stdout + build.stderr))
        built = build.returncode == 0 or bool(failing)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in files:
        rows[path.name.split(".")[1].split("-")[0]]["files"] += 1
    for source, _ in report.skipped:  # another language, a regional variant: by design
        rows[Path(source).name.split(".")[1].split("-")[0]]["skipped"] += 1
    for page in report.pages:
        row = rows[page.lang]
        ok = built and not page.round_trip and page.path.removeprefix("docs/") not in failing
        row["pages"] += ok
        row["macros"] += page.macros
        row["agrees"] += page.macros + sum(1 for k in page.kept if k.kind == "agrees")
        row["refuted"] += sum(1 for k in page.kept if k.kind == "refuted")
    out = []
    for lang, row in sorted(rows.items()):
        importable = row["files"] - row["skipped"]
        share = row["pages"] / importable if importable else 1.0
        macros = row["macros"] / row["agrees"] if row["agrees"] else 1.0
        out.append(
            (
                tree,
                lang,
                str(row["files"]),
                str(row["skipped"]),
                str(row["pages"]),
                f"{share:.0%}",
                f"{macros:.0%}",
                str(row["refuted"]),
            )
        )
    if not built:
        print(f"{tree}: the strict build failed:\n{build.stdout[-2000:]}{build.stderr[-2000:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus} not found: nothing to audit (make import-audit CORPUS=path)")
        return 0
    rows = []
    for tree in sorted(p.name for p in args.corpus.iterdir() if p.is_dir()):
        rows += audit(args.corpus, tree)
    head = ("folder", "lang", "files", "skipped", "pages ok", "share", "values → macros", "refuted")
    print(table(head, rows, numbers=2))
    print(
        f"aims: {AIMS['pages']:.0%} of the files of a language the site builds imported to a "
        f"page that builds strictly and renders back; {AIMS['macros']:.0%} of the values the "
        "data agrees with made macros. Files in a language the site does not build, and the "
        "regional variants of a page already imported, are skipped by design (not in the share)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
