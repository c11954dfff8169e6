"""A member's journal is found through the (visibility, seq) index, not a scan."""

from __future__ import annotations

import pytest
from django.db import connection

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.selectors import JournalAudience, journal_entry_list
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_public_part_of_the_journal_is_read_through_the_visibility_index() -> None:
    person = PersonFactory()
    for number in range(30):
        journal.record(
            actor=person.user,
            verb="test.recorded",
            object_type="test.thing",
            object_id=str(number),
            visibility=Visibility.PRIVATE if number % 3 else Visibility.PUBLIC,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    audience = JournalAudience(user=None, is_member=False, is_steward=False)
    sql, params = journal_entry_list(audience=audience)[:25].query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # few rows: plan as at scale
        cursor.execute(prefix + sql, params)
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "core_journal_visible_seq" in plan, plan
