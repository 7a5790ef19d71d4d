"""Serve an ASGI app with uvicorn on a thread, for the dev command and for tests."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT_SECONDS = 15


class BackgroundServer:
    """A uvicorn server on a daemon thread.

    The socket is bound when the object is made, so `url` is known before the app is
    built; port 0 picks a free port.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP must be explicit: asyncio turns Nagle's algorithm off only on sockets
        # whose proto says TCP, and without that every response waits ~40 ms for an ACK.
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self.port: int = self._socket.getsockname()[1]
        url_host = f"[{host}]" if ":" in host else host
        self.url = f"http://{url_host}:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, app: ASGIApp, *, log_config: dict[str, Any] | None = None) -> None:
        config = uvicorn.Config(
            app, log_config=log_config, access_log=log_config is not None, lifespan="on"
        )
        server = self._server = uvicorn.Server(config)
        thread = self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the server for {self.url} stopped while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server for {self.url} did not start in time")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        self._socket.close()
