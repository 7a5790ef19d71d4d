"""The simulator's HTTP interface: App Store, OAuth 2.0 endpoints, API and test controls."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from fastapi import Body, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .config import SimulatorConfig
from .seed import tenant_by_id
from .state import AuthorizationCode, Consent, Fault, RefreshToken, SimulatorState
from .tokens import TokenSigner

HERE = Path(__file__).parent
access_logger = logging.getLogger("reai_simulator.access")
USER_COOKIE = "reai_simulator_user"
EMPLOYEES_SCOPE = "employee:read"
CONSENT_LIFETIME_SECONDS = 600


def create_simulator_app(config: SimulatorConfig, state: SimulatorState | None = None) -> FastAPI:
    """Build the simulator. Pass `state` to read and change it from a test."""
    state = state if state is not None else SimulatorState(config)
    signer = TokenSigner(issuer=config.issuer)
    templates = Jinja2Templates(directory=HERE / "templates")
    app = FastAPI(title="ReAI simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.simulator = state
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def log_request(request: Request, call_next: Any) -> Response:
        # Paths only: the platform's URLs carry states, codes and secrets in their queries.
        response: Response = await call_next(request)
        access_logger.info("%s %s %d", request.method, request.url.path, response.status_code)
        return response

    # ---- App Store ------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    async def store(request: Request) -> Response:
        return templates.TemplateResponse(
            request,
            "store.html",
            {
                "config": state.config,
                "tenants": state.tenants,
                "installations": dict(state.installations),
                "current_user": request.cookies.get(USER_COOKIE),
            },
        )

    @app.post("/store/{tenant_id}/install")
    async def install(tenant_id: str) -> Response:
        if tenant_by_id(tenant_id) is None:
            return _page_error(f"Unknown tenant {tenant_id!r}.")
        state.install(tenant_id)
        return RedirectResponse("/", status_code=303)

    @app.post("/store/{tenant_id}/uninstall")
    async def uninstall(tenant_id: str) -> Response:
        state.uninstall(tenant_id)
        return RedirectResponse("/", status_code=303)

    @app.post("/store/{tenant_id}/open")
    async def open_app(tenant_id: str, user_id: Annotated[str, Form()]) -> Response:
        """Send the browser to the app URL with the tenant's credentials: the launch."""
        tenant = tenant_by_id(tenant_id)
        installation = state.installations.get(tenant_id)
        if tenant is None or installation is None:
            return _page_error(f"The app is not installed for tenant {tenant_id!r}.")
        if user_id not in {user.id for user in tenant.users}:
            return _page_error(f"{user_id!r} is not a user of {tenant.name}.")
        query = urlencode(
            {
                "client_id": installation.client_id,
                "client_secret": installation.client_secret,
                "scope": " ".join(sorted(installation.scopes)),
            }
        )
        response = RedirectResponse(f"{state.config.app.app_url}?{query}", status_code=303)
        response.set_cookie(USER_COOKIE, user_id, httponly=True, samesite="lax")
        return response

    # ---- Authorization endpoint (RFC 6749 section 4.1.1) ----------------------------

    @app.get("/oauth2/authorize")
    async def authorize(request: Request) -> Response:
        params = dict(request.query_params)
        state.stats["authorize"] += 1
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri")
        installation = state.installation_for_client(client_id)
        # Without a known client and an exactly registered redirect URI, the error is
        # shown here: redirecting would send the browser to an unverified address.
        if installation is None:
            return _page_error(f"Unknown client_id {client_id[:40]!r}.", 400)
        if redirect_uri not in state.config.app.redirect_uris:
            return _page_error(
                f"The redirect_uri {str(redirect_uri)[:200]!r} does not match a registered "
                f"redirect URI exactly. Registered: {', '.join(state.config.app.redirect_uris)}",
                400,
            )
        oauth_state = params.get("state")

        def fail(error: str, description: str) -> Response:
            return _redirect_with(
                redirect_uri, error=error, error_description=description, state=oauth_state
            )

        if params.get("response_type") != "code":
            return fail("unsupported_response_type", "response_type must be code")
        scopes = frozenset(params.get("scope", "").split())
        if not scopes or not scopes <= installation.scopes:
            return fail(
                "invalid_scope", f"the installation grants {' '.join(sorted(installation.scopes))}"
            )
        challenge = params.get("code_challenge")
        if challenge is not None and params.get("code_challenge_method") != "S256":
            return fail("invalid_request", "code_challenge_method must be S256")
        if challenge is None and state.config.require_pkce:
            return fail("invalid_request", "PKCE is required")

        consent_id = secrets.token_urlsafe(16)
        with state.locked():
            state.consents[consent_id] = Consent(
                client_id=client_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                state=oauth_state,
                code_challenge=challenge,
                expires_at=state.now() + CONSENT_LIFETIME_SECONDS,
            )
        tenant = tenant_by_id(installation.tenant_id)
        return templates.TemplateResponse(
            request,
            "consent.html",
            {
                "config": state.config,
                "tenant": tenant,
                "scopes": sorted(scopes),
                "consent_id": consent_id,
                "current_user": request.cookies.get(USER_COOKIE),
            },
        )

    @app.post("/oauth2/authorize/decision")
    async def decide(
        consent_id: Annotated[str, Form()],
        decision: Annotated[str, Form()],
        user_id: Annotated[str, Form()],
    ) -> Response:
        with state.locked():
            consent = state.consents.pop(consent_id, None)
        if consent is None or consent.expires_at < state.now():
            return _page_error("This consent page has expired. Open the app again.", 400)
        if decision != "approve":
            return _redirect_with(
                consent.redirect_uri,
                error="access_denied",
                error_description="the user declined",
                state=consent.state,
            )
        code = secrets.token_urlsafe(32)
        with state.locked():
            state.codes[code] = AuthorizationCode(
                client_id=consent.client_id,
                redirect_uri=consent.redirect_uri,
                scopes=consent.scopes,
                user_id=user_id,
                code_challenge=consent.code_challenge,
                expires_at=state.now() + state.config.code_lifetime_seconds,
            )
        response = _redirect_with(consent.redirect_uri, code=code, state=consent.state)
        response.set_cookie(USER_COOKIE, user_id, httponly=True, samesite="lax")
        return response

    # ---- Token endpoint (RFC 6749 sections 4.1.3 and 6) -----------------------------

    @app.post("/oauth2/token")
    async def token(request: Request) -> Response:
        form = await request.form()
        grant_type = str(form.get("grant_type", ""))
        state.stats[f"token.{grant_type or 'none'}"] += 1
        fault = state.take_fault("token", grant_type)
        if fault is not None:
            return await _fault_response(fault)
        if request.headers.get("content-type", "").split(";")[0] != (
            "application/x-www-form-urlencoded"
        ):
            return _token_error("invalid_request", "the body must be form-urlencoded")
        if "client_secret" in form:
            return _token_error("invalid_request", "send client credentials with HTTP Basic")
        credentials = _basic_credentials(
            request.headers.get("authorization"), state.config.client_auth_encoding
        )
        installation = state.installation_for_client(credentials[0]) if credentials else None
        if (
            credentials is None
            or installation is None
            or not hmac.compare_digest(
                credentials[1].encode("utf-8"), installation.client_secret.encode("utf-8")
            )
        ):
            state.stats["token.invalid_client"] += 1
            return _token_error("invalid_client", "client authentication failed", 401)

        if grant_type == "authorization_code":
            result = _exchange_code(state, signer, installation.client_id, form)
        elif grant_type == "refresh_token":
            result = _refresh(state, signer, installation.client_id, form)
        else:
            return _token_error("unsupported_grant_type", f"grant_type {grant_type[:40]!r}")
        if isinstance(result, Response):
            state.stats["token.errors"] += 1
            return result
        state.stats[f"token.{grant_type}.ok"] += 1
        if state.config.token_delay_seconds:
            await asyncio.sleep(state.config.token_delay_seconds)
        return JSONResponse(result, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @app.get("/oauth2/jwks")
    async def jwks() -> JSONResponse:
        return JSONResponse(signer.jwks())

    # ---- API ------------------------------------------------------------------------

    @app.get("/api/employees")
    async def employees(request: Request) -> Response:
        state.stats["api.employees"] += 1
        fault = state.take_fault("api")
        if fault is not None:
            return await _fault_response(fault)
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            return _api_error(401, 'Bearer realm="reai"', "missing bearer token")
        claims = signer.verify(value.strip(), now=state.now())
        if claims is None or claims.get("jti") in state.revoked_access_jtis:
            return _api_error(
                401, 'Bearer realm="reai", error="invalid_token"', "invalid or expired token"
            )
        with state.locked():
            state.api_callers.append((str(claims["aud"]), str(claims.get("tenant"))))
        if EMPLOYEES_SCOPE not in str(claims.get("scope", "")).split():
            return _api_error(
                403,
                f'Bearer realm="reai", error="insufficient_scope", scope="{EMPLOYEES_SCOPE}"',
                "insufficient scope",
                scope=EMPLOYEES_SCOPE,
            )
        tenant = tenant_by_id(str(claims.get("tenant")))
        return JSONResponse(list(tenant.employees) if tenant else [])

    # ---- Controls for tests ---------------------------------------------------------

    @app.get("/_simulator/stats")
    async def stats() -> JSONResponse:
        with state.locked():
            return JSONResponse({"stats": dict(state.stats)})

    @app.post("/_simulator/config")
    async def change_config(changes: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        allowed = {
            "access_token_lifetime_seconds",
            "refresh_token_lifetime_seconds",
            "code_lifetime_seconds",
            "rotate_refresh_tokens",
            "client_auth_encoding",
            "require_pkce",
            "token_delay_seconds",
        }
        unknown = set(changes) - allowed
        if unknown:
            return JSONResponse({"error": f"unknown settings: {sorted(unknown)}"}, 400)
        with state.locked():
            for name, value in changes.items():
                setattr(state.config, name, value)
        return JSONResponse({"changed": sorted(changes)})

    @app.post("/_simulator/faults")
    async def add_fault(fault: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        count = int(fault.pop("count", 1))
        fault["headers"] = tuple(tuple(pair) for pair in fault.get("headers", {}).items())
        state.add_fault(Fault(**fault), count=count)
        return JSONResponse({"queued": count})

    @app.post("/_simulator/reset")
    async def reset() -> JSONResponse:
        state.reset()
        return JSONResponse({"reset": True})

    @app.post("/_simulator/tenants/{tenant_id}/revoke")
    async def revoke(tenant_id: str) -> JSONResponse:
        installation = state.installations.get(tenant_id)
        if installation is None:
            return JSONResponse({"error": f"not installed for {tenant_id}"}, 404)
        state.revoke_client(installation.client_id)
        return JSONResponse({"revoked": installation.client_id})

    def _page_error(message: str, status: int = 400) -> Response:
        return HTMLResponse(
            templates.get_template("error.html").render(message=message), status_code=status
        )

    return app


def _exchange_code(
    state: SimulatorState, signer: TokenSigner, client_id: str, form: Any
) -> dict[str, Any] | Response:
    code_value = str(form.get("code", ""))
    with state.locked():
        code = state.codes.get(code_value)
        if code is None or code.client_id != client_id:
            return _token_error("invalid_grant", "unknown authorization code")
        if code.used:
            # RFC 6749 section 4.1.2: a code used twice revokes what it produced.
            state.revoked_access_jtis.update(code.issued_access_jtis)
            for token in code.issued_refresh_tokens:
                state.refresh_tokens[token].revoked = True
            return _token_error("invalid_grant", "authorization code already used")
        code.used = True
        if code.expires_at < state.now():
            return _token_error("invalid_grant", "authorization code expired")
        if form.get("redirect_uri") != code.redirect_uri:
            return _token_error(
                "invalid_grant", "redirect_uri does not match the authorization request"
            )
        verifier = form.get("code_verifier")
        if code.code_challenge is not None:
            if not isinstance(verifier, str) or _s256(verifier) != code.code_challenge:
                return _token_error("invalid_grant", "PKCE verification failed")
        elif verifier is not None:
            return _token_error("invalid_grant", "code_verifier sent without a code_challenge")
        response = _issue_tokens(
            state, signer, client_id, code.user_id, code.scopes, with_refresh=True
        )
        code.issued_access_jtis.append(response.pop("_jti"))
        code.issued_refresh_tokens.append(response["refresh_token"])
        return response


def _refresh(
    state: SimulatorState, signer: TokenSigner, client_id: str, form: Any
) -> dict[str, Any] | Response:
    value = str(form.get("refresh_token", ""))
    with state.locked():
        record = state.refresh_tokens.get(value)
        if record is None or record.client_id != client_id:
            return _token_error("invalid_grant", "unknown refresh token")
        if record.revoked:
            return _token_error("invalid_grant", "refresh token revoked")
        if record.expires_at < state.now():
            return _token_error("invalid_grant", "refresh token expired")
        rotate = state.config.rotate_refresh_tokens
        if rotate:
            record.revoked = True
        response = _issue_tokens(
            state, signer, client_id, record.user_id, record.scopes, with_refresh=rotate
        )
        response.pop("_jti")
        return response


def _issue_tokens(
    state: SimulatorState,
    signer: TokenSigner,
    client_id: str,
    user_id: str,
    scopes: frozenset[str],
    *,
    with_refresh: bool,
) -> dict[str, Any]:
    installation = state.installation_for_client(client_id)
    tenant_id = installation.tenant_id if installation else ""
    lifetime = state.config.access_token_lifetime_seconds
    access_token, jti = signer.issue(
        subject=user_id,
        client_id=client_id,
        tenant_id=tenant_id,
        scopes=scopes,
        lifetime=lifetime,
        now=state.now(),
    )
    state.access_jtis_by_client.setdefault(client_id, set()).add(jti)
    response: dict[str, Any] = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": " ".join(sorted(scopes)),
        "_jti": jti,
    }
    if with_refresh:
        refresh_token = secrets.token_urlsafe(48)
        state.refresh_tokens[refresh_token] = RefreshToken(
            client_id=client_id,
            user_id=user_id,
            scopes=scopes,
            expires_at=state.now() + state.config.refresh_token_lifetime_seconds,
        )
        response["refresh_token"] = refresh_token
    return response


def _basic_credentials(header: str | None, encoding: str) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        return None
    if encoding == "form-urlencoded":
        return unquote_plus(client_id), unquote_plus(client_secret)
    return client_id, client_secret


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _token_error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="reai"'
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


def _api_error(status: int, challenge: str, message: str, **extra: str) -> JSONResponse:
    return JSONResponse(
        {"error": message, **extra}, status_code=status, headers={"WWW-Authenticate": challenge}
    )


def _redirect_with(redirect_uri: str, **params: str | None) -> RedirectResponse:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=303)


async def _fault_response(fault: Fault) -> Response:
    if fault.delay_seconds:
        await asyncio.sleep(fault.delay_seconds)
    return Response(
        fault.body,
        status_code=fault.status,
        media_type=fault.content_type,
        headers=dict(fault.headers),
    )
