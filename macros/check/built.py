"""The built site: every HTML page held to the same rules as its Markdown, each finding
moved to the line of the source that typed the value; then the set-up files the build
published (autoconfig, Autodiscover, profiles, SRV).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from macros.model.findings import Finding
from macros.model.frontmatter import front_matter
from macros.model.project import Project, mkdocs_config
from macros.text.htmldoc import parse_html

from .claims import extract
from .generated import setup_findings
from .links import check_site_links, site_file
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
            stub = html.read_text(encoding="utf-8")
            redirect = REFRESH.search(stub)
            if redirect:  # an old address kept alive (mkdocs-redirects): its target must exist
                self.files_checked += 1
                self.findings += _broken_redirect(html, site, redirect.group(1), project)
                continue
            lang = relative.parts[0] if relative.parts[0] in languages else default
            parts = relative.parts[1:] if lang != default else relative.parts
            source = project.root / "docs" / lang / _source_name(parts)
            shown = project.display(source if source.exists() else html)
            text = source.read_text(encoding="utf-8") if source.exists() else ""
            meta = front_matter(text, shown)
            doc = parse_html(stub)
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


REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', re.I)


def _broken_redirect(html: Path, site: Path, url: str, project: Project) -> list[Finding]:
    """The redirect of an old address, if the page it sends readers to is not in the site."""
    base = str(mkdocs_config(project.root).get("site_url") or "")
    target = urlsplit(url)
    if target.scheme and not url.startswith(base):
        return []  # another site: checked with the external links
    path = target.path
    prefix = urlsplit(base).path
    if target.scheme and path.startswith(prefix):  # the site's own address: from its root
        path = "/" + path[len(prefix) :]
    if site_file(site, html, path).is_file():
        return []
    old = "/" + html.parent.relative_to(site).as_posix() + "/"
    return [
        Finding(
            project.display(html),
            1,
            1,
            "broken-redirect",
            "error",
            f"the old address {old} redirects to {url}, which is not in the site (fix the "
            "legacy url in the front matter of the page that moved, or restore the page)",
            "an existing page",
            url,
        )
    ]


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
