"""Organizations through the pages: list and filters, creation, page, edition, people."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cercle.network.models import Organization, OrganizationMembership
from tests.factories.network import (
    MemberOrganizationFactory,
    OrganizationAdminFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
)
from tests.integration.network.conftest import fr, logged_in

pytestmark = pytest.mark.django_db

LIST = reverse("network:organization_list")
CREATE = reverse("network:organization_create")
VALID_SIRET = "73282932000074"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "supporter"])
def test_the_list_costs_the_same_with_5_or_50_rows(
    request: pytest.FixtureRequest, who: str
) -> None:
    client = Client() if who == "anonymous" else logged_in(request.getfixturevalue(who))
    OrganizationFactory.create_batch(5)
    few = _queries(client, LIST)
    OrganizationFactory.create_batch(495)
    assert _queries(client, LIST) == few
    assert _queries(client, LIST + "?page=2") == few


def test_the_list_is_paginated_and_filtered(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    OrganizationFactory.create_batch(30, territory_id="62")
    lille = MemberOrganizationFactory(name="AAA Lille", territory_id="59350")
    OrganizationFactory(name="AAB Asso", territory_id="59", actor_type="association")
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    html = response.content.decode()
    assert 'rel="next"' in html
    response = client.get(LIST, {"department": "59", "actor_type": "tiers_lieu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert lille.name in html
    assert "AAB Asso" not in html
    assert 'rel="next"' not in html


def test_a_bad_filter_is_a_400_with_the_error(client: Client) -> None:
    OrganizationFactory(name="Visible")
    response = client.get(LIST, {"actor_type": "pirate", "department": "00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "Visible" in html


def test_creating_an_organization(non_member: Any) -> None:
    client = logged_in(non_member)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert 'list="id_territory_code-options"' in page.content.decode()
    response = client.post(
        CREATE,
        {
            "name": "Le Relais",
            "actor_type": "tiers_lieu",
            "territory_code": "59350",
            "siret": "732 829 320 00074",
            "description": "",
            "website": "relais.example.org",
        },
    )
    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert organization.siret == VALID_SIRET
    assert organization.website == "https://relais.example.org"
    assert OrganizationMembership.objects.get().role == "admin"


def test_creation_needs_a_login(client: Client) -> None:
    assert client.get(CREATE).status_code == 302
    assert client.post(CREATE, {"name": "X"}).status_code == 302
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siret": "12345"}, fr("A SIRET number has exactly 14 digits.")),
        (
            {"siret": "73282932000075"},
            fr("This SIRET number is not valid (its check digit is wrong)."),
        ),
        ({"territory_code": "99999"}, "99999"),
        ({"territory_code": ""}, "Ce champ est obligatoire"),
        ({"actor_type": "pirate"}, "Sélectionnez un choix valide"),
        ({"website": "pas une adresse"}, "URL"),
    ],
)
def test_bad_input_is_a_400_and_creates_nothing(
    non_member: Any, changes: dict[str, str], message: str
) -> None:
    data = {"name": "X", "actor_type": "tiers_lieu", "territory_code": "59"} | changes
    response = logged_in(non_member).post(CREATE, data)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not Organization.objects.exists()


def test_a_duplicate_siret_is_a_field_error_not_a_500(non_member: Any) -> None:
    OrganizationFactory(siret=VALID_SIRET)
    response = logged_in(non_member).post(
        CREATE,
        {
            "name": "Copie",
            "actor_type": "association",
            "territory_code": "59",
            "siret": VALID_SIRET,
        },
    )
    assert response.status_code == 400
    assert fr("Another organization already uses this SIRET number.") in (response.content.decode())
    assert Organization.objects.count() == 1


def test_the_page_is_public_and_shows_people_to_members_only(
    client: Client, supporter: Any, non_member: Any, django_assert_max_num_queries: Any
) -> None:
    organization = MemberOrganizationFactory(description="Un lieu", website="https://x.example")
    admin = OrganizationAdminFactory(organization=organization)
    OrganizationMembershipFactory.create_batch(3, organization=organization)
    with django_assert_max_num_queries(4):
        response = client.get(organization.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert organization.name in html
    assert "Un lieu" in html
    assert admin.person.full_name not in html
    outsider_page = logged_in(non_member).get(organization.get_absolute_url())
    assert outsider_page.status_code == 200
    assert admin.person.full_name not in outsider_page.content.decode()
    member_client = logged_in(supporter)
    with django_assert_max_num_queries(12):
        response = member_client.get(organization.get_absolute_url())
    assert admin.person.full_name in response.content.decode()
    assert reverse("network:organization_member_add", args=[organization.slug]) not in (
        response.content.decode()
    )


def test_the_page_costs_the_same_with_5_or_50_people(supporter: Any) -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    client = logged_in(admin.person)
    OrganizationMembershipFactory.create_batch(4, organization=organization)
    few = _queries(client, organization.get_absolute_url())
    OrganizationMembershipFactory.create_batch(495, organization=organization)
    assert _queries(client, organization.get_absolute_url()) == few


def test_an_admin_edits_the_organization() -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    url = reverse("network:organization_edit", args=[organization.slug])
    client = logged_in(admin.person)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Nouveau nom", "actor_type": "association", "territory_code": "2B"}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.territory_id) == ("Nouveau nom", "2B")


def test_bad_edits_are_400_and_change_nothing() -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    OrganizationFactory(siret=VALID_SIRET)
    url = reverse("network:organization_edit", args=[organization.slug])
    response = logged_in(admin.person).post(
        url,
        {
            "name": "Autre",
            "actor_type": "association",
            "territory_code": "59",
            "siret": VALID_SIRET,
        },
    )
    assert response.status_code == 400
    assert Organization.objects.get(pk=organization.pk).name == organization.name


def test_only_admins_edit(steward: Any) -> None:
    organization = OrganizationAdminFactory().organization
    plain = OrganizationMembershipFactory(organization=organization).person
    url = reverse("network:organization_edit", args=[organization.slug])
    for person in (steward, plain):
        assert logged_in(person).get(url).status_code == 403
        response = logged_in(person).post(
            url, {"name": "Pris", "actor_type": "association", "territory_code": "59"}
        )
        assert response.status_code == 403
    assert Organization.objects.get().name == organization.name


def test_an_admin_adds_sets_the_role_of_and_removes_people() -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    newcomer = PersonFactory(user__email="new@example.org")
    client = logged_in(admin.person)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert reverse("network:organization_member_add", args=[organization.slug]) in page
    response = client.post(
        reverse("network:organization_member_add", args=[organization.slug]),
        {"email": "new@example.org", "role": "member"},
    )
    assert response.status_code == 302
    role_url = reverse("network:organization_member_role", args=[organization.slug, newcomer.uuid])
    assert client.post(role_url, {"role": "admin"}).status_code == 302
    assert OrganizationMembership.objects.get(person=newcomer).role == "admin"
    remove_url = reverse(
        "network:organization_member_remove", args=[organization.slug, newcomer.uuid]
    )
    assert client.post(remove_url).status_code == 302
    assert not OrganizationMembership.objects.filter(person=newcomer).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"email": "nobody@example.org", "role": "member"},
            fr("No account uses this e-mail address. Ask the person to sign up first."),
        ),
        ({"email": "pas-un-email", "role": "member"}, "adresse de courriel valide"),
        ({"email": "new@example.org", "role": "king"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_additions_are_400_and_add_nobody(data: dict[str, str], message: str) -> None:
    admin = OrganizationAdminFactory()
    PersonFactory(user__email="new@example.org")
    response = logged_in(admin.person).post(
        reverse("network:organization_member_add", args=[admin.organization.slug]), data
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html
    assert OrganizationMembership.objects.count() == 1


def test_the_last_admin_stays() -> None:
    admin = OrganizationAdminFactory()
    organization, person = admin.organization, admin.person
    client = logged_in(person)
    role_url = reverse("network:organization_member_role", args=[organization.slug, person.uuid])
    response = client.post(role_url, {"role": "member"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    remove_url = reverse(
        "network:organization_member_remove", args=[organization.slug, person.uuid]
    )
    assert client.post(remove_url).status_code == 400
    assert OrganizationMembership.objects.get().role == "admin"


def test_a_plain_member_cannot_manage_people_but_can_leave() -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    plain = OrganizationMembershipFactory(organization=organization).person
    other = PersonFactory()
    client = logged_in(plain)
    add_url = reverse("network:organization_member_add", args=[organization.slug])
    assert client.post(add_url, {"email": other.user.email, "role": "member"}).status_code == 403
    remove_admin = reverse(
        "network:organization_member_remove", args=[organization.slug, admin.person.uuid]
    )
    assert client.post(remove_admin).status_code == 403
    leave = reverse("network:organization_member_remove", args=[organization.slug, plain.uuid])
    response = client.post(leave)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:profile")
    assert OrganizationMembership.objects.count() == 1


def test_member_actions_need_post_and_a_login(client: Client) -> None:
    admin = OrganizationAdminFactory()
    url = reverse(
        "network:organization_member_remove", args=[admin.organization.slug, admin.person.uuid]
    )
    assert client.post(url).status_code == 302
    assert logged_in(admin.person).get(url).status_code == 405
    assert OrganizationMembership.objects.count() == 1
