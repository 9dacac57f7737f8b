"""The project's own pages: rendered through the macros first, so the check sees what
readers see, and each finding mapped back to the line of the file a writer edits. Values
typed into a macro-driven page are reported as ``hardcoded-value`` warnings; what holds
between languages (translations) and across pages (images) is checked last.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import replace
from functools import partial
from pathlib import Path

from jinja2 import nodes

from macros.model.findings import Finding
from macros.model.frontmatter import FRONT_MATTER, front_matter
from macros.model.project import Project, published_path
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import front_matter_problems, page_context_for
from macros.site.rehearsal import assemble_with_lines
from macros.site.templates import PageSource, check_template
from macros.site.translations import statuses
from macros.text.document import parse

from .claims import extract
from .images import image_findings
from .linemap import line_map, moved, source_line
from .links import anchors_of, check_links
from .offers import Page, host_roles, owners, port_macro
from .run import CheckRun, one_page
from .scan import analyse
from .vocabulary import Vocabulary

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.S)


def blank_templates(body: str) -> str:
    """``body`` with every template expression blanked, its lines kept where they were."""
    return JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


class ProjectChecks(CheckRun):
    def check_project(self, project: Project, languages: list[str], default: str) -> None:
        """Every page of every language, then what holds between them: translations."""
        docs = project.root / "docs"
        for lang in languages:
            for page in sorted((docs / lang).rglob("*.md")):
                self.check_project_page(project, page, lang)
        for status in statuses(project.root, languages, default):
            self.findings += status.findings
        self.findings += image_findings(project.root, languages, default)

    @one_page()
    def check_project_page(self, project: Project, path: Path, lang: str) -> None:
        shown = project.display(path)
        text = self.read(path, shown)
        if text is None:
            return
        meta = front_matter(text, shown)
        match = FRONT_MATTER.match(text)
        head = text[: match.end()] if match else ""
        body = text[len(head) :]
        offset = head.count("\n")
        self.files_checked += 1
        checked = body.lstrip("\n")  # as MkDocs hands it to the macros
        results: dict[Hashable, str] = {}
        trees: dict[str, nodes.Template] = {}
        resolve = partial(published_path, project.root)
        if self._template_problems(project, shown, text, checked, meta, lang, results, trees):
            # A page that must not run is not rendered; its links, anchors and images are
            # still checked, read with every template expression left out, so that one run
            # shows every problem of the page.
            unrendered = parse(blank_templates(body))
            lines = [offset + number for number in range(1, body.count("\n") + 2)]
            links = [replace(link, line=source_line(lines, link.line)) for link in unrendered.links]
            self.links.append((shown, links))
            for finding in check_links(shown, path, unrendered, anchors_of, resolve):
                self.findings.append(moved(finding, lines))
            return
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

    def _hardcoded(self, page: Page, body: str, offset: int, vocab: Vocabulary) -> None:
        """Values typed into a macro-driven page, instead of the macro that renders them."""
        doc = parse(blank_templates(body))
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


def _col(body: str, line: int, needle: str) -> int:
    lines = body.split("\n")
    if 0 < line <= len(lines):
        found = lines[line - 1].lower().find(needle.lower())
        if found >= 0:
            return found + 1
    return 1
