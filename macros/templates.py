"""Check a page's Jinja before it runs, so an error names the page and the line.

mkdocs-macros reports a failed render with a traceback and no line of the
source file. Parsing the page first lets guidekit say
``docs/en/windows-mail.md:14: unknown macro 'prot' …`` — the file a writer
edits, the line in that file — and dry-run every call with literal arguments
so a wrong protocol name fails the same way.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from .sourcemap import Problem

# The front matter as MkDocs recognises it (mkdocs.utils.meta).
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)

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
    variables: Iterable[str],
) -> list[Problem]:
    """Every problem of ``page``'s template: syntax, unknown names, bad calls."""
    try:
        tree = env.parse(page.body)
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
    known = set(variables) | set(macros) | JINJA_GLOBALS | _assigned(tree)
    problems: list[Problem] = []
    for node in tree.find_all(nodes.Call):
        line = page.first_line + node.lineno - 1
        if not isinstance(node.node, nodes.Name):
            continue
        name = node.node.name
        if name not in macros:
            if name not in known:
                problems.append(Problem(page.path, line, "", _unknown("macro", name, macros)))
            continue
        problems.extend(_check_call(page.path, line, name, macros[name], node))
    called = {id(c.node) for c in tree.find_all(nodes.Call)}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in known and id(node) not in called:
            line = page.first_line + node.lineno - 1
            problems.append(Problem(page.path, line, "", _unknown("variable", node.name, macros)))
    return sorted(problems, key=lambda p: p.line)


def _assigned(tree: nodes.Template) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names |= {m.name for m in tree.find_all(nodes.Macro)}
    return names


def _unknown(kind: str, name: str, macros: Mapping[str, Callable]) -> str:
    return f"unknown {kind} {name!r} (the macros are: {', '.join(sorted(macros))})"


def _check_call(path: str, line: int, name: str, fn: Callable, call: nodes.Call) -> list[Problem]:
    signature = inspect.signature(fn)
    literal = all(isinstance(a, nodes.Const) for a in call.args) and all(
        isinstance(k.value, nodes.Const) for k in call.kwargs
    )
    args = [a.value if isinstance(a, nodes.Const) else None for a in call.args]
    kwargs = {
        k.key: k.value.value if isinstance(k.value, nodes.Const) else None for k in call.kwargs
    }
    if call.dyn_args is not None or call.dyn_kwargs is not None:
        return []
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        return [Problem(path, line, "", f"wrong arguments for {name}{signature}: {exc}")]
    if not literal:
        return []
    try:
        fn(*args, **kwargs)
    except (LookupError, ValueError, TypeError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        return [Problem(path, line, "", f"{name}(): {message}")]
    return []
