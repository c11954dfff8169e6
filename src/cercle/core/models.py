"""Logins, personal API tokens and the journal."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.core.enums import NotificationFrequency, NotificationKind, Visibility


class CercleUserManager(UserManager["User"]):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user_with_email(
        self, email: str, password: str | None, **extra_fields: Any
    ) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_with_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user_with_email(email, password, **extra_fields)


class User(AbstractUser):
    """A login. The person behind it (name, organizations, level) is `network.Person`."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = CercleUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the secret is shown once."""

    PREFIX = "crcl_"

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class JournalEntry(models.Model):
    """One append-only, hash-chained record of something a service did.

    `seq` is the position in the chain; `hash` covers every field and the previous
    hash, so an edited, deleted or re-ordered row breaks the chain (see
    `cercle.core.journal.verify`). The content that may name a person (`object_label`,
    `payload`) is covered through `content_digest`, so erasing a person can rewrite it
    (`redacted`) without breaking the chain (decision 0015).
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries_about",
        help_text="The person a private entry concerns; they may read it.",
    )
    verb = models.CharField(_("verb"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(_("time"), editable=False)
    # sha256 of (digest_salt, object_label, payload) as recorded; chained instead of them.
    content_digest = models.CharField(max_length=64, editable=False, default="")
    # Random per entry and emptied on erasure, so the digest cannot be matched against
    # guessed names afterwards.
    digest_salt = models.CharField(max_length=32, editable=False, default="", blank=True)
    # Set only by `journal.redact`, listed by the later `person.erased` entry.
    redacted = models.BooleanField(_("redacted"), default=False, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Members and the public read the journal filtered on visibility, newest first.
            models.Index(fields=["visibility", "-seq"], name="core_journal_visible_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Journal entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Journal entries are append-only.")


class JournalHead(models.Model):
    """The single row that points at the newest journal entry.

    Appends lock it, so two writers cannot both chain onto the same previous hash, and
    `verify` compares it with the last row, so removing the newest entries shows too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="journal_head_single")]

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Notification(models.Model):
    """Something a person should know, shown in the app and e-mailed according to
    their preference for its kind (immediately, in a digest, or never)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Blank only for legacy callers that gave no kind (e-mailed immediately).
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices, blank=True)
    # Rendered in the recipient's language when created.
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The e-mail's text template and its (JSON) context, to render it when it leaves.
    template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it left by e-mail (alone or in a digest); null while it waits for a digest.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(default=False)
    # The last failed attempt to e-mail it (the mail server refused); a sweep retries.
    email_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at", "email_skipped"]),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How often a person wants e-mail about one kind (the default is in
    `cercle.core.notifications.DEFAULT_FREQUENCY`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=NotificationFrequency.choices
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.frequency}"


class OutboxEmail(models.Model):
    """An e-mail to an address without an account (a client), written in the same
    transaction as what caused it, so it is never lost: the `send_outbox_email` task
    sends it after commit, and when the mail server refuses, `send_digests
    --retry-failed` tries again later (see `cercle.core.notifications_outbox`)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=10, default="fr")
    # Rendered in `language` when written: what leaves is what the service meant.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # What caused it: the e-mail's template (the service that wrote it names it).
    template = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this moment: set when written, pushed back by each attempt (a lease
    # while sending, the backoff after a failure).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class TableVersion(models.Model):
    """How many committed transactions have written to a table: the page cache's honest
    invalidation (`cercle.core.pagecache`). Bumped after each commit, never read by
    people. The row named `*` is the epoch: bumped by migrations and restores, on which
    every cached page depends."""

    name = models.CharField(primary_key=True, max_length=100)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("table version")
        verbose_name_plural = _("table versions")

    def __str__(self) -> str:
        return f"{self.name}: {self.version}"
