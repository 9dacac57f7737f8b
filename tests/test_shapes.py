"""Guards against hanging: the check ends on each long shape at its largest benchmark size.

Not a speed test (``benchmarks/bench_check.py --shapes`` measures the growth): a generous
timeout turns a return of quadratic time into a failure instead of a CI run that never ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT

from macros.check.checker import Checker
from macros.check.vocabulary import load_vocabulary
from macros.model.project import Project, load_project

sys.path.insert(0, str(ROOT / "benchmarks"))

from shapes import SHAPES


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", SHAPES)
def test_the_check_ends_on_a_long_shape(tmp_path: Path, name: str) -> None:
    make, base = SHAPES[name]
    page = tmp_path / "page.en.md"
    page.write_text(make(base * 16), encoding="utf-8")
    checker = Checker(load_project(Project(ROOT)), load_vocabulary(ROOT / "data/vocabulary"))
    checker.check_file(page, "page.en.md")
    assert checker.files_checked == 1
    lines = page.read_text(encoding="utf-8").count("\n") + 1
    assert all(1 <= f.line <= lines for f in checker.findings)
