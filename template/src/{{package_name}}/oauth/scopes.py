"""Scope strings, parsed the way RFC 6749 section 3.3 defines them, with ReAI's quirks."""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SCOPE_STRING_LENGTH = 1024
MAX_SCOPE_COUNT = 64

# RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")

# Spaces are the standard separator. Commas and "+" also occur when a platform or a proxy
# encodes the list differently, and neither character appears inside a ReAI scope.
_SEPARATORS = re.compile(r"[\s,+]+")


class InvalidScopeError(ValueError):
    """A scope string that is too long or contains a character RFC 6749 does not allow."""


def parse_scopes(value: str | None) -> frozenset[str]:
    """Split an already URL-decoded scope string into a set of scope tokens.

    The value must not be decoded again: a second decoding would turn "%2B" into a
    separator. An empty or missing value gives an empty set.
    """
    if not value:
        return frozenset()
    if len(value) > MAX_SCOPE_STRING_LENGTH:
        raise InvalidScopeError(
            f"the scope string has {len(value)} characters, more than the "
            f"{MAX_SCOPE_STRING_LENGTH} allowed"
        )
    tokens = frozenset(token for token in _SEPARATORS.split(value) if token)
    if len(tokens) > MAX_SCOPE_COUNT:
        raise InvalidScopeError(
            f"the scope string lists {len(tokens)} scopes, more than the {MAX_SCOPE_COUNT} allowed"
        )
    for token in tokens:
        if not _SCOPE_TOKEN.fullmatch(token):
            raise InvalidScopeError(
                f"the scope {token[:40]!r} contains a character that a scope may not contain "
                "(a quote, a backslash or a non-ASCII character)"
            )
    return tokens


def format_scopes(scopes: Iterable[str]) -> str:
    """Join scopes into the space-separated form, sorted so that equal sets compare equal."""
    return " ".join(sorted(set(scopes)))
