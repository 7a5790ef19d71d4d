"""Prints the timings of every rendered project's checks after the test run.

The steps travel in each test report's user_properties, so that the summary also works
when pytest-xdist runs the tests in other processes.
"""

from __future__ import annotations

import pytest

from .template import StepLog

PROPERTY = "rendered_project"


@pytest.fixture
def step_log(request: pytest.FixtureRequest) -> StepLog:
    callspec = getattr(request.node, "callspec", None)
    log = StepLog(name=callspec.id if callspec is not None else request.node.name)
    # The list is filled while the test runs, before the call report is made.
    request.node.user_properties.append((PROPERTY, (log.name, log.steps)))
    return log


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [
        report
        for key in ("passed", "failed")
        for report in terminalreporter.stats.get(key, [])
        if getattr(report, "when", None) == "call"
    ]
    logs = [
        value for report in reports for name, value in report.user_properties if name == PROPERTY
    ]
    if not logs:
        return
    terminalreporter.section("rendered projects")
    grand_total = 0.0
    for test_name, steps in sorted(logs, key=lambda item: str(item[0])):
        total = sum(seconds for _, seconds, _ in steps)
        grand_total += total
        terminalreporter.write_line(f"{test_name}: {total:.1f} s")
        for label, seconds, last_line in steps:
            terminalreporter.write_line(f"  {label:<14} {seconds:6.1f} s  {last_line[:90]}")
    terminalreporter.write_line(f"all rendered projects: {grand_total:.1f} s of work")
