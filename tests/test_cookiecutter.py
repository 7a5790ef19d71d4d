"""Cookiecutter users get the same project as Copier users, from the same repository.

cookiecutter.json is generated from copier.yml, and hooks/post_gen_project.py hands the
answers to Copier. These tests render with both tools and compare the trees byte for byte,
then update the cookiecutter-made project with Copier.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from cookiecutter.main import cookiecutter

from .template import REPOSITORY, SUPPORTED
from .test_update import IGNORED, commit_all, git, replace_once

COOKIECUTTER = Path(sys.executable).with_name("cookiecutter")


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A committed copy of this repository, so that both tools render the same commit."""
    copy = tmp_path / "template"
    shutil.copytree(REPOSITORY, copy, ignore=IGNORED)
    git(copy, "init", "--quiet", "--initial-branch", "main")
    commit_all(copy, "The template")
    return copy


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` but .env, whose keys are random on every copy."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".env" and ".git" not in path.parts
    }


def env_keys(root: Path) -> list[str]:
    return [line.split("=", 1)[0] for line in (root / ".env").read_text().splitlines()]


def test_cookiecutter_json_matches_copier_yml() -> None:
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, str(REPOSITORY / "scripts" / "cookiecutter_json.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("variant", ["default", "norwegian", "postgres"])
def test_both_tools_write_the_same_project(tmp_path: Path, template: Path, variant: str) -> None:
    answers: dict[str, Any] = SUPPORTED[variant]
    by_copier = tmp_path / "copier" / "project"
    copier.run_copy(str(template), by_copier, data=answers, defaults=True, quiet=True)

    output = tmp_path / "cookiecutter"
    by_cookiecutter = Path(
        cookiecutter(str(template), no_input=True, extra_context=answers, output_dir=str(output))
    )

    assert tree(by_cookiecutter) == tree(by_copier)
    assert env_keys(by_cookiecutter) == env_keys(by_copier)
    assert (by_cookiecutter / ".env").read_bytes() != (by_copier / ".env").read_bytes()


def test_cookiecutter_project_updates_with_copier(tmp_path: Path, template: Path) -> None:
    project = Path(cookiecutter(str(template), no_input=True, output_dir=str(tmp_path / "out")))
    git(project, "init", "--quiet", "--initial-branch", "main")
    commit_all(project, "Generate the app with cookiecutter")
    replace_once(
        template / "template/src/{{package_name}}/web/htmx.py",
        'HX_CURRENT_URL = "HX-Current-URL"\n',
        'HX_CURRENT_URL = "HX-Current-URL"\nHX_TARGET = "HX-Target"\n',
    )
    commit_all(template, "A template fix")

    copier.run_update(project, defaults=True, overwrite=True, unsafe=False, quiet=True)

    assert "HX_TARGET" in (project / "src/my_reai_app/web/htmx.py").read_text()
    status = git(project, "status", "--porcelain")
    assert [line for line in status.splitlines() if line.startswith(("UU", "AA"))] == []
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(template)


def run_cookiecutter(cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command line from `cwd`, as from a shell there."""
    return subprocess.run(  # noqa: S603 - a fixed command line
        [str(COOKIECUTTER), "--no-input", *arguments],
        cwd=cwd,
        env={**os.environ, "PWD": str(cwd)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_command_line_with_relative_path_and_extra_context(tmp_path: Path, template: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()

    result = run_cookiecutter(
        work, "../template", "project_name=Timesheet Viewer", "ui_language=nb"
    )

    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((work / "timesheet-viewer" / ".copier-answers.yml").read_text())
    assert answers["project_slug"] == "timesheet-viewer"
    assert answers["ui_language"] == "nb"
    assert answers["_src_path"] == str(template)


def test_git_url_works(tmp_path: Path, template: Path) -> None:
    url = f"git+file://{template}"

    result = run_cookiecutter(tmp_path, url, "--config-file", os.devnull)

    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "my-reai-app" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == url


@pytest.mark.parametrize(
    "answers",
    [
        {"scopes": "employee:read,department:read"},
        {"public_url": "http://employees.example.no"},
        {"storage_backend": "mysql"},
    ],
)
def test_bad_answer_fails_with_copiers_message(
    tmp_path: Path, template: Path, answers: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match=r"Validation error|Invalid choice") as copier_error:
        copier.run_copy(
            str(template), tmp_path / "copier", data=answers, defaults=True, quiet=True
        )

    result = run_cookiecutter(
        tmp_path, str(template), *[f"{name}={value}" for name, value in answers.items()]
    )

    assert result.returncode != 0
    assert str(copier_error.value) in result.stderr
    assert not (tmp_path / "my-reai-app").exists()


def test_hook_names_the_command_when_copier_is_missing(tmp_path: Path) -> None:
    hook = (REPOSITORY / "hooks" / "post_gen_project.py").read_text()
    rendered = tmp_path / "hook.py"
    rendered.write_text(
        hook.replace("{{ cookiecutter | jsonify }}", '{"_template": "gh:example/template"}')
    )

    # -S leaves out site-packages, so only the standard library can be imported.
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-S", str(rendered)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "pip install copier==9.19.1" in result.stderr
    assert "uvx copier@9.19.1 copy gh:example/template <destination>" in result.stderr
