"""The page cache (decision 0016): a kept page costs one query and is never stale with
respect to the database, never someone else's, never kept when it should not be."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.core import services
from cercle.core.models import ApiToken
from cercle.core.pagecache import middleware, versions
from cercle.network.models import Person
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("pagecache")]

URLS = "tests.integration.core.pagecache.urls"


@pytest.fixture(autouse=True)
def _cache_on(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    settings.ROOT_URLCONF = URLS
    caches[middleware.CACHE_ALIAS].clear()
    middleware._cacheable.cache_clear()


def _get(client: Client, path: str, **headers: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, len(queries)


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _version(table: str) -> int:
    return versions.current(connection, [table]).get(table, 0)


# --- the counters ------------------------------------------------------------------------


def _create_a_person_then_roll_back() -> None:
    try:
        with transaction.atomic():
            PersonFactory()
            raise RuntimeError
    except RuntimeError:
        pass


def test_a_commit_counts_each_table_it_wrote_once_and_a_rollback_nothing() -> None:
    before = _version("network_person")
    with transaction.atomic():
        PersonFactory()
        PersonFactory()
        assert _version("network_person") == before  # not before the commit
    assert _version("network_person") == before + 1
    _create_a_person_then_roll_back()
    assert _version("network_person") == before + 1
    PersonFactory()  # autocommit: counted at once
    assert _version("network_person") == before + 2


def test_savepoints_count_what_was_kept_and_may_count_what_was_undone() -> None:
    """Counting too often only renders a page again; counting too little would show a
    stale one."""
    people, users = _version("network_person"), _version("core_user")
    with transaction.atomic():
        _create_a_person_then_roll_back()  # its user and its person: both undone
    assert (_version("network_person"), _version("core_user")) == (people, users)
    with transaction.atomic():
        with transaction.atomic():
            PersonFactory()  # released: kept
        _create_a_person_then_roll_back()
    assert (_version("network_person"), _version("core_user")) == (people + 1, users + 1)


def test_statements_are_classified_by_what_they_may_write() -> None:
    assert versions.written_table('SELECT "a"."id" FROM "network_person" a') is None
    assert versions.written_table("SELECT 1 FROM x FOR UPDATE") is None
    assert versions.written_table('INSERT INTO "network_person" ("x") VALUES (1)') == (
        "network_person"
    )
    assert versions.written_table('UPDATE "core_user" SET "x" = 1') == "core_user"
    assert versions.written_table("DELETE FROM missions_offer WHERE id = 1") == "missions_offer"
    assert versions.written_table('UPDATE "django_session" SET x = 1') is None
    assert versions.written_table("TRUNCATE network_person") == versions.EPOCH
    assert versions.written_table('ALTER TABLE "x" ADD COLUMN y int') == versions.EPOCH
    assert versions.written_table("WITH t AS (SELECT 1) SELECT * FROM t") is None
    assert versions.written_table("WITH t AS (DELETE FROM x RETURNING 1) SELECT 1") == (
        versions.EPOCH
    )
    assert versions.read_tables('SELECT 1 FROM "network_person" JOIN core_user u ON 1') == {
        "network_person",
        "core_user",
    }


# --- a kept page -------------------------------------------------------------------------


def test_a_kept_page_costs_one_query_and_carries_a_fresh_valid_csrf_token() -> None:
    PersonFactory(last_name="Aubépine")
    client = _signed_in(PersonFactory())
    first, rendered = _get(client, "/_test/people/")
    second, kept = _get(client, "/_test/people/")
    assert first.status_code == second.status_code == 200
    assert "Aubépine" in second.content.decode()
    assert rendered > 1
    assert kept == 1
    secret = client.cookies["csrftoken"].value
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
    assert _unmask_cipher_token(token) == secret  # a masked copy of this browser's secret
    assert middleware.CSRF_MARK not in second.content
    assert len(second.content) == len(first.content)
    # The token works: a POST with it passes the CSRF check.
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    assert checked.post("/_test/tell/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_a_write_to_a_table_the_page_read_renders_it_again() -> None:
    person = PersonFactory(last_name="Avant")
    client = _signed_in(PersonFactory())
    assert "Avant" in client.get("/_test/people/").content.decode()
    Person.objects.filter(pk=person.pk).update(last_name="Après")
    response, queries = _get(client, "/_test/people/")
    assert "Après" in response.content.decode()
    assert "Avant" not in response.content.decode()
    assert queries > 1


def test_each_viewer_has_their_own_copy_and_htmx_its_own() -> None:
    PersonFactory(last_name="Commun")
    one, other = _signed_in(PersonFactory()), _signed_in(PersonFactory())
    one.get("/_test/people/")
    _response, queries = _get(other, "/_test/people/")
    assert queries > 1  # not the first viewer's copy
    partial = one.get("/_test/people/", headers={"HX-Request": "true"})
    assert "partial" in partial.content.decode()
    assert "whole" in one.get("/_test/people/").content.decode()


def test_signing_out_ends_the_kept_page_for_that_session_cookie() -> None:
    steward = StewardFactory()
    client = _signed_in(steward)
    assert client.get("/journal/").status_code == 200
    assert _get(client, "/journal/")[1] == 1
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)  # a copy of the cookie jar
    client.post("/compte/logout/")
    assert stolen.get("/journal/").status_code == 302  # to the login page


def test_a_message_is_shown_once_not_kept() -> None:
    client = _signed_in(PersonFactory())
    client.get("/_test/people/")
    client.get("/_test/tell/")
    assert "Saved." in client.get("/_test/people/").content.decode()
    assert "Saved." not in client.get("/_test/people/").content.decode()


@pytest.mark.parametrize("path", ["/_test/writes/", "/_test/cookie/", "/_test/missing/"])
def test_answers_with_side_effects_or_errors_are_never_kept(path: str) -> None:
    PersonFactory()
    client = _signed_in(PersonFactory())
    client.get(path)
    _response, queries = _get(client, path)
    assert queries > 1


def test_anonymous_visitors_share_a_copy_and_it_lives_page_cache_seconds(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 1
    PersonFactory(last_name="Public")
    Client().get("/_test/json/")
    response, queries = _get(Client(), "/_test/json/")
    assert response.json() == {"names": "Public", "count": 1}
    assert queries == 1
    time.sleep(1.1)
    assert _get(Client(), "/_test/json/")[1] > 1


def test_a_migration_or_a_restore_makes_every_kept_page_stale() -> None:
    client = Client()
    client.get("/_test/json/")
    assert _get(client, "/_test/json/")[1] == 1
    versions.resume_and_bump_epoch()
    assert _get(client, "/_test/json/")[1] > 1


def test_off_when_page_cache_seconds_is_zero(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/_test/json/")
    assert _get(client, "/_test/json/")[1] > 1


# --- the API ---------------------------------------------------------------------------


def test_an_api_answer_is_kept_per_token_and_a_revoked_token_is_refused_at_once() -> None:
    steward = StewardFactory()
    token, secret = services.api_token_create(actor=steward.user, name="script")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/journal").status_code == 200  # writes the token's last use
    assert client.get("/api/v1/journal").status_code == 200  # kept
    response, queries = _get(client, "/api/v1/journal")
    assert response.status_code == 200
    assert queries == 1
    assert "Authorization" in response["Vary"]
    services.api_token_revoke(actor=steward.user, token=ApiToken.objects.get(pk=token.pk))
    assert client.get("/api/v1/journal").status_code == 401
