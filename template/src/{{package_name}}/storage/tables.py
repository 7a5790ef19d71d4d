"""Table definitions. Alembic migrations in storage/migrations must match them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC on every backend.

    SQLite has no time zone type, so values are converted to UTC before they are written
    and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A tenant's installation of the app, keyed by the client_id that ReAI created for it.
# client_secret is encrypted and is written only after the token endpoint accepted it.
installations = Table(
    "installations",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("client_secret", Text, nullable=False),
    Column("scopes", String(1024), nullable=False),
    Column("status", String(32), nullable=False),
    Column("installed_at", UTCDateTime, nullable=False),
    Column("last_launch_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One user's tokens for one installation. Tokens are encrypted. version increases with
# every change, so a caller can tell whether the row changed since it read it.
grants = Table(
    "grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "client_id",
        String(64),
        ForeignKey("installations.client_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("subject", String(255), nullable=True),
    Column("access_token", Text, nullable=True),
    Column("refresh_token", Text, nullable=True),
    Column("token_type", String(32), nullable=False),
    Column("scopes", String(1024), nullable=False),
    Column("access_expires_at", UTCDateTime, nullable=False),
    Column("refresh_expires_at", UTCDateTime, nullable=True),
    Column("status", String(32), nullable=False),
    Column("ended_reason", String(64), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_refreshed_at", UTCDateTime, nullable=True),
    UniqueConstraint("client_id", "subject", name="uq_grants_client_id_subject"),
)

# A sign-in in progress, from the launch to the callback. The state and the browser
# binding are stored as SHA-256 hashes; the pending client secret and the PKCE verifier
# are encrypted.
oauth_flows = Table(
    "oauth_flows",
    metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("browser_hash", String(64), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("client_secret", Text, nullable=False),
    Column("code_verifier", Text, nullable=True),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", String(1024), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# A signed-in browser. The cookie holds a random token; the table holds its SHA-256 hash.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column(
        "client_id",
        String(64),
        ForeignKey("installations.client_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("grant_id", Integer, ForeignKey("grants.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)
