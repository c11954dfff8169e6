"""Rate limits: the account pages (django-allauth's limits, as configured for production)
and the public request form (HTML and API). Past the limit: a 429 page with a translated
message, never a 500, and nothing done. Each test has a cache of its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.core import ratelimit
from cercle.core.models import ApiToken
from cercle.missions.models import SupportRequest
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer
from tests.integration.missions.test_requests_api import body as api_body
from tests.integration.missions.test_requests_pages import form_data

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many attempts. Please wait a few minutes and try again."


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture(autouse=True)
def limits_on() -> Iterator[None]:
    """Production's account limits, on a cache no other test shares."""
    isolated = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "security-rate-limits",
        }
    }
    with override_settings(
        ACCOUNT_RATE_LIMITS=settings.CERCLE_ACCOUNT_RATE_LIMITS, CACHES=isolated
    ):
        cache.clear()
        yield
        cache.clear()


def verified(email: str) -> Any:
    person = PersonFactory(user__email=email)
    person.user.set_password(PASSWORD)
    person.user.save()
    EmailAddress.objects.create(user=person.user, email=email, verified=True, primary=True)
    return person


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def says_too_many(response: Any) -> bool:
    return escape(fr(TOO_MANY)) in response.content.decode()


# ---------------------------------------------------------------- log in


def test_a_sixth_failed_login_on_one_account_is_refused_even_with_the_right_password() -> None:
    verified("ines@example.org")
    for attempt in range(5):
        client = from_address(f"192.0.2.{attempt + 1}")  # other addresses: the account counts
        wrong = client.post("/compte/login/", {"login": "ines@example.org", "password": "non"})
        assert wrong.status_code == 400
    client = from_address("192.0.2.99")
    refused = client.post("/compte/login/", {"login": "ines@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    with translation.override("fr"):
        from allauth.account.adapter import get_adapter

        message = str(get_adapter().error_messages["too_many_login_attempts"])
    assert escape(message) in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_still_works_after_fewer_failures() -> None:
    verified("ines@example.org")
    for _ in range(4):
        from_address("192.0.2.1").post(
            "/compte/login/", {"login": "ines@example.org", "password": "non"}
        )
    client = from_address("192.0.2.1")
    response = client.post("/compte/login/", {"login": "ines@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_posts_past_thirty_a_minute_from_one_address_answer_429() -> None:
    client = from_address("198.51.100.7")
    for attempt in range(30):
        answer = client.post(
            "/compte/login/", {"login": f"p{attempt}@example.org", "password": "x"}
        )
        assert answer.status_code == 400
    limited = client.post("/compte/login/", {"login": "p@example.org", "password": "x"})
    assert limited.status_code == 429
    assert says_too_many(limited)
    # Another address is not concerned.
    other = from_address("198.51.100.8")
    assert (
        other.post("/compte/login/", {"login": "p@example.org", "password": "x"}).status_code == 400
    )


# ---------------------------------------------------------------- sign up and password reset


def test_sign_ups_past_ten_a_minute_from_one_address_answer_429_and_create_nobody() -> None:
    client = from_address("203.0.113.5")
    for _ in range(10):
        assert client.post("/compte/signup/", {"email": "pas-une-adresse"}).status_code == 400
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    limited = client.post(
        "/compte/signup/",
        {"email": "nouvelle@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert limited.status_code == 429
    assert says_too_many(limited)
    assert get_user_model().objects.count() == users


def test_a_fourth_password_reset_for_one_address_in_a_minute_answers_429_without_mail() -> None:
    verified("ines@example.org")
    for attempt in range(3):
        client = from_address(f"192.0.2.{attempt + 1}")
        assert (
            client.post("/compte/password/reset/", {"email": "ines@example.org"}).status_code == 302
        )
    sent = len(mail.outbox)
    assert sent == 3
    limited = from_address("192.0.2.50").post(
        "/compte/password/reset/", {"email": "ines@example.org"}
    )
    assert limited.status_code == 429
    assert says_too_many(limited)
    assert len(mail.outbox) == sent


# ---------------------------------------------------------------- the public request form


def post_api(client: Client, payload: dict[str, Any], **extra: str) -> Any:
    return client.post(
        "/api/v1/requests/public", json.dumps(payload), content_type="application/json", **extra
    )


def test_the_public_form_and_its_api_share_one_limit_per_address() -> None:
    client = from_address("192.0.2.10")
    for _ in range(3):
        assert client.post("/demandes/deposer/", form_data(title="")).status_code == 400
    for _ in range(2):
        assert post_api(client, api_body(territory="00")).status_code == 422
    page = client.post("/demandes/deposer/", form_data())
    assert page.status_code == 429
    assert says_too_many(page)
    api = post_api(client, api_body())
    assert api.status_code == 429
    assert api.json() == {"detail": fr(TOO_MANY), "errors": {}}
    assert not SupportRequest.objects.exists()
    assert from_address("192.0.2.11").post("/demandes/deposer/", form_data()).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_has_its_own_limit_and_cannot_forge_another() -> None:
    """nginx connects from 127.0.0.1 and appends the client's address to X-Forwarded-For;
    what the client wrote before it is not trusted."""
    proxy = from_address("127.0.0.1")
    for attempt in range(5):
        forged = f"10.0.0.{attempt}, 192.0.2.20"  # a new forged address each time
        answer = proxy.post("/demandes/deposer/", form_data(title=""), HTTP_X_FORWARDED_FOR=forged)
        assert answer.status_code == 400
    limited = proxy.post(
        "/demandes/deposer/", form_data(), HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.20"
    )
    assert limited.status_code == 429
    other_client = proxy.post("/demandes/deposer/", form_data(), HTTP_X_FORWARDED_FOR="192.0.2.21")
    assert other_client.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "127.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "10.0.0.1, 192.0.2.1", "192.0.2.1"),
        (2, "10.0.0.1, 192.0.2.1, 172.16.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "127.0.0.1"),  # fewer hops than proxies: not through them
        (1, "", "127.0.0.1"),
        (1, " , ", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_last_trusted_proxys_hop(
    trusted: int, forwarded: str, expected: str
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=trusted):
        assert ratelimit.client_ip(request) == expected


def test_the_limit_opens_again_in_the_next_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    for _ in range(2):
        ratelimit.check_rate("test", "key", limit=2, window_seconds=60)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check_rate("test", "key", limit=2, window_seconds=60)
    now[0] += 60
    ratelimit.check_rate("test", "key", limit=2, window_seconds=60)


def test_any_key_makes_a_valid_cache_key() -> None:
    """Keys come from headers: spaces, control characters and length are harmless."""
    for key in ["a b", "\x01\x7f", "é" * 300, ""]:
        ratelimit.check_rate("test", key, limit=5, window_seconds=60)


# ---------------------------------------------------------------- API tokens


def test_api_tokens_cannot_be_guessed_and_a_wrong_one_is_a_401() -> None:
    """A token is 256 random bits (only its hash is stored): guessing is hopeless, so
    the API does not count failures; a wrong or malformed token is a plain 401."""
    secret = ApiToken.generate_secret()
    assert len(secret) - len(ApiToken.PREFIX) >= 43  # token_urlsafe(32): 256 bits
    for wrong in [secret, "crcl_", "x" * 5000, "crcl_\u00e9\u00e9"]:
        answer = Client().get("/api/v1/tokens", **bearer(wrong))
        assert answer.status_code == 401, (wrong[:20], answer.status_code)


def test_the_production_cache_in_the_database_counts_for_every_worker() -> None:
    """Production's cache is a table (`createcachetable`): what one process counted,
    another sees; the public form's limit and allauth's (which locks with `cache.add`)
    both work on it."""
    from django.core.management import call_command

    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cercle_cache_test",
        }
    }
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        for _ in range(5):
            from_address("192.0.2.30").post("/demandes/deposer/", form_data(title=""))
        assert from_address("192.0.2.30").post("/demandes/deposer/", form_data()).status_code == 429
        verified("ines@example.org")
        for _ in range(5):
            from_address("192.0.2.31").post(
                "/compte/login/", {"login": "ines@example.org", "password": "non"}
            )
        client = from_address("192.0.2.32")
        client.post("/compte/login/", {"login": "ines@example.org", "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM cercle_cache_test")
            assert cursor.fetchone()[0] > 0
