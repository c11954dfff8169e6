"""The consultant profile page and its references: only for the person themself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cercle.network.models import ConsultantProfile, ConsultantReference
from tests.factories.network import (
    ConsultantProfileFactory,
    ConsultantReferenceFactory,
    SkillFactory,
)
from tests.integration.network.conftest import fr, logged_in

pytestmark = pytest.mark.django_db

PAGE = reverse("network:consultant_profile")
NEW_REFERENCE = reverse("network:reference_create")


def test_the_page_needs_a_login(client: Client) -> None:
    assert client.get(PAGE).status_code == 302


def test_a_person_fills_in_their_profile(non_member: Any) -> None:
    skill = SkillFactory(name="Facilitation")
    SkillFactory(name="Retirée", is_active=False)
    client = logged_in(non_member)
    page = client.get(PAGE).content.decode()
    assert "Facilitation" in page
    assert "Retirée" not in page
    assert 'hx-get="/territoires/?multiple=1"' in page
    response = client.post(
        PAGE,
        {
            "headline": "Tiers-lieux ruraux",
            "skills": [skill.slug],
            "day_rate_min": "450",
            "day_rate_max": "600.50",
            "availability": "limited",
            "days_per_month": "5",
            "territory_codes": "59, 62 2a",
        },
    )
    assert response.status_code == 302
    profile = ConsultantProfile.objects.get(person=non_member)
    assert profile.day_rate_max == Decimal("600.50")
    assert sorted(t.code for t in profile.territories.all()) == ["2A", "59", "62"]
    assert list(profile.skills.all()) == [skill]
    page = client.get(PAGE).content.decode()
    assert "2A, 59, 62" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"day_rate_min": "700", "day_rate_max": "500"},
            fr("The maximum day rate must be at least the minimum day rate."),
        ),
        ({"day_rate_min": "-3"}, "supérieure ou égale à 0"),
        ({"day_rate_min": "12,345"}, "Saisissez un nombre"),
        ({"days_per_month": "40"}, "inférieure ou égale à 31"),
        ({"territory_codes": "59, 99999"}, "99999"),
        ({"skills": ["inconnue"]}, "Sélectionnez un choix valide"),
        ({"availability": "jamais"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(
    non_member: Any, changes: dict[str, Any], message: str
) -> None:
    data = {"headline": "Nouveau", "availability": "available"} | changes
    response = logged_in(non_member).post(PAGE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsultantProfile.objects.exists()


def test_references_are_added_edited_and_deleted(
    non_member: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(non_member)
    assert client.get(NEW_REFERENCE).status_code == 200
    response = client.post(
        NEW_REFERENCE,
        {"client": "Commune de Steenvoorde", "year": "2023", "summary": "Diagnostic"},
    )
    assert response.status_code == 302
    reference = ConsultantReference.objects.get()
    assert not reference.is_public
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    assert "Commune de Steenvoorde" in page.content.decode()
    edit = reverse("network:reference_edit", args=[reference.uuid])
    response = client.post(
        edit, {"client": "Commune", "year": "2022", "summary": "Étude", "is_public": "on"}
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    assert (reference.year, reference.is_public) == (2022, True)
    assert (
        client.post(reverse("network:reference_delete", args=[reference.uuid])).status_code == 302
    )
    assert not ConsultantReference.objects.exists()


def test_a_bad_reference_is_a_400(non_member: Any) -> None:
    response = logged_in(non_member).post(
        NEW_REFERENCE, {"client": "", "year": "1850", "summary": "x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html
    assert "supérieure ou égale à 1980" in html
    assert not ConsultantReference.objects.exists()


def test_someone_elses_reference_is_not_found(steward: Any) -> None:
    reference = ConsultantReferenceFactory(client="Secret")
    client = logged_in(steward)
    edit = reverse("network:reference_edit", args=[reference.uuid])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"client": "X", "year": "2020", "summary": "Y"}).status_code == 404
    assert (
        client.post(reverse("network:reference_delete", args=[reference.uuid])).status_code == 404
    )
    assert ConsultantReference.objects.get().client == "Secret"


def test_the_page_costs_the_same_with_5_or_50_references(non_member: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = ConsultantProfileFactory(person=non_member, skills=SkillFactory.create_batch(3))
    ConsultantReferenceFactory.create_batch(5, profile=profile)
    client = logged_in(non_member)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(PAGE).status_code == 200
        return len(context.captured_queries)

    few = count()
    ConsultantReferenceFactory.create_batch(495, profile=profile)
    SkillFactory.create_batch(20)
    assert count() == few
