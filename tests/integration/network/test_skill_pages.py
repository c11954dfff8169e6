"""The skills taxonomy pages: public list; stewards add, edit and deactivate."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cercle.network.models import Skill
from tests.factories.network import SkillFactory
from tests.integration.network.conftest import fr, logged_in

pytestmark = pytest.mark.django_db

LIST = reverse("network:skill_list")
CREATE = reverse("network:skill_create")


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(LIST).status_code == 200
    return len(context.captured_queries)


def test_the_list_is_public_and_hides_inactive_skills(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    SkillFactory(name="Facilitation", is_major=True)
    SkillFactory(name="Ancienne", is_active=False)
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    html = response.content.decode()
    assert "Facilitation" in html
    assert "Ancienne" not in html
    assert CREATE not in html


@pytest.mark.parametrize("who", ["anonymous", "steward"])
def test_the_list_costs_the_same_with_5_or_50_skills(
    request: pytest.FixtureRequest, who: str
) -> None:
    client = Client() if who == "anonymous" else logged_in(request.getfixturevalue(who))
    SkillFactory.create_batch(5)
    few = _queries(client)
    SkillFactory.create_batch(495)
    assert _queries(client) == few


def test_a_steward_sees_inactive_skills_and_the_tools(steward: Any) -> None:
    SkillFactory(name="Ancienne", is_active=False)
    html = logged_in(steward).get(LIST).content.decode()
    assert "Ancienne" in html
    assert CREATE in html


def test_a_steward_adds_edits_and_deactivates(steward: Any) -> None:
    client = logged_in(steward)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, {"name": "Modèle économique", "is_major": "on"})
    assert response.status_code == 302
    skill = Skill.objects.get()
    assert skill.is_major
    edit = reverse("network:skill_edit", args=[skill.slug])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"name": "Modèles économiques", "is_active": "on"})
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.is_major, skill.is_active) == ("Modèles économiques", False, True)
    response = client.post(reverse("network:skill_deactivate", args=[skill.slug]))
    assert response.status_code == 302
    assert not Skill.objects.get().is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "facilitation"}, fr("A skill with this name already exists.")),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(
    steward: Any, data: dict[str, str], message: str
) -> None:
    SkillFactory(name="Facilitation")
    response = logged_in(steward).post(CREATE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Skill.objects.count() == 1


def test_a_bad_edit_is_a_400(steward: Any) -> None:
    SkillFactory(name="Facilitation")
    skill = SkillFactory(name="Finance")
    response = logged_in(steward).post(
        reverse("network:skill_edit", args=[skill.slug]), {"name": "FACILITATION"}
    )
    assert response.status_code == 400
    assert Skill.objects.get(pk=skill.pk).name == "Finance"


@pytest.mark.parametrize("role", ["non_member", "supporter", "contributor"])
def test_only_stewards_maintain_the_taxonomy(request: pytest.FixtureRequest, role: str) -> None:
    skill = SkillFactory(name="Finance")
    client = logged_in(request.getfixturevalue(role))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"name": "Nouvelle"}).status_code == 403
    edit = reverse("network:skill_edit", args=[skill.slug])
    assert client.post(edit, {"name": "Autre", "is_active": "on"}).status_code == 403
    assert client.post(reverse("network:skill_deactivate", args=[skill.slug])).status_code == 403
    skill.refresh_from_db()
    assert (skill.name, skill.is_active, Skill.objects.count()) == ("Finance", True, 1)


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    assert client.get(CREATE).status_code == 302
