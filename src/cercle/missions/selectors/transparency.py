"""Concentration of the circle's missions: who got how many, and how much.

Rules, stated on the page too:
- a member counts a mission when they were an accepted member (lead included) of the
  team whose offer was awarded (as in `selectors/fairness.py`);
- the mission's amount (€ HT) is split equally among those members, to the cent; the
  cents left over go one each to the first members in the order of their identifiers,
  so the parts always add up to the amount;
- shares are of the awarded value; the Herfindahl-Hirschman index (HHI) is the sum of
  the squared value shares in percent, from 10,000/n (n members with equal value) to
  10,000 (one member has everything);
- a member is a *newcomer* on a mission when their circle membership began less than 12
  months before the mission's award, or when no mission had been awarded to them before
  the start of the period. The newcomers' share is the part of the awarded value that
  went to newcomers.

The pure functions below carry the arithmetic (and the hypothesis properties); the
selector reads the period in four queries, whatever the number of missions.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.models import CircleMembership
from cercle.missions.enums import MemberStatus, RequestStatus
from cercle.missions.models import SupportRequest, TeamMember
from cercle.missions.policies.transparency import (
    check_can_export_ocds,
    check_can_view_concentration,
)
from cercle.missions.selectors.fairness import TWELVE_MONTHS
from cercle.network.models import Person

K = TypeVar("K", bound=Hashable)
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
HHI_MAX = 10_000


# --- Pure arithmetic ------------------------------------------------------------------


def split_equally(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` shares to the cent, the first shares taking the leftover cents."""
    if parts <= 0:
        return []
    cents = int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())
    base, extra = divmod(cents, parts)
    return [Decimal(base + (1 if i < extra else 0)) / 100 for i in range(parts)]


def _as_integers(values: Mapping[K, Decimal]) -> dict[K, int]:
    """The values as integers of a common unit (cents for money), so that the shares and
    the index are computed in exact integer arithmetic, once."""
    exponent = min((int(v.as_tuple().exponent) for v in values.values()), default=0)
    scale = Decimal(1).scaleb(-min(exponent, 0))
    return {k: int(v * scale) for k, v in values.items()}


def _percent_half_up(part: int, whole: int) -> Decimal:
    """part / whole in percent, rounded half up to two decimals, exactly."""
    q, r = divmod(part * 10_000, whole)
    return Decimal(q + (1 if 2 * r >= whole else 0)).scaleb(-2)


def _split_cents(amount: Decimal, parts: int) -> list[int]:
    """`split_equally` in cents."""
    cents = int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())
    base, extra = divmod(cents, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _hhi_cents(units: Iterable[int], total: int) -> Fraction:
    return Fraction(10_000 * sum(v * v for v in units), total * total)


def exact_shares(values: Mapping[K, Decimal]) -> dict[K, Fraction]:
    """Each key's exact share of the total, as a fraction of 1 (empty when the total is 0)."""
    units = _as_integers(values)
    total = sum(units.values())
    if total <= 0:
        return {}
    return {k: Fraction(v, total) for k, v in units.items()}


def percent_shares(values: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Shares in percent, to two decimals (they add up to 100 within rounding)."""
    units = _as_integers(values)
    total = sum(units.values())
    if total <= 0:
        return {}
    return {k: _percent_half_up(v, total) for k, v in units.items()}


def hhi(values: Mapping[K, Decimal]) -> Fraction | None:
    """The Herfindahl-Hirschman index of the values, exact: Σ (share in %)², 0–10,000.

    None when nothing was awarded (no value: no concentration to measure). Computed as
    10,000 · Σ v² / (Σ v)² over integers: one fraction, whatever the number of members."""
    units = _as_integers(values)
    total = sum(units.values())
    if total <= 0:
        return None
    return _hhi_cents(units.values(), total)


def hhi_display(index: Fraction | None) -> int | None:
    """Rounded down, so that only a true monopoly reads 10,000."""
    return None if index is None else math.floor(index)


def top_share(values: Mapping[K, Decimal], k: int = 3) -> Decimal:
    """The share (%) of the awarded value held by the `k` members with the most."""
    units = _as_integers(values)
    total = sum(units.values())
    if total <= 0:
        return Decimal("0.00")
    return _percent_half_up(sum(sorted(units.values(), reverse=True)[:k]), total)


def hhi_reading(index: Fraction | None) -> str:
    """The index in plain words (thresholds of competition authorities: 1,500 and 2,500)."""
    if index is None:
        return _("No mission was awarded in this period: there is nothing to measure.")
    if index >= HHI_MAX:
        return _("One member received all the awarded value.")
    if index >= 2500:
        return _(
            "Highly concentrated: a few members receive most of the awarded value. "
            "The rotation should ask others first."
        )
    if index >= 1500:
        return _("Moderately concentrated: some members receive a large part of the value.")
    return _("Not concentrated: the awarded value is spread among many members.")


# --- The page's figures -----------------------------------------------------------------


@dataclass
class MemberRow:
    person_id: int
    slug: str
    name: str
    missions: int = 0
    value: Decimal = Decimal("0.00")
    value_share: Decimal = Decimal("0.00")
    mission_share: Decimal = Decimal("0.00")
    newcomer_value: Decimal = Decimal("0.00")


@dataclass
class Concentration:
    since: datetime.datetime
    until: datetime.datetime
    missions: int
    total_value: Decimal
    rows: list[MemberRow] = field(default_factory=list)
    hhi: int | None = None
    hhi_exact: Fraction | None = None
    reading: str = ""
    top3_share: Decimal = Decimal("0.00")
    newcomers_value_share: Decimal = Decimal("0.00")
    missions_with_newcomers: int = 0

    @property
    def members(self) -> int:
        return len(self.rows)


def since_from_date(
    value: datetime.date | None, *, field: str = "since"
) -> datetime.datetime | None:
    """The start of that day in Paris time; a date ahead or before 2000 is refused."""
    if value is None:
        return None
    if value > timezone.localdate() or value.year < 2000:
        raise ValidationError({field: [_("Choose a date in the past, after 2000.")]})
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def concentration(*, actor: Any, since: datetime.datetime | None = None) -> Concentration:
    """Missions awarded from `since` (default: 12 months ago) until now, per member.

    Four queries: the accepted members of the awarded teams in the period, the people,
    their first circle membership, and who had a mission before the period.
    """
    check_can_view_concentration(actor)
    now = timezone.now()
    since = since or now - TWELVE_MONTHS
    rows = list(
        TeamMember.objects.filter(
            status=MemberStatus.ACCEPTED,
            team__missions__awarded_at__gte=since,
            team__missions__awarded_at__lte=now,
        )
        .values_list(
            "person_id",
            "team__missions__id",
            "team__missions__amount_ht",
            "team__missions__awarded_at",
        )
        .order_by("team__missions__id", "person_id")
    )
    by_mission: dict[int, list[int]] = defaultdict(list)
    mission_facts: dict[int, tuple[Decimal, datetime.datetime]] = {}
    for person_id, mission_id, amount, awarded_at in rows:
        by_mission[mission_id].append(person_id)
        mission_facts[mission_id] = (amount, awarded_at)
    person_ids = sorted({r[0] for r in rows})
    people = {
        p["id"]: p
        for p in Person.objects.filter(id__in=person_ids).values(
            "id", "slug", "first_name", "last_name"
        )
    }
    joined = dict(
        CircleMembership.objects.filter(person_id__in=person_ids)
        .values_list("person_id")
        .annotate(first=Min("joined_at"))
        .order_by()
    )
    had_before = set(
        TeamMember.objects.filter(
            status=MemberStatus.ACCEPTED,
            person_id__in=person_ids,
            team__missions__awarded_at__lt=since,
        )
        .values_list("person_id", flat=True)
        .order_by()  # without it, the default ordering's columns defeat DISTINCT
        .distinct()
    )
    table: dict[int, MemberRow] = {}
    value_cents: dict[int, int] = dict.fromkeys(person_ids, 0)
    newcomer_cents: dict[int, int] = dict.fromkeys(person_ids, 0)
    for pid in person_ids:
        p = people.get(pid, {"slug": "", "first_name": "", "last_name": ""})
        table[pid] = MemberRow(
            person_id=pid, slug=p["slug"], name=f"{p['first_name']} {p['last_name']}".strip()
        )
    with_newcomers = 0
    for mission_id, members in by_mission.items():
        amount, awarded_at = mission_facts[mission_id]
        members = sorted(members)
        some_newcomer = False
        for pid, part in zip(
            members, _split_cents(amount or Decimal(0), len(members)), strict=True
        ):
            table[pid].missions += 1
            value_cents[pid] += part
            first = joined.get(pid)
            newcomer = pid not in had_before or (
                first is not None and awarded_at - first < TWELVE_MONTHS
            )
            if newcomer:
                newcomer_cents[pid] += part
                some_newcomer = True
        with_newcomers += 1 if some_newcomer else 0
    total_cents = sum(value_cents.values())
    index = None if total_cents <= 0 else _hhi_cents(value_cents.values(), total_cents)
    missions = len(by_mission)
    for pid, row in table.items():
        row.value = Decimal(value_cents[pid]).scaleb(-2)
        row.newcomer_value = Decimal(newcomer_cents[pid]).scaleb(-2)
        row.value_share = (
            _percent_half_up(value_cents[pid], total_cents) if total_cents else Decimal("0.00")
        )
        row.mission_share = _percent(Decimal(row.missions), Decimal(missions))
    total = Decimal(total_cents).scaleb(-2)
    top3 = sorted(value_cents.values(), reverse=True)[:3]
    ordered = sorted(table.values(), key=lambda r: (-r.value, -r.missions, r.name, r.person_id))
    return Concentration(
        since=since,
        until=now,
        missions=missions,
        total_value=total,
        rows=ordered,
        hhi=hhi_display(index),
        hhi_exact=index,
        reading=hhi_reading(index),
        top3_share=_percent_half_up(sum(top3), total_cents) if total_cents else Decimal("0.00"),
        newcomers_value_share=_percent(Decimal(sum(newcomer_cents.values())).scaleb(-2), total),
        missions_with_newcomers=with_newcomers,
    )


# --- The chart ------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: Decimal
    share: Decimal
    y: int
    width: Decimal


def chart_bars(rows: Sequence[MemberRow], *, limit: int = 15, width: int = 420) -> list[Bar]:
    """Horizontal bars of value shares for the SVG chart: the `limit` first members and,
    beyond them, one bar for all the others together."""
    shown = list(rows[:limit])
    bars = [(r.name, r.value, r.value_share) for r in shown]
    rest = rows[limit:]
    if rest:
        bars.append(
            (
                _("%(n)s other members") % {"n": len(rest)},
                sum((r.value for r in rest), Decimal("0.00")),
                sum((r.value_share for r in rest), Decimal("0.00")),
            )
        )
    top = max((share for _l, _v, share in bars), default=Decimal(0)) or Decimal(1)
    return [
        Bar(
            label=label,
            value=value,
            share=share,
            y=i * 28,
            width=(Decimal(width) * share / top).quantize(Decimal("0.1"), rounding=ROUND_DOWN),
        )
        for i, (label, value, share) in enumerate(bars)
    ]


# --- The OCDS export ----------------------------------------------------------------------


def ocds_request_get(*, actor: Any, uuid: Any) -> SupportRequest:
    """A confirmed request the actor may export (circle members and stewards)."""
    check_can_export_ocds(actor)
    found = (
        SupportRequest.objects.exclude(status=RequestStatus.UNCONFIRMED)
        .select_related("tender")
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        raise NotFound(_("No request has this identifier."))
    return found
