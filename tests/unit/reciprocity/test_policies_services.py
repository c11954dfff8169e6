"""Contribution policies: settings, guide, the policy recorded at award, pledges to
commons, policy changes, self-assessed and negotiated amounts, turnover, selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry
from cercle.missions.enums import RequestScope
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    AccountKind,
    ContributionStatus,
    DeclarationStatus,
    JournalCode,
    PolicyKind,
)
from cercle.reciprocity.models import (
    DeclarationLine,
    LedgerLine,
    LedgerTransaction,
    MissionContribution,
    TurnoverDeclaration,
    YearlyDeclaration,
)
from cercle.reciprocity.selectors import policies as selectors
from cercle.reciprocity.services import policies as services
from cercle.reciprocity.services import policies_settings as settings_services
from tests.factories.missions import CommonFactory, consultant
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_policies import GuideSituationFactory, awarded_mission

pytestmark = pytest.mark.django_db


def _fr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


# ---------------------------------------------------------------- settings


def test_settings_defaults_and_journaled_changes() -> None:
    steward = StewardFactory()
    settings = selectors.settings_get()
    assert settings.flat_rate_percent == Decimal("5")
    assert settings.structure_fee_percent == Decimal("20")
    assert settings.default_policy_local == PolicyKind.INTRODUCTION_FEE
    assert settings.default_policy_structuring == PolicyKind.STRUCTURE_FEE
    settings_services.contribution_settings_update(
        actor=steward.user, flat_rate_percent=Decimal("6"), in_kind_hour_value=Decimal("30")
    )
    entry = JournalEntry.objects.get(verb="contribution_settings.updated")
    assert entry.payload["changes"]["flat_rate_percent"] == ["5.00", "6"]
    assert entry.payload["changes"]["in_kind_hour_value"] == [None, "30"]


def test_settings_refuse_bad_input_and_non_stewards() -> None:
    steward = StewardFactory()
    with pytest.raises(NotAllowed):
        settings_services.contribution_settings_update(
            actor=consultant().user, flat_rate_percent=Decimal("6")
        )
    with pytest.raises(ValidationError) as error:
        settings_services.contribution_settings_update(
            actor=steward.user, flat_rate_percent=Decimal("120")
        )
    assert "flat_rate_percent" in error.value.message_dict
    with pytest.raises(ValidationError):
        settings_services.contribution_settings_update(actor=steward.user, in_kind_hour_value="-3")
    with pytest.raises(ValidationError):
        settings_services.contribution_settings_update(actor=steward.user, colour="red")
    assert selectors.settings_get().flat_rate_percent == Decimal("5")
    assert not JournalEntry.objects.filter(verb="contribution_settings.updated").exists()


# ---------------------------------------------------------------- guide


def test_guide_create_update_range_and_order() -> None:
    steward = StewardFactory()
    first = settings_services.guide_situation_create(
        actor=steward.user,
        title="Première mission",
        description="Un lieu rural qui démarre.",
        suggested_min_percent=Decimal("2"),
        suggested_max_percent=Decimal("5"),
    )
    second = settings_services.guide_situation_create(
        actor=steward.user,
        title="Grosse mission",
        description="Un réseau régional.",
        suggested_min_percent=Decimal("5"),
        suggested_max_percent=Decimal("10"),
    )
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(ValidationError) as error:
        settings_services.guide_situation_update(
            actor=steward.user,
            situation=first,
            title="Première mission",
            description="x",
            suggested_min_percent=Decimal("8"),
            suggested_max_percent=Decimal("3"),
        )
    assert "suggested_max_percent" in error.value.message_dict
    first.refresh_from_db()
    assert first.suggested_min_percent == Decimal("2")
    settings_services.guide_situation_reorder(actor=steward.user, order=[second.uuid, first.uuid])
    first.refresh_from_db()
    assert first.position == 2
    with pytest.raises(ValidationError):
        settings_services.guide_situation_reorder(actor=steward.user, order=[second.uuid])
    settings_services.guide_situation_set_active(actor=steward.user, situation=first, active=False)
    assert list(selectors.guide_situation_list(actor=steward.user)) == [second]
    with pytest.raises(NotAllowed):
        settings_services.guide_situation_create(
            actor=consultant().user,
            title="x",
            description="y",
            suggested_min_percent=1,
            suggested_max_percent=2,
        )


# ---------------------------------------------------------------- at award


def test_award_records_the_default_policy_and_copies_the_rate() -> None:
    local = awarded_mission(scope=RequestScope.LOCAL)
    structuring = awarded_mission(scope=RequestScope.STRUCTURING)
    assert local.contribution.policy == PolicyKind.INTRODUCTION_FEE
    assert local.contribution.rate_percent == Decimal("5.00")
    assert structuring.contribution.policy == PolicyKind.STRUCTURE_FEE
    assert structuring.contribution.rate_percent == Decimal("20.00")
    # A later change of the settings never alters what a past mission recorded.
    settings_services.contribution_settings_update(
        actor=StewardFactory().user, introduction_fee_percent=Decimal("7")
    )
    local.contribution.refresh_from_db()
    assert local.contribution.rate_percent == Decimal("5.00")
    assert awarded_mission().contribution.rate_percent == Decimal("7.00")
    assert JournalEntry.objects.filter(verb="mission_contribution.recorded").count() == 3


def test_award_with_negotiated_default_is_pending() -> None:
    mission = awarded_mission(policy=PolicyKind.NEGOTIATED)
    assert mission.contribution.status == ContributionStatus.PENDING
    assert mission.contribution.rate_percent is None
    assert selectors.mission_expected(mission) is None


def test_award_posts_commons_pledges_once() -> None:
    wiki, forum, unused = CommonFactory(), CommonFactory(), CommonFactory()
    mission = awarded_mission(
        commons=[(wiki, Decimal("300.00")), (forum, Decimal("120.50")), (unused, Decimal("0"))]
    )
    txn = LedgerTransaction.objects.get()
    assert txn.journal_code == JournalCode.MISC
    lines = list(txn.lines.select_related("account"))
    assert len(lines) == 4
    assert all(line.mission_id == mission.pk for line in lines)
    receivable = ledger.receivable(person=mission.lead)
    assert ledger.balance(receivable) == Decimal("420.50")
    pledged = ledger.common_account(AccountKind.COMMON_PLEDGED, wiki)
    assert ledger.balance(pledged) == Decimal("-300.00")
    assert ledger.trial_balance_is_zero()
    assert services.commons_pledges_post(mission=mission) is None
    assert LedgerTransaction.objects.count() == 1


def test_no_commons_no_posting() -> None:
    awarded_mission()
    assert not LedgerLine.objects.exists()


# ---------------------------------------------------------------- policy change


def _invoice(mission: Any) -> None:
    declaration = YearlyDeclaration.objects.create(
        person=mission.lead,
        year=timezone.now().year,
        amount_ht=Decimal("100"),
        status=DeclarationStatus.INVOICED,
        declared_at=timezone.now(),
    )
    DeclarationLine.objects.create(declaration=declaration, mission=mission, amount_ht=100)


def test_steward_changes_the_policy_with_a_reason_until_invoiced() -> None:
    mission = awarded_mission()
    steward = StewardFactory()
    with pytest.raises(NotAllowed):
        services.mission_policy_change(
            actor=mission.lead.user, mission=mission, policy=PolicyKind.FLAT_RATE, reason="x"
        )
    with pytest.raises(ValidationError) as error:
        services.mission_policy_change(
            actor=steward.user, mission=mission, policy=PolicyKind.FLAT_RATE, reason="  "
        )
    assert error.value.message_dict["reason"] == [_fr("Say why the policy changes.")]
    with pytest.raises(ValidationError):
        services.mission_policy_change(
            actor=steward.user, mission=mission, policy="lottery", reason="x"
        )
    changed = services.mission_policy_change(
        actor=steward.user,
        mission=mission,
        policy=PolicyKind.FLAT_RATE,
        reason="Option 2 abandonnée",
    )
    assert (changed.policy, changed.rate_percent) == (PolicyKind.FLAT_RATE, Decimal("5.00"))
    entry = JournalEntry.objects.get(verb="mission_contribution.policy_changed")
    assert entry.payload["before"][0] == PolicyKind.INTRODUCTION_FEE
    assert entry.payload["reason"] == "Option 2 abandonnée"
    changed = services.mission_policy_change(
        actor=steward.user,
        mission=mission,
        policy=PolicyKind.STRUCTURE_FEE,
        reason="Le réseau coordonne",
        rate_percent=Decimal("15"),
    )
    assert changed.rate_percent == Decimal("15")
    _invoice(mission)
    with pytest.raises(Conflict):
        services.mission_policy_change(
            actor=steward.user, mission=mission, policy=PolicyKind.FLAT_RATE, reason="x"
        )


# ---------------------------------------------------------------- self-assessed


def test_self_assessed_amount_by_the_lead_only() -> None:
    mission = awarded_mission(policy=PolicyKind.SELF_ASSESSED)
    situation = GuideSituationFactory()
    assert selectors.mission_expected(mission) is None
    with pytest.raises(NotAllowed):
        services.self_assessed_set(actor=StewardFactory().user, mission=mission, amount_ht="450")
    for bad in ("-1", "abc", "12.345", "NaN"):
        with pytest.raises(ValidationError):
            services.self_assessed_set(actor=mission.lead.user, mission=mission, amount_ht=bad)
    services.self_assessed_set(
        actor=mission.lead.user, mission=mission, amount_ht="450", guide_situation=situation
    )
    assert selectors.mission_expected(mission) == Decimal("450.00")
    other = awarded_mission(policy=PolicyKind.FLAT_RATE)
    with pytest.raises(Conflict):
        services.self_assessed_set(actor=other.lead.user, mission=other, amount_ht="1")


# ---------------------------------------------------------------- negotiated


def test_negotiation_needs_both_sides_and_a_change_resets_the_other() -> None:
    mission = awarded_mission(policy=PolicyKind.NEGOTIATED)
    steward = StewardFactory()
    lead = mission.lead.user
    with pytest.raises(NotAllowed):
        services.negotiated_propose(actor=consultant().user, mission=mission, amount_ht="500")
    with pytest.raises(Conflict):
        services.negotiated_confirm(actor=lead, mission=mission, amount_ht="500")
    c = services.negotiated_propose(actor=steward.user, mission=mission, amount_ht="500")
    assert c.status == ContributionStatus.PENDING
    assert c.steward_agreed_at is not None
    assert c.steward_agreed_by == steward
    # The lead read 500 but the steward changed it meanwhile: refused.
    services.negotiated_propose(actor=steward.user, mission=mission, amount_ht="550")
    with pytest.raises(Conflict):
        services.negotiated_confirm(actor=lead, mission=mission, amount_ht="500")
    # The lead counter-proposes: the steward's agreement is withdrawn.
    c = services.negotiated_propose(actor=lead, mission=mission, amount_ht="520")
    assert c.steward_agreed_at is None
    assert c.consultant_agreed_at is not None
    assert selectors.mission_expected(mission) is None
    c = services.negotiated_confirm(actor=steward.user, mission=mission, amount_ht="520")
    assert c.status == ContributionStatus.AGREED
    assert selectors.mission_expected(mission) == Decimal("520.00")
    assert (
        JournalEntry.objects.filter(verb__startswith="mission_contribution.negotiation").count()
        == 4
    )


def test_a_steward_who_leads_speaks_for_the_team() -> None:
    steward = StewardFactory()
    from tests.factories.membership_charter import CharterSignatureFactory, CircleMembershipFactory
    from tests.factories.missions import _current_version

    CharterSignatureFactory(person=steward, version=_current_version())
    CircleMembershipFactory(person=steward)
    mission = awarded_mission(policy=PolicyKind.NEGOTIATED, lead=steward)
    c = services.negotiated_propose(actor=steward.user, mission=mission, amount_ht="300")
    assert c.consultant_agreed_at is not None
    assert c.steward_agreed_at is None
    assert c.status == ContributionStatus.PENDING


# ---------------------------------------------------------------- turnover


def test_turnover_declared_then_corrected_keeps_history() -> None:
    mission = awarded_mission()
    with pytest.raises(NotAllowed):
        services.turnover_declare(actor=consultant().user, mission=mission, amount_ht="1")
    with pytest.raises(ValidationError):
        services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="-5")
    first = services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="12000")
    assert selectors.mission_expected(mission) == Decimal("600.00")
    second = services.turnover_declare(
        actor=StewardFactory().user, mission=mission, amount_ht="11000.50", note="Avoir"
    )
    assert second.replaces == first
    assert selectors.current_turnover(mission) == second
    assert [d.pk for d in selectors.turnover_history(mission)] == [second.pk, first.pk]
    assert selectors.mission_expected(mission) == Decimal("550.03")  # 550.025 rounded half up
    assert TurnoverDeclaration.objects.count() == 2
    assert JournalEntry.objects.filter(verb="turnover.corrected").count() == 1


def test_rule_in_words() -> None:
    mission = awarded_mission(policy=PolicyKind.FLAT_RATE)
    services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="12000")
    with translation.override("fr"):
        view = selectors.contribution_view(actor=mission.lead.user, mission=mission)
        assert view.expected == Decimal("600.00")
        assert view.rule == _fr("%(rate)s %% of %(turnover)s € HT = %(expected)s € HT") % {
            "rate": "5",
            "turnover": selectors.eur(Decimal("12000")),
            "expected": "600,00",
        }
        assert selectors.eur(Decimal("12000")).replace("\xa0", " ") == "12 000,00"
        services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="11000.50")
        view = selectors.contribution_view(actor=mission.lead.user, mission=mission)
        assert "550,025" in view.rule
        assert "550,03" in view.rule


# ---------------------------------------------------------------- selectors for others


def test_expected_by_mission_and_total_for_a_year() -> None:
    lead = consultant()
    flat = awarded_mission(policy=PolicyKind.FLAT_RATE, lead=lead)
    negotiated = awarded_mission(policy=PolicyKind.NEGOTIATED, lead=lead)
    services.turnover_declare(actor=lead.user, mission=flat, amount_ht="10000")
    services.turnover_declare(actor=lead.user, mission=flat, amount_ht="9000")
    year = timezone.now().year
    rows = selectors.expected_by_mission(person=lead, year=year)
    assert [(r.mission.pk, r.policy, r.turnover, r.expected) for r in rows] == [
        (flat.pk, PolicyKind.FLAT_RATE, Decimal("9000.00"), Decimal("450.00")),
        (negotiated.pk, PolicyKind.NEGOTIATED, None, None),
    ]
    assert selectors.expected_total(person=lead, year=year) == Decimal("450.00")
    assert selectors.expected_by_mission(person=lead, year=year - 1) == []
    MissionContribution.objects.filter(mission=negotiated).delete()
    rows = selectors.expected_by_mission(person=lead, year=year)
    assert rows[1].policy is None


def test_expected_by_mission_has_bounded_queries(django_assert_max_num_queries: Any) -> None:
    lead = consultant()
    for _i in range(4):
        mission = awarded_mission(policy=PolicyKind.FLAT_RATE, lead=lead)
        services.turnover_declare(actor=lead.user, mission=mission, amount_ht="1000")
    with django_assert_max_num_queries(1):
        rows = selectors.expected_by_mission(person=lead, year=timezone.now().year)
    assert len(rows) == 4
