"""The documentation builds without warnings: every page is in the navigation and every
link and image resolves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .template import REPOSITORY


def test_docs_build_strictly(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "security" / "index.html").is_file()
