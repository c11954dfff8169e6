"""The operator's tools: verified accounts and the first steward."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cercle.core.models import JournalEntry
from cercle.network.services import account_create_verified
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_verified_account_can_log_in_at_once() -> None:
    person = account_create_verified(
        email="Nouvelle@Exemple.org", password="pw-long-enough-1", first_name="Ana", last_name="Lys"
    )
    assert person.user.email == "nouvelle@exemple.org"
    assert person.user.check_password("pw-long-enough-1")
    assert person.user.emailaddress_set.get().verified


def test_an_e_mail_address_is_used_once() -> None:
    account_create_verified(email="a@exemple.org", password="x" * 12, first_name="A", last_name="B")
    with pytest.raises(ValidationError) as error:
        account_create_verified(
            email="A@exemple.org", password="x" * 12, first_name="C", last_name="D"
        )
    assert "email" in error.value.message_dict


def test_appoint_steward_command_makes_a_steward_and_journals_it() -> None:
    person = PersonFactory()
    call_command("appoint_steward", person.user.email)
    person.refresh_from_db()
    assert person.engagement_level == "soucieux"
    entry = JournalEntry.objects.filter(verb="person.level_changed").get()
    assert entry.actor is None
    assert entry.payload["by"] == "operator"


def test_appoint_steward_command_names_an_unknown_address() -> None:
    with pytest.raises(CommandError, match=r"nobody@exemple\.org"):
        call_command("appoint_steward", "nobody@exemple.org")
