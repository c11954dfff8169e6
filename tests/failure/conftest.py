"""Every test here runs outside a transaction (workers and threads need committed rows):
the seeded data is put back after each."""

from tests.conftest import restore_after_transactional_test as pytest_runtest_teardown

__all__ = ["pytest_runtest_teardown"]
