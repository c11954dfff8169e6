"""Publishing charter versions, signing the current one, the default text."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.models import CharterSignature, CharterVersion, EngagementCheck
from cercle.membership.selectors.charter import charter_current, charter_status_for, resign_list
from cercle.membership.services.charter import (
    DEFAULT_ENGAGEMENTS,
    charter_seed_default,
    charter_sign,
    charter_version_publish,
)
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    MemberFactory,
)
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

ENGAGEMENTS = [
    {"code": "inform", "title": "Informer", "text": "Je préviens le réseau."},
    {"code": "share", "title": "Partager", "text": "Je partage ce que je produis."},
]


def publish(steward: Any, **overrides: Any) -> CharterVersion:
    values: dict[str, Any] = {
        "title": "Charte",
        "preamble": "Préambule",
        "closing": "J'accepte.",
        "engagements": ENGAGEMENTS,
        **overrides,
    }
    return charter_version_publish(actor=steward.user, **values)


def sign(person: Any, number: int | None, listing: bool = True, follow: bool = True) -> Any:
    return charter_sign(
        actor=person.user,
        version_number=number,
        consents_to_listing=listing,
        mandates_follow_up=follow,
    )


def test_a_steward_publishes_numbered_versions_and_the_newest_is_current() -> None:
    """Versions are numbered 1, 2…; the newest is current; each publication is journaled
    publicly with its engagement codes."""
    steward = StewardFactory()
    first = publish(steward)
    second = publish(steward, title="Charte révisée")
    assert (first.number, second.number) == (1, 2)
    current = charter_current()
    assert current is not None
    assert current.pk == second.pk
    assert [e.code for e in current.engagements.all()] == ["inform", "share"]
    entry = JournalEntry.objects.filter(verb="charter.published").order_by("-seq").first()
    assert entry is not None
    assert entry.visibility == "public"
    assert entry.payload["engagements"] == ["inform", "share"]


def test_only_stewards_publish() -> None:
    """A member who is not a steward is refused and nothing is created."""
    with pytest.raises(NotAllowed):
        publish(MemberFactory())
    assert not CharterVersion.objects.exists()


@pytest.mark.parametrize(
    ("engagements", "fragment"),
    [
        ([], "at least one engagement"),
        (
            [{"code": "a", "title": "A", "text": "x"}, {"code": "a", "title": "B", "text": "y"}],
            "twice",
        ),
        ([{"code": "not a slug!", "title": "A", "text": "x"}], "Engagement 1"),
        ([{"code": "a", "title": "", "text": "x"}], "Engagement 1"),
    ],
)
def test_bad_engagements_are_refused_with_a_field_error(
    engagements: list[dict[str, str]], fragment: str
) -> None:
    """Missing, duplicated or malformed engagements give errors under `engagements`."""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        publish(StewardFactory(), engagements=engagements)
    assert "engagements" in error.value.message_dict
    assert fragment in " ".join(error.value.message_dict["engagements"])
    assert not CharterVersion.objects.exists()


def test_a_version_needs_a_title_and_a_consent_text() -> None:
    with pytest.raises(ValidationError) as error:
        publish(StewardFactory(), title="", closing="")
    assert {"title", "closing"} <= set(error.value.message_dict)


def test_a_member_signs_the_current_version_with_both_consents() -> None:
    """The signature records both consents and is journaled for members."""
    version = publish(StewardFactory())
    member = MemberFactory()
    signature = sign(member, version.number)
    assert signature.version == version
    assert signature.consents_to_listing
    assert signature.mandates_follow_up
    status = charter_status_for(person=member, current=version)
    assert status.signed_current
    assert not status.needs_resign
    assert JournalEntry.objects.filter(verb="charter.signed", subject=member.user).exists()


@pytest.mark.parametrize(
    ("listing", "follow", "fields"),
    [
        (False, True, {"consents_to_listing"}),
        (True, False, {"mandates_follow_up"}),
        (False, False, {"consents_to_listing", "mandates_follow_up"}),
    ],
)
def test_both_consents_are_required(listing: bool, follow: bool, fields: set[str]) -> None:
    version = publish(StewardFactory())
    member = MemberFactory()
    with pytest.raises(ValidationError) as error:
        sign(member, version.number, listing, follow)
    assert set(error.value.message_dict) == fields
    assert not CharterSignature.objects.exists()


def test_signing_an_outdated_version_is_refused_with_a_clear_message() -> None:
    """A form loaded before a newer publication carries the old number: refused, in
    French by default, naming the current version."""
    steward = StewardFactory()
    old = publish(steward)
    publish(steward)
    member = MemberFactory()
    with pytest.raises(ValidationError) as error:
        sign(member, old.number)
    message = error.value.message_dict["version"][0]
    assert "2" in message
    assert "version" in message.lower()
    assert not CharterSignature.objects.exists()


def test_signing_before_any_publication_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        sign(MemberFactory(), 1)
    assert "version" in error.value.message_dict


def test_signing_twice_is_refused() -> None:
    version = publish(StewardFactory())
    member = MemberFactory()
    sign(member, version.number)
    with pytest.raises(ValidationError):
        sign(member, version.number)
    assert CharterSignature.objects.filter(person=member).count() == 1


def test_a_non_member_cannot_sign() -> None:
    version = publish(StewardFactory())
    with pytest.raises(NotAllowed):
        sign(PersonFactory(), version.number)


def test_a_new_version_marks_earlier_signatories_to_re_sign_and_emails_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """After a new publication, earlier signatories are "to re-sign" and get an e-mail;
    people who never signed get nothing."""
    steward = StewardFactory()
    first = publish(steward)
    signer, other = MemberFactory(), MemberFactory()
    sign(signer, first.number)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = publish(steward)
    assert list(resign_list()) == [signer]
    assert charter_status_for(person=signer, current=second).needs_resign
    assert [m.to for m in mail.outbox] == [[signer.user.email]]
    assert "2" in mail.outbox[0].body
    assert other.user.email not in {m.to[0] for m in mail.outbox}
    sign(signer, second.number)
    assert not resign_list().exists()


def test_re_signing_while_in_the_circle_adds_checks_for_new_engagements() -> None:
    """A circle member who signs a version with a new engagement gets it to follow."""
    steward = StewardFactory()
    first = publish(steward)
    member = MemberFactory()
    sign(member, first.number)
    CircleMembershipFactory(person=member)
    publish(steward, engagements=[*ENGAGEMENTS, {"code": "meet", "title": "R", "text": "t"}])
    sign(member, 2)
    codes = set(
        EngagementCheck.objects.filter(person=member).values_list("engagement_code", flat=True)
    )
    assert "meet" in codes


def test_the_default_charter_is_published_once_in_french() -> None:
    """`charter_seed_default` publishes five French engagements, then does nothing."""
    steward = StewardFactory()
    version = charter_seed_default(actor=steward.user)
    again = charter_seed_default(actor=steward.user)
    assert again.pk == version.pk
    assert CharterVersion.objects.count() == 1
    engagements = list(version.engagements.all())
    assert len(engagements) == 5 == len(DEFAULT_ENGAGEMENTS)
    assert "réseau" in engagements[0].text
    assert "public" in version.closing


def test_the_seed_keeps_an_existing_charter() -> None:
    existing = CharterVersionFactory()
    assert charter_seed_default(actor=StewardFactory().user).pk == existing.pk


def test_status_of_someone_who_never_signed() -> None:
    version = CharterVersionFactory()
    status = charter_status_for(person=MemberFactory(), current=version)
    assert not status.has_signed
    assert not status.needs_resign
    assert not status.signed_current


def test_an_older_signature_needs_re_signing() -> None:
    old = CharterVersionFactory()
    new = CharterVersionFactory()
    signature = CharterSignatureFactory(version=old)
    assert charter_status_for(person=signature.person, current=new).needs_resign
    assert list(resign_list()) == [signature.person]
    assert resign_list().get().last_signed_number == old.number
