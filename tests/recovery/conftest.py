"""The round trips of backup and restore run outside a transaction (pg_dump and the
restoring process read committed data); Django then empties the database, so the seeded
data every other test expects is put back afterwards."""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        from tests.conftest import restore_seeded_data

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_data()
    return result
