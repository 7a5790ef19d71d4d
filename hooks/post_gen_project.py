"""Cookiecutter entry point: generate the project with Copier, from the same template.

Cookiecutter has rendered an empty project directory and runs this script inside it. The
script passes the answers to Copier's API, so that both tools write the same files,
including the answers file that `copier update` reads later. Cookiecutter renders this
file with Jinja first; CONTEXT below is the only line it changes.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

CONTEXT: dict[str, Any] = json.loads(r"""{{ cookiecutter | jsonify }}""")

COPIER_REQUIREMENT = "copier==9.19.1"
PLACEHOLDER = ".cookiecutter-placeholder"

# The repository URLs that cookiecutter itself recognises, plus its abbreviations.
_URL = re.compile(r"^((((git|hg)\+)?(git|ssh|file|https?):(//)?)|(\w+@[\w.]+)|(gh|gl|bb):)")


def template_source() -> str:
    """Return the template location to give Copier, as an absolute path or a URL."""
    template = str(CONTEXT["_template"])
    if _URL.match(template):
        return template
    repository = Path(str(CONTEXT["_repo_dir"]))
    if repository.is_absolute():
        return str(repository)
    # Cookiecutter passes a local template as typed, relative to where it started, but
    # runs this script in the new project's directory. The shell's PWD still names the
    # starting directory.
    start = os.environ.get("PWD")
    if start and (Path(start) / repository / "copier.yml").is_file():
        return str((Path(start) / repository).resolve())
    raise SystemExit(
        f"cannot find the template {template!r} from {Path.cwd()}: pass cookiecutter an "
        "absolute path or a git URL"
    )


def answers() -> dict[str, Any]:
    """Return the answers to Copier's questions, leaving empty ones to Copier's defaults."""
    return {
        name: value
        for name, value in CONTEXT.items()
        if not name.startswith("_") and value not in ("", None)
    }


def main() -> int:
    try:
        import copier
    except ImportError:
        print(
            "error: this template is rendered by Copier, which is not installed in the Python "
            f"that runs cookiecutter ({sys.executable}). Install it there with "
            f"`pip install {COPIER_REQUIREMENT}`, run `uvx --with {COPIER_REQUIREMENT} "
            "cookiecutter ...`, or generate the app with "
            f"`uvx copier@9.19.1 copy {CONTEXT['_template']} <destination>` instead.",
            file=sys.stderr,
        )
        return 1

    project = Path.cwd()
    (project / PLACEHOLDER).unlink(missing_ok=True)
    try:
        copier.run_copy(
            template_source(),
            project,
            data=answers(),
            defaults=True,
            overwrite=True,
            unsafe=False,
            vcs_ref=CONTEXT.get("_checkout") or None,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
