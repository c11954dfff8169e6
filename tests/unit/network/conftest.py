"""People at every level of engagement, for the network's unit tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories.network import (
    ContributorFactory,
    MemberOrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def non_member(db: None) -> Any:
    """Signed up, not adhered, in no adhering organization."""
    return PersonFactory()


@pytest.fixture
def org_member(db: None) -> Any:
    """No personal level, but belongs to an adhering organization: a member."""
    person = PersonFactory()
    OrganizationMembershipFactory(person=person, organization=MemberOrganizationFactory())
    return person


@pytest.fixture
def supporter(db: None) -> Any:
    return SupporterFactory()


@pytest.fixture
def contributor(db: None) -> Any:
    return ContributorFactory()


@pytest.fixture
def steward(db: None) -> Any:
    return StewardFactory()
