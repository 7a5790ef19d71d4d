"""Search, sorting and paging of the employee list, done in the app.

The ReAI API returns all of a tenant's employees in one response and documents no query
parameters, so the app filters and pages the list itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from ..reai.models import Employee

SortKey = Literal["name", "title", "department", "email"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True, slots=True)
class EmployeeQuery:
    search: str
    sort: SortKey
    descending: bool
    page: int

    @classmethod
    def from_params(
        cls, *, search: str | None, sort: str | None, order: str | None, page: str | None
    ) -> EmployeeQuery:
        """Read the query parameters, falling back to defaults for values out of range."""
        sort_key: SortKey = "name"
        for key in SORT_KEYS:
            if sort == key:
                sort_key = key
        # ASCII digits only: str.isdigit() also accepts "²", which int() rejects.
        page_number = int(page) if page is not None and re.fullmatch(r"[0-9]{1,5}", page) else 1
        return cls(
            search=(search or "").strip()[:MAX_QUERY_LENGTH],
            sort=sort_key,
            descending=order == "desc",
            page=max(page_number, 1),
        )


@dataclass(frozen=True, slots=True)
class EmployeePage:
    employees: Sequence[Employee]
    query: EmployeeQuery
    total: int
    page: int
    page_count: int


def select_page(employees: Sequence[Employee], query: EmployeeQuery) -> EmployeePage:
    needle = query.search.casefold()
    matching = [
        employee
        for employee in employees
        if not needle
        or any(
            needle in (value or "").casefold()
            for value in (employee.name, employee.email, employee.title, employee.department)
        )
    ]
    # Employees without a value for the sort key go last in either direction.
    present = [e for e in matching if getattr(e, query.sort)]
    absent = [e for e in matching if not getattr(e, query.sort)]
    present.sort(key=lambda e: str(getattr(e, query.sort)).casefold(), reverse=query.descending)
    ordered = present + absent

    page_count = max((len(ordered) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(query.page, page_count)
    start = (page - 1) * PAGE_SIZE
    return EmployeePage(
        employees=ordered[start : start + PAGE_SIZE],
        query=query,
        total=len(ordered),
        page=page,
        page_count=page_count,
    )
