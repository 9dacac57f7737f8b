"""What a build does once instead of twice: parse a page, and run its macro calls.

The template check parses every page and dry-runs every call with literal arguments
before mkdocs-macros renders it; the translation table parses every page of every
language. Parsed trees are shared by text, and a page that only prints text and macro
calls is put together from the dry runs' results instead of being compiled by Jinja.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from jinja2 import Environment, nodes

# Parsed pages, by lexer settings and text. A build parses each page to check it, and the
# translation table parses every page of every language: each text is parsed once. The bound
# holds a site of a few hundred pages and keeps a large site's check from growing in memory.
_parsed: OrderedDict[tuple, nodes.Template] = OrderedDict()
PARSED_KEPT = 512
TRAILING_NEWLINE = re.compile(r"(\r\n|\r|\n)\Z")


def parse(env: Environment, source: str) -> nodes.Template:
    """``env.parse(source)``, once per process for a given text. The tree is shared: read
    it, never compile it (Jinja's optimiser may rewrite a tree it compiles)."""
    if not env.keep_trailing_newline:  # the lexer drops it: the same tree without it
        source = TRAILING_NEWLINE.sub("", source, count=1)
    key = (env.lexer, tuple(sorted(env.extensions)), source)
    tree = _parsed.get(key)
    if tree is None:
        tree = _parsed[key] = env.parse(source)
        if len(_parsed) > PARSED_KEPT:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(key)
    return tree


@functools.lru_cache(maxsize=PARSED_KEPT)
def every_node(tree: nodes.Node) -> list[nodes.Node]:
    """Every node under ``tree``, in the order of Jinja's ``find_all``, from one walk per
    tree: the template check, the translation table and the assembly read the same trees.
    Iterative, over ``fields``: ``find_all``'s nested generators cost more than the walk.
    (Trees hash by identity: a tree is walked again only after it left the cache.)"""
    found: list[nodes.Node] = []
    stack = _children(tree)
    while stack:
        node = stack.pop()
        found.append(node)
        stack += _children(node)
    return found


def _children(node: nodes.Node) -> list[nodes.Node]:
    """``node``'s children, last first (popped from a stack, the first comes out first)."""
    out: list[nodes.Node] = []
    for name in node.fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            out += [item for item in value if isinstance(item, nodes.Node)]
        elif isinstance(value, nodes.Node):
            out.append(value)
    out.reverse()
    return out


def call_key(name: str, args: tuple, kwargs: Mapping) -> Hashable | None:
    """What identifies a macro call on one page; None when an argument is not hashable."""
    key = (name, args, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


UNKNOWN = object()  # an argument whose value is only known when the page is rendered


def literal(node: nodes.Node, values: Mapping[str, object]) -> object:
    """An argument's value as the page writes it — a literal, or a name ``values`` binds to
    one — or UNKNOWN."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Name) and node.name in values:
        return values[node.name]
    return UNKNOWN


def constants(tree: nodes.Template) -> dict[str, object]:
    """Names a page sets once, at its top level, to a literal (``{% set panel = "…" %}``):
    a call that passes one is as literal as a call that writes the value."""
    sets = [
        node
        for node in tree.body
        if isinstance(node, nodes.Assign)
        and isinstance(node.target, nodes.Name)
        and isinstance(node.node, nodes.Const)
    ]
    if not sets:
        return {}  # most pages: no need to walk the tree
    stores = Counter(
        n.name
        for n in every_node(tree)
        if isinstance(n, nodes.Name) and n.ctx in ("store", "param")
    )
    return {node.target.name: node.node.value for node in sets if stores[node.target.name] == 1}


def assemble(tree: nodes.Template, results: Mapping[Hashable, str]) -> str | None:
    """The page's output, put together from the check's results, when the page only prints
    text, literals and macro calls the check ran (most pages): Jinja would compile the page
    to Python to print the same strings. None when anything else is in it."""
    pieces = _pieces(tree, results)
    return None if pieces is None else "".join(text for _, text, _ in pieces)


def assemble_with_lines(
    tree: nodes.Template, results: Mapping[Hashable, str]
) -> tuple[str, list[int]] | None:
    """``assemble``'s output and, for each of its lines, the template line it comes from:
    text keeps its own line, every line a macro wrote maps to the line of the call."""
    pieces = _pieces(tree, results)
    if pieces is None:
        return None
    lines = [1]
    for line, text, written in pieces:
        breaks = text.count("\n")
        lines += [line] * breaks if written else range(line + 1, line + 1 + breaks)
    return "".join(text for _, text, _ in pieces), lines


def _pieces(
    tree: nodes.Template, results: Mapping[Hashable, str]
) -> list[tuple[int, str, bool]] | None:
    """(template line, text, written by a macro) for each piece of the output; None when the
    page does more than print text, literals and calls the check ran."""
    out: list[tuple[int, str, bool]] = []
    values: dict[str, object] = {}
    bound = constants(tree)
    for statement in tree.body:
        if isinstance(statement, nodes.Assign) and isinstance(statement.target, nodes.Name):
            name = statement.target.name
            if name not in bound:
                return None
            values[name] = bound[name]
            continue
        if not isinstance(statement, nodes.Output):
            return None
        for node in statement.nodes:
            if isinstance(node, nodes.TemplateData):
                out.append((node.lineno, node.data, False))
            elif isinstance(node, (nodes.Const, nodes.Name)):
                value = literal(node, values)
                if value is UNKNOWN:
                    return None
                out.append((node.lineno, str(value), True))
            elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
                if node.dyn_args is not None or node.dyn_kwargs is not None:
                    return None
                if node.node.name in values:  # the page set a name that hides the macro
                    return None
                args = tuple(literal(a, values) for a in node.args)
                kwargs = {k.key: literal(k.value, values) for k in node.kwargs}
                key = call_key(node.node.name, args, kwargs)
                if key is None or key not in results:
                    return None
                out.append((node.lineno, str(results[key]), True))
            else:
                return None
    return out


@dataclass(frozen=True)
class Assembled:
    """A page already rendered, answering mkdocs-macros as a compiled template would."""

    text: str

    def render(self, *_args, **_variables) -> str:
        return self.text


@dataclass
class Rehearsal:
    """What the template check parsed and what its dry runs returned, for one page. The
    render of that page reuses both: each would otherwise be done twice, once checked, once
    shown."""

    page: str = ""  # the source file the results belong to
    results: dict[Hashable, str] = field(default_factory=dict)
    trees: dict[str, nodes.Template] = field(default_factory=dict)
    jinja: Environment | None = None  # the environment whose from_string reuses the trees

    def start(self, page: str, jinja: Environment) -> None:
        self.page = page
        self.results = {}
        self.trees = {}
        if jinja is not self.jinja:
            self._compile_checked(jinja)
            self.jinja = jinja

    def _compile_checked(self, jinja: Environment) -> None:
        """Make ``jinja.from_string`` answer with the page assembled from the check's
        results when the tree the check parsed from the same source allows it."""
        from_string = jinja.from_string

        def compiled(source, globals=None, template_class=None):
            tree = self.trees.pop(source, None) if isinstance(source, str) else None
            if tree is None:
                return from_string(source, globals, template_class)
            text = assemble(tree, self.results)
            if text is None:  # compiled from the text: the checked tree is shared
                return from_string(source, globals, template_class)
            return Assembled(text)

        jinja.from_string = compiled  # type: ignore[method-assign]

    def reusing(self, name: str, fn: Callable[..., str], page: Callable[[], str]):
        """``fn``, answering from the results while ``page()`` is still the page checked."""

        @functools.wraps(fn)
        def macro(*args, **kwargs):
            key = call_key(name, args, kwargs)
            if key is not None and key in self.results and page() == self.page:
                return self.results[key]
            return fn(*args, **kwargs)

        return macro
