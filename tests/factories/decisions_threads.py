"""Factories for decision groups, their threads and comments (built without services,
for tests' set-up)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.models import Comment, Group, GroupMembership, Thread, ThreadRead
from tests.factories.network import SupporterFactory


class GroupFactory(factory.django.DjangoModelFactory):
    """A working group of listed people, readable by the network's members."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Groupe de travail n°{n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    kind = GroupKind.WORKING_GROUP
    membership_rule = MembershipRule.LISTED
    visibility = GroupVisibility.MEMBERS
    description = "Un groupe pour avancer ensemble."


class AssociationGroupFactory(GroupFactory):
    name = "L'association"
    slug = factory.Sequence(lambda n: f"association-{n}")
    kind = GroupKind.ASSOCIATION
    membership_rule = MembershipRule.ALL_MEMBERS


class CircleGroupFactory(GroupFactory):
    name = "Le cercle"
    slug = factory.Sequence(lambda n: f"cercle-{n}")
    kind = GroupKind.CIRCLE
    membership_rule = MembershipRule.CIRCLE


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(SupporterFactory)
    is_admin = False


class GroupAdminFactory(GroupMembershipFactory):
    is_admin = True


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Fil de discussion n°{n}")
    body = "Qu'en pensez-vous ?"
    author = factory.SubFactory(SupporterFactory)
    created_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyAttribute(lambda o: o.created_at)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(SupporterFactory)
    body = "Je suis d'accord avec cette idée."
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type[Comment], *args: Any, **kwargs: Any) -> Comment:
        comment: Comment = super()._create(model_class, *args, **kwargs)
        # A comment is activity: keep the thread's `last_activity_at` as the service does.
        Thread.objects.filter(pk=comment.thread_id, last_activity_at__lt=comment.created_at).update(
            last_activity_at=comment.created_at
        )
        return comment


class ThreadReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreadRead

    thread = factory.SubFactory(ThreadFactory)
    person = factory.SubFactory(SupporterFactory)
    last_read_at = factory.LazyFunction(timezone.now)
