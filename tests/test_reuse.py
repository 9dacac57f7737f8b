"""What the build reuses instead of computing again — the data, parsed pages, the template
check's results — gives exactly what computing again gives, and is dropped when its source
changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_project
from jinja2 import nodes

from macros.check.linemap import line_map
from macros.model.frontmatter import split_front_matter
from macros.model.project import Project, load_project, site_languages
from macros.model.sourcemap import DataError
from macros.site.guide import make_macros
from macros.site.jinja import jinja_environment
from macros.site.pagerender import page_variables, render_markdown
from macros.site.pages import page_context_for
from macros.site.rehearsal import Rehearsal, assemble, assemble_with_lines, every_node, parse
from macros.site.templates import PageSource, check_template

DATA = load_project(Project(ROOT))
LANGUAGES, _ = site_languages(ROOT)
PAGES = sorted(p for lang in LANGUAGES for p in (ROOT / "docs" / lang).rglob("*.md"))


def checked(text: str, lang: str = "en", root: Path | None = ROOT):
    """(tree, results, what Jinja renders) for a page, as the build checks and renders it."""
    meta, body, _ = split_front_matter(text)
    body = body.lstrip("\n")
    ctx = page_context_for(DATA, lang, meta)
    macros = make_macros(lambda: ctx, root)
    env = jinja_environment(keep_trailing_newline=False)  # as mkdocs-macros sets it
    env.globals.update(macros)
    results: dict = {}
    trees: dict = {}
    source = PageSource("page.md", body)
    problems = check_template(source, env, macros, {"page", *meta}, results, trees)
    assert problems == []
    rendered = env.from_string(body).render(**page_variables(meta))
    return trees[body], results, rendered


def test_every_assembled_page_is_what_jinja_renders() -> None:
    assembled = 0
    for page in PAGES:
        lang = page.relative_to(ROOT / "docs").parts[0]
        tree, results, rendered = checked(page.read_text(encoding="utf-8"), lang)
        text = assemble(tree, results)
        if text is not None:
            assert text == rendered, page
            assembled += 1
    assert assembled > len(PAGES) // 2  # the project's pages only print text and macro calls


@pytest.mark.parametrize(
    "body",
    [
        "{% for p in ['imap', 'pop3'] %}{{ port(p) }}\n{% endfor %}",
        "Title: {{ page.title }}\n",
        "{{ host('imap') | upper }}\n",
        "{{ host(protocol) }}\n{% set protocol = 'imap' %}\n",
        "{% if true %}{{ login() }}{% endif %}\n",
        "{% set port = 'typed by hand' %}{{ port('imap') }}\n",
    ],
    ids=["loop", "page-variable", "filter", "set-after-use", "condition", "macro-hidden"],
)
def test_pages_doing_more_than_printing_are_left_to_jinja(body: str) -> None:
    meta, text, _ = split_front_matter(f"---\ntitle: T\n---\n\n{body}")
    env = jinja_environment(keep_trailing_newline=False)
    macros = make_macros(lambda: page_context_for(DATA, "en", meta))
    results: dict = {}
    check_template(PageSource("p.md", text), env, macros, {"page", *meta}, results)
    assert assemble(parse(env, text), results) is None


def test_a_constant_set_once_is_passed_to_the_macro_as_written() -> None:
    page = "---\ntitle: T\n---\n\n{% set p = 'pop3' %}\nPort: {{ port(p) }} or {{ port('imap') }}\n"
    tree, results, rendered = checked(page)
    assert assemble(tree, results) == rendered
    assert "995" in rendered
    assert "993" in rendered


def test_a_call_the_check_did_not_run_is_not_assembled() -> None:
    tree, results, _ = checked("---\ntitle: T\n---\n\n{{ port('imap') }}\n")
    assert assemble(tree, {}) is None
    assert assemble(tree, results) is not None


def test_the_rehearsal_answers_only_for_the_page_it_checked() -> None:
    rehearsal = Rehearsal()
    env = jinja_environment(keep_trailing_newline=False)
    rehearsal.start("docs/en/a.md", env)
    calls = []

    def port(protocol: str) -> str:
        calls.append(protocol)
        return f"computed {protocol}"

    current = ["docs/en/a.md"]
    macro = rehearsal.reusing("port", port, lambda: current[0])
    rehearsal.results[("port", ("imap",), ())] = "checked imap"
    assert macro("imap") == "checked imap"
    assert calls == []
    current[0] = "docs/en/b.md"  # another page: its own value, computed
    assert macro("imap") == "computed imap"
    assert macro(["unhashable"]) == "computed ['unhashable']"
    assert calls == ["imap", ["unhashable"]]


def test_the_rehearsed_environment_renders_checked_pages_and_compiles_others() -> None:
    rehearsal = Rehearsal()
    env = jinja_environment(keep_trailing_newline=False)
    env.globals["shout"] = lambda word: word.upper()
    rehearsal.start("p.md", env)
    body = "Say {{ shout('hi') }}.\n"
    check_template(
        PageSource("p.md", body),
        env,
        {"shout": env.globals["shout"]},
        (),
        rehearsal.results,
        rehearsal.trees,
    )
    rehearsal.results[("shout", ("hi",), ())] = "HI (checked)"
    assert env.from_string(body).render() == "Say HI (checked)."
    assert env.from_string(body).render() == "Say HI."  # used once: compiled the next time
    assert env.from_string("{{ shout('a') ~ shout('b') }}").render() == "AB"


def test_parsed_pages_are_shared_and_trailing_newlines_do_not_count() -> None:
    env = jinja_environment(keep_trailing_newline=False)
    assert parse(env, "a {{ b() }}\n") is parse(env, "a {{ b() }}")
    assert parse(env, "a {{ b() }}") is not parse(env, "a {{ c() }}")
    keeping = jinja_environment()
    assert parse(keeping, "a {{ b() }}\n") is not parse(keeping, "a {{ b() }}")


NESTED = (
    "{% set q = 1 %}{% for x in y %}{{ x | upper }}{% if a.b %}{{ f(1, b=[2, c]) }}"
    "{% else %}{{ g(*d, **e) }}{% endif %}{% endfor %}{% include 'snippets/a.md' %}"
)


@pytest.mark.parametrize(
    "text",
    [NESTED, *(p.read_text(encoding="utf-8") for p in PAGES)],
    ids=["nested", *(p.relative_to(ROOT / "docs").as_posix() for p in PAGES)],
)
def test_the_walk_of_a_tree_finds_what_jinja_finds_in_its_order(text: str) -> None:
    tree = jinja_environment().parse(text)
    jinja = list(tree.find_all(nodes.Node))
    assert len(jinja) > 1
    assert [id(n) for n in every_node(tree)] == [id(n) for n in jinja]
    assert every_node(tree) is every_node(tree)  # one walk per tree


def test_the_data_is_loaded_again_when_a_data_file_changes(tmp_path: Path) -> None:
    project = Project(copy_project(tmp_path / "project"))
    first = load_project(project)
    assert load_project(project) is first
    labels = project.labels_dir / "en.yml"
    text = labels.read_text(encoding="utf-8")
    assert "  ssl_off: SSL off\n" in text
    labels.write_text(text.replace("  ssl_off: SSL off\n", "  ssl_off: SSL disabled\n"))
    second = load_project(project)
    assert second is not first
    assert second.labels["en"]("table.ssl_off") == "SSL disabled"
    settings = project.settings_path
    settings.write_text(settings.read_text(encoding="utf-8") + "\n  broken: [\n")
    with pytest.raises(DataError, match=r"data/settings\.yml:\d+"):
        load_project(project)


def test_assembled_lines_are_the_lines_the_regex_alignment_finds() -> None:
    """``guidekit check`` maps each line of a page it assembled to its source line from the
    template itself; for the project's pages that is what aligning the text finds."""
    for page in PAGES:
        lang = page.relative_to(ROOT / "docs").parts[0]
        meta, body, _ = split_front_matter(page.read_text(encoding="utf-8"))
        checked = body.lstrip("\n")
        ctx = page_context_for(DATA, lang, meta)
        macros = make_macros(lambda ctx=ctx: ctx, ROOT)
        results: dict = {}
        trees: dict = {}
        env = jinja_environment()  # the checker's, which keeps the last newline
        check_template(PageSource("p.md", checked), env, macros, {"page", *meta}, results, trees)
        assembled = assemble_with_lines(trees[checked], results)
        assert assembled is not None, page
        rendered, lines = assembled
        assert rendered == render_markdown(checked, ctx, page_variables(meta), ROOT), page
        aligned = line_map(checked, rendered, 0)
        assert len(lines) == len(aligned), page
        # Only blank lines may differ (the one after a macro's last newline): no finding
        # ever points at one.
        rows = zip(rendered.split("\n"), lines, aligned, strict=True)
        for number, (text, line, found) in enumerate(rows, start=1):
            assert line == found or not text.strip(), (page, number)
