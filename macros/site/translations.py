"""Translations: does every page exist in every language, is it current, does it match?

A translation is *current* when its front matter records the hash of the
source page it was translated from (``source_hash``) and the source has not
changed since; ``guidekit translations --stamp PAGE`` records it. A
translation *drifts* when it makes other macro calls, has other heading ids,
images or tables than its source: the values then differ between languages,
which is what this project exists to prevent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from macros.text.document import parse
from macros.text.inline import HEADING_ID
from macros.model.findings import Finding
from .jinja import jinja_environment
from .rehearsal import every_node
from .rehearsal import parse as parse_template
from macros.model.sourcemap import load_yaml
from macros.model.frontmatter import FRONT_MATTER, split_front_matter

HASH_KEY = "source_hash"
STATES = ("ok", "outdated", "drift", "missing", "fallback")


def source_hash(text: str) -> str:
    """The hash of a source page's body: what a translation was made from."""
    _, body, _ = split_front_matter(text)
    normalised = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


@dataclass
class Signature:
    """What must be the same in every language of a page, each with its line."""

    macros: list[tuple[int, str]] = field(default_factory=list)
    ids: list[tuple[int, str]] = field(default_factory=list)
    images: list[tuple[int, str]] = field(default_factory=list)
    tables: list[tuple[int, str]] = field(default_factory=list)


def signature(text: str, lang: str) -> Signature:
    _, body, offset = split_front_matter(text)
    sig = Signature()
    # Parsed as MkDocs hands the page to the macros (blank lines after the front matter
    # cut), so that the build's template check finds this text already parsed.
    markdown = body.lstrip("\n")
    cut = body.count("\n", 0, len(body) - len(markdown))
    try:
        tree = parse_template(jinja_environment(keep_trailing_newline=False), markdown)
    except TemplateSyntaxError:
        tree = None
    for call in every_node(tree) if tree else ():
        if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Name):
            sig.macros.append((offset + cut + call.lineno, _call_text(call)))
    for number, line in enumerate(body.split("\n"), start=offset + 1):
        if line.lstrip().startswith("#"):
            found = HEADING_ID.search(line.strip())
            if found:
                sig.ids.append((number, found.group(1)))
    if "![" not in body and "|" not in body:
        # Images start with "![" and table rows need "|": without either the page has
        # neither, and the Markdown parse is the dearest part of a signature.
        return sig
    doc = parse(re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", body, flags=re.S))
    for link in doc.links:
        if link.image:
            shared = re.sub(rf"(^|/)images/{re.escape(lang)}/", r"\1images/", link.href)
            sig.images.append((offset + link.line, shared))
    tables = sorted({u.table: u.line for u in reversed(doc.units) if u.table}.items())
    sig.tables = [(offset + line, f"table {index}") for index, (_, line) in enumerate(tables, 1)]
    return sig


# Macros whose arguments are words to translate, not settings: only their name must match.
PROSE_ARGUMENTS = frozenset({"control_panel"})


def _call_text(call: nodes.Call) -> str:
    def value(node: nodes.Node) -> str:
        if call.node.name in PROSE_ARGUMENTS or not isinstance(node, nodes.Const):
            return "…"
        return repr(node.value)

    args = [value(a) for a in call.args] + [f"{k.key}={value(k.value)}" for k in call.kwargs]
    return f"{call.node.name}({', '.join(args)})"


KINDS = {
    "macros": "macro calls",
    "ids": "heading ids",
    "images": "images",
    "tables": "tables",
}


def drift(path: str, source: Signature, translation: Signature, source_path: str) -> list[Finding]:
    """Where the translation's macro calls, ids, images or tables part from the source's."""
    out = []
    for kind, label in KINDS.items():
        theirs = [v for _, v in getattr(source, kind)]
        ours = getattr(translation, kind)
        mine = [v for _, v in ours]
        if theirs == mine:
            continue
        index = next(
            (i for i, (a, b) in enumerate(zip(theirs, mine, strict=False)) if a != b),
            min(len(theirs), len(mine)),
        )
        line = ours[index][0] if index < len(ours) else (ours[-1][0] if ours else 1)
        expected = theirs[index] if index < len(theirs) else "nothing more"
        found = mine[index] if index < len(mine) else "nothing"
        message = (
            f"the {label} differ from {source_path}: it has {expected} here, this page has "
            f"{found} (make the translation's {label} the same as the source's)"
        )
        out.append(drift_finding(path, line, message, expected, found))
    return out


@dataclass
class Status:
    page: str  # file name relative to the language folder
    lang: str
    state: str
    findings: list[Finding] = field(default_factory=list)


def load_fallback(root: Path) -> dict[str, set[str] | str]:
    """Languages that may leave pages untranslated (``data/translations.yml``)."""
    path = root / "data" / "translations.yml"
    if not path.is_file():
        return {}
    data, _ = load_yaml(path, "data/translations.yml")
    data = data or {}
    out: dict[str, set[str] | str] = {}
    for lang, pages in (data.get("fallback") or {}).items():
        out[str(lang)] = "all" if pages == "all" else {str(p) for p in pages or []}
    return out


def statuses(root: Path, languages: list[str], default: str) -> list[Status]:
    """The state of every page of the default language in every other language."""
    return list(_statuses(root, tuple(languages), default, _fingerprint(root)))


def _fingerprint(root: Path) -> tuple:
    """What the statuses depend on: every page and the fallback file, as they are now."""
    files = [*(root / "docs").rglob("*.md"), root / "data" / "translations.yml"]
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in files if p.exists()))


@lru_cache(maxsize=4)
def _statuses(root: Path, languages: tuple[str, ...], default: str, _files: tuple) -> tuple:
    """Computed once per state of the pages: the build asks for the table in every language
    and the template check asks again before each render."""
    docs = root / "docs"
    fallback = load_fallback(root)
    out = []
    for source in sorted((docs / default).rglob("*.md")):
        name = source.relative_to(docs / default).as_posix()
        source_text = source.read_text(encoding="utf-8")
        source_sig = signature(source_text, default)
        wanted = source_hash(source_text)
        for lang in languages:
            if lang == default:
                continue
            source_shown = f"docs/{default}/{name}"
            out.append(_status(root, name, lang, (source_shown, source_sig, wanted), fallback))
    return tuple(out)


def _status(root: Path, name: str, lang: str, source, fallback) -> Status:
    source_shown, source_sig, wanted = source
    path = root / "docs" / lang / name
    shown = f"docs/{lang}/{name}"
    if not path.is_file():
        allowed = fallback.get(lang)
        if allowed == "all" or (isinstance(allowed, set) and name in allowed):
            return Status(name, lang, "fallback")
        finding = Finding(
            shown,
            1,
            1,
            "missing-translation",
            "error",
            f"{name} has no {lang} translation (translate it into {shown}, or let {lang} fall "
            "back to the default language in data/translations.yml)",
            shown,
            "no file",
        )
        return Status(name, lang, "missing", [finding])
    text = path.read_text(encoding="utf-8")
    meta, _, _ = split_front_matter(text, shown)
    found = drift(shown, source_sig, signature(text, lang), source_shown)
    if found:
        return Status(name, lang, "drift", found)
    recorded = str(meta.get(HASH_KEY, ""))
    if recorded != wanted:
        message = (
            f"the source page changed after this translation was made (update the translation, "
            f"then run `guidekit translations --stamp {shown}`)"
            if recorded
            else f"no {HASH_KEY} in the front matter: nothing says which version of the source "
            f"this translates (check it, then run `guidekit translations --stamp {shown}`)"
        )
        finding = Finding(
            shown, _meta_line(text), 1, "outdated-translation", "warning", message, wanted, recorded
        )
        return Status(name, lang, "outdated", [finding])
    return Status(name, lang, "ok")


def _meta_line(text: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(f"{HASH_KEY}:"):
            return number
    return 1


def stamp(root: Path, translation: Path, default: str) -> str:
    """Record in ``translation`` the hash of its source page, as it is now."""
    docs = (root / "docs").resolve()
    relative = translation.resolve().relative_to(docs)
    if relative.parts[0] == default:
        raise ValueError(f"{translation} is a source page ({default}): stamp its translations")
    source = docs / default / Path(*relative.parts[1:])
    digest = source_hash(source.read_text(encoding="utf-8"))
    text = translation.read_text(encoding="utf-8")
    line = f"{HASH_KEY}: {digest}"
    if re.search(rf"^{HASH_KEY}:.*$", text, flags=re.M):
        text = re.sub(rf"^{HASH_KEY}:.*$", line, text, count=1, flags=re.M)
    elif FRONT_MATTER.match(text):
        end = FRONT_MATTER.match(text).end()
        closing = text.rindex("---", 0, end)
        text = text[:closing] + line + "\n" + text[closing:]
    else:
        text = f"---\n{line}\n---\n\n{text}"
    translation.write_text(text, encoding="utf-8")
    return digest


def status_table(found: list[Status], words: dict[str, str], page_label: str) -> str:
    """Pages down, languages across, each cell the state in the reader's words."""
    languages = sorted({s.lang for s in found})
    pages = sorted({s.page for s in found})
    state = {(s.page, s.lang): s.state for s in found}
    lines = [
        "| " + " | ".join([page_label, *languages]) + " |",
        "|" + "---|" * (len(languages) + 1),
    ]
    for page in pages:
        cells = [words.get(state.get((page, lang), ""), "") for lang in languages]
        lines.append("| " + " | ".join([f"`{page}`", *cells]) + " |")
    return "\n".join(lines) + "\n"


def drift_finding(path: str, line: int, message: str, expected: str, found: str, needle="") -> Finding:
    return Finding(path, line, 1, "translation-drift", "error", message, expected, found, needle)
