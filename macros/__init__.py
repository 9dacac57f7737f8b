"""mkdocs-macros entry point: wires the settings and the macros into MkDocs.

Everything here is plumbing; the logic lives in the modules it imports.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from macros.model.project import Project, load_project
from macros.model.sourcemap import DataError
from macros.site.gitinfo import remember_git_info
from macros.site.guide import make_macros
from macros.site.pages import Rehearsal, page_context, page_problems


def define_env(env) -> None:
    project = Project(Path(env.project_dir))
    try:
        data = load_project(project)
    except DataError as exc:
        raise PluginError(f"invalid data, nothing was built:\n{exc}") from None
    remember_git_info(env.variables.get("git"))
    # Kept on the plugin, not in its variables: pages may not use them, and mkdocs-macros
    # turns every variable into JSON for a debug line at the start of each build.
    rehearsal = Rehearsal()
    env.guidekit = (data, rehearsal)

    def current():
        return page_context(data, env.page, env.conf)

    def page() -> str:
        return env.page.file.abs_src_path

    for name, fn in make_macros(current, project.root).items():
        env.macro(rehearsal.reusing(name, fn, page), name)


def on_pre_page_macros(env) -> None:
    data, rehearsal = env.guidekit
    problems = page_problems(env, Path(env.project_dir), data, rehearsal)
    if problems:
        raise PluginError("\n".join(str(p) for p in problems))
