"""The commons registry's rules: who adds, who edits, who deactivates, and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cercle.commons import selectors, services
from cercle.commons.models import Common
from cercle.core.errors import NotAllowed, NotFound
from cercle.core.models import JournalEntry
from tests.factories.missions import CommonFactory
from tests.factories.network import (
    ContributorFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)

pytestmark = pytest.mark.django_db


def _create(actor, **fields):  # type: ignore[no-untyped-def]
    data = {"name": "Wiki des recettes", "purpose": "Partager les recettes des lieux."}
    return services.common_create(actor=actor.user, **{**data, **fields})


def test_a_contributor_adds_a_common_and_stewards_it_by_default() -> None:
    author = ContributorFactory()
    common = _create(author, suggested_share_percent="2.5", url="https://wiki.example")
    assert common.slug == "wiki-des-recettes"
    assert list(common.stewards.all()) == [author]
    assert common.suggested_share_percent == Decimal("2.50")
    entry = JournalEntry.objects.get(verb="common.created")
    assert entry.visibility == "public"


def test_named_stewards_are_people_found_by_their_slugs() -> None:
    a, b = PersonFactory(), PersonFactory()
    common = _create(StewardFactory(), stewards=[a.slug, b.slug, a.slug])
    assert set(common.stewards.all()) == {a, b}


def test_an_unknown_steward_is_refused_and_nothing_is_created() -> None:
    with pytest.raises(ValidationError) as caught:
        _create(StewardFactory(), stewards=["personne-inconnue"])
    assert "stewards" in caught.value.message_dict
    assert not Common.objects.exists()


@pytest.mark.parametrize("share", ["101", "-1", "abc", "NaN"])
def test_a_share_outside_0_to_100_is_refused(share: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(StewardFactory(), suggested_share_percent=share)
    assert "suggested_share_percent" in caught.value.message_dict
    assert not Common.objects.exists()


def test_required_fields_and_a_bad_link() -> None:
    with pytest.raises(ValidationError) as caught:
        _create(StewardFactory(), name=" ", purpose="", url="pas une adresse")
    assert {"name", "purpose", "url"} <= set(caught.value.message_dict)


def test_two_commons_cannot_share_a_name() -> None:
    _create(StewardFactory())
    with pytest.raises(ValidationError) as caught:
        _create(StewardFactory())
    assert "name" in caught.value.message_dict
    assert Common.objects.count() == 1


def test_supporters_and_anonymous_people_cannot_add() -> None:
    with pytest.raises(NotAllowed):
        _create(SupporterFactory())
    assert not Common.objects.exists()


def test_the_common_s_stewards_and_network_stewards_edit_others_do_not() -> None:
    keeper = PersonFactory()
    common = CommonFactory()
    common.stewards.set([keeper])
    services.common_update(actor=keeper.user, common=common, purpose="Autre usage")
    services.common_update(actor=StewardFactory().user, common=common, expected_in_kind="Du temps")
    with pytest.raises(NotAllowed):
        services.common_update(actor=ContributorFactory().user, common=common, name="Pris")
    common.refresh_from_db()
    assert (common.purpose, common.expected_in_kind) == ("Autre usage", "Du temps")
    assert JournalEntry.objects.filter(verb="common.updated").count() == 2


def test_an_update_cannot_empty_the_stewards_nor_touch_other_fields() -> None:
    common = CommonFactory()
    steward = StewardFactory()
    with pytest.raises(ValidationError):
        services.common_update(actor=steward.user, common=common, stewards=[])
    with pytest.raises(ValidationError):
        services.common_update(actor=steward.user, common=common, is_active=False)


def test_only_network_stewards_deactivate_and_inactive_commons_are_hidden() -> None:
    keeper = ContributorFactory()
    common = CommonFactory()
    common.stewards.set([keeper])
    with pytest.raises(NotAllowed):
        services.common_deactivate(actor=keeper.user, common=common)
    steward = StewardFactory()
    services.common_deactivate(actor=steward.user, common=common)
    assert not Common.objects.get(pk=common.pk).is_active
    assert list(selectors.common_list(actor=keeper.user)) == []
    with pytest.raises(NotFound):
        selectors.common_get(actor=keeper.user, slug=common.slug)
    assert selectors.common_get(actor=steward.user, slug=common.slug) == common
    assert list(selectors.common_list(actor=steward.user, include_inactive=True)) == [common]
    assert selectors.common_choices() == []
    services.common_reactivate(actor=steward.user, common=common)
    assert selectors.common_choices() == [(common.pk, common.name)]
