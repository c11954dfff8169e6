"""Who may do what with support letters.

- anyone signed in (with a profile): ask for a letter for an organization they belong to
  (stewards: for any organization);
- members of the network: read every request and its dossier; the requester reads theirs;
- stewards: appoint a reviewer, edit the reading criteria;
- the appointed reviewer: assess the dossier while the request is in review;
- the requester or a steward: withdraw a request before the network decides.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.decisions.enums import LetterStatus
from cercle.decisions.models import SupportLetterRequest
from cercle.membership.viewer import viewer_for
from cercle.network.enums import LEVEL_RANK, EngagementLevel
from cercle.network.models import Person

REVIEWER_LEVELS = (EngagementLevel.CONTRIBUTEUR, EngagementLevel.SOUCIEUX)


def can_request_letter(user: Any) -> bool:
    return viewer_for(user).person is not None


def check_can_request_letter(user: Any) -> None:
    if not can_request_letter(user):
        raise NotAllowed(_("Sign in and complete your profile to ask for a support letter."))


def is_requester(user: Any, letter: SupportLetterRequest) -> bool:
    person = viewer_for(user).person
    return person is not None and letter.requested_by_id == person.pk


def can_view_letter(user: Any, letter: SupportLetterRequest) -> bool:
    viewer = viewer_for(user)
    return viewer.is_member or viewer.is_steward or is_requester(user, letter)


def can_list_letters(user: Any) -> bool:
    return viewer_for(user).person is not None


def can_download_dossier(user: Any, letter: SupportLetterRequest) -> bool:
    return can_view_letter(user, letter)


def can_download_letter_pdf(user: Any, letter: SupportLetterRequest) -> bool:
    return (
        letter.status == LetterStatus.APPROVED
        and bool(letter.letter_pdf)
        and can_view_letter(user, letter)
    )


def can_appoint_reviewer(user: Any, letter: SupportLetterRequest | None = None) -> bool:
    return viewer_for(user).is_steward


def check_can_appoint_reviewer(user: Any, letter: SupportLetterRequest | None = None) -> None:
    if not can_appoint_reviewer(user, letter):
        raise NotAllowed(_("Only stewards appoint the reviewer of a support letter."))


def can_review_letter(user: Any, letter: SupportLetterRequest) -> bool:
    person = viewer_for(user).person
    return person is not None and letter.reviewer_id == person.pk


def check_can_review_letter(user: Any, letter: SupportLetterRequest) -> None:
    if not can_review_letter(user, letter):
        raise NotAllowed(_("Only the appointed reviewer assesses this dossier."))


def can_withdraw_letter(user: Any, letter: SupportLetterRequest) -> bool:
    return viewer_for(user).is_steward or is_requester(user, letter)


def check_can_withdraw_letter(user: Any, letter: SupportLetterRequest) -> None:
    if not can_withdraw_letter(user, letter):
        raise NotAllowed(_("Only the requester or a steward may withdraw this request."))


def can_manage_criteria(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_manage_criteria(user: Any) -> None:
    if not can_manage_criteria(user):
        raise NotAllowed(_("Only stewards edit the reading criteria."))


def person_can_review(person: Person) -> bool:
    """A reviewer is a contributor or a steward of the network."""
    return LEVEL_RANK.get(person.engagement_level, 0) >= LEVEL_RANK[EngagementLevel.CONTRIBUTEUR]
