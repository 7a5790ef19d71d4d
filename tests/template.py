"""Helpers for the template's tests: rendering with Copier and running commands."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
VARIANTS = yaml.safe_load((REPOSITORY / "variants.yml").read_text(encoding="utf-8"))
SUPPORTED: dict[str, dict[str, Any]] = VARIANTS["supported"]
UNSUPPORTED: list[dict[str, Any]] = VARIANTS["unsupported"]

# The PostgreSQL database that rendered projects test against, when one is available.
TEST_DATABASE_URL = "TEST_DATABASE_URL"


def render(destination: Path, answers: dict[str, Any], *, source: Path = REPOSITORY) -> Path:
    """Copy the template with `answers` (defaults for the rest), as `copier copy` does.

    vcs_ref HEAD renders the working tree, uncommitted changes included, rather than the
    newest tag.
    """
    copier.run_copy(
        str(source),
        destination,
        data=answers,
        defaults=True,
        unsafe=False,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


@dataclass
class StepLog:
    """Timings of the commands run for one rendered project."""

    name: str
    steps: list[tuple[str, float, str]] = field(default_factory=list)

    def run(self, label: str, command: list[str], cwd: Path, **env: str) -> str:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - commands are fixed lists
            command,
            cwd=cwd,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        output = result.stdout + result.stderr
        last_line = output.strip().splitlines()[-1] if output.strip() else ""
        self.steps.append((label, seconds, last_line))
        if result.returncode != 0:
            raise AssertionError(
                f"[{self.name}] `{' '.join(command)}` failed with exit code "
                f"{result.returncode}:\n{output[-6000:]}"
            )
        return output
