"""Personal API tokens: only a hash is kept, revocation is final, authentication is strict."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cercle.core import services
from cercle.core.enums import Visibility
from cercle.core.errors import NotAllowed
from cercle.core.models import ApiToken, JournalEntry, hash_token
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


def _stored_row(token: ApiToken) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert row is not None
    return list(row)


def test_the_secret_is_never_stored_only_its_hash() -> None:
    """No stored column holds the secret; the hash is its SHA-256; the hint is a short prefix."""
    token, secret = services.api_token_create(actor=UserFactory(), name="backup")
    assert secret.startswith(ApiToken.PREFIX)
    assert len(secret) > 40
    row = [str(value) for value in _stored_row(token)]
    assert secret not in row
    assert not any(secret in value for value in row)
    assert token.key_hash == hash_token(secret)
    assert token.key_hash in row
    assert secret.startswith(token.hint)
    assert len(token.hint) < 12


def test_each_token_gets_a_different_secret() -> None:
    user = UserFactory()
    secrets = {services.api_token_create(actor=user, name=f"t{i}")[1] for i in range(5)}
    assert len(secrets) == 5


def test_creation_is_journaled_privately_without_the_secret() -> None:
    """The journal says a token was created, visible to its owner only, and keeps no secret."""
    user = UserFactory()
    token, secret = services.api_token_create(actor=user, name="backup")
    entry = JournalEntry.objects.get(verb="api_token.created")
    assert entry.visibility == Visibility.PRIVATE
    assert (entry.actor_id, entry.subject_id) == (user.pk, user.pk)
    assert entry.object_id == str(token.uuid)
    assert secret not in str(entry.payload)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_bad_name_is_refused_on_the_field_and_nothing_is_created(name: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=UserFactory(), name=name)
    assert "name" in error.value.message_dict
    assert not ApiToken.objects.exists()
    assert not JournalEntry.objects.filter(verb="api_token.created").exists()


def test_the_name_is_trimmed() -> None:
    token, _ = services.api_token_create(actor=UserFactory(), name="  backup  ")
    assert token.name == "backup"


def test_authenticate_returns_the_owner() -> None:
    user = UserFactory()
    _, secret = services.api_token_create(actor=user, name="t")
    assert services.api_token_authenticate(secret) == user


@pytest.mark.parametrize(
    "secret", ["", "crcl_", "crcl_wrong", "not-a-token", "Bearer crcl_x", "CRCL_abc"]
)
def test_authenticate_refuses_unknown_secrets(secret: str) -> None:
    services.api_token_create(actor=UserFactory(), name="t")
    assert services.api_token_authenticate(secret) is None


def test_authenticate_refuses_the_hash_itself() -> None:
    """Someone who read the database (the hash) cannot use it as a token."""
    token, _ = services.api_token_create(actor=UserFactory(), name="t")
    assert services.api_token_authenticate(token.key_hash) is None
    assert services.api_token_authenticate(ApiToken.PREFIX + token.key_hash) is None


def test_revocation_is_final_and_journaled() -> None:
    """A revoked token no longer authenticates; revoking twice changes nothing more."""
    user = UserFactory()
    token, secret = services.api_token_create(actor=user, name="t")
    services.api_token_revoke(actor=user, token=token)
    token.refresh_from_db()
    revoked_at = token.revoked_at
    assert revoked_at is not None
    assert not token.is_active
    assert services.api_token_authenticate(secret) is None
    services.api_token_revoke(actor=user, token=token)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert JournalEntry.objects.filter(verb="api_token.revoked").count() == 1


def test_only_the_owner_may_revoke() -> None:
    token, secret = services.api_token_create(actor=UserFactory(), name="t")
    with pytest.raises(NotAllowed):
        services.api_token_revoke(actor=UserFactory(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.api_token_authenticate(secret) is not None


def test_a_deactivated_users_tokens_do_not_authenticate() -> None:
    user = UserFactory()
    _, secret = services.api_token_create(actor=user, name="t")
    user.is_active = False
    user.save()
    assert services.api_token_authenticate(secret) is None


def test_authenticate_stamps_the_last_use_at_most_once_a_minute(
    django_assert_num_queries: Any,
) -> None:
    """The first use writes last_used_at; uses within the minute only read."""
    _, secret = services.api_token_create(actor=UserFactory(), name="t")
    with django_assert_num_queries(2):  # read, stamp
        services.api_token_authenticate(secret)
    stamped = ApiToken.objects.get().last_used_at
    assert stamped is not None
    with django_assert_num_queries(1):  # read only
        services.api_token_authenticate(secret)
    assert ApiToken.objects.get().last_used_at == stamped
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    services.api_token_authenticate(secret)
    assert ApiToken.objects.get().last_used_at > stamped
