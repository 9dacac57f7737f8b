"""The built site: every HTML page held to the same rules as its Markdown, each finding
moved to the line of the source that typed the value; then the set-up files the build
published (autoconfig, Autodiscover, profiles, SRV).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from macros.model.findings import Finding
from macros.model.frontmatter import front_matter
from macros.model.project import Project
from macros.text.htmldoc import parse_html

from .claims import extract
from .generated import setup_findings
from .links import check_site_links
from .offers import Page
from .rules import apply_rules
from .run import CheckRun
from .scan import analyse


class SiteChecks(CheckRun):
    def check_site(self, project: Project, site: Path, languages: list[str], default: str) -> None:
        """Every page of the built site, held to the same rules; findings point at the source."""
        for html in sorted(site.rglob("*.html")):
            relative = html.relative_to(site)
            if relative.parts[0] in ("assets", "search") or html.name == "404.html":
                continue
            lang = relative.parts[0] if relative.parts[0] in languages else default
            parts = relative.parts[1:] if lang != default else relative.parts
            source = project.root / "docs" / lang / _source_name(parts)
            shown = project.display(source if source.exists() else html)
            text = source.read_text(encoding="utf-8") if source.exists() else ""
            meta = front_matter(text, shown)
            doc = parse_html(html.read_text(encoding="utf-8"))
            offer = str(meta.get("offer") or self.settings.default_offer)
            page = Page(shown, offer, self.settings, macros=source.exists())
            self.files_checked += 1
            ctx = analyse(doc, self.vocabulary(lang, ""))
            found = list(apply_rules(page, extract(ctx), ctx))
            found += check_site_links(shown, html, site, doc)
            self.links.append((project.display(html), doc.links))
            for finding in found:
                self.findings.append(_relocated(finding, text, html, project))
        # The machine-readable set-up files (autoconfig, Autodiscover, profiles, SRV).
        self.findings += setup_findings(project.root, site, self.settings, project.display)


def _source_name(parts: tuple[str, ...]) -> str:
    """``settings/index.html`` → ``settings.md``; ``index.html`` → ``index.md``."""
    if parts and parts[-1] == "index.html":
        parts = parts[:-1]
    elif parts:
        parts = (*parts[:-1], parts[-1].removesuffix(".html"))
    return "/".join(parts) + ".md" if parts else "index.md"


def _relocated(finding: Finding, source: str, html: Path, project: Project) -> Finding:
    """A finding on the built HTML, moved to the line of the source that typed the value."""
    needle = finding.needle or finding.found
    pattern = re.compile(rf"(?<![\w.]){re.escape(needle)}(?![\w])", re.I) if needle else None
    line, column = 1, 1
    for number, text in enumerate(source.split("\n"), start=1):
        match = pattern.search(text) if pattern else None
        if match:
            line, column = number, match.start() + 1
            break
    where = f" [built page {project.display(html)}, line {finding.line}]"
    return replace(finding, line=line, column=column, message=finding.message + where)


def _relocated(finding: Finding, source: str, html: Path, project: Project) -> Finding:
    """A finding on the built HTML, moved to the line of the source that typed the value."""
    needle = finding.needle or finding.found
    pattern = re.compile(rf"(?<![\w.]){re.escape(needle)}(?![\w])", re.I) if needle else None
    line, column = 1, 1
    for number, text in enumerate(source.split("\n"), start=1):
        match = pattern.search(text) if pattern else None
        if match:
            line, column = number, match.start() + 1
            break
    where = f" [built page {project.display(html)}, line {finding.line}]"
    return replace(finding, line=line, column=column, message=finding.message + where)
