"""Reads of contribution policies: settings, the guide, a mission's contribution and
turnover, and what the policies expect of a consultant for a year.

Selectors used by other modules (keep their names and shapes stable):
- `mission_expected(mission)` → `Decimal | None`
- `expected_by_mission(*, person, year)` → `list[ExpectedRow]`
- `expected_total(*, person, year)` → `Decimal`
- `in_kind_hours(...)` and `animation_hours_by_project(year)` live in
  `selectors.policies_in_kind` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.missions.models import Mission
from cercle.reciprocity.computation import PolicyTerms, expected_contribution
from cercle.reciprocity.enums import (
    RATE_POLICIES,
    ContributionStatus,
    DeclarationStatus,
    PolicyKind,
)
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import (
    ContributionSettings,
    DeclarationLine,
    GuideSituation,
    MissionContribution,
    TurnoverDeclaration,
)
from cercle.reciprocity.policies.policies import (
    check_can_manage_settings,
    check_can_read_guide,
    check_can_view_contribution,
)
from cercle.reciprocity.selectors.policies_in_kind import (  # noqa: F401 (re-exported)
    animation_hours_by_project,
    in_kind_hours,
)

INVOICED_STATUSES = (
    DeclarationStatus.INVOICED,
    DeclarationStatus.PARTIALLY_PAID,
    DeclarationStatus.PAID,
)


# ---------------------------------------------------------------- formatting


def eur(value: Decimal) -> str:
    """12 000,00 in French: grouped, two decimals (the unit is written by the caller)."""
    return number_format(cents(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def percent(value: Decimal) -> str:
    """5 rather than 5,00; 2,5 rather than 2,50."""
    normal = Decimal(value).normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    places = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
    return number_format(normal, decimal_pos=places, use_l10n=True)


# ---------------------------------------------------------------- settings and guide


def settings_get() -> ContributionSettings:
    """The one settings row (created with the defaults on first read)."""
    settings, created = ContributionSettings.objects.get_or_create(id=1)
    if created:
        settings.refresh_from_db()  # amounts as the database gives them back (5.00, not 5)
    return settings


def settings_get_for(*, actor: Any) -> ContributionSettings:
    check_can_manage_settings(actor)
    return settings_get()


def guide_situation_list(*, actor: Any, include_inactive: bool = False) -> QuerySet[GuideSituation]:
    check_can_read_guide(actor)
    situations = GuideSituation.objects.order_by("position", "id")
    if not include_inactive:
        situations = situations.filter(is_active=True)
    return situations


def guide_situation_get(*, uuid: UUID | str) -> GuideSituation:
    situation = GuideSituation.objects.filter(uuid=uuid).first()
    if situation is None:
        raise NotFound(_("No situation of the guide has this identifier."))
    return situation


# ---------------------------------------------------------------- a mission's contribution


def terms_of(contribution: MissionContribution) -> PolicyTerms:
    return PolicyTerms(
        policy=contribution.policy,
        rate_percent=contribution.rate_percent,
        self_assessed_amount_ht=contribution.self_assessed_amount_ht,
        negotiated_amount_ht=contribution.negotiated_amount_ht,
        negotiated_agreed=contribution.status == ContributionStatus.AGREED,
    )


def current_turnover(mission: Mission) -> TurnoverDeclaration | None:
    """The declaration nothing replaces (None when the lead declared nothing yet)."""
    return (
        TurnoverDeclaration.objects.filter(mission=mission, replaced_by__isnull=True)
        .select_related("declared_by")
        .order_by("-declared_at", "-id")
        .first()
    )


def turnover_history(mission: Mission) -> list[TurnoverDeclaration]:
    """Every declaration of the mission, newest first."""
    return list(
        TurnoverDeclaration.objects.filter(mission=mission)
        .select_related("declared_by", "replaces")
        .order_by("-declared_at", "-id")
    )


def contribution_of(mission: Mission) -> MissionContribution | None:
    return (
        MissionContribution.objects.select_related("guide_situation", "steward_agreed_by")
        .filter(mission=mission)
        .first()
    )


def mission_expected(mission: Mission) -> Decimal | None:
    """The contribution (€ HT) the mission's policy expects from its current turnover,
    or None when it cannot be known yet (no policy recorded, no turnover declared for a
    rate, no amount set, a negotiation not agreed). Two queries."""
    contribution = contribution_of(mission)
    if contribution is None:
        return None
    declaration = current_turnover(mission)
    return expected_contribution(
        terms_of(contribution), declaration.amount_ht if declaration else None
    )


def is_invoiced(mission: Mission) -> bool:
    """A declaration naming this mission was invoiced (or paid): its terms are settled."""
    return DeclarationLine.objects.filter(
        mission=mission, declaration__status__in=INVOICED_STATUSES
    ).exists()


def rule_in_words(
    contribution: MissionContribution | None, turnover: Decimal | None
) -> tuple[Decimal | None, str]:
    """The expected amount and the rule that gives it, in words, e.g.
    "5 % de 12 000,00 € HT = 600,00 € HT"; the rounding is named when it applies."""
    if contribution is None:
        return None, _("No contribution policy was recorded for this mission.")
    expected = expected_contribution(terms_of(contribution), turnover)
    policy = contribution.policy
    if policy in RATE_POLICIES:
        rate = contribution.rate_percent or Decimal(0)
        if turnover is None:
            return None, _(
                "%(rate)s %% of the turnover invoiced; the lead has not declared it yet."
            ) % {"rate": percent(rate)}
        exact = Decimal(turnover) * rate / Decimal(100)
        words = _("%(rate)s %% of %(turnover)s € HT = %(expected)s € HT") % {
            "rate": percent(rate),
            "turnover": eur(turnover),
            "expected": eur(expected or Decimal(0)),
        }
        if exact != cents(exact):
            words += " " + _(
                "(exactly %(exact)s €, rounded once to the nearest cent, halves upwards)"
            ) % {"exact": number_format(exact.normalize(), use_l10n=True)}
        return expected, words
    if policy == PolicyKind.SELF_ASSESSED:
        if expected is None:
            return None, _("Self-assessed: the lead has not set the amount yet.")
        return expected, _("Self-assessed by the lead: %(amount)s € HT") % {"amount": eur(expected)}
    if policy == PolicyKind.NEGOTIATED:
        if contribution.negotiated_amount_ht is None:
            return None, _("Negotiated: no amount has been proposed yet.")
        if expected is None:
            return None, _(
                "Negotiated: %(amount)s € HT proposed, waiting for both sides to agree."
            ) % {"amount": eur(contribution.negotiated_amount_ht)}
        return expected, _("Negotiated and agreed by both sides: %(amount)s € HT") % {
            "amount": eur(expected)
        }
    return expected, ""


@dataclass
class GuideRange:
    """A situation of the guide, with its range applied to the declared turnover."""

    situation: GuideSituation
    low: Decimal | None
    high: Decimal | None


def guide_ranges(turnover: Decimal | None) -> list[GuideRange]:
    """The active situations, each with its suggested range in euros (when a turnover is
    declared), for the lead who sets a self-assessed amount."""
    rows = []
    for situation in GuideSituation.objects.filter(is_active=True).order_by("position", "id"):
        low = high = None
        if turnover is not None:
            low = cents(Decimal(turnover) * situation.suggested_min_percent / 100)
            high = cents(Decimal(turnover) * situation.suggested_max_percent / 100)
        rows.append(GuideRange(situation=situation, low=low, high=high))
    return rows


@dataclass
class ContributionView:
    """Everything the mission's contribution section shows."""

    mission: Mission
    contribution: MissionContribution | None
    turnover: TurnoverDeclaration | None
    history: list[TurnoverDeclaration]
    expected: Decimal | None
    rule: str
    invoiced: bool


def contribution_view(*, actor: Any, mission: Mission) -> ContributionView:
    """A mission's contribution, its current turnover and history (five queries)."""
    check_can_view_contribution(actor, mission)
    contribution = contribution_of(mission)
    history = turnover_history(mission)
    replaced = {d.replaces_id for d in history if d.replaces_id}
    current = next((d for d in history if d.pk not in replaced), None)
    expected, rule = rule_in_words(contribution, current.amount_ht if current else None)
    return ContributionView(
        mission=mission,
        contribution=contribution,
        turnover=current,
        history=history,
        expected=expected,
        rule=rule,
        invoiced=is_invoiced(mission),
    )


def mission_get_for_contribution(*, actor: Any, uuid: UUID | str) -> Mission:
    mission = Mission.objects.select_related("request", "lead", "team").filter(uuid=uuid).first()
    if mission is None:
        raise NotFound(_("No mission has this identifier."))
    check_can_view_contribution(actor, mission)
    return mission


# ---------------------------------------------------------------- a consultant's year


class ExpectedRow(NamedTuple):
    mission: Mission
    policy: str | None
    turnover: Decimal | None
    expected: Decimal | None


def expected_by_mission(*, person: Any, year: int) -> list[ExpectedRow]:
    """The missions `person` leads that were awarded in `year`, each with its policy
    (None if none was recorded), current turnover (None if not declared) and expected
    contribution (None while unknown). One query, whatever the number of missions."""
    current = TurnoverDeclaration.objects.filter(
        mission=OuterRef("pk"), replaced_by__isnull=True
    ).order_by("-declared_at", "-id")
    missions = (
        Mission.objects.filter(lead=person, awarded_at__year=year)
        .select_related("request", "contribution")
        .annotate(current_turnover=Subquery(current.values("amount_ht")[:1]))
        .order_by("awarded_at", "id")
    )
    rows = []
    for mission in missions:
        contribution = getattr(mission, "contribution", None)
        turnover = mission.current_turnover  # type: ignore[attr-defined]
        if contribution is None:
            rows.append(ExpectedRow(mission, None, turnover, None))
            continue
        expected = expected_contribution(terms_of(contribution), turnover)
        rows.append(ExpectedRow(mission, contribution.policy, turnover, expected))
    return rows


def expected_total(*, person: Any, year: int) -> Decimal:
    """The sum of the known expected contributions of `expected_by_mission` (unknown
    ones count for nothing), € HT."""
    return cents(
        sum(
            (row.expected for row in expected_by_mission(person=person, year=year) if row.expected),
            Decimal(0),
        )
    )


def contribution_get(*, actor: Any, uuid: UUID | str) -> MissionContribution:
    contribution = (
        MissionContribution.objects.select_related("mission", "guide_situation")
        .filter(uuid=uuid)
        .first()
    )
    if contribution is None:
        raise NotFound(_("No mission contribution has this identifier."))
    check_can_view_contribution(actor, contribution.mission)
    return contribution


def mission_contribution_section(*, actor: Any, mission: Mission) -> dict[str, Any]:
    """Context for the mission page's contribution section
    (`reciprocity/policies/_mission.html`): empty when the viewer may not see it."""
    from cercle.reciprocity.policies.policies import can_view_contribution

    if not can_view_contribution(actor, mission):
        return {}
    return {"contribution_section": contribution_view(actor=actor, mission=mission)}
