"""Adhesion menus: stewards maintain them; the default menus seed once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.enums import ContributionKind, MenuSection
from cercle.membership.models import MenuItem
from cercle.membership.services import menus as services
from cercle.network.enums import ActorType
from tests.factories.membership_contracts import ContributionItemFactory, MenuItemFactory
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def test_a_steward_creates_a_contribution_item_at_the_end_of_its_menu() -> None:
    steward = StewardFactory()
    MenuItemFactory(
        actor_type=ActorType.PRESTATAIRE,
        section=MenuSection.CONTRIBUTION,
        contribution_kind=ContributionKind.DONATION,
        position=4,
    )
    item = services.menu_item_create(
        actor=steward.user,
        actor_type=ActorType.PRESTATAIRE,
        section=MenuSection.CONTRIBUTION,
        label="  Reverser une part du chiffre d'affaires  ",
        contribution_kind=ContributionKind.TURNOVER_SHARE,
        rate_percent=Decimal("5"),
    )
    assert item.label == "Reverser une part du chiffre d'affaires"
    assert item.position == 5
    assert item.rate_percent == Decimal("5")
    assert JournalEntry.objects.filter(verb="menu_item.created", object_id=str(item.uuid)).exists()


def test_only_stewards_maintain_menus() -> None:
    person = PersonFactory(engagement_level="contributeur")
    item = MenuItemFactory()
    with pytest.raises(NotAllowed):
        services.menu_item_create(
            actor=person.user, actor_type=ActorType.CITOYEN, section="need", label="X"
        )
    with pytest.raises(NotAllowed):
        services.menu_item_update(actor=person.user, item=item, label="Y")
    with pytest.raises(NotAllowed):
        services.menu_item_move(actor=person.user, item=item, offset=1)
    with pytest.raises(NotAllowed):
        services.menu_seed_defaults(actor=person.user)
    assert MenuItem.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"section": "need", "contribution_kind": ContributionKind.DONATION}, "contribution_kind"),
        ({"section": "need", "rate_percent": Decimal("5")}, "rate_percent"),
        ({"section": "engagement", "amount_ht": Decimal("5")}, "amount_ht"),
        ({"section": "contribution"}, "contribution_kind"),
        (
            {
                "section": "contribution",
                "contribution_kind": "donation",
                "rate_percent": Decimal("150"),
            },
            "rate_percent",
        ),
        (
            {
                "section": "contribution",
                "contribution_kind": "donation",
                "amount_ht": Decimal("-1"),
            },
            "amount_ht",
        ),
        ({"section": "nowhere"}, "section"),
        ({"section": "need", "label": ""}, "label"),
    ],
)
def test_bad_items_are_refused_with_a_field_error(fields: dict, field: str) -> None:
    steward = StewardFactory()
    data = {"label": "Un item", **fields}
    with pytest.raises(ValidationError) as error:
        services.menu_item_create(actor=steward.user, actor_type=ActorType.CITOYEN, **data)
    assert field in error.value.message_dict
    assert not MenuItem.objects.exists()


def test_labels_are_unique_within_a_menu() -> None:
    steward = StewardFactory()
    existing = MenuItemFactory(label="Se rencontrer")
    with pytest.raises(ValidationError) as error:
        services.menu_item_create(
            actor=steward.user,
            actor_type=existing.actor_type,
            section=existing.section,
            label="Se rencontrer",
        )
    assert "label" in error.value.message_dict
    # The same label in another actor type's menu is fine.
    services.menu_item_create(
        actor=steward.user,
        actor_type=ActorType.ENTREPRISE,
        section=existing.section,
        label="Se rencontrer",
    )


def test_update_changes_only_known_fields_and_keeps_section() -> None:
    steward = StewardFactory()
    item = ContributionItemFactory()
    with pytest.raises(ValidationError) as error:
        services.menu_item_update(actor=steward.user, item=item, section="need")
    assert "section" in error.value.message_dict
    services.menu_item_update(
        actor=steward.user,
        item=item,
        label="Cotisation",
        is_free_text=True,
        amount_ht=Decimal("12.50"),
    )
    item.refresh_from_db()
    assert (item.label, item.is_free_text, item.amount_ht) == ("Cotisation", True, Decimal("12.50"))
    assert item.section == MenuSection.CONTRIBUTION


def test_moving_reorders_and_renumbers_the_menu() -> None:
    steward = StewardFactory()
    a, b, c = (MenuItemFactory(position=p) for p in (10, 20, 30))
    services.menu_item_move(actor=steward.user, item=c, offset=-1)
    order = list(MenuItem.objects.order_by("position").values_list("pk", flat=True))
    assert order == [a.pk, c.pk, b.pk]
    assert list(MenuItem.objects.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    services.menu_item_move(actor=steward.user, item=a, offset=-1)  # already first: no change
    assert list(MenuItem.objects.order_by("position").values_list("pk", flat=True)) == order


def test_withdrawing_and_offering_again() -> None:
    steward = StewardFactory()
    item = MenuItemFactory()
    services.menu_item_set_active(actor=steward.user, item=item, active=False)
    item.refresh_from_db()
    assert not item.is_active
    services.menu_item_set_active(actor=steward.user, item=item, active=True)
    item.refresh_from_db()
    assert item.is_active


def test_default_menus_cover_every_actor_type_and_seed_once() -> None:
    created = services.menu_seed_defaults(actor=None)
    assert created == MenuItem.objects.count() > 0
    for actor_type in ActorType.values:
        sections = set(
            MenuItem.objects.filter(actor_type=actor_type).values_list("section", flat=True)
        )
        assert sections == set(MenuSection.values), actor_type
        other = MenuItem.objects.filter(
            actor_type=actor_type, section="contribution", is_free_text=True
        )
        assert other.exists(), actor_type
    provider_share = MenuItem.objects.get(
        actor_type=ActorType.PRESTATAIRE, contribution_kind=ContributionKind.TURNOVER_SHARE
    )
    assert provider_share.rate_percent == Decimal("5")
    assert services.menu_seed_defaults(actor=StewardFactory().user) == 0
    assert MenuItem.objects.count() == created


def test_seeding_keeps_stewards_edits_and_fills_what_is_missing() -> None:
    services.menu_seed_defaults(actor=None)
    steward = StewardFactory()
    first = MenuItem.objects.filter(actor_type=ActorType.CITOYEN).order_by("position").first()
    assert first is not None
    services.menu_item_update(actor=steward.user, item=first, help_text="Précision")
    MenuItem.objects.filter(actor_type=ActorType.ENTREPRISE).delete()
    added = services.menu_seed_defaults(actor=None)
    first.refresh_from_db()
    assert first.help_text == "Précision"
    assert added == MenuItem.objects.filter(actor_type=ActorType.ENTREPRISE).count() > 0
