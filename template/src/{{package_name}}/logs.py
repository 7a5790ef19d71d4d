"""Logging with secrets removed, for the app's own loggers and for uvicorn's.

The app logs ids and outcomes, never secrets. This module is the second line of defence.
A formatter removes anything shaped like a secret from every formatted line, tracebacks
included. uvicorn's access log, which writes query strings, is off: the app logs requests
itself, without them. A filter still drops the query string from uvicorn's access log if
someone turns it back on, because launch and callback URLs carry credentials and codes.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"

_NAMES = r"client_secret|code|state|code_verifier|access_token|refresh_token|id_token|password"
# Names that are never ordinary words in the app's own messages.
_UNAMBIGUOUS_NAMES = r"client_secret|code_verifier|access_token|refresh_token|id_token|password"

_SECRET_PATTERNS = [
    # name=value in URLs and bodies, and name='value' in keyword reprs.
    (re.compile(rf"(?i)\b({_NAMES})=(?:'[^']*'|\"[^\"]*\"|[^&\s\"'<>]+)"), r"\1=[redacted]"),
    # The same names as JSON or Python mapping keys.
    (
        re.compile(rf"(?i)([\"'](?:{_NAMES})[\"']\s*:\s*)(?:\"[^\"]*\"|'[^']*')"),
        r'\1"[redacted]"',
    ),
    # name: value, for the names that never mean anything else.
    (
        re.compile(rf"(?i)\b({_UNAMBIGUOUS_NAMES})(\s*:\s*)['\"]?[^\s'\",}}]+['\"]?"),
        r"\1\2[redacted]",
    ),
    # Authorization headers: everything up to the next white space.
    (re.compile(r"(?i)\b(Basic|Bearer)\s+\S+"), r"\1 [redacted]"),
    # Anything shaped like a JWT.
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
]


def redact(text: str) -> str:
    """Replace every secret-shaped part of `text`."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def printable(text: str) -> str:
    """Escape control characters, so that text from a request cannot start a log line."""
    return text.encode("unicode_escape").decode("ascii")


class RedactingFormatter(logging.Formatter):
    """A formatter that redacts the whole formatted record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class DropQueryStringFilter(logging.Filter):
    """Remove the query string from uvicorn's access log lines.

    uvicorn passes (client address, method, path with query, HTTP version, status) as the
    record's arguments.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def logging_config(level: str) -> dict[str, Any]:
    """Return a logging.config.dictConfig for the app and uvicorn alike."""
    formatter = f"{__name__}.RedactingFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {
                "()": formatter,
                # The process id tells the workers of `serve --workers N` apart.
                "fmt": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
            },
        },
        "filters": {"drop_query": {"()": f"{__name__}.DropQueryStringFilter"}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["drop_query"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # The app writes its own access log, without query strings (see
            # web/middleware.py). uvicorn's stays filtered in case it is turned back on.
            "uvicorn.access": {"handlers": ["access"], "level": "WARNING", "propagate": False},
            # httpx logs every request at INFO; its URLs carry no secrets, but the lines
            # add nothing that the app's own log lines do not say.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # Both log every statement at DEBUG. Statements carry only ciphertexts and
            # hashes of secrets, but the lines drown the app's own.
            "aiosqlite": {"level": "INFO"},
            "sqlalchemy.engine": {"level": "WARNING"},
        },
        "root": {"handlers": ["default"], "level": level},
    }
