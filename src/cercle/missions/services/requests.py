"""Every write on a request's intake: the public form, the client's confirmation, the
stewards' form and documents. Qualification and cancellation: `requests_qualification`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify, notify_address
from cercle.core.signed_links import make_token
from cercle.core.transitions import check_transition
from cercle.core.uploads import check_upload
from cercle.membership.models import CircleMembership
from cercle.missions.enums import REQUEST_TRANSITIONS, RequestSource, RequestStatus
from cercle.missions.models import RequestDocument, SupportRequest, Tender
from cercle.missions.policies.requests import (
    CONFIRM_DAYS,
    CONFIRM_PURPOSE,
    check_can_add_request_documents,
    check_can_confirm_request,
    check_can_file_request,
)
from cercle.missions.services.rotation import panel_invite
from cercle.network.enums import EngagementLevel
from cercle.network.models import Organization, Skill, Territory
from cercle.network.services.common import person_of, territory_or_none

MAX_DOCUMENTS = 5
CENT = Decimal("0.01")


# ---------------------------------------------------------------- cleaning


def money(value: Any, field: str) -> Decimal:
    """A non-negative amount in euros, quantised to the cent, or a field error."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError({field: [_("Enter an amount in euros.")]}) from error
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: [_("Enter an amount of zero euros or more.")]})
    if amount >= Decimal("1e10"):
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_future(when: datetime.datetime | None, field: str) -> datetime.datetime:
    if when is None:
        raise ValidationError({field: [_("This field is required.")]})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise ValidationError({field: [_("The deadline for offers must be in the future.")]})
    return when


def _required_territory(code: str) -> Territory:
    territory = territory_or_none(code, "territory")
    if territory is None:
        raise ValidationError({"territory": [_("This field is required.")]})
    return territory


def skills_from_slugs(slugs: Sequence[str], field: str = "skills") -> list[Skill]:
    """The active skills named by slug; an unknown or withdrawn one is a field error."""
    wanted = list(dict.fromkeys(str(s).strip() for s in slugs if str(s).strip()))
    found = {s.slug: s for s in Skill.objects.filter(slug__in=wanted, is_active=True)}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise ValidationError(
            {field: [_("Unknown or withdrawn skill: %(slugs)s.") % {"slugs": ", ".join(missing)}]}
        )
    return [found[s] for s in wanted]


def _check_documents(documents: Sequence[Any], *, already: int = 0) -> list[Any]:
    documents = [d for d in documents if d]
    if already + len(documents) > MAX_DOCUMENTS:
        raise ValidationError(
            {
                "documents": [
                    _("A request holds at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
                ]
            }
        )
    errors: list[str] = []
    for document in documents:
        try:
            check_upload(document, field="documents")
        except ValidationError as error:
            errors += error.message_dict["documents"]
    if errors:
        raise ValidationError({"documents": errors})
    return documents


def _store_documents(support_request: SupportRequest, documents: Sequence[Any]) -> list[Any]:
    stored = []
    for document in documents:
        checked = check_upload(document, field="documents")
        row = RequestDocument(
            request=support_request,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
        row.file.save(checked.name, document, save=False)
        row.save()
        stored.append(row)
    return stored


def _build(
    *,
    title: str,
    description: str,
    client_name: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    territory_code: str,
    budget_min_ht: Any,
    budget_max_ht: Any,
    offers_deadline: datetime.datetime | None,
    desired_start: datetime.date | None,
    skills: Sequence[str],
    documents: Sequence[Any],
    source: str,
) -> tuple[SupportRequest, list[Skill], list[Any]]:
    """An unsaved request and its skills and files, every problem as a field error."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    checks: list[tuple[str, Any]] = [
        ("territory", lambda: _required_territory(territory_code)),
        ("budget_min_ht", lambda: money(budget_min_ht, "budget_min_ht")),
        ("budget_max_ht", lambda: money(budget_max_ht, "budget_max_ht")),
        ("offers_deadline", lambda: check_future(offers_deadline, "offers_deadline")),
        ("skills", lambda: skills_from_slugs(skills)),
        ("documents", lambda: _check_documents(documents)),
    ]
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if source not in RequestSource.values:
        errors.setdefault("source", []).append(_("Select a valid choice."))
    low: Any = values.get("budget_min_ht")
    high: Any = values.get("budget_max_ht")
    deadline: Any = values.get("offers_deadline")
    if low is not None and high is not None and low > high:
        errors.setdefault("budget_max_ht", []).append(
            _("The upper budget must be at least the lower budget.")
        )
    support_request = SupportRequest(
        title=(title or "").strip(),
        description=(description or "").strip(),
        client_name=(client_name or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_email=(contact_email or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        territory=values.get("territory"),
        budget_min_ht=low,
        budget_max_ht=high,
        offers_deadline=deadline,
        desired_start=desired_start,
        source=source,
    )
    try:
        support_request.full_clean(
            exclude=[
                "territory",
                "budget_min_ht",
                "budget_max_ht",
                "offers_deadline",
                "status",
                "source",
            ],
            validate_constraints=False,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return support_request, values["skills"], values["documents"]


# ---------------------------------------------------------------- side effects


def _circle_users() -> list[User]:
    return list(
        User.objects.filter(
            # Exists, not `person__circle_memberships__ended_at__isnull=True`: across a
            # reverse relation that is a LEFT JOIN, true also for anyone never in the circle.
            Exists(
                CircleMembership.objects.filter(person__user=OuterRef("pk"), ended_at__isnull=True)
            )
            | Q(person__engagement_level=EngagementLevel.SOUCIEUX),
            is_active=True,
        ).distinct()
    )


def request_announce(support_request: SupportRequest, actor: User | None) -> None:
    """A request became visible: tell the circle, and ask the rotation's panel."""
    notify(
        kind=NotificationKind.NEW_REQUEST,
        url=support_request.get_absolute_url(),
        users=_circle_users(),
        subject=gettext_lazy("New request for support in the circle"),
        template="missions/email/requests_new.txt",
        context={
            "title": support_request.title,
            "client": support_request.client_name,
            "url": support_request.get_absolute_url(),
        },
    )
    panel_invite(support_request=support_request, actor=actor)


def confirm_url(support_request: SupportRequest) -> str:
    token = make_token(CONFIRM_PURPOSE, str(support_request.uuid))
    return reverse(
        "missions:request_confirm", kwargs={"uuid": support_request.uuid, "token": token}
    )


def _send_confirmation(support_request: SupportRequest) -> None:
    notify_address(
        to=support_request.contact_email,
        subject=gettext_lazy("Confirm your request for support"),
        template="missions/email/requests_confirm.txt",
        context={
            "title": support_request.title,
            "url": confirm_url(support_request),
            "days": CONFIRM_DAYS,
        },
    )


# ---------------------------------------------------------------- services


def request_submit_public(
    *,
    actor: User | None = None,
    title: str,
    description: str,
    client_name: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    territory_code: str,
    budget_min_ht: Any,
    budget_max_ht: Any,
    offers_deadline: datetime.datetime | None,
    desired_start: datetime.date | None = None,
    skills: Sequence[str] = (),
    documents: Sequence[Any] = (),
) -> SupportRequest:
    """A client files a request without an account; it waits for their e-mail confirmation.

    The caller (page or API) applies the rate limit per address.
    """
    support_request, skill_rows, files = _build(
        title=title,
        description=description,
        client_name=client_name,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        territory_code=territory_code,
        budget_min_ht=budget_min_ht,
        budget_max_ht=budget_max_ht,
        offers_deadline=offers_deadline,
        desired_start=desired_start,
        skills=skills,
        documents=documents,
        source=RequestSource.DIRECT,
    )
    support_request.status = RequestStatus.UNCONFIRMED
    with transaction.atomic():
        support_request.save()
        support_request.required_skills.set(skill_rows)
        _store_documents(support_request, files)
        journal.record(
            actor=None,
            verb="request.submitted",
            obj=support_request,
            payload={"source": support_request.source, "documents": len(files)},
            visibility=Visibility.PRIVATE,
        )
        _send_confirmation(support_request)
    return support_request


def request_confirm(*, support_request: SupportRequest, token: str) -> SupportRequest:
    """The client confirms their e-mail: the request becomes visible to the circle.

    Confirming again changes nothing; a cancelled request stays cancelled.
    """
    check_can_confirm_request(support_request, token)
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        if locked.status != RequestStatus.UNCONFIRMED:
            return locked
        check_transition(REQUEST_TRANSITIONS, RequestStatus(locked.status), RequestStatus.NEW)
        locked.status = RequestStatus.NEW
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
        journal.record(
            actor=None,
            verb="request.confirmed",
            obj=locked,
            payload={"client": locked.client_name, "source": locked.source},
            visibility=Visibility.MEMBERS,
        )
        request_announce(locked, None)
    return locked


def request_create(
    *,
    actor: User,
    title: str,
    description: str,
    client_name: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    territory_code: str,
    budget_min_ht: Any,
    budget_max_ht: Any,
    offers_deadline: datetime.datetime | None,
    desired_start: datetime.date | None = None,
    skills: Sequence[str] = (),
    documents: Sequence[Any] = (),
    source: str = RequestSource.DIRECT,
    client_organization: str = "",
    tender: Tender | None = None,
) -> SupportRequest:
    """A steward files a request received elsewhere; it is visible to the circle at once.

    `client_organization` is the slug of the client's organization in the network, if any.
    """
    check_can_file_request(actor)
    person = person_of(actor)
    organization = None
    errors: dict[str, list[str]] = {}
    if client_organization:
        organization = Organization.objects.filter(slug=client_organization).first()
        if organization is None:
            errors["client_organization"] = [_("No organization of the network has this name.")]
    try:
        support_request, skill_rows, files = _build(
            title=title,
            description=description,
            client_name=client_name or (organization.name if organization else ""),
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            territory_code=territory_code,
            budget_min_ht=budget_min_ht,
            budget_max_ht=budget_max_ht,
            offers_deadline=offers_deadline,
            desired_start=desired_start,
            skills=skills,
            documents=documents,
            source=source,
        )
    except ValidationError as error:
        raise ValidationError({**error.message_dict, **errors}) from error
    if errors:
        raise ValidationError(errors)
    support_request.status = RequestStatus.NEW
    support_request.confirmed_at = timezone.now()
    support_request.submitted_by = person
    support_request.client_organization = organization
    support_request.tender = tender
    with transaction.atomic():
        support_request.save()
        support_request.required_skills.set(skill_rows)
        _store_documents(support_request, files)
        journal.record(
            actor=actor,
            verb="request.filed",
            obj=support_request,
            payload={"client": support_request.client_name, "source": support_request.source},
            visibility=Visibility.MEMBERS,
        )
        request_announce(support_request, actor)
    return support_request


def request_documents_add(
    *, actor: User, support_request: SupportRequest, documents: Sequence[Any]
) -> list[RequestDocument]:
    """A steward adds documents to a request (at most five in all)."""
    check_can_add_request_documents(actor, support_request)
    if support_request.status in (RequestStatus.AWARDED, RequestStatus.CANCELLED):
        raise Conflict(_("Documents cannot be added to an awarded or cancelled request."))
    if not [d for d in documents if d]:
        raise ValidationError({"documents": [_("Choose at least one file.")]})
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        files = _check_documents(documents, already=locked.documents.count())
        stored = _store_documents(locked, files)
        journal.record(
            actor=actor,
            verb="request.documents_added",
            obj=locked,
            payload={"documents": [d.original_name for d in stored]},
            visibility=Visibility.MEMBERS,
        )
    return stored
