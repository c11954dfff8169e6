"""API twins of the network's page actions: the language on /me, deactivating a skill,
leaving an organization — through the same services as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cercle.core.models import JournalEntry, User
from cercle.core.services import api_token_create
from cercle.network.models import OrganizationMembership, Person, Skill
from tests.factories.network import (
    OrganizationAdminFactory,
    OrganizationMembershipFactory,
    SkillFactory,
)
from tests.integration.network.conftest import api_client, assert_error, send

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


# ---------------------------------------------------------------- /me: language


def test_get_me_tells_the_language(non_member: Any, django_assert_max_num_queries: Any) -> None:
    """GET /me shows the caller's language, at no extra query."""
    client = api_client(non_member)
    client.get(ME)  # the token's first use records when it was used: one write, once
    with django_assert_max_num_queries(6):
        response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["language"] == "fr"


def test_patch_me_sets_the_language_and_nothing_else(non_member: Any) -> None:
    """`language` alone changes the person's language (pages, e-mails, API messages), not
    their profile; the next answers come in that language."""
    client = api_client(non_member)
    response = send(client, "PATCH", ME, {"language": "en"})
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "en"
    assert User.objects.get(pk=non_member.user.pk).language == "en"
    person = Person.objects.get(pk=non_member.pk)
    assert (person.first_name, person.bio, person.territory_id) == (
        non_member.first_name,
        non_member.bio,
        "59",
    )
    assert not JournalEntry.objects.filter(verb="person.profile_updated").exists()
    refused = send(client, "PATCH", ME, {"first_name": ""})
    assert refused.json()["errors"]["first_name"] == ["This field is required."]


def test_patch_me_sets_language_and_profile_together(non_member: Any) -> None:
    """Both parts of one PATCH are saved."""
    response = send(api_client(non_member), "PATCH", ME, {"language": "en", "bio": "Hello"})
    assert response.status_code == 200, response.content
    assert (response.json()["language"], response.json()["bio"]) == ("en", "Hello")
    assert User.objects.get(pk=non_member.user.pk).language == "en"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "de"}, "language"),
        ({"language": ""}, "language"),
        ({"language": 5}, "language"),
        ({"language": "x" * 9}, "language"),
        ({"language": "en", "first_name": ""}, "first_name"),
        ({"language": "en", "territory_code": "99999"}, "territory_code"),
    ],
)
def test_bad_language_patches_are_422_and_change_nothing(
    non_member: Any, body: dict[str, Any], field: str
) -> None:
    """A refused PATCH keeps the language and the profile as they were (all or nothing)."""
    response = send(api_client(non_member), "PATCH", ME, body)
    assert_error(response, 422, field)
    assert User.objects.get(pk=non_member.user.pk).language == "fr"
    assert Person.objects.get(pk=non_member.pk).first_name == non_member.first_name


def test_anonymous_cannot_set_a_language() -> None:
    assert_error(send(Client(), "PATCH", ME, {"language": "en"}), 401)


# ---------------------------------------------------------------- skills: deactivate


def test_a_steward_deactivates_a_skill(steward: Any, client: Client) -> None:
    """The page's “deactivate” button: the skill leaves the public list, journaled."""
    skill = SkillFactory(name="Médiation numérique")
    response = send(api_client(steward), "POST", f"/api/v1/skills/{skill.slug}/deactivate")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert Skill.objects.get(pk=skill.pk).is_active is False
    assert JournalEntry.objects.filter(verb="skill.deactivated").count() == 1
    listed = client.get("/api/v1/skills").json()
    assert skill.slug not in [s["slug"] for s in listed["items"]]


def test_patch_is_active_false_also_deactivates(steward: Any) -> None:
    """PATCH /skills/{slug} with is_active=false is the edit form's way, same journal verb."""
    skill = SkillFactory()
    response = send(
        api_client(steward), "PATCH", f"/api/v1/skills/{skill.slug}", {"is_active": False}
    )
    assert response.status_code == 200, response.content
    assert Skill.objects.get(pk=skill.pk).is_active is False
    assert JournalEntry.objects.filter(verb="skill.deactivated").count() == 1


def test_skill_deactivation_refusals(steward: Any, contributor: Any) -> None:
    """401 anonymous, 403 for non-stewards, 404 for an unknown skill; the skill stays."""
    skill = SkillFactory()
    url = f"/api/v1/skills/{skill.slug}/deactivate"
    assert_error(send(Client(), "POST", url), 401)
    assert_error(send(api_client(contributor), "POST", url), 403)
    assert_error(send(api_client(steward), "POST", "/api/v1/skills/nope/deactivate"), 404)
    assert Skill.objects.get(pk=skill.pk).is_active is True


# ---------------------------------------------------------------- organizations: leave


def test_a_person_leaves_an_organization() -> None:
    """DELETE on one's own membership is the page's “leave” action."""
    admin = OrganizationAdminFactory()
    plain = OrganizationMembershipFactory(organization=admin.organization).person
    url = f"/api/v1/organizations/{admin.organization.slug}/members/{plain.uuid}"
    response = send(api_client(plain), "DELETE", url)
    assert response.status_code == 204, response.content
    assert not OrganizationMembership.objects.filter(person=plain).exists()
    assert JournalEntry.objects.filter(verb="organization.person_removed").count() == 1


def test_the_last_administrator_cannot_leave() -> None:
    """422 on the person field, and the administrator stays."""
    admin = OrganizationAdminFactory()
    url = f"/api/v1/organizations/{admin.organization.slug}/members/{admin.person.uuid}"
    assert_error(send(api_client(admin.person), "DELETE", url), 422, "person")
    assert OrganizationMembership.objects.filter(person=admin.person).exists()


def test_withdrawn_skills_are_listed_for_stewards_only(client: Client) -> None:
    """Like the skills page: a withdrawn skill stays out of everyone's list but stewards'."""
    from tests.factories.network import SkillFactory, StewardFactory

    SkillFactory(name="Retirée", slug="retiree", is_active=False)
    anonymous = client.get("/api/v1/skills?include_inactive=true").json()
    assert "retiree" not in [s["slug"] for s in anonymous["items"]]
    steward = StewardFactory()
    client.force_login(steward.user)
    _, secret = api_token_create(actor=steward.user, name="t")
    listed = client.get(
        "/api/v1/skills?include_inactive=true", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert "retiree" in [s["slug"] for s in listed["items"]]
    assert Skill.objects.filter(is_active=False).count() == 1
