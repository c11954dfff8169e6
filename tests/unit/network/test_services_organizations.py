"""Organizations: creation, edition, SIRET and territory checks, people and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.network import services
from cercle.network.enums import OrganizationRole
from cercle.network.models import Organization, OrganizationMembership
from tests.factories.network import (
    OrganizationAdminFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"  # Luhn-valid
LA_POSTE_SIRET = "35600000000010"  # La Poste: digit sum a multiple of 5, not Luhn


def _create(actor: Any, **changes: Any) -> Organization:
    values = {
        "name": "La Fabrique",
        "actor_type": "tiers_lieu",
        "territory_code": "59350",
        "siret": "",
        "description": "Un tiers-lieu",
        "website": "https://fabrique.example.org",
    } | changes
    return services.organization_create(actor=actor.user, **values)


def test_the_creator_becomes_administrator(non_member: Any) -> None:
    organization = _create(non_member, siret="732 829 320 00074")
    assert organization.siret == VALID_SIRET
    assert organization.territory_id == "59350"
    membership = OrganizationMembership.objects.get(organization=organization)
    assert (membership.person, membership.role) == (non_member, OrganizationRole.ADMIN)
    assert JournalEntry.objects.filter(verb="organization.created").count() == 1


def test_la_poste_siret_is_accepted(non_member: Any) -> None:
    assert _create(non_member, siret=LA_POSTE_SIRET).siret == LA_POSTE_SIRET


def test_reserved_words_are_not_used_as_slugs(non_member: Any) -> None:
    """'nouvelle' is the creation page's address, so an organization cannot take it."""
    assert _create(non_member, name="Nouvelle").slug == "nouvelle-2"


def test_an_empty_siret_is_stored_as_null_so_many_can_have_none(non_member: Any) -> None:
    assert _create(non_member).siret is None
    assert _create(non_member, name="Autre").siret is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"siret": "1234"}, "siret"),
        ({"siret": "73282932000075"}, "siret"),
        ({"territory_code": "99999"}, "territory_code"),
        ({"territory_code": "Lille"}, "territory_code"),
        ({"territory_code": ""}, "territory_code"),
        ({"actor_type": "pirate"}, "actor_type"),
        ({"name": "   "}, "name"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_bad_input_creates_nothing(non_member: Any, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        _create(non_member, **changes)
    assert field in error.value.message_dict
    assert not Organization.objects.exists()
    assert not OrganizationMembership.objects.exists()
    assert not JournalEntry.objects.filter(verb="organization.created").exists()


def test_a_duplicate_siret_is_a_field_error_not_a_crash(non_member: Any) -> None:
    _create(non_member, siret=VALID_SIRET)
    with pytest.raises(ValidationError) as error:
        _create(non_member, name="Copie", siret=VALID_SIRET)
    assert error.value.message_dict["siret"] == [
        gettext("Another organization already uses this SIRET number.")
    ]
    assert Organization.objects.count() == 1


def test_an_admin_edits_the_organization(non_member: Any) -> None:
    organization = _create(non_member)
    services.organization_update(
        actor=non_member.user,
        organization=organization,
        name="La Fabrique du Nord",
        actor_type="association",
        territory_code="59",
        siret=VALID_SIRET,
        description="",
        website="",
    )
    organization.refresh_from_db()
    assert (organization.name, organization.actor_type, organization.territory_id) == (
        "La Fabrique du Nord",
        "association",
        "59",
    )
    assert organization.slug == "la-fabrique"
    entry = JournalEntry.objects.get(verb="organization.updated")
    assert set(entry.payload["fields"]) >= {"name", "actor_type", "territory", "siret"}


def test_keeping_ones_own_siret_is_not_a_duplicate(non_member: Any) -> None:
    organization = _create(non_member, siret=VALID_SIRET)
    services.organization_update(
        actor=non_member.user,
        organization=organization,
        name="Renamed",
        actor_type="tiers_lieu",
        territory_code="59350",
        siret=VALID_SIRET,
    )
    assert Organization.objects.get().name == "Renamed"


def test_editing_to_a_taken_siret_changes_nothing(non_member: Any) -> None:
    OrganizationFactory(siret=VALID_SIRET)
    organization = _create(non_member)
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            actor=non_member.user,
            organization=organization,
            name="Renamed",
            actor_type="tiers_lieu",
            territory_code="59350",
            siret=VALID_SIRET,
        )
    assert "siret" in error.value.message_dict
    assert Organization.objects.get(pk=organization.pk).name == "La Fabrique"


def test_only_admins_edit(steward: Any) -> None:
    organization = OrganizationFactory()
    plain = OrganizationMembershipFactory(organization=organization).person
    for person in (steward, plain):
        with pytest.raises(NotAllowed):
            services.organization_update(
                actor=person.user,
                organization=organization,
                name="Hijacked",
                actor_type="tiers_lieu",
                territory_code="59",
            )
    assert Organization.objects.get(pk=organization.pk).name != "Hijacked"


def test_admin_adds_a_person_by_email_and_sets_roles() -> None:
    admin = OrganizationAdminFactory()
    organization = admin.organization
    newcomer = PersonFactory(user__email="newcomer@example.org")
    membership = services.organization_member_add(
        actor=admin.person.user, organization=organization, email=" NEWCOMER@example.org "
    )
    assert (membership.person, membership.role) == (newcomer, OrganizationRole.MEMBER)
    services.organization_member_set_role(
        actor=admin.person.user, organization=organization, person=newcomer, role="admin"
    )
    assert OrganizationMembership.objects.get(person=newcomer).role == "admin"
    verbs = set(JournalEntry.objects.values_list("verb", flat=True))
    assert {"organization.person_added", "organization.role_changed"} <= verbs


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [
        ("nobody@example.org", "member", "email"),
        ("", "member", "email"),
        ("newcomer@example.org", "king", "role"),
    ],
)
def test_bad_additions_change_nothing(email: str, role: str, field: str) -> None:
    admin = OrganizationAdminFactory()
    PersonFactory(user__email="newcomer@example.org")
    with pytest.raises(ValidationError) as error:
        services.organization_member_add(
            actor=admin.person.user, organization=admin.organization, email=email, role=role
        )
    assert field in error.value.message_dict
    assert OrganizationMembership.objects.count() == 1


def test_adding_someone_twice_is_a_field_error() -> None:
    admin = OrganizationAdminFactory()
    with pytest.raises(ValidationError) as error:
        services.organization_member_add(
            actor=admin.person.user,
            organization=admin.organization,
            email=admin.person.user.email,
        )
    assert "email" in error.value.message_dict


def test_a_plain_member_cannot_add_people() -> None:
    plain = OrganizationMembershipFactory()
    other = PersonFactory()
    with pytest.raises(NotAllowed):
        services.organization_member_add(
            actor=plain.person.user, organization=plain.organization, email=other.user.email
        )


def test_the_last_admin_cannot_step_down_or_be_removed() -> None:
    admin = OrganizationAdminFactory()
    organization, person = admin.organization, admin.person
    with pytest.raises(ValidationError) as error:
        services.organization_member_set_role(
            actor=person.user, organization=organization, person=person, role="member"
        )
    assert "role" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.organization_member_remove(
            actor=person.user, organization=organization, person=person
        )
    assert "person" in error.value.message_dict
    assert OrganizationMembership.objects.get().role == "admin"


def test_with_two_admins_one_may_leave() -> None:
    first = OrganizationAdminFactory()
    second = OrganizationAdminFactory(organization=first.organization)
    services.organization_member_remove(
        actor=first.person.user, organization=first.organization, person=first.person
    )
    assert list(OrganizationMembership.objects.values_list("person", flat=True)) == [
        second.person.pk
    ]


def test_a_member_leaves_but_cannot_remove_others() -> None:
    admin = OrganizationAdminFactory()
    plain = OrganizationMembershipFactory(organization=admin.organization)
    with pytest.raises(NotAllowed):
        services.organization_member_remove(
            actor=plain.person.user, organization=admin.organization, person=admin.person
        )
    services.organization_member_remove(
        actor=plain.person.user, organization=admin.organization, person=plain.person
    )
    assert OrganizationMembership.objects.count() == 1


def test_removing_someone_who_does_not_belong_is_a_field_error() -> None:
    admin = OrganizationAdminFactory()
    with pytest.raises(ValidationError) as error:
        services.organization_member_remove(
            actor=admin.person.user, organization=admin.organization, person=PersonFactory()
        )
    assert "person" in error.value.message_dict


def test_a_siret_race_lost_at_the_database_is_still_a_field_error(
    non_member: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests checking at once both see the SIRET free; the unique index decides,
    and the loser gets the same field error rather than an IntegrityError."""
    from cercle.network.services import organizations as module

    OrganizationFactory(siret=VALID_SIRET)
    monkeypatch.setattr(module, "_check_siret_free", lambda *a, **k: None)
    monkeypatch.setattr(Organization, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        _create(non_member, siret=VALID_SIRET)
    assert "siret" in error.value.message_dict
    assert Organization.objects.count() == 1
    assert not OrganizationMembership.objects.exists()
