"""The words the checker understands, per language, loaded from ``data/vocabulary/``.

A new language is a data file, not code: each file lists the protocol names,
the words for incoming and outgoing, for each security mode, for obligation
and for condition. ``Vocabulary.scan`` finds them in a text, longest phrase
first, on whole words only ("SSL" does not match inside "ssl0.ovh.net").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from macros.model.sourcemap import DataError, Problem, load_yaml

CATEGORIES = {
    "protocols": ("imap", "pop3", "smtp", "activesync", "ews"),
    "directions": ("incoming", "outgoing"),
    "security": ("ssl", "starttls", "off", "either"),
    "answers": ("affirmative", "negative"),
}
FLAT = ("port_words", "server_words", "obligation", "conditional")
OPTIONAL_FLAT = ("security_words",)
# Words about outgoing authentication, kept apart from the words that bind ports: a phrase
# such as "my outgoing server (SMTP) requires authentication" must not hide the protocol and
# direction words inside it from the ports of its sentence.
AUTH = {"auth_words": "auth", "auth_off_words": "auth_off", "turn_off_words": "turn_off"}


@dataclass(frozen=True)
class Word:
    """One vocabulary hit: where, which category (``protocol``…) and which value."""

    start: int
    end: int
    kind: str
    value: str
    text: str


@dataclass
class Vocabulary:
    """The terms of one language (or several merged), compiled into one pattern."""

    languages: tuple[str, ...]
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # lower phrase → kind, value
    auth_terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # the AUTH lists

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.terms)

    @cached_property
    def auth_pattern(self) -> re.Pattern[str]:
        return _compile(self.auth_terms)

    def scan(self, text: str) -> list[Word]:
        return _scan(self.pattern, self.terms, text)

    def scan_auth(self, text: str) -> list[Word]:
        """The words about outgoing authentication, apart from ``scan``'s."""
        return _scan(self.auth_pattern, self.auth_terms, text) if self.auth_terms else []

    def only(self, *kinds: str) -> Vocabulary:
        """The words of these kinds alone: protocol names read the same in every language,
        so a page in a language without a vocabulary is read with those and nothing else."""
        kept = {phrase: hit for phrase, hit in self.terms.items() if hit[0] in kinds}
        return Vocabulary(self.languages, kept)

    def merged(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(
            self.languages + other.languages,
            {**other.terms, **self.terms},
            {**other.auth_terms, **self.auth_terms},
        )


def _compile(terms: dict[str, tuple[str, str]]) -> re.Pattern[str]:
    body = _trie_regex(terms)
    # A hyphen may follow ("SMTP-Server"); a dot only at a sentence end ("…SSL.").
    return re.compile(rf"(?<![\w/.-])(?:{body})(?![\w/]|\.\w)", re.IGNORECASE)


def _scan(pattern: re.Pattern[str], terms: dict[str, tuple[str, str]], text: str) -> list[Word]:
    hits = []
    for match in pattern.finditer(text):
        kind, value = terms[_normalise(match.group(0))]
        hits.append(Word(match.start(), match.end(), kind, value, match.group(0)))
    return hits


def _normalise(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.replace("’", "'")).strip().lower()


def _trie_regex(phrases) -> str:
    """One pattern for all phrases, sharing their prefixes.

    A flat alternation of a few hundred phrases is tried phrase by phrase at
    every position of every text; a trie is tried character by character.
    Greedy optional tails keep the longest phrase first.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [_char(c) + emit(node[c]) for c in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _char(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    return re.escape(char)


KIND = {"protocols": "protocol", "directions": "direction", "security": "security"}
KIND |= {"answers": "answer"}


def load_vocabulary(folder: Path) -> dict[str, Vocabulary]:
    """Every ``<lang>.yml`` in ``folder``; every problem of every file in one DataError."""
    result: dict[str, Vocabulary] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yml")):
        try:
            data, smap = load_yaml(path, f"data/vocabulary/{path.name}")
        except DataError as exc:
            problems += exc.problems
            continue
        if not isinstance(data, dict):
            problems.append(smap.problem((), "expected a mapping (see en.yml)"))
            continue
        vocab = Vocabulary((path.stem,))
        for section, values in CATEGORIES.items():
            block = data.get(section)
            if not isinstance(block, dict):
                problems.append(
                    smap.problem((section,), f"{section} is missing (copy it from en.yml)")
                )
                continue
            for value in values:
                words = block.get(value)
                if not isinstance(words, list):
                    problems.append(
                        smap.problem((section, value), "expected a list of words (may be empty)")
                    )
                    continue
                for word in words:
                    vocab.terms.setdefault(_normalise(str(word)), (KIND[section], value))
        lists = [
            (
                section,
                vocab.terms,
                section.removesuffix("s") if section.endswith("_words") else section,
            )
            for section in FLAT + OPTIONAL_FLAT
        ]
        lists += [(section, vocab.auth_terms, kind) for section, kind in AUTH.items()]
        for section, terms, kind in lists:
            words = data.get(section, None if section in FLAT else [])
            if not isinstance(words, list):
                problems.append(smap.problem((section,), "expected a list of words (may be empty)"))
                continue
            for word in words:
                terms.setdefault(_normalise(str(word)), (kind, section))
        result[path.stem] = vocab
    if problems:
        raise DataError(problems)
    return result


def with_terms(
    vocabularies: dict[str, Vocabulary], terms: dict[str, list[tuple[str, str, str]]]
) -> dict[str, Vocabulary]:
    """The vocabularies plus phrases learnt elsewhere (the clients' labels), per language."""
    out = {}
    for lang, vocab in vocabularies.items():
        extra = dict(vocab.terms)
        for text, kind, value in terms.get(lang, []):
            extra.setdefault(_normalise(text), (kind, value))
        out[lang] = Vocabulary(vocab.languages, extra, vocab.auth_terms)
    return out
