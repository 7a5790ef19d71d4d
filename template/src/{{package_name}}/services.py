"""The objects that handle requests, built once per app at start-up."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.templating import Jinja2Templates

from .clock import Clock
from .config import Settings
from .oauth.flows import FlowStore
from .oauth.refresh import TokenService
from .oauth.token_endpoint import TokenEndpoint
from .reai.client import ReaiClient
from .storage.crypto import Cipher
from .tenants.registry import TenantRegistry
from .tenants.sql import SqlTenantRegistry
from .web.sessions import SessionStore


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    http: httpx.AsyncClient
    registry: TenantRegistry
    flows: FlowStore
    sessions: SessionStore
    token_endpoint: TokenEndpoint
    tokens: TokenService
    reai: ReaiClient
    templates: Jinja2Templates

    @classmethod
    def build(
        cls,
        *,
        settings: Settings,
        clock: Clock,
        engine: AsyncEngine,
        http: httpx.AsyncClient,
        templates: Jinja2Templates,
    ) -> Services:
        cipher = Cipher(settings.encryption_key_values)
        registry = SqlTenantRegistry(engine=engine, cipher=cipher)
        token_endpoint = TokenEndpoint(http=http, settings=settings, clock=clock)
        tokens = TokenService(
            registry=registry,
            token_endpoint=token_endpoint,
            leeway_seconds=settings.token_refresh_leeway_seconds,
            clock=clock,
        )
        return cls(
            settings=settings,
            clock=clock,
            engine=engine,
            http=http,
            registry=registry,
            flows=FlowStore(engine=engine, cipher=cipher),
            sessions=SessionStore(
                engine=engine,
                secret=settings.session_secret_value,
                lifetime_seconds=settings.session_lifetime_seconds,
            ),
            token_endpoint=token_endpoint,
            tokens=tokens,
            reai=ReaiClient(
                http=http,
                api_base_url=settings.api_base_url,
                tokens=tokens,
                registry=registry,
                clock=clock,
            ),
            templates=templates,
        )


def get_services(request: Request) -> Services:
    services = request.app.state.services
    if not isinstance(services, Services):
        raise RuntimeError("the app's services are missing: was it started through its lifespan?")
    return services
