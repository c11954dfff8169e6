"""Factories for the circle: consultants in the circle, requests, teams, offers,
evaluators, missions, tenders and commons (built without services, for tests' set-up)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from cercle.commons.models import Common
from cercle.membership.models import CharterVersion
from cercle.missions.enums import (
    MemberStatus,
    MissionStatus,
    PriceRule,
    RequestScope,
    RequestStatus,
    SelectionMode,
    TeamRole,
)
from cercle.missions.models import (
    Criterion,
    Evaluator,
    Mission,
    Offer,
    SupportRequest,
    Team,
    TeamMember,
    Tender,
)
from cercle.network.enums import Availability
from cercle.network.models import ConsultantProfile, Person, Skill
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    MemberFactory,
)
from tests.factories.network import PersonFactory, StewardFactory


def _current_version() -> CharterVersion:
    version = CharterVersion.objects.order_by("-number").first()
    return version or CharterVersionFactory()  # type: ignore[return-value]


def consultant(
    *,
    skills: list[Skill] | tuple[Skill, ...] = (),
    availability: str = Availability.AVAILABLE,
    day_rate: Decimal | None = Decimal("600"),
    **person_fields: Any,
) -> Person:
    """A member who signed the current charter, is in the circle and has a profile."""
    person: Person = MemberFactory(**person_fields)  # type: ignore[assignment]
    CharterSignatureFactory(person=person, version=_current_version())
    CircleMembershipFactory(person=person)
    profile = ConsultantProfile.objects.create(
        person=person,
        availability=availability,
        day_rate_min=day_rate,
        day_rate_max=day_rate,
    )
    if skills:
        profile.skills.set(skills)
    return person


class CommonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Common

    name = factory.Sequence(lambda n: f"Commun n°{n}")
    slug = factory.Sequence(lambda n: f"commun-{n}")
    url = "https://communs.example/recettes"
    purpose = "Un wiki de recettes pour animer un tiers-lieu."
    created_by = factory.SubFactory(StewardFactory)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A confirmed request, visible to the circle, not yet qualified."""

    class Meta:
        model = SupportRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Accompagner le tiers-lieu n°{n}")
    description = "Structurer la gouvernance et le modèle économique du lieu."
    client_name = "Communauté de communes du Val"
    contact_name = "Claire Dumont"
    contact_email = factory.Sequence(lambda n: f"client{n}@collectivite.example")
    territory_id = "59"
    budget_min_ht = Decimal("8000.00")
    budget_max_ht = Decimal("15000.00")
    offers_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    status = RequestStatus.NEW
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(self, create: bool, extracted: list[Skill] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.required_skills.set(extracted)  # type: ignore[attr-defined]


DEFAULT_GRID = (("Prix", 30, True), ("Méthode", 50, False), ("Expérience", 20, False))


class QualifiedRequestFactory(SupportRequestFactory):
    """A qualified request with the default grid (price 30, method 50, experience 20)."""

    status = RequestStatus.QUALIFIED
    scope = RequestScope.LOCAL
    selection_mode = SelectionMode.DELEGATED
    price_rule = PriceRule.PROPORTIONAL
    qualified_by = factory.SubFactory(StewardFactory)
    qualified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def grid(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        rows = extracted if extracted is not None else DEFAULT_GRID
        Criterion.objects.bulk_create(
            Criterion(request=self, position=i, name=name, weight=weight, is_price=is_price)  # type: ignore[misc]
            for i, (name, weight, is_price) in enumerate(rows, start=1)
        )


class TeamFactory(factory.django.DjangoModelFactory):
    """A team whose lead is an accepted member (pass `lead=`)."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    request = factory.SubFactory(QualifiedRequestFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")
    lead = factory.LazyFunction(consultant)

    @factory.post_generation
    def lead_member(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            TeamMember.objects.create(
                team=self,
                request=self.request,  # type: ignore[attr-defined]
                person=self.lead,  # type: ignore[attr-defined]
                role=TeamRole.LEAD,
                status=MemberStatus.ACCEPTED,
                responded_at=timezone.now(),
            )


def add_member(
    team: Team,
    person: Person,
    *,
    role: str = TeamRole.CO_CONTRACTOR,
    status: str = MemberStatus.ACCEPTED,
) -> TeamMember:
    return TeamMember.objects.create(
        team=team,
        request=team.request,
        person=person,
        role=role,
        status=status,
        invited_by=team.lead,
    )


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    team = factory.SubFactory(TeamFactory)
    request = factory.LazyAttribute(lambda o: o.team.request)
    label = factory.Sequence(lambda n: f"{chr(65 + n % 26)}{n // 26 or ''}")
    price_ht = Decimal("12000.00")
    days = Decimal("20.0")
    method = "Diagnostic partagé, ateliers avec la communauté, feuille de route."
    references = "Trois accompagnements de lieux ruraux."
    submitted_at = factory.LazyFunction(timezone.now)


class EvaluatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluator

    request = factory.SubFactory(QualifiedRequestFactory)
    person = factory.SubFactory(MemberFactory)
    appointed_by = factory.SubFactory(StewardFactory)


class MissionFactory(factory.django.DjangoModelFactory):
    """A mission awarded from an offer (pass `offer=`); no Award row is made."""

    class Meta:
        model = Mission

    offer = factory.SubFactory(OfferFactory)
    request = factory.LazyAttribute(lambda o: o.offer.request)
    team = factory.LazyAttribute(lambda o: o.offer.team)
    lead = factory.LazyAttribute(lambda o: o.offer.team.lead)
    amount_ht = factory.LazyAttribute(lambda o: o.offer.price_ht)
    status = MissionStatus.AWARDED
    awarded_at = factory.LazyFunction(timezone.now)


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    title = factory.Sequence(lambda n: f"Marché d'AMO tiers-lieux n°{n}")
    buyer = "Région Hauts-de-France"
    link = "https://marches.example/avis/123"
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    cpv_code = "79411000-8"
    posted_by = factory.SubFactory(PersonFactory)
