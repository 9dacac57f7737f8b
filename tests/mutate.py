"""Mutation tests of ``guidekit check``: put each rule's defect into every page, expect it found.

A checker that stays quiet on clean pages proves little; what matters is that
it speaks up on broken ones, on the right line and for the right reason. This
script breaks the project's pages the way legacy guides were broken, one defect
at a time, and checks each broken page as ``guidekit check`` does.

Pages are found as ``guidekit check`` finds them (``docs/<lang>/**/*.md``, the
language being the folder), so new pages and languages are covered without
editing this file. Settings lists and port tables are macro calls: to break
one, the call is rendered with the page's context, the defect is written into
that output, and the output replaces the call literally, so the page says what
a writer who typed the values wrongly would have written. Links are broken in
the source itself.

Each kind is applied at *every* place it applies to, one defect per run:
``swap-port`` and ``mistype-host`` to the incoming port and host of every
settings list and to every ``port()`` and ``host()`` of an incoming protocol
typed in prose; ``protocol-word`` to every settings list's incoming-server
label; ``flip-ssl`` to every SSL port of every settings list's port lines;
``swap-columns`` to every port-table row with two ports; ``break-anchor`` to
every inline link to a heading id. Only calls with literal arguments and no
whitespace control (``{{-``) are inlined, since only those render the same on
their own; a link whose target is on a reference definition is left alone.
The page is restored after each run.

A defect is caught when the checker reports the kind's rule, as an error, on
the expected line: the macro call's line plus the line of the defect inside
its output (for a link, the link's line). Inlined values are typed values, so
``hardcoded-value`` warnings are expected and ignored; an error on any line
other than the defect's own and the expected one is unexpected and fails the
run as a miss does.

Usage: ``python tests/mutate.py [--root DIR]`` breaks a scratch copy of DIR
(default: this repository), prints how many defects of each kind were applied,
caught and missed, and exits 0 only when every defect was caught with no
unexpected error (2 when the unbroken project already has errors).
"""

from __future__ import annotations

import argparse
import inspect
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, wraps
from pathlib import Path

from conftest import ROOT
from jinja2 import Environment, nodes

from macros.check.checker import Checker
from macros.check.links import EXTERNAL
from macros.check.offers import offer_of_host
from macros.check.vocabulary import Vocabulary, load_vocabulary
from macros.model.findings import Finding
from macros.model.frontmatter import FRONT_MATTER, front_matter
from macros.model.project import Project, ProjectData, load_project
from macros.model.settings import INCOMING, MAIL_PROTOCOLS, Port, Protocol
from macros.site import render
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.pagerender import render_markdown
from macros.site.pages import page_context_for
from macros.site.render import Context, strong
from macros.text.document import parse

MISSING = "-missing"  # appended to a heading id to name one that exists nowhere
TOP_LEVEL_DOMAINS = ("com", "net", "org")  # what a mistyped host ends with instead


# -- pages and their macro calls -------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One ``{{ macro(…) }}`` of a page: where it is, what it was given, what it renders."""

    name: str
    arguments: dict[str, object]
    start: int  # offsets of ``{{`` and after ``}}`` in the page's text
    end: int
    output: str

    def argument(self, name: str) -> str | None:
        value = self.arguments.get(name)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Page:
    """A page as ``guidekit check`` reads it: file, language, text and rendering context."""

    path: Path
    lang: str
    text: str  # newlines normalised, as the checker reads it
    ctx: Context
    root: Path  # the project, for macros that read it (translation_status)

    @property
    def body_start(self) -> int:
        """Where the Markdown starts: the checker renders only what follows the front matter."""
        match = FRONT_MATTER.match(self.text)
        return match.end() if match else 0

    @cached_property
    def calls(self) -> list[Call]:
        """The macro calls of the body that can be replaced by their output."""
        env = jinja_environment()
        macros = make_macros(lambda: self.ctx, self.root)
        found = []
        position = begin = self.body_start
        plain = True  # no whitespace control: the output alone is what the page shows
        for _, kind, value in env.lex(self.text[self.body_start :]):
            # Whitespace control drops text from data tokens: find each token, do not add up.
            position = self.text.index(value, position)
            if kind == "variable_begin":
                begin, plain = position, value == "{{"
            position += len(value)
            if kind == "variable_end" and plain and value == "}}":
                source = self.text[begin:position]
                bound = _literal_call(env, source, macros)
                if bound:
                    output = render_markdown(source, self.ctx, root=self.root)
                    found.append(Call(*bound, begin, position, output))
        return found


def _literal_call(
    env: Environment, source: str, macros: dict[str, Callable[..., str]]
) -> tuple[str, dict[str, object]] | None:
    """The macro and its arguments by name, when ``source`` is one call with literal arguments."""
    body = env.parse(source).body
    output = body[0] if len(body) == 1 else None
    if not isinstance(output, nodes.Output) or len(output.nodes) != 1:
        return None
    call = output.nodes[0]
    if not isinstance(call, nodes.Call) or not isinstance(call.node, nodes.Name):
        return None
    if call.node.name not in macros or call.dyn_args or call.dyn_kwargs:
        return None
    try:
        args = [arg.as_const() for arg in call.args]
        kwargs = {kwarg.key: kwarg.value.as_const() for kwarg in call.kwargs}
    except nodes.Impossible:
        return None
    bound = inspect.signature(macros[call.node.name]).bind(*args, **kwargs)
    bound.apply_defaults()
    return call.node.name, dict(bound.arguments)


# -- edits: a defect written into a text -------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A text with one defect written into it; lines are indexes into that text, from 0."""

    text: str
    line: int  # where the checker must report the defect
    touched: int  # where the defect was written
    summary: str  # what changed, "old → new"


def edit_line(text: str, touched: int, old: str, new: str, line: int | None = None) -> Edit:
    """``old`` replaced by ``new`` on line ``touched``; reported there unless ``line`` says."""
    lines = text.split("\n")
    if old not in lines[touched]:
        raise ValueError(f"{old!r} is not on line {touched} of the text: {lines[touched]!r}")
    lines[touched] = lines[touched].replace(old, new, 1)
    reported = touched if line is None else line
    return Edit("\n".join(lines), reported, touched, f"{old} → {new}")


def line_with(text: str, needle: str) -> int | None:
    return next((i for i, line in enumerate(text.split("\n")) if needle in line), None)


CallMutator = Callable[[Call, Context], Iterator[Edit]]
PageMutator = Callable[[Page], Iterator[Edit]]


def in_calls_of(*macros: str) -> Callable[[CallMutator], PageMutator]:
    """Turn a mutator of macros' output into a mutator of the pages calling those macros.

    The broken output replaces the call, so its line indexes shift by the line
    the call starts on.
    """

    def wrap(mutate: CallMutator) -> PageMutator:
        @wraps(mutate)
        def page_edits(page: Page) -> Iterator[Edit]:
            for call in page.calls:
                if call.name not in macros:
                    continue
                first = page.text.count("\n", 0, call.start)
                for edit in mutate(call, page.ctx):
                    text = page.text[: call.start] + edit.text + page.text[call.end :]
                    yield Edit(text, first + edit.line, first + edit.touched, edit.summary)

        return page_edits

    return wrap


# -- what the settings list says --------------------------------------------------------------


def ssl_port(ctx: Context, protocol: Protocol) -> Port | None:
    return next((p for p in ctx.offer.ports.get(protocol, []) if p.is_ssl), None)


def incoming(call: Call) -> Protocol | None:
    """The call's protocol when it is an incoming one (a list of it has an incoming part)."""
    return next((p for p in INCOMING if p == call.argument("protocol")), None)


def port_line(call: Call, ctx: Context, protocol: Protocol) -> int | None:
    """The line of a settings list that gives ``protocol``'s ports, preferred first."""
    if protocol not in ctx.offer.ports:
        return None
    return line_with(call.output, render.port_choices(ctx, protocol))


def server_label(ctx: Context, protocol: str) -> str:
    """The incoming-server label naming ``protocol``, as the list shows it: ``**… (IMAP)**``."""
    name = render.protocol_name(ctx, protocol)
    return strong(ctx.labels("list.incoming_server", protocol=name))


def typo(host: str, ctx: Context) -> str:
    """``host`` on another top-level domain of the same provider, a host that no offer has."""
    stem, _, last = host.rpartition(".")
    candidates = (f"{stem}.{domain}" for domain in TOP_LEVEL_DOMAINS if domain != last)
    return next(c for c in candidates if offer_of_host(ctx.settings, c) is None)


# -- the kinds of defect ------------------------------------------------------------------------


@in_calls_of("settings_list", "port")
def swap_port(call: Call, ctx: Context) -> Iterator[Edit]:
    """The incoming SSL port replaced by another protocol's SSL port (IMAP 993 → 995)."""
    protocol = incoming(call)
    own = ssl_port(ctx, protocol) if protocol else None
    if protocol is None or own is None:
        return
    if call.name == "settings_list":
        line = port_line(call, ctx, protocol)
    else:  # port(protocol, ssl=False) shows another port: nothing to swap
        line = line_with(call.output, strong(str(own.port)))
    others = (ssl_port(ctx, p) for p in MAIL_PROTOCOLS if p != protocol)
    other = next((p for p in others if p and p.port != own.port), None)
    if other and line is not None:
        yield edit_line(call.output, line, strong(str(own.port)), strong(str(other.port)))


@in_calls_of("settings_list")
def protocol_word(call: Call, ctx: Context) -> Iterator[Edit]:
    """The incoming server labelled with the other incoming protocol: its port then is wrong."""
    protocol = incoming(call)
    if protocol is None:
        return
    other = next(p for p in INCOMING if p != protocol)
    label = server_label(ctx, protocol)
    server, port = line_with(call.output, label), port_line(call, ctx, protocol)
    if server is not None and port is not None:
        yield edit_line(call.output, server, label, server_label(ctx, other), port)


@in_calls_of("settings_list")
def flip_ssl(call: Call, ctx: Context) -> Iterator[Edit]:
    """On each port line, the SSL port said to use STARTTLS."""
    shown = (call.argument("protocol"), "smtp")  # an incoming list has the outgoing part too
    for protocol in (p for p in MAIL_PROTOCOLS if p in shown):
        entry, line = ssl_port(ctx, protocol), port_line(call, ctx, protocol)
        if entry is None or line is None:
            continue
        port = strong(str(entry.port))
        ssl = f"{port} ({render.security_label(ctx, entry)})"
        yield edit_line(call.output, line, ssl, f"{port} ({ctx.labels('security.starttls')})")


@in_calls_of("port_table")
def swap_columns(call: Call, ctx: Context) -> Iterator[Edit]:
    """In each row with two ports, the SSL-on and SSL-off ports exchanged."""
    for index, row in enumerate(call.output.split("\n")):
        cells = row.split("|")
        if len(cells) == 5 and cells[2].strip().isdigit() and cells[3].strip().isdigit():
            swapped = "|".join([*cells[:2], cells[3], cells[2], *cells[4:]])
            yield edit_line(call.output, index, row, swapped)


def break_anchor(page: Page) -> Iterator[Edit]:
    """Each link to a heading id pointed at an id that exists nowhere."""
    lines = page.text.split("\n")
    first = page.text.count("\n", 0, page.body_start)
    for link in parse(page.text[page.body_start :]).links:
        href = link.href.strip()
        if link.image or "#" not in href or EXTERNAL.match(href) or "{" in href:
            continue
        marker = f"]({href}"
        line = first + link.line - 1  # the link's text may wrap: its target can be lower
        touched = next((i for i in range(line, len(lines)) if marker in lines[i]), None)
        if touched is not None:
            yield edit_line(page.text, touched, marker, marker + MISSING, line)


@in_calls_of("settings_list", "host")
def mistype_host(call: Call, ctx: Context) -> Iterator[Edit]:
    """The incoming host on the wrong top-level domain (ssl0.ovh.net → ssl0.ovh.com)."""
    protocol = incoming(call)
    if protocol is None:
        return
    host = render.host(ctx, protocol, call.argument("region"))
    is_list = call.name == "settings_list"
    line = line_with(call.output, server_label(ctx, protocol)) if is_list else 0
    if line is not None:
        yield edit_line(call.output, line, strong(host), strong(typo(host, ctx)))


# Kind → the rule that must catch it, and where it goes. The names are a contract of the report.
KINDS: dict[str, tuple[str, PageMutator]] = {
    "swap-port": ("protocol-port", swap_port),
    "protocol-word": ("protocol-port", protocol_word),
    "flip-ssl": ("security-port", flip_ssl),
    "swap-columns": ("security-port", swap_columns),
    "break-anchor": ("broken-anchor", break_anchor),
    "mistype-host": ("value-mismatch", mistype_host),
}


# -- running the checker on broken pages ----------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One defect of one kind in one page, and the rule the checker must answer it with."""

    kind: str
    page: Page
    edit: Edit

    @property
    def rule(self) -> str:
        return KINDS[self.kind][0]

    @property
    def line(self) -> int:
        return self.edit.line + 1

    @property
    def touched(self) -> int:
        return self.edit.touched + 1

    @property
    def written(self) -> str:
        """The broken line as the page now says it."""
        return self.edit.text.split("\n")[self.edit.touched]


@dataclass(frozen=True)
class Outcome:
    """A mutation and the errors the checker found on the broken page."""

    mutation: Mutation
    errors: tuple[Finding, ...]

    @property
    def caught(self) -> bool:
        m = self.mutation
        return any(f.rule == m.rule and f.line == m.line for f in self.errors)

    @property
    def unexpected(self) -> tuple[Finding, ...]:
        lines = (self.mutation.line, self.mutation.touched)
        return tuple(f for f in self.errors if f.line not in lines)

    @property
    def passed(self) -> bool:
        return self.caught and not self.unexpected


class DirtyProjectError(Exception):
    """The unbroken project has errors: a defect caught then would prove nothing."""


@dataclass(frozen=True)
class Bench:
    """The project being broken, with what the checker needs, loaded once."""

    project: Project
    data: ProjectData
    vocabularies: dict[str, Vocabulary]

    @classmethod
    def load(cls, root: Path) -> Bench:
        project = Project(root)
        return cls(project, load_project(project), load_vocabulary(root / "data" / "vocabulary"))

    def pages(self) -> Iterator[Page]:
        """Every page, in the language of its folder, as ``guidekit check`` lists them."""
        for folder in sorted((self.project.root / "docs").iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.md")):
                text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
                meta = front_matter(text)
                context = page_context_for(self.data, folder.name, meta)
                yield Page(path, folder.name, text, context, self.project.root)

    def errors(self, page: Page) -> tuple[Finding, ...]:
        checker = Checker(self.data, self.vocabularies)
        checker.check_project_page(self.project, page.path, page.lang)
        return tuple(f for f in checker.findings if f.severity == "error")

    def attempt(self, mutation: Mutation) -> Outcome:
        """Check the page broken by ``mutation``, then put the page back as it was."""
        path = mutation.page.path
        original = path.read_bytes()
        path.write_text(mutation.edit.text, encoding="utf-8")
        try:
            return Outcome(mutation, self.errors(mutation.page))
        finally:
            path.write_bytes(original)

    def shown(self, page: Page) -> str:
        return self.project.display(page.path)


def mutations(page: Page) -> Iterator[Mutation]:
    """Every defect of every kind that ``page`` has a place for, each once."""
    seen: set[str] = set()
    for kind, (_, mutate) in KINDS.items():
        for edit in mutate(page):
            if edit.text not in seen:
                seen.add(edit.text)
                yield Mutation(kind, page, edit)


@dataclass(frozen=True)
class Report:
    """What every mutation gave, counted per kind, with each failure spelled out to fix it."""

    bench: Bench
    outcomes: list[Outcome]

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.mutation.kind == kind]

    @property
    def unapplied(self) -> list[str]:
        return [kind for kind in KINDS if not self.of(kind)]

    @property
    def missed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.caught]

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def failed(self) -> int:
        """Failed mutations, and each kind that no page had a place for."""
        return len(self.outcomes) - self.passed + len(self.unapplied)

    def where(self, mutation: Mutation, line: int) -> str:
        return f"{self.bench.shown(mutation.page)}:{line}"

    def table(self) -> list[str]:
        rows = [("kind", "applied", "caught", "missed")]
        for kind in KINDS:
            applied, caught = len(self.of(kind)), sum(o.caught for o in self.of(kind))
            rows.append((kind, str(applied), str(caught), str(applied - caught)))
        caught = sum(o.caught for o in self.outcomes)
        total = len(self.outcomes)
        rows.append(("total", str(total), str(caught), str(total - caught)))
        width = [max(len(row[i]) for row in rows) for i in range(4)]
        return [
            " | ".join(
                cell.ljust(width[i]) if i == 0 else cell.rjust(width[i])
                for i, cell in enumerate(row)
            )
            for row in rows
        ]

    def text(self) -> str:
        out = self.table()
        if self.missed:
            out += ["", "missed:"]
        for outcome in self.missed:
            m = outcome.mutation
            found = ", ".join(f"{f.rule} at line {f.line}" for f in outcome.errors) or "nothing"
            out += [
                f"  {self.where(m, m.line)}: {m.kind} ({m.edit.summary}): expected {m.rule}",
                f"    line {m.touched} now reads: {m.written}",
                f"    found: {found}",
            ]
        unexpected = [(o.mutation, f) for o in self.outcomes for f in o.unexpected]
        if unexpected:
            out += ["", "unexpected errors:"]
        for m, f in unexpected:
            out.append(
                f"  {self.where(m, f.line)}: {f.rule} after {m.kind} at line {m.touched}: "
                f"{f.message}"
            )
        if self.unapplied:
            out += ["", f"never applied (no page has a place for): {', '.join(self.unapplied)}"]
        out += ["", f"{self.passed} passed, {self.failed} failed"]
        return "\n".join(out)


def run(root: Path) -> Report:
    """Break the pages of the project at ``root`` (a copy: pages are rewritten, then restored)."""
    bench = Bench.load(root)
    pages = list(bench.pages())
    dirty = [(page, f) for page in pages for f in bench.errors(page)]
    if dirty:
        listed = "\n".join(f"  {bench.shown(p)}:{f.line}: {f.rule}: {f.message}" for p, f in dirty)
        raise DirtyProjectError(f"the unbroken project already has errors:\n{listed}")
    outcomes = [bench.attempt(m) for page in pages for m in mutations(page)]
    return Report(bench, outcomes)


def scratch_copy(root: Path, dest: Path) -> Path:
    """A copy of ``root`` to break: ``docs/`` copied, everything else linked (only pages change)."""
    dest.mkdir(parents=True)
    for entry in root.iterdir():
        if entry.name == "docs":
            shutil.copytree(entry, dest / entry.name)
        else:
            (dest / entry.name).symlink_to(entry)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="project to break (default: this repository)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="guidekit-mutate-") as scratch:
        try:
            report = run(scratch_copy(args.root.resolve(), Path(scratch) / "project"))
        except DirtyProjectError as exc:
            print(f"mutate: {exc}", file=sys.stderr)
            return 2
    print(report.text())
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
