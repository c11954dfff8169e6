"""Who may see, file, qualify and cancel requests."""

from __future__ import annotations

import pytest

from cercle.missions.enums import RequestStatus
from cercle.missions.policies.requests import (
    can_cancel_request,
    can_file_request,
    can_qualify_request,
    can_view_request,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import SupportRequestFactory, consultant
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def test_confirmed_requests_are_seen_by_the_circle_and_stewards_only() -> None:
    confirmed = SupportRequestFactory()
    unconfirmed = SupportRequestFactory(status=RequestStatus.UNCONFIRMED, confirmed_at=None)
    insider, steward = consultant(), StewardFactory()
    assert can_view_request(insider.user, confirmed)
    assert can_view_request(steward.user, confirmed)
    assert not can_view_request(insider.user, unconfirmed)
    assert not can_view_request(steward.user, unconfirmed)
    assert not can_view_request(MemberFactory().user, confirmed)
    assert not can_view_request(PersonFactory().user, confirmed)
    assert not can_view_request(None, confirmed)


def test_stewards_file_qualify_and_cancel() -> None:
    steward, insider = StewardFactory(), consultant()
    new = SupportRequestFactory()
    awarded = SupportRequestFactory(status=RequestStatus.CANCELLED)
    assert can_file_request(steward.user)
    assert not can_file_request(insider.user)
    assert can_qualify_request(steward.user, new)
    assert not can_qualify_request(insider.user, new)
    assert not can_qualify_request(steward.user, awarded)
    assert can_cancel_request(steward.user, new)
    assert not can_cancel_request(steward.user, awarded)
    assert not can_cancel_request(insider.user, new)
