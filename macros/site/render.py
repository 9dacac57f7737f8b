"""Settings → Markdown, in one language.

Pure functions: a ``Context`` (settings of one offer, labels of one language)
in, Markdown out. The macros registered with MkDocs call these and nothing
else, so what a page shows is exactly what these tests see.
"""

from __future__ import annotations

from dataclasses import dataclass

from macros.model.clients import EMPTY, Catalogue
from macros.model.labels import Labels
from macros.model.settings import INCOMING, Endpoint, Offer, Port, Protocol, Settings


@dataclass(frozen=True)
class Context:
    """What a page renders against: one offer, one region, one language."""

    settings: Settings
    labels: Labels
    offer_key: str
    region: str | None = None
    client: str | None = None
    catalogue: Catalogue = EMPTY

    @property
    def offer(self) -> Offer:
        return self.settings.offer(self.offer_key)

    @property
    def lang(self) -> str:
        return self.labels.lang


def strong(text: str) -> str:
    return f"**{text}**"


def _protocol(protocol: str) -> Protocol:
    if protocol not in ("imap", "pop3", "smtp"):
        raise ValueError(f"unknown protocol {protocol!r} (use 'imap', 'pop3' or 'smtp')")
    return protocol  # type: ignore[return-value]


def host_name(ctx: Context, endpoint: Endpoint, number: str = "N") -> str:
    return endpoint.host.replace("{n}", number)


def host(ctx: Context, protocol: str, region: str | None = None, number: str = "N") -> str:
    """The host to type for ``protocol``; a per-customer host shows ``number`` for the
    customer's server number (``N``; ``?`` as some guides write it)."""
    endpoint = ctx.offer.endpoint(_protocol(protocol), region or ctx.region)
    return host_name(ctx, endpoint, number)


def port(ctx: Context, protocol: str, ssl: bool = True) -> Port:
    return ctx.offer.port(_protocol(protocol), ssl=ssl)


def security_label(ctx: Context, entry: Port) -> str:
    return ctx.labels(f"security.{entry.security}")


def login(ctx: Context) -> str:
    return ctx.labels(f"login.{ctx.offer.login}")


def protocol_name(ctx: Context, protocol: str) -> str:
    return ctx.labels(f"protocol.{_protocol(protocol)}")


def port_choices(ctx: Context, protocol: Protocol) -> str:
    """``**993** (SSL/TLS) or **143** (STARTTLS)`` — every port, preferred first."""
    parts = [f"{strong(str(p.port))} ({security_label(ctx, p)})" for p in ctx.offer.ports[protocol]]
    return f" {ctx.labels('list.or')} ".join(parts)


def _host_line(ctx: Context, protocol: Protocol, region: str | None) -> str:
    endpoint = ctx.offer.endpoint(protocol, region or ctx.region)
    text = strong(host_name(ctx, endpoint))
    if endpoint.per_customer:
        text += f" ({ctx.labels('per_customer')})"
    return text


def settings_list(ctx: Context, protocol: str, region: str | None = None) -> str:
    """The account settings of the seed's “Configuration POP” list, for one protocol.

    For an incoming protocol the list covers the whole account (login, incoming
    and outgoing servers); for ``smtp`` only the outgoing part.
    """
    proto = _protocol(protocol)
    label = ctx.labels
    offer = ctx.offer

    def item(key: str, value: str, **values: str) -> str:
        return f"- {strong(label(key, **values))}{label('list.colon')} {value}"

    lines: list[str] = []
    if proto in INCOMING:
        lines += [
            item("list.email", label("list.email_value")),
            item("list.password", label("list.password_value", url=offer.control_panel)),
            item("list.username", login(ctx)),
            item(
                "list.incoming_server",
                _host_line(ctx, proto, region),
                protocol=protocol_name(ctx, proto),
            ),
            item("list.incoming_port", port_choices(ctx, proto)),
        ]
    if "smtp" in offer.ports:
        auth = label("list.smtp_auth_required" if offer.smtp_auth else "list.smtp_auth_optional")
        if not offer.pop_before_smtp:
            auth += f" ({label('list.no_pop_before_smtp')})"
        lines += [
            item(
                "list.outgoing_server",
                _host_line(ctx, "smtp", region),
                protocol=protocol_name(ctx, "smtp"),
            ),
            item("list.outgoing_port", port_choices(ctx, "smtp")),
            item("list.smtp_auth", auth),
        ]
    return "\n".join(lines) + "\n"


def _first(offer: Offer, protocol: Protocol, ssl: bool) -> Port | None:
    return next((p for p in offer.ports[protocol] if p.is_ssl == ssl), None)


def port_table(ctx: Context, protocol: str) -> str:
    """The seed's port table: incoming and outgoing rows, SSL on and off columns."""
    proto = _protocol(protocol)
    label = ctx.labels
    offer = ctx.offer
    rows = [(label("direction.incoming"), proto)] if proto in INCOMING else []
    if "smtp" in offer.ports:
        rows.append((label("direction.outgoing"), "smtp"))
    out = [
        f"| {label('table.ports')} | {label('table.ssl_on')} | {label('table.ssl_off')} |",
        "|---|---|---|",
    ]
    starttls = False
    for direction, row_proto in rows:
        ssl_port = _first(offer, row_proto, ssl=True)
        plain = _first(offer, row_proto, ssl=False)
        starttls |= plain is not None and plain.security == "starttls"
        cells = [
            f"{direction} ({protocol_name(ctx, row_proto)})",
            str(ssl_port.port) if ssl_port else "—",
            str(plain.port) if plain else "—",
        ]
        out.append("| " + " | ".join(cells) + " |")
    text = "\n".join(out) + "\n"
    if starttls:
        text += f"\n{label('table.starttls_note')}\n"
    return text


def _page_client(ctx: Context) -> str:
    if not ctx.client:
        raise LookupError("this page names no client (add client: <id> to its front matter)")
    return ctx.client


def client_name(ctx: Context) -> str:
    client = ctx.catalogue.get(_page_client(ctx))
    if client is None:
        raise LookupError(f"unknown client {ctx.client!r} (see data/clients.yml)")
    return client.name


def ui(ctx: Context, key: str) -> str:
    """A label of the page's client, in the client's own words in the page's language."""
    return ctx.catalogue.label(_page_client(ctx), key, ctx.lang)


def client_list(ctx: Context, protocol: str) -> str:
    """Links to the ``protocol`` set-up section of every client's guide."""
    anchor = {"imap": "imap-account", "pop3": "pop-account"}.get(_protocol(protocol))
    if anchor is None:
        raise ValueError("client_list() takes 'imap' or 'pop3'")
    clients = ctx.catalogue.clients.clients.values()
    return "\n".join(f"- [{c.name}]({c.page}#{anchor})" for c in clients) + "\n"


def client_table(ctx: Context) -> str:
    """Every client with its platform and links to its IMAP and POP set-up."""
    label = ctx.labels
    clients = ctx.catalogue.clients.clients
    out = [
        f"| {label('clients.client')} | {label('clients.platform')} | "
        f"{protocol_name(ctx, 'imap')} | {protocol_name(ctx, 'pop3')} |",
        "|---|---|---|---|",
    ]
    for client in clients.values():
        imap = f"[{label('clients.setup')}]({client.page}#imap-account)"
        pop = f"[{label('clients.setup')}]({client.page}#pop-account)"
        name = f"[{client.name}]({client.page})"
        out.append(f"| {name} | {label(f'platform.{client.platform}')} | {imap} | {pop} |")
    return "\n".join(out) + "\n"
