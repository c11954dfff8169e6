"""French by default, the language switch, error pages, the API error shape and OpenAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

SWITCH = reverse("core:set_language")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_home_page_is_french_by_default(client: Client) -> None:
    """Without a choice or a browser preference, pages are served in French."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert response.headers["Content-Language"] == "fr"
    # The login link is translated (whatever the French words, not the English message id).
    assert f'href="{reverse("account_login")}">Log in<' not in html


def test_switching_to_english_sets_the_cookie(client: Client) -> None:
    """POST /langue/ with `en` answers 303 to `next`, sets the cookie, and pages turn English."""
    response = client.post(SWITCH, {"language": "en", "next": "/annuaire/"})
    assert response.status_code == 303
    assert response.url == "/annuaire/"
    assert response.cookies[COOKIE].value == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert f'href="{reverse("account_login")}">Log in<' in html


def test_switching_records_the_choice_of_a_signed_in_user(person: Any) -> None:
    """For a signed-in person the choice is also stored on their login, and wins afterwards."""
    client = logged_in(person)
    client.post(SWITCH, {"language": "en", "next": "/"})
    person.user.refresh_from_db()
    assert person.user.language == "en"
    fresh = Client()  # no cookie: the stored choice alone decides
    fresh.force_login(person.user)
    assert '<html lang="en">' in fresh.get("/").content.decode()


def test_an_unknown_language_changes_nothing_and_says_so(person: Any) -> None:
    """An unknown code redirects with a message; no cookie, no change on the login."""
    client = logged_in(person)
    response = client.post(SWITCH, {"language": "de", "next": "/"}, follow=True)
    assert COOKIE not in client.cookies
    person.user.refresh_from_db()
    assert person.user.language == "fr"
    html = response.content.decode()
    assert 'class="message message-error"' in html
    assert '<html lang="fr">' in html


def test_an_outside_next_address_is_ignored(client: Client) -> None:
    """The switch never redirects to another site."""
    response = client.post(SWITCH, {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_the_switch_needs_a_post(client: Client) -> None:
    """GET /langue/ is not allowed."""
    assert client.get(SWITCH).status_code == 405


def test_a_missing_page_is_a_404_in_our_layout(client: Client) -> None:
    """An unknown address answers 404 with our error page, in French."""
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert '<main id="main"' in html
    assert html.count("<h1>") == 1
    assert 'href="/"' in html


def test_the_api_answers_422_in_the_error_shape(client: Client, person: Any) -> None:
    """POST /api/v1/tokens with {} answers 422 with {"detail", "errors": {"name": [...]}}."""
    response = client.post(
        "/api/v1/tokens", "{}", content_type="application/json", **bearer(token_secret(person))
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"]["name"]
    assert all(isinstance(message, str) for message in body["errors"]["name"])


def test_the_api_speaks_the_callers_language(client: Client, person: Any) -> None:
    """Error messages follow the token owner's language."""
    person.user.language = "en"
    person.user.save()
    response = client.post(
        "/api/v1/tokens", "{}", content_type="application/json", **bearer(token_secret(person))
    )
    assert response.json()["detail"] == "The request is not valid."


def test_an_unknown_api_address_answers_404(client: Client) -> None:
    """A wrong API path is a 404 (not an HTML page from the site)."""
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404


def test_the_openapi_document(client: Client) -> None:
    """/api/v1/openapi.json is served and describes the tokens and journal endpoints."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/tokens" in document["paths"]
    assert "/api/v1/journal" in document["paths"]
    assert "post" in document["paths"]["/api/v1/tokens"]
