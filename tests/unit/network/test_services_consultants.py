"""Consultant profiles and references: only the person themself; bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.network import services
from cercle.network.models import ConsultantProfile, ConsultantReference
from tests.factories.network import (
    ConsultantProfileFactory,
    ConsultantReferenceFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def _update(person: Any, actor: Any = None, **changes: Any) -> ConsultantProfile:
    values: dict[str, Any] = {
        "headline": "Tiers-lieux ruraux",
        "skills": [],
        "day_rate_min": Decimal("450"),
        "day_rate_max": Decimal("650.50"),
        "availability": "limited",
        "days_per_month": 6,
        "territory_codes": ["59", "62", "59350"],
    } | changes
    return services.consultant_profile_update(actor=(actor or person).user, person=person, **values)


def test_a_person_creates_then_replaces_their_profile(non_member: Any) -> None:
    facilitation, finance = SkillFactory(), SkillFactory()
    profile = _update(non_member, skills=[facilitation.slug, finance.slug])
    assert profile.day_rate_min == Decimal("450.00")
    assert profile.day_rate_max == Decimal("650.50")
    assert sorted(t.code for t in profile.territories.all()) == ["59", "59350", "62"]
    assert set(profile.skills.all()) == {facilitation, finance}
    _update(non_member, skills=[finance.slug], territory_codes=["2a"], day_rate_min=None)
    profile = ConsultantProfile.objects.get(person=non_member)
    assert list(profile.skills.all()) == [finance]
    assert [t.code for t in profile.territories.all()] == ["2A"]
    assert profile.day_rate_min is None
    verbs = list(
        JournalEntry.objects.filter(verb__startswith="consultant_")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["consultant_profile.created", "consultant_profile.updated"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day_rate_min": Decimal("700"), "day_rate_max": Decimal("500")}, "day_rate_max"),
        ({"day_rate_min": Decimal("-1")}, "day_rate_min"),
        ({"day_rate_max": Decimal("500.123")}, "day_rate_max"),
        ({"day_rate_max": "abc"}, "day_rate_max"),
        ({"days_per_month": 32}, "days_per_month"),
        ({"availability": "sometimes"}, "availability"),
        ({"availability": "unavailable", "days_per_month": 4}, "days_per_month"),
        ({"territory_codes": ["59", "99999"]}, "territory_codes"),
        ({"territory_codes": ["nord"]}, "territory_codes"),
        ({"skills": ["does-not-exist"]}, "skills"),
        ({"headline": "x" * 201}, "headline"),
    ],
)
def test_bad_profile_input_changes_nothing(
    non_member: Any, changes: dict[str, Any], field: str
) -> None:
    _update(non_member)
    with pytest.raises(ValidationError) as error:
        _update(non_member, **({"headline": "Changed"} | changes))
    assert field in error.value.message_dict
    profile = ConsultantProfile.objects.get(person=non_member)
    assert profile.headline == "Tiers-lieux ruraux"
    assert profile.territories.count() == 3


def test_several_errors_are_reported_together(non_member: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _update(non_member, skills=["nope"], territory_codes=["99999"], days_per_month=40)
    assert {"skills", "territory_codes", "days_per_month"} <= set(error.value.message_dict)
    assert not ConsultantProfile.objects.exists()


def test_an_inactive_skill_cannot_be_chosen_but_may_be_kept(non_member: Any) -> None:
    kept, retired = SkillFactory(), SkillFactory()
    _update(non_member, skills=[kept.slug])
    kept.is_active = retired.is_active = False
    kept.save()
    retired.save()
    _update(non_member, skills=[kept.slug])
    with pytest.raises(ValidationError) as error:
        _update(non_member, skills=[kept.slug, retired.slug])
    assert retired.slug in str(error.value.message_dict["skills"])


def test_nobody_else_edits_a_consultant_profile(steward: Any, non_member: Any) -> None:
    with pytest.raises(NotAllowed):
        _update(non_member, actor=steward)
    assert not ConsultantProfile.objects.exists()


def test_references_are_added_edited_and_deleted_by_their_author(non_member: Any) -> None:
    reference = services.consultant_reference_create(
        actor=non_member.user,
        person=non_member,
        client="Commune de Bailleul",
        year=2022,
        summary="Étude de préfiguration",
        is_public=True,
    )
    assert reference.profile.person == non_member
    services.consultant_reference_update(
        actor=non_member.user,
        reference=reference,
        client="Commune de Bailleul",
        year=2023,
        summary="Étude",
        is_public=False,
    )
    reference.refresh_from_db()
    assert (reference.year, reference.is_public) == (2023, False)
    services.consultant_reference_delete(actor=non_member.user, reference=reference)
    assert not ConsultantReference.objects.exists()
    verbs = list(
        JournalEntry.objects.filter(verb__startswith="consultant_")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "consultant_reference.created",
        "consultant_reference.updated",
        "consultant_reference.deleted",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"year": 1900}, "year"), ({"client": ""}, "client"), ({"summary": "  "}, "summary")],
)
def test_bad_references_are_refused(non_member: Any, changes: dict[str, Any], field: str) -> None:
    values = {"client": "Client", "year": 2020, "summary": "Résumé", "is_public": False} | changes
    with pytest.raises(ValidationError) as error:
        services.consultant_reference_create(actor=non_member.user, person=non_member, **values)
    assert field in error.value.message_dict
    assert not ConsultantReference.objects.exists()


def test_someone_elses_reference_is_out_of_reach(steward: Any) -> None:
    reference = ConsultantReferenceFactory()
    with pytest.raises(NotAllowed):
        services.consultant_reference_update(
            actor=steward.user, reference=reference, client="X", year=2020, summary="Y"
        )
    with pytest.raises(NotAllowed):
        services.consultant_reference_delete(actor=steward.user, reference=reference)
    with pytest.raises(NotAllowed):
        services.consultant_reference_create(
            actor=steward.user,
            person=reference.profile.person,
            client="X",
            year=2020,
            summary="Y",
        )
    assert ConsultantReference.objects.get().client == reference.client


def test_a_profile_is_created_for_a_first_reference(non_member: Any) -> None:
    services.consultant_reference_create(
        actor=non_member.user, person=non_member, client="C", year=2021, summary="S"
    )
    assert ConsultantProfile.objects.filter(person=non_member).exists()


def test_profile_factory_is_usable(non_member: Any) -> None:
    profile = ConsultantProfileFactory(person=non_member, territories=["59"])
    assert [t.code for t in profile.territories.all()] == ["59"]
