"""The API tokens page: create (secret shown once), list, revoke, and bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cercle.core import services
from cercle.core.models import ApiToken, JournalEntry, hash_token
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db

URL = reverse("core:tokens")


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    """The tokens page needs a login."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_creating_a_token_shows_the_secret_once(person: Any) -> None:
    """The secret appears right after creation, matches the stored hash, and never again."""
    client = logged_in(person)
    response = client.post(URL, {"name": "Mon script"})
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<code class="secret">(crcl_[^<]+)</code>', html)
    assert match, html
    secret = match.group(1)
    token = ApiToken.objects.get(user=person.user)
    assert token.name == "Mon script"
    assert token.key_hash == hash_token(secret)
    assert JournalEntry.objects.filter(verb="api_token.created", object_id=str(token.uuid)).exists()
    again = client.get(URL).content.decode()
    assert secret not in again
    assert "Mon script" in again
    assert f"{token.hint}…" in again


def test_the_list_shows_only_my_tokens(person: Any) -> None:
    """Another person's tokens do not appear on my page."""

    other = PersonFactory()
    services.api_token_create(actor=person.user, name="mine")
    services.api_token_create(actor=other.user, name="theirs")
    html = logged_in(person).get(URL).content.decode()
    assert "mine" in html
    assert "theirs" not in html


def test_revoking_a_token(person: Any) -> None:
    """POST on the revoke address revokes the token, journals it and redirects back."""

    token, _ = services.api_token_create(actor=person.user, name="old")
    client = logged_in(person)
    response = client.post(reverse("core:token_revoke", args=[token.uuid]))
    assert response.status_code == 302
    assert response.url == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert JournalEntry.objects.filter(verb="api_token.revoked").count() == 1
    page = client.get(URL).content.decode()
    assert reverse("core:token_revoke", args=[token.uuid]) not in page


def test_revoking_needs_a_post(person: Any) -> None:
    """A GET on the revoke address changes nothing."""

    token, _ = services.api_token_create(actor=person.user, name="old")
    response = logged_in(person).get(reverse("core:token_revoke", args=[token.uuid]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_cannot_be_revoked(person: Any) -> None:
    """Someone else's token answers 404 and stays active."""

    token, _ = services.api_token_create(actor=PersonFactory().user, name="theirs")
    response = logged_in(person).post(reverse("core:token_revoke", args=[token.uuid]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_names_are_refused_with_a_field_error(person: Any, name: str) -> None:
    """An empty, blank or 101-character name answers 400 on the field; nothing is created."""
    response = logged_in(person).post(URL, {"name": name})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="secret"' not in html
    assert not ApiToken.objects.exists()


def test_a_name_of_100_characters_is_accepted(person: Any) -> None:
    """The limit is inclusive."""
    response = logged_in(person).post(URL, {"name": "x" * 100})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=person.user).count() == 1


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_makes_a_bounded_number_of_queries(
    person: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    """Listing tokens costs the same whatever their number."""

    for i in range(count):
        services.api_token_create(actor=person.user, name=f"t{i}")
    client = logged_in(person)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
