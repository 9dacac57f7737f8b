"""Clients in data: their labels render in the page's language, missing ones fail loudly,
and the checker learns what a label means."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from macros.check.vocabulary import load_vocabulary, with_terms
from macros.model.clients import Catalogue, load_catalogue, load_clients, vocabulary_terms
from macros.model.labels import load_labels
from macros.model.sourcemap import DataError
from macros.model.validation import load_settings
from macros.site.pagerender import render_markdown
from macros.site.render import Context

CATALOGUE = load_catalogue(FIXTURES / "clients/clients.yml")
LABELS = load_labels(ROOT / "data/labels", "fr")
SETTINGS = load_settings(ROOT / "tests/fixtures/settings/valid-minimal/settings.yml")


def page(lang: str, client: str | None = "demo-mail", catalogue: Catalogue = CATALOGUE) -> Context:
    return Context(SETTINGS, LABELS[lang], "mx-plan", None, client, catalogue)


def test_ui_renders_the_clients_own_words_in_the_pages_language() -> None:
    text = "{{ client_name() }}: « {{ ui('secure') }} », {{ ui('ok_button') }}"
    assert render_markdown(text, page("fr")) == "Demo Mail: « Connexion chiffrée (SSL) », Valider"
    assert render_markdown(text, page("en")) == "Demo Mail: « Encrypted connection (SSL) », OK"


def test_a_label_missing_in_a_language_names_label_client_language_and_line() -> None:
    with pytest.raises(LookupError) as error:
        render_markdown("{{ ui('outgoing_field') }}", page("fr"))
    assert str(error.value) == (
        "label 'outgoing_field' of client 'demo-mail' is missing in language 'fr' "
        "(add it to data/clients.yml:12)"
    )


def test_a_page_without_client_or_an_unknown_label_is_refused() -> None:
    with pytest.raises(LookupError, match="names no client"):
        render_markdown("{{ ui('secure') }}", page("en", client=None))
    with pytest.raises(LookupError, match="has no label 'secure_box'"):
        render_markdown("{{ ui('secure_box') }}", page("en"))


def test_broken_client_data_reports_every_problem_with_its_line() -> None:
    with pytest.raises(DataError) as error:
        load_clients(FIXTURES / "clients/broken.yml")
    lines = str(error.value).splitlines()
    assert any(line.startswith("data/clients.yml:4: clients.demo-mail.platform:") for line in lines)
    assert any(line.startswith("data/clients.yml:5: clients.demo-mail.page:") for line in lines)
    assert any(line.startswith("data/clients.yml:6: clients.demo-mail.colour:") for line in lines)


def test_the_checker_learns_what_labels_mean() -> None:
    terms = vocabulary_terms(CATALOGUE.clients)
    assert ("Encrypted connection (SSL)", "security", "ssl") in terms["en"]
    assert ("Sending server", "direction", "outgoing") in terms["en"]
    vocab = with_terms(load_vocabulary(ROOT / "data/vocabulary"), terms)["en"]
    hits = vocab.scan("Tick “Encrypted connection (SSL)” next to the Sending server field")
    assert [(w.kind, w.value) for w in hits] == [("security", "ssl"), ("direction", "outgoing")]


def test_client_table_links_every_client_to_its_imap_and_pop_sections(tmp_path: Path) -> None:
    table = render_markdown("{{ client_table() }}", page("en"))
    assert "[Demo Mail](demo-mail.md)" in table
    assert "(demo-mail.md#imap-account)" in table
    assert "(demo-mail.md#pop-account)" in table
    assert render_markdown("{{ client_list('pop3') }}", page("fr")).strip() == (
        "- [Demo Mail](demo-mail.md#pop-account)"
    )
