"""The public yearly report of the network: missions, reciprocities, commons funded, in
kind, quality and concentration for a calendar year. Only aggregates are published,
never one person's amounts. Every section is one or two SQL aggregates: the number
of queries is the same for ten missions or a national year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.core.errors import NotFound
from cercle.membership.enums import ContributionKind
from cercle.missions.enums import MemberStatus, ReviewFinding
from cercle.missions.models import (
    Mission,
    OfferCommonsLine,
    QualityReview,
    SatisfactionSurvey,
    TeamMember,
)
from cercle.missions.selectors.transparency import hhi, hhi_display, split_equally
from cercle.network.enums import TerritoryKind
from cercle.network.models import Territory
from cercle.reciprocity.enums import AccountKind, InKindStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import (
    AnimationTime,
    CommonPayout,
    InKindContribution,
    YearlyDeclaration,
)
from cercle.reciprocity.selectors import ledger_figures
from cercle.reciprocity.selectors.ledger_figures import YearSums
from cercle.reciprocity.selectors.reports_money import (
    PolicyExpected,
    expected_and_paid_by_policy,
)
from cercle.reciprocity.selectors.reports_regions import REGIONS, region_of

ZERO = Decimal("0.00")
HOURS_ZERO = Decimal("0")
FIRST_YEAR = 2000
TOP_SHARE = Decimal("0.2")
DEPARTMENTS_SHOWN = 20


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def check_report_year(year: int) -> int:
    """A report exists for a past or current year from 2000 on."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise NotFound(_("There is no yearly report for this year."))
    return year


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class TerritoryRow:
    code: str
    name: str
    missions: int = 0
    value: Decimal = ZERO


@dataclass
class CommonRow:
    slug: str
    name: str
    budgeted: Decimal = ZERO
    paid_in: Decimal = ZERO
    paid_out: Decimal = ZERO
    in_kind_hours: Decimal = HOURS_ZERO


@dataclass
class KindHours:
    kind: str
    label: str
    hours: Decimal


@dataclass
class Quality:
    surveys_sent: int = 0
    surveys_answered: int = 0
    overall_average: Decimal | None = None
    objectives_average: Decimal | None = None
    would_recommend_share: Decimal | None = None
    reviews: int = 0
    reviews_by_finding: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class ConcentrationSummary:
    consultants: int = 0
    top_count: int = 0
    top_value_share: Decimal | None = None
    top_missions_share: Decimal | None = None
    hhi: int | None = None


@dataclass
class YearlyReport:
    year: int
    missions: int = 0
    value: Decimal = ZERO
    regions: list[TerritoryRow] = field(default_factory=list)
    departments: list[TerritoryRow] = field(default_factory=list)
    departments_count: int = 0
    policies: list[PolicyExpected] = field(default_factory=list)
    unsplit_paid: Decimal = ZERO
    expected_total: Decimal = ZERO
    paid_total: Decimal = ZERO
    invoiced_in_year: Decimal = ZERO
    donations: Decimal = ZERO
    membership_fees: Decimal = ZERO
    commons: list[CommonRow] = field(default_factory=list)
    commons_budgeted: Decimal = ZERO
    commons_paid_in: Decimal = ZERO
    commons_paid_out: Decimal = ZERO
    in_kind: list[KindHours] = field(default_factory=list)
    in_kind_hours: Decimal = HOURS_ZERO
    animation_hours: Decimal = HOURS_ZERO
    quality: Quality = field(default_factory=Quality)
    concentration: ConcentrationSummary = field(default_factory=ConcentrationSummary)


def _missions_section(report: YearlyReport, missions: Any) -> None:
    department_name = Territory.objects.filter(
        kind=TerritoryKind.DEPARTEMENT, code=OuterRef("request__territory__department_code")
    ).values("name")[:1]
    by_department = list(
        missions.values("request__territory__department_code")
        .annotate(n=Count("id"), value=Sum("amount_ht"), name=Subquery(department_name))
        .order_by()
    )
    departments: list[TerritoryRow] = []
    regions: dict[str, TerritoryRow] = {}
    for row in by_department:
        code = row["request__territory__department_code"] or ""
        value = cents(row["value"] or 0)
        departments.append(
            TerritoryRow(code=code, name=row["name"] or code, missions=row["n"], value=value)
        )
        region_code, region_name = region_of(code)
        region = regions.setdefault(
            region_code, TerritoryRow(code=region_code, name=region_name or _("Unknown region"))
        )
        region.missions += row["n"]
        region.value += value
        report.missions += row["n"]
        report.value += value
    departments.sort(key=lambda r: (-r.missions, -r.value, r.code))
    report.departments_count = len(departments)
    report.departments = departments[:DEPARTMENTS_SHOWN]
    report.regions = sorted(regions.values(), key=lambda r: (-r.missions, -r.value, r.name))


def _reciprocity_section(report: YearlyReport, missions: Any, year: int, sums: YearSums) -> None:
    policies, unsplit = expected_and_paid_by_policy(
        missions=missions, declarations=YearlyDeclaration.objects.filter(year=year)
    )
    report.policies = policies
    report.unsplit_paid = unsplit
    report.expected_total = sum((p.expected for p in policies), ZERO)
    report.paid_total = sum((p.paid for p in policies), unsplit)
    report.invoiced_in_year = cents(
        -ledger_figures.year_total(sums, AccountKind.INCOME_CONTRIBUTION)
    )
    report.donations = cents(-ledger_figures.year_total(sums, AccountKind.INCOME_DONATION))
    report.membership_fees = cents(-ledger_figures.year_total(sums, AccountKind.INCOME_MEMBERSHIP))


def _commons_section(
    report: YearlyReport,
    missions: Any,
    year: int,
    sums: YearSums,
    in_kind_by_common: dict[int, Decimal],
) -> None:
    rows: dict[int, CommonRow] = {}

    def row(common_id: int) -> CommonRow:
        return rows.setdefault(common_id, CommonRow(slug="", name=""))

    for common_id, total in (
        OfferCommonsLine.objects.filter(offer__mission__in=missions)
        .values_list("common_id")
        .annotate(s=Sum("amount_ht"))
        .order_by()
    ):
        row(common_id).budgeted = cents(total or 0)
    paid_in: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (kind, common_id, is_payout), total in sums.items():
        if kind == AccountKind.COMMON_FUND and common_id is not None and not is_payout:
            paid_in[common_id] += total
    for common_id, total in paid_in.items():
        if total:
            row(common_id).paid_in = cents(-total)
    for common_id, total in (
        CommonPayout.objects.filter(paid_on__year=year)
        .values_list("common_id")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        row(common_id).paid_out = cents(total or 0)
    for common_id, hours in in_kind_by_common.items():
        row(common_id).in_kind_hours = hours
    for pk, slug, name in Common.objects.filter(pk__in=list(rows)).values_list(
        "pk", "slug", "name"
    ):
        rows[pk].slug, rows[pk].name = slug, name
    report.commons = sorted(
        rows.values(), key=lambda r: (-(r.paid_in + r.budgeted), -r.in_kind_hours, r.name)
    )
    report.commons_budgeted = sum((r.budgeted for r in rows.values()), ZERO)
    report.commons_paid_in = sum((r.paid_in for r in rows.values()), ZERO)
    report.commons_paid_out = sum((r.paid_out for r in rows.values()), ZERO)


def _in_kind_section(report: YearlyReport, year: int) -> dict[int, Decimal]:
    """The validated hours in kind of `year` per kind (for the report) and per common
    (returned, for the commons section): one query."""
    labels = dict(ContributionKind.choices)
    by_kind: dict[str, Decimal] = defaultdict(lambda: HOURS_ZERO)
    by_common: dict[int, Decimal] = defaultdict(lambda: HOURS_ZERO)
    for kind, common_id, total in (
        InKindContribution.objects.filter(status=InKindStatus.VALIDATED, done_on__year=year)
        .values_list("kind", "common_id")
        .annotate(h=Sum("hours"))
        .order_by()
    ):
        by_kind[kind] += Decimal(total or 0)
        if common_id is not None:
            by_common[common_id] += Decimal(total or 0)
    report.in_kind = [
        KindHours(kind=kind, label=str(labels.get(kind, kind)), hours=by_kind[kind])
        for kind in sorted(by_kind)
    ]
    report.in_kind_hours = sum((k.hours for k in report.in_kind), HOURS_ZERO)
    report.animation_hours = Decimal(
        AnimationTime.objects.filter(done_on__year=year).aggregate(h=Sum("hours"))["h"] or 0
    )
    return dict(by_common)


def _quality_section(report: YearlyReport, year: int) -> None:
    answered = Q(answered_at__year=year)
    surveys = SatisfactionSurvey.objects.aggregate(
        sent=Count("pk", filter=Q(sent_at__year=year)),
        answered=Count("pk", filter=answered),
        overall=Avg("overall", filter=answered),
        objectives=Avg("objectives_met", filter=answered),
        recommend_yes=Count("pk", filter=answered & Q(would_recommend=True)),
        recommend_said=Count("pk", filter=answered & Q(would_recommend__isnull=False)),
    )
    labels = dict(ReviewFinding.choices)
    findings = dict(
        QualityReview.objects.filter(year=year)
        .values_list("finding")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def average(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))

    report.quality = Quality(
        surveys_sent=surveys["sent"],
        surveys_answered=surveys["answered"],
        overall_average=average(surveys["overall"]),
        objectives_average=average(surveys["objectives"]),
        would_recommend_share=_percent(surveys["recommend_yes"], surveys["recommend_said"]),
        reviews=sum(findings.values()),
        reviews_by_finding=[
            (code, str(label), findings.get(code, 0)) for code, label in labels.items()
        ],
    )


def concentration_summary(
    memberships: list[tuple[int, int, Decimal]],
) -> ConcentrationSummary:
    """From (person, mission, mission amount) rows: how much the top 20% of the
    consultants (at least one) received, in value (each amount split equally among the
    team, as on the concentration page) and in missions they took part in."""
    teams: dict[int, list[int]] = defaultdict(list)
    amounts: dict[int, Decimal] = {}
    for person_id, mission_id, amount in memberships:
        teams[mission_id].append(person_id)
        amounts[mission_id] = Decimal(amount or 0)
    value: dict[int, Decimal] = defaultdict(lambda: ZERO)
    taken: dict[int, set[int]] = defaultdict(set)
    for mission_id, members in teams.items():
        members = sorted(members)
        for person_id, part in zip(
            members, split_equally(amounts[mission_id], len(members)), strict=True
        ):
            value[person_id] += part
            taken[person_id].add(mission_id)
    n = len(value)
    if not n:
        return ConcentrationSummary()
    k = max(1, math.ceil(n * TOP_SHARE))
    by_value = sorted(value, key=lambda p: (-value[p], p))[:k]
    by_missions = sorted(taken, key=lambda p: (-len(taken[p]), p))[:k]
    covered = set().union(*(taken[p] for p in by_missions))
    total_value = sum(value.values(), ZERO)
    return ConcentrationSummary(
        consultants=n,
        top_count=k,
        top_value_share=_percent(sum((value[p] for p in by_value), ZERO), total_value),
        top_missions_share=_percent(len(covered), len(teams)),
        hhi=hhi_display(hhi(dict(value))),
    )


def yearly_report(*, year: int) -> YearlyReport:
    """The report of `year` (anyone may read it). Fifteen queries at most; the ledger's
    sums of the year come from the cache while nothing is posted (`ledger_figures`)."""
    check_report_year(year)
    report = YearlyReport(year=year)
    missions = Mission.objects.filter(awarded_at__year=year)
    _missions_section(report, missions)
    sums = ledger_figures.year_sums(year)
    _reciprocity_section(report, missions, year, sums)
    in_kind_by_common = _in_kind_section(report, year)
    _commons_section(report, missions, year, sums, in_kind_by_common)
    _quality_section(report, year)
    report.concentration = concentration_summary(
        list(
            TeamMember.objects.filter(
                status=MemberStatus.ACCEPTED, team__missions__awarded_at__year=year
            ).values_list("person_id", "team__missions__id", "team__missions__amount_ht")
        )
    )
    return report


__all__ = ["REGIONS", "YearlyReport", "check_report_year", "last_complete_year", "yearly_report"]
