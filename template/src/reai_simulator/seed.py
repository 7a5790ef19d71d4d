"""Fictional tenants, users and employees for the simulated App Store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str
    users: tuple[User, ...]
    employees: tuple[dict[str, Any], ...]


_FIRST_NAMES = (
    "Ingrid",
    "Lars",
    "Sigrid",
    "Ola",
    "Kari",
    "Henrik",
    "Astrid",
    "Magnus",
    "Nora",
    "Emil",
    "Solveig",
    "Jonas",
    "Marit",
    "Sander",
    "Ragnhild",
    "Tobias",
    "Hanne",
    "Eirik",
    "Silje",
    "Anders",
    "Ida",
    "Kristian",
    "Tone",
    "Håkon",
)
_LAST_NAMES = (
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Eriksen",
    "Dahl",
    "Lund",
    "Solberg",
    "Strand",
    "Bakken",
    "Moen",
    "Aas",
    "Lie",
    "Holm",
    "Sæther",
)
_TITLES = (
    "Daglig leder",
    "Regnskapsfører",
    "Prosjektleder",
    "Tømrer",
    "Elektriker",
    "Rådgiver",
    "Salgssjef",
    "Lærling",
    "Utvikler",
    "Controller",
    "Kundebehandler",
    "Innkjøper",
)
_DEPARTMENTS = ("Administrasjon", "Økonomi", "Prosjekt", "Produksjon", "Salg", "IT")


def _employees(
    tenant_key: str, domain: str, count: int, offset: int
) -> tuple[dict[str, Any], ...]:
    records: list[dict[str, Any]] = []
    for index in range(count):
        # Every (first, last) pair is distinct for up to 24 * 24 employees.
        first = _FIRST_NAMES[(index + offset) % len(_FIRST_NAMES)]
        last = _LAST_NAMES[(index * 5 + index // len(_FIRST_NAMES) + offset) % len(_LAST_NAMES)]
        department = _DEPARTMENTS[(index + offset) % len(_DEPARTMENTS)]
        record: dict[str, Any] = {
            "id": f"emp_{tenant_key}_{index + 1:03d}",
            "firstName": first,
            "lastName": last,
            "email": f"{first}.{last}@{domain}".lower().replace("å", "a").replace("æ", "ae"),
            "jobTitle": _TITLES[(index * 3 + offset) % len(_TITLES)],
            "department": {"id": f"dep_{department[:3].lower()}", "name": department},
            "employedSince": (date(2015, 1, 5) + timedelta(days=97 * index)).isoformat(),
        }
        # Some records lack fields, as real data does: the app must cope.
        if index % 9 != 4:
            record["phone"] = f"+47 9{index:02d} {offset:02d} {index * 13 % 100:02d}"
        if index % 11 == 7:
            del record["jobTitle"]
        records.append(record)
    return tuple(records)


TENANTS: tuple[Tenant, ...] = (
    Tenant(
        id="ten_nordlys",
        name="Nordlys Bygg AS",
        users=(
            User("usr_nordlys_1", "Kari Nordmann", "kari@nordlysbygg.example"),
            User("usr_nordlys_2", "Per Hansen", "per@nordlysbygg.example"),
        ),
        employees=_employees("nordlys", "nordlysbygg.example", 45, 0),
    ),
    Tenant(
        id="ten_fjellvik",
        name="Fjellvik Regnskap AS",
        users=(User("usr_fjellvik_1", "Ola Berg", "ola@fjellvikregnskap.example"),),
        employees=_employees("fjellvik", "fjellvikregnskap.example", 12, 5),
    ),
)


def tenant_by_id(tenant_id: str) -> Tenant | None:
    return next((tenant for tenant in TENANTS if tenant.id == tenant_id), None)
