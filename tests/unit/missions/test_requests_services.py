"""Services of requests: intake, confirmation, stewards' form, qualification, cancel."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.core.signed_links import make_token
from cercle.missions.enums import RequestScope, RequestSource, RequestStatus, SelectionMode
from cercle.missions.models import Criterion, PanelInvitation, RequestDocument, SupportRequest
from cercle.missions.services import requests as services
from cercle.missions.services import requests_qualification as qualification
from tests.factories.core import notified_emails
from tests.factories.missions import (
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import (
    MemberOrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    SkillFactory,
    StewardFactory,
)

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def captured(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


def pdf(name: str = "cahier.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 un cahier des charges", "application/pdf")


def fields(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Faire vivre la Fabrique du Marais",
        "description": "Un tiers-lieu rural cherche un modèle économique.",
        "client_name": "Association La Fabrique du Marais",
        "contact_name": "Odile Parmentier",
        "contact_email": "odile@fabrique-marais.example",
        "contact_phone": "03 20 00 00 00",
        "territory_code": "59",
        "budget_min_ht": "5000",
        "budget_max_ht": Decimal("9000.555"),
        "offers_deadline": timezone.now() + datetime.timedelta(days=20),
        "desired_start": None,
        "skills": [],
    }
    base.update(overrides)
    return base


GRID = [
    {"name": "Prix", "weight": 30, "is_price": True},
    {"name": "Méthode", "weight": 50, "is_price": False},
    {"name": "Références", "weight": 20, "is_price": False},
]


# ---------------------------------------------------------------- public intake


def test_public_submission_is_unconfirmed_and_mails_a_confirmation_link(captured: Any) -> None:
    skill = SkillFactory()
    with_docs = fields(skills=[skill.slug], documents=[pdf(), pdf("plan.pdf")])
    with captured(execute=True):
        support_request = services.request_submit_public(**with_docs)
    assert support_request.status == RequestStatus.UNCONFIRMED
    assert support_request.budget_max_ht == Decimal("9000.56")
    assert support_request.source == RequestSource.DIRECT
    assert list(support_request.required_skills.all()) == [skill]
    assert RequestDocument.objects.filter(request=support_request).count() == 2
    assert [m.to for m in mail.outbox] == [["odile@fabrique-marais.example"]]
    assert f"/demandes/{support_request.uuid}/confirmer/" in mail.outbox[0].body
    assert JournalEntry.objects.filter(verb="request.submitted", visibility="private").exists()


def test_public_submission_refuses_bad_input_and_keeps_nothing() -> None:
    withdrawn = SkillFactory(is_active=False)
    with pytest.raises(ValidationError) as error:
        services.request_submit_public(
            **fields(
                budget_min_ht="9000",
                budget_max_ht="100",
                offers_deadline=timezone.now() - datetime.timedelta(hours=1),
                territory_code="99",
                skills=[withdrawn.slug],
                contact_email="pas-un-courriel",
                title="",
            )
        )
    errors = error.value.message_dict
    assert set(errors) >= {
        "budget_max_ht",
        "offers_deadline",
        "territory",
        "skills",
        "contact_email",
        "title",
    }
    assert fr("The deadline for offers must be in the future.") in errors["offers_deadline"]
    assert not SupportRequest.objects.exists()
    assert mail.outbox == []


def test_documents_are_checked_by_content_and_count() -> None:
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00\x03binary", "application/pdf")
    with pytest.raises(ValidationError) as error:
        services.request_submit_public(**fields(documents=[fake]))
    assert "virus.pdf" in error.value.message_dict["documents"][0]
    with pytest.raises(ValidationError) as error:
        services.request_submit_public(**fields(documents=[pdf(f"d{i}.pdf") for i in range(6)]))
    assert "documents" in error.value.message_dict
    assert not SupportRequest.objects.exists()


def test_confirmation_makes_the_request_visible_notifies_and_invites_the_panel(
    captured: Any,
) -> None:
    skill = SkillFactory()
    fitting = consultant(skills=[skill])
    consultant(skills=[SkillFactory()])  # does not fit
    steward = StewardFactory()
    support_request = services.request_submit_public(**fields(skills=[skill.slug]))
    mail.outbox.clear()
    token = make_token("request-confirm", str(support_request.uuid))
    with captured(execute=True):
        confirmed = services.request_confirm(support_request=support_request, token=token)
    assert confirmed.status == RequestStatus.NEW
    assert confirmed.confirmed_at is not None
    assert JournalEntry.objects.filter(verb="request.confirmed", visibility="members").exists()
    assert list(PanelInvitation.objects.values_list("person", flat=True)) == [fitting.pk]
    recipients = set(notified_emails())
    assert fitting.user.email in recipients
    assert steward.user.email in recipients
    # Twice is harmless.
    count = len(notified_emails())
    with captured(execute=True):
        again = services.request_confirm(support_request=confirmed, token=token)
    assert again.status == RequestStatus.NEW
    assert len(notified_emails()) == count
    assert JournalEntry.objects.filter(verb="request.confirmed").count() == 1


def test_confirmation_refuses_a_token_for_another_request() -> None:
    one = services.request_submit_public(**fields())
    other = services.request_submit_public(**fields())
    token = make_token("request-confirm", str(other.uuid))
    with pytest.raises(NotAllowed):
        services.request_confirm(support_request=one, token=token)
    one.refresh_from_db()
    assert one.status == RequestStatus.UNCONFIRMED


# ---------------------------------------------------------------- stewards' form


def test_steward_files_a_request_new_at_once() -> None:
    steward = StewardFactory()
    organization = MemberOrganizationFactory()
    insider = consultant()
    OrganizationMembershipFactory(organization=organization, person=insider)
    outsider = consultant()
    created = services.request_create(
        actor=steward.user,
        **fields(client_name="", source=RequestSource.PARTNER),
        client_organization=organization.slug,
    )
    assert created.status == RequestStatus.NEW
    assert created.client_name == organization.name
    assert created.submitted_by == steward
    invited = set(PanelInvitation.objects.values_list("person", flat=True))
    assert outsider.pk in invited
    assert insider.pk not in invited  # people of the client are not asked


def test_only_stewards_file_requests() -> None:
    with pytest.raises(NotAllowed):
        services.request_create(actor=consultant().user, **fields())
    assert not SupportRequest.objects.exists()


def test_steward_form_refuses_an_unknown_organization_and_source() -> None:
    with pytest.raises(ValidationError) as error:
        services.request_create(
            actor=StewardFactory().user,
            **fields(source="rumour"),
            client_organization="inconnue",
        )
    assert {"client_organization", "source"} <= set(error.value.message_dict)


# ---------------------------------------------------------------- qualification


def qualify(support_request: SupportRequest, **overrides: Any) -> SupportRequest:
    kwargs: dict[str, Any] = {
        "actor": StewardFactory().user,
        "support_request": support_request,
        "scope": RequestScope.LOCAL,
        "selection_mode": SelectionMode.DELEGATED,
        "criteria": GRID,
        "offers_deadline": timezone.now() + datetime.timedelta(days=10),
    }
    kwargs.update(overrides)
    return qualification.request_qualify(**kwargs)


def test_qualification_sets_the_grid_and_journals() -> None:
    support_request = SupportRequestFactory()
    done = qualify(support_request)
    assert done.status == RequestStatus.QUALIFIED
    assert [(c.name, c.weight, c.is_price) for c in done.criteria.all()] == [
        ("Prix", 30, True),
        ("Méthode", 50, False),
        ("Références", 20, False),
    ]
    assert JournalEntry.objects.filter(verb="request.qualified").exists()


def test_structuring_needs_a_subsidiarity_note() -> None:
    support_request = SupportRequestFactory()
    with pytest.raises(ValidationError) as error:
        qualify(support_request, scope=RequestScope.STRUCTURING)
    assert "subsidiarity_note" in error.value.message_dict
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.NEW
    done = qualify(
        support_request, scope=RequestScope.STRUCTURING, subsidiarity_note="Trois régions."
    )
    assert done.subsidiarity_note == "Trois régions."


def test_weights_must_sum_to_exactly_100_and_errors_name_the_row() -> None:
    support_request = SupportRequestFactory()
    bad = [
        {"name": "Prix", "weight": 30, "is_price": True},
        {"name": "", "weight": 50},
        {"name": "Délais", "weight": 0},
    ]
    with pytest.raises(ValidationError) as error:
        qualify(support_request, criteria=bad)
    messages = error.value.message_dict["criteria"]
    with translation.override("fr"):
        assert gettext("Criterion %(n)s: give it a name.") % {"n": 2} in messages
        assert (
            gettext("Criterion %(n)s: the weight must be a whole number from 1 to 100.") % {"n": 3}
            in messages
        )
    with pytest.raises(ValidationError) as error:
        qualify(support_request, criteria=[{"name": "Méthode", "weight": 90}])
    assert "90" in error.value.message_dict["criteria"][0]
    two_prices = [
        {"name": "Prix", "weight": 50, "is_price": True},
        {"name": "Coût", "weight": 50, "is_price": True},
    ]
    with pytest.raises(ValidationError):
        qualify(support_request, criteria=two_prices)
    with pytest.raises(ValidationError):
        qualify(support_request, criteria=[])
    assert not Criterion.objects.exists()


def test_requalification_is_refused_once_an_offer_is_submitted() -> None:
    support_request = QualifiedRequestFactory()
    requalified = qualify(support_request, criteria=[{"name": "Méthode", "weight": 100}])
    assert requalified.criteria.count() == 1
    OfferFactory(team=TeamFactory(request=support_request))
    with pytest.raises(Conflict):
        qualify(support_request)
    assert support_request.criteria.count() == 1


def test_qualification_is_refused_for_others_and_in_other_states() -> None:
    with pytest.raises(NotAllowed):
        qualify(SupportRequestFactory(), actor=consultant().user)
    with pytest.raises(InvalidTransition):
        qualify(SupportRequestFactory(status=RequestStatus.CANCELLED))
    with pytest.raises(ValidationError):
        qualify(SupportRequestFactory(), offers_deadline=timezone.now())


# ---------------------------------------------------------------- cancellation


def test_cancel_needs_a_reason_and_a_steward() -> None:
    support_request = SupportRequestFactory()
    steward = StewardFactory()
    with pytest.raises(ValidationError):
        qualification.request_cancel(
            actor=steward.user, support_request=support_request, reason=" "
        )
    with pytest.raises(NotAllowed):
        qualification.request_cancel(
            actor=PersonFactory().user, support_request=support_request, reason="Doublon."
        )
    done = qualification.request_cancel(
        actor=steward.user, support_request=support_request, reason="Doublon."
    )
    assert done.status == RequestStatus.CANCELLED
    entry = JournalEntry.objects.get(verb="request.cancelled")
    assert entry.payload["reason"] == "Doublon."
    with pytest.raises(InvalidTransition):
        qualification.request_cancel(actor=steward.user, support_request=done, reason="Encore.")


def test_documents_added_by_a_steward_up_to_five() -> None:
    support_request = SupportRequestFactory()
    steward = StewardFactory()
    added = services.request_documents_add(
        actor=steward.user, support_request=support_request, documents=[pdf(), pdf("b.pdf")]
    )
    assert len(added) == 2
    with pytest.raises(ValidationError):
        services.request_documents_add(
            actor=steward.user,
            support_request=support_request,
            documents=[pdf(f"{i}.pdf") for i in range(4)],
        )
    assert support_request.documents.count() == 2
