"""The wings of ``macros/`` and the way their imports run (README, "Architecture").

``make test`` runs ``lint-imports`` with the contracts of ``pyproject.toml``; these tests
prove that a broken contract is caught, and check what the contracts cannot say: that no
module takes part in an import cycle, even inside one wing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
WINGS = ("model", "text", "site", "check", "setup", "probe", "importer", "cli")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("macros", include_external_packages=True, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.startswith("macros"))
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in modules)
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(edges[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_every_module_lives_in_a_wing() -> None:
    loose = sorted(p.name for p in (ROOT / "macros").glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside the wings: {loose}"
    for wing in WINGS:
        init = ROOT / "macros" / wing / "__init__.py"
        assert init.is_file(), f"macros/{wing}/ is not a package"
        assert '"""' in init.read_text(encoding="utf-8"), f"macros/{wing}/__init__.py: no docstring"


def test_no_import_cycle(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The test above would pass on a finder that finds nothing: show it one."""
    fake = grimp.ImportGraph()
    for name in ("macros", "macros.a", "macros.b", "macros.c"):
        fake.add_module(name)
    fake.add_import(importer="macros.a", imported="macros.b")
    fake.add_import(importer="macros.b", imported="macros.c")
    fake.add_import(importer="macros.c", imported="macros.a")
    assert _cycles(fake) == [["macros.a", "macros.b", "macros.c"]]


def test_only_cli_parses_arguments(graph: grimp.ImportGraph) -> None:
    importers = graph.find_modules_that_directly_import("argparse")
    assert importers, "the command line parses its arguments with argparse"
    assert sorted(m for m in importers if not m.startswith("macros.cli.")) == []


def test_the_entry_point_only_wires(graph: grimp.ImportGraph) -> None:
    """``macros/__init__.py`` is what mkdocs-macros loads: the site and the model, no more."""
    wings = {
        m.split(".")[1]
        for m in graph.find_modules_directly_imported_by("macros")
        if m.startswith("macros.")
    }
    assert wings <= {"site", "model"}


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to break."""
    shutil.copytree(
        ROOT / "macros", tmp_path / "macros", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("model/settings.py", "import macros.site.render", "model imports no other wing"),
        ("setup/srv.py", "import macros.text.units", "setup imports only model"),
        (
            "probe/wire.py",
            "import macros.model.project, macros.check.findings",
            "probe imports only model",
        ),
        ("site/render.py", "import macros.check.report", "site does not import check"),
        ("check/report.py", "import macros.probe.wire", "check does not import cli or probe"),
        ("check/links.py", "import argparse", "only cli parses arguments"),
    ],
)
def test_a_broken_contract_fails(tree: Path, module: str, line: str, contract: str) -> None:
    path = tree / "macros" / module
    text = path.read_text(encoding="utf-8")
    head = "from __future__ import annotations\n"
    path.write_text(text.replace(head, f"{head}{line}  # noqa\n", 1), encoding="utf-8")
    result = _lint_imports(tree)
    assert result.returncode != 0, result.stdout
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
