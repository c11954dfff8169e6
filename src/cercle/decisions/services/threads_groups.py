"""Every write on decision groups: creating and changing them (stewards), listing their
members and administrators (stewards and the group's administrators)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.decisions.models import Group, GroupMembership
from cercle.decisions.policies.groups import (
    check_can_create_group,
    check_can_edit_group,
    check_can_manage_group_members,
)
from cercle.decisions.services.threads import journal_visibility
from cercle.network.models import Person
from cercle.network.services.common import unique_slug

# Words the group pages use next to a slug.
RESERVED_SLUGS = ("nouveau",)


def _fill(
    group: Group,
    *,
    name: str,
    kind: str,
    membership_rule: str,
    visibility: str,
    description: str,
) -> None:
    group.name = (name or "").strip()
    group.kind = kind
    group.membership_rule = membership_rule
    group.visibility = visibility
    group.description = (description or "").strip()


def group_create(
    *,
    actor: User,
    name: str,
    kind: str,
    membership_rule: str,
    visibility: str,
    description: str = "",
) -> Group:
    check_can_create_group(actor)
    group = Group()
    _fill(
        group,
        name=name,
        kind=kind,
        membership_rule=membership_rule,
        visibility=visibility,
        description=description,
    )
    group.slug = unique_slug(Group, group.name or "groupe", reserved=RESERVED_SLUGS)
    group.full_clean()
    with transaction.atomic():
        group.save()
        journal.record(
            actor=actor,
            verb="group.created",
            obj=group,
            payload={
                "kind": group.kind,
                "membership_rule": group.membership_rule,
                "visibility": group.visibility,
            },
            visibility=journal_visibility(group),
        )
    return group


def group_update(
    *,
    actor: User,
    group: Group,
    name: str,
    kind: str,
    membership_rule: str,
    visibility: str,
    description: str = "",
) -> Group:
    """Change a group's name, kind, rule, visibility or description (its slug stays, so
    its address does not break)."""
    check_can_edit_group(actor, group)
    before = {"membership_rule": group.membership_rule, "visibility": group.visibility}
    _fill(
        group,
        name=name,
        kind=kind,
        membership_rule=membership_rule,
        visibility=visibility,
        description=description,
    )
    try:
        group.full_clean()
    except ValidationError:
        group.refresh_from_db()
        raise
    with transaction.atomic():
        group.save()
        journal.record(
            actor=actor,
            verb="group.changed",
            obj=group,
            payload={
                "before": before,
                "membership_rule": group.membership_rule,
                "visibility": group.visibility,
            },
            # The narrower of before and after: a group made private keeps its past quiet.
            visibility=journal_visibility(group),
        )
    return group


def group_member_add(
    *, actor: User, group: Group, person: Person, is_admin: bool = False
) -> GroupMembership:
    """List `person` in `group` (as an administrator if `is_admin`); they are told."""
    check_can_manage_group_members(actor, group)
    with transaction.atomic():
        if GroupMembership.objects.filter(group=group, person=person).exists():
            raise ValidationError({"person": [_("This person is listed in the group already.")]})
        membership = GroupMembership(group=group, person=person, is_admin=is_admin)
        membership.full_clean(validate_constraints=False)
        membership.save()
        journal.record(
            actor=actor,
            verb="group.member_added",
            obj=group,
            payload={"person": person.slug, "is_admin": is_admin},
            visibility=journal_visibility(group),
            subject=person.user,
        )
        notify(
            users=[person.user],
            kind=NotificationKind.DISCUSSION,
            subject=gettext_lazy("You were added to a group"),
            template="decisions/email/threads_group_added.txt",
            context={"group": group.name, "url": group.get_absolute_url()},
            url=group.get_absolute_url(),
        )
    return membership


def _membership(group: Group, person: Person) -> GroupMembership:
    membership = GroupMembership.objects.filter(group=group, person=person).first()
    if membership is None:
        raise ValidationError({"person": [_("This person is not listed in the group.")]})
    return membership


def group_member_update(
    *, actor: User, group: Group, person: Person, is_admin: bool
) -> GroupMembership:
    """Make a listed member an administrator, or a plain member again."""
    check_can_manage_group_members(actor, group)
    with transaction.atomic():
        membership = _membership(group, person)
        if membership.is_admin == is_admin:
            raise Conflict(
                _("This person is an administrator already.")
                if is_admin
                else _("This person is not an administrator.")
            )
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
        journal.record(
            actor=actor,
            verb="group.admin_granted" if is_admin else "group.admin_revoked",
            obj=group,
            payload={"person": person.slug},
            visibility=journal_visibility(group),
            subject=person.user,
        )
    return membership


def group_member_remove(*, actor: User, group: Group, person: Person) -> None:
    """Take `person` off the group's list (a rule may still count them in)."""
    check_can_manage_group_members(actor, group)
    with transaction.atomic():
        membership = _membership(group, person)
        membership.delete()
        journal.record(
            actor=actor,
            verb="group.member_removed",
            obj=group,
            payload={"person": person.slug},
            visibility=journal_visibility(group),
            subject=person.user,
        )
