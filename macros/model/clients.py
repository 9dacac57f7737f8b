"""Mail clients: their names and their own words (a checkbox, a menu), per language.

A guide page names its client in front matter (``client: thunderbird``) and
writes ``{{ ui('ssl_checkbox') }}`` where the client shows a label, so the
label is translated once in ``data/clients.yml`` and every page agrees with
it. A label says what it means (``means: ssl``…): the checker then knows that
ticking it states SSL, in every language the label is written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .sourcemap import DataError, SourceMap, load_yaml
from .validation import from_pydantic

Means = Literal["ssl", "starttls", "off", "incoming", "outgoing", "auth", "none"]
Platform = Literal["windows", "macos", "ios", "android", "any"]

# What a label's meaning is to the checker's vocabulary: (kind, value).
VOCABULARY = {
    "ssl": ("security", "ssl"),
    "starttls": ("security", "starttls"),
    "off": ("security", "off"),
    "incoming": ("direction", "incoming"),
    "outgoing": ("direction", "outgoing"),
}
# ``means: auth`` is not learnt: a label such as "Password" would turn "untick “Remember
# password”" into an instruction about authentication. The vocabularies' ``auth_words`` hold
# the generic wording of authentication switches instead.


class Label(BaseModel):
    """One label of a client's interface, in every language it is written in."""

    model_config = ConfigDict(extra="allow", frozen=True)

    means: Means = Field(default="none", description="What choosing this label states.")

    def text(self, lang: str) -> str | None:
        value = (self.model_extra or {}).get(lang)
        return str(value) if value else None

    def texts(self) -> dict[str, str]:
        return {k: str(v) for k, v in (self.model_extra or {}).items()}


class Client(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="The client's name as its publisher writes it.")
    platform: Platform
    page: str = Field(pattern=r"^[a-z0-9-]+\.md$", description="Its guide, in docs/<lang>/.")
    labels: dict[str, Label] = Field(default_factory=dict)


class Clients(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clients: dict[str, Client]


@dataclass(frozen=True)
class Catalogue:
    """The clients and where each of their labels is written, for messages."""

    clients: Clients
    smap: SourceMap

    def label(self, client: str, key: str, lang: str) -> str:
        return label_text(self.clients, self.smap, client, key, lang)

    def get(self, client: str) -> Client | None:
        return self.clients.clients.get(client)


EMPTY = Catalogue(Clients(clients={}), SourceMap("data/clients.yml"))


def load_catalogue(path: Path, display: str = "data/clients.yml") -> Catalogue:
    if not path.is_file():
        return EMPTY
    return Catalogue(*load_clients(path, display))


def load_clients(path: Path, display: str = "data/clients.yml") -> tuple[Clients, SourceMap]:
    data, smap = load_yaml(path, display)
    try:
        clients = Clients.model_validate(data or {})
    except ValidationError as exc:
        raise DataError([from_pydantic(err, smap) for err in exc.errors()]) from None
    problems = [
        smap.problem(("clients", key, "labels", name, lang), "a label must be non-empty text")
        for key, client in clients.clients.items()
        for name, label in client.labels.items()
        for lang, text in label.texts().items()
        if not isinstance(text, str) or not text.strip()
    ]
    if problems:
        raise DataError(problems)
    return clients, smap


def label_text(clients: Clients, smap: SourceMap, client: str, key: str, lang: str) -> str:
    """The client's label ``key`` in ``lang``, or an error naming what to add and where."""
    if client not in clients.clients:
        known = ", ".join(sorted(clients.clients))
        raise LookupError(f"unknown client {client!r} (use one of: {known})")
    found = clients.clients[client].labels.get(key)
    if found is None:
        known = ", ".join(sorted(clients.clients[client].labels))
        raise LookupError(f"client {client!r} has no label {key!r} (known: {known})")
    text = found.text(lang)
    if text is None:
        line = smap.line_of(("clients", client, "labels", key))
        raise LookupError(
            f"label {key!r} of client {client!r} is missing in language {lang!r} "
            f"(add it to {smap.path}:{line})"
        )
    return text


def vocabulary_terms(clients: Clients) -> dict[str, list[tuple[str, str, str]]]:
    """Per language, (label text, kind, value) for the labels the checker must understand."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for client in clients.clients.values():
        for label in client.labels.values():
            if label.means in VOCABULARY:
                kind, value = VOCABULARY[label.means]
                for lang, text in label.texts().items():
                    out.setdefault(lang, []).append((text, kind, value))
    return out
