"""Who got which missions: the figures the rotation, the team suggestion and the
concentration page all read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone

from cercle.missions.enums import MemberStatus
from cercle.missions.models import TeamMember

TWELVE_MONTHS = datetime.timedelta(days=365)


def awarded_missions_since(
    since: datetime.datetime | None = None, *, people: Iterable[int] | None = None
) -> dict[int, int]:
    """Missions awarded since `since` (default: 12 months ago), per person id.

    A person counts a mission when they were an accepted member (lead included) of the
    team whose offer was awarded. One query.
    """
    since = since or timezone.now() - TWELVE_MONTHS
    rows = TeamMember.objects.filter(
        status=MemberStatus.ACCEPTED,
        team__missions__awarded_at__gte=since,
    )
    if people is not None:
        rows = rows.filter(person_id__in=list(people))
    return dict(
        rows.values_list("person_id").annotate(n=Count("team__missions", distinct=True)).order_by()
    )
