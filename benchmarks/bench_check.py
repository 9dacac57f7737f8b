"""How much ``guidekit check`` costs over merely parsing the same Markdown.

Usage: ``python benchmarks/bench_check.py [CORPUS_DIR] [--repeat N]`` (or
``make bench CORPUS=...``); ``--shapes [--scale K]`` instead times the check on pages of
one shape (shapes.py) at 1×, 4× and 16× of their base size (times K), with the growth per ×4
against the linear aim. The files are checked as ``guidekit check PATH``
checks them; the figure that matters is the ratio of the check to a bare
markdown-it parse, because the parse is a floor the checker cannot go below
and the ratio barely depends on the machine. The script only prints figures:
it never fails on a slow run, so it can be run anywhere.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import Timed, machine, table
from markdown_it import MarkdownIt
from shapes import SHAPES

from macros.check import links as links_module
from macros.check.checker import Checker
from macros.check.vocabulary import load_vocabulary
from macros.cli.main import UsageError, markdown_files
from macros.model.project import Project, load_project
from macros.text.document import parse as parse_document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
AIM = 2.0  # check / bare parse, best over best
GROWTH_AIM = 4.4  # per ×4 of the input: linear, with some noise

Files = list[tuple[Path, str]]


@dataclass
class Result(Timed):
    """The timings of one measurement over the same files."""

    name: str
    files: int
    times: list[float]


def select_files(corpus: str | None) -> Files:
    """The Markdown files to measure, found exactly as ``guidekit check PATH`` finds them.

    A missing or empty corpus is not an error: the project's own docs/ pages are
    measured instead, so the script always produces figures.
    """
    arg = corpus or str(DEFAULT_CORPUS)
    try:
        return markdown_files(arg)
    except UsageError as exc:
        docs = ROOT / "docs"
        print(f"no corpus: {exc}; the benchmark uses the project's own pages instead ({docs})")
        return markdown_files(str(docs))


def read_text(path: Path) -> str:
    """The text as ``Checker.check_file`` reads it, so every measurement parses the same."""
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def measure(
    run: Callable[[], None], repeat: int, before: Callable[[], None] | None = None
) -> list[float]:
    """``repeat`` wall-clock timings of ``run``; ``before`` runs untimed ahead of each."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def bench_bare_parse(texts: list[str], repeat: int) -> Result:
    """The floor: markdown-it alone, configured as macros.text.document.parse configures it."""

    def run() -> None:
        for text in texts:
            MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)

    return Result("bare parse", len(texts), measure(run, repeat))


def bench_document(texts: list[str], repeat: int) -> Result:
    """The document model (parse plus units, headings, links): what every rule starts from."""

    def run() -> None:
        for text in texts:
            parse_document(text)

    return Result("document model", len(texts), measure(run, repeat))


def bench_check(files: Files, repeat: int) -> tuple[Result, Checker]:
    """The whole check of each file, as cmd_check runs it for PATH arguments.

    The data and vocabularies are loaded once, untimed, as one run loads them.
    Before each repetition the findings and the linked-page anchor cache are
    emptied, so every repetition does the work of one fresh ``guidekit check``.
    """
    checker = Checker(load_project(Project(ROOT)), load_vocabulary(ROOT / "data" / "vocabulary"))

    def reset() -> None:
        checker.findings.clear()
        checker.files_checked = 0
        links_module._anchors_cached.cache_clear()

    def run() -> None:
        for path, shown in files:
            checker.check_file(path, shown)

    return Result("guidekit check", len(files), measure(run, repeat, reset)), checker


def bench_shapes(scale: int, repeat: int) -> None:
    """The check on each shape at 1×, 4×, 16× its base size: time and growth per ×4."""
    data = load_project(Project(ROOT))
    vocabularies = load_vocabulary(ROOT / "data" / "vocabulary")
    head = ("shape", "1× MB", "1× s", "4× s", "16× MB", "16× s", "growth per ×4", "aim")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, (make, base) in SHAPES.items():
            times, sizes = [], []
            for factor in (1, 4, 16):
                path = Path(scratch) / "page.en.md"
                path.write_text(make(base * scale * factor), encoding="utf-8")
                sizes.append(path.stat().st_size / 1e6)
                best = float("inf")
                for _ in range(repeat):
                    started = time.perf_counter()
                    Checker(data, vocabularies).check_file(path, "page.en.md")
                    best = min(best, time.perf_counter() - started)
                times.append(best)
            growth = (times[2] / times[0]) ** 0.5
            verdict = "met" if growth <= GROWTH_AIM else "not met"
            cells = (f"{sizes[0]:.2f}", f"{times[0]:.2f}", f"{times[1]:.2f}", f"{sizes[2]:.2f}")
            rows.append(
                (name, *cells, f"{times[2]:.2f}", f"{growth:.2f}×", f"≤ {GROWTH_AIM}×: {verdict}")
            )
            if sys.stderr.isatty():
                print(f"  {name}: done", file=sys.stderr)
    print(table(head, rows))
    print(machine())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpus",
        nargs="?",
        metavar="CORPUS_DIR",
        help=f"Markdown files to measure (default: {DEFAULT_CORPUS})",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timings per measurement (5)")
    parser.add_argument("--shapes", action="store_true", help="time long shapes instead")
    parser.add_argument("--scale", type=int, default=1, help="with --shapes: sizes times K")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.shapes:
        bench_shapes(max(args.scale, 1), min(args.repeat, 3))
        return 0

    files = select_files(args.corpus)
    texts = [read_text(path) for path, _ in files]
    size = sum(len(t) for t in texts)
    print(f"{len(files)} Markdown files, {size:,} characters, {args.repeat} repetitions each")

    bare = bench_bare_parse(texts, args.repeat)
    document = bench_document(texts, args.repeat)
    checked, checker = bench_check(files, args.repeat)
    print()
    head = ("measurement", "files", "seconds (best)", "seconds (median)", "files/s")
    rows = [
        (r.name, str(r.files), f"{r.best:.4f}", f"{r.median:.4f}", f"{r.files / r.best:.1f}")
        for r in (bare, document, checked)
    ]
    print(table(head, rows))
    print()
    ratio = checked.best / bare.best
    verdict = "met" if ratio <= AIM else "not met"
    print(f"check / bare parse (best over best): {ratio:.2f}×, aim: at most {AIM:.1f}× ({verdict})")
    print(f"last check run: {checker.files_checked} files, {len(checker.findings)} findings")
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
