"""The simulator's memory: installations, codes, tokens, faults and counters.

Handlers run on the server's thread and tests read and change the state from theirs, so
every access goes through one lock.
"""

from __future__ import annotations

import base64
import secrets
import string
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from .config import SimulatorConfig
from .seed import TENANTS, Tenant, tenant_by_id

FaultEndpoint = Literal["token", "api"]


@dataclass(slots=True)
class Installation:
    tenant_id: str
    client_id: str
    client_secret: str
    scopes: frozenset[str]


@dataclass(slots=True)
class AuthorizationCode:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    user_id: str
    code_challenge: str | None
    expires_at: float
    used: bool = False
    # Tokens issued for this code, revoked if the code is presented a second time.
    issued_refresh_tokens: list[str] = field(default_factory=list)
    issued_access_jtis: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RefreshToken:
    client_id: str
    user_id: str
    scopes: frozenset[str]
    expires_at: float
    revoked: bool = False


@dataclass(slots=True)
class Consent:
    """An authorization request waiting for the user's decision on the consent page."""

    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    state: str | None
    code_challenge: str | None
    expires_at: float


@dataclass(frozen=True, slots=True)
class Fault:
    """A canned response that replaces the real one for the next matching request."""

    endpoint: FaultEndpoint
    status: int = 503
    body: str = ""
    content_type: str = "text/plain"
    delay_seconds: float = 0.0
    grant_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class SimulatorState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        # Seconds since the epoch; tests replace it to move the simulator's time with the app's.
        self.clock: Callable[[], float] = time.time
        self.tenants: tuple[Tenant, ...] = TENANTS
        self._lock = threading.RLock()
        self.installations: dict[str, Installation] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.revoked_access_jtis: set[str] = set()
        self.access_jtis_by_client: dict[str, set[str]] = {}
        self.consents: dict[str, Consent] = {}
        self.faults: deque[Fault] = deque()
        self.stats: Counter[str] = Counter()
        # Every Authorization header the API received, as (client_id, tenant_id) pairs of
        # the token that carried it, for tests that check tenant isolation.
        self.api_callers: list[tuple[str, str]] = []

    @contextmanager
    def locked(self) -> Iterator[SimulatorState]:
        with self._lock:
            yield self

    def reset(self, config: SimulatorConfig | None = None) -> None:
        """Forget everything that happened, and use `config` from now on if given."""
        with self._lock:
            if config is not None:
                self.config = config
            self.clock = time.time
            self.installations.clear()
            self.codes.clear()
            self.refresh_tokens.clear()
            self.revoked_access_jtis.clear()
            self.access_jtis_by_client.clear()
            self.consents.clear()
            self.faults.clear()
            self.stats.clear()
            self.api_callers.clear()

    def now(self) -> float:
        return self.clock()

    def install(self, tenant_id: str, *, client_secret: str | None = None) -> Installation:
        """Create the tenant's credentials, or replace its secret when one is given."""
        tenant = tenant_by_id(tenant_id)
        if tenant is None:
            raise KeyError(f"unknown tenant {tenant_id!r}")
        with self._lock:
            existing = self.installations.get(tenant_id)
            if existing is not None and client_secret is None:
                return existing
            client_id = existing.client_id if existing is not None else _new_client_id()
            installation = Installation(
                tenant_id=tenant_id,
                client_id=client_id,
                client_secret=client_secret or _new_client_secret(),
                scopes=self.config.app.scopes | self.config.extra_granted_scopes,
            )
            self.installations[tenant_id] = installation
            return installation

    def uninstall(self, tenant_id: str) -> None:
        with self._lock:
            installation = self.installations.pop(tenant_id, None)
            if installation is not None:
                self.revoke_client(installation.client_id)

    def installation_for_client(self, client_id: str) -> Installation | None:
        with self._lock:
            return next((i for i in self.installations.values() if i.client_id == client_id), None)

    def revoke_client(self, client_id: str) -> None:
        """Revoke every refresh token and access token issued to a client."""
        with self._lock:
            for token in self.refresh_tokens.values():
                if token.client_id == client_id:
                    token.revoked = True
            self.revoked_access_jtis |= self.access_jtis_by_client.get(client_id, set())

    def add_fault(self, fault: Fault, *, count: int = 1) -> None:
        with self._lock:
            self.faults.extend([fault] * count)

    def take_fault(self, endpoint: FaultEndpoint, grant_type: str | None = None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.endpoint == endpoint and fault.grant_type in (None, grant_type):
                    self.faults.remove(fault)
                    return fault
        return None


def _new_client_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "cli_" + "".join(secrets.choice(alphabet) for _ in range(9))


def _new_client_secret() -> str:
    # Standard Base64 has "+", "/" and "=", which exercise the client's encoding of
    # HTTP Basic credentials on every sign-in.
    return base64.b64encode(secrets.token_bytes(24)).decode("ascii")
