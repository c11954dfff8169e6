"""People, logins, places and client organizations, skills, consultants, commons."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from bench.dataset import names
from bench.dataset.context import EMAIL_DOMAIN, PASSWORD, Ctx
from bench.dataset.rows import Ids, put
from cercle.commons.models import Common
from cercle.core.models import User
from cercle.membership.models import (
    CharterEngagement,
    CharterSignature,
    CharterVersion,
    CircleMembership,
)
from cercle.membership.services import charter as charter_texts
from cercle.network.enums import ActorType, Availability, EngagementLevel, TerritoryKind
from cercle.network.models import (
    ConsultantProfile,
    Organization,
    OrganizationMembership,
    Person,
    Skill,
    Territory,
)


def generate_network(ctx: Ctx) -> None:
    rng = ctx.rng
    communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .order_by("code")
        .values_list("code", "name", "department_code")
    )
    departments = list(
        Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not communes or not departments:
        raise RuntimeError("No territories: run `python manage.py load_territories` first.")
    ctx.data["communes"] = communes
    ctx.data["departments"] = departments

    n_people = ctx.targets["people"]
    n_consultants = min(ctx.targets["consultants"], max(1, n_people - 2))
    password = make_password(PASSWORD)  # hashed once, shared by every account

    user_ids, person_ids = Ids(User), Ids(Person)
    users: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    # Index 0 is the steward; 1..n_consultants the consultants; then the evaluator and
    # a small pool of neutral members (no organization), then everyone else.
    n_neutral = max(3, n_people // 50)
    first_member = 1 + n_consultants
    neutral = range(first_member, min(n_people, first_member + n_neutral))
    n_stewards = max(1, n_people // 200)
    start = date(ctx.first_year - 2, 1, 1)
    for i in range(n_people):
        first, last = names.person_name(rng)
        uid, pid = user_ids.take(), person_ids.take()
        joined = ctx.at(ctx.day_between(start, ctx.today - timedelta(days=30)))
        if (
            i == 0
            or (1 <= i <= n_consultants and i % 97 == 0)
            or (i >= first_member + n_neutral and i % 200 < 1 and n_stewards > 1)
        ):
            level = EngagementLevel.SOUCIEUX
        elif 1 <= i <= n_consultants or i in neutral or rng.random() < 0.45:
            level = EngagementLevel.CONTRIBUTEUR
        else:
            level = EngagementLevel.SYMPATHISANT
        handle = names.ascii_slug(f"{first} {last}")
        users.append(
            {
                "id": uid,
                "password": password,
                "is_superuser": False,
                "first_name": first,
                "last_name": last,
                "is_staff": False,
                "is_active": True,
                "date_joined": joined,
                "email": f"{handle.replace('-', '.')}.{pid}@{EMAIL_DOMAIN}",
                "language": "fr",
            }
        )
        commune = rng.choice(communes)
        people.append(
            {
                "id": pid,
                "user_id": uid,
                "slug": f"{handle}-{pid}",
                "first_name": first,
                "last_name": last,
                "territory_id": commune[0],
                "engagement_level": level,
                "member_since": joined,
                "created_at": joined,
            }
        )
    put(ctx, User, users)
    put(ctx, Person, people)
    ctx.data["people"] = people
    ctx.data["users"] = users
    ctx.data["steward"] = people[0]
    ctx.data["stewards"] = [p for p in people if p["engagement_level"] == EngagementLevel.SOUCIEUX]
    ctx.data["consultants"] = people[1 : 1 + n_consultants]
    ctx.data["neutral"] = [people[i] for i in neutral]
    ctx.data["user_of"] = {p["id"]: p["user_id"] for p in people}
    ctx.progress(f"people: {len(people)}")

    _organizations(ctx)
    _skills_and_consultants(ctx)
    _commons(ctx)


def _organizations(ctx: Ctx) -> None:
    rng = ctx.rng
    org_ids = Ids(Organization)
    communes = ctx.data["communes"]
    orgs: list[dict[str, Any]] = []
    n_places = ctx.targets["places"]
    n_clients = max(1, round(n_places * 0.35))
    for i in range(n_places + n_clients):
        oid = org_ids.take()
        code, town, _dep = rng.choice(communes)
        is_place = i < n_places
        if is_place:
            name, kind = names.place_name(rng, town), ActorType.TIERS_LIEU
        else:
            name = f"{rng.choice(names.CLIENT_KINDS)} de {town}"
            kind = rng.choice([ActorType.COLLECTIVITE, ActorType.ASSOCIATION, ActorType.ENTREPRISE])
        since = ctx.at(ctx.day_between(date(ctx.first_year - 2, 1, 1), ctx.today))
        orgs.append(
            {
                "id": oid,
                "slug": f"{names.ascii_slug(name)[:100]}-{oid}",
                "name": name[:200],
                "actor_type": kind,
                "siret": None,
                "territory_id": code,
                "description": "",
                "website": "",
                "member_since": since if is_place or rng.random() < 0.3 else None,
                "created_at": since,
            }
        )
    put(ctx, Organization, orgs)
    ctx.data["places"] = orgs[:n_places]
    ctx.data["clients"] = orgs[n_places:]

    # Each place has one to three people; the neutral pool and the evaluator have none.
    neutral = {p["id"] for p in ctx.data["neutral"]}
    candidates = [p for p in ctx.data["people"] if p["id"] not in neutral]
    memberships: list[dict[str, Any]] = []
    mid = Ids(OrganizationMembership)
    for org in orgs[:n_places]:
        chosen = rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2, 3))))
        for rank, person in enumerate(chosen):
            memberships.append(
                {
                    "id": mid.take(),
                    "organization_id": org["id"],
                    "person_id": person["id"],
                    "role": "admin" if rank == 0 else "member",
                    "joined_at": org["created_at"],
                }
            )
    # One membership per (organization, person): samples are distinct within a place.
    put(ctx, OrganizationMembership, memberships)
    ctx.progress(f"organizations: {len(orgs)}")


def _skills_and_consultants(ctx: Ctx) -> None:
    rng = ctx.rng
    skills = []
    for position, name in enumerate(names.SKILLS):
        skill, _created = Skill.objects.get_or_create(
            slug=names.ascii_slug(name), defaults={"name": name, "is_major": position < 8}
        )
        skills.append(skill.pk)
    ctx.data["skills"] = skills
    profiles, profile_skills, profile_territories, circle = [], [], [], []
    profile_ids, circle_ids = Ids(ConsultantProfile), Ids(CircleMembership)
    ps_ids = Ids(ConsultantProfile.skills.through)
    pt_ids = Ids(ConsultantProfile.territories.through)
    ctx.data["profile_skills"] = {}
    for person in ctx.data["consultants"]:
        prid = profile_ids.take()
        low = Decimal(rng.randrange(40, 90) * 10)
        availability = rng.choices(
            [Availability.AVAILABLE, Availability.LIMITED, Availability.UNAVAILABLE], [6, 3, 1]
        )[0]
        profiles.append(
            {
                "id": prid,
                "person_id": person["id"],
                "headline": f"Accompagnement {rng.choice(names.REQUEST_TOPICS)}",
                "day_rate_min": low,
                "day_rate_max": low + Decimal(rng.randrange(0, 40) * 10),
                "availability": availability,
                "days_per_month": None
                if availability == Availability.UNAVAILABLE
                else rng.randrange(2, 16),
                "updated_at": person["created_at"],
            }
        )
        own = rng.sample(skills, rng.randrange(2, 6))
        ctx.data["profile_skills"][person["id"]] = own
        profile_skills += [
            {"id": ps_ids.take(), "consultantprofile_id": prid, "skill_id": s} for s in own
        ]
        deps = rng.sample(ctx.data["departments"], rng.randrange(1, 4))
        profile_territories += [
            {"id": pt_ids.take(), "consultantprofile_id": prid, "territory_id": d} for d in deps
        ]
        circle.append(
            {"id": circle_ids.take(), "person_id": person["id"], "joined_at": person["created_at"]}
        )
    put(ctx, ConsultantProfile, profiles)
    put(ctx, ConsultantProfile.skills.through, profile_skills)
    put(ctx, ConsultantProfile.territories.through, profile_territories)
    put(ctx, CircleMembership, circle)
    _charter(ctx)
    ctx.progress(f"consultants: {len(profiles)}")


def _charter(ctx: Ctx) -> None:
    """The network's charter, published by the steward before anyone joined the circle,
    and each circle member's signature of it, given when they joined (`circle_join`
    requires it). A signature always consents to the public listing (the model's
    constraint `signature_requires_consent`), so every circle member is in the directory.
    """
    consultants = ctx.data["consultants"]
    if not consultants:
        return
    first_join = min(p["created_at"] for p in consultants)
    version_id = Ids(CharterVersion).take()
    put(
        ctx,
        CharterVersion,
        [
            {
                "id": version_id,
                "number": 1,
                "title": charter_texts.DEFAULT_TITLE,
                "preamble": charter_texts.DEFAULT_PREAMBLE,
                "closing": charter_texts.DEFAULT_CLOSING,
                "published_at": first_join - timedelta(days=1),
                "published_by_id": ctx.data["steward"]["id"],
            }
        ],
    )
    engagement_ids = Ids(CharterEngagement)
    put(
        ctx,
        CharterEngagement,
        [
            {"id": engagement_ids.take(), "version_id": version_id, "position": i, **e}
            for i, e in enumerate(charter_texts.DEFAULT_ENGAGEMENTS, start=1)
        ],
    )
    signature_ids = Ids(CharterSignature)
    put(
        ctx,
        CharterSignature,
        [
            {
                "id": signature_ids.take(),
                "person_id": p["id"],
                "version_id": version_id,
                "signed_at": p["created_at"],
                "consents_to_listing": True,
                "mandates_follow_up": True,
            }
            for p in consultants
        ],
    )


def _commons(ctx: Ctx) -> None:
    rng = ctx.rng
    cid = Ids(Common)
    commons = []
    n = max(6, round(120 * ctx.scale))
    for i in range(n):
        base = names.COMMON_NAMES[i % len(names.COMMON_NAMES)]
        name = base if i < len(names.COMMON_NAMES) else f"{base} {i // len(names.COMMON_NAMES) + 1}"
        pk = cid.take()
        commons.append(
            {
                "id": pk,
                "slug": f"{names.ascii_slug(name)}-{pk}",
                "name": f"{name} ({pk})",
                "url": "",
                "purpose": f"Un commun du réseau : {name.lower()}.",
                "suggested_share_percent": Decimal(rng.choice((1, 2, 3, 5))),
                "is_active": True,
                "created_by_id": ctx.data["steward"]["id"],
                "created_at": ctx.at(date(ctx.first_year - 1, 1, 1) + timedelta(days=i)),
            }
        )
    put(ctx, Common, commons)
    ctx.data["commons"] = commons
