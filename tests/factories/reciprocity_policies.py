"""Factories for contribution policies: the guide, missions awarded through the circle's
award service (so their contribution and commons pledges are recorded as in life),
turnover declarations, contributions in kind and animation time."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cercle.commons.models import Common
from cercle.core.signed_links import make_token
from cercle.membership.enums import ContributionKind
from cercle.missions.enums import RequestScope, SelectionMode
from cercle.missions.models import Mission, OfferCommonsLine
from cercle.missions.services import selection_award as award_services
from cercle.network.models import Person
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.models import (
    AnimationTime,
    ContributionSettings,
    GuideSituation,
    InKindContribution,
    TurnoverDeclaration,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import OfferFactory, QualifiedRequestFactory, TeamFactory, consultant
from tests.factories.network import StewardFactory


class GuideSituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideSituation

    title = factory.Sequence(lambda n: f"Situation n°{n}")
    description = "Une première mission sur un territoire où le réseau est peu présent."
    suggested_min_percent = Decimal("2")
    suggested_max_percent = Decimal("6")
    position = factory.Sequence(lambda n: n)


def awarded_mission(
    *,
    policy: str | None = None,
    scope: str = RequestScope.LOCAL,
    price_ht: Decimal = Decimal("12000.00"),
    lead: Person | None = None,
    commons: list[tuple[Common, Decimal]] = (),  # type: ignore[assignment]
) -> Mission:
    """A mission awarded by the client's choice through `award_client`: the award
    records the default policy of `scope` (set to `policy` first when given) and posts
    the commons budget lines (`commons`: (common, amount) pairs)."""
    if policy is not None:
        settings, _created = ContributionSettings.objects.get_or_create(id=1)
        field = (
            "default_policy_local" if scope == RequestScope.LOCAL else "default_policy_structuring"
        )
        setattr(settings, field, policy)
        settings.save()
    request = QualifiedRequestFactory(
        scope=scope,
        selection_mode=SelectionMode.CLIENT,
        offers_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    team = TeamFactory(request=request, lead=lead or consultant())
    offer = OfferFactory(team=team, request=request, price_ht=price_ht)
    for common, amount in commons:
        OfferCommonsLine.objects.create(offer=offer, common=common, amount_ht=amount)
    token = make_token(award_services.CLIENT_LINK_PURPOSE, str(request.uuid))
    award_services.award_client(
        token=token, request=request, offer_uuid=offer.uuid, reasons="La meilleure méthode."
    )
    return Mission.objects.select_related("request", "lead__user", "team").get(request=request)


class TurnoverDeclarationFactory(factory.django.DjangoModelFactory):
    """A first declaration (no `replaces`); pass `mission=`."""

    class Meta:
        model = TurnoverDeclaration

    amount_ht = Decimal("12000.00")
    declared_by = factory.LazyAttribute(lambda o: o.mission.lead)
    declared_at = factory.LazyFunction(timezone.now)


class InKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InKindContribution

    person = factory.SubFactory(MemberFactory)
    kind = ContributionKind.IN_KIND_EVENT
    hours = Decimal("3.00")
    description = "Animation d'un apéro-communs au tiers-lieu."
    done_on = factory.LazyFunction(timezone.localdate)
    status = InKindStatus.PENDING


class AnimationTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnimationTime

    steward = factory.SubFactory(StewardFactory)
    project = factory.Sequence(lambda n: f"Projet de lieu n°{n}")
    hours = Decimal("2.00")
    done_on = factory.LazyFunction(timezone.localdate)
