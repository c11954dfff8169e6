"""Tell people what concerns them: in the app at once, and by e-mail as they prefer.

`notify(...)` is the one way every service tells its users something. Inside the
caller's transaction it writes one `Notification` per active user (title and a short
text in their language), so the in-app list is exact; after commit, by each person's
preference for the kind, the e-mail leaves at once (`send_notification` task), waits for
the daily or weekly digest (`send_digests`), or never leaves. An e-mail leaves at most
once: whoever sends it first claims it by setting `emailed_at` (see
`services_notifications`).

`notify_address(...)` e-mails someone without an account (a client), through the
outbox: the e-mail is a row written with the service's writes, sent after commit, and
retried while the mail server is down.
"""

from __future__ import annotations

import binascii
import json
import zlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.errors import NotAllowed
from cercle.core.models import Notification, NotificationPreference, User
from cercle.core.notifications_outbox import outbox_add
from cercle.core.signed_links import make_token, read_token

# How often each kind is e-mailed unless the person chose otherwise. What asks someone
# to act soon leaves at once; news of the network waits for the daily digest.
DEFAULT_FREQUENCY: dict[str, str] = {
    Kind.TEAM_INVITATION: Frequency.IMMEDIATELY,
    Kind.SELECTION: Frequency.IMMEDIATELY,
    Kind.ADHESION: Frequency.IMMEDIATELY,
    Kind.CHARTER_RESIGN: Frequency.IMMEDIATELY,
    Kind.DECLARATION_DUE: Frequency.IMMEDIATELY,
    Kind.PAYMENT_RECEIVED: Frequency.IMMEDIATELY,
    Kind.VOTE_CLOSING: Frequency.IMMEDIATELY,
    Kind.SUPPORT_LETTER: Frequency.IMMEDIATELY,
    # A change or cancellation the day before must not wait for tomorrow's digest.
    Kind.EVENT: Frequency.IMMEDIATELY,
    Kind.NEW_REQUEST: Frequency.DAILY,
    Kind.DISCUSSION: Frequency.DAILY,
    Kind.VOTE_OPENED: Frequency.DAILY,
    Kind.OUTCOME: Frequency.DAILY,
    Kind.TENDER: Frequency.DAILY,
    Kind.MISSION: Frequency.DAILY,
}
DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)

UNSUBSCRIBE_PURPOSE = "unsubscribe"
UNSUBSCRIBE_DAYS = 365
BODY_LENGTH = 500


def default_frequency(kind: str) -> str:
    """The frequency of a kind for someone who never chose; legacy (no kind): at once."""
    return DEFAULT_FREQUENCY.get(kind, Frequency.IMMEDIATELY)


def frequencies_of(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """The effective frequency of each (user, kind), in one query."""
    user_ids, kinds = list(user_ids), list(kinds)
    chosen = {
        (user_id, kind): frequency
        for user_id, kind, frequency in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind__in=kinds
        ).values_list("user_id", "kind", "frequency")
    }
    return {
        (user_id, kind): chosen.get((user_id, kind), default_frequency(kind))
        for user_id in user_ids
        for kind in kinds
    }


def notify(
    *,
    users: Iterable[User],
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    kind: str | None = None,
    url: str = "",
) -> None:
    """Tell each active user, in the app now and by e-mail as they prefer, after commit.

    `subject` may be a lazy translation; it is rendered in each recipient's language.
    `context` must be JSON-serialisable (it is kept to render the e-mail later).
    `kind` (a `NotificationKind`) picks the person's preference; `url` is the page it is
    about (a path), linked from the app.
    """
    recipients = {u.pk: u for u in users if u.is_active}
    if not recipients:
        return
    kind = str(kind or "")
    context = dict(context or {})
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    for user in recipients.values():
        language = user.language or settings.LANGUAGE_CODE
        if language not in rendered:
            rendered[language] = _render_summary(subject, template, context, language)
        title, body = rendered[language]
        rows.append(
            Notification(
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                template=template,
                context=context,
            )
        )
    created = Notification.objects.bulk_create(rows)
    frequencies = frequencies_of(recipients, [kind])
    at_once: list[int] = []
    skipped: list[int] = []
    for notification in created:
        frequency = frequencies[(notification.user_id, kind)]
        if not recipients[notification.user_id].email:
            skipped.append(notification.pk)
        elif frequency == Frequency.IMMEDIATELY:
            at_once.append(notification.pk)
        elif frequency == Frequency.NEVER:
            skipped.append(notification.pk)
    if skipped:
        Notification.objects.filter(pk__in=skipped).update(email_skipped=True)
    if at_once:
        transaction.on_commit(lambda: _enqueue_each(at_once))


def _enqueue_each(notification_ids: list[int]) -> None:
    from cercle.core.tasks import send_notification

    for notification_id in notification_ids:
        send_notification.enqueue(notification_id=notification_id)


def _render_summary(
    subject: Any, template: str, context: dict[str, Any], language: str
) -> tuple[str, str]:
    """The title and the short in-app text, in one language."""
    with translation.override(language):
        title = str(subject)[:300]
        text = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    return title, summary_of(text)


def summary_of(text: str) -> str:
    """The heart of an e-mail for the app: without the greeting, links and signature."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if paragraphs and "\n" not in paragraphs[0] and paragraphs[0].endswith(","):
        paragraphs = paragraphs[1:]  # "Hello,"
    kept = [
        p
        for p in paragraphs
        if not p.startswith(("http://", "https://", "—", settings.SITE_URL or "\0"))
    ]
    body = "\n\n".join(kept)
    if len(body) > BODY_LENGTH:
        body = body[: BODY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return body


def notify_address(
    *,
    to: str,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "fr",
) -> None:
    """E-mail an address, for people without an account (a client): they have no
    language of their own, so French, the default, unless given. Written to the outbox
    in the caller's transaction and sent after commit; if the mail server is down it
    waits and is retried (`cercle.core.notifications_outbox`)."""
    outbox_add(to=to, subject=subject, template=template, context=context, language=language)


# --- Unsubscribing with one click (RFC 8058) ---------------------------------------


def unsubscribe_token(user: User, what: str) -> str:
    """A link's token to stop e-mail of one kind, or of a whole digest ("daily",
    "weekly"), for this user. No login is needed: the signature is the proof."""
    return make_token(UNSUBSCRIBE_PURPOSE, f"{user.pk}:{what}")


def unsubscribe_url(user: User, what: str) -> str:
    token = unsubscribe_token(user, what)
    return settings.SITE_URL + reverse("core:unsubscribe", kwargs={"token": token})


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The active user and the kind (or digest) a valid token is about; `NotAllowed`
    for an edited, foreign or expired token."""
    claimed = _claimed_subject(token)
    read_token(token, UNSUBSCRIBE_PURPOSE, claimed, max_age_days=UNSUBSCRIBE_DAYS)
    user_id, _sep, what = claimed.partition(":")
    valid = set(Kind.values) | set(DIGESTS)
    user = (
        User.objects.filter(pk=int(user_id), is_active=True).first() if user_id.isdigit() else None
    )
    if user is None or what not in valid:
        raise NotAllowed(_("This link is not valid."))
    return user, what


def _claimed_subject(token: str) -> str:
    """The subject a token says it is about, before `read_token` checks its signature
    (the link carries no identifier of its own: no sequential id in the address)."""
    try:
        value = str(token).rsplit(":", 2)[0]
        compressed = value.startswith(".")
        data = signing.b64_decode(value.removeprefix(".").encode())
        if compressed:
            data = zlib.decompress(data)
        payload = json.loads(data)
        return str(payload["s"])
    except (ValueError, TypeError, KeyError, zlib.error, binascii.Error) as error:
        raise NotAllowed(_("This link is not valid.")) from error


# --- Building e-mails ----------------------------------------------------------------


def footer(what: str, unsubscribe: str) -> str:
    """The end of every e-mail to a user: their preferences and a one-click unsubscribe."""
    return render_to_string(
        "core/email/_footer.txt",
        {
            "preferences_url": settings.SITE_URL + reverse("core:notification_preferences"),
            "unsubscribe_url": unsubscribe,
            "digest": what in DIGESTS,
            "kind_label": Kind(what).label if what in Kind.values else "",
        },
    )


def user_message(*, user: User, subject: str, body: str, what: str) -> EmailMessage:
    """An e-mail to a user with the footer and the List-Unsubscribe headers (RFC 8058)
    for a kind or a digest (`what`). Call it inside `translation.override(user.language)`."""
    link = unsubscribe_url(user, what) if what else ""
    headers = {}
    if link:
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    text = body.rstrip() + "\n\n" + footer(what, link)
    return EmailMessage(subject=subject, body=text, to=[user.email], headers=headers)
