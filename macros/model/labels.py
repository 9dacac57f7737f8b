"""Per-language labels of tables, lists and figures.

A translator translates a label once, in ``data/labels/<lang>.yml``; every
page of that language then shows it. The files must hold the same keys: a
label missing in one language is an error that names the key and the language,
found when the labels are loaded, not when a reader meets an empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .sourcemap import DataError, Problem, SourceMap, dotted, load_yaml


def _flatten(data: object, prefix: tuple = ()) -> dict[tuple, object]:
    if isinstance(data, dict):
        out: dict[tuple, object] = {}
        for key, value in data.items():
            out.update(_flatten(value, (*prefix, str(key))))
        return out
    return {prefix: data}


@dataclass(frozen=True)
class Labels:
    """The labels of one language, by dotted key."""

    lang: str
    path: str
    texts: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise LookupError(
                f"label {key!r} is missing in language {self.lang!r} (add it to {self.path})"
            ) from None
        return text.format(**values) if values else text


def load_labels(
    folder: Path, reference: str, display_root: Path | None = None
) -> dict[str, Labels]:
    """Every ``<lang>.yml`` of ``folder``, checked against the ``reference`` language's keys."""
    maps: dict[str, tuple[dict[tuple, object], SourceMap]] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yml")):
        shown = str(path.relative_to(display_root)) if display_root else str(path)
        try:
            data, smap = load_yaml(path, shown)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        flat = _flatten(data or {})
        for key, value in flat.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(smap.problem(key, "a label must be non-empty text"))
        maps[path.stem] = (flat, smap)
    if reference not in maps and not problems:
        problems.append(
            Problem(str(folder), 1, "", f"no labels for the default language (add {reference}.yml)")
        )
    if reference in maps:
        ref_keys, ref_map = maps[reference]
        for lang, (flat, smap) in maps.items():
            for key in ref_keys.keys() - flat.keys():
                problems.append(
                    smap.problem(
                        key[:-1],
                        f"label {dotted(key)!r} is missing in language {lang!r} "
                        f"(translate {ref_map.path}:{ref_map.line_of(key)})",
                    )
                )
            for key in flat.keys() - ref_keys.keys():
                problems.append(
                    smap.problem(
                        key, f"label unknown in {ref_map.path} (remove it or add it there)"
                    )
                )
    if problems:
        raise DataError(problems)
    return {
        lang: Labels(lang, smap.path, {dotted(k): str(v) for k, v in flat.items()})
        for lang, (flat, smap) in maps.items()
    }
