"""Every question's validator rejects bad answers with a message that says what is wrong."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .template import UNSUPPORTED, render


@pytest.mark.parametrize(
    "case",
    UNSUPPORTED,
    ids=[" ".join(f"{k}={v}" for k, v in case["answers"].items()) for case in UNSUPPORTED],
)
def test_unsupported_answer_is_rejected(tmp_path: Path, case: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=re.escape(case["error"])):
        render(tmp_path / "project", case["answers"])

    assert not (tmp_path / "project" / "pyproject.toml").exists()


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, {"project_slug": "my-reai-app", "package_name": "my_reai_app"}),
        ({"project_name": "Ærlig Økonomi på Nett!"}, {"project_slug": "aerlig-okonomi-pa-nett"}),
        (
            {"project_name": "The Employee Directory for Every Construction Company in Norway"},
            {
                "project_slug": "the-employee-directory-for-every-constru",
                "package_name": "the_employee_directory_for_every_constru",
            },
        ),
        (
            {"public_url": "https://employees.example.no/"},
            {"redirect_uri": "https://employees.example.no/authorized"},
        ),
        (
            {"public_url": "http://127.0.0.1:9000"},
            {"redirect_uri": "http://127.0.0.1:9000/authorized"},
        ),
        ({"public_url": "http://[::1]:8000"}, {"redirect_uri": "http://[::1]:8000/authorized"}),
    ],
)
def test_defaults_are_derived_from_earlier_answers(
    tmp_path: Path, answers: dict[str, str], expected: dict[str, str]
) -> None:
    project = render(tmp_path / "project", answers)

    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    for question, value in expected.items():
        assert recorded[question] == value


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:8000/",
        "http://localhost:8000/authorized",
        "http://LOCALHOST:8000/Callback/",
        "http://localhost:8000/cb?source=reai",
    ],
)
def test_redirect_uris_on_the_public_origin_are_accepted(
    tmp_path: Path, redirect_uri: str
) -> None:
    project = render(tmp_path / "project", {"redirect_uri": redirect_uri})

    assert (
        f'"redirect_uri": "{redirect_uri}",' in (project / "src/my_reai_app/config.py").read_text()
    )


def test_answers_file_holds_no_secret(tmp_path: Path) -> None:
    project = render(tmp_path / "project", {})

    answers = (project / ".copier-answers.yml").read_text()
    environment = (project / ".env").read_text()
    secrets = [
        line.split("=", 1)[1]
        for line in environment.splitlines()
        if line.startswith(("SESSION_SECRET=", "ENCRYPTION_KEYS="))
    ]
    assert len(secrets) == 2
    for secret in secrets:
        assert secret not in answers
    assert "_src_path" in answers


def test_every_copy_gets_its_own_keys(tmp_path: Path) -> None:
    first = render(tmp_path / "first", {})
    second = render(tmp_path / "second", {})

    assert (first / ".env").read_text() != (second / ".env").read_text()
