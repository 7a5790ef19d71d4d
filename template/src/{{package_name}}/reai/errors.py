"""Failures of calls to the ReAI API."""

from __future__ import annotations


class ReaiApiError(Exception):
    """Base class for failed calls to the ReAI API."""


class ReaiUnavailableError(ReaiApiError):
    """The API failed with a 5xx status, a timeout or a connection error; retry later."""


class ReaiResponseError(ReaiApiError):
    """The API responded with a status or a body that the client cannot use."""
