"""Contribution policies through the pages: settings, guide, a mission's contribution,
turnover, in kind and animation time (400/403/404/409, nothing changed, query counts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.core.models import JournalEntry
from cercle.membership.enums import ContractStatus, ContributionKind
from cercle.reciprocity.enums import ContributionStatus, InKindStatus, PolicyKind
from cercle.reciprocity.models import (
    AnimationTime,
    ContributionSettings,
    GuideSituation,
    InKindContribution,
    MissionContribution,
    TurnoverDeclaration,
)
from cercle.reciprocity.services import policies as services
from tests.factories.membership_charter import MemberFactory
from tests.factories.membership_contracts import (
    ContractChoiceFactory,
    ContractFactory,
    ContributionItemFactory,
)
from tests.factories.missions import CommonFactory, consultant
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_policies import (
    AnimationTimeFactory,
    GuideSituationFactory,
    InKindFactory,
    awarded_mission,
)
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def page(response: Any) -> str:
    from html import unescape

    return unescape(response.content.decode())


# ---------------------------------------------------------------- settings


SETTINGS_POST = {
    "flat_rate_percent": "6",
    "structure_fee_percent": "20",
    "introduction_fee_percent": "5",
    "default_policy_local": "flat_rate",
    "default_policy_structuring": "structure_fee",
    "in_kind_hour_value": "",
    "declaration_call_month": "2",
    "payment_due_days": "30",
}


def test_settings_page_for_stewards_only() -> None:
    assert logged_in(consultant()).get("/contributions/reglages/").status_code == 403
    client = logged_in(StewardFactory())
    assert client.get("/contributions/reglages/").status_code == 200
    response = client.post("/contributions/reglages/", SETTINGS_POST)
    assert response.status_code == 302
    settings = ContributionSettings.objects.get()
    assert settings.flat_rate_percent == Decimal("6")
    assert settings.default_policy_local == PolicyKind.FLAT_RATE
    assert settings.declaration_call_month == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flat_rate_percent", "-1"),
        ("flat_rate_percent", "abc"),
        ("structure_fee_percent", "101"),
        ("default_policy_local", "lottery"),
        ("in_kind_hour_value", "-2"),
        ("declaration_call_month", "13"),
    ],
)
def test_settings_page_refuses_bad_input(field: str, value: str) -> None:
    client = logged_in(StewardFactory())
    response = client.post("/contributions/reglages/", {**SETTINGS_POST, field: value})
    assert response.status_code == 400
    assert not JournalEntry.objects.filter(verb="contribution_settings.updated").exists()


# ---------------------------------------------------------------- guide


def test_guide_read_by_the_circle_managed_by_stewards() -> None:
    situation = GuideSituationFactory(title="Lieu rural qui démarre")
    GuideSituationFactory(title="Ancienne situation", is_active=False)
    reader = logged_in(consultant())
    response = reader.get("/contributions/guide/")
    assert response.status_code == 200
    assert "Lieu rural qui démarre" in page(response)
    assert "Ancienne situation" not in page(response)
    assert logged_in(MemberFactory()).get("/contributions/guide/").status_code == 403
    assert reader.get("/contributions/guide/nouvelle/").status_code == 403
    steward = logged_in(StewardFactory())
    assert "Ancienne situation" in page(steward.get("/contributions/guide/"))
    bad = steward.post(
        "/contributions/guide/nouvelle/",
        {
            "title": "Réseau",
            "description": "x",
            "suggested_min_percent": "9",
            "suggested_max_percent": "3",
        },
    )
    assert bad.status_code == 400
    assert fr("The upper bound of the range cannot be below its lower bound.") in page(bad)
    ok = steward.post(
        "/contributions/guide/nouvelle/",
        {
            "title": "Réseau",
            "description": "x",
            "suggested_min_percent": "3",
            "suggested_max_percent": "9",
        },
    )
    assert ok.status_code == 302
    assert GuideSituation.objects.count() == 3
    edit = f"/contributions/guide/{situation.uuid}/modifier/"
    assert steward.get(edit).status_code == 200
    assert steward.post(f"/contributions/guide/{situation.uuid}/etat/").status_code == 302
    situation.refresh_from_db()
    assert situation.is_active is False
    assert steward.post(f"/contributions/guide/{situation.uuid}/descendre/").status_code == 302
    assert reader.post(f"/contributions/guide/{situation.uuid}/etat/").status_code == 403
    missing = "/contributions/guide/00000000-0000-0000-0000-000000000000/modifier/"
    assert steward.get(missing).status_code == 404


# ---------------------------------------------------------------- a mission's contribution


def test_mission_page_shows_the_section_and_rule() -> None:
    mission = awarded_mission(policy=PolicyKind.FLAT_RATE)
    services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="12000")
    viewer = logged_in(consultant())
    response = viewer.get(mission.get_absolute_url())
    assert response.status_code == 200
    text = page(response)
    assert fr("Contribution to the association") in text
    assert "600,00" in text
    detail = viewer.get(f"/contributions/missions/{mission.uuid}/")
    assert detail.status_code == 200
    assert fr("Declare the turnover invoiced") not in page(detail)  # not the lead
    assert (
        logged_in(MemberFactory()).get(f"/contributions/missions/{mission.uuid}/").status_code
        == 403
    )
    missing = "/contributions/missions/00000000-0000-0000-0000-000000000000/"
    assert viewer.get(missing).status_code == 404


def test_lead_declares_and_corrects_turnover_on_the_page() -> None:
    mission = awarded_mission()
    lead = logged_in(mission.lead)
    url = f"/contributions/missions/{mission.uuid}/chiffre-d-affaires/"
    for bad in ("-10", "abc", "1.234"):
        assert lead.post(url, {"turnover-amount_ht": bad}).status_code == 400
    assert not TurnoverDeclaration.objects.exists()
    assert lead.post(url, {"turnover-amount_ht": "10000"}).status_code == 302
    assert (
        lead.post(url, {"turnover-amount_ht": "9000", "turnover-note": "Avoir"}).status_code == 302
    )
    text = page(lead.get(f"/contributions/missions/{mission.uuid}/"))
    assert fr("Replaced") in text
    assert "450,00" in text  # 5 % of 9 000
    assert logged_in(consultant()).post(url, {"turnover-amount_ht": "1"}).status_code == 403
    assert TurnoverDeclaration.objects.count() == 2


def test_steward_changes_the_policy_on_the_page_then_invoicing_blocks_it() -> None:
    mission = awarded_mission()
    steward = logged_in(StewardFactory())
    url = f"/contributions/missions/{mission.uuid}/politique/"
    response = steward.post(url, {"policy-policy": "negotiated", "policy-reason": ""})
    assert response.status_code == 400
    assert (
        logged_in(mission.lead)
        .post(url, {"policy-policy": "negotiated", "policy-reason": "x"})
        .status_code
        == 403
    )
    response = steward.post(url, {"policy-policy": "negotiated", "policy-reason": "Gros contrat"})
    assert response.status_code == 302
    contribution = MissionContribution.objects.get(mission=mission)
    assert contribution.policy == PolicyKind.NEGOTIATED
    assert contribution.status == ContributionStatus.PENDING
    # Negotiation: the steward proposes, the lead confirms.
    propose = f"/contributions/missions/{mission.uuid}/negociation/"
    assert steward.post(propose, {"negotiation-amount_ht": "-1"}).status_code == 400
    assert steward.post(propose, {"negotiation-amount_ht": "700"}).status_code == 302
    lead = logged_in(mission.lead)
    text = page(lead.get(f"/contributions/missions/{mission.uuid}/"))
    assert fr("Negotiate the amount") in text
    confirm = f"/contributions/missions/{mission.uuid}/negociation/accord/"
    assert lead.post(confirm, {"confirm-amount_ht": "650"}).status_code == 409
    assert lead.post(confirm, {"confirm-amount_ht": "700"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.AGREED
    from tests.unit.reciprocity.test_policies_services import _invoice

    _invoice(mission)
    response = steward.post(url, {"policy-policy": "flat_rate", "policy-reason": "x"})
    assert response.status_code == 409
    contribution.refresh_from_db()
    assert contribution.policy == PolicyKind.NEGOTIATED


def test_self_assessment_page_shows_the_guide_in_euros() -> None:
    mission = awarded_mission(policy=PolicyKind.SELF_ASSESSED)
    situation = GuideSituationFactory(suggested_min_percent=2, suggested_max_percent=6)
    services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="10000")
    lead = logged_in(mission.lead)
    text = page(lead.get(f"/contributions/missions/{mission.uuid}/"))
    assert "200,00" in text and "600,00" in text  # noqa: PT018
    url = f"/contributions/missions/{mission.uuid}/auto-evaluation/"
    assert lead.post(url, {"self-amount_ht": "abc"}).status_code == 400
    response = lead.post(
        url, {"self-amount_ht": "400", "self-guide_situation": str(situation.uuid)}
    )
    assert response.status_code == 302
    contribution = MissionContribution.objects.get(mission=mission)
    assert contribution.self_assessed_amount_ht == Decimal("400")
    assert contribution.guide_situation == situation
    assert logged_in(StewardFactory()).post(url, {"self-amount_ht": "1"}).status_code == 403


def _detail_queries(client: Any, mission: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/contributions/missions/{mission.uuid}/").status_code == 200
    return len(ctx.captured_queries)


def test_contribution_page_queries_do_not_grow_with_history(
    django_assert_max_num_queries: Any,
) -> None:
    mission = awarded_mission(policy=PolicyKind.SELF_ASSESSED)
    GuideSituationFactory()
    client = logged_in(mission.lead)
    services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht="1000")
    _detail_queries(client, mission)
    few = _detail_queries(client, mission)
    for n in range(20):
        services.turnover_declare(actor=mission.lead.user, mission=mission, amount_ht=1000 + n)
        GuideSituationFactory()
    many = _detail_queries(client, mission)
    assert few == many
    with django_assert_max_num_queries(25):
        client.get(f"/contributions/missions/{mission.uuid}/")


# ---------------------------------------------------------------- in kind


def _validated_in_kind_item(person: Any) -> Any:
    contract = ContractFactory(applicant_person=person, status=ContractStatus.VALIDATED)
    item = ContributionItemFactory(
        contribution_kind=ContributionKind.IN_KIND_WELCOME, amount_ht=None
    )
    return ContractChoiceFactory(contract=contract, item=item)


def test_member_declares_in_kind_and_a_steward_validates() -> None:
    member = MemberFactory()
    choice = _validated_in_kind_item(member)
    common = CommonFactory()
    client = logged_in(member)
    response = client.get("/contributions/en-nature/")
    assert response.status_code == 200
    assert choice.label in page(response)
    today = timezone.localdate().isoformat()
    body = {
        "kind": "in_kind_welcome",
        "hours": "4",
        "done_on": today,
        "description": "Accueil de deux porteurs de projet.",
        "contract_item": str(choice.item.uuid),
        "common": common.slug,
    }
    for bad in (
        {"hours": "-1"},
        {"hours": "0.1"},
        {"kind": "donation"},
        {"done_on": "2999-01-01"},
        {"description": ""},
    ):
        assert client.post("/contributions/en-nature/", {**body, **bad}).status_code == 400
    mismatch = client.post("/contributions/en-nature/", {**body, "kind": "in_kind_event"})
    assert mismatch.status_code == 400
    assert not InKindContribution.objects.exists()
    assert client.post("/contributions/en-nature/", body).status_code == 302
    entry = InKindContribution.objects.get()
    assert entry.contract_choice == choice
    assert entry.common == common
    assert client.get("/contributions/en-nature/a-valider/").status_code == 403
    assert logged_in(StewardFactory()).get("/contributions/en-nature/").status_code == 200
    assert logged_in(consultant()).post(
        f"/contributions/en-nature/{entry.uuid}/valider/"
    ).status_code in (403, 404)
    steward = logged_in(StewardFactory())
    queue = steward.get("/contributions/en-nature/a-valider/")
    assert queue.status_code == 200
    assert "Accueil de deux porteurs" in page(queue)
    assert (
        steward.post(f"/contributions/en-nature/{entry.uuid}/refuser/", {"reason": ""}).status_code
        == 400
    )
    assert (
        steward.post(
            f"/contributions/en-nature/{entry.uuid}/valider/", {"hour_value": "-1"}
        ).status_code
        == 400
    )
    assert (
        steward.post(
            f"/contributions/en-nature/{entry.uuid}/valider/", {"hour_value": "30"}
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.status == InKindStatus.VALIDATED
    assert (
        steward.post(f"/contributions/en-nature/{entry.uuid}/refuser/", {"reason": "x"}).status_code
        == 409
    )
    mine = page(client.get("/contributions/en-nature/"))
    assert "120,00" in mine  # 4 h valued at 30 € an hour


def test_hours_are_not_converted_without_a_rate() -> None:
    member = MemberFactory()
    InKindFactory(person=member, hours=Decimal("12"), status=InKindStatus.VALIDATED)
    text = page(logged_in(member).get("/contributions/en-nature/"))
    with translation.override("fr"):
        assert gettext("%(hours)s h") % {"hours": "12"} in text
    assert "€" not in text.split(fr("My declarations"))[-1].split("</table>")[0]
    ContributionSettings.objects.update_or_create(
        id=1, defaults={"in_kind_hour_value": Decimal("30")}
    )
    text = page(logged_in(member).get("/contributions/en-nature/"))
    assert "360,00" in text


def test_a_steward_cannot_validate_their_own_hours() -> None:
    steward = StewardFactory()
    entry = InKindFactory(person=steward)
    response = logged_in(steward).post(f"/contributions/en-nature/{entry.uuid}/valider/", {})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == InKindStatus.PENDING


def _queue_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/contributions/en-nature/a-valider/").status_code == 200
    return len(ctx.captured_queries)


def test_queue_queries_are_bounded() -> None:
    client = logged_in(StewardFactory())
    for _i in range(3):
        InKindFactory(common=CommonFactory())
    _queue_queries(client)
    few = _queue_queries(client)
    for _i in range(20):
        InKindFactory(common=CommonFactory())
    assert _queue_queries(client) == few


# ---------------------------------------------------------------- animation time


def test_animation_time_logged_by_stewards_read_by_members() -> None:
    mission = awarded_mission()
    steward = logged_in(StewardFactory())
    today = timezone.localdate().isoformat()
    bad = steward.post("/contributions/animation/", {"hours": "2", "done_on": today})
    assert bad.status_code == 400
    assert fr("Name the project, or choose a mission or an organization.") in page(bad)
    ok = steward.post(
        "/contributions/animation/",
        {"mission": str(mission.uuid), "hours": "2.5", "done_on": today, "note": "Réunion"},
    )
    assert ok.status_code == 302
    entry = AnimationTime.objects.get()
    assert entry.project == mission.request.title
    member = logged_in(MemberFactory())
    response = member.get("/contributions/animation/")
    assert response.status_code == 200
    assert escape(mission.request.title) in response.content.decode()
    assert (
        member.post(
            "/contributions/animation/", {"project": "x", "hours": "1", "done_on": today}
        ).status_code
        == 403
    )
    assert AnimationTime.objects.count() == 1


def _animation_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/contributions/animation/").status_code == 200
    return len(ctx.captured_queries)


def test_animation_list_queries_are_bounded() -> None:
    client = logged_in(MemberFactory())
    AnimationTimeFactory(mission=awarded_mission())
    _animation_queries(client)
    few = _animation_queries(client)
    for _i in range(15):
        AnimationTimeFactory()
    AnimationTimeFactory(mission=awarded_mission())
    assert _animation_queries(client) == few
