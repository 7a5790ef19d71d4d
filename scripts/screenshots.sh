#!/usr/bin/env bash
# Take the screenshots in docs/screenshots: render the default variant and run its browser
# tests, which save a PNG of each page when SCREENSHOT_DIR is set. Needs Chromium.
set -euo pipefail
repository=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$repository"
uv run copier copy --defaults --vcs-ref HEAD --quiet . "$work/app"
cd "$work/app"
uv sync --quiet
SCREENSHOT_DIR="$repository/docs/screenshots" uv run pytest -q -p no:cacheprovider tests/test_browser.py
ls "$repository/docs/screenshots"
