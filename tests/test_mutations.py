"""The checker catches every defect ``tests/mutate.py`` puts into the project's pages.

The fixtures of ``test_check.py`` prove the rules on pages written for them;
this proves them on the project's own pages, in every language, so a change
to a page, a label or the checker that lets a broken value through fails here.
"""

from __future__ import annotations

from pathlib import Path

import mutate
from conftest import copy_project


def test_every_mutation_is_caught(tmp_path: Path) -> None:
    report = mutate.run(copy_project(tmp_path / "project"))
    assert not report.unapplied, report.text()
    assert not report.missed, report.text()
    assert report.failed == 0, report.text()
