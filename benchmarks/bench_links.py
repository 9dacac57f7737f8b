"""How ``guidekit check --site`` compares with linkchecker over the same built site.

Usage: ``python benchmarks/bench_links.py [SITE_DIR] [--repeat N]``. The site
is copied to a scratch folder and a known set of broken links (``DEFECTS``) is
injected into the copy, so that both tools have something to find; the copy is
removed at the end. Both tools run as subprocesses, the way a user or CI runs
them, start-up included: ``guidekit check --site COPY --format json`` and
``linkchecker`` on ``file://COPY/index.html`` with its AnchorCheck plugin on and
every URL that is not ``file:`` left unchecked, so nothing touches the network.
Over file:// AnchorCheck cannot look inside a directory URL (``../settings/#imap``,
the form MkDocs writes): the script lists those links as "not checked" by it.

The timings are not like for like, and are not meant to be: guidekit also runs
its settings rules over every page; linkchecker also checks the theme's assets
and crawls whatever the folder listings show. What the comparison is for is
the second half: the broken targets each tool reports, normalised to
site-relative paths (plus the fragment for a missing id), against the defects
that are known to be there. The script only prints: it never fails on a slow
run or a missed defect.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from common import Timed, machine, table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINK_RULES = {"broken-link", "broken-anchor", "missing-image"}


@dataclass(frozen=True)
class Defect:
    """One broken link written into one page of the scratch copy, just before ``before``."""

    what: str
    page: str  # site-relative HTML file
    href: str
    image: bool = False
    before: str = "</article>"

    @property
    def html(self) -> str:
        if self.image:
            return f'<p><img src="{self.href}" alt="injected"></p>'
        return f'<p><a href="{self.href}">injected</a></p>'

    @property
    def target(self) -> str:
        """Where the link points, as both tools' reports are normalised."""
        path, _, fragment = self.href.partition("#")
        return site_key(resolve(self.page, path), fragment)


# Different pages and both languages; the last one sits in the theme's footer, outside
# the page's <article>, where a hook or a template override could break a link.
DEFECTS = [
    Defect("missing page (fr)", "settings/index.html", "../no-such-page/"),
    Defect("missing id, file URL (en)", "en/index.html", "settings/index.html#no-such-id"),
    Defect("missing id, directory URL (en)", "en/windows-mail/index.html", "../settings/#gone"),
    Defect("missing image (fr)", "windows-mail/index.html", "../images/missing.png", True),
    Defect(
        "missing page, footer (en)", "en/translators/index.html", "../nowhere/", False, "</footer>"
    ),
]


def resolve(page: str, path: str) -> str:
    """The site-relative path a link of ``page`` points to (the page itself if empty)."""
    path = unquote(path)
    if not path:
        return page
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def site_key(path: str, fragment: str = "") -> str:
    """``en/settings/index.html`` and ``en/settings/`` both become ``/en/settings``."""
    path = path.removesuffix("index.html").rstrip("/").removeprefix(".")
    return "/" + path.lstrip("/") + (f"#{unquote(fragment)}" if fragment else "")


@dataclass
class Run(Timed):
    """One tool's timings and what its last run reported."""

    name: str
    command: list[str]
    times: list[float] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)  # broken target: a page linking to it
    unchecked: set[str] = field(default_factory=set)  # links the tool said it could not check
    other: int = 0  # findings that are not about links


def prepare(site: Path, scratch: Path) -> tuple[Path, list[Defect], Path]:
    """The scratch copy with the defects written in, and linkchecker's config file.

    linkchecker run as root drops to ``nobody``: the copy and the config file are
    made readable by everyone (tempfile folders are 0700).
    """
    copy = scratch / "site"
    shutil.copytree(site, copy)
    injected = []
    for defect in DEFECTS:
        page = copy / defect.page
        text = page.read_text(encoding="utf-8") if page.is_file() else ""
        if defect.before not in text:
            print(f"not injected: {defect.what} ({defect.page} has no {defect.before})")
            continue
        page.write_text(text.replace(defect.before, defect.html + defect.before, 1), "utf-8")
        injected.append(defect)
    config = scratch / "linkcheckerrc"
    config.write_text("[AnchorCheck]\n", encoding="utf-8")
    for path in [scratch, *scratch.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy, injected, config


def guidekit_report(stdout: str, copy: Path) -> tuple[dict[str, str], int]:
    """Broken targets from ``--format json``, and the count of the other findings.

    The JSON names the source page; the built page and the link are only in the
    message, so they are read from it.
    """
    broken: dict[str, str] = {}
    other = 0
    for finding in json.loads(stdout)["findings"]:
        message = finding["message"]
        built = re.search(r"\[built page (.+), line \d+\]$", message)
        if finding["rule"] not in LINK_RULES or not built:
            other += 1
            continue
        page = Path(built.group(1)).resolve().relative_to(copy).as_posix()
        if finding["rule"] == "broken-anchor":
            target = re.match(r"#.*? is not a heading id of (.+?) \(link to", message)
            path = "" if not target or target.group(1) == "this page" else target.group(1)
            key = site_key(resolve(page, path), finding["found"].removeprefix("#"))
        else:
            href = re.search(r"links to (['\"])(.*?)\1, which", message)
            path = href.group(2).partition("#")[0] if href else finding["found"]
            key = site_key(resolve(page, path))
        broken.setdefault(key, site_key(page))
    return broken, other


def linkchecker_report(stdout: str, copy: Path) -> tuple[dict[str, str], set[str]]:
    """Broken targets from ``-o csv`` (invalid URLs, and anchors not found), and the
    fragment links AnchorCheck skipped (a directory URL with an anchor, over file://)."""
    rows = csv.DictReader(
        (line for line in io.StringIO(stdout) if not line.startswith("#")), delimiter=";"
    )
    broken: dict[str, str] = {}
    unchecked: set[str] = set()
    for row in rows:
        url = urlsplit(row["url"])
        page = site_path(url.path, copy)
        warnings = row["warningstring"]
        parent = site_key(site_path(urlsplit(row["parentname"]).path, copy))
        if row["valid"] == "False":
            broken.setdefault(site_key(page), parent)
        elif "Anchor `" in warnings and "not found" in warnings:
            broken.setdefault(site_key(page, url.fragment), parent)
        elif "is a directory with an anchor" in warnings:
            unchecked.add(site_key(page, url.fragment))
    return broken, unchecked


def site_path(url_path: str, copy: Path) -> str:
    """The site-relative path of a file:// URL's path (as it is when outside the copy)."""
    path = Path(unquote(url_path))
    return path.relative_to(copy).as_posix() if path.is_relative_to(copy) else str(path)


def measure(run: Run, repeat: int, copy: Path) -> Run:
    """``repeat`` wall-clock timings of the command; the last run's output is read."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}  # English messages to parse
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(run.command, cwd=ROOT, env=env, capture_output=True, text=True)
        run.times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):  # both: 1 means something broken was found
            raise RuntimeError(f"{run.name} exited {done.returncode}: {done.stderr.strip()}")
    if run.name == "guidekit":
        run.broken, run.other = guidekit_report(done.stdout, copy)
    else:
        run.broken, run.unchecked = linkchecker_report(done.stdout, copy)
    return run


def caught(defect: Defect, run: Run) -> str:
    if defect.target in run.broken:
        return "caught"
    return "not checked" if defect.target in run.unchecked else "missed"


def compare(defects: list[Defect], runs: list[Run]) -> None:
    """Which defects each tool caught, and every broken target only one tool reported."""
    print(
        table(
            ("injected defect", "page", "broken target", *(r.name for r in runs)),
            [(d.what, d.page, d.target, *(caught(d, r) for r in runs)) for d in defects],
            numbers=5,
        )
    )
    guidekit, linkchecker = runs
    known = {d.target for d in defects}
    same = guidekit.broken.keys() == linkchecker.broken.keys()
    print(f"\nsame: {'yes' if same else 'no'} (the broken targets both tools reported)")
    for run, other in ((guidekit, linkchecker), (linkchecker, guidekit)):
        for target in sorted(run.broken.keys() - other.broken.keys()):
            note = "injected" if target in known else "not injected: already in the site"
            if target in other.unchecked:
                note += f"; {other.name} could not check it"
            print(f"  only {run.name}: {target} ({note}; linked from {run.broken[target]})")
    if linkchecker.unchecked:
        print(
            f"linkchecker could not check {len(linkchecker.unchecked)} fragment link(s) to a "
            "directory URL over file:// (AnchorCheck skips them): "
            + ", ".join(sorted(linkchecker.unchecked))
        )
    if guidekit.other:
        print(f"guidekit also reported {guidekit.other} finding(s) of its settings rules")


def site_folder(arg: str | None) -> Path | None:
    """The site to copy; the project's own site/ is built first when it has no index.html."""
    site = Path(arg) if arg else ROOT / "site"
    if (site / "index.html").is_file():
        return site
    if arg:
        print(f"{arg}: not a built site (no index.html)", file=sys.stderr)
        return None
    print(f"{site} has no index.html: building it first (guidekit build --quiet)")
    built = subprocess.run([str(BIN / "guidekit"), "build", "--quiet"], cwd=ROOT, check=False)
    return site if built.returncode == 0 and (site / "index.html").is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "site", nargs="?", metavar="SITE_DIR", help=f"built site (default: {ROOT / 'site'})"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timings per tool (3)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    site = site_folder(args.site)
    if site is None:
        return 2
    for tool in ("guidekit", "linkchecker"):
        if not (BIN / tool).is_file():
            print(
                f"{BIN / tool} not found (install the project's dev dependencies)", file=sys.stderr
            )
            return 2

    with tempfile.TemporaryDirectory(prefix="bench-links-") as scratch:
        copy, defects, config = prepare(site.resolve(), Path(scratch).resolve())
        pages = sum(1 for _ in copy.rglob("*.html"))
        print(
            f"site: {site} ({pages} HTML files), copied with {len(defects)} injected defects, "
            f"{args.repeat} run(s) of each tool, as subprocesses"
        )
        runs = [
            Run(
                "guidekit",
                [str(BIN / "guidekit"), "check", "--site", str(copy), "--format", "json"],
            ),
            Run(
                "linkchecker",
                [
                    *(str(BIN / "linkchecker"), "--config", str(config), "--no-status"),
                    *("-o", "csv", "--ignore-url", "^(?!file:)", (copy / "index.html").as_uri()),
                ],
            ),
        ]
        try:
            runs = [measure(run, args.repeat, copy) for run in runs]
        except RuntimeError as exc:
            print(f"cannot measure: {exc}", file=sys.stderr)
            return 2
    for run in runs:
        command = " ".join(run.command).replace(f"{BIN}{os.sep}", "").replace(str(copy), "COPY")
        command = command.replace(scratch, "SCRATCH")
        print(f"{run.name}: {command}")
    print()
    print(
        table(
            ("tool", "seconds (best)", "seconds (median)", "broken targets"),
            [(r.name, f"{r.best:.3f}", f"{r.median:.3f}", str(len(r.broken))) for r in runs],
        )
    )
    guidekit, linkchecker = runs
    print(f"\nlinkchecker / guidekit (best over best): {linkchecker.best / guidekit.best:.2f}×\n")
    compare(defects, runs)
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
