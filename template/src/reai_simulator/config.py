"""The simulator's settings, and the app registered in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ClientAuthEncoding = Literal["form-urlencoded", "raw"]


@dataclass(frozen=True, slots=True)
class AppRegistration:
    """The app as a developer registers it in ReAI: its URL, redirect URIs and scopes."""

    name: str
    app_url: str
    redirect_uris: tuple[str, ...]
    scopes: frozenset[str]


@dataclass(slots=True)
class SimulatorConfig:
    """Settings that tests may change while the simulator runs."""

    issuer: str
    app: AppRegistration
    # The platform documents 2 hours for access tokens and 30 days for refresh tokens.
    access_token_lifetime_seconds: int = 7200
    refresh_token_lifetime_seconds: int = 30 * 24 * 3600
    code_lifetime_seconds: int = 120
    # Whether a refresh returns a new refresh token and revokes the old one.
    rotate_refresh_tokens: bool = True
    # How the token endpoint decodes HTTP Basic credentials: RFC 6749 section 2.3.1
    # (form-urlencoded values) or the raw values.
    client_auth_encoding: ClientAuthEncoding = "form-urlencoded"
    require_pkce: bool = False
    # Seconds the token endpoint waits before a successful response, to widen race windows.
    token_delay_seconds: float = 0.0
    # Extra scopes every installation grants, beyond the app's own.
    extra_granted_scopes: frozenset[str] = field(default_factory=frozenset)
