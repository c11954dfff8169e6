"""The tokens API and Bearer authentication: create, list, revoke, and refusals (401)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cercle.core import services
from cercle.core.models import ApiToken, hash_token
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/tokens"


def post_json(client: Client, url: str, body: object, **extra: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], dict)
    return body


def test_create_a_token_with_a_token(client: Client, person: Any) -> None:
    """POST /tokens answers 201 with the secret once; only its hash is stored."""
    secret = token_secret(person)
    response = post_json(client, TOKENS, {"name": "CI"}, **bearer(secret))
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "CI"
    assert body["secret"].startswith("crcl_")
    token = ApiToken.objects.get(uuid=body["id"])
    assert token.user == person.user
    assert token.key_hash == hash_token(body["secret"])
    assert body["secret"] not in (token.hint, token.key_hash, token.name)


def test_the_new_token_authenticates(client: Client, person: Any) -> None:
    """A token made through the API works as a Bearer token at once."""
    created = post_json(client, TOKENS, {"name": "CI"}, **bearer(token_secret(person))).json()
    response = client.get(TOKENS, **bearer(created["secret"]))
    assert response.status_code == 200


def test_list_shows_my_tokens_without_secrets(client: Client, person: Any) -> None:
    """GET /tokens lists my tokens (paginated, with count) and never a secret."""
    secret = token_secret(person, "first")
    services.api_token_create(actor=person.user, name="second")
    services.api_token_create(actor=PersonFactory().user, name="not mine")
    response = client.get(TOKENS, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert sorted(item["name"] for item in body["items"]) == ["first", "second"]
    assert "secret" not in body["items"][0]
    assert secret not in response.content.decode()


def test_revoke_a_token(client: Client, person: Any) -> None:
    """POST /tokens/{id}/revoke revokes; the revoked token then answers 401."""
    secret = token_secret(person, "main")
    other, other_secret = services.api_token_create(actor=person.user, name="to revoke")
    response = client.post(f"{TOKENS}/{other.uuid}/revoke", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    other.refresh_from_db()
    assert other.revoked_at is not None
    assert_error_shape(client.get(TOKENS, **bearer(other_secret)), 401)


def test_revoking_another_persons_token_is_not_found(client: Client, person: Any) -> None:
    """Someone else's token is invisible: 404 in the error shape, and it stays active."""
    theirs, _ = services.api_token_create(actor=PersonFactory().user, name="theirs")
    response = client.post(f"{TOKENS}/{theirs.uuid}/revoke", **bearer(token_secret(person)))
    assert_error_shape(response, 404)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["Bearer crcl_wrong", "Bearer not-even-a-token", "Bearer ", "Basic dXNlcjpwYXNz"],
)
def test_a_wrong_token_is_refused(client: Client, person: Any, header: str) -> None:
    """A wrong, malformed or non-Bearer Authorization header answers 401 in the error shape."""
    token_secret(person)
    response = client.get(TOKENS, HTTP_AUTHORIZATION=header)
    assert_error_shape(response, 401)


def test_a_token_of_a_deactivated_user_is_refused(client: Client, person: Any) -> None:
    """Deactivating a login cuts its tokens off."""
    secret = token_secret(person)
    person.user.is_active = False
    person.user.save()
    assert_error_shape(client.get(TOKENS, **bearer(secret)), 401)


def test_anonymous_callers_get_401_on_tokens(client: Client) -> None:
    """Without a token, /tokens is refused with 401 and the error shape."""
    assert_error_shape(client.get(TOKENS), 401)
    assert_error_shape(post_json(client, TOKENS, {"name": "x"}), 401)
    assert not ApiToken.objects.exists()


def test_a_logged_in_browser_session_is_not_an_api_login(person: Any) -> None:
    """The API authenticates by token only, so a session cookie alone is anonymous there."""
    client = Client()
    client.force_login(person.user)
    assert_error_shape(client.get(TOKENS), 401)


def test_a_missing_field_answers_422_in_the_error_shape(client: Client, person: Any) -> None:
    """POST /tokens with {} answers 422 naming the field; nothing is created."""
    secret = token_secret(person)
    body = assert_error_shape(post_json(client, TOKENS, {}, **bearer(secret)), 422)
    assert list(body["errors"]) == ["name"]
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_names_answer_422_on_the_field(client: Client, person: Any, name: str) -> None:
    """An empty, blank or too long name is refused on `name`; nothing is created."""
    secret = token_secret(person)
    body = assert_error_shape(post_json(client, TOKENS, {"name": name}, **bearer(secret)), 422)
    assert "name" in body["errors"]
    assert ApiToken.objects.count() == 1


def test_invalid_json_answers_in_the_error_shape(client: Client, person: Any) -> None:
    """A body that is not JSON is a client error in the same shape, never a 500."""
    response = client.post(
        TOKENS, "{not json", content_type="application/json", **bearer(token_secret(person))
    )
    assert response.status_code in {400, 422}
    assert_error_shape(response, response.status_code)


def test_last_use_is_recorded(client: Client, person: Any) -> None:
    """A call with a token stamps its last use."""
    secret = token_secret(person)
    client.get(TOKENS, **bearer(secret))
    assert ApiToken.objects.get(user=person.user).last_used_at is not None


def test_the_token_list_makes_a_bounded_number_of_queries(
    client: Client, person: Any, django_assert_max_num_queries: Any
) -> None:
    """Listing 40 tokens costs a few queries, not one per token."""
    secret = token_secret(person)
    for i in range(40):
        services.api_token_create(actor=person.user, name=f"t{i}")
    client.get(TOKENS, **bearer(secret))  # stamps last use, so the next call does not write
    with django_assert_max_num_queries(3):  # token, count, page
        response = client.get(TOKENS, **bearer(secret))
    assert response.json()["count"] == 41
