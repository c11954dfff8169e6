"""Reads on tokens and the journal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from cercle.core.enums import Visibility
from cercle.core.models import ApiToken, JournalEntry, JournalHead, User


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


def journal_count(
    *, audience: JournalAudience, entries: QuerySet[JournalEntry], filtered: bool
) -> int:
    """How many entries `entries` (from `journal_entry_list`) holds.

    The whole journal, as a steward reads it, holds exactly the head's `seq` entries:
    they run from 1 to the head without a gap, which `journal.verify()` checks. That one
    row spares counting 200,000+ entries on every page. A filtered list, or the part a
    member may read, is counted by the database (the filters have indexes)."""
    if audience.is_steward and not filtered:
        seq = JournalHead.objects.filter(id=1).values_list("seq", flat=True).first()
        return int(seq or 0)
    return entries.count()


def _distinct_by_index(column: str) -> list[str]:
    """The distinct values of an indexed column of the journal, one index probe per value
    (a recursive query: a handful of verbs among 200,000+ entries cost microseconds,
    where DISTINCT reads every entry). Works on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    col = connection.ops.quote_name(column)
    # The table and column names come from the model, never from input.
    sql = (
        f"WITH RECURSIVE found(value) AS ("  # noqa: S608
        f" SELECT MIN({col}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def journal_verbs(*, audience: JournalAudience) -> list[str]:
    """The distinct verbs this audience can see (for the filter), computed by the database."""
    if audience.is_steward:
        return _distinct_by_index("verb")
    entries = journal_entry_list(audience=audience)
    return list(entries.order_by("verb").values_list("verb", flat=True).distinct())


def journal_object_types(*, audience: JournalAudience) -> list[str]:
    if audience.is_steward:
        return _distinct_by_index("object_type")
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
