"""Drift between the locales of a legacy guide: one ``guide.<locale>.md`` per language.

A project page's translation is held to its source by its macro calls (site/translations.py);
a legacy page has no macro calls, only the values it states, so the checker compares those.
"""

from __future__ import annotations

from macros.model.findings import Finding
from macros.site.translations import drift_finding


def _values(claims) -> dict[str, tuple[int, str]]:
    """What a legacy page states, value → (first line, as written): hosts, ports, and the
    security stated for a port."""
    out: dict[str, tuple[int, str]] = {}
    for claim in claims:
        if claim.host:
            out.setdefault(f"host {claim.host}", (claim.line, claim.text))
        if claim.port:
            out.setdefault(f"port {claim.port}", (claim.line, claim.text))
            if claim.security in ("ssl", "starttls", "off"):
                key = f"port {claim.port} with {claim.security}"
                out.setdefault(key, (claim.line, claim.text))
    return out


def locale_drift(path: str, claims, source_path: str, source_claims) -> list[Finding]:
    """Values a translation states that its source locale does not, and the reverse."""
    ours, theirs = _values(claims), _values(source_claims)
    out = []
    for value, (line, text) in sorted(ours.items(), key=lambda item: item[1][0]):
        if value not in theirs:
            message = (
                f"this translation states {value}, which {source_path} does not (translate "
                "the source's values, or fix the source)"
            )
            out.append(
                drift_finding(path, line, message, f"the values of {source_path}", value, text)
            )
    missing = sorted(set(theirs) - set(ours))
    if missing:
        message = (
            f"{source_path} states {', '.join(missing)}, which this translation does not "
            "(translate the missing settings)"
        )
        out.append(drift_finding(path, 1, message, ", ".join(missing), "nothing"))
    return out
