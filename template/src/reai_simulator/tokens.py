"""Signed JWT access tokens, as a Spring Authorization Server issues them."""

from __future__ import annotations

import secrets
from typing import Any, cast

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey


class TokenSigner:
    """Signs access tokens with an RSA key made at start-up and publishes it as a JWKS."""

    def __init__(self, *, issuer: str) -> None:
        self.issuer = issuer
        self._key = RSAKey.generate_key(2048, parameters={"kid": "simulator-1", "use": "sig"})

    def issue(
        self,
        *,
        subject: str,
        client_id: str,
        tenant_id: str,
        scopes: frozenset[str],
        lifetime: int,
        now: float,
    ) -> tuple[str, str]:
        """Return a new access token and its jti."""
        issued_at = int(now)
        jti = secrets.token_hex(16)
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": client_id,
            "scope": " ".join(sorted(scopes)),
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + lifetime,
            "jti": jti,
            "tenant": tenant_id,
        }
        header = {"alg": "RS256", "kid": "simulator-1", "typ": "at+jwt"}
        return jwt.encode(header, claims, self._key), jti

    def verify(self, token: str, *, now: float) -> dict[str, Any] | None:
        """Return the claims of a valid token of ours that has not expired at `now`."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                now=int(now),
                exp={"essential": True},
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return dict(decoded.claims)

    def jwks(self) -> dict[str, Any]:
        return cast("dict[str, Any]", KeySet([self._key]).as_dict(private=False))
