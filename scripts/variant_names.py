"""Print the names of the supported variants in variants.yml as a JSON list.

The CI workflow builds its matrix from this on a runner without PyYAML, so it reads the
top-level keys under `supported:` with a regular expression. A test checks the result
against a real YAML parse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

VARIANTS = Path(__file__).resolve().parents[1] / "variants.yml"
_SUPPORTED_SECTION = re.compile(r"(?ms)^supported:\n(.*?)^\S")
_VARIANT_NAME = re.compile(r"(?m)^  ([a-z0-9-]+):")


def variant_names(text: str) -> list[str]:
    section = _SUPPORTED_SECTION.search(text)
    return _VARIANT_NAME.findall(section.group(1)) if section else []


if __name__ == "__main__":
    print(json.dumps(variant_names(VARIANTS.read_text(encoding="utf-8"))))
