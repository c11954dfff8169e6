"""Writes on logins and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import NotAllowed
from cercle.core.models import ApiToken, User, hash_token


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the secret is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("At most 100 characters.")]})
    secret = ApiToken.generate_secret()
    with transaction.atomic():
        token = ApiToken(user=actor, name=name, key_hash=hash_token(secret), hint=secret[:9])
        token.full_clean()
        token.save()
        journal.record(
            actor=actor,
            verb="api_token.created",
            obj=token,
            payload={"name": name},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotAllowed()
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        journal.record(
            actor=actor,
            verb="api_token.revoked",
            obj=token,
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return token


def user_set_language(*, actor: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("This language is not available.")]})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a token secret, or None. Records when it was last used."""
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token, so a burst of calls is not a burst of writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
