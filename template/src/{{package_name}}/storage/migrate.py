"""Alembic migrations, run from Python with the app's own engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIRECTORY = Path(__file__).parent / "migrations"


class SchemaOutdatedError(RuntimeError):
    """The database schema is not at the revision this version of the app expects."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to `revision` in one transaction.

    On PostgreSQL with DATABASE_SCHEMA set, the schema is created first if it is missing.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            schema = await connection.scalar(text("SELECT current_schema()"))
            if schema is None:
                search_path = await connection.scalar(text("SHOW search_path"))
                first = str(search_path).split(",")[0].strip().strip('"')
                await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{first}"'))
        await connection.run_sync(_upgrade, revision)


async def downgrade_database(engine: AsyncEngine, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes every table)."""
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    # env.py uses this connection instead of opening its own.
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def check_schema_is_current(engine: AsyncEngine, *, command_name: str) -> None:
    """Raise SchemaOutdatedError unless the database is at the newest migration."""
    current, head = await current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutdatedError(
            f"the database schema is at revision {current or 'none (empty database)'}, but "
            f"this version of the app needs {head}: run `{command_name} migrate` first"
        )
