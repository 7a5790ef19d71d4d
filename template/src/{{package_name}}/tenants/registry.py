"""The tenant registry interface.

Contract for every implementation:

- Every read and write is scoped by client_id: a grant id of another tenant is never found.
- Each method that writes is one transaction: it stores everything or nothing.
- Database errors are raised, never turned into None or False.
- Secrets and tokens are encrypted before they reach the database.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from ..oauth.client_auth import ClientCredentials
from ..oauth.tokens import TokenSet
from .models import Grant, GrantEndReason, Installation, InstallationSummary


class GrantNotFoundError(LookupError):
    """No grant with this id exists for this client_id."""

    def __init__(self, *, client_id: str, grant_id: int) -> None:
        super().__init__(f"no grant {grant_id} exists for client_id {client_id}")


class LockedGrant(Protocol):
    """A grant read while holding its lock, for a refresh that must not race.

    The lock is held until the context that produced this object exits; the writes made
    through it are committed then.
    """

    @property
    def grant(self) -> Grant: ...

    @property
    def credentials(self) -> ClientCredentials: ...

    async def store(self, tokens: TokenSet, *, refreshed_at: datetime) -> Grant: ...

    async def end(self, reason: GrantEndReason, *, ended_at: datetime) -> None: ...


class TenantRegistry(Protocol):
    async def save_authorization(
        self,
        *,
        credentials: ClientCredentials,
        tokens: TokenSet,
        authorized_at: datetime,
    ) -> Grant:
        """Store an authorization that the token endpoint has just accepted.

        Creates the installation or updates its client secret, scopes and last launch, and
        creates the user's grant or replaces the tokens of the user's earlier grant.
        """
        ...

    async def get_installation(self, *, client_id: str) -> Installation | None: ...

    async def list_installations(self) -> list[InstallationSummary]: ...

    async def get_grant(self, *, client_id: str, grant_id: int) -> Grant | None: ...

    async def end_grant(
        self,
        *,
        client_id: str,
        grant_id: int,
        reason: GrantEndReason,
        ended_at: datetime,
        expected_version: int | None = None,
    ) -> None:
        """End a grant and erase its tokens. Ending an ended grant changes nothing.

        With `expected_version`, a grant whose version has moved on since is left alone.
        """
        ...

    def lock_grant(
        self, *, client_id: str, grant_id: int
    ) -> AbstractAsyncContextManager[LockedGrant]:
        """Lock a grant against concurrent refreshes, in this process and in others.

        Raises GrantNotFoundError when the grant does not exist for this client_id.
        """
        ...
