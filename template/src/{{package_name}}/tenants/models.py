"""Records of the tenant registry, as the rest of the app uses them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..oauth.client_auth import ClientCredentials
from ..oauth.tokens import TokenSet


class InstallationStatus(StrEnum):
    """The state of an installation. Every sign-in makes it active; the column leaves room
    for states an app may add, such as one an operator sets to block a tenant."""

    ACTIVE = "active"


class GrantStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class GrantEndReason(StrEnum):
    """The reason a grant ended, stored with the grant and shown to the user."""

    INVALID_GRANT = "invalid_grant"
    INVALID_CLIENT = "invalid_client"
    REFRESH_TOKEN_EXPIRED = "refresh_token_expired"
    NO_REFRESH_TOKEN = "no_refresh_token"
    TOKEN_REJECTED = "token_rejected"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True, slots=True)
class Installation:
    """A tenant's installation of the app, keyed by its client_id."""

    credentials: ClientCredentials
    scopes: frozenset[str]
    status: InstallationStatus
    installed_at: datetime
    last_launch_at: datetime

    @property
    def client_id(self) -> str:
        return self.credentials.client_id


@dataclass(frozen=True, slots=True)
class Grant:
    """One user's authorization of one installation. `tokens` is None once it has ended."""

    id: int
    client_id: str
    subject: str | None
    tokens: TokenSet | None
    scopes: frozenset[str]
    access_expires_at: datetime
    status: GrantStatus
    ended_reason: GrantEndReason | None
    version: int
    created_at: datetime
    updated_at: datetime
    last_refreshed_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.status is GrantStatus.ACTIVE and self.tokens is not None


@dataclass(frozen=True, slots=True)
class InstallationSummary:
    """An installation with counts of its grants, for the operator view."""

    client_id: str
    scopes: frozenset[str]
    status: InstallationStatus
    installed_at: datetime
    last_launch_at: datetime
    active_grants: int
    ended_grants: int
    next_access_expiry: datetime | None
