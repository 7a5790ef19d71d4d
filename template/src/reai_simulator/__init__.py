"""A strict local ReAI for development and tests. It never ships in the app's wheel.

It plays the platform's part of the flow: an App Store with tenants that install and open
the app, the OAuth 2.0 authorization and token endpoints of a Spring Authorization Server
style platform, and /api/employees. Control endpoints under /_simulator let tests change
its behaviour and read what it saw.
"""

from .app import create_simulator_app
from .config import AppRegistration, SimulatorConfig
from .server import BackgroundServer
from .state import Fault, SimulatorState

__all__ = [
    "AppRegistration",
    "BackgroundServer",
    "Fault",
    "SimulatorConfig",
    "SimulatorState",
    "create_simulator_app",
]
