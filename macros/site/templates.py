"""Check a page's Jinja before it runs, so an error names the page and the line.

mkdocs-macros reports a failed render with a traceback and no line of the
source file. Parsing the page first lets guidekit say
``docs/en/windows-mail.md:14: unknown macro 'prot' …`` — the file a writer
edits, the line in that file — and dry-run every call with literal arguments
so a wrong protocol name fails the same way. What the dry runs return can be
kept (``results``) so the render that follows does not compute it again.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from .rehearsal import UNKNOWN, call_key, constants, every_node, literal, parse
from macros.model.frontmatter import FRONT_MATTER
from macros.model.sourcemap import Problem

# Names Jinja itself provides to every template.
JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop"})


@dataclass(frozen=True)
class PageSource:
    """A page as the writer sees it: its path, and where the Markdown body starts."""

    path: str
    body: str
    first_line: int = 1  # line of the file on which ``body`` starts

    @classmethod
    def from_file_text(cls, path: str, text: str, body: str) -> PageSource:
        """Locate ``body`` (the Markdown MkDocs hands to plugins) in the file's ``text``.

        MkDocs cuts the front matter and the blank lines after it, and may trim
        the end; only the start matters for line numbers.
        """
        text = text.replace("\r\n", "\n")
        match = FRONT_MATTER.match(text)
        head = match.end() if match else 0
        rest = text[head:]
        skipped = len(rest) - len(rest.lstrip("\n"))
        return cls(path, body, text[:head].count("\n") + skipped + 1)


def check_template(
    page: PageSource,
    env: Environment,
    macros: Mapping[str, Callable],
    variables: Iterable[str] = ("page",),
    results: dict[Hashable, str] | None = None,
    trees: dict[str, nodes.Template] | None = None,
) -> list[Problem]:
    """Every problem of ``page``'s template: syntax, unknown names, bad calls, and anything
    outside what a page may do (call the macros, read ``page``, use the allowed filters).
    The output of each call dry-run without error goes into ``results``, by ``call_key``;
    the parsed template into ``trees``, by its source."""
    try:
        tree = parse(env, page.body)
    except TemplateSyntaxError as exc:
        return [
            Problem(
                page.path,
                page.first_line + (exc.lineno or 1) - 1,
                "",
                f"template syntax error: {exc.message} (close every {{{{ with }}}} and every "
                "{% with %}; write {{ '{{' }} for a literal brace pair)",
            )
        ]
    if trees is not None:
        trees[page.body] = tree
    every = Walk(tree)
    known = set(variables) | set(macros) | JINJA_GLOBALS | every.assigned()
    reported: set[int] = set()  # names already reported as the root of a forbidden read
    problems = [
        Problem(page.path, page.first_line + line - 1, "", message)
        for line, message in _forbidden(every, reported)
    ]
    values = constants(tree)
    signatures: dict[str, inspect.Signature] = {}
    for node in every.of(nodes.Call):
        line = page.first_line + node.lineno - 1
        if not isinstance(node.node, nodes.Name):
            continue
        name = node.node.name
        if name not in macros:
            if name not in known:
                problems.append(Problem(page.path, line, "", _unknown("macro", name, macros)))
            continue
        if name not in signatures:
            signatures[name] = inspect.signature(macros[name])
        call = Call(name, macros[name], signatures[name], node)
        problems.extend(_check_call(page.path, line, call, values, results))
    called = {id(c.node) for c in every.of(nodes.Call)}
    for node in every.of(nodes.Name):
        if node.ctx != "load" or id(node) in called or id(node) in reported:
            continue
        if node.name not in known:
            line = page.first_line + node.lineno - 1
            problems.append(Problem(page.path, line, "", _unknown("variable", node.name, macros)))
    return sorted(problems, key=lambda p: p.line)


class Walk:
    """Every node of a page's template, from one walk of the tree: each rule then picks the
    kinds it needs from a list instead of walking the tree again."""

    def __init__(self, tree: nodes.Template) -> None:
        self.nodes = every_node(tree)

    def of(self, *kinds: type[nodes.Node]) -> list:
        return [node for node in self.nodes if isinstance(node, kinds)]

    def assigned(self) -> set[str]:
        names = {n.name for n in self.of(nodes.Name) if n.ctx in ("store", "param")}
        return names | {m.name for m in self.of(nodes.Macro)}


# What a page may do besides calling the macros: read these attributes of ``page`` (and any
# key of ``page.meta``), the loop variable, and apply these filters.
PAGE_ATTRIBUTES = frozenset({"title", "meta", "url"})
LOOP_ATTRIBUTES = frozenset({"index", "index0", "first", "last", "length", "revindex"})
FILTERS = frozenset(
    {"upper", "lower", "title", "capitalize", "trim", "default", "d", "join", "replace"}
    | {"length", "count", "first", "last", "int", "string", "round", "e", "escape"}
    | {"striptags", "truncate", "wordcount", "sort", "unique", "list", "indent", "center"}
)
SNIPPETS = "snippets/"


def _forbidden(every: Walk, reported: set[int]) -> list[tuple[int, str]]:
    """Template features a guide page must not use: they could read or run the build's
    internals (``config``, ``env``, ``__class__``…) or pull in unchecked templates."""
    out: list[tuple[int, str]] = []
    reads = every.of(nodes.Getattr, nodes.Getitem)
    inner = {id(n.node) for n in reads}
    for node in reads:
        if id(node) in inner:
            continue  # reported with the longest path it is part of
        path = _attribute_path(node)
        if path is None or not _readable(path):
            shown = ".".join(path) if path else getattr(node, "attr", "[…]")
            root = node
            while isinstance(root, (nodes.Getattr, nodes.Getitem)):
                root = root.node
            reported.add(id(root))
            out.append(
                (
                    node.lineno,
                    f"{shown!r} is not readable in a page (pages may read page.title, "
                    "page.url and page.meta.<key>, and call the macros)",
                )
            )
    for node in every.of(nodes.Call):
        if not isinstance(node.node, nodes.Name):
            out.append(
                (node.lineno, "only the macros can be called in a page (no methods: use a filter)")
            )
    for node in every.of(nodes.Filter, nodes.Test):
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            out.append(
                (
                    node.lineno,
                    f"filter {node.name!r} is not allowed in a page "
                    f"(allowed: {', '.join(sorted(FILTERS))})",
                )
            )
    for node in every.of(nodes.Import, nodes.FromImport, nodes.Extends):
        out.append(
            (
                node.lineno,
                "{% import %} and {% extends %} are not allowed in a page "
                "(write the text in the page, or include a snippets/… file)",
            )
        )
    for node in every.of(nodes.Include):
        name = node.template.value if isinstance(node.template, nodes.Const) else None
        if not (isinstance(name, str) and name.startswith(SNIPPETS) and ".." not in name):
            out.append(
                (
                    node.lineno,
                    f"only {SNIPPETS}… files can be included, not {name or 'a variable'} "
                    "(move the shared text to a snippets/ file)",
                )
            )
    return out


def _attribute_path(node: nodes.Node) -> list[str] | None:
    """``page.meta.offer`` → ["page", "meta", "offer"]; None when not rooted at a name."""
    parts: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return [node.name, *reversed(parts)]


def _readable(path: list[str]) -> bool:
    if any(part.startswith("_") for part in path):
        return False
    root, rest = path[0], path[1:]
    if root == "page":
        return rest[0] in PAGE_ATTRIBUTES and (rest[0] == "meta" or len(rest) == 1)
    if root == "loop":
        return len(rest) == 1 and rest[0] in LOOP_ATTRIBUTES
    return False


def _unknown(kind: str, name: str, macros: Mapping[str, Callable]) -> str:
    return f"unknown {kind} {name!r} (the macros are: {', '.join(sorted(macros))})"


@dataclass(frozen=True)
class Call:
    """A call of a macro in a page: the macro, its signature, the call's node."""

    name: str
    fn: Callable
    signature: inspect.Signature
    node: nodes.Call


def _check_call(
    path: str,
    line: int,
    call: Call,
    values: Mapping[str, object],
    results: dict[Hashable, str] | None = None,
) -> list[Problem]:
    node = call.node
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        return []
    args = [literal(a, values) for a in node.args]
    kwargs = {k.key: literal(k.value, values) for k in node.kwargs}
    try:
        call.signature.bind(*args, **kwargs)
    except TypeError as exc:
        return [Problem(path, line, "", f"wrong arguments for {call.name}{call.signature}: {exc}")]
    if any(v is UNKNOWN for v in [*args, *kwargs.values()]):
        return []
    try:
        output = call.fn(*args, **kwargs)
    except (LookupError, ValueError, TypeError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        return [Problem(path, line, "", f"{call.name}(): {message}")]
    key = call_key(call.name, tuple(args), kwargs)
    if results is not None and key is not None:
        results[key] = output
    return []
