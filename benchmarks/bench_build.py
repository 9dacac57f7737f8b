"""What the macros cost a build, and how build and check grow with the number of pages.

Usage: ``python benchmarks/bench_build.py [--repeat N] [--growth-repeat N] [--sizes LIST]
[--profile N]`` (or ``make bench``). Three measurements, each printed as a table:

1. **macros overhead**: ``mkdocs build`` of the project against the same project with every
   value written by hand: each page's macros are rendered to plain Markdown
   (``macros.site.pagerender.render_markdown``, as ``guidekit check`` renders them) into a scratch
   copy whose mkdocs.yml has no macros plugin (the hooks, which publish the images and the
   set-up files, stay). The two builds take turns; best over best is held against the target
   of at most 1.2x, and the median of the rounds' ratios is printed beside it.
2. **growth**: ``mkdocs build`` and ``guidekit check`` of synthetic sites of 100, 400 and
   1,600 pages (a home page and guides in French, and their English translations, filed in a
   section per offer and chapters of 20), generated from one page template that calls the
   macros, and the same sites with the values written by hand (MkDocs and the theme alone).
   Every size runs in every round; the best 1,600-page time over the best 400-page time is
   held against linear growth (4x), for the build, the check and the macros' share.
3. ``guidekit check`` against a bare markdown-it parse is ``bench_check.py``'s.

Every command runs as a subprocess, the way a user runs it, interpreter start-up included.
Scratch copies live in a temporary folder, removed at the end. The script only prints
figures: it never fails on a slow run. ``--profile N`` also profiles one in-process build of
the synthetic site of N pages (``--profile project``: of the project) and prints where the
time goes, by stage and by package.
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import os
import posixpath
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from common import Timed, machine, table

from macros.model.frontmatter import FRONT_MATTER, split_front_matter
from macros.model.project import Project, load_project, site_languages
from macros.model.project import copy_project as project_copy
from macros.model.sourcemap import read_config as parse_config
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import page_context_for
from macros.site.translations import source_hash

ROOT = Path(__file__).resolve().parent.parent
OVERHEAD_AIM = 1.2  # build with macros / build with values written by hand
LINEAR = 4.0  # 400 -> 1,600 pages
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# Synthetic pages name an offer in turn: the offers that have IMAP, POP and SMTP.
OFFERS = ("mx-plan", "email-pro", "exchange")


@dataclass
class Timing(Timed):
    """Wall-clock seconds of each run and, for builds with the macros, the seconds spent in
    the macros plugin's hooks (loading the data, checking and rendering the pages)."""

    name: str
    times: list[float]
    macros: list[float] = field(default_factory=list)

    @property
    def macros_best(self) -> float:
        return min(self.macros) if self.macros else 0.0


def measure_turns(runs: dict[str, Callable[[], str]], repeat: int) -> dict[str, Timing]:
    """``repeat`` rounds of every run in turn, so that a machine slowing down or speeding up
    during the measurement weighs on each run alike; every other round in reverse order, so
    that no run always follows the same one. Each run returns what the command wrote on
    standard error."""
    timings = {name: Timing(name, []) for name in runs}
    for round_ in range(repeat):
        order = list(runs.items())
        for name, run in order if round_ % 2 == 0 else reversed(order):
            start = time.perf_counter()
            stderr = run()
            timings[name].times.append(time.perf_counter() - start)
            found = re.search(rf"^{MACROS_SECONDS} ([0-9.]+)$", stderr, re.M)
            if found:
                timings[name].macros.append(float(found.group(1)))
    return timings


def run(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return result.stderr


# ``mkdocs build``, with every hook of the macros plugin timed from inside the build: the
# macros' own time, free of the noise of the rest of the build.
MACROS_SECONDS = "guidekit-bench-macros-seconds"
TIMED_MKDOCS = f"""
import sys, time
from mkdocs_macros.plugin import MacrosPlugin
spent = 0.0
def timed(method):
    def wrapper(*args, **kwargs):
        global spent
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent += time.perf_counter() - start
    return wrapper
for name, method in list(vars(MacrosPlugin).items()):
    if name.startswith("on_") and callable(method):
        setattr(MacrosPlugin, name, timed(method))
from mkdocs.__main__ import cli
try:
    cli.main(sys.argv[1:], prog_name="mkdocs", standalone_mode=False)
finally:
    print(f"{MACROS_SECONDS} {{spent:.6f}}", file=sys.stderr)
"""


def mkdocs_build(project: Path) -> Callable[[], str]:
    command = [sys.executable, "-c", TIMED_MKDOCS, "build", "--clean", "--quiet"]
    command += ["--config-file", str(project / "mkdocs.yml")]
    command += ["--site-dir", str(project / "site")]
    return lambda: run(command, project)


def guidekit_check(project: Path) -> Callable[[], str]:
    command = [sys.executable, "-m", "macros.cli.main", "--root", str(project), "check"]
    return lambda: run(command, project, ok=(0, 1))  # 1: findings, still a complete run


def copy_project(dest: Path) -> Path:
    """The project's pages, data, macros and images, as the tests copy them."""
    return byte_compiled(project_copy(ROOT, dest))


def byte_compiled(project: Path) -> Path:
    """The copy's Python modules compiled, as every build after the first finds them: else
    each timed run would compile them again (PYTHONDONTWRITEBYTECODE, or a read-only copy)."""
    compileall.compile_dir(project / "macros", quiet=1)
    return project


def read_config(project: Path) -> dict:
    """``mkdocs.yml`` with ``!ENV`` resolved, as MkDocs reads it (written back plain)."""
    return parse_config((project / "mkdocs.yml").read_text(encoding="utf-8"))


def write_config(project: Path, config: dict) -> None:
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")


# --- 1. the macros' overhead --------------------------------------------------------------------


def write_by_hand(project: Path) -> int:
    """Render every page's macros into the page itself and drop the macros plugin."""
    data = load_project(Project(project))
    languages, _ = site_languages(project)
    pages = 0
    for lang in languages:
        for path in sorted((project / "docs" / lang).rglob("*.md")):
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            meta, body, _ = split_front_matter(text)
            match = FRONT_MATTER.match(text)
            head = text[: match.end()] if match else ""
            context = page_context_for(data, lang, meta)
            rendered = render_markdown(body, context, page_variables(meta), project)
            path.write_text(head + rendered, encoding="utf-8")
            pages += 1
    config = read_config(project)
    config["plugins"] = [
        p for p in config["plugins"] if not (isinstance(p, dict) and "macros" in p)
    ]
    write_config(project, config)
    return pages


def paired_ratio(a: Timing, b: Timing) -> float:
    """The median over the rounds of a's time / b's time in the same round: on a machine whose
    speed drifts, the runs of one round met the same machine."""
    return statistics.median(x / y for x, y in zip(a.times, b.times, strict=True))


def bench_overhead(scratch: Path, repeat: int) -> float:
    with_macros = copy_project(scratch / "macros")
    by_hand = copy_project(scratch / "by-hand")
    pages = write_by_hand(by_hand)
    runs = {
        "mkdocs build, macros": mkdocs_build(with_macros),
        "mkdocs build, values by hand": mkdocs_build(by_hand),
    }
    macros, plain = measure_turns(runs, repeat).values()
    rows = [
        (macros.name, str(pages), f"{macros.best:.2f}", f"{macros.median:.2f}"),
        (plain.name, str(pages), f"{plain.best:.2f}", f"{plain.median:.2f}"),
    ]
    rows[0] += (f"{macros.macros_best:.2f}",)
    rows[1] += ("—",)
    print(
        f"1. The macros' overhead: the project's {pages} pages (every language), {repeat} rounds "
        "of the two builds in turn"
    )
    print()
    head = ("build", "pages", "seconds (best)", "seconds (median)", "in the macros (best)")
    print(table(head, rows))
    print()
    ratio = macros.best / plain.best
    verdict = "met" if ratio <= OVERHEAD_AIM else "not met"
    print(
        f"macros / by hand (best over best): {ratio:.2f}x, "
        f"target: at most {OVERHEAD_AIM:.1f}x ({verdict})"
    )
    print(f"macros / by hand (median of the rounds' ratios): {paired_ratio(macros, plain):.2f}x")
    return ratio


# --- 2. growth with the number of pages ------------------------------------------------------

PAGE = {
    "fr": """\
---
title: Guide {n} - configurer votre adresse e-mail
offer: {offer}
---

# Guide {n} : configurer votre adresse e-mail {{#guide}}

Ce guide configure une adresse e-mail {{{{ offer_name() }}}} en
{{{{ protocol_name('imap') }}}} (recommandé) ou en {{{{ protocol_name('pop3') }}}}.

## Paramètres IMAP {{#imap}}

- Serveur entrant : {{{{ host('imap') }}}}
- Port : {{{{ port('imap') }}}} ({{{{ security('imap') }}}})
- Nom d'utilisateur : {{{{ login() }}}}

{{{{ settings_list('imap') }}}}

{{{{ port_table('imap') }}}}

## Paramètres POP {{#pop}}

{{{{ settings_list('pop3') }}}}

{{{{ port_table('pop3') }}}}

## Authentification sortante {{#smtp-auth}}

Activez l'authentification du serveur sortant ({{{{ protocol_name('smtp') }}}}) avec le
mot de passe défini dans l'{{{{ control_panel('espace client') }}}}.

Voir aussi [le guide suivant]({next}.md#imap).
""",
    "en": """\
---
title: Guide {n} - set up your e-mail address
offer: {offer}
source_hash: {hash}
---

# Guide {n}: set up your e-mail address {{#guide}}

This guide sets up an {{{{ offer_name() }}}} e-mail address with
{{{{ protocol_name('imap') }}}} (recommended) or {{{{ protocol_name('pop3') }}}}.

## IMAP settings {{#imap}}

- Incoming server: {{{{ host('imap') }}}}
- Port: {{{{ port('imap') }}}} ({{{{ security('imap') }}}})
- User name: {{{{ login() }}}}

{{{{ settings_list('imap') }}}}

{{{{ port_table('imap') }}}}

## POP settings {{#pop}}

{{{{ settings_list('pop3') }}}}

{{{{ port_table('pop3') }}}}

## Outgoing server authentication {{#smtp-auth}}

Turn on outgoing server authentication ({{{{ protocol_name('smtp') }}}}) with the password
set in the {{{{ control_panel('control panel') }}}}.

See also [the next guide]({next}.md#imap).
""",
}


CHAPTER = 20  # guides in a chapter


def guide_path(number: int) -> str:
    """Where guide ``number`` lives: a section per offer, chapters of ``CHAPTER`` guides in
    each, as a large guide site is organised (MkDocs makes its navigation from the folders)."""
    offer = OFFERS[number % len(OFFERS)]
    chapter = (number - 1) // len(OFFERS) // CHAPTER + 1
    return f"{offer}/chapter-{chapter:02d}/guide-{number:04d}.md"


def synthetic_site(dest: Path, pages: int) -> Path:
    """A project of ``pages`` pages: a home page and ``(pages - 2) / 2`` guides in French, and
    their English translations, stamped; the project's data, theme, plugins and extensions."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "data", dest / "data")
    shutil.copytree(ROOT / "macros", dest / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "images").mkdir()
    shutil.copy2(ROOT / "images" / "logo.svg", dest / "images" / "logo.svg")
    (dest / "data" / "translations.yml").write_text("fallback: {}\n", encoding="utf-8")
    config = read_config(ROOT)
    config.pop("nav", None)  # MkDocs lists every page, as a site without a nav does
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            languages = plugin["i18n"]["languages"]
            plugin["i18n"]["languages"] = [x for x in languages if x["locale"] in ("fr", "en")]
    write_config(dest, config)
    guides = (pages - 2) // 2
    for lang in ("fr", "en"):
        (dest / "docs" / lang).mkdir(parents=True)
    home = {"fr": "# Guides {#home}\n\n", "en": "# Guides {#home}\n\n"}
    for number in range(1, guides + 1):
        name = guide_path(number)
        folder = posixpath.dirname(name)
        values = {
            "n": number,
            "offer": OFFERS[number % len(OFFERS)],
            "next": posixpath.relpath(guide_path(number % guides + 1), folder).removesuffix(".md"),
        }
        french = PAGE["fr"].format(**values)
        english = PAGE["en"].format(**values, hash=source_hash(french))
        for lang, text in (("fr", french), ("en", english)):
            (dest / "docs" / lang / folder).mkdir(parents=True, exist_ok=True)
            (dest / "docs" / lang / name).write_text(text, encoding="utf-8")
            home[lang] += f"- [Guide {number}]({name})\n"
    stamp = f"---\nsource_hash: {source_hash(home['fr'])}\n---\n\n"
    (dest / "docs" / "fr" / "index.md").write_text(home["fr"], encoding="utf-8")
    (dest / "docs" / "en" / "index.md").write_text(stamp + home["en"], encoding="utf-8")
    return byte_compiled(dest)


def bench_growth(scratch: Path, sizes: list[int], repeat: int) -> None:
    print(
        f"2. Growth: synthetic sites (half French, half English), {repeat} round(s) of every "
        "run in turn, best of each; 'macros' is the time spent in the macros plugin during "
        "the build, 'by hand' the build of the same site with the values written in and no "
        "macros plugin"
    )
    print()
    runs: dict[str, Callable[[], str]] = {}
    for size in sizes:
        site = synthetic_site(scratch / f"synthetic-{size}", size)
        by_hand = scratch / f"synthetic-{size}-by-hand"
        shutil.copytree(site, by_hand)
        write_by_hand(by_hand)
        runs |= {
            f"build {size}": mkdocs_build(site),
            f"by hand {size}": mkdocs_build(by_hand),
            f"check {size}": guidekit_check(site),
        }
    # Every size in every round: a machine speeding up while one size is measured would
    # otherwise pass for a change in how the cost grows.
    timings = measure_turns(runs, repeat)
    times = {
        (kind, size): timings[f"{'build' if kind == 'macros' else kind} {size}"]
        for size in sizes
        for kind in KINDS
    }

    def seconds(kind: str, size: int) -> list[float]:
        timing = times[kind, size]
        return timing.macros if kind == "macros" else timing.times

    rows = []
    for size in sizes:
        pages = (size - 2) // 2 * 2 + 2
        row = [str(pages)]
        for kind in KINDS:
            best = min(seconds(kind, size))
            row += [f"{best:.2f}", f"{1000 * best / pages:.1f}"]
        rows.append(tuple(row))
    head = ("pages", "build s", "ms/page", "macros s", "ms/page", "by hand s", "ms/page")
    head += ("check s", "ms/page")
    print(table(head, rows))
    print()
    if 400 in sizes and 1600 in sizes:
        print("400 -> 1,600 pages, best over best (linear: 4x; target: no faster than linear):")
        for kind, name in KINDS.items():
            growth = min(seconds(kind, 1600)) / min(seconds(kind, 400))
            verdict = "met" if growth <= LINEAR else "not met"
            print(f"  {name}: {growth:.2f}x ({verdict})")


KINDS = {
    "build": "mkdocs build",
    "macros": "its time in the macros",
    "by hand": "mkdocs build by hand (MkDocs and the theme alone)",
    "check": "guidekit check",
}


# --- where the time goes ----------------------------------------------------------------------


# (what, file the function is in, function): cumulative time, so stages may contain others.
STAGES = (
    ("the whole build", "mkdocs/commands/build.py", "build"),
    ("macros: check and render pages", "mkdocs_macros/plugin.py", "on_page_markdown"),
    ("  of which the template check", "macros/__init__.py", "on_pre_page_macros"),
    ("  of which translation_status()", "macros/site/guide.py", "translation_status"),
    ("macros: load the data (define_env)", "macros/__init__.py", "define_env"),
    ("Markdown to HTML", "mkdocs/structure/pages.py", "render"),
    ("theme: write each page (_build_page)", "mkdocs/commands/build.py", "_build_page"),
    ("  of which the navigation (nav.html)", "material/templates/base.html", "block_site_nav"),
    ("search index", "material/plugins/search/plugin.py", "on_page_context"),
)


def package_of(filename: str) -> str:
    """The package a profiled function belongs to, for a coarse breakdown."""
    path = filename.replace("\\", "/")
    if path == "~":
        return "built-in functions (str.join…)"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/macros/" in path:
        return "macros (guidekit)"
    return "Python standard library"


def profile_build(scratch: Path, what: str) -> None:
    """One in-process ``mkdocs build`` of the project (``what`` is "project") or of a synthetic
    site of ``what`` pages: time by stage and by package."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if what == "project":
        site = copy_project(scratch / "profile-project")
        pages = sum(1 for _ in (site / "docs").rglob("*.md"))
        name = f"the project's {pages} pages"
    else:
        site = synthetic_site(scratch / f"profile-{what}", int(what))
        pages = (int(what) - 2) // 2 * 2 + 2
        name = f"{pages} synthetic pages"
    cwd = Path.cwd()
    os.chdir(site)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(site / "site"))
        profiler = cProfile.Profile()
        profiler.enable()
        build(config)
        profiler.disable()
    finally:
        os.chdir(cwd)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(
        cum
        for (filename, _, name), (*_, cum, _) in stats.items()
        if filename.endswith(STAGES[0][1]) and name == STAGES[0][2]
    )
    print(f"Where one profiled build of {name} spends its time:")
    print()
    rows = []
    for what, suffix, function in STAGES:
        cumulative = max(
            (
                cum
                for (filename, _, name), (*_, cum, _) in stats.items()
                if filename.replace("\\", "/").endswith(suffix) and name == function
            ),
            default=0.0,
        )
        share = f"{100 * cumulative / total:.0f}%"
        rows.append((what, f"{cumulative:.2f}", f"{1000 * cumulative / pages:.1f}", share))
    print(table(("stage (cumulative)", "seconds", "ms/page", "share"), rows))
    print()
    own: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        own[package_of(filename)] += tottime
    rows = [
        (name, f"{seconds:.2f}", f"{100 * seconds / total:.0f}%")
        for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:10]
    ]
    print(table(("package (own time)", "seconds", "share"), rows))
    print("(profiled times are slower than real ones; compare the shares)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds of builds in 1 (9)")
    parser.add_argument(
        "--growth-repeat", type=int, default=3, help="rounds of builds and checks in 2 (3)"
    )
    parser.add_argument(
        "--sizes",
        default="100,400,1600",
        help="synthetic site sizes, in pages (default: 100,400,1600)",
    )
    parser.add_argument(
        "--profile",
        metavar="N|project",
        help="also profile one build of N synthetic pages, or of the project",
    )
    parser.add_argument("--skip-overhead", action="store_true", help="skip measurement 1")
    parser.add_argument("--skip-growth", action="store_true", help="skip measurement 2")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.growth_repeat < 1:
        parser.error("--repeat and --growth-repeat must be at least 1")
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes page counts separated by commas: 100,400,1600")
    if any(size < 2 for size in sizes):
        parser.error("--sizes: a synthetic site has at least 2 pages")
    if args.profile and args.profile != "project" and not args.profile.isdigit():
        parser.error("--profile takes a number of pages or 'project'")

    with tempfile.TemporaryDirectory(prefix="guidekit-bench-") as folder:
        scratch = Path(folder)
        if not args.skip_overhead:
            bench_overhead(scratch, args.repeat)
            print()
        if not args.skip_growth:
            bench_growth(scratch, sizes, args.growth_repeat)
            print()
        if args.profile:
            profile_build(scratch, args.profile)
            print()
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
