"""The journal at scale: a steward's whole journal is counted by its head (entries run
1..seq without a gap), its filter lists come from index probes, never a scan of every
entry; filtered lists and members' views are counted by the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cercle.core import journal, selectors
from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, JournalHead
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

URL = reverse("core:journal")
API = "/api/v1/journal"


def _record(n: int, visibility: str = Visibility.PRIVATE) -> None:
    for i in range(n):
        journal.record(
            actor=None,
            verb=f"scale.v{i % 4}",
            object_type=f"scale.t{i % 3}",
            object_id=str(i),
            visibility=visibility,
        )


def _get(client: Client, path: str, **kw: Any) -> tuple[list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **kw)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response


def _scans_the_journal(sqls: list[str]) -> list[str]:
    """Queries that count or de-duplicate every entry of the journal."""
    return [
        sql for sql in sqls if "core_journalentry" in sql and ("COUNT(" in sql or "DISTINCT" in sql)
    ]


def test_a_stewards_journal_is_counted_by_its_head_not_by_a_scan(steward: Any) -> None:
    client = logged_in(steward)
    _record(5)
    few, _response = _get(client, URL)
    _record(60)
    many, response = _get(client, URL)
    assert len(few) == len(many) <= 15
    assert _scans_the_journal(many) == []
    total = JournalEntry.objects.count()
    assert JournalHead.objects.get().seq == total
    assert response.context["page"].paginator.count == total
    # The last page holds what is left.
    last = response.context["page"].paginator.num_pages
    _sqls, tail = _get(client, f"{URL}?page={last}")
    assert len(tail.context["page"].object_list) == total - (last - 1) * 25


def test_a_filtered_journal_is_counted_by_the_database(steward: Any) -> None:
    _record(40)
    _sqls, response = _get(logged_in(steward), f"{URL}?verb=scale.v1")
    assert response.context["page"].paginator.count == 10
    assert response.content.decode().count("<code>scale.v1</code>") == 10


def test_the_filter_lists_from_the_index_are_the_distinct_values(steward: Any) -> None:
    _record(30)
    journal.record(actor=None, verb="a.first", object_type="", visibility=Visibility.PUBLIC)
    audience = selectors.journal_audience(steward.user)
    assert audience.is_steward
    entries = JournalEntry.objects.order_by()
    assert selectors.journal_verbs(audience=audience) == sorted(
        set(entries.values_list("verb", flat=True))
    )
    assert selectors.journal_object_types(audience=audience) == sorted(
        set(entries.values_list("object_type", flat=True))
    )


def test_a_members_journal_is_still_what_they_may_read(member: Any) -> None:
    _record(6)  # private, nobody's: hidden from the member
    _record(3, Visibility.MEMBERS)
    _sqls, response = _get(logged_in(member), URL)
    page = response.context["page"]
    assert page.paginator.count == JournalEntry.objects.exclude(visibility="private").count()
    assert all(e.visibility != Visibility.PRIVATE for e in page.object_list)


def test_the_api_counts_a_stewards_journal_by_its_head(client: Client, steward: Any) -> None:
    secret = token_secret(steward)
    _record(5)
    client.get(API, **bearer(secret))  # the token's first use is written down
    few, _response = _get(client, API, **bearer(secret))
    _record(30)
    many, response = _get(client, API, **bearer(secret))
    assert len(few) == len(many)
    assert _scans_the_journal(many) == []
    body = response.json()
    assert body["count"] == JournalEntry.objects.count()
    assert [item["seq"] for item in body["items"]][:3] == sorted(
        JournalEntry.objects.values_list("seq", flat=True), reverse=True
    )[:3]
    filtered = client.get(API, {"verb": "scale.v2"}, **bearer(secret)).json()
    assert filtered["count"] == JournalEntry.objects.filter(verb="scale.v2").count()
    other = client.get(API, {"limit": 5, "offset": 5}, **bearer(secret)).json()
    assert other["count"] == body["count"]
    assert len(other["items"]) == 5


def test_the_api_for_others_is_counted_by_the_database(client: Client) -> None:
    public = JournalEntry.objects.filter(visibility=Visibility.PUBLIC).count()
    _record(4, Visibility.PUBLIC)
    _record(4)
    PersonFactory()
    assert client.get(API).json()["count"] == public + 4
