"""YAML loading that remembers where every value came from.

Every error guidekit reports about a data file names ``file:line``; PyYAML's
composed node tree carries the marks, so one walk builds both the plain Python
value and a map from key path to line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, already placed."""

    path: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.path}:{self.line}:{where} {self.message}"


# libyaml's parser when PyYAML was built with it: front matter and mkdocs.yml are read on
# every page of a build, where the pure-Python parser shows in the build time.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasError(ValueError):
    """A YAML alias (``*name``): refused before any value is built. guidekit's files never
    need one, and eight levels of them in 500 bytes expand to gigabytes."""

    def __init__(self, line: int, name: str):
        self.line = line
        self.name = name
        super().__init__(
            f"YAML alias *{name}: aliases are not allowed in guidekit's files (write the value "
            "out; a few bytes of aliases can expand without bound)"
        )


def refuse_aliases(text: str) -> None:
    """Raise AliasError at the first alias of ``text``. An alias needs an anchor (``&``)
    and a star: text with neither is not even parsed for them."""
    if "&" not in text or "*" not in text:
        return
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise AliasError(event.start_mark.line + 1, str(event.anchor))


def read_yaml(text: str) -> Any:
    """``yaml.safe_load``, as fast as the installed PyYAML allows (no line numbers); aliases
    refused (AliasError)."""
    refuse_aliases(text)
    return yaml.load(text, Loader=_FAST_LOADER)


class _ConfigLoader(_FAST_LOADER):  # type: ignore[misc, valid-type]
    """``mkdocs.yml`` as MkDocs reads it: ``!ENV [NAME, default]`` takes an environment
    variable (``site_url: !ENV [SITE_URL, …]``), the rest is plain YAML."""


_ConfigLoader.add_constructor("!ENV", construct_env_tag)


def read_config(text: str) -> Any:
    refuse_aliases(text)
    return yaml.load(text, Loader=_ConfigLoader)


class DataError(Exception):
    """Every problem found in one or more data files, raised once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceMap:
    """Lines of every key and item of one YAML document (1-based)."""

    path: str
    lines: dict[Loc, int] = field(default_factory=dict)
    last: int = 0  # the file's last line: YAML also breaks lines at U+0085, U+2028…

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc`` or of its nearest ancestor that exists."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self._within(self.lines[loc])
            loc = loc[:-1]
        return self._within(self.lines.get((), 1))

    def _within(self, line: int) -> int:
        return min(line, self.last) if self.last else line

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.path, self.line_of(loc), dotted(loc), message)


def dotted(loc: Loc) -> str:
    """``('offers', 'mx-plan', 'ports', 'imap', 0)`` → ``offers.mx-plan.ports.imap[0]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, SourceMap]:
    """Parse ``path`` into plain data plus its source map.

    Raises DataError for unreadable files, syntax errors and duplicate keys
    (PyYAML silently keeps the last duplicate, which hides typos).
    """
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            [Problem(display, 1, "", f"cannot read the file ({exc.strerror})")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataError(
            [Problem(display, 1, "", "the file is not UTF-8 (save it as UTF-8)")]
        ) from exc
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[Any, SourceMap]:
    last = text.count("\n") + 1
    smap = SourceMap(display, last=last)
    loader = _FAST_LOADER(text)
    try:
        refuse_aliases(text)
        node = loader.get_single_node()
    except AliasError as exc:
        raise DataError([Problem(display, min(exc.line, last), "", str(exc))]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow at all
        line = text.count("\n", 0, exc.position) + 1
        raise DataError(
            [Problem(display, line, "", f"YAML cannot read this line: {exc.reason} (remove it)")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in what:
            # An unclosed quote or bracket: where it opened is where the fix is.
            mark = exc.context_mark
            what = f"{exc.context} that is never closed"
        line = min(mark.line + 1, last) if mark else 1
        raise DataError(
            [
                Problem(
                    display,
                    line,
                    "",
                    f"YAML syntax error: {what} (check indentation, colons and quotes on this "
                    "line or the one before)",
                )
            ]
        ) from exc
    finally:
        loader.dispose()
    if node is None:
        return None, smap
    problems: list[Problem] = []
    try:
        value = _walk(node, (), smap, problems, loader)
    except yaml.MarkedYAMLError as exc:  # a tag no safe loader constructs (!!python/…)
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line + 1, last) if mark else 1
        what = exc.problem or "a value YAML cannot build"
        raise DataError(
            [Problem(display, line, "", f"{what} (write a plain value: no !! tags)")]
        ) from None
    if problems:
        raise DataError(problems)
    return value, smap


def _walk(node: yaml.Node, loc: Loc, smap: SourceMap, problems: list[Problem], loader) -> Any:
    smap.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line = smap._within(key_node.start_mark.line + 1)
                message = "a key must be a plain name, not a list or a mapping (write name: value)"
                problems.append(Problem(smap.path, line, dotted(loc), message))
                continue
            key = loader.construct_object(key_node, deep=True)
            child = (*loc, key)
            if key in out:
                problems.append(
                    Problem(
                        smap.path,
                        smap._within(key_node.start_mark.line + 1),
                        dotted(child),
                        f"duplicate key (first at line {smap.lines[child]}; keep one)",
                    )
                )
                continue
            smap.lines[child] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, child, smap, problems, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(item, (*loc, index), smap, problems, loader)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
