"""Calls to the ReAI API with a grant's access token."""

from __future__ import annotations

import json
import logging
import re

import httpx

from ..clock import Clock
from ..oauth.errors import GrantEndedError, InsufficientScopeError
from ..oauth.refresh import AccessToken, TokenService
from ..oauth.scopes import InvalidScopeError, parse_scopes
from ..tenants.models import GrantEndReason
from ..tenants.registry import TenantRegistry
from .errors import ReaiResponseError, ReaiUnavailableError
from .models import Employee, employee_records

logger = logging.getLogger(__name__)

EMPLOYEES_PATH = "/api/employees"
EMPLOYEES_SCOPES = frozenset({"employee:read"})

_BEARER_SCOPE = re.compile(r'scope="([^"]*)"')


class ReaiClient:
    """The ReAI API, called on behalf of one grant at a time.

    Each call takes a fresh access token from the TokenService. After a 401 it refreshes
    once and retries once; a second 401 ends the grant. A 403 for insufficient scope is
    reported with the missing scopes and never leads to a refresh.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        api_base_url: str,
        tokens: TokenService,
        registry: TenantRegistry,
        clock: Clock,
    ) -> None:
        self._http = http
        self._api_base_url = api_base_url
        self._tokens = tokens
        self._registry = registry
        self._clock = clock

    async def list_employees(self, *, client_id: str, grant_id: int) -> list[Employee]:
        response = await self._get(
            EMPLOYEES_PATH, client_id=client_id, grant_id=grant_id, scopes=EMPLOYEES_SCOPES
        )
        try:
            body = json.loads(response.content)
        except (ValueError, RecursionError):
            body = None
        records = employee_records(body)
        if records is None:
            raise ReaiResponseError(
                f"GET {EMPLOYEES_PATH} returned a body that is not a list of employees"
            )
        return [Employee.from_api(record) for record in records]

    async def _get(
        self, path: str, *, client_id: str, grant_id: int, scopes: frozenset[str]
    ) -> httpx.Response:
        token = await self._tokens.access_token(client_id=client_id, grant_id=grant_id)
        response = await self._send(path, token)
        if response.status_code == 401 and not token.refreshed:
            logger.info(
                "API rejected the access token, refreshing: client_id=%s grant_id=%d path=%s",
                client_id,
                grant_id,
                path,
            )
            token = await self._tokens.refresh_rejected(
                client_id=client_id, grant_id=grant_id, rejected=token
            )
            response = await self._send(path, token)
        if response.status_code == 401:
            # A token fresh from a refresh was rejected: only a new sign-in helps. A grant
            # that changed since this token was read (a new sign-in) stays as it is.
            await self._registry.end_grant(
                client_id=client_id,
                grant_id=grant_id,
                reason=GrantEndReason.TOKEN_REJECTED,
                ended_at=self._clock(),
                expected_version=token.grant_version,
            )
            raise GrantEndedError(reason=GrantEndReason.TOKEN_REJECTED.value)
        if response.status_code == 403:
            raise InsufficientScopeError(missing=_missing_scopes(response, scopes))
        if response.status_code >= 500:
            raise ReaiUnavailableError(
                f"GET {path} returned HTTP {response.status_code}: ReAI is unavailable, try "
                "again later"
            )
        if response.status_code != 200:
            raise ReaiResponseError(f"GET {path} returned HTTP {response.status_code}")
        return response

    async def _send(self, path: str, token: AccessToken) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {token.value.get_secret_value()}",
            "Accept": "application/json",
        }
        try:
            return await self._http.get(self._api_base_url + path, headers=headers)
        except httpx.TimeoutException as exc:
            raise ReaiUnavailableError(f"GET {path} timed out: try again later") from exc
        except httpx.RequestError as exc:
            raise ReaiUnavailableError(
                f"GET {path} failed ({type(exc).__name__}): try again later"
            ) from exc


def _missing_scopes(response: httpx.Response, required: frozenset[str]) -> frozenset[str]:
    """Read the missing scopes from a 403, as RFC 6750 section 3 puts them in the header."""
    for source in (_header_scope, _body_scope):
        try:
            scopes = source(response)
        except InvalidScopeError:
            continue
        if scopes:
            return scopes
    return required


def _header_scope(response: httpx.Response) -> frozenset[str]:
    match = _BEARER_SCOPE.search(response.headers.get("www-authenticate", ""))
    return parse_scopes(match.group(1)) if match else frozenset()


def _body_scope(response: httpx.Response) -> frozenset[str]:
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return frozenset()
    scope = body.get("scope") if isinstance(body, dict) else None
    return parse_scopes(scope) if isinstance(scope, str) else frozenset()
