"""Generate cookiecutter.json from copier.yml, so that both tools ask the same questions.

    uv run python scripts/cookiecutter_json.py          # rewrite cookiecutter.json
    uv run python scripts/cookiecutter_json.py --check  # exit 1 if it is out of date

A question whose Copier default depends on earlier answers gets an empty default here:
the cookiecutter hook leaves it out, and Copier derives it exactly as `copier copy` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
COPIER_YML = REPOSITORY / "copier.yml"
COOKIECUTTER_JSON = REPOSITORY / "cookiecutter.json"

# Cookiecutter names the project directory after this variable. It is rendered but never
# asked, because its name starts with two underscores.
PROJECT_DIRECTORY = "{{ cookiecutter.project_slug or (cookiecutter.project_name | slugify) }}"
DERIVED_NOTE = "Leave empty for the default, derived from the earlier answers."


def build() -> dict[str, Any]:
    questions = {
        name: spec
        for name, spec in yaml.safe_load(COPIER_YML.read_text(encoding="utf-8")).items()
        if not name.startswith("_")
    }
    context: dict[str, Any] = {}
    prompts: dict[str, Any] = {}
    for name, spec in questions.items():
        help_text = " ".join(str(spec.get("help", name)).split())
        default = spec.get("default", "")
        if "choices" in spec:
            # A plain string rather than a cookiecutter choice list: cookiecutter would
            # reject a wrong choice with a message of its own, before Copier sees it.
            options = ", ".join(f"{value} for {label}" for label, value in spec["choices"].items())
            context[name] = default
            prompts[name] = f"{help_text} Choose one of: {options}."
        elif isinstance(default, str) and "{{" in default:
            context[name] = ""
            prompts[name] = f"{help_text} {DERIVED_NOTE}"
        else:
            context[name] = default
            prompts[name] = help_text
    context["__project_dir"] = PROJECT_DIRECTORY
    context["__prompts__"] = prompts
    return context


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that it is current")
    arguments = parser.parse_args()
    expected = render()
    if arguments.check:
        current = (
            COOKIECUTTER_JSON.read_text(encoding="utf-8") if COOKIECUTTER_JSON.exists() else ""
        )
        if current != expected:
            print(
                "cookiecutter.json does not match copier.yml: run "
                "`uv run python scripts/cookiecutter_json.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    COOKIECUTTER_JSON.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
