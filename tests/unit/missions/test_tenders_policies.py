"""Who may do what on the tender watch, and who reads its journal entries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry
from cercle.missions.policies import tenders as policies
from cercle.missions.policies.transparency import can_export_ocds, can_view_concentration
from cercle.missions.services import tenders as services
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import TenderFactory, consultant
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def test_members_read_post_and_take_part_others_do_not() -> None:
    tender = TenderFactory()
    member, outsider = MemberFactory(), PersonFactory()
    assert policies.can_view_tenders(member.user)
    assert policies.can_post_tender(member.user)
    assert policies.can_take_part(member.user, tender)
    for user in (outsider.user, AnonymousUser()):
        assert not policies.can_view_tenders(user)
        assert not policies.can_post_tender(user)
        assert not policies.can_take_part(user, tender)


def test_leading_the_answer_is_for_the_poster_together_people_and_stewards() -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster)
    looker, together = MemberFactory(), MemberFactory()
    services.tender_interest_set(actor=looker.user, tender=tender, kind="looking")
    services.tender_interest_set(actor=together.user, tender=tender, kind="together")
    assert policies.can_lead_tender_answer(poster.user, tender)
    assert policies.can_lead_tender_answer(together.user, tender)
    assert policies.can_lead_tender_answer(StewardFactory().user, tender)
    assert not policies.can_lead_tender_answer(looker.user, tender)
    assert not policies.can_lead_tender_answer(MemberFactory().user, tender)
    assert not policies.can_lead_tender_answer(AnonymousUser(), tender)


def test_transparency_readers() -> None:
    assert can_view_concentration(MemberFactory().user)
    assert not can_view_concentration(PersonFactory().user)
    assert can_export_ocds(consultant().user)
    assert can_export_ocds(StewardFactory().user)
    assert not can_export_ocds(MemberFactory().user)


def test_tender_journal_entries_are_for_members() -> None:
    member = MemberFactory()
    tender = TenderFactory()
    services.tender_interest_set(actor=member.user, tender=tender, kind="looking")
    services.tender_comment_post(actor=member.user, tender=tender, text="Bonjour")
    entries = JournalEntry.objects.filter(object_id=str(tender.uuid))
    assert entries.count() == 2
    assert set(entries.values_list("visibility", flat=True)) == {Visibility.MEMBERS}
