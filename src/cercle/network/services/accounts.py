"""Accounts created by the platform's operator (demo network, first steward)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.enums import EngagementLevel
from cercle.network.models import Person
from cercle.network.services.people import person_register


def account_create_verified(
    *, email: str, password: str, first_name: str, last_name: str, language: str = "fr"
) -> Person:
    """Create a login whose e-mail address is already verified, and its Person.

    For the operator's tools only (demo network, first steward); people signing up
    themselves go through allauth and confirm their address.
    """
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account already uses this e-mail address.")]})
    with transaction.atomic():
        user = User(email=email, language=language)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return person_register(user=user, first_name=first_name, last_name=last_name)


def person_appoint_steward_by_operator(*, person: Person) -> Person:
    """The operator (not a person of the network) appoints a steward.

    Needed once, for the first steward; afterwards stewards appoint each other through
    `person_set_engagement_level`. Recorded in the journal with no actor.
    """
    previous = person.engagement_level
    if previous == EngagementLevel.SOUCIEUX:
        return person
    with transaction.atomic():
        person.engagement_level = EngagementLevel.SOUCIEUX
        person.member_since = person.member_since or timezone.now()
        person.save(update_fields=["engagement_level", "member_since"])
        journal.record(
            actor=None,
            verb="person.level_changed",
            obj=person,
            payload={"from": previous, "to": EngagementLevel.SOUCIEUX, "by": "operator"},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
    return person
