"""notify(): in the app at once, by e-mail by preference; digests; failures; unsubscribing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from cercle.core import services_notifications as services
from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry, Notification, NotificationPreference
from cercle.core.notifications import (
    DEFAULT_FREQUENCY,
    notify,
    read_unsubscribe_token,
    summary_of,
    unsubscribe_token,
)
from tests.factories.core import UserFactory
from tests.helpers_commit import without_table_versions

pytestmark = pytest.mark.django_db

TEMPLATE = "missions/email/follow_up_closed.txt"


class FailingBackend(EmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP down")


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def tell(users: list[Any], kind: str | None, capture: Any, title: str = "La Fabrique") -> None:
    with capture(execute=True):
        notify(
            users=users,
            kind=kind,
            subject=gettext_lazy("Your mission is closed"),
            template=TEMPLATE,
            context={"title": title, "url": "/missions/x/"},
            url="/missions/x/",
        )


def prefer(user: Any, kind: str, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )


def test_defaults_cover_every_kind() -> None:
    assert set(DEFAULT_FREQUENCY) == set(Kind.values)
    assert DEFAULT_FREQUENCY[Kind.TEAM_INVITATION] == Frequency.IMMEDIATELY
    assert DEFAULT_FREQUENCY[Kind.NEW_REQUEST] == Frequency.DAILY
    assert Frequency.WEEKLY not in DEFAULT_FREQUENCY.values()


def test_in_app_for_each_active_user_in_their_language(
    django_capture_on_commit_callbacks: Any,
) -> None:
    french = UserFactory(language="fr")
    english = UserFactory(language="en")
    gone = UserFactory(is_active=False)
    tell([french, english, gone], Kind.MISSION, django_capture_on_commit_callbacks)
    by_user = {n.user_id: n for n in Notification.objects.all()}
    assert set(by_user) == {french.pk, english.pk}
    assert by_user[french.pk].title == fr("Your mission is closed")
    with translation.override("en"):
        assert by_user[english.pk].title == gettext("Your mission is closed")
    assert by_user[french.pk].url == "/missions/x/"
    assert "La Fabrique" in by_user[english.pk].body
    assert not by_user[english.pk].body.startswith("Hello")
    assert "/missions/x/" not in by_user[english.pk].body  # the link is the notification's
    assert mail.outbox == []  # mission news waits for the daily digest


def test_immediately_sends_once_with_footer_and_list_unsubscribe(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(language="fr")
    tell([user], Kind.SELECTION, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == fr("Your mission is closed")
    assert "La Fabrique" in message.body
    assert "/notifications/preferences/" in message.body
    assert "/notifications/desabonnement/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (user, Kind.SELECTION)
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    # The task again, or a sweep: nothing more leaves.
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert services.failed_emails_retry(now=timezone.now() + datetime.timedelta(hours=1)) == (
        0,
        0,
    )
    assert len(mail.outbox) == 1


def test_never_is_in_app_only(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    prefer(user, Kind.SELECTION, Frequency.NEVER)
    tell([user], Kind.SELECTION, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert notification.email_skipped
    assert notification.emailed_at is None
    assert services.digests_send(frequency=Frequency.DAILY).emails == 0
    assert mail.outbox == []


def test_legacy_call_without_kind_is_sent_at_once_without_unsubscribe(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    tell([user], None, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "/notifications/preferences/" in message.body
    assert Notification.objects.get().kind == ""


def test_nothing_leaves_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[user], kind=Kind.SELECTION, subject="x", template=TEMPLATE, url="/")
    assert len(without_table_versions(callbacks)) == 1  # only run if the caller commits
    assert mail.outbox == []


def test_daily_digest_groups_by_kind_and_is_idempotent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(language="en")
    quiet = UserFactory()
    weekly = UserFactory()
    prefer(weekly, Kind.MISSION, Frequency.WEEKLY)
    prefer(user, Kind.TENDER, Frequency.WEEKLY)
    tell([user, weekly], Kind.MISSION, django_capture_on_commit_callbacks, title="Alpha")
    tell([user], Kind.NEW_REQUEST, django_capture_on_commit_callbacks, title="Beta")
    tell([user], Kind.TENDER, django_capture_on_commit_callbacks, title="Gamma")
    assert quiet
    assert mail.outbox == []

    run = services.digests_send(frequency=Frequency.DAILY)
    assert (run.emails, run.notifications, run.failed) == (1, 2, 0)
    (digest,) = mail.outbox
    assert digest.to == [user.email]
    assert digest.subject == "Your daily digest from Cercle (2)"
    body = digest.body
    assert body.index("A new request reaches the circle") < body.index("Follow-up of missions")
    assert "Alpha" in body
    assert "Beta" in body
    assert "Gamma" not in body
    assert "/missions/x/" in body
    assert "Stop this digest" in body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert services.digests_send(frequency=Frequency.DAILY).emails == 0
    assert len(mail.outbox) == 1

    weekly_run = services.digests_send(frequency=Frequency.WEEKLY)
    assert (weekly_run.emails, weekly_run.notifications) == (2, 2)
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted([user.email, weekly.email])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_digest_follows_the_preference_at_sending_time(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    tell([user], Kind.MISSION, django_capture_on_commit_callbacks)
    prefer(user, Kind.MISSION, Frequency.WEEKLY)
    assert services.digests_send(frequency=Frequency.DAILY).emails == 0
    assert services.digests_send(frequency=Frequency.WEEKLY).emails == 1


def test_immediate_kind_moved_to_a_digest_before_the_worker_runs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        notify(users=[user], kind=Kind.SELECTION, subject="x", template=TEMPLATE, url="/")
    notification = Notification.objects.get()
    prefer(user, Kind.SELECTION, Frequency.DAILY)
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert services.digests_send(frequency=Frequency.DAILY).notifications == 1
    assert len(mail.outbox) == 1


def test_mail_server_down_fails_the_task_not_the_caller_and_the_sweep_resends(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    settings.EMAIL_BACKEND = "tests.unit.core.test_notifications.FailingBackend"
    tell([user], Kind.SELECTION, django_capture_on_commit_callbacks)  # does not raise
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert notification.email_failed_at is not None
    with pytest.raises(ConnectionRefusedError):
        services.notification_email_send(notification_id=notification.pk)
    assert services.failed_emails_retry() == (0, 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.failed_emails_retry() == (1, 0)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_failed_at is None
    assert services.failed_emails_retry() == (0, 0)
    assert len(mail.outbox) == 1


def test_sweep_sends_what_a_dead_worker_never_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the task was lost
        notify(users=[user], kind=Kind.SELECTION, subject="x", template=TEMPLATE, url="/")
    assert services.failed_emails_retry() == (0, 0)  # too early: the worker may be busy
    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.failed_emails_retry(now=later) == (1, 0)
    assert len(mail.outbox) == 1


def test_failed_digest_stays_pending_for_the_next(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    tell([user], Kind.MISSION, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "tests.unit.core.test_notifications.FailingBackend"
    run = services.digests_send(frequency=Frequency.DAILY)
    assert (run.emails, run.failed) == (0, 1)
    assert Notification.objects.get().emailed_at is None
    with pytest.raises(CommandError):
        call_command("send_digests", "--frequency", "daily")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_digests", "--frequency", "daily")
    assert len(mail.outbox) == 1
    call_command("send_digests", "--frequency", "daily", "--retry-failed")
    assert len(mail.outbox) == 1


def test_command_needs_a_frequency_or_retry() -> None:
    with pytest.raises(CommandError):
        call_command("send_digests")


def test_digests_refuse_an_unknown_frequency() -> None:
    with pytest.raises(ValidationError):
        services.digests_send(frequency="hourly")


def test_preferences_set_validates_and_journals(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.notification_preferences_set(
            actor=user, frequencies={"mission": "hourly", "nope": "daily"}
        )
    assert set(error.value.message_dict) == {"mission", "nope"}
    with pytest.raises(ValidationError):
        services.notification_preferences_set(actor=user, frequencies={})
    assert not NotificationPreference.objects.exists()

    tell([user], Kind.MISSION, django_capture_on_commit_callbacks)
    changed = services.notification_preferences_set(
        actor=user, frequencies={"mission": "never", "tender": "daily"}
    )
    assert changed == {"mission": "never"}  # tender was already daily
    assert Notification.objects.get().email_skipped  # given up, never sent later
    entry = JournalEntry.objects.get(verb="notification_preferences.changed")
    assert entry.visibility == "private"
    assert entry.subject == user
    services.notification_preferences_set(actor=user, frequencies={"mission": "daily"})
    assert services.digests_send(frequency=Frequency.DAILY).emails == 0


def test_unsubscribe_token_refusals() -> None:
    user = UserFactory()
    token = unsubscribe_token(user, Kind.TENDER)
    for bad in ["", "nonsense", token[:-2] + "xx", token.replace(":", "", 1)]:
        with pytest.raises(NotAllowed):
            read_unsubscribe_token(bad)
    user.is_active = False
    user.save()
    with pytest.raises(NotAllowed):
        read_unsubscribe_token(token)


def test_unsubscribe_one_kind_and_a_whole_digest() -> None:
    user = UserFactory()
    assert services.unsubscribe(token=unsubscribe_token(user, Kind.TENDER)) == [Kind.TENDER]
    assert NotificationPreference.objects.get(user=user, kind=Kind.TENDER).frequency == "never"
    kinds = services.unsubscribe(token=unsubscribe_token(user, Frequency.DAILY))
    assert set(kinds) == {k for k, f in DEFAULT_FREQUENCY.items() if f == "daily"} - {Kind.TENDER}
    assert JournalEntry.objects.filter(verb="notification_preferences.unsubscribed").count() == 2


def test_read_marks() -> None:
    user, other = UserFactory(), UserFactory()
    mine = Notification.objects.create(user=user, kind=Kind.MISSION, title="a")
    Notification.objects.create(user=user, kind=Kind.MISSION, title="b")
    with pytest.raises(NotAllowed):
        services.notification_mark_read(actor=other, notification=mine)
    services.notification_mark_read(actor=user, notification=mine)
    first = Notification.objects.get(pk=mine.pk).read_at
    services.notification_mark_read(actor=user, notification=mine)
    assert Notification.objects.get(pk=mine.pk).read_at == first
    assert services.notification_mark_all_read(actor=user) == 1
    assert services.notification_mark_all_read(actor=user) == 0


def test_summary_of_keeps_the_heart_of_the_mail() -> None:
    text = "Hello,\n\nThe mission is closed.\nThanks.\n\nhttp://x/y\n\n— Cercle\n"
    assert summary_of(text) == "The mission is closed.\nThanks."
    assert len(summary_of("Hi,\n\n" + "word " * 300)) <= 500
