"""schemathesis over the whole OpenAPI document, in the suite (SQLite and PostgreSQL).

Every operation gets a few generated requests as a steward with a bearer token, and one
as an anonymous caller. Each answer must not be a server error and must conform to the
document: a documented status code, the documented content type, the documented body.
Each example runs in a savepoint that is rolled back, so no example sees another's
writes, and the test's own transaction is rolled back at its end.

Bounded for CI (`CERCLE_FUZZ_EXAMPLES`, default 3 per operation for the steward, 1 for
the anonymous caller; CI's hypothesis profile makes the run deterministic). The longer
run, against a server with the demo network, is in docs/reliability.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cercle.wsgi import application
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import token_secret

EXAMPLES = int(os.environ.get("CERCLE_FUZZ_EXAMPLES", "3"))
# The coverage phase (every boundary of every field) is for the longer run.
PHASES = os.environ.get("CERCLE_FUZZ_PHASES", "examples,fuzzing").split(",")
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {name: {"enabled": name in PHASES} for name in ("examples", "coverage", "fuzzing")}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The fixtures are per test (per operation), the examples share them: that is the point.
QUIET = list(HealthCheck)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_connection_kept")]


@pytest.fixture
def _connection_kept() -> Iterator[None]:
    """schemathesis calls the WSGI application directly: unlike Django's test client, it
    lets the end of each request close the database connection, which on PostgreSQL is
    the test's own transaction. Keep it open, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def steward_headers(db: None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_secret(StewardFactory())}"}


def _call_and_roll_back(case: Any, headers: dict[str, str] | None) -> None:
    with transaction.atomic():
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.set_rollback(True)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=QUIET)
def test_every_operation_as_a_steward_answers_per_the_schema(
    case: Any, steward_headers: dict[str, str]
) -> None:
    _call_and_roll_back(case, steward_headers)


@schema.parametrize()
@settings(max_examples=max(1, EXAMPLES // 3), deadline=None, suppress_health_check=QUIET)
def test_every_operation_anonymously_answers_per_the_schema(case: Any, db: None) -> None:
    _call_and_roll_back(case, None)
