"""The macros a guide page may call, as plain functions over a page context.

``make_macros`` closes over a function that returns the current page's
``Context``; MkDocs supplies one that reads the page being rendered, tests
supply a fixed one. Each macro formats what ``render`` computes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from . import figures

from . import render
from .render import Context, strong
from .translations import STATES, status_table, statuses
from macros.model.project import site_languages
from macros.setup.data import site_info
from macros.setup.files import offer_downloads, project_setup_files


def make_macros(
    current: Callable[[], Context], root: Path | None = None
) -> dict[str, Callable[..., str]]:
    generated: dict[int, dict[str, bytes]] = {}

    def host(
        protocol: str, region: str | None = None, bold: bool = True, number: str = "N"
    ) -> str:
        """The server host name for a protocol: ``{{ host('imap') }}`` (``bold=False`` where
        the text around it sets the style, ``number='?'`` for a per-customer host written
        ``pro?.…``, as imported pages do)."""
        name = render.host(current(), protocol, region, number)
        return strong(name) if bold else name

    def port(protocol: str, ssl: bool = True, bold: bool = True) -> str:
        """The preferred port, with SSL or without: ``{{ port('smtp', ssl=False) }}``."""
        number = str(render.port(current(), protocol, ssl).port)
        return strong(number) if bold else number

    def server_address(protocol: str, ssl: bool = True, number: str = "N") -> str:
        """``host:port``, unformatted: for code blocks, which readers copy with one click."""
        ctx = current()
        return f"{render.host(ctx, protocol, None, number)}:{render.port(ctx, protocol, ssl).port}"

    def security(protocol: str, ssl: bool = True) -> str:
        """How that port is secured, in the page's language (SSL/TLS, STARTTLS…)."""
        ctx = current()
        return render.security_label(ctx, render.port(ctx, protocol, ssl))

    def login() -> str:
        """What to type as user name (the full e-mail address…)."""
        return render.login(current())

    def protocol_name(protocol: str) -> str:
        """The protocol's name as readers know it (IMAP, POP, SMTP)."""
        return render.protocol_name(current(), protocol)

    def offer_name() -> str:
        """The product name of the page's offer."""
        return current().offer.name

    def control_panel(text: str) -> str:
        """A link to where the password is set: ``{{ control_panel('espace client') }}``."""
        return f"[{text}]({current().offer.control_panel})"

    def settings_list(protocol: str, region: str | None = None) -> str:
        """Every account setting for a protocol, as a list."""
        return render.settings_list(current(), protocol, region)

    def port_table(protocol: str) -> str:
        """Incoming and outgoing ports, SSL on and off, as a table."""
        return render.port_table(current(), protocol)

    def figure(protocol: str) -> str:
        """The account dialog drawn with the data's values (SVG)."""
        return figures.account_dialog(current(), protocol)

    def client_name() -> str:
        """The name of the page's client (front matter ``client:``)."""
        return render.client_name(current())

    def ui(key: str) -> str:
        """A label of the page's client in its own words: ``{{ ui('ssl_checkbox') }}``."""
        return render.ui(current(), key)

    def client_list(protocol: str) -> str:
        """Links to the IMAP (or POP) section of every client's guide."""
        return render.client_list(current(), protocol)

    def client_table() -> str:
        """Every client, its platform, and links to its IMAP and POP set-up."""
        return render.client_table(current())

    def setup_downloads() -> str:
        """Links to the page's offer's set-up files (autoconfig, profiles, SRV records)."""
        if root is None:
            raise LookupError("setup_downloads() needs the project folder")
        ctx = current()
        key = id(ctx.settings)
        if key not in generated:  # every file of every offer: made once per settings
            generated.clear()
            generated[key] = project_setup_files(root, ctx.settings)
        found = offer_downloads(generated[key], ctx.offer_key)
        if not found:
            return ctx.labels("downloads.none") + "\n"
        base = urlsplit(site_info(root).url).path or "/"
        return "".join(
            f'- <a href="{base}{path}" download>{ctx.labels(f"downloads.{kind}")}</a>\n'
            for kind, path in found
        )

    def translation_status() -> str:
        """The state of every page in every language, as a table."""
        if root is None:
            raise LookupError("translation_status() needs the project folder")
        labels = current().labels
        languages, default = site_languages(root)
        found = statuses(root, languages, default)
        words = {state: labels(f"translations.{state}") for state in STATES}
        return status_table(found, words, labels("translations.page"))

    return {
        fn.__name__: fn
        for fn in (
            host,
            port,
            server_address,
            security,
            login,
            protocol_name,
            offer_name,
            control_panel,
            settings_list,
            port_table,
            figure,
            client_name,
            ui,
            client_table,
            client_list,
            setup_downloads,
            translation_status,
        )
    }


# The only names a page may call; mkdocs-macros' own (context, now…) are not among them.
MACRO_NAMES = frozenset(make_macros(lambda: None))  # type: ignore[arg-type, return-value]
