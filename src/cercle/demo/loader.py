"""Build the demo network through the services, as people would through the UI.

Everything runs in one transaction: the network is either fully there or not at all,
so running the loader again creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from cercle.core.models import User
from cercle.demo import data
from cercle.demo.circle import load_circle
from cercle.membership.enums import MenuSection, RegulationDecision
from cercle.membership.models import AdhesionContract, MenuItem
from cercle.membership.services import charter as charter_services
from cercle.membership.services import circle as circle_services
from cercle.membership.services import contracts as contract_services
from cercle.membership.services import menus as menu_services
from cercle.membership.services import regulation as regulation_services
from cercle.network import services as network
from cercle.network.models import Organization, Person


def email_for(key: str) -> str:
    return f"{key}@{data.DEMO_DOMAIN}"


@dataclass
class Demo:
    people: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)

    def user(self, key: str) -> User:
        return self.people[key].user

    def skill(self, key: str) -> str:
        """The slug the taxonomy gave a demo skill."""
        return _skill_slugs()[key]


def demo_is_loaded() -> bool:
    return User.objects.filter(email=email_for(data.STEWARDS[0][0])).exists()


def load_demo() -> bool:
    """Load the demo network; False when it was already there."""
    if demo_is_loaded():
        return False
    with transaction.atomic():
        demo = Demo()
        _people(demo)
        _skills(demo)
        menu_services.menu_seed_defaults(actor=None)
        charter_services.charter_seed_default(actor=demo.user("solene"))
        _organizations(demo)
        _consultant_contracts(demo)
        _organization_contracts(demo)
        _circle(demo)
        _profiles(demo)
        _second_charter_version(demo)
        _engagements_and_regulation(demo)
        load_circle(demo)
        _later_parts(demo)
    return True


def _later_parts(demo: Demo) -> None:
    """Decisions, reciprocity, events and notifications. Imported here: their modules
    import `Demo` from this one."""
    from cercle.demo.decisions_letters import load_decisions_letters
    from cercle.demo.decisions_proposals import load_decisions_proposals
    from cercle.demo.decisions_threads import load_decisions_threads
    from cercle.demo.events import load_events
    from cercle.demo.notifications import load_notifications
    from cercle.demo.reciprocity_declarations import load_reciprocity_declarations
    from cercle.demo.reciprocity_policies import load_reciprocity_policies
    from cercle.demo.reciprocity_reports import load_reciprocity_reports

    load_reciprocity_policies(demo)
    load_reciprocity_declarations(demo)
    load_reciprocity_reports(demo)
    load_decisions_threads(demo)
    load_decisions_proposals(demo)
    load_decisions_letters(demo)
    load_events(demo)
    # Last: it marks some of everything above as read.
    load_notifications(demo)


def _people(demo: Demo) -> None:
    rows = (
        [(k, f, last, t) for k, f, last, t, _ in data.STEWARDS]
        + [(c[0], c[1], c[2], c[3]) for c in data.CONSULTANTS]
        + list(data.MEMBERS)
    )
    for key, first, last, territory in rows:
        person = network.account_create_verified(
            email=email_for(key), password=data.DEMO_PASSWORD, first_name=first, last_name=last
        )
        network.person_update_profile(
            actor=person.user,
            person=person,
            first_name=first,
            last_name=last,
            bio="",
            territory_code=territory,
        )
        demo.people[key] = person
    first_steward = demo.people[data.STEWARDS[0][0]]
    network.person_appoint_steward_by_operator(person=first_steward)
    for key, *_ in data.STEWARDS[1:]:
        network.person_set_engagement_level(
            actor=first_steward.user, person=demo.people[key], level="soucieux"
        )


def _skills(demo: Demo) -> None:
    steward = demo.user("solene")
    for _slug, name, is_major in data.SKILLS:
        network.skill_create(actor=steward, name=name, is_major=is_major)


def _organizations(demo: Demo) -> None:
    for key, name, actor_type, territory, siret, admin, description in data.ORGANIZATIONS:
        demo.organizations[key] = network.organization_create(
            actor=demo.user(admin),
            name=name,
            actor_type=actor_type,
            territory_code=territory,
            siret=siret,
            description=description,
        )


def _pick(contract: AdhesionContract, per_section: int = 2) -> dict[str, str]:
    """The first items of each section, with a proposal written for an "other" item."""
    choices: dict[str, str] = {}
    for section in MenuSection.values:
        items = MenuItem.objects.filter(
            actor_type=contract.actor_type, section=section, is_active=True
        ).order_by("position")
        for item in items[:per_section]:
            choices[str(item.uuid)] = (
                "Accueillir une rencontre par trimestre." if item.is_free_text else ""
            )
    return choices


def _fill_and_submit(actor: User, contract: AdhesionContract, motivation: str) -> AdhesionContract:
    contract = contract_services.contract_update(
        actor=actor, contract=contract, motivation=motivation, choices=_pick(contract)
    )
    return contract_services.contract_submit(actor=actor, contract=contract)


def _consultant_contracts(demo: Demo) -> None:
    steward = demo.user("yanis")
    for row in data.CONSULTANTS:
        user = demo.user(row[0])
        contract = contract_services.contract_start(actor=user, actor_type="prestataire")
        contract = _fill_and_submit(
            user, contract, "J'accompagne des tiers-lieux depuis plusieurs années."
        )
        contract_services.contract_validate(actor=steward, contract=contract)


def _organization_contracts(demo: Demo) -> None:
    solene, yanis = demo.user("solene"), demo.user("yanis")

    def start(key: str) -> tuple[User, AdhesionContract]:
        organization = demo.organizations[key]
        admin = next(row[5] for row in data.ORGANIZATIONS if row[0] == key)
        user = demo.user(admin)
        return user, contract_services.contract_start(actor=user, organization=organization)

    # Validated.
    user, contract = start("filature")
    contract = _fill_and_submit(
        user, contract, "Nous voulons partager nos ateliers avec le réseau."
    )
    contract_services.contract_validate(actor=solene, contract=contract)

    # In discussion: a steward asked a question, the applicant answered.
    user, contract = start("valbrume")
    contract = _fill_and_submit(
        user, contract, "Le conseil municipal souhaite rejoindre le réseau."
    )
    contract_services.contract_comment(
        actor=yanis,
        contract=contract,
        body="Merci ! Pouvez-vous préciser qui portera le projet au sein de la commune ?",
    )
    contract_services.contract_comment(
        actor=user, contract=contract, body="La secrétaire de mairie et deux élus volontaires."
    )

    # Submitted, waiting for a steward.
    user, contract = start("fourmis")
    _fill_and_submit(user, contract, "Nous animons un atelier de réemploi chaque samedi.")

    # Still a draft.
    user, contract = start("atelier-nord")
    contract_services.contract_update(
        actor=user, contract=contract, motivation="Brouillon en cours.", choices=_pick(contract, 1)
    )

    # Refused, with a reason.
    user, contract = start("collectif-dunes")
    contract = _fill_and_submit(user, contract, "Nous voulons rouvrir le café du village.")
    contract_services.contract_refuse(
        actor=solene,
        contract=contract,
        reason="Le collectif n'a pas encore de membres désignés : revenez vers nous après votre assemblée.",
    )

    # Validated, then amended: the first version is superseded.
    user, contract = start("quentric-conseil")
    contract = _fill_and_submit(user, contract, "Structure d'accompagnement, membre du cercle.")
    contract = contract_services.contract_validate(actor=yanis, contract=contract)
    amendment = contract_services.contract_amend(actor=user, contract=contract)
    amendment = _fill_and_submit(user, amendment, "Nous ajoutons l'accueil de porteurs de projet.")
    contract_services.contract_validate(actor=yanis, contract=amendment)


def _circle(demo: Demo) -> None:
    # Consultants but the last sign the first charter version and join the circle.
    for row in data.CONSULTANTS[:-1]:
        user = demo.user(row[0])
        charter_services.charter_sign(
            actor=user, version_number=1, consents_to_listing=True, mandates_follow_up=True
        )
        circle_services.circle_join(actor=user)


def _profiles(demo: Demo) -> None:
    skill_slugs = _skill_slugs()
    for (
        key,
        _first,
        _last,
        _territory,
        headline,
        skills,
        rate_min,
        rate_max,
        availability,
        territories,
        references,
    ) in data.CONSULTANTS:
        person = demo.people[key]
        network.consultant_profile_update(
            actor=person.user,
            person=person,
            headline=headline,
            skills=[skill_slugs[s] for s in skills],
            day_rate_min=rate_min,
            day_rate_max=rate_max,
            availability=availability,
            days_per_month=None if availability == "unavailable" else 6,
            territory_codes=territories,
        )
        for client, year, summary, public in references:
            network.consultant_reference_create(
                actor=person.user,
                person=person,
                client=client,
                year=year,
                summary=summary,
                is_public=public,
            )


def _skill_slugs() -> dict[str, str]:
    """Demo keys → the slugs the taxonomy gave the skills (derived from their names)."""
    from cercle.network.models import Skill

    by_name = dict(Skill.objects.values_list("name", "slug"))
    return {key: by_name[name] for key, name, _major in data.SKILLS}


def _second_charter_version(demo: Demo) -> None:
    current = charter_services.charter_seed_default(actor=demo.user("solene"))
    engagements = [
        {"code": e.code, "title": e.title, "text": e.text} for e in current.engagements.all()
    ]
    charter_services.charter_version_publish(
        actor=demo.user("yanis"),
        title=current.title,
        preamble=current.preamble
        + "\n\nVersion révisée après le séminaire annuel : la régulation est précisée.",
        closing=current.closing,
        engagements=engagements,
    )
    # Three re-sign; the others are left "to re-sign".
    for key in ("maelle", "theo", "ines"):
        charter_services.charter_sign(
            actor=demo.user(key),
            version_number=2,
            consents_to_listing=True,
            mandates_follow_up=True,
        )


def _engagements_and_regulation(demo: Demo) -> None:
    year = date.today().year
    circle_services.engagement_year_open(actor=demo.user("solene"), year=year)
    from cercle.membership.models import EngagementCheck

    for key in ("maelle", "theo"):
        for check in EngagementCheck.objects.filter(person=demo.people[key], year=year)[:3]:
            circle_services.engagement_check_record_evidence(
                actor=demo.user(key),
                check=check,
                evidence_url="https://wiki.exemple.org/retour-de-mission",
                evidence_note="Compte rendu partagé avec le réseau.",
            )
    case = regulation_services.regulation_case_raise(
        actor=demo.user("yanis"),
        person=demo.people["gaspard"],
        concern="Deux missions démarrées cette année sans que le réseau en soit informé.",
    )
    case = regulation_services.regulation_case_hear(
        actor=demo.user("solene"),
        case=case,
        notes="Les missions ont été signées dans l'urgence ; il s'engage à les présenter au prochain cercle.",
    )
    regulation_services.regulation_case_decide(
        actor=demo.user("solene"),
        case=case,
        decision=RegulationDecision.WARN,
        reason="Premier manquement, reconnu : un avertissement et un point au prochain cercle.",
    )
