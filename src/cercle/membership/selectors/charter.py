"""Reads on charter versions and signatures, shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.models import CharterSignature, CharterVersion
from cercle.membership.policies.charter import check_can_view_signature
from cercle.network.models import Person


def charter_version_list() -> QuerySet[CharterVersion]:
    """Every published version, newest first, with its engagements (two queries)."""
    return (
        CharterVersion.objects.select_related("published_by")
        .prefetch_related("engagements")
        .order_by("-number")
    )


def charter_current() -> CharterVersion | None:
    """The newest published version, or None before the first publication."""
    return charter_version_list().first()


def charter_current_number() -> int | None:
    return CharterVersion.objects.order_by("-number").values_list("number", flat=True).first()


def charter_version_get(*, number: int) -> CharterVersion:
    version = charter_version_list().filter(number=number).first()
    if version is None:
        raise NotFound(_("This version of the charter does not exist."))
    return version


def _current_version_id() -> Subquery:
    return Subquery(CharterVersion.objects.order_by("-number").values("pk")[:1])


def signature_list_for(*, person: Person) -> QuerySet[CharterSignature]:
    return (
        CharterSignature.objects.filter(person=person)
        .select_related("version")
        .order_by("-version__number")
    )


def signature_get(*, actor: Any, signature_id: UUID | str) -> CharterSignature:
    """A signature with its version's text; only its signatory and stewards see it."""
    signature = (
        CharterSignature.objects.select_related("person", "version", "version__published_by")
        .prefetch_related("version__engagements")
        .filter(uuid=signature_id)
        .first()
    )
    if signature is None:
        raise NotFound(_("This signature does not exist."))
    check_can_view_signature(actor, signature)
    return signature


@dataclass(frozen=True)
class CharterStatus:
    """Where a person stands with the charter."""

    current: CharterVersion | None
    latest: CharterSignature | None

    @property
    def has_signed(self) -> bool:
        return self.latest is not None

    @property
    def signed_current(self) -> bool:
        return (
            self.latest is not None
            and self.current is not None
            and self.latest.version_id == self.current.pk
        )

    @property
    def needs_resign(self) -> bool:
        """Signed before, but the newest version is not the one signed."""
        return self.latest is not None and not self.signed_current


def charter_status_for(*, person: Person | None, current: CharterVersion | None) -> CharterStatus:
    latest = signature_list_for(person=person).first() if person is not None else None
    return CharterStatus(current=current, latest=latest)


def has_signed_current(*, person: Person) -> bool:
    return CharterSignature.objects.filter(person=person, version=_current_version_id()).exists()


def resign_list() -> QuerySet[Person]:
    """Signatories whose latest signature is not on the current version ("to re-sign").

    Versions only grow, so this is "signed something, but not the current version".
    Each person carries `last_signed_number`, the version they signed last.
    """
    signed_any = CharterSignature.objects.filter(person=OuterRef("pk"))
    signed_current = signed_any.filter(version=_current_version_id())
    last_number = signed_any.order_by("-version__number").values("version__number")[:1]
    return (
        Person.objects.filter(Exists(signed_any))
        .exclude(Exists(signed_current))
        .annotate(last_signed_number=Subquery(last_number))
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )


def signature_pdf(*, signature: CharterSignature) -> bytes:
    """The signed charter as a PDF: the text of the signed version, who, when, consents."""
    from cercle.core.pdf import render_pdf

    return render_pdf("pdf/charter_signature.html", {"signature": signature})


def signature_pdf_filename(*, signature: CharterSignature) -> str:
    return f"charte-v{signature.version.number}-{signature.person.slug}.pdf"
