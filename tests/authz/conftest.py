"""The matrix's world is built once per module, inside a transaction rolled back at the
end of the module; each test runs in a savepoint of it (pytest-django's `db`), and each
cell in a savepoint of its own, so a POST that succeeds changes nothing for the next."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.authz.world import World, build_world
from tests.conftest import restore_seeded_data


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        restore_seeded_data()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
