"""Every test here runs outside a transaction (table versions move on commit): after each,
put back the seeded data the other tests expect. Not after the session's last test."""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    marker = item.get_closest_marker("django_db")
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        from tests.conftest import restore_seeded_data

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_data()
    return result
