"""The wheel holds the app with its templates, static files, catalogs and migrations, and
never the ReAI simulator."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH: run the tests with `uv run pytest`")
    output = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603 - a fixed command line
        [uv, "build", "--wheel", "--out-dir", str(output), str(PROJECT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = output.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_leaves_out_the_simulator(wheel_files: list[str]) -> None:
    assert not [name for name in wheel_files if name.startswith("reai_simulator/")]


@pytest.mark.parametrize(
    "pattern",
    [
        "/web/templates/base.html",
        "/web/static/htmx-2.0.11.min.js",
        "/web/static/htmx-2.0.11.LICENSE.txt",
        "/web/locales/nb/LC_MESSAGES/messages.po",
        "/storage/migrations/env.py",
        "/storage/migrations/versions/0001_initial_schema.py",
    ],
)
def test_wheel_holds_what_the_app_reads_at_run_time(wheel_files: list[str], pattern: str) -> None:
    assert any(name.endswith(pattern) for name in wheel_files)
