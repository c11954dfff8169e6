"""A person's own profile page, people's pages (members only) and engagement levels."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cercle.network.models import Person
from tests.factories.network import (
    MemberOrganizationFactory,
    OrganizationAdminFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    SupporterFactory,
)
from tests.integration.network.conftest import logged_in

pytestmark = pytest.mark.django_db

PROFILE = reverse("network:profile")


def test_profile_needs_a_login(client: Client) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_profile_shows_the_form_organizations_and_token_link(
    non_member: Any, django_assert_max_num_queries: Any
) -> None:
    membership = OrganizationAdminFactory(person=non_member)
    client = logged_in(non_member)
    with django_assert_max_num_queries(10):
        response = client.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    assert membership.organization.name in html
    assert reverse("core:tokens") in html
    assert reverse("network:consultant_profile") in html
    assert "novalidate" in html
    assert 'hx-get="/territoires/"' in html


def test_saving_the_profile(non_member: Any) -> None:
    response = logged_in(non_member).post(
        PROFILE,
        {"first_name": "Inès", "last_name": "Garnier", "bio": "Bonjour", "territory_code": "974"},
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=non_member.pk)
    assert (person.first_name, person.territory_id, person.bio) == ("Inès", "974", "Bonjour")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first_name": "", "last_name": "B", "territory_code": ""}, "Ce champ est obligatoire."),
        ({"first_name": "A", "last_name": "B", "territory_code": "99999"}, "99999"),
        ({"first_name": "A", "last_name": "B", "territory_code": "Lille"}, "département"),
    ],
)
def test_bad_profile_input_is_a_400_with_a_french_message(
    non_member: Any, data: dict[str, str], message: str
) -> None:
    response = logged_in(non_member).post(PROFILE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    person = Person.objects.get(pk=non_member.pk)
    assert (person.first_name, person.territory_id) == (non_member.first_name, "59")


def test_a_member_sees_a_persons_page(supporter: Any, django_assert_max_num_queries: Any) -> None:
    other = SupporterFactory(bio="Je fabrique des choses")
    membership = OrganizationMembershipFactory(person=other)
    client = logged_in(supporter)
    with django_assert_max_num_queries(12):
        response = client.get(other.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert other.full_name in html
    assert membership.organization.name in html
    assert "Sympathisant" in html or "Supporter" in html
    assert "Je fabrique des choses" in html
    assert reverse("network:person_set_level", args=[other.slug]) not in html


def test_a_member_through_an_organization_sees_people() -> None:
    viewer = PersonFactory()
    OrganizationMembershipFactory(person=viewer, organization=MemberOrganizationFactory())
    response = logged_in(viewer).get(PersonFactory().get_absolute_url())
    assert response.status_code == 200


def test_a_non_member_is_refused_other_peoples_pages(non_member: Any) -> None:
    response = logged_in(non_member).get(PersonFactory().get_absolute_url())
    assert response.status_code == 403
    assert logged_in(non_member).get(non_member.get_absolute_url()).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(PersonFactory().get_absolute_url())
    assert response.status_code == 302


def test_an_unknown_person_is_404(supporter: Any) -> None:
    assert logged_in(supporter).get("/personnes/personne-inconnue/").status_code == 404


def test_a_steward_changes_a_level_from_the_persons_page(steward: Any, supporter: Any) -> None:
    client = logged_in(steward)
    page = client.get(supporter.get_absolute_url())
    url = reverse("network:person_set_level", args=[supporter.slug])
    assert url in page.content.decode()
    response = client.post(url, {"level": "contributeur"})
    assert response.status_code == 302
    assert Person.objects.get(pk=supporter.pk).engagement_level == "contributeur"


def test_a_bad_level_is_a_400(steward: Any, supporter: Any) -> None:
    url = reverse("network:person_set_level", args=[supporter.slug])
    response = logged_in(steward).post(url, {"level": "boss"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Person.objects.get(pk=supporter.pk).engagement_level == "sympathisant"


def test_a_steward_cannot_change_their_own_level(steward: Any) -> None:
    url = reverse("network:person_set_level", args=[steward.slug])
    page = logged_in(steward).get(steward.get_absolute_url())
    assert url not in page.content.decode()
    response = logged_in(steward).post(url, {"level": "sympathisant"})
    assert response.status_code == 403
    assert Person.objects.get(pk=steward.pk).engagement_level == "soucieux"


def test_a_contributor_cannot_change_levels(contributor: Any, supporter: Any) -> None:
    url = reverse("network:person_set_level", args=[supporter.slug])
    assert logged_in(contributor).post(url, {"level": "soucieux"}).status_code == 403
    assert Person.objects.get(pk=supporter.pk).engagement_level == "sympathisant"


def test_a_persons_page_costs_the_same_with_5_or_50_organizations(supporter: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.network import ConsultantProfileFactory, SkillFactory

    other = SupporterFactory()
    ConsultantProfileFactory(person=other, skills=SkillFactory.create_batch(3))
    OrganizationMembershipFactory.create_batch(5, person=other)
    client = logged_in(supporter)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(other.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    few = count()
    OrganizationMembershipFactory.create_batch(495, person=other)
    assert count() == few
