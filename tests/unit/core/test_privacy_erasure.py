"""Erasure pseudonymises a person everywhere and keeps the accounts, missions and journal.

The person has a declaration invoiced and partly paid (ledger lines, a receipt, journal
entries naming them), a mission they led, a comment where they sign with their name, a
notification to someone else that names them, a token and a calendar feed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import models
from django.db.models import Q

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import ApiToken, JournalEntry, Notification, User
from cercle.core.privacy.erasure import LEGAL_HOLD_COLUMNS, person_erase
from cercle.core.services import api_token_create
from cercle.events.models import CalendarFeed
from cercle.missions.enums import MissionStatus
from cercle.missions.models import Mission
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.models import Account
from tests.factories.decisions_threads import CommentFactory
from tests.factories.events import CalendarFeedFactory
from tests.factories.missions import MissionFactory, OfferFactory, TeamFactory, consultant
from tests.factories.network import PersonFactory
from tests.factories.reciprocity_declarations import invoiced, paid

pytestmark = pytest.mark.django_db

FIRST, LAST = "Ysolde", "Carabin-Vauquelin"
EMAIL = "ysolde.carabin@exemple.test"
PASSWORD = "un-long-mot-de-passe-42"


def text_columns_mentioning(needle: str) -> set[tuple[str, str]]:
    """Every (table, column) whose text holds `needle`, over every model of the project."""
    found: set[tuple[str, str]] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            if model._default_manager.filter(Q(**{f"{field.attname}__icontains": needle})).exists():
                found.add((model._meta.label_lower, field.name))
    return found


@pytest.fixture
def person() -> Person:
    ysolde = consultant(first_name=FIRST, last_name=LAST, bio=f"Je suis {FIRST} {LAST}.")
    user = ysolde.user
    user.email, user.first_name, user.last_name = EMAIL, FIRST, LAST
    user.set_password(PASSWORD)
    user.save()
    return ysolde


@pytest.fixture
def history(person: Person) -> dict[str, Any]:
    """A year of activity, written through the services where they exist."""
    declaration = invoiced(person=person, amount="600.00")
    paid(declaration, "250.00")
    team = TeamFactory(lead=person)
    mission = MissionFactory(offer=OfferFactory(team=team), status=MissionStatus.DELIVERED)
    comment = CommentFactory(author=person, body=f"Bonjour, ici {FIRST} {LAST} ({EMAIL}).")
    other = PersonFactory()
    Notification.objects.create(user=other.user, title=f"{FIRST} {LAST} vous a répondu")
    Notification.objects.create(user=person.user, title="Votre déclaration")
    api_token_create(actor=person.user, name="script")
    CalendarFeedFactory(person=person)
    journal.record(actor=person.user, verb="test.profile_seen", obj=person, subject=person.user)
    journal.record(
        actor=None,
        verb="test.unrelated",
        object_type="t",
        object_id="1",
        payload={"who": "quelqu'un d'autre"},
        visibility=Visibility.PUBLIC,
    )
    receivable = Account.objects.get(person=person)
    return {
        "mission": mission,
        "comment": comment,
        "receivable": receivable,
        "balance": ledger.balance(receivable),
    }


def test_the_history_names_the_person_before_erasure(history: dict[str, Any]) -> None:
    """The fixture is meaningful: the name is in many tables, the journal among them."""
    found = text_columns_mentioning(LAST)
    assert ("core.journalentry", "object_label") in found or (
        "core.journalentry",
        "payload",
    ) in found
    assert {("network.person", "last_name"), ("decisions.comment", "body")} <= found
    assert ("core.notification", "title") in found
    assert journal.verify().ok


def test_after_erasure_the_name_and_email_remain_only_in_posted_accounting_labels(
    person: Person, history: dict[str, Any]
) -> None:
    person_erase(actor=person.user, user=person.user, password=PASSWORD)
    for needle in (LAST, EMAIL, f"{FIRST} {LAST}"):
        assert text_columns_mentioning(needle) <= LEGAL_HOLD_COLUMNS, needle


def test_erasure_keeps_the_ledger_balanced_and_the_balance_unchanged(
    person: Person, history: dict[str, Any]
) -> None:
    lines_before = history["receivable"].lines.count()
    person_erase(actor=person.user, user=person.user, password=PASSWORD)
    assert ledger.trial_balance_is_zero()
    assert ledger.unbalanced_transactions() == []
    receivable = Account.objects.get(pk=history["receivable"].pk)
    assert ledger.balance(receivable) == history["balance"]
    assert receivable.lines.count() == lines_before
    assert LAST not in receivable.name


def test_erasure_keeps_missions_and_comments_under_the_pseudonym(
    person: Person, history: dict[str, Any]
) -> None:
    entry = person_erase(actor=person.user, user=person.user, password=PASSWORD)
    mission = Mission.objects.get(pk=history["mission"].pk)
    assert (mission.lead_id, mission.status) == (person.pk, MissionStatus.DELIVERED)
    erased = Person.objects.get(pk=person.pk)
    pseudonym = entry.payload["pseudonym"]
    assert erased.full_name == pseudonym
    assert pseudonym.split()[-1].isalnum()
    assert len(pseudonym.split()[-1]) == 4
    assert erased.bio == ""
    comment = type(history["comment"]).objects.get(pk=history["comment"].pk)
    assert pseudonym in comment.body
    assert EMAIL not in comment.body


def test_erasure_keeps_the_journal_chain_valid_and_lists_what_it_redacted(
    person: Person, history: dict[str, Any]
) -> None:
    count = JournalEntry.objects.count()
    entry = person_erase(actor=person.user, user=person.user, password=PASSWORD)
    result = journal.verify()
    assert result.ok, result
    assert result.checked == count + 1
    redacted = JournalEntry.objects.filter(redacted=True)
    assert redacted.exists()
    assert {str(seq) for seq in redacted.values_list("seq", flat=True)} == set(
        entry.payload["redacted"]
    )
    assert not JournalEntry.objects.filter(verb="test.unrelated", redacted=True).exists()


def test_editing_a_redacted_entry_after_erasure_is_still_detected(
    person: Person, history: dict[str, Any]
) -> None:
    person_erase(actor=person.user, user=person.user, password=PASSWORD)
    target = JournalEntry.objects.filter(redacted=True).order_by("seq").first()
    assert target is not None
    JournalEntry.objects.filter(pk=target.pk).update(object_label="autre chose")
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "after its redaction" in result.reason


def test_marking_an_entry_redacted_to_hide_an_edit_is_detected(history: dict[str, Any]) -> None:
    target = JournalEntry.objects.get(verb="test.unrelated")
    JournalEntry.objects.filter(pk=target.pk).update(payload={"who": "forgé"}, redacted=True)
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "no later erasure lists it" in result.reason


def test_erasure_closes_every_way_in(person: Person, history: dict[str, Any]) -> None:
    person_erase(actor=person.user, user=person.user, password=PASSWORD)
    user = User.objects.get(pk=person.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email.endswith("@erased.invalid")
    assert authenticate(email=EMAIL, password=PASSWORD) is None
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(person=person).exists()


def test_erasure_asks_for_the_persons_password(person: Person) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        person_erase(actor=person.user, user=person.user, password="pas le bon")
    assert "password" in error.value.error_dict
    assert Person.objects.get(pk=person.pk).last_name == LAST


def test_someone_else_cannot_erase_a_person(person: Person) -> None:
    with pytest.raises(NotAllowed):
        person_erase(actor=PersonFactory().user, user=person.user, password=PASSWORD)
    assert User.objects.get(pk=person.user.pk).is_active


def test_erasure_waits_while_a_mission_is_in_progress(person: Person) -> None:
    MissionFactory(offer=OfferFactory(team=TeamFactory(lead=person)), status="started")
    with pytest.raises(Conflict):
        person_erase(actor=person.user, user=person.user, password=PASSWORD)
    assert Person.objects.get(pk=person.pk).last_name == LAST


def test_an_erased_account_is_not_erased_twice(person: Person) -> None:
    person_erase(actor=None, user=person.user)
    with pytest.raises(Conflict):
        person_erase(actor=None, user=User.objects.get(pk=person.user.pk))
