"""Every write on offers: submit, withdraw, attach and replace files.

An offer is taken on a qualified request before its deadline (checked against the clock
here, never only in a template). A team has at most one live offer: withdrawing it
before the deadline lets the team submit a new one. After the deadline offers are locked.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.core.uploads import METHOD_FILE_KINDS, check_upload
from cercle.missions.anonymise import extract_text, find_names
from cercle.missions.enums import OFFER_TRANSITIONS, MemberStatus, OfferStatus, RequestStatus
from cercle.missions.models import Offer, OfferCommonsLine, SupportRequest, Team, TeamMember
from cercle.missions.policies.offers import check_can_change_offer, check_can_submit_offer
from cercle.missions.selectors.offers import identity_terms

CENT = Decimal("0.01")
MIN_DAYS = Decimal("0.5")
MAX_COMMONS_LINES = 20
_random = secrets.SystemRandom()


# ---------------------------------------------------------------- checks


def _deadline_text(support_request: SupportRequest) -> str:
    return str(
        formats.date_format(timezone.localtime(support_request.offers_deadline), "DATETIME_FORMAT")
    )


def _check_open(support_request: SupportRequest) -> None:
    """Offers are taken on a qualified request, until the deadline."""
    if support_request.status != RequestStatus.QUALIFIED:
        raise Conflict(_("Offers are taken only on a qualified request that is not awarded."))
    if timezone.now() >= support_request.offers_deadline:
        raise Conflict(
            _("The deadline for offers passed on %(date)s.")
            % {"date": _deadline_text(support_request)}
        )


def _check_locked_after_deadline(offer: Offer) -> None:
    if timezone.now() >= offer.request.offers_deadline:
        raise Conflict(
            _("The deadline for offers passed on %(date)s: offers are locked.")
            % {"date": _deadline_text(offer.request)}
        )


def _has_live_offer(team: Team) -> bool:
    return Offer.objects.filter(team=team, status=OfferStatus.SUBMITTED).exists()


def _duplicate() -> Conflict:
    return Conflict(
        _(
            "Your team has already submitted an offer on this request. "
            "Withdraw it before submitting another one."
        )
    )


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError({field: [_("Enter a number.")]}) from error
    if not number.is_finite():
        raise ValidationError({field: [_("Enter a number.")]})
    return number


def _money(value: Any, field: str) -> Decimal:
    amount = _decimal(value, field)
    if amount >= Decimal("1e10"):
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount.quantize(CENT)


def _clean_fields(price_ht: Any, days: Any, method: str, references: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "method": (method or "").strip(),
        "references": (references or "").strip(),
    }
    try:
        values["price_ht"] = _money(price_ht, "price_ht")
        if values["price_ht"] <= 0:
            errors["price_ht"] = [_("The price (€ HT) must be more than zero.")]
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        values["days"] = _decimal(days, "days")
        if values["days"] < MIN_DAYS:
            errors["days"] = [_("An offer counts at least half a day.")]
        elif values["days"] != values["days"].quantize(Decimal("0.1")) or values["days"] >= 10**5:
            errors["days"] = [_("Count days with at most one decimal, below 100,000.")]
    except ValidationError as error:
        errors.update(error.message_dict)
    if not values["method"]:
        errors["method"] = [_("Describe your method.")]
    if errors:
        raise ValidationError(errors)
    return values


def _clean_commons_lines(lines: Iterable[Mapping[str, Any]]) -> list[OfferCommonsLine]:
    """Budget lines for active commons: an amount (€ HT) ≥ 0, a purpose, no common twice.
    Every problem is reported under `commons_lines`, with the line's number."""
    rows = [r for r in lines if any(str(v or "").strip() for v in r.values())]
    if len(rows) > MAX_COMMONS_LINES:
        raise ValidationError(
            {"commons_lines": [_("At most %(n)s commons lines.") % {"n": MAX_COMMONS_LINES}]}
        )
    keys = [r.get("common") for r in rows]
    ids = [k.pk if isinstance(k, Common) else k for k in keys]
    by_key: dict[str, Common] = {}
    wanted_ids = [int(str(i)) for i in ids if str(i or "").isdigit()]
    wanted_slugs = [str(i) for i in ids if i and not str(i).isdigit()]
    for common in Common.objects.filter(id__in=wanted_ids):
        by_key[str(common.pk)] = common
    for common in Common.objects.filter(slug__in=wanted_slugs):
        by_key[common.slug] = common
    errors: list[str] = []
    built: list[OfferCommonsLine] = []
    seen: set[int] = set()
    for n, (row, key) in enumerate(zip(rows, ids, strict=True), start=1):
        found = by_key.get(str(key or ""))
        if found is None:
            errors.append(_("Line %(n)s: choose a common of the registry.") % {"n": n})
            continue
        common = found
        if not common.is_active:
            errors.append(
                _("Line %(n)s: “%(name)s” is no longer active.") % {"n": n, "name": common.name}
            )
            continue
        if common.pk in seen:
            errors.append(
                _("Line %(n)s: “%(name)s” is already budgeted.") % {"n": n, "name": common.name}
            )
            continue
        seen.add(common.pk)
        try:
            amount = _money(row.get("amount_ht"), "amount_ht")
        except ValidationError:
            errors.append(_("Line %(n)s: enter the amount in € HT.") % {"n": n})
            continue
        if amount < 0:
            errors.append(_("Line %(n)s: the amount cannot be negative.") % {"n": n})
            continue
        purpose = str(row.get("purpose") or "").strip()
        if len(purpose) > 300:
            errors.append(_("Line %(n)s: describe the purpose in 300 characters.") % {"n": n})
            continue
        built.append(OfferCommonsLine(common=common, amount_ht=amount, purpose=purpose))
    if errors:
        raise ValidationError({"commons_lines": errors})
    return built


_ONE_LETTER = list(string.ascii_uppercase)
_TWO_LETTERS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase]


def _draw_label(support_request: SupportRequest) -> str:
    """A random unused letter A–Z; once all are used, a random unused AA…ZZ."""
    used = set(Offer.objects.filter(request=support_request).values_list("label", flat=True))
    for labels in (_ONE_LETTER, _TWO_LETTERS):
        free = [label for label in labels if label not in used]
        if free:
            return _random.choice(free)
    raise Conflict(_("This request has received too many offers."))


def _check_files(method_file: Any, anonymised_method_file: Any) -> None:
    if method_file is not None:
        check_upload(method_file, field="method_file", kinds=METHOD_FILE_KINDS)
    if anonymised_method_file is not None:
        check_upload(
            anonymised_method_file, field="anonymised_method_file", kinds=METHOD_FILE_KINDS
        )


def _name_warnings(offer: Offer, upload: Any) -> list[str]:
    return find_names(extract_text(upload), identity_terms([offer])[offer.pk])


def _offer_url(offer: Offer) -> str:
    try:
        return reverse("missions:offer_detail", kwargs={"uuid": offer.uuid})
    except NoReverseMatch:
        return ""


def _team_users(team: Team) -> list[User]:
    return [
        m.person.user
        for m in TeamMember.objects.filter(team=team, status=MemberStatus.ACCEPTED).select_related(
            "person__user"
        )
    ]


# ---------------------------------------------------------------- services


def offer_submit(
    *,
    actor: User,
    team: Team,
    price_ht: Any,
    days: Any,
    method: str,
    references: str = "",
    commons_lines: Iterable[Mapping[str, Any]] = (),
    method_file: Any = None,
    anonymised_method_file: Any = None,
) -> Offer:
    """Submit the team's offer. `commons_lines` are mappings with `common` (a Common, its
    id or its slug), `amount_ht` and `purpose`."""
    check_can_submit_offer(actor, team)
    support_request = team.request
    _check_open(support_request)
    if not TeamMember.objects.filter(
        team=team, person_id=team.lead_id, status=MemberStatus.ACCEPTED
    ).exists():
        raise Conflict(_("The team's lead must have accepted their place before submitting."))
    if _has_live_offer(team):
        raise _duplicate()
    values = _clean_fields(price_ht, days, method, references)
    lines = _clean_commons_lines(commons_lines)
    _check_files(method_file, anonymised_method_file)
    try:
        with transaction.atomic():
            # One submission at a time on a request, so that two cannot draw the same label.
            SupportRequest.objects.select_for_update().filter(pk=support_request.pk).first()
            offer = Offer(
                request=support_request,
                team=team,
                status=OfferStatus.SUBMITTED,
                label=_draw_label(support_request),
                submitted_at=timezone.now(),
                **values,
            )
            offer.full_clean(validate_constraints=False)
            if method_file is not None:
                offer.method_file = method_file
            if anonymised_method_file is not None:
                offer.anonymised_method_file = anonymised_method_file
                offer.name_warnings = _name_warnings(offer, anonymised_method_file)
            offer.save()
            for line in lines:
                line.offer = offer
            OfferCommonsLine.objects.bulk_create(lines)
            # Members see that a team submitted; never the price, nor which label is theirs.
            journal.record(
                actor=actor,
                verb="offer.submitted",
                obj=support_request,
                payload={"team": str(team.uuid)},
                visibility=Visibility.MEMBERS,
            )
            notify(
                kind=NotificationKind.SELECTION,
                url=_offer_url(offer),
                users=_team_users(team),
                subject=gettext_lazy("Your team's offer is submitted"),
                template="missions/email/offers_submitted.txt",
                context={
                    "request_title": support_request.title,
                    "team": team.name,
                    "label": offer.label,
                    "deadline": _deadline_text(support_request),
                    "url": _offer_url(offer),
                },
            )
    except IntegrityError as error:
        raise _duplicate() from error
    return offer


def offer_withdraw(*, actor: User, offer: Offer) -> Offer:
    """Withdraw the team's offer before the deadline; the team may then submit again."""
    check_can_change_offer(actor, offer)
    _check_locked_after_deadline(offer)
    check_transition(OFFER_TRANSITIONS, OfferStatus(offer.status), OfferStatus.WITHDRAWN)
    with transaction.atomic():
        updated = Offer.objects.filter(pk=offer.pk, status=OfferStatus.SUBMITTED).update(
            status=OfferStatus.WITHDRAWN, withdrawn_at=timezone.now()
        )
        if not updated:
            raise Conflict(_("This offer is already withdrawn."))
        offer.refresh_from_db()
        journal.record(
            actor=actor,
            verb="offer.withdrawn",
            obj=offer.request,
            payload={"team": str(offer.team.uuid)},
            visibility=Visibility.MEMBERS,
        )
        notify(
            kind=NotificationKind.SELECTION,
            url=offer.request.get_absolute_url(),
            users=_team_users(offer.team),
            subject=gettext_lazy("Your team's offer is withdrawn"),
            template="missions/email/offers_withdrawn.txt",
            context={
                "request_title": offer.request.title,
                "team": offer.team.name,
                "label": offer.label,
                "deadline": _deadline_text(offer.request),
            },
        )
    return offer


def offer_attach_files(
    *, actor: User, offer: Offer, method_file: Any = None, anonymised_method_file: Any = None
) -> Offer:
    """Add or replace the method file and/or its anonymised version, before the deadline.

    Names of team members found in the anonymised file are stored as warnings: the file
    is accepted, and the team may replace it."""
    check_can_change_offer(actor, offer)
    if offer.status != OfferStatus.SUBMITTED:
        raise Conflict(_("A withdrawn offer cannot be changed."))
    _check_locked_after_deadline(offer)
    if method_file is None and anonymised_method_file is None:
        raise ValidationError({"anonymised_method_file": [_("Choose a file to upload.")]})
    _check_files(method_file, anonymised_method_file)
    with transaction.atomic():
        fields = []
        if method_file is not None:
            offer.method_file = method_file
            fields.append("method_file")
        if anonymised_method_file is not None:
            offer.anonymised_method_file = anonymised_method_file
            offer.name_warnings = _name_warnings(offer, anonymised_method_file)
            fields += ["anonymised_method_file", "name_warnings"]
        offer.save(update_fields=fields)
        journal.record(
            actor=actor,
            verb="offer.files_attached",
            obj=offer.request,
            payload={
                "team": str(offer.team.uuid),
                "files": [f for f in fields if f.endswith("_file")],
            },
            visibility=Visibility.MEMBERS,
        )
    return offer


def offer_replace_anonymised_file(*, actor: User, offer: Offer, file: Any) -> Offer:
    if file is None:
        raise ValidationError({"anonymised_method_file": [_("Choose a file to upload.")]})
    return offer_attach_files(actor=actor, offer=offer, anonymised_method_file=file)
