"""Build the site aside, then swap it in: a failed build never touches ``site/``.

The real ``mkdocs build --strict`` runs in a child process (mkdocs-macros
ends the process on a render error), into a fresh folder next to ``site/``;
only a complete build replaces the published one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from macros.model.project import Project, load_project
from macros.model.sourcemap import DataError


# The notices Material and mkdocs-redirects print on every build, about MkDocs 2: read once.
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def mkdocs_env() -> dict[str, str]:
    return {**os.environ, **QUIET}


def build_site(root: Path, site_dir: Path | None = None, quiet: bool = False) -> int:
    """Return 0 when ``site_dir`` holds a new complete site, 1 when it was left as it was."""
    project = Project(root)
    target = site_dir or root / "site"
    try:
        load_project(project)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"Nothing was built; {target} is unchanged.", file=sys.stderr)
        return 1
    staging = target.with_name(f".{target.name}-build")
    shutil.rmtree(staging, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(staging)]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(command, cwd=root, env=mkdocs_env(), check=False)
    if result.returncode != 0 or not (staging / "index.html").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        print(f"The build failed; {target} is unchanged.", file=sys.stderr)
        return 1
    retired = target.with_name(f".{target.name}-old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return 0
