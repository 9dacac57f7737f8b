"""``guidekit check``: which files, in which language, about which offer; then the rules.

Three ways in, one run: legacy Markdown (a PATH) is read as written (legacy.py); the
project's own pages are rendered through the macros first (project.py); the built site is
read as HTML (built.py). Each adds its findings to the same ``Checker``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .built import SiteChecks
from .legacy import LegacyChecks
from .project import ProjectChecks


@dataclass
class Checker(LegacyChecks, ProjectChecks, SiteChecks):
    """One check run over any of the three ways in."""
