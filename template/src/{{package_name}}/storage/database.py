"""The SQLAlchemy async engine for SQLite or PostgreSQL, chosen by DATABASE_URL."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..config import Settings

# Execution option that makes the next BEGIN on SQLite take the database's write lock.
_SQLITE_IMMEDIATE = "sqlite_begin_immediate"

# How long SQLite waits for another connection's write lock before it fails.
SQLITE_BUSY_TIMEOUT_SECONDS = 30


class DatabaseURLError(ValueError):
    """A DATABASE_URL that names a database this app does not support."""


def parse_database_url(value: str) -> URL:
    try:
        url = make_url(value)
    except Exception as exc:  # SQLAlchemy raises ArgumentError and ValueError subclasses
        raise DatabaseURLError(
            "DATABASE_URL is not a database URL: use sqlite+aiosqlite:///path/to/app.db or "
            "postgresql+asyncpg://user@host:5432/name"
        ) from exc
    if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise DatabaseURLError(
            f"DATABASE_URL uses the driver {url.drivername!r}: use sqlite+aiosqlite or "
            "postgresql+asyncpg"
        )
    if url.drivername == "postgresql+asyncpg" and importlib.util.find_spec("asyncpg") is None:
        raise DatabaseURLError(
            "DATABASE_URL names PostgreSQL, but the asyncpg driver is not installed: run "
            "`uv sync --extra postgres`"
        )
    return url


def create_engine(settings: Settings) -> AsyncEngine:
    """Create the engine for DATABASE_URL, with the pool and SQLite settings the app needs."""
    url = parse_database_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url)
    connect_args: dict[str, Any] = {}
    if settings.database_schema:
        connect_args["server_settings"] = {"search_path": settings.database_schema}
    return create_async_engine(
        url,
        connect_args=connect_args,
        # SQL parameters hold encrypted secrets; keep them out of error messages too.
        hide_parameters=True,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout_seconds,
        pool_recycle=settings.database_pool_recycle_seconds,
        # Checks each connection before use, so a database restart costs one failed
        # ping per pooled connection instead of one failed request.
        pool_pre_ping=True,
    )


def _create_sqlite_engine(url: URL) -> AsyncEngine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, hide_parameters=True
    )

    # The sqlite3 module's legacy transaction handling skips BEGIN before SELECT, so reads
    # inside a transaction would not be repeatable. SQLAlchemy emits BEGIN itself instead,
    # as its SQLite documentation recommends.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_SQLITE_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@asynccontextmanager
async def locking_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Begin a transaction in which the caller may hold a lock across slow work.

    On SQLite the transaction starts with BEGIN IMMEDIATE and so holds the database's write
    lock until it ends, which serialises it against every other writer, in this process or
    another. On PostgreSQL it is a plain transaction and the caller locks the rows it needs
    with SELECT ... FOR UPDATE.
    """
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            await connection.execution_options(**{_SQLITE_IMMEDIATE: True})
        async with connection.begin():
            yield connection
