"""Offers: submit before the deadline, one live offer per team, withdraw and resubmit,
labels, commons lines, files and name warnings, and who sees what."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry
from cercle.missions.enums import MemberStatus, OfferStatus, RequestStatus
from cercle.missions.models import Award, Offer, OfferCommonsLine
from cercle.missions.policies.offers import OfferAccess, offer_access, offer_audience
from cercle.missions.selectors import offers as selectors
from cercle.missions.services import offers as services
from cercle.network.models import OrganizationMembership
from tests.factories.missions import (
    CommonFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import OrganizationFactory, StewardFactory
from tests.helpers_commit import without_table_versions

pytestmark = pytest.mark.django_db


def submit(team: Any, **fields: Any) -> Offer:
    data: dict[str, Any] = {
        "price_ht": "12000",
        "days": "20",
        "method": "Diagnostic partagé puis ateliers.",
    }
    return services.offer_submit(actor=team.lead.user, team=team, **{**data, **fields})


def test_the_lead_submits_an_offer_with_a_random_label_and_team_is_told(
    django_capture_on_commit_callbacks: Any,
) -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        offer = submit(team, references="Dix lieux accompagnés.")
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.label in [chr(c) for c in range(65, 91)]
    assert offer.price_ht == Decimal("12000.00")
    assert len(without_table_versions(callbacks)) == 1
    entry = JournalEntry.objects.get(verb="offer.submitted")
    assert entry.visibility == "members"
    assert "12000" not in str(entry.payload) + entry.object_label
    assert offer.label not in str(entry.payload)


def test_labels_are_unique_on_a_request_and_go_on_with_two_letters() -> None:
    support_request = QualifiedRequestFactory()
    for n in range(26):
        OfferFactory(team=TeamFactory(request=support_request), label=chr(65 + n))
    offer = submit(TeamFactory(request=support_request))
    assert len(offer.label) == 2


def test_only_the_lead_submits() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    with pytest.raises(NotAllowed):
        services.offer_submit(
            actor=member.user, team=team, price_ht="10", days="1", method="Une méthode"
        )
    assert not Offer.objects.exists()


def test_a_late_offer_is_refused_with_the_deadline() -> None:
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    team = TeamFactory(request=QualifiedRequestFactory(offers_deadline=deadline))
    with translation.override("fr"), pytest.raises(Conflict) as caught:
        submit(team)
    with translation.override("fr"):
        date = formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
        expected = gettext("The deadline for offers passed on %(date)s.") % {"date": date}
    assert caught.value.message == expected
    assert not Offer.objects.exists()


def test_an_unqualified_request_takes_no_offer() -> None:
    team = TeamFactory()
    team.request.status = RequestStatus.AWARDED
    team.request.save()
    with pytest.raises(Conflict):
        submit(team)


def test_a_second_live_offer_is_a_clear_conflict_and_the_database_backs_it() -> None:
    team = TeamFactory()
    submit(team)
    with pytest.raises(Conflict) as caught:
        submit(team)
    with translation.override("fr"):
        expected = gettext(
            "Your team has already submitted an offer on this request. "
            "Withdraw it before submitting another one."
        )
    assert caught.value.message == expected
    assert Offer.objects.count() == 1


def test_two_submissions_at_once_meet_the_database_constraint(monkeypatch: Any) -> None:
    """When the early check misses a concurrent submission, the partial unique index
    refuses the second one, with the same message."""
    team = TeamFactory()
    submit(team)
    monkeypatch.setattr(services, "_has_live_offer", lambda team: False)
    with pytest.raises(Conflict) as caught:
        submit(team)
    assert caught.value.message == services._duplicate().message
    assert Offer.objects.count() == 1


def test_withdraw_then_submit_again_makes_a_new_row() -> None:
    team = TeamFactory()
    first = submit(team)
    services.offer_withdraw(actor=team.lead.user, offer=first)
    first.refresh_from_db()
    assert first.status == OfferStatus.WITHDRAWN
    assert first.withdrawn_at
    second = submit(team, price_ht="11000")
    assert second.pk != first.pk
    assert second.label != first.label
    with pytest.raises(Conflict):
        services.offer_withdraw(actor=team.lead.user, offer=first)


def test_offers_are_locked_after_the_deadline() -> None:
    team = TeamFactory()
    offer = submit(team)
    team.request.offers_deadline = timezone.now() - datetime.timedelta(seconds=1)
    team.request.save()
    offer.refresh_from_db()
    with pytest.raises(Conflict):
        services.offer_withdraw(actor=team.lead.user, offer=offer)
    upload = SimpleUploadedFile("m.txt", b"Notre methode")
    with pytest.raises(Conflict):
        services.offer_attach_files(actor=team.lead.user, offer=offer, method_file=upload)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    assert not offer.method_file


def test_a_member_who_is_not_lead_cannot_withdraw() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    offer = submit(team)
    with pytest.raises(NotAllowed):
        services.offer_withdraw(actor=member.user, offer=offer)


def test_the_lead_must_have_accepted() -> None:
    team = TeamFactory()
    team.members.filter(person=team.lead).update(status=MemberStatus.LEFT)
    with pytest.raises(Conflict):
        submit(team)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price_ht": "0"}, "price_ht"),
        ({"price_ht": "-5"}, "price_ht"),
        ({"price_ht": "abc"}, "price_ht"),
        ({"price_ht": "Infinity"}, "price_ht"),
        ({"days": "0.4"}, "days"),
        ({"days": "1.25"}, "days"),
        ({"method": "  "}, "method"),
    ],
)
def test_bad_input_is_refused_by_field(fields: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(TeamFactory(), **fields)
    assert field in caught.value.message_dict
    assert not Offer.objects.exists()


def test_commons_lines_are_stored_and_checked() -> None:
    wiki, forum = CommonFactory(), CommonFactory()
    offer = submit(
        TeamFactory(),
        commons_lines=[
            {"common": wiki, "amount_ht": "300", "purpose": "Documenter"},
            {"common": forum.slug, "amount_ht": "0", "purpose": ""},
            {"common": "", "amount_ht": "", "purpose": ""},
        ],
    )
    assert {(line.common, line.amount_ht) for line in offer.commons_lines.all()} == {
        (wiki, Decimal("300.00")),
        (forum, Decimal("0.00")),
    }


@pytest.mark.parametrize(
    "lines",
    [
        [{"common": "inconnu", "amount_ht": "1"}],
        [{"common": "c", "amount_ht": "-1"}],
        [{"common": "c", "amount_ht": "1"}, {"common": "c", "amount_ht": "2"}],
        [{"common": "inactive", "amount_ht": "1"}],
        [{"common": "c", "amount_ht": "x"}],
    ],
)
def test_bad_commons_lines_are_refused(lines: list[dict[str, str]]) -> None:
    CommonFactory(slug="c")
    CommonFactory(slug="inactive", is_active=False)
    with pytest.raises(ValidationError) as caught:
        submit(TeamFactory(), commons_lines=lines)
    assert "commons_lines" in caught.value.message_dict
    assert not Offer.objects.exists()
    assert not OfferCommonsLine.objects.exists()


def test_files_are_checked_and_names_in_the_anonymised_file_warn_the_team() -> None:
    team = TeamFactory(lead=consultant(first_name="Rosalie", last_name="Quenard"))
    with pytest.raises(ValidationError) as caught:
        submit(team, method_file=SimpleUploadedFile("m.png", b"\x89PNG\r\n\x1a\nxxxx"))
    assert "method_file" in caught.value.message_dict
    offer = submit(
        team,
        method_file=SimpleUploadedFile("m.txt", "Méthode de Rosalie Quenard".encode()),
        anonymised_method_file=SimpleUploadedFile("a.txt", "Méthode de R. QUENARD".encode()),
    )
    assert offer.name_warnings == ["Quenard"]
    services.offer_replace_anonymised_file(
        actor=team.lead.user, offer=offer, file=SimpleUploadedFile("b.txt", b"Methode de [...]")
    )
    offer.refresh_from_db()
    assert offer.name_warnings == []
    assert offer.anonymised_method_file.read() == b"Methode de [...]"


def test_the_anonymised_presentation_strips_members_and_their_organizations() -> None:
    lead = consultant(first_name="Gaspard", last_name="Olivereau")
    team = TeamFactory(lead=lead, name="Les Olivereau")
    other = consultant(first_name="Maëlle", last_name="Kerbrat")
    add_member(team, other)
    organization = OrganizationFactory(name="Atelier Sorbier")
    OrganizationMembership.objects.create(organization=organization, person=other)
    offer = submit(
        team,
        method="Gaspard et maelle kerbrat, de l'atelier sorbier, avec Les Olivereau.",
        references=f"Voir {lead.slug}.",
        commons_lines=[{"common": CommonFactory(), "amount_ht": "10", "purpose": "Pour Gaspard"}],
    )
    anon = selectors.offer_anonymised(offer)
    assert anon.method == "[…] et […], de l'[…], avec […]."
    assert anon.references == "Voir […]."
    assert anon.commons_lines[0].purpose == "Pour […]"
    assert (anon.label, anon.price_ht, anon.file) == (offer.label, offer.price_ht, None)


def test_who_sees_what_of_an_offer() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    offer = submit(team)
    outsider, steward = consultant(), StewardFactory()
    request = team.request

    def access(person: Any) -> OfferAccess:
        return offer_access(offer_audience(person.user, request), offer)

    assert access(team.lead) == access(member) == access(steward) == OfferAccess.FULL
    assert access(outsider) == OfferAccess.LABEL
    from tests.factories.network import PersonFactory

    assert access(PersonFactory()) == OfferAccess.NONE
    Award.objects.create(
        request=request, offer=offer, mode="delegated", reasons="r", awarded_at=timezone.now()
    )
    assert access(consultant()) == OfferAccess.AWARDED


def test_the_section_shows_labels_to_the_circle_and_rows_to_the_team() -> None:
    team = TeamFactory()
    submit(team)
    other = TeamFactory(request=team.request)
    view = selectors.offers_view(actor=other.lead.user, support_request=team.request)
    assert view.live_count == 1
    assert len(view.labels) == 1
    assert view.visible == []
    assert view.can_submit
    mine = selectors.offers_view(actor=team.lead.user, support_request=team.request)
    assert len(mine.visible) == 1
    assert not mine.can_submit
