"""Fixtures shared by every layer of the suite."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests.factories.network import PersonFactory

# CI explores the same examples on every run (derandomized): a red build is then a
# change's fault, reproducible on a laptop with HYPOTHESIS_PROFILE=ci. Locally the search
# stays random, so the suite keeps finding new cases where developers can fix them.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Every test database holds the official territories, as production does."""
    from cercle.network.territories import territories_load

    with django_db_blocker.unblock():
        territories_load()
    yield
    # The live server's request threads may still hold a PostgreSQL session; close
    # them so the test database can be dropped cleanly.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _french_by_default(settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def person(db: None) -> Any:
    return PersonFactory()


def client_for(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With CERCLE_FAIL_ON_SKIP=1 (CI), a skipped test fails the run."""
    if os.environ.get("CERCLE_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line(
            f"CERCLE_FAIL_ON_SKIP: {len(reporter.stats['skipped'])} test(s) skipped", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def restore_seeded_data() -> None:
    """What migrations and `make run` put in every database — the official territories
    and the reading criteria of support letters — back after a test that ran outside a
    transaction, which Django ends by emptying every table."""
    import importlib

    from django.apps import apps as django_apps

    from cercle.decisions.models import ReadingCriterion
    from cercle.network.models import Territory
    from cercle.network.territories import territories_load

    if not Territory.objects.exists():
        territories_load()
    if not ReadingCriterion.objects.exists():
        migration = importlib.import_module(
            "cercle.decisions.migrations.0002_letters_reading_criteria"
        )
        migration.seed(django_apps, None)


@pytest.hookimpl(wrapper=True)
def restore_after_transactional_test(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None]:
    """A `pytest_runtest_teardown` for folders whose tests run outside a transaction: Django
    has emptied the database after each, so put back the seeded data every other test
    expects. Not after the session's last test, whose teardown has dropped the database.
    A folder's conftest imports it under the hook's name."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if nextitem is not None and marker is not None and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_data()
    return result
