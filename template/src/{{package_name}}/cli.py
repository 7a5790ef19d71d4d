"""The command line: serve the app, develop against the simulator, migrate, rotate keys."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from pydantic import ValidationError

from .config import APP_NAME, COMMAND_NAME, Settings, is_loopback_host

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

# Commands import what they need when they run, so that `generate-key` or `--help` does
# not wait for the web framework and the database layer to load.

DEFAULT_SIMULATOR_PORT = 8001


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=COMMAND_NAME, description=f"Run {APP_NAME}.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the app (the database must be migrated)")
    serve.add_argument(
        "--host",
        default=os.environ.get("HOST", "127.0.0.1"),
        help="address to listen on (default: $HOST or 127.0.0.1)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8000")),
        help="port to listen on (default: $PORT or 8000)",
    )
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.set_defaults(handler=run_serve)

    dev = commands.add_parser(
        "dev", help="migrate, then serve the app and the local ReAI simulator together"
    )
    dev.add_argument(
        "--simulator-port",
        type=int,
        default=DEFAULT_SIMULATOR_PORT,
        help=f"port of the ReAI simulator (default: {DEFAULT_SIMULATOR_PORT})",
    )
    dev.set_defaults(handler=run_dev)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(
        handler=run_migrate
    )
    commands.add_parser(
        "rotate-keys", help="re-encrypt stored secrets with the first key in ENCRYPTION_KEYS"
    ).set_defaults(handler=run_rotate_keys)
    commands.add_parser("generate-key", help="print a new key for ENCRYPTION_KEYS").set_defaults(
        handler=run_generate_key
    )
    commands.add_parser(
        "check-config", help="validate the settings and print them without secrets"
    ).set_defaults(handler=run_check_config)

    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], None] = args.handler
    handler(args)


def fail(message: str) -> NoReturn:
    print(f"{COMMAND_NAME}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def load_settings() -> Settings:
    """Read the settings, or exit with one line per invalid setting."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            location = ".".join(str(part) for part in error["loc"]).upper()
            lines.append(f"  {location}: {message}" if location else f"  {message}")
        fail("invalid configuration:\n" + "\n".join(lines))


def run_database_task(
    settings: Settings, task: Callable[[AsyncEngine], Coroutine[object, object, None]]
) -> None:
    """Run `task(engine)`, turning database failures into a one-line error."""
    from sqlalchemy.exc import SQLAlchemyError

    from .storage.crypto import DecryptionError
    from .storage.database import DatabaseURLError, create_engine, parse_database_url
    from .storage.migrate import SchemaOutdatedError

    async def run() -> None:
        engine = create_engine(settings)
        try:
            await task(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except DatabaseURLError as exc:
        fail(str(exc))
    except (SchemaOutdatedError, DecryptionError) as exc:
        fail(str(exc))
    except (SQLAlchemyError, OSError) as exc:
        url = parse_database_url(settings.database_url).render_as_string(hide_password=True)
        fail(
            f"the database at {url} failed ({type(exc).__name__}): check that it is running "
            "and that DATABASE_URL is right"
        )


def run_migrate(_args: argparse.Namespace) -> None:
    from .storage.migrate import upgrade_database

    settings = load_settings()
    run_database_task(settings, upgrade_database)
    print("The database schema is up to date.")


def run_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from .logs import logging_config
    from .storage.migrate import check_schema_is_current

    settings = load_settings()
    if settings.generated_secrets and args.workers > 1:
        fail(
            f"{' and '.join(settings.generated_secrets)} must be set when several workers "
            "run: each worker would make up its own, and they would reject each other's "
            "cookies and data"
        )

    async def check(engine: AsyncEngine) -> None:
        await check_schema_is_current(engine, command_name=f"uv run {COMMAND_NAME}")

    run_database_task(settings, check)
    uvicorn.run(
        f"{__package__}.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=logging_config(settings.log_level),
        # Behind a proxy, client addresses come from X-Forwarded-For for the addresses in
        # FORWARDED_ALLOW_IPS. URLs the app builds never depend on such headers: they come
        # from PUBLIC_URL and REDIRECT_URI.
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        server_header=False,
        # Headers that arrive slowly are cut off here; the app checks their total size.
        h11_max_incomplete_event_size=settings.max_header_bytes + 4096,
    )


def run_dev(args: argparse.Namespace) -> None:
    import uvicorn

    from .app import create_app
    from .logs import logging_config
    from .storage.migrate import upgrade_database

    settings = load_settings()
    if not settings.is_development:
        fail(
            f"the dev command runs only with ENVIRONMENT=development, not "
            f"{settings.environment!r}: it serves a fake ReAI"
        )
    public = urlsplit(settings.public_url)
    host = public.hostname or ""
    if not is_loopback_host(host):
        fail(
            f"PUBLIC_URL={settings.public_url!r} is not on this machine: set PUBLIC_URL to "
            "http://localhost:8000 in .env for development"
        )
    try:
        from reai_simulator import (
            AppRegistration,
            BackgroundServer,
            SimulatorConfig,
            create_simulator_app,
        )
    except ImportError:
        fail("the ReAI simulator is missing: it ships only in the source tree, not the wheel")

    run_database_task(settings, upgrade_database)
    log_config = logging_config(settings.log_level)
    try:
        simulator = BackgroundServer(port=args.simulator_port)
    except OSError as exc:
        fail(
            f"cannot listen on port {args.simulator_port} ({exc.strerror}): pass "
            "--simulator-port with a free port"
        )
    simulator_url = simulator.url
    dev_settings = settings.model_copy(
        update={
            "reai_base_url": simulator_url,
            "reai_authorization_endpoint": "",
            "reai_token_endpoint": "",
            "reai_api_base_url": "",
        }
    )
    simulator.start(
        create_simulator_app(
            SimulatorConfig(
                issuer=simulator_url,
                app=AppRegistration(
                    name=APP_NAME,
                    app_url=settings.public_url + "/",
                    redirect_uris=(settings.redirect_uri,),
                    scopes=settings.requested_scopes,
                ),
            )
        ),
        log_config=log_config,
    )
    print(
        f"\n{APP_NAME} runs in development mode against a local ReAI simulator.\n\n"
        f"  Open {simulator_url}/ to install the app for a tenant in the simulated App\n"
        f"  Store, then open it.\n\n"
        f"  App:       {settings.public_url}\n"
        f"  Simulator: {simulator_url}\n\n"
        "Press Ctrl+C to stop both.\n",
        flush=True,
    )
    try:
        uvicorn.run(
            create_app(dev_settings),
            host="127.0.0.1" if host == "localhost" else host,
            port=public.port or 80,
            log_config=log_config,
            server_header=False,
        )
    finally:
        simulator.stop()


def run_rotate_keys(_args: argparse.Namespace) -> None:
    from .storage.crypto import Cipher
    from .storage.rotation import reencrypt_all

    settings = load_settings()
    counts: dict[str, int] = {}

    async def rotate(engine: AsyncEngine) -> None:
        counts.update(await reencrypt_all(engine, Cipher(settings.encryption_key_values)))

    run_database_task(settings, rotate)
    for table, count in counts.items():
        print(f"{table}: re-encrypted {count} rows")
    print("Every stored secret now uses the first key in ENCRYPTION_KEYS.")


def run_generate_key(_args: argparse.Namespace) -> None:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode("ascii"))


def run_check_config(_args: argparse.Namespace) -> None:
    from .storage.database import DatabaseURLError, parse_database_url

    settings = load_settings()
    values = settings.model_dump()
    try:
        url = parse_database_url(settings.database_url)
    except DatabaseURLError as exc:
        fail(str(exc))
    # Secret settings print as asterisks already; the database URL may hold a password.
    values["database_url"] = url.render_as_string(hide_password=True)
    for name, value in values.items():
        print(f"{name.upper()}={value}")
    print("The configuration is valid.")
