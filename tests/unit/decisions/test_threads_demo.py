"""The demo's groups and discussions load through the services, on top of the demo network."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cercle.core.journal import verify
from cercle.decisions.enums import GroupKind
from cercle.decisions.models import Comment, Group, Mention, Thread
from cercle.decisions.policies.groups import can_read_group
from cercle.demo.decisions_threads import load_decisions_threads
from cercle.demo.loader import Demo, email_for
from cercle.network.models import Person

pytestmark = pytest.mark.django_db


def test_demo_threads() -> None:
    call_command("load_demo")
    demo = Demo()
    for person in Person.objects.select_related("user"):
        key = person.user.email.split("@")[0]
        if person.user.email == email_for(key):
            demo.people[key] = person
    load_decisions_threads(demo)
    assert set(Group.objects.values_list("kind", flat=True)) == set(GroupKind.values)
    assert Thread.objects.count() >= 6
    assert Thread.objects.filter(closed_at__isnull=False).exists()
    assert Comment.objects.filter(deleted_at__isnull=False).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(edited_at__isnull=False).exists()
    assert Mention.objects.exists()
    board = Group.objects.get(kind=GroupKind.BOARD)
    assert not can_read_group(demo.user("agathe"), board)
    assert can_read_group(demo.user("yanis"), board)
    assert verify().ok
