"""Who may see, file, qualify and cancel requests for support."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.signed_links import read_token
from cercle.missions.enums import RequestStatus
from cercle.missions.models import SupportRequest
from cercle.missions.policies.common import (
    can_steward_requests,
    can_view_requests,
    check_can_view_requests,
    refuse,
)


def can_view_request(user: Any, support_request: SupportRequest) -> bool:
    """Circle members and stewards see a request once its client confirmed it."""
    return support_request.status != RequestStatus.UNCONFIRMED and can_view_requests(user)


def check_can_view_request(user: Any, support_request: SupportRequest) -> None:
    check_can_view_requests(user)
    refuse(
        support_request.status != RequestStatus.UNCONFIRMED,
        _("This request has not been confirmed by its client yet."),
    )


def can_file_request(user: Any) -> bool:
    """Stewards file requests received by other channels (phone, tender watch, partners)."""
    return can_steward_requests(user)


def check_can_file_request(user: Any) -> None:
    refuse(can_file_request(user), _("Only stewards can file a request for a client."))


def can_qualify_request(user: Any, support_request: SupportRequest) -> bool:
    return can_steward_requests(user) and support_request.status in (
        RequestStatus.NEW,
        RequestStatus.QUALIFIED,
    )


def check_can_qualify_request(user: Any, support_request: SupportRequest) -> None:
    refuse(can_steward_requests(user), _("Only stewards can qualify a request."))


def can_cancel_request(user: Any, support_request: SupportRequest) -> bool:
    return can_steward_requests(user) and support_request.status in (
        RequestStatus.UNCONFIRMED,
        RequestStatus.NEW,
        RequestStatus.QUALIFIED,
    )


def check_can_cancel_request(user: Any, support_request: SupportRequest) -> None:
    refuse(can_steward_requests(user), _("Only stewards can cancel a request."))


def can_add_request_documents(user: Any, support_request: SupportRequest) -> bool:
    return can_steward_requests(user) and support_request.status not in (
        RequestStatus.AWARDED,
        RequestStatus.CANCELLED,
    )


def check_can_add_request_documents(user: Any, support_request: SupportRequest) -> None:
    refuse(can_steward_requests(user), _("Only stewards can add documents to a request."))


def can_see_rotation_panel(user: Any, support_request: SupportRequest) -> bool:
    return can_view_request(user, support_request)


CONFIRM_PURPOSE = "request-confirm"
CONFIRM_DAYS = 7


def check_can_confirm_request(support_request: SupportRequest, token: str) -> None:
    """The client's signed link (7 days) is the only key to confirming their request."""
    read_token(token, CONFIRM_PURPOSE, str(support_request.uuid), max_age_days=CONFIRM_DAYS)
