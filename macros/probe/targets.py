"""The endpoints the settings publish, each with where in the file it is said.

A failed probe must point at the line of ``data/settings.yml`` to fix, so a target carries
the ``file:line`` of its port, its host and the offer's ``smtp_auth``.
"""

from __future__ import annotations

from dataclasses import dataclass

from macros.model.settings import Protocol, Security, Settings
from macros.model.sourcemap import SourceMap

from .wire import NAMES


@dataclass(frozen=True)
class Target:
    """One endpoint as the settings publish it, and where in the file each part is said."""

    offer: str
    region: str
    protocol: Protocol
    host: str
    port: int
    security: Security
    smtp_auth: bool
    port_at: str  # file:line of the port entry
    host_at: str  # file:line of the region's host for the protocol
    auth_at: str  # file:line of the offer's smtp_auth (or of the offer)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def name(self) -> str:
        return NAMES.get(self.protocol, self.protocol)


def targets(
    settings: Settings, smap: SourceMap, offer: str | None = None, region: str | None = None
) -> list[Target]:
    """Every endpoint of the offer's region (its default region unless named), in the
    file's order. Raises LookupError for an unknown offer or region."""
    key = offer or settings.default_offer
    chosen = settings.offer(key)
    region = region or chosen.default_region
    if region not in chosen.regions:
        known = ", ".join(sorted(chosen.regions))
        raise LookupError(f"offer {key!r} has no region {region!r} (use one of: {known})")

    def at(*loc: str | int) -> str:
        return f"{smap.path}:{smap.line_of(('offers', key, *loc))}"

    return [
        Target(
            offer=key,
            region=region,
            protocol=protocol,
            host=chosen.endpoint(protocol, region).host,
            port=entry.port,
            security=entry.security,
            smtp_auth=chosen.smtp_auth,
            port_at=at("ports", protocol, index),
            host_at=at("regions", region, protocol),
            auth_at=at("smtp_auth"),
        )
        for protocol in chosen.protocols()
        for index, entry in enumerate(chosen.ports[protocol])
    ]
