from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry, Notification
from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.models import Group, GroupMembership
from cercle.decisions.services import threads_groups as services
from tests.factories.decisions_threads import GroupFactory
from tests.factories.membership_charter import MemberFactory
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Le bureau",
    "kind": GroupKind.BOARD,
    "membership_rule": MembershipRule.LISTED,
    "visibility": GroupVisibility.GROUP,
}


def test_steward_creates_a_group_with_a_unique_slug() -> None:
    steward = StewardFactory().user
    first = services.group_create(actor=steward, **FIELDS)
    second = services.group_create(actor=steward, **FIELDS)
    assert (first.slug, second.slug) == ("le-bureau", "le-bureau-2")
    entry = JournalEntry.objects.filter(verb="group.created").first()
    assert entry is not None
    assert entry.visibility == "private"


def test_reserved_slug_is_avoided() -> None:
    group = services.group_create(actor=StewardFactory().user, **{**FIELDS, "name": "Nouveau"})
    assert group.slug == "nouveau-2"


def test_bad_input_changes_nothing() -> None:
    steward = StewardFactory().user
    with pytest.raises(ValidationError) as error:
        services.group_create(actor=steward, **{**FIELDS, "kind": "nope", "name": ""})
    assert {"kind", "name"} <= set(error.value.message_dict)
    group = GroupFactory(name="Avant")
    with pytest.raises(ValidationError):
        services.group_update(actor=steward, group=group, **{**FIELDS, "visibility": "x"})
    group.refresh_from_db()
    assert group.name == "Avant"
    assert Group.objects.count() == 1


def test_members_cannot_create_or_edit() -> None:
    member = MemberFactory().user
    with pytest.raises(NotAllowed):
        services.group_create(actor=member, **FIELDS)
    with pytest.raises(NotAllowed):
        services.group_update(actor=member, group=GroupFactory(), **FIELDS)


def test_listing_people() -> None:
    steward = StewardFactory().user
    group = GroupFactory()
    person = MemberFactory()
    services.group_member_add(actor=steward, group=group, person=person)
    assert Notification.objects.filter(user=person.user).exists()
    with pytest.raises(ValidationError):
        services.group_member_add(actor=steward, group=group, person=person)
    services.group_member_update(actor=steward, group=group, person=person, is_admin=True)
    assert GroupMembership.objects.get(group=group, person=person).is_admin
    with pytest.raises(Conflict):
        services.group_member_update(actor=steward, group=group, person=person, is_admin=True)
    services.group_member_remove(actor=steward, group=group, person=person)
    with pytest.raises(ValidationError):
        services.group_member_remove(actor=steward, group=group, person=person)
    verbs = list(JournalEntry.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-3:] == ["group.member_added", "group.admin_granted", "group.member_removed"]
