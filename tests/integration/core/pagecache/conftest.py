"""Every test here runs outside a transaction (table versions move on commit): the seeded
data is put back after each."""

from tests.conftest import restore_after_transactional_test as pytest_runtest_teardown

__all__ = ["pytest_runtest_teardown"]
