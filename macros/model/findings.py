"""A finding: one thing wrong on one line, with what the page says and what is true."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

RULES = {
    "protocol-port": "a port stated for a protocol that the data gives to another protocol",
    "security-port": "a security mode stated for a port that has another one",
    "value-mismatch": "a host or port the data does not offer for that role",
    "contradiction": "two statements of one page that cannot both hold",
    "smtp-auth": "an instruction to send without authentication where the data requires it",
    "hardcoded-value": "a literal value in a macro-driven page of the project",
    "broken-anchor": "a link to a heading id that does not exist",
    "broken-link": "a link to a page or file that does not exist",
    "missing-image": "an image that does not exist",
    "missing-alt": "an image without alt text in its page's language",
    "unused-image": "a file of images/ that no page uses",
    "missing-translation": "a page with no translation in a language that does not fall back",
    "outdated-translation": "a translation whose source page changed after it was made",
    "translation-drift": "a translation whose macro calls, ids, images or tables differ",
    "forbidden-template": "template code a page may not use (only the macros and page.*)",
    "generated-mismatch": "a generated set-up file of the built site that disagrees with the data",
    "broken-redirect": "an old address of the site that redirects to a page that does not exist",
    "unreadable-file": "a file that cannot be read as a UTF-8 page (binary, bad bytes, no access)",
    "unread-language": "a page in a language the checker has no words for: only neutral checks ran",
}

# Rules whose findings are warnings, or notes: they do not fail a check.
WARNING_RULES = frozenset({"hardcoded-value", "unused-image", "outdated-translation"})
NOTE_RULES = frozenset({"unread-language"})


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    severity: str  # error | warning | note (could not tell for sure: never fails a run)
    message: str
    expected: str
    found: str
    needle: str = field(default="", compare=False, repr=False)  # the text as the page wrote it

    def as_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "needle"}

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)
