"""Client authentication at the token endpoint with HTTP Basic (client_secret_basic)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote_plus

from pydantic import SecretStr

TokenAuthEncoding = Literal["form-urlencoded", "raw"]


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """One tenant's OAuth client, as ReAI created it when the tenant installed the app."""

    client_id: str
    client_secret: SecretStr


def basic_authorization(credentials: ClientCredentials, *, encoding: TokenAuthEncoding) -> str:
    """Build the Authorization header value for client_secret_basic.

    RFC 6749 section 2.3.1 says to encode client_id and client_secret with the
    application/x-www-form-urlencoded algorithm before joining them with ":" and applying
    Base64. Some servers expect the values unencoded instead: TOKEN_AUTH_ENCODING=raw
    selects that. The two differ only for secrets with characters such as "+", "/", "=",
    ":", "%" or a space.
    """
    client_id = credentials.client_id
    client_secret = credentials.client_secret.get_secret_value()
    if encoding == "form-urlencoded":
        client_id, client_secret = quote_plus(client_id), quote_plus(client_secret)
    user_pass = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(user_pass).decode("ascii")
