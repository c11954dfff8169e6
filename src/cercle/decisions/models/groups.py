"""Groups, their threads and comments (what the network used Framavox for)."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.network.models import Person


class Group(models.Model):
    """The association, the circle, a working group or the board."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True)
    membership_rule = models.CharField(
        _("who belongs"),
        max_length=12,
        choices=MembershipRule.choices,
        default=MembershipRule.LISTED,
    )
    visibility = models.CharField(
        _("who can read"),
        max_length=8,
        choices=GroupVisibility.choices,
        default=GroupVisibility.MEMBERS,
    )
    # Set by the Loomio import: the group's key at Framavox, for idempotence.
    loomio_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="group_loomio_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("decisions:group_detail", kwargs={"slug": self.slug})


class GroupMembership(models.Model):
    """A listed member of a group; admins manage its members and threads."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships")
    is_admin = models.BooleanField(_("administrator"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "person__last_name"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="group_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.group}"


class Thread(models.Model):
    """A discussion in a group. `body` is Markdown, rendered sanitised."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    created_at = models.DateTimeField(_("started on"))
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="thread_loomio_key_once"
            )
        ]
        indexes = [models.Index(fields=["group", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:thread_detail", kwargs={"uuid": self.uuid})


class Comment(models.Model):
    """A comment in a thread, possibly a reply to another. Markdown, rendered sanitised."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written on"))
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="comment_loomio_key_once"
            )
        ]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Mention(models.Model):
    """A person named with @ in a thread's text or a comment."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "comment", "person"], name="mention_once")
        ]

    def __str__(self) -> str:
        return f"@{self.person}"


class ThreadRead(models.Model):
    """Up to when a person has read a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="thread_reads")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "person"], name="thread_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} read {self.thread} at {self.last_read_at}"
