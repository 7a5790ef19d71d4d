"""UI languages: English and Norwegian Bokmål, from gettext catalogs in locales/.

The .po files are read at start-up and compiled in memory, so the repository holds no
compiled .mo files. The language follows the browser's Accept-Language header.
"""

from __future__ import annotations

import gettext
import re
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

Locale = Literal["en", "nb"]
LOCALES_DIRECTORY = Path(__file__).parent / "locales"

# ReAI's tenants work in Norway, so times are shown in Norwegian time in both languages.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Oslo")

# Browsers send "no" (Norwegian) or "nn" (Nynorsk) as often as "nb"; Bokmål serves all.
_LANGUAGE_ALIASES: dict[str, Locale] = {"en": "en", "nb": "nb", "no": "nb", "nn": "nb"}
_ACCEPT_ITEM = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?"
)

# Shown where a value is missing; an en dash, as Norwegian and English typography use.
NO_VALUE = "\u2013"

# British English formats dates day first with a 24-hour clock, as readers in Norway expect.
_BABEL_LOCALES: dict[Locale, str] = {"en": "en_GB", "nb": "nb_NO"}

_current_locale: ContextVar[Locale] = ContextVar("current_locale", default="en")


def negotiate_locale(accept_language: str | None, default: Locale) -> Locale:
    """Pick the supported locale that the Accept-Language header ranks highest."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, Locale]] = []
    for position, item in enumerate(accept_language[:512].split(",")):
        match = _ACCEPT_ITEM.match(item)
        if not match:
            continue
        locale = _LANGUAGE_ALIASES.get(match.group(1).lower())
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if locale is not None and quality > 0:
            ranked.append((-quality, position, locale))
    return min(ranked)[2] if ranked else default


@cache
def translations(locale: Locale) -> gettext.NullTranslations:
    """Load the catalog of `locale`. English is the source language and needs none."""
    if locale == "en":
        return gettext.NullTranslations()
    with (LOCALES_DIRECTORY / locale / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def set_locale(locale: Locale) -> None:
    """Select the language for templates rendered in the current request."""
    _current_locale.set(locale)


def current_locale() -> Locale:
    return _current_locale.get()


def gettext_current(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext_current(singular: str, plural: str, count: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, count)


def format_time(value: datetime | None) -> str:
    """Format an aware datetime in the current locale and Norwegian time, with the zone
    abbreviation (CET or CEST), because readers may sit elsewhere."""
    if value is None:
        return NO_VALUE
    locale = _BABEL_LOCALES[current_locale()]
    moment = format_datetime(value, format="medium", tzinfo=DISPLAY_TIMEZONE, locale=locale)
    zone = format_datetime(value, format="z", tzinfo=DISPLAY_TIMEZONE, locale=locale)
    return f"{moment} {zone}"


def format_number(value: float) -> str:
    return format_decimal(value, locale=_BABEL_LOCALES[current_locale()])


def mark(message: str) -> str:
    """Mark a string for translation without translating it (gettext's N_)."""
    return message
