"""Every supported variant renders into a project whose own checks pass.

For each variant in variants.yml: render it, install it with uv, check formatting, lint
and types, then run its test suite. Its PostgreSQL tests run when TEST_DATABASE_URL is
set; for the PostgreSQL variant that is required.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from .template import SUPPORTED, TEST_DATABASE_URL, StepLog, render

# Files where Jinja syntax is expected in the output: the app's own page templates, and
# the vendored htmx.
JINJA_OUTPUT_ALLOWED = re.compile(r"(/templates/.*\.html$|/static/htmx-[\d.]+\.min\.js$)")
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def project_environment() -> dict[str, str]:
    """Environment for commands in a rendered project: its own venv, not ours."""
    environment = {"VIRTUAL_ENV": "", "UV_NO_PROGRESS": "1"}
    if url := os.environ.get(TEST_DATABASE_URL):
        environment[TEST_DATABASE_URL] = url
    return environment


@pytest.mark.parametrize("variant", sorted(SUPPORTED))
def test_variant_passes_its_own_checks(tmp_path: Path, step_log: StepLog, variant: str) -> None:
    answers: dict[str, Any] = SUPPORTED[variant]
    if answers.get("storage_backend") == "postgres" and not os.environ.get(TEST_DATABASE_URL):
        pytest.skip(f"set {TEST_DATABASE_URL} to a PostgreSQL URL to check the postgres variant")
    env = project_environment()

    started = time.perf_counter()
    project = render(tmp_path / variant, answers)
    step_log.steps.append(("render", time.perf_counter() - started, str(project)))

    step_log.run("install", ["uv", "sync", "--all-extras"], project, **env)
    step_log.run("format", ["uv", "run", "ruff", "format", "--check", "."], project, **env)
    step_log.run("lint", ["uv", "run", "ruff", "check", "."], project, **env)
    step_log.run("types", ["uv", "run", "mypy"], project, **env)
    output = step_log.run(
        "tests", ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"], project, **env
    )

    summary = output.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), summary
    assert "failed" not in summary
    assert "error" not in summary


@pytest.mark.parametrize("variant", sorted(SUPPORTED))
def test_variant_has_no_leftover_jinja(tmp_path: Path, variant: str) -> None:
    project = render(tmp_path / variant, SUPPORTED[variant])

    for path in sorted(project.rglob("*")):
        relative = "/" + path.relative_to(project).as_posix()
        if not path.is_file() or ".git/" in relative or JINJA_OUTPUT_ALLOWED.search(relative):
            continue
        text = path.read_text(encoding="utf-8")
        if relative.startswith("/.github/workflows/"):
            # GitHub's own expressions, ${{ ... }}, are meant to be there.
            text = GITHUB_EXPRESSION.sub("", text)
        for marker in ("{{", "{%", "{#", ".jinja"):
            assert marker not in text, f"{relative} contains {marker!r}"
    assert not list(project.rglob("*.jinja"))
