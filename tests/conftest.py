"""Shared test helpers: fixture folders, expected files and project copies.

Set ``GUIDEKIT_REGEN=1`` to rewrite expected files from the current output
(then review the diff before committing it).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from macros.model.project import copy_project as project_copy
from macros.site.build import QUIET

# Property-based tests (test_fuzz.py): a few hundred examples in `make test`; `make fuzz`
# passes --hypothesis-profile=fuzz for many more.
for name, examples in (("ci", 80), ("fuzz", 3000)):
    settings.register_profile(
        name, max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REGEN = os.environ.get("GUIDEKIT_REGEN") == "1"


def cases(kind: str) -> list[Path]:
    """Every case folder of ``tests/fixtures/<kind>``, for parametrize."""
    return sorted(p for p in (FIXTURES / kind).iterdir() if p.is_dir())


def case_ids(kind: str) -> list[str]:
    return [p.name for p in cases(kind)]


def assert_matches(expected_file: Path, actual: str) -> None:
    """Compare with the expected file, with a unified diff on failure."""
    if REGEN:
        expected_file.write_text(actual, encoding="utf-8")
        return
    expected = expected_file.read_text(encoding="utf-8") if expected_file.exists() else ""
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(expected_file),
                "actual",
            )
        )
        pytest.fail(f"output differs from {expected_file.name}:\n{diff}")


def copy_project(dest: Path) -> Path:
    """A private copy of the project (pages, data, macros) to break and build."""
    return project_copy(ROOT, dest)


def run_guidekit(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The real command line, in a child process, as a user runs it (``env``: more variables)."""
    env = {**os.environ, **QUIET, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "macros.cli.main", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once for the tests that only read it."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_guidekit("--root", str(root), "build", "--quiet")
    assert result.returncode == 0, result.stderr
    return root / "site"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shared",
        default=str(ROOT.parent / "shared"),
        help="folder holding seed/ and corpus/ (legacy guides read, never copied); "
        "the tests that need it are skipped, saying so, when it is absent",
    )


@pytest.fixture(scope="session")
def shared(request: pytest.FixtureRequest) -> Path:
    folder = Path(request.config.getoption("--shared"))
    if not (folder / "seed").is_dir() or not (folder / "corpus").is_dir():
        pytest.skip(f"{folder} not found: the seed and corpus audits were not run")
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Where GUIDEKIT_REQUIRE names a marker (CI sets ``live,browser``), a skipped test of
    that kind fails: the real servers and the browser must have run."""
    outcome = yield
    report = outcome.get_result()
    required = {m for m in os.environ.get("GUIDEKIT_REQUIRE", "").split(",") if m}
    if report.skipped and any(item.get_closest_marker(m) for m in required):
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped, but GUIDEKIT_REQUIRE needs it to run: {reason}"
