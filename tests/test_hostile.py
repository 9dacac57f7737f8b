"""Hostile and unlucky input: YAML that would explode, files that cannot be read.

Each case must end quickly with a message naming the file and the line (the timeouts are
guards against hanging, not speed tests).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import run_guidekit

from macros.model.sourcemap import DataError, parse_yaml
from macros.model.validation import load_settings

LEVELS = "abcdefgh"


def bomb(indent: str = "") -> str:
    """A "billion laughs": eight levels of nine aliases, under 600 bytes, 9^8 leaves."""
    lines = [f'{indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in itertools.pairwise(LEVELS):
        refs = ",".join([f"*{previous}"] * 9)
        lines.append(f"{indent}{name}: &{name} [{refs}]")
    return "\n".join(lines) + "\n"


def test_the_bomb_is_small() -> None:
    assert len(bomb()) < 600


@pytest.mark.timeout(30)
def test_a_settings_file_of_aliases_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yml"
    path.write_text("default_offer: mx-plan\n" + bomb(), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_settings(path, "data/settings.yml")
    message = str(caught.value)
    assert message.startswith("data/settings.yml:3: YAML alias *a")
    assert "write the value out" in message


@pytest.mark.timeout(30)
def test_one_alias_is_refused_too() -> None:
    with pytest.raises(DataError, match=r"labels\.yml:2: YAML alias \*x"):
        parse_yaml("x: &x 1\ny: *x\n", "labels.yml")


def test_an_ampersand_or_a_star_alone_is_fine() -> None:
    value, _ = parse_yaml("name: 'Tom & Jerry'\nnote: '*bold*'\n", "clients.yml")
    assert value == {"name": "Tom & Jerry", "note": "*bold*"}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "data", ["data/translations.yml", "data/vocabulary/en.yml", "data/labels/fr.yml"]
)
def test_every_data_file_refuses_aliases(project: Path, data: str) -> None:
    path = project / data
    path.write_text(path.read_text(encoding="utf-8") + "\n" + bomb(), encoding="utf-8")
    result = run_guidekit("--root", str(project), "check")
    assert result.returncode == 2
    assert f"{data}:" in result.stderr
    assert "YAML alias" in result.stderr


@pytest.mark.timeout(60)
def test_a_page_whose_front_matter_holds_aliases_stops_the_check(project: Path) -> None:
    page = project / "docs/en/index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("---\n", "---\n" + bomb(), 1), encoding="utf-8")
    result = run_guidekit("--root", str(project), "check")
    assert result.returncode == 2
    assert "docs/en/index.md:3: YAML alias *a" in result.stderr


@pytest.mark.build
@pytest.mark.timeout(120)
def test_a_page_whose_front_matter_holds_aliases_stops_the_build(project: Path) -> None:
    page = project / "docs/de/index.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("---\n", "---\n" + bomb(), 1), encoding="utf-8")
    result = run_guidekit("--root", str(project), "build", "--quiet")
    assert result.returncode != 0
    assert "docs/de/index.md:3: YAML alias *a" in result.stdout + result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("default_offer: x\n\x1f\n", 2, "YAML cannot read this line"),  # a control character
        ("a: 1\nb: !!python/object:os.system x\n", 2, "no !! tags"),
        ("{port: 993}: 1\n", 1, "a key must be a plain name"),
        ("a: 1\x85b: [\n", 2, "YAML syntax error"),  # U+0085 breaks YAML lines, not files
    ],
)
def test_yaml_that_cannot_be_read_gets_a_placed_problem(text: str, line: int, words: str) -> None:
    """Found by the fuzzing (test_fuzz.py): each escaped as a traceback before."""
    with pytest.raises(DataError) as caught:
        parse_yaml(text, "data/x.yml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("data/x.yml", line)
    assert words in problem.message
