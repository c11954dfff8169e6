"""Writes on people: registration, own profile, engagement levels."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.network import services
from cercle.network.enums import EngagementLevel
from cercle.network.models import Person
from tests.factories.core import UserFactory
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def test_register_creates_the_person_with_a_unique_slug() -> None:
    first = services.person_register(user=UserFactory(), first_name="Ana", last_name="Roux")
    second = services.person_register(user=UserFactory(), first_name="Ana", last_name="Roux")
    assert (first.slug, second.slug) == ("ana-roux", "ana-roux-2")
    assert first.user.first_name == "Ana"
    assert JournalEntry.objects.filter(verb="person.registered").count() == 2


def test_a_person_updates_their_profile(non_member: Any) -> None:
    """Name, presentation and territory change; the slug does not; a private entry is kept."""
    slug = non_member.slug
    services.person_update_profile(
        actor=non_member.user,
        person=non_member,
        first_name=" Léa ",
        last_name="Martin",
        bio="Animatrice",
        territory_code="2a",
    )
    person = Person.objects.get(pk=non_member.pk)
    assert (person.first_name, person.last_name, person.bio) == ("Léa", "Martin", "Animatrice")
    assert person.territory_id == "2A"
    assert person.slug == slug
    assert person.user.first_name == "Léa"
    entry = JournalEntry.objects.get(verb="person.profile_updated")
    assert entry.visibility == "private"
    assert entry.subject == non_member.user


def test_an_empty_territory_removes_it(non_member: Any) -> None:
    services.person_update_profile(
        actor=non_member.user,
        person=non_member,
        first_name="A",
        last_name="B",
        territory_code="",
    )
    assert Person.objects.get(pk=non_member.pk).territory is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"territory_code": "99999"}, "territory_code"),
        ({"territory_code": "00"}, "territory_code"),
        ({"territory_code": "hello"}, "territory_code"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": "x" * 81}, "first_name"),
    ],
)
def test_bad_profile_input_changes_nothing(
    non_member: Any, changes: dict[str, str], field: str
) -> None:
    before = Person.objects.get(pk=non_member.pk)
    values = {"first_name": "A", "last_name": "B", "bio": "", "territory_code": "59"} | changes
    with pytest.raises(ValidationError) as error:
        services.person_update_profile(actor=non_member.user, person=non_member, **values)
    assert field in error.value.message_dict
    after = Person.objects.get(pk=non_member.pk)
    assert (after.first_name, after.last_name, after.territory_id) == (
        before.first_name,
        before.last_name,
        before.territory_id,
    )
    assert not JournalEntry.objects.filter(verb="person.profile_updated").exists()


def test_nobody_edits_someone_elses_profile(steward: Any, non_member: Any) -> None:
    with pytest.raises(NotAllowed):
        services.person_update_profile(
            actor=steward.user, person=non_member, first_name="X", last_name="Y"
        )
    assert Person.objects.get(pk=non_member.pk).first_name == non_member.first_name


def test_a_steward_changes_a_members_level(steward: Any, supporter: Any) -> None:
    services.person_set_engagement_level(
        actor=steward.user, person=supporter, level=EngagementLevel.CONTRIBUTEUR
    )
    assert Person.objects.get(pk=supporter.pk).engagement_level == "contributeur"
    entry = JournalEntry.objects.get(verb="person.level_changed")
    assert entry.payload == {"from": "sympathisant", "to": "contributeur"}
    assert entry.visibility == "members"


def test_a_steward_cannot_change_their_own_level(steward: Any) -> None:
    with pytest.raises(NotAllowed):
        services.person_set_engagement_level(
            actor=steward.user, person=steward, level=EngagementLevel.SYMPATHISANT
        )
    assert Person.objects.get(pk=steward.pk).engagement_level == "soucieux"


def test_a_contributor_cannot_change_levels(contributor: Any, supporter: Any) -> None:
    with pytest.raises(NotAllowed):
        services.person_set_engagement_level(
            actor=contributor.user, person=supporter, level=EngagementLevel.SOUCIEUX
        )
    assert Person.objects.get(pk=supporter.pk).engagement_level == "sympathisant"


def test_an_unknown_level_is_a_field_error(steward: Any, supporter: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.person_set_engagement_level(actor=steward.user, person=supporter, level="boss")
    assert "level" in error.value.message_dict


def test_mark_member_makes_a_supporter_once() -> None:
    person = PersonFactory()
    services.person_mark_member(actor=None, person=person)
    services.person_mark_member(actor=None, person=person)
    person.refresh_from_db()
    assert person.engagement_level == "sympathisant"
    assert person.member_since is not None
    assert JournalEntry.objects.filter(verb="person.became_member").count() == 1
