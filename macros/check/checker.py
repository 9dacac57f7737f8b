"""``guidekit check``: which files, in which language, about which offer; then the rules.

Two ways in. Legacy Markdown (a PATH) is read as written. The project's own
pages are rendered through the macros first, so the check sees what readers
see, and findings are mapped back to the line of the source file; their
typed values are also reported as ``hardcoded-value`` warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, partial
from pathlib import Path

from jinja2 import nodes

from macros.model.findings import Finding
from macros.model.frontmatter import FRONT_MATTER, split_front_matter
from macros.model.project import Project, ProjectData, published_path
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import front_matter_problems, page_context_for
from macros.site.rehearsal import assemble_with_lines
from macros.site.templates import PageSource, check_template
from macros.site.translations import statuses
from macros.text.document import parse
from macros.text.htmldoc import parse_html
from macros.text.units import Link

from .claims import extract
from .drift import locale_drift
from .generated import setup_findings
from .images import image_findings
from .linemap import line_map, moved, source_line
from .links import check_links, check_site_links
from .offers import Page, host_roles, offer_of_host, owners, port_macro
from .rules import apply_rules
from .scan import Claim, analyse
from .scan import Context as Analysis
from .vocabulary import Vocabulary

LOCALE_FILE = re.compile(r"^(.+)\.([a-z]{2}(?:[-_][a-z]{2,4})?)\.md$", re.I)
LOCALE_SUFFIX = re.compile(r"\.([a-z]{2})(?:[-_][a-z]{2,4})?\.md$", re.I)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.S)


@dataclass
class Checker:
    """One check run: the data, the vocabularies, and what it found."""

    settings_data: ProjectData
    vocabularies: dict[str, Vocabulary]
    offer_override: str | None = None
    language: str | None = None  # forced language of legacy pages (else guessed)
    stated: dict[Path, tuple[str, list[Claim]]] = field(default_factory=dict)
    files_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    links: list[tuple[str, list[Link]]] = field(default_factory=list)  # for external links

    @property
    def settings(self):
        return self.settings_data.settings

    # -- language and offer ---------------------------------------------------------------

    def vocabulary(self, lang: str | None, text: str) -> Vocabulary:
        if lang in self.vocabularies:
            return self.vocabularies[lang]
        return self.vocabularies.get(guess_language(text, self.vocabularies), self.merged)

    @cached_property
    def merged(self) -> Vocabulary:
        vocabs = list(self.vocabularies.values())
        merged = vocabs[0]
        for other in vocabs[1:]:
            merged = merged.merged(other)
        return merged

    def offer_for(self, meta: dict, ctx: Analysis) -> str:
        named = meta.get("offer")
        if isinstance(named, str) and named in self.settings.offers:
            return named
        votes = Counter(
            offer
            for unit in ctx.doc.units
            for _, _, host, _ in ctx.of(unit).hosts
            if (offer := offer_of_host(self.settings, host))
        )
        if votes:
            return votes.most_common(1)[0][0]
        if self.offer_override:
            return self.offer_override
        title = _squash(str(meta.get("title", "")))
        for key, offer in self.settings.offers.items():
            if title and any(_squash(n) in title for n in (offer.name, *offer.aliases)):
                return key
        return self.settings.default_offer

    # -- legacy Markdown --------------------------------------------------------------------

    def check_file(self, path: Path, shown: str) -> None:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        meta = front_matter(text)
        lang = self.language or meta.get("lang") or meta.get("locale") or language_from_path(path)
        vocab = self.vocabulary(str(lang) if lang else None, text)
        ctx = analyse(parse(text), vocab)
        offer = self.offer_for(meta, ctx)
        self.files_checked += 1
        claims = self._claims(Page(shown, offer, self.settings), ctx)
        self.findings += check_links(shown, path, ctx.doc, anchors_of)
        self.links.append((shown, ctx.doc.links))
        self.stated[path] = (shown, claims)

    def _claims(self, page: Page, ctx: Analysis, lines=None) -> list[Claim]:
        claims = extract(ctx)
        for finding in apply_rules(page, claims, ctx):
            self.findings.append(moved(finding, lines) if lines else finding)
        return claims

    def check_locales(self, source_lang: str) -> None:
        """Legacy trees keep one file per locale (``guide.fr-fr.md``, ``guide.it-it.md``):
        a translation must state the hosts, ports and security of its source locale."""
        groups: dict[tuple[Path, str], dict[str, Path]] = {}
        for path in self.stated:
            match = LOCALE_FILE.match(path.name)
            if match:
                groups.setdefault((path.parent, match.group(1)), {})[match.group(2)] = path
        for locales in groups.values():
            source = next((p for loc, p in locales.items() if loc.startswith(source_lang)), None)
            if source is None or len(locales) < 2:
                continue
            source_shown, source_claims = self.stated[source]
            for path in locales.values():
                if path != source:
                    shown, claims = self.stated[path]
                    self.findings += locale_drift(shown, claims, source_shown, source_claims)

    # -- the project's pages ------------------------------------------------------------------

    def check_project(self, project: Project, languages: list[str], default: str) -> None:
        """Every page of every language, then what holds between them: translations."""
        docs = project.root / "docs"
        for lang in languages:
            for page in sorted((docs / lang).rglob("*.md")):
                self.check_project_page(project, page, lang)
        for status in statuses(project.root, languages, default):
            self.findings += status.findings
        self.findings += image_findings(project.root, languages, default)

    def check_project_page(self, project: Project, path: Path, lang: str) -> None:
        shown = project.display(path)
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        meta = front_matter(text)
        match = FRONT_MATTER.match(text)
        head = text[: match.end()] if match else ""
        body = text[len(head) :]
        offset = head.count("\n")
        self.files_checked += 1
        checked = body.lstrip("\n")  # as MkDocs hands it to the macros
        results: dict[Hashable, str] = {}
        trees: dict[str, nodes.Template] = {}
        if self._template_problems(project, shown, text, checked, meta, lang, results, trees):
            return  # a page that must not run is not rendered
        offer = str(meta.get("offer") or self.settings.default_offer)
        page = Page(shown, offer, self.settings, macros=True)
        assembled = assemble_with_lines(trees[checked], results) if checked in trees else None
        if assembled is not None:  # exact lines, from the check's own results
            rendered, template_lines = assembled
            before = offset + body.count("\n", 0, len(body) - len(checked))
            lines = [before + line for line in template_lines]
        else:
            context = page_context_for(self.settings_data, lang, meta)
            rendered = render_markdown(body, context, page_variables(meta), project.root)
            lines = line_map(body, rendered, offset)
        vocab = self.vocabulary(lang, rendered)
        ctx = analyse(parse(rendered), vocab)
        self._claims(page, ctx, lines)
        resolve = partial(published_path, project.root)
        self.links.append(
            (shown, [replace(link, line=source_line(lines, link.line)) for link in ctx.doc.links])
        )
        for finding in check_links(shown, path, ctx.doc, anchors_of, resolve):
            self.findings.append(moved(finding, lines))
        self._hardcoded(page, body, offset, vocab)

    def _template_problems(
        self,
        project: Project,
        shown: str,
        text: str,
        body: str,
        meta: dict,
        lang: str,
        results: dict[Hashable, str],
        trees: dict[str, nodes.Template],
    ) -> bool:
        """Front matter and Jinja a page must not have, as findings; True when there are any.
        ``body`` is the page's text after its front matter, as MkDocs hands it to the macros;
        what the check ran and parsed goes into ``results`` and ``trees`` (check_template)."""
        problems = front_matter_problems(shown, text, meta, self.settings_data)
        rule = "value-mismatch"
        if not problems:
            rule = "forbidden-template"
            context = page_context_for(self.settings_data, lang, meta)
            source = PageSource.from_file_text(shown, text, body)
            macros = make_macros(lambda: context, project.root)
            env = jinja_environment()
            problems = check_template(source, env, macros, {"page", *meta}, results, trees)
        for problem in problems:
            self.findings.append(
                Finding(shown, problem.line, 1, rule, "error", problem.message, "", problem.where)
            )
        return bool(problems)

    # -- the built site ------------------------------------------------------------------------

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
            meta = front_matter(text)
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

    def _hardcoded(self, page: Page, body: str, offset: int, vocab: Vocabulary) -> None:
        """Values typed into a macro-driven page, instead of the macro that renders them."""
        masked = JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
        doc = parse(masked)
        ctx = analyse(doc, vocab)
        offer = page.offer
        for claim in extract(ctx):
            line = claim.line + offset
            if claim.port is not None and not claim.host and owners(offer, claim.port):
                protocol, entry = owners(offer, claim.port)[0]
                fix = port_macro(protocol, entry)
                found = f"port {claim.port}"
            elif claim.host and host_roles(offer, claim.host):
                protocol = sorted(host_roles(offer, claim.host))[0]
                fix = f"{{{{ host('{protocol}') }}}}"
                found = claim.host
            else:
                continue
            self.findings.append(
                Finding(
                    page.path,
                    line,
                    _col(body, claim.line, claim.text),
                    "hardcoded-value",
                    "warning",
                    f"{found} is typed into a macro-driven page: it will not follow the data "
                    f"(use {fix})",
                    fix,
                    claim.text,
                )
            )


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


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _col(body: str, line: int, needle: str) -> int:
    lines = body.split("\n")
    if 0 < line <= len(lines):
        found = lines[line - 1].lower().find(needle.lower())
        if found >= 0:
            return found + 1
    return 1


def front_matter(text: str) -> dict:
    return split_front_matter(text)[0]


def language_from_path(path: Path) -> str | None:
    match = LOCALE_SUFFIX.search(path.name)
    if match:
        return match.group(1).lower()
    return None


def guess_language(text: str, vocabularies: dict[str, Vocabulary]) -> str | None:
    """The language whose own words (not shared acronyms) occur most in ``text``."""
    scores = {}
    sample = text[:4000]  # enough prose to tell languages apart, at a bounded cost
    for lang, vocab in vocabularies.items():
        hits = vocab.scan(sample)
        scores[lang] = sum(1 for h in hits if h.kind not in ("protocol", "security"))
    best = max(scores.values(), default=0)
    winners = [lang for lang, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


@cache
def _anchors_cached(path: Path, mtime: float) -> frozenset[str]:
    return frozenset(parse(path.read_text(encoding="utf-8-sig")).anchors)


def anchors_of(path: Path) -> set[str] | None:
    try:
        return set(_anchors_cached(path, path.stat().st_mtime))
    except (OSError, UnicodeDecodeError):
        return None
