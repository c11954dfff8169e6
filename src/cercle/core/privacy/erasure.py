"""Erasure: a person's identity is replaced by a pseudonym everywhere it was written.

Kept: ledger lines and balances, missions, teams, awards, votes and their counts, the
journal chain (entries that named the person are redacted, see `journal.redact`).
Removed: login (disabled), e-mail addresses, tokens, sessions, notifications, calendar
feed, consultant references. Accounting labels are kept as written: posted entries are
immutable by law and by the database (legal hold, docs/privacy.md).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import ApiToken, JournalEntry, Notification, NotificationPreference, User

ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: never delivers
# Posted accounting records are never rewritten (legal hold; database triggers refuse it).
LEGAL_HOLD_COLUMNS = frozenset(
    {("reciprocity.ledgertransaction", "label"), ("reciprocity.ledgerline", "label")}
)
# Tables erasure handles by hand (journal: redaction; sessions: deleted).
_NOT_SCRUBBED = {"core.journalentry", "sessions.session"}


@dataclass(frozen=True)
class Identity:
    """What names a person in stored text, and what replaces each form."""

    replacements: dict[str, str]

    @property
    def needles(self) -> list[str]:
        return sorted(self.replacements, key=len, reverse=True)

    def sql_needles(self) -> list[str]:
        # JSON may be stored with non-ASCII escaped (SQLite): look for both spellings.
        forms = set(self.needles)
        forms |= {json.dumps(n)[1:-1] for n in self.needles}
        return sorted(forms)

    def scrub_text(self, text: str) -> str:
        if not text:
            return text
        pattern = "|".join(re.escape(n) for n in self.needles)
        return re.sub(
            pattern,
            lambda m: self._replacement(m.group(0)),
            text,
            flags=re.IGNORECASE,
        )

    def _replacement(self, found: str) -> str:
        for needle, replacement in self.replacements.items():
            if needle.lower() == found.lower():
                return replacement
        return found

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        return value


def _identity(user: User, person: Any, pseudonym: str, slug: str, email: str) -> Identity:
    replacements: dict[str, str] = {}
    names = [(user.first_name, user.last_name)]
    if person is not None:
        names.append((person.first_name, person.last_name))
        if person.slug:
            replacements[person.slug] = slug
    for first, last in names:
        for form in (f"{first} {last}", f"{last} {first}"):
            if form.strip() and first.strip() and last.strip():
                replacements[form.strip()] = pseudonym
    replacements[user.email] = email
    return Identity({k: v for k, v in replacements.items() if len(k) >= 3})


def _new_pseudonym() -> tuple[str, str, str]:
    from cercle.network.models import Person

    with translation.override(settings.LANGUAGE_CODE):
        label = _("Erased person")
    for length in (4, 4, 4, 8, 16):
        code = secrets.token_hex(length // 2).upper()
        slug = slugify(f"{label} {code}")
        if not Person.objects.filter(slug=slug).exists():
            return label, code, slug
    raise Conflict()  # pragma: no cover - 2**64 codes


def _active_duties(person: Any) -> bool:
    """Leading or working on a mission that is not delivered yet: erase after it."""
    from cercle.missions.enums import MemberStatus, MissionStatus
    from cercle.missions.models import Mission

    open_statuses = [MissionStatus.AWARDED, MissionStatus.STARTED]
    return (
        Mission.objects.filter(status__in=open_statuses)
        .filter(
            Q(lead=person)
            | Q(team__members__person=person, team__members__status=MemberStatus.ACCEPTED)
        )
        .exists()
    )


def can_erase(*, actor: User | None, user: User) -> None:
    """The person themselves, or staff; None is the operator at the command line."""
    if actor is None or actor.pk == user.pk or actor.is_staff:
        return
    raise NotAllowed(_("Only the person concerned or the platform's staff can erase an account."))


def _text_columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and not field.primary_key
    ]


def scrub_everywhere(identity: Identity) -> int:
    """Replace the person's name, e-mail and slug in every text column of every table.

    A bounded number of queries per column (one search, then one update a matching row).
    """
    changed = 0
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _NOT_SCRUBBED or model._meta.proxy or not model._meta.managed:
            continue
        for field in _text_columns(model):
            if (label, field.name) in LEGAL_HOLD_COLUMNS:
                continue
            match = Q()
            for needle in identity.sql_needles():
                match |= Q(**{f"{field.attname}__icontains": needle})
            rows = model._default_manager.filter(match).values_list("pk", field.attname)
            for pk, value in rows.iterator(chunk_size=500):
                new_value = identity.scrub(value)
                if new_value != value:
                    model._default_manager.filter(pk=pk).update(**{field.attname: new_value})
                    changed += 1
    return changed


def _delete_sessions(user: User) -> None:
    key = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    doomed = [
        session.session_key
        for session in live.iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == key
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def person_erase(*, actor: User | None, user: User, password: str = "") -> JournalEntry:
    """Pseudonymise a person now; returns the `person.erased` journal entry.

    The person confirms with their password; staff (or the operator, actor None) do not.
    """
    from allauth.account.models import EmailAddress

    from cercle.events.models import CalendarFeed
    from cercle.network.models import ConsultantProfile, ConsultantReference, Person

    can_erase(actor=actor, user=user)
    if actor is not None and actor.pk == user.pk and not user.check_password(password or ""):
        raise ValidationError({"password": [_("This is not your password.")]})
    if user.email.endswith("@" + ERASED_EMAIL_DOMAIN):
        raise Conflict(_("This account has already been erased."))
    if user.is_superuser:
        raise Conflict(_("An administrator account is erased after its rights are removed."))
    person = Person.objects.filter(user=user).first()
    if person is not None and _active_duties(person):
        raise Conflict(
            _("You work on a mission in progress: erasure is possible once it is delivered.")
        )
    with transaction.atomic():
        label, code, slug = _new_pseudonym()
        pseudonym = f"{label} {code}"
        email = f"erased-{uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
        identity = _identity(user, person, pseudonym, slug, email)
        if person is not None:
            Person.objects.filter(pk=person.pk).update(
                first_name=label, last_name=code, slug=slug, bio=""
            )
            ConsultantProfile.objects.filter(person=person).update(headline="")
            ConsultantReference.objects.filter(profile__person=person).delete()
            CalendarFeed.objects.filter(person=person).delete()
        user.first_name, user.last_name, user.email = "", "", email
        user.is_active = user.is_staff = False
        user.set_unusable_password()
        user.save(
            update_fields=["first_name", "last_name", "email", "is_active", "is_staff", "password"]
        )
        EmailAddress.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        Notification.objects.filter(user=user).delete()
        NotificationPreference.objects.filter(user=user).delete()
        _delete_sessions(user)
        scrubbed = scrub_everywhere(identity)
        entries = _entries_naming(identity)
        if person is not None:
            person.refresh_from_db()
        return journal.redact(
            actor=actor,
            entries=entries,
            rewrite=lambda text, payload: (identity.scrub_text(text), identity.scrub(payload)),
            obj=person,
            object_type="" if person is not None else "core.user",
            object_id="" if person is not None else str(user.pk),
            payload={"pseudonym": pseudonym, "rows_rewritten": scrubbed},
            subject=user,
        )


def _entries_naming(identity: Identity) -> list[JournalEntry]:
    match = Q()
    for needle in identity.sql_needles():
        match |= Q(object_label__icontains=needle) | Q(payload__icontains=needle)
    return list(JournalEntry.objects.filter(match).exclude(verb=journal.ERASURE_VERB))
