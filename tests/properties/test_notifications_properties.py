"""Properties of e-mailing notifications.

Whatever the preferences, the sequence of notifications, digests, retries and mail
server failures: every notification is e-mailed at most once; never while its person's
preference for its kind is "never"; alone only when it is "immediately", in a digest only
of that digest's frequency; and a digest that worked leaves nothing of its frequency
pending.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core import services_notifications as services
from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.models import Notification, NotificationPreference
from cercle.core.notifications import DIGESTS, frequencies_of, notify, read_unsubscribe_token
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FAILING = "tests.unit.core.test_notifications.FailingBackend"
KINDS = [Kind.SELECTION, Kind.MISSION, Kind.TENDER]  # immediately, daily, daily by default
MARK = re.compile(r"N\d{4}#")

users_mask = st.lists(st.booleans(), min_size=3, max_size=3)
action = st.one_of(
    st.tuples(st.just("notify"), st.sampled_from(KINDS), users_mask),
    st.tuples(
        st.just("prefer"),
        st.integers(0, 2),
        st.sampled_from(KINDS),
        st.sampled_from(Frequency.values),
    ),
    st.tuples(st.just("digest"), st.sampled_from([Frequency.DAILY, Frequency.WEEKLY])),
    st.tuples(st.just("retry")),
    st.tuples(st.just("server"), st.booleans()),  # True: the mail server is down
)


@contextmanager
def rolled_back() -> Iterator[None]:
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
        mail.outbox.clear()


def current(user_ids: list[int]) -> dict[tuple[int, str], str]:
    return frequencies_of(user_ids, KINDS)


@HYPOTHESIS
@given(steps=st.lists(action, max_size=14))
def test_emailed_at_most_once_never_when_never_and_digests_complete(
    steps: list[tuple[Any, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    with rolled_back():
        people = [UserFactory() for _ in range(3)]
        ids = [p.pk for p in people]
        owner: dict[str, tuple[int, str]] = {}  # marker -> (user, kind)
        down = False
        seen = 0
        for step in steps:
            backend = FAILING if down else "django.core.mail.backends.locmem.EmailBackend"
            with override_settings(EMAIL_BACKEND=backend):
                if step[0] == "notify":
                    _, kind, mask = step
                    chosen = [p for p, keep in zip(people, mask, strict=True) if keep]
                    marker = f"N{len(owner):04d}#"
                    with django_capture_on_commit_callbacks(execute=True):
                        notify(users=chosen, kind=kind, subject=marker, template=TEMPLATE, url="/")
                    for person in chosen:
                        owner[f"{marker}{person.pk}"] = (person.pk, kind)
                elif step[0] == "prefer":
                    _, index, kind, frequency = step
                    NotificationPreference.objects.update_or_create(
                        user=people[index], kind=kind, defaults={"frequency": frequency}
                    )
                elif step[0] == "digest":
                    services.digests_send(frequency=step[1])
                elif step[0] == "retry":
                    services.failed_emails_retry()
                else:
                    down = step[1]
            prefs = current(ids)
            for message in mail.outbox[seen:]:
                (address,) = message.to
                user_id = next(p.pk for p in people if p.email == address)
                token = message.extra_headers["List-Unsubscribe"].strip("<>/").rsplit("/", 1)[1]
                is_digest = read_unsubscribe_token(token)[1] in DIGESTS
                for marker in MARK.findall(message.subject + message.body):
                    user, kind = owner[f"{marker}{user_id}"]
                    frequency = prefs[(user, kind)]
                    assert frequency != Frequency.NEVER
                    if is_digest:
                        assert frequency == step[1]
                    else:
                        assert frequency == Frequency.IMMEDIATELY
            seen = len(mail.outbox)
            if step[0] == "digest" and not down:
                pending = Notification.objects.filter(emailed_at__isnull=True, email_skipped=False)
                for notification in pending:
                    assert prefs[(notification.user_id, notification.kind)] != step[1]

        sent = Counter(
            (message.to[0], marker)
            for message in mail.outbox
            for marker in MARK.findall(message.subject + message.body)
        )
        assert all(count == 1 for count in sent.values())
        emailed = Notification.objects.filter(emailed_at__isnull=False).count()
        assert emailed == len(sent)


TEMPLATE = "missions/email/follow_up_closed.txt"
