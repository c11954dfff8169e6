"""Browser checks of the Content-Security-Policy reuse the browser tours' fixtures
(`tests.e2e.conftest`): one Chromium, a `page` that records policy violations. They are
marked and grouped like the tours (`e2e`, xdist group "e2e"), and the seeded data is put
back after each, since the live server's database is emptied."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from tests.e2e.conftest import (  # noqa: F401 (fixtures)
    CHROMIUM,
    browser,
    browser_tests_required,
    e2e_db,
    log_in,
    page,
    verified_person,
)

BROWSER_TESTS = {"test_csp_in_browser.py"}


def _in_browser(item: pytest.Item) -> bool:
    return Path(str(item.path)).name in BROWSER_TESTS


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is not installed (set CERCLE_BROWSER_TESTS=1 to require it)"
    )
    for item in items:
        if not _in_browser(item):
            continue
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.xdist_group("e2e"))
        if not CHROMIUM.exists() and not browser_tests_required():
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    if nextitem is not None and "live_server" in getattr(item, "fixturenames", ()):
        from pytest_django.plugin import blocking_manager_key

        from tests.conftest import restore_seeded_data

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_data()
    return result
