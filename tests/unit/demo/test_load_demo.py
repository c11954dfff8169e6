"""The demo network is complete, built through services, and loading it twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cercle.core.journal import verify
from cercle.core.models import JournalEntry, User
from cercle.demo import data
from cercle.membership.enums import ContractStatus
from cercle.membership.models import AdhesionContract, CharterSignature, CharterVersion
from cercle.membership.selectors.charter import charter_current
from cercle.membership.viewer import viewer_for
from cercle.network.enums import ActorType
from cercle.network.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo")
    assert "loaded" in capsys.readouterr().out


def test_the_demo_has_contracts_in_every_state(demo: None) -> None:
    states = set(AdhesionContract.objects.values_list("status", flat=True))
    assert states == set(ContractStatus.values)


def test_the_demo_has_organizations_of_every_type(demo: None) -> None:
    assert set(Organization.objects.values_list("actor_type", flat=True)) == set(ActorType.values)


def test_the_demo_has_two_charter_versions_and_signatories_to_re_sign(demo: None) -> None:
    assert CharterVersion.objects.count() == 2
    current = charter_current()
    assert current is not None
    signed_current = set(
        CharterSignature.objects.filter(version=current).values_list("person_id", flat=True)
    )
    signed_any = set(CharterSignature.objects.values_list("person_id", flat=True))
    assert signed_current
    assert signed_any - signed_current


def test_demo_logins_work_and_have_the_announced_roles(demo: None) -> None:
    steward = User.objects.get(email=f"{data.STEWARDS[0][0]}@{data.DEMO_DOMAIN}")
    assert steward.check_password(data.DEMO_PASSWORD)
    assert viewer_for(steward).is_steward
    consultant = User.objects.get(email=f"{data.CONSULTANTS[0][0]}@{data.DEMO_DOMAIN}")
    assert viewer_for(consultant).in_circle
    assert steward.emailaddress_set.filter(verified=True).exists()


def test_loading_twice_creates_nothing(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    users, entries = User.objects.count(), JournalEntry.objects.count()
    call_command("load_demo")
    assert "nothing created" in capsys.readouterr().out
    assert (User.objects.count(), JournalEntry.objects.count()) == (users, entries)
    assert verify().ok


def test_demo_logins_are_printed(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert data.DEMO_PASSWORD in out
    assert f"{data.STEWARDS[0][0]}@{data.DEMO_DOMAIN}" in out
