"""After a test that ran outside a transaction (the concurrency test), Django has
emptied the database: put back the territories every other test expects."""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        from cercle.network.models import Territory
        from cercle.network.territories import territories_load

        with item.config.stash[blocking_manager_key].unblock():
            if not Territory.objects.exists():
                territories_load()
    return result
