"""Records returned by the ReAI API.

ReAI does not publish the shape of an employee, so every field is optional, several common
names are accepted for each, and unknown fields are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_FIELD_LENGTH = 200

# Keys that wrap a list of records in paginated or enveloped responses.
_LIST_KEYS = ("content", "items", "data", "employees", "results")


@dataclass(frozen=True, slots=True)
class Employee:
    id: str | None
    name: str | None
    email: str | None
    title: str | None
    department: str | None
    phone: str | None

    @classmethod
    def from_api(cls, record: Mapping[str, Any]) -> Employee:
        first = _text(record, "firstName", "first_name", "givenName")
        last = _text(record, "lastName", "last_name", "familyName", "surname")
        joined = " ".join(part for part in (first, last) if part) or None
        department = record.get("department")
        if isinstance(department, Mapping):
            department_name = _text(department, "name", "title")
        else:
            department_name = _text(record, "department", "departmentName")
        return cls(
            id=_text(record, "id", "employeeId", "uuid"),
            name=_text(record, "name", "fullName", "displayName") or joined,
            email=_text(record, "email", "emailAddress", "mail"),
            title=_text(record, "title", "jobTitle", "position", "role"),
            department=department_name,
            phone=_text(record, "phone", "phoneNumber", "mobile", "mobilePhone"),
        )


def employee_records(body: Any) -> list[Mapping[str, Any]] | None:
    """Return the employee records of a response body, or None for an unknown shape."""
    if isinstance(body, Mapping):
        body = next((body[key] for key in _LIST_KEYS if isinstance(body.get(key), list)), None)
    if not isinstance(body, list):
        return None
    return [record for record in body if isinstance(record, Mapping)]


def _text(record: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()[:MAX_FIELD_LENGTH]
    return None
