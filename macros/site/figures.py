"""Figures drawn from the settings: an account dialog with the values filled in.

The legacy guides used screenshots, which drift from the data as silently as
prose does. A figure drawn here from the same ``Context`` as the tables can
never show a value the data does not hold, and is translated with the labels.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from .render import Context, host, protocol_name
from macros.model.settings import INCOMING

WIDTH = 560
ROW = 30


def _text(x: int, y: int, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<text x="{x}" y="{y}"{attr}>{escape(text)}</text>'


def _checkbox(x: int, y: int, checked: bool) -> str:
    box = f'<rect x="{x}" y="{y - 13}" width="16" height="16" rx="3" class="gk-box"/>'
    if checked:
        box += f'<path d="M{x + 3} {y - 5} l4 4 l7 -9" class="gk-tick"/>'
    return box


def account_dialog(ctx: Context, protocol: str) -> str:
    """An SVG of the client's account dialog for ``protocol`` (imap or pop3)."""
    if protocol not in INCOMING:
        raise ValueError(
            f"figure() draws an incoming account: use 'imap' or 'pop3', not {protocol!r}"
        )
    label = ctx.labels
    offer = ctx.offer
    title = label("figure.title", protocol=protocol_name(ctx, protocol))
    body: list[str] = []
    y = 70

    def field(name: str, value: str) -> None:
        nonlocal y
        body.append(_text(32, y, name, "gk-label"))
        body.append(f'<rect x="250" y="{y - 18}" width="280" height="24" rx="3" class="gk-field"/>')
        body.append(_text(258, y, value, "gk-value"))
        y += ROW

    def check(name: str, checked: bool) -> None:
        nonlocal y
        body.append(_checkbox(32, y, checked))
        body.append(_text(58, y, name, "gk-label"))
        y += ROW

    def heading(name: str) -> None:
        nonlocal y
        body.append(_text(20, y, name, "gk-heading"))
        y += ROW

    incoming = offer.ports[protocol][0]  # the preferred port of each
    outgoing = offer.ports["smtp"][0]
    heading(label("figure.incoming"))
    field(label("figure.type"), protocol_name(ctx, protocol))
    field(label("figure.server"), host(ctx, protocol))
    field(label("figure.port"), str(incoming.port))
    check(label("figure.ssl"), incoming.is_ssl)
    field(label("figure.username"), label(f"login.{offer.login}"))
    heading(label("figure.outgoing"))
    field(label("figure.server"), host(ctx, "smtp"))
    field(label("figure.port"), str(outgoing.port))
    check(label("figure.ssl"), outgoing.is_ssl)
    check(label("figure.auth"), offer.smtp_auth)
    height = y + 10
    style = (
        "<style>.gk-frame{fill:#fff;stroke:#8a8a8a}.gk-bar{fill:#e8eaf0}"
        ".gk-heading{font:600 15px sans-serif;fill:#1a1a1a}"
        ".gk-label{font:14px sans-serif;fill:#1a1a1a}.gk-value{font:14px monospace;fill:#0b3d91}"
        ".gk-field,.gk-box{fill:#fff;stroke:#6b6b6b}.gk-tick{fill:none;stroke:#0b3d91;"
        "stroke-width:2.5}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-label="{escape(title)}" class="gk-figure">'
        f"<title>{escape(title)}</title>{style}"
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" rx="6" class="gk-frame"/>'
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="30" rx="6" class="gk-bar"/>'
        + _text(14, 21, title, "gk-heading")
        + "".join(body)
        + "</svg>"
    )
