"""Every write on the charter: publishing versions, signing, the default text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.membership.models import CharterEngagement, CharterSignature, CharterVersion
from cercle.membership.policies.charter import (
    check_can_publish_charter,
    check_can_sign_charter,
)
from cercle.network.services import person_of

_person = person_of


def _clean_engagements(engagements: Sequence[Mapping[str, Any]]) -> list[CharterEngagement]:
    """Build (unsaved) engagements, every problem reported under `engagements`."""
    rows = [e for e in engagements if any(str(e.get(k) or "").strip() for k in e)]
    if not rows:
        raise ValidationError({"engagements": [_("A charter needs at least one engagement.")]})
    built: list[CharterEngagement] = []
    errors: list[str] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        engagement = CharterEngagement(
            code=str(row.get("code") or "").strip(),
            position=position,
            title=str(row.get("title") or "").strip(),
            text=str(row.get("text") or "").strip(),
        )
        try:
            engagement.full_clean(exclude=["version"], validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = getattr(CharterEngagement._meta.get_field(field), "verbose_name", field)
                errors += [
                    _("Engagement %(n)s, %(field)s: %(message)s")
                    % {"n": position, "field": label, "message": m}
                    for m in messages
                ]
        if engagement.code and engagement.code in seen:
            errors.append(
                _("Engagement %(n)s: the code “%(code)s” is used twice.")
                % {"n": position, "code": engagement.code}
            )
        seen.add(engagement.code)
        built.append(engagement)
    if errors:
        raise ValidationError({"engagements": errors})
    return built


def charter_version_publish(
    *,
    actor: User,
    title: str,
    closing: str,
    engagements: Sequence[Mapping[str, Any]],
    preamble: str = "",
) -> CharterVersion:
    """Publish a new version; it becomes current, and earlier signatories must re-sign.

    `engagements` are mappings with `code` (a slug that identifies the engagement across
    versions, so that yearly follow-up carries over), `title` and `text`.
    """
    check_can_publish_charter(actor)
    person = _person(actor)
    rows = _clean_engagements(engagements)
    with transaction.atomic():
        last = CharterVersion.objects.aggregate(n=Max("number"))["n"] or 0
        version = CharterVersion(
            number=last + 1,
            title=(title or "").strip(),
            preamble=(preamble or "").strip(),
            closing=(closing or "").strip(),
            published_at=timezone.now(),
            published_by=person,
        )
        # The number is the database's to settle (below), not a field error.
        version.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError as error:
            # Two stewards publishing at once took the same number: the unique number
            # lets one in; the other is told to read the new version first.
            raise Conflict(
                _(
                    "Another version of the charter was published at the same moment: "
                    "read it, then publish yours again if it is still needed."
                )
            ) from error
        for row in rows:
            row.version = version
        CharterEngagement.objects.bulk_create(rows)
        journal.record(
            actor=actor,
            verb="charter.published",
            obj=version,
            payload={"number": version.number, "engagements": [r.code for r in rows]},
            visibility=Visibility.PUBLIC,
        )
        earlier = User.objects.filter(
            person__charter_signatures__version__number__lt=version.number
        ).distinct()
        notify(
            kind=NotificationKind.CHARTER_RESIGN,
            url=reverse("membership:charter"),
            users=list(earlier),
            subject=gettext_lazy("A new version of the cooperation charter awaits your signature"),
            template="membership/email/charter_new_version.txt",
            context={
                "number": version.number,
                "title": version.title,
                "url": reverse("membership:charter"),
            },
        )
    return version


def charter_sign(
    *,
    actor: User,
    version_number: int | None,
    consents_to_listing: bool,
    mandates_follow_up: bool,
) -> CharterSignature:
    """Sign the current version. The number guards against a page loaded before a newer
    version was published: one signs only the text one has read."""
    from cercle.membership.services.circle import engagement_checks_ensure

    check_can_sign_charter(actor)
    person = _person(actor)
    current = CharterVersion.objects.order_by("-number").first()
    if current is None:
        raise ValidationError({"version": [_("No charter has been published yet.")]})
    if version_number != current.number:
        raise ValidationError(
            {
                "version": [
                    _(
                        "Version %(signed)s is no longer the current charter: read version "
                        "%(current)s, then sign it."
                    )
                    % {"signed": version_number, "current": current.number}
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    if not consents_to_listing:
        errors["consents_to_listing"] = [
            _("To sign, accept that your membership of the circle is shown publicly.")
        ]
    if not mandates_follow_up:
        errors["mandates_follow_up"] = [
            _("To sign, accept that stewards follow how you honour the engagements.")
        ]
    if errors:
        raise ValidationError(errors)
    already = ValidationError({"version": [_("You have already signed this version.")]})
    if CharterSignature.objects.filter(person=person, version=current).exists():
        raise already
    signature = CharterSignature(
        person=person,
        version=current,
        signed_at=timezone.now(),
        consents_to_listing=True,
        mandates_follow_up=True,
    )
    signature.full_clean(validate_constraints=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                signature.save()
        except IntegrityError as error:
            # Signed twice at once (a double click): the unique constraint keeps one.
            raise already from error
        journal.record(
            actor=actor,
            verb="charter.signed",
            obj=signature,
            payload={"version": current.number},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
        # A circle member who signs a version with new engagements gets them to follow.
        if person.circle_memberships.filter(ended_at__isnull=True).exists():
            engagement_checks_ensure(person=person, version=current)
    return signature


# ---------------------------------------------------------------- the default text
# The network's charter, rewritten for the platform (the demo loader publishes it).

DEFAULT_TITLE = "Charte de coopération des accompagnateur·ices de tiers-lieux"

DEFAULT_PREAMBLE = (
    "Les personnes et les structures qui accompagnent des tiers-lieux se retrouvent "
    "parfois sur les mêmes missions. Cette charte dit ce que chaque membre du cercle "
    "s'engage à faire pour que cette concurrence reste loyale et serve le réseau : faire "
    "circuler l'information, ouvrir les ressources, reconnaître le travail des autres et "
    "prendre soin, ensemble, de la qualité des accompagnements."
)

DEFAULT_ENGAGEMENTS: tuple[dict[str, str], ...] = (
    {
        "code": "inform-network",
        "title": "Tenir le réseau au courant",
        "text": (
            "Lorsqu'un acteur me sollicite pour un accompagnement, je le signale au "
            "réseau. Je lui fais savoir ensuite quand la mission démarre, puis où elle "
            "en est."
        ),
    },
    {
        "code": "open-the-door",
        "title": "Ouvrir la porte du réseau",
        "text": (
            "Je donne aux personnes et aux structures que j'accompagne les repères dont "
            "elles ont besoin pour rejoindre le réseau des tiers-lieux et y prendre part, "
            "si elles le souhaitent."
        ),
    },
    {
        "code": "open-resources",
        "title": "Faire vivre les ressources ouvertes",
        "text": (
            "Je travaille avec des ressources libres et ouvertes et je contribue à les "
            "améliorer. J'invite les personnes que je rencontre à partager à leur tour, "
            "et je rends disponible ce que mes missions ont produit."
        ),
    },
    {
        "code": "respect-prior-work",
        "title": "Respecter le travail déjà engagé",
        "text": (
            "Sur un territoire où d'autres membres ont déjà sensibilisé ou accompagné des "
            "acteurs, je tiens compte de ce qu'ils ont fait. Je les préviens des contacts "
            "que je prends et des choix importants faits pendant mon accompagnement."
        ),
    },
    {
        "code": "yearly-exchange",
        "title": "Échanger sur la qualité",
        "text": (
            "Au moins une fois par an, je participe avec les autres membres du cercle à "
            "un temps de travail consacré à la qualité de nos accompagnements."
        ),
    },
)

DEFAULT_CLOSING = (
    "En signant, je rejoins un collectif et je confie aux soucieux·ses du réseau le suivi "
    "de ces engagements. J'accepte que mon appartenance au cercle soit rendue publique, "
    "en particulier auprès des partenaires et des acteurs publics. Je sais qu'un "
    "manquement, examiné lors d'une procédure de régulation où je suis entendu·e, peut "
    "conduire à mon exclusion du cercle."
)


def charter_seed_default(*, actor: User) -> CharterVersion:
    """Publish the network's first charter unless a version exists already (idempotent).

    The actor must be a steward with a profile, as for any publication.
    """
    existing = CharterVersion.objects.order_by("-number").first()
    if existing is not None:
        return existing
    return charter_version_publish(
        actor=actor,
        title=DEFAULT_TITLE,
        preamble=DEFAULT_PREAMBLE,
        closing=DEFAULT_CLOSING,
        engagements=DEFAULT_ENGAGEMENTS,
    )
