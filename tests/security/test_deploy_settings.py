"""Production settings: `manage.py check --deploy` says nothing, in the environment of the
deploy guide (DEBUG off, behind nginx terminating TLS); the cookies and headers are as
documented; without its own SECRET_KEY, production refuses to start."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

MANAGE = Path(settings.PROJECT_DIR) / "manage.py"
# What the deploy guide exports (no server is reached: checks need no database).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cercle.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://cercle.example.org",
    "SITE_URL": "https://cercle.example.org",
    "DATABASE_URL": "postgres://cercle:secret@db.invalid:5432/cercle",
    "BEHIND_HTTPS_PROXY": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
}
INHERITED_OUT = (
    "CERCLE_",
    "DJANGO_",
    "SECURE_",
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CACHE_URL",
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py <args>` in a fresh process with the production environment (+ env);
    nothing of the test session's (DJANGO_ALLOW_ASYNC_UNSAFE of the browser tests…)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(INHERITED_OUT)
    }
    environment.update(PRODUCTION)
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(MANAGE), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_finds_nothing_in_production() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_say_so_without_hsts_or_secure_cookies() -> None:
    """The check above can fail: switch HSTS and secure cookies off and it does."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0"
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W012", "security.W016"):
        assert warning in output, output


def test_production_refuses_to_start_with_the_development_key() -> None:
    result = manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


SHOW = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in %r}, default=str))
"""
SHOWN = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "TRUSTED_PROXY_COUNT",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
    "CACHES",
    "ACCOUNT_RATE_LIMITS",
    "EMAIL_HOST",
]


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    result = manage("shell", "-c", SHOW % SHOWN)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_production_cookies_are_secure_httponly_and_same_site(production: dict[str, Any]) -> None:
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert production[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert production[f"{cookie}_COOKIE_SAMESITE"] == "Lax", cookie


def test_production_trusts_the_proxy_for_https_and_the_client_address(
    production: dict[str, Any],
) -> None:
    assert production["DEBUG"] is False
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["TRUSTED_PROXY_COUNT"] == production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert production["EMAIL_HOST"] == "smtp.example.org"


def test_production_limits_are_on_and_counted_in_a_cache_all_workers_share(
    production: dict[str, Any],
) -> None:
    assert production["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    limits = production["ACCOUNT_RATE_LIMITS"]
    assert limits == settings.CERCLE_ACCOUNT_RATE_LIMITS
    assert {"login", "login_failed", "signup", "reset_password"} <= set(limits)


# ---------------------------------------------------------------- in process


@pytest.mark.django_db
def test_cookies_set_by_the_site_are_httponly_and_same_site() -> None:
    client = Client()
    client.get("/compte/login/")  # the CSRF cookie
    client.post("/langue/", {"language": "en", "next": "/"})
    for name in ("csrftoken", settings.LANGUAGE_COOKIE_NAME):
        morsel = client.cookies[name]
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Lax", name


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_behind_the_proxy_https_is_served_with_hsts_and_plain_http_redirected() -> None:
    secure = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = Client().get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
