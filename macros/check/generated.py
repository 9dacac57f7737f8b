"""``guidekit check --site``: the set-up files of a built site still say what the data says.

The expected files are generated again from the data and both sides are
parsed, then compared field by field: a file edited by hand (a port changed
on the server, a host typed in) is reported with the field, the value the data
gives and the value found, on the line of the site file that holds it.
Formatting (indentation, attribute quotes, comments) is never a difference.
"""

from __future__ import annotations

import plistlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from macros.model.findings import Finding
from macros.model.settings import Settings
from macros.setup.files import OFFER_PATTERNS, project_setup_files

RULE = "generated-mismatch"
MISSING = "(missing)"
ABSENT = "(absent)"

# A field of a file: its value as text and the line it is on.
Fields = dict[str, tuple[str, int]]


def xml_fields(data: bytes) -> Fields:
    """Every attribute and leaf text of an XML file, by path: ``a/b[2]/c``, ``a/b/@type``."""
    parser = expat.ParserCreate()
    fields: Fields = {}
    stack: list[tuple[str, Counter, list[str], int]] = [("", Counter(), [], 0)]

    def start(name: str, attrs: dict[str, str]) -> None:
        parent, counts, _, _ = stack[-1]
        counts[name] += 1
        suffix = f"[{counts[name]}]" if counts[name] > 1 else ""
        path = f"{parent}/{name}{suffix}".lstrip("/")
        line = parser.CurrentLineNumber
        for key, value in attrs.items():
            fields[f"{path}/@{key}"] = (value, line)
        stack.append((path, Counter(), [], line))

    def end(name: str) -> None:
        path, children, text, line = stack.pop()
        if not children:  # a leaf: its text is the value
            fields[path] = ("".join(text).strip(), line)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: stack[-1][2].append(text)
    parser.Parse(data, True)
    return fields


def plist_fields(data: bytes) -> Fields:
    """Every value of a property list, by key path: ``PayloadContent[1]/PayloadUUID``."""
    root = plistlib.loads(data)
    lines = data.decode("utf-8", "replace").split("\n")
    fields: Fields = {}
    cursor = 0

    def line_of(key: str) -> int:
        # Keys come in document order: look for each one after the previous.
        nonlocal cursor
        tag = f"<key>{_xml_text(key)}</key>"
        for number in range(cursor, len(lines)):
            if tag in lines[number]:
                cursor = number + 1
                # The value follows the key, on the same line or (as plistlib writes) the next.
                rest = lines[number].split(tag, 1)[1].strip()
                return number + 1 if rest or number + 1 == len(lines) else number + 2
        return 1

    def walk(value: object, path: str, line: int) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}/{key}".lstrip("/"), line_of(str(key)))
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                walk(item, f"{path}[{index}]", line)
        elif isinstance(value, bool):
            fields[path] = ("true" if value else "false", line)
        else:
            fields[path] = (str(value), line)

    walk(root, "", 1)
    return fields


def zone_fields(data: bytes) -> Fields:
    """Every SRV record of a zone snippet: ``_imaps._tcp/port``, ``_imaps._tcp[2]/target``."""
    fields: Fields = {}
    counts: Counter = Counter()
    for number, raw in enumerate(data.decode("utf-8").split("\n"), start=1):
        line = raw.split(";", 1)[0].strip()
        if not line:
            continue
        tokens = line.split()
        upper = [t.upper() for t in tokens]
        if "SRV" not in upper or len(tokens) < upper.index("SRV") + 5:
            fields[f"line {number}"] = (line, number)
            continue
        owner = tokens[0]
        counts[owner] += 1
        name = owner + (f"[{counts[owner]}]" if counts[owner] > 1 else "")
        at = upper.index("SRV")
        ttl = next((t for t in tokens[1:at] if t.isdigit()), "")
        values = dict(zip(("priority", "weight", "port", "target"), tokens[at + 1 :], strict=False))
        for key, value in (("ttl", ttl), *values.items()):
            fields[f"{name}/{key}"] = (value, number)
    return fields


READERS: dict[str, tuple[str, Callable[[bytes], Fields]]] = {
    ".xml": ("XML", xml_fields),
    ".mobileconfig": ("a property list", plist_fields),
    ".zone": ("a zone file", zone_fields),
}


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compare(shown: str, relative: str, expected: bytes, found: bytes) -> list[Finding]:
    """Findings for every field of ``found`` that differs from ``expected``."""
    kind, read = READERS[Path(relative).suffix]
    want = read(expected)
    try:
        have = read(found)
    except (ValueError, expat.ExpatError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1) or 1
        said = f"the file is not readable as {kind}: {exc}"
        return [_finding(shown, line, relative, "file", f"readable as {kind}", str(exc), said)]
    findings = []
    for key in [*want, *(k for k in have if k not in want)]:
        expected_value = want[key][0] if key in want else ABSENT
        found_value, line = have.get(key, (MISSING, 1))
        if expected_value != found_value:
            findings.append(_finding(shown, line, relative, key, expected_value, found_value))
    return findings


FIX = (
    "generated files are rebuilt from data/settings.yml: change the data, then run `guidekit build`"
)


def _finding(
    shown: str, line: int, relative: str, field: str, expected: str, found: str, said: str = ""
) -> Finding:
    said = said or f"{field} is {found!r} but the data gives {expected!r}"
    return Finding(
        shown,
        line,
        1,
        RULE,
        "error",
        f"{relative}: {said} ({FIX})",
        f"{field}: {expected}",
        f"{field}: {found}",
    )


def setup_findings(
    root: Path, site: Path, settings: Settings, display: Callable[[Path], str]
) -> list[Finding]:
    """Every set-up file of ``site`` held to the data; missing and unexpected files too."""
    expected = project_setup_files(root, settings)
    findings = []
    for relative, content in expected.items():
        path = site / relative
        if not path.is_file():
            said = "the data makes this file, but the site has none"
            findings.append(_finding(display(path), 1, relative, "file", "present", MISSING, said))
        else:
            findings += compare(display(path), relative, content, path.read_bytes())
    for pattern in OFFER_PATTERNS:
        for path in sorted(site.glob(pattern)):
            relative = path.relative_to(site).as_posix()
            if relative not in expected and path.is_file():
                said = "the site has this file, but the data makes none (an offer removed?)"
                findings.append(
                    _finding(display(path), 1, relative, "file", ABSENT, "present", said)
                )
    return findings
