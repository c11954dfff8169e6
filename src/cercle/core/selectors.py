"""Reads on tokens and the journal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cercle.core.enums import Visibility
from cercle.core.models import ApiToken, JournalEntry, User


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


@dataclass(frozen=True)
class JournalAudience:
    """What a reader may see of the journal; computed by the caller's policies."""

    user: User | None
    is_member: bool
    is_steward: bool


def journal_entry_list(
    *,
    audience: JournalAudience,
    verb: str = "",
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[JournalEntry]:
    entries = JournalEntry.objects.select_related("actor")
    if not audience.is_steward:
        visible = Q(visibility=Visibility.PUBLIC)
        if audience.is_member:
            visible |= Q(visibility=Visibility.MEMBERS)
        if audience.user is not None and audience.user.pk:
            visible |= Q(visibility=Visibility.PRIVATE) & (
                Q(actor=audience.user) | Q(subject=audience.user)
            )
        entries = entries.filter(visible)
    if verb:
        entries = entries.filter(verb=verb)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries.order_by("-seq")


def journal_verbs(*, audience: JournalAudience) -> list[str]:
    """The distinct verbs this audience can see (for the filter), computed by the database."""
    entries = journal_entry_list(audience=audience)
    return list(entries.order_by("verb").values_list("verb", flat=True).distinct())


def journal_object_types(*, audience: JournalAudience) -> list[str]:
    entries = journal_entry_list(audience=audience)
    return list(entries.order_by("object_type").values_list("object_type", flat=True).distinct())


def journal_audience(user: User | None) -> JournalAudience:
    """Ask the network which part of the journal this user may read.

    Core knows nothing of adhesions or stewards; the resolver named in settings does.
    """
    from django.conf import settings
    from django.utils.module_loading import import_string

    resolver = import_string(settings.CERCLE_JOURNAL_AUDIENCE)
    return resolver(user)
