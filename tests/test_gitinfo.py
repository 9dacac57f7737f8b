"""mkdocs-macros' ``git`` variable is asked of git once per state of the repository, and
asked again after a commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mkdocs_macros import context

from macros.site.gitinfo import remember_git_info, remembered, repository_state


def git(repo: Path, *args: str) -> None:
    who = ["-c", "user.name=Writer", "-c", "user.email=writer@example.org"]
    subprocess.run(["git", *who, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "page.md").write_text("one\n", encoding="utf-8")
    git(tmp_path, "add", "page.md")
    git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_is_asked_once_until_a_commit(repo: Path) -> None:
    asked = []
    original = getattr(context.get_git_info, "remembers", context.get_git_info)

    def ask():
        asked.append(1)
        return original()

    info = remembered(ask)
    first = info()
    assert first["message"] == "first"
    assert info() == first
    assert len(asked) == 1
    (repo / "page.md").write_text("two\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second")
    second = info()
    assert len(asked) == 2
    assert second["message"] == "second"
    assert second["commit"] != first["commit"]


def test_each_caller_gets_its_own_copy(repo: Path) -> None:
    info = remembered(lambda: {"commit": "abc"})
    info()["commit"] = "changed"
    assert info()["commit"] == "abc"


def test_the_answer_just_given_is_remembered(repo: Path) -> None:
    info = remembered(lambda: {"commit": "asked"}, {"commit": "given"})
    assert info()["commit"] == "given"
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    assert info()["commit"] == "asked"


def test_a_new_tag_changes_the_state(repo: Path) -> None:
    before = repository_state(repo)
    git(repo, "tag", "v1")
    assert repository_state(repo) != before


def test_outside_a_repository_the_folder_is_the_state(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    assert repository_state(folder) == (str(folder.resolve()), "no repository")


def test_the_wrapper_is_installed_once() -> None:
    remember_git_info()
    installed = context.get_git_info
    remember_git_info()
    assert context.get_git_info is installed
    assert not hasattr(installed.remembers, "remembers")
