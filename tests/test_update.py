"""`copier update` brings template changes into a generated app and keeps the app's own work.

Each test builds a scratch copy of this template with two tagged releases: the current
tree as 1.0.0, and a change on top as 1.1.0. It generates an app from 1.0.0, commits
typical local edits, updates to 1.1.0, and checks the result as an app developer would:
no conflicts, the edits still there, the answers file on the new version, `.env`
untouched, and the app's own checks passing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from .template import REPOSITORY, StepLog
from .test_variants import project_environment

OLD, NEW = "1.0.0", "1.1.0"
PACKAGE = "my_reai_app"
COMMAND = "my-reai-app"
IGNORED = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache")

# The app developer's edits, made and committed after generating from the old release.
CUSTOM_ROUTE = '''"""A page of this app's own."""

from fastapi import APIRouter
from starlette.responses import PlainTextResponse

router = APIRouter()


@router.get("/about", response_class=PlainTextResponse)
async def about() -> str:
    return "Built by the employee directory team."
'''
CUSTOM_TEST = '''"""The app's own page."""

from .support import AppUnderTest


async def test_about_page(app: AppUnderTest) -> None:
    response = await app.client.get("/about")

    assert response.text == "Built by the employee directory team."
'''


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed git commands
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "HOME": str(cwd),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        },
    )
    return result.stdout


def commit_all(cwd: Path, message: str) -> None:
    git(cwd, "add", "--all")
    git(cwd, "commit", "--quiet", "--message", message)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path} does not contain exactly one {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def scratch_template(tmp_path: Path, change: Callable[[Path], None]) -> Path:
    """A git repository with this template as OLD and `change` applied on top as NEW."""
    template = tmp_path / "template"
    shutil.copytree(REPOSITORY, template, ignore=IGNORED)
    git(template, "init", "--quiet", "--initial-branch", "main")
    commit_all(template, "Release 1.0.0")
    git(template, "tag", OLD)
    change(template)
    commit_all(template, "Release 1.1.0")
    git(template, "tag", NEW)
    return template


def generate_and_edit(template: Path, tmp_path: Path) -> Path:
    """Generate the app from OLD, commit it, then commit typical local edits."""
    project = tmp_path / "project"
    copier.run_copy(str(template), project, defaults=True, vcs_ref=OLD, quiet=True)
    git(project, "init", "--quiet", "--initial-branch", "main")
    commit_all(project, "Generate the app")

    package = project / "src" / PACKAGE
    (package / "web" / "about_routes.py").write_text(CUSTOM_ROUTE, encoding="utf-8")
    (project / "tests" / "test_about.py").write_text(CUSTOM_TEST, encoding="utf-8")
    replace_once(
        package / "app.py",
        "    app.include_router(operator_router)\n",
        "    app.include_router(operator_router)\n    app.include_router(about_router)\n",
    )
    replace_once(
        package / "app.py",
        "from .web.auth_routes import create_auth_router\n",
        "from .web.about_routes import router as about_router\n"
        "from .web.auth_routes import create_auth_router\n",
    )
    replace_once(
        package / "config.py",
        "http_timeout_seconds: float = Field(default=10.0,",
        "http_timeout_seconds: float = Field(default=15.0,",
    )
    replace_once(
        package / "web" / "templates" / "landing.html",
        '{% extends "base.html" %}\n',
        '{% extends "base.html" %}\n{# Our own note: keep the landing page short. #}\n',
    )
    commit_all(project, "Add an about page, a longer leeway and a note")
    return project


def assert_clean_update(project: Path, env_before: bytes) -> dict[str, object]:
    """Check what every update must leave behind, and return the new answers."""
    status = git(project, "status", "--porcelain")
    unmerged = [line for line in status.splitlines() if line[:2] in {"UU", "AA", "DU", "UD"}]
    assert unmerged == [], status
    assert list(project.rglob("*.rej")) == []
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts and ".venv" not in path.parts:
            text = path.read_bytes()
            assert b"<<<<<<< " not in text, f"conflict markers in {path}"
            assert b">>>>>>> " not in text, f"conflict markers in {path}"
    assert (project / ".env").read_bytes() == env_before
    package = project / "src" / PACKAGE
    assert (package / "web" / "about_routes.py").read_text(encoding="utf-8") == CUSTOM_ROUTE
    assert "app.include_router(about_router)" in (package / "app.py").read_text()
    assert "Field(default=15.0," in (package / "config.py").read_text()
    assert "Our own note" in (package / "web" / "templates" / "landing.html").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == NEW
    return answers


def check_project(project: Path, step_log: StepLog) -> None:
    env = project_environment()
    step_log.run("install", ["uv", "sync", "--all-extras"], project, **env)
    step_log.run("format", ["uv", "run", "ruff", "format", "--check", "."], project, **env)
    step_log.run("lint", ["uv", "run", "ruff", "check", "."], project, **env)
    step_log.run("types", ["uv", "run", "mypy"], project, **env)
    output = step_log.run(
        "tests",
        # The variant checks run the browser tests; here they would add most of a minute
        # to each scenario. The benchmark is never part of a normal run.
        [
            "uv",
            "run",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not (browser or benchmark)",
        ],
        project,
        **env,
    )
    assert " passed" in output.strip().splitlines()[-1]


def change_landing_page_and_add_a_file(template: Path) -> None:
    """A typical template fix: new wording on a page, a new file, a changed module."""
    replace_once(
        template / "template/src/{{package_name}}/web/templates/landing.html",
        '<h2>{{ _("How to open the app") }}</h2>',
        '<h2 id="how-to-open">{{ _("How to open the app") }}</h2>',
    )
    (template / "template/SECURITY.md").write_text(
        "# Security\n\nReport vulnerabilities to the team that runs this app.\n", encoding="utf-8"
    )
    replace_once(
        template / "template/src/{{package_name}}/web/htmx.py",
        'HX_CURRENT_URL = "HX-Current-URL"\n',
        'HX_CURRENT_URL = "HX-Current-URL"\nHX_TARGET = "HX-Target"\n',
    )


def test_update_keeps_local_edits(tmp_path: Path, step_log: StepLog) -> None:
    template = scratch_template(tmp_path, change_landing_page_and_add_a_file)
    project = generate_and_edit(template, tmp_path)
    env_before = (project / ".env").read_bytes()

    copier.run_update(project, defaults=True, overwrite=True, unsafe=False, quiet=True)

    assert_clean_update(project, env_before)
    package = project / "src" / PACKAGE
    assert 'id="how-to-open"' in (package / "web/templates/landing.html").read_text()
    assert (project / "SECURITY.md").exists()
    assert "HX_TARGET" in (package / "web/htmx.py").read_text()
    check_project(project, step_log)


MIGRATION = '''"""Add a display name to installations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("installations") as batch:
        batch.add_column(sa.Column("display_name", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("installations") as batch:
        batch.drop_column("display_name")
'''


def add_a_column(template: Path) -> None:
    """A release that changes the schema, with its Alembic migration."""
    package = template / "template/src/{{package_name}}"
    (package / "storage/migrations/versions/0002_installation_display_name.py").write_text(
        MIGRATION, encoding="utf-8"
    )
    # The column goes after the installations table's status column.
    replace_once(
        package / "storage/tables.py",
        '    Column("status", String(32), nullable=False),\n    Column("installed_at"',
        '    Column("status", String(32), nullable=False),\n'
        '    Column("display_name", String(200), nullable=True),\n'
        '    Column("installed_at"',
    )


def test_update_across_a_schema_migration(tmp_path: Path, step_log: StepLog) -> None:
    template = scratch_template(tmp_path, add_a_column)
    project = generate_and_edit(template, tmp_path)
    env_before = (project / ".env").read_bytes()
    env = project_environment()
    # The old release's database, with a row in it.
    step_log.run("install old", ["uv", "sync"], project, **env)
    commit_all(project, "Lock the dependencies")
    step_log.run(
        "migrate old", ["uv", "run", PACKAGE.replace("_", "-"), "migrate"], project, **env
    )
    database = project / "data" / f"{PACKAGE}.db"
    insert = (
        'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO '
        "installations VALUES ('cli_abcdef123', 'x', 'employee:read', 'active', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')\"); c.commit()"
    )
    step_log.run("add a row", ["uv", "run", "python", "-c", insert, str(database)], project, **env)

    copier.run_update(project, defaults=True, overwrite=True, unsafe=False, quiet=True)

    assert_clean_update(project, env_before)
    step_log.run(
        "migrate new", ["uv", "run", PACKAGE.replace("_", "-"), "migrate"], project, **env
    )
    read = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute('SELECT client_id, display_name FROM installations').fetchall(), "
        "c.execute('SELECT version_num FROM alembic_version').fetchall())"
    )
    output = step_log.run(
        "read the row", ["uv", "run", "python", "-c", read, str(database)], project, **env
    )
    assert "[('cli_abcdef123', None)] [('0002',)]" in output
    check_project(project, step_log)


def test_update_with_a_changed_answer(tmp_path: Path, step_log: StepLog) -> None:
    template = scratch_template(tmp_path, change_landing_page_and_add_a_file)
    project = generate_and_edit(template, tmp_path)
    env_before = (project / ".env").read_bytes()

    copier.run_update(
        project,
        data={"scopes": "employee:read department:read"},
        defaults=True,
        overwrite=True,
        unsafe=False,
        quiet=True,
    )

    answers = assert_clean_update(project, env_before)
    assert answers["scopes"] == "employee:read department:read"
    config = (project / "src" / PACKAGE / "config.py").read_text()
    assert '"reai_scopes": "department:read employee:read",' in config
    check_project(project, step_log)


@pytest.mark.parametrize("variant", ["default"])
def test_renders_are_deterministic(tmp_path: Path, variant: str) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    copier.run_copy(str(REPOSITORY), first, defaults=True, vcs_ref="HEAD", quiet=True)
    copier.run_copy(str(REPOSITORY), second, defaults=True, vcs_ref="HEAD", quiet=True)

    def files(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.name != ".env"
        }

    assert files(first) == files(second)
    assert (first / ".env").read_bytes() != (second / ".env").read_bytes()
