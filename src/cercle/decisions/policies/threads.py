"""Who may do what in a thread.

- Starting a thread or commenting: whoever may post in its group (its members and the
  stewards); nobody comments in a closed thread.
- Closing and reopening: the thread's author, the group's administrators, the stewards.
- Editing or deleting a comment: its author only, while the comment is not deleted.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.decisions.models import Comment, Group, Thread
from cercle.decisions.policies.groups import (
    can_post_in_group,
    can_read_group,
    is_group_admin,
)
from cercle.membership.viewer import viewer_for


def can_read_thread(user: Any, thread: Thread) -> bool:
    return can_read_group(user, thread.group)


def can_start_thread(user: Any, group: Group) -> bool:
    return can_post_in_group(user, group)


def check_can_start_thread(user: Any, group: Group) -> None:
    if not can_start_thread(user, group):
        raise NotAllowed(_("Only the members of this group and the stewards can start a thread."))


def can_comment(user: Any, thread: Thread) -> bool:
    return thread.closed_at is None and can_post_in_group(user, thread.group)


def check_can_comment(user: Any, thread: Thread) -> None:
    if not can_post_in_group(user, thread.group):
        raise NotAllowed(_("Only the members of this group and the stewards can comment."))


def can_close_thread(user: Any, thread: Thread) -> bool:
    viewer = viewer_for(user)
    if viewer.person is None:
        return False
    if viewer.is_steward or thread.author_id == viewer.person.pk:
        return True
    return is_group_admin(viewer.person, thread.group)


def check_can_close_thread(user: Any, thread: Thread) -> None:
    if not can_close_thread(user, thread):
        raise NotAllowed(
            _(
                "Only the thread's author, the group's administrators and the stewards can "
                "close or reopen it."
            )
        )


def _is_author(user: Any, comment: Comment) -> bool:
    person = viewer_for(user).person
    return person is not None and comment.author_id == person.pk


def can_edit_comment(user: Any, comment: Comment) -> bool:
    return comment.deleted_at is None and _is_author(user, comment)


def check_can_edit_comment(user: Any, comment: Comment) -> None:
    if not _is_author(user, comment):
        raise NotAllowed(_("Only its author can change a comment."))


def can_delete_comment(user: Any, comment: Comment) -> bool:
    return comment.deleted_at is None and _is_author(user, comment)


def check_can_delete_comment(user: Any, comment: Comment) -> None:
    if not _is_author(user, comment):
        raise NotAllowed(_("Only its author can delete a comment."))
