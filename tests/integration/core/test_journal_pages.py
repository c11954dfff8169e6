"""The journal page (members only) and GET /api/v1/journal: who sees which entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

URL = reverse("core:journal")
API = "/api/v1/journal"


def entry(verb: str, visibility: str, *, object_type: str = "test.thing", **kw: Any) -> Any:
    return journal.record(
        actor=kw.pop("actor", None),
        verb=verb,
        object_type=object_type,
        object_id=kw.pop("object_id", verb),
        visibility=visibility,
        **kw,
    )


@pytest.fixture
def entries(member: Any) -> dict[str, Any]:
    """One entry of each kind: public, members-only, mine (private), someone else's (private)."""
    other = PersonFactory()
    return {
        "public": entry("thing.published", Visibility.PUBLIC),
        "members": entry("thing.discussed", Visibility.MEMBERS, object_type="test.other"),
        "mine": entry("thing.mine", Visibility.PRIVATE, subject=member.user),
        "mine_as_actor": entry("thing.done_by_me", Visibility.PRIVATE, actor=member.user),
        "theirs": entry("thing.theirs", Visibility.PRIVATE, subject=other.user),
    }


def verbs_in(html: str, entries: dict[str, Any]) -> set[str]:
    return {key for key, e in entries.items() if f"<code>{e.verb}</code>" in html}


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    """The journal page needs a login."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_signed_in_non_member_is_refused(non_member: Any) -> None:
    """Signed in but not a member: 403 on our error page."""
    response = logged_in(non_member).get(URL)
    assert response.status_code == 403
    assert "<main" in response.content.decode()


def test_a_member_sees_public_members_and_own_private_entries(
    member: Any, entries: dict[str, Any]
) -> None:
    """A member reads public and members entries, and private ones about or by them only."""
    response = logged_in(member).get(URL)
    assert response.status_code == 200
    assert verbs_in(response.content.decode(), entries) == {
        "public",
        "members",
        "mine",
        "mine_as_actor",
    }


def test_a_steward_sees_everything(steward: Any, entries: dict[str, Any]) -> None:
    """A steward reads every entry, others' private ones included."""
    html = logged_in(steward).get(URL).content.decode()
    assert verbs_in(html, entries) == set(entries)


def test_filter_by_verb(member: Any, entries: dict[str, Any]) -> None:
    """?verb= keeps the entries with that verb."""
    html = logged_in(member).get(URL, {"verb": "thing.discussed"}).content.decode()
    assert verbs_in(html, entries) == {"members"}


def test_filter_by_object_type(member: Any, entries: dict[str, Any]) -> None:
    """?object_type= keeps the entries about that kind of object."""
    html = logged_in(member).get(URL, {"object_type": "test.other"}).content.decode()
    assert verbs_in(html, entries) == {"members"}


def test_the_filter_offers_only_visible_verbs(member: Any, entries: dict[str, Any]) -> None:
    """The verb choices do not leak the verbs of entries the reader cannot see."""
    html = logged_in(member).get(URL).content.decode()
    assert 'value="thing.discussed"' in html
    assert "thing.theirs" not in html


def test_filtering_on_a_hidden_verb_is_a_bad_request(member: Any, entries: dict[str, Any]) -> None:
    """Asking for a verb that is not offered answers 400 with the form error, and no entry."""
    response = logged_in(member).get(URL, {"verb": "thing.theirs"})
    assert response.status_code == 400
    assert 'id="id_verb_errors"' in response.content.decode()


def _record_many(count: int) -> None:
    """Entries by several actors, so a missing join would show as one query per row."""
    actors = [PersonFactory().user for _ in range(3)]
    for i in range(count):
        entry(
            f"bulk.v{i % 7}",
            Visibility.MEMBERS,
            object_type=f"test.t{i % 3}",
            actor=actors[i % 3],
        )


def test_the_page_makes_a_bounded_number_of_queries(
    member: Any, django_assert_max_num_queries: Any
) -> None:
    """The journal page stays within a fixed query budget."""
    _record_many(60)
    client = logged_in(member)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200


def test_queries_do_not_grow_with_the_number_of_entries(member: Any) -> None:
    """5 entries or 50 (on two pages), the page makes the same number of queries."""
    client = logged_in(member)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    _record_many(5)
    few = count_queries()
    _record_many(45)
    assert count_queries() == few


def test_the_page_paginates(member: Any) -> None:
    """A long journal is cut into pages with a labelled pagination."""
    _record_many(30)
    html = logged_in(member).get(URL).content.decode()
    assert 'rel="next"' in html
    assert html.count("<code>bulk.") == 25


def test_the_api_shows_anonymous_callers_only_public_entries(
    client: Client, entries: dict[str, Any]
) -> None:
    """GET /journal without a token lists public entries only."""
    response = client.get(API, {"limit": 100})
    assert response.status_code == 200
    verbs = {item["verb"] for item in response.json()["items"]}
    assert entries["public"].verb in verbs
    assert verbs.isdisjoint({e.verb for k, e in entries.items() if k != "public"})
    assert all(item["visibility"] == "public" for item in response.json()["items"])


def test_the_api_shows_a_member_what_the_page_shows(
    client: Client, member: Any, entries: dict[str, Any]
) -> None:
    """With a member's token, the API lists the same entries as the page."""
    response = client.get(API, {"limit": 100}, **bearer(token_secret(member)))
    verbs = {item["verb"] for item in response.json()["items"]}
    expected = {entries[k].verb for k in ("public", "members", "mine", "mine_as_actor")}
    assert expected <= verbs
    assert entries["theirs"].verb not in verbs


def test_the_api_filters_and_chains(client: Client, entries: dict[str, Any]) -> None:
    """Entries carry seq and hashes; ?verb= filters."""
    body = client.get(API, {"verb": "thing.published"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    stored = JournalEntry.objects.get(seq=item["seq"])
    assert (item["hash"], item["prev_hash"]) == (stored.hash, stored.prev_hash)


def test_the_api_list_makes_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    """Listing 60 public entries costs a fixed number of queries."""
    actors = [PersonFactory().user for _ in range(3)]
    for i in range(60):
        entry(f"bulk.v{i}", Visibility.PUBLIC, actor=actors[i % 3])
    with django_assert_max_num_queries(2):  # count + page
        response = client.get(API)
    assert response.status_code == 200
