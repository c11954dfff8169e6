"""The authorization matrix: every operation of the site (pages and API), called by each
role in each state that changes the answer; the answer's status must be the one the data
in `expected.py` says, and no body may carry a secret its reader must not see.

`AUTHZ_RECORD=/path.json` records the observed statuses instead of checking them (to
write the rows of a new route; review them before pasting them into `expected.py`).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest

from tests.authz.cells import LEAK_RULES, cells_of
from tests.authz.expected import EXPECTED
from tests.authz.operations import Operation, all_operations, call
from tests.authz.world import SECRETS, World

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("authz")]

RECORD = os.environ.get("AUTHZ_RECORD", "")
_recorded: dict[str, dict[str, str]] = {}


def _leaks(op: Operation, state: str, role: str, body: str) -> list[str]:
    found = []
    for secret, states, roles, where in LEAK_RULES:
        applies = state in states and role in roles and re.search(where, op.pattern)
        if applies and SECRETS[secret] in body:
            found.append(secret)
    return found


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return ""
    content = response.content
    if content[:4] == b"%PDF":
        return ""
    return content.decode("utf-8", "replace")


def _check(op: Operation, world: World) -> None:
    expected = EXPECTED.get(op.key, {})
    failures: list[str] = []
    observed: dict[str, str] = {}
    for state, role in cells_of(op):
        response = call(op, world, role, state)
        status = response.status_code
        observed.setdefault(state, "")
        observed[state] += f" {role}={status}"
        want = _expected_status(expected, state, role)
        if want is not None and status != want:
            failures.append(f"{state}/{role}: {status}, expected {want}")
        if status < 300:
            for secret in _leaks(op, state, role, _body(response)):
                failures.append(f"{state}/{role}: LEAK of {secret}")
        if status >= 500:
            failures.append(f"{state}/{role}: server error {status}")
    if RECORD:
        _recorded[op.key] = {s: v.strip() for s, v in observed.items()}
        with open(RECORD, "w") as out:
            json.dump(_recorded, out, indent=1, sort_keys=True)
        return
    assert expected, f"{op.key} has no row in tests/authz/expected.py"
    assert not failures, f"{op.key}:\n" + "\n".join(failures)


def _expected_status(expected: dict[str, str], state: str, role: str) -> int | None:
    row = expected.get(state, "")
    for cell in row.split():
        name, _, status = cell.partition("=")
        if name == role:
            return int(status)
    return None if RECORD else -1


HTML = [op for op in all_operations() if op.kind == "html"]
API = [op for op in all_operations() if op.kind == "api"]


@pytest.mark.parametrize("op", HTML, ids=lambda op: op.key)
def test_page_answers_each_role_as_the_matrix_says(op: Operation, world: World) -> None:
    _check(op, world)


@pytest.mark.parametrize("op", API, ids=lambda op: op.key)
def test_api_answers_each_role_as_the_matrix_says(op: Operation, world: World) -> None:
    _check(op, world)
