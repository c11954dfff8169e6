"""The circle, in the browser: a client files a request through the public form and
confirms it by e-mail; a steward qualifies it with a delegated grid; three teams bid (one
formed, joined and submitted through the pages); after the deadline two evaluators are
appointed, one declares a tie and is refused, the other scores the anonymised offers and
submits, which reveals the identities; the steward awards with reasons; the lead starts
the mission, posts an update, delivers and documents it. Every page on the way is
checked with axe."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from cercle.core.models import JournalEntry
from cercle.missions.enums import (
    MemberStatus,
    MissionStatus,
    RequestStatus,
    SelectionMode,
    TeamRole,
    TieKind,
)
from cercle.missions.models import Award, Evaluator, Mission, Offer, Score, SupportRequest, Team
from cercle.missions.services import offers as offer_services
from cercle.missions.services import teams as team_services
from cercle.network.models import Person, Skill
from tests.factories.missions import CommonFactory, consultant
from tests.factories.network import SkillFactory

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "Refonder la gouvernance de la Fabrique du Bocage"
CLIENT = "Association La Fabrique du Bocage"
CONTACT_EMAIL = "contact@fabrique-bocage.example"
TEAM_NAME = "Les Bâtisseuses"
METHOD = (
    "Maëlle Rivière anime trois ateliers de gouvernance partagée avec les bénévoles, "
    "puis un diagnostic du modèle économique."
)
REASONS = "La meilleure méthode, au prix le plus juste, avec un commun partagé."
UPDATE = "Premier atelier tenu avec vingt bénévoles ; le diagnostic avance."


def in_french(text: Any) -> str:
    """What a French reader sees for an English message id (whatever the catalog holds)."""
    with translation.override("fr"):
        return str(text)


def fr(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def can_log_in(person: Person) -> Person:
    """A factory-made person whose e-mail is confirmed, so that they can log in."""
    EmailAddress.objects.create(
        user=person.user, email=person.user.email, verified=True, primary=True
    )
    return person


def skill(name: str, slug: str) -> Skill:
    made: Skill = SkillFactory(name=name, slug=slug)  # type: ignore[assignment]
    return made


def switch_to(page: Any, log_in: Callable[..., None], person: Person) -> None:
    """Leave the current session and log in as someone else, in the same browser."""
    page.context.clear_cookies()
    log_in(page, person.user.email)


def submit(page: Any, form: str = "main form") -> None:
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()


def local_input(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_a_public_request_goes_through_a_delegated_selection_to_a_documented_mission(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    verified_person: Callable[..., Any],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    now = timezone.now()
    steward = verified_person(
        first_name="Hélène", last_name="Garnier", engagement_level="soucieux", member_since=now
    )
    governance = skill("Gouvernance partagée", "gouvernance-partagee")
    economy = skill("Modèle économique", "modele-economique")
    lead = can_log_in(
        consultant(skills=[governance, economy], first_name="Maëlle", last_name="Rivière")
    )
    partner = can_log_in(consultant(skills=[economy], first_name="Tristan", last_name="Morvan"))
    rival = consultant(skills=[governance], first_name="Sophie", last_name="Lambertin")
    third = consultant(skills=[economy], first_name="Yann", last_name="Quéméner")
    neutral = can_log_in(consultant(first_name="Inès", last_name="Carpentier"))
    tied = can_log_in(consultant(first_name="Gaspard", last_name="Roussel"))
    common = CommonFactory(name="Wiki des tiers-lieux", slug="wiki-tiers-lieux")

    # --- The client files the request, anonymously, on the public form.
    page.goto("/demandes/deposer/")
    assert_accessible(page)
    page.locator("#id_client_name").fill(CLIENT)
    page.locator("#id_contact_name").fill("Lucie Marchal")
    page.locator("#id_contact_email").fill(CONTACT_EMAIL)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Un lieu rural qui veut partager les décisions.")
    # The territory: type a name, the widget suggests territories, pick one of them.
    territory = page.locator("#id_territory")
    territory.press_sequentially("Lille")
    suggestion = page.locator("#id_territory-options option", has_text="Lille (59350)")
    expect(suggestion).to_have_count(1)
    territory.fill(suggestion.get_attribute("value") or "")
    page.locator("#id_budget_min_ht").fill("8000")
    page.locator("#id_budget_max_ht").fill("15000")
    page.locator("#id_offers_deadline").fill(local_input(now + datetime.timedelta(days=20)))
    page.get_by_label("Gouvernance partagée", exact=True).check()
    page.get_by_label("Modèle économique", exact=True).check()
    # A budget upside down is refused next to the field, and nothing is kept.
    page.locator("#id_budget_max_ht").fill("5000")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        submit(page)
    assert refused.value.status == 400
    expect(page.locator("#id_budget_max_ht")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert not SupportRequest.objects.exists()
    page.locator("#id_budget_max_ht").fill("15000")
    submit(page)
    page.wait_for_url("**/demandes/deposee/")
    expect(page.locator("h1")).to_have_text(fr("Check your e-mail"))
    assert_accessible(page)
    support_request = SupportRequest.objects.get(title=TITLE)
    assert support_request.status == RequestStatus.UNCONFIRMED
    assert support_request.territory_id == "59350"
    assert {s.slug for s in support_request.required_skills.all()} == {
        "gouvernance-partagee",
        "modele-economique",
    }

    # --- They confirm it with the link of the e-mail.
    confirmation = next(m for m in mailoutbox if CONTACT_EMAIL in m.to)
    link = re.search(r"/demandes/[0-9a-f-]+/confirmer/[^/\s]+/", str(confirmation.body))
    assert link is not None, confirmation.body
    page.goto(link.group(0))
    assert_accessible(page)
    page.get_by_role("button", name=fr("Confirm my request")).click()
    expect(page.locator("main p[role=status]")).to_be_visible()
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.NEW
    request_url = f"/demandes/{support_request.uuid}/"

    # --- A steward qualifies it: local, delegated to evaluators, a grid of three criteria.
    log_in(page, steward.user.email)
    page.goto(request_url)
    expect(page.locator("h1")).to_have_text(TITLE)
    assert_accessible(page)
    page.locator("main a", has_text=fr("Qualify the request")).click()
    page.wait_for_url(f"**{request_url}qualifier/")
    assert_accessible(page)
    page.locator("input[name=scope][value=local]").check()
    page.locator(f"input[name=selection_mode][value={SelectionMode.DELEGATED}]").check()
    for row, (name, weight) in enumerate([("Prix", 30), ("Méthode", 50), ("Expérience", 20)]):
        page.locator(f"#id_criteria-{row}-name").fill(name)
        page.locator(f"#id_criteria-{row}-weight").fill(str(weight))
    page.locator("#id_criteria-0-is_price").check()
    submit(page)
    page.wait_for_url(f"**{request_url}")
    expect(page.locator("main")).to_contain_text(in_french(RequestStatus.QUALIFIED.label))
    expect(page.locator("#request-qualification ~ table")).to_contain_text("Méthode")
    assert_accessible(page)
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.QUALIFIED
    assert support_request.selection_mode == SelectionMode.DELEGATED
    assert [(c.name, c.weight) for c in support_request.criteria.order_by("position")] == [
        ("Prix", 30),
        ("Méthode", 50),
        ("Expérience", 20),
    ]

    # --- A consultant forms a team from the request page and invites a partner.
    switch_to(page, log_in, lead)
    page.goto(request_url)
    page.locator("main a", has_text=fr("Form a team")).click()
    page.wait_for_url(f"**{request_url}equipes/nouvelle/")
    assert_accessible(page)
    page.locator("#id_name").fill(TEAM_NAME)
    submit(page)
    page.wait_for_url(f"**{request_url}equipes/*-*-*-*-*/")
    team_url = page.url
    expect(page.locator("h1")).to_contain_text(TEAM_NAME)
    assert_accessible(page)
    page.locator("#id_person").select_option(partner.slug)
    page.locator("#id_role").select_option(TeamRole.CO_CONTRACTOR.value)
    submit(page, "main form[action$='/inviter/']")
    expect(page.locator("main table")).to_contain_text(partner.full_name)
    expect(page.locator("main table")).to_contain_text(in_french(MemberStatus.INVITED.label))

    # --- The partner accepts from their invitations page.
    switch_to(page, log_in, partner)
    page.goto("/demandes/invitations/")
    expect(page.locator("main table")).to_contain_text(TEAM_NAME)
    assert_accessible(page)
    page.locator("main table form[action$='/accepter/'] button").click()
    page.wait_for_url(team_url)
    partner_row = page.locator("main table tr", has_text=partner.full_name)
    expect(partner_row).to_contain_text(in_french(MemberStatus.ACCEPTED.label))
    assert_accessible(page)

    # --- The lead submits the team's offer, with a budget line for a common.
    switch_to(page, log_in, lead)
    page.goto(request_url)
    page.locator("main a[href$='/offre/']").click()
    page.wait_for_url(f"**{request_url}offre/")
    assert_accessible(page)
    page.locator("#id_price_ht").fill("11500")
    page.locator("#id_days").fill("18")
    page.locator("#id_method").fill(METHOD)
    page.locator("#id_references").fill("Deux lieux ruraux accompagnés en 2023.")
    page.locator("#id_commons-0-common").select_option(label=common.name)
    page.locator("#id_commons-0-amount_ht").fill("500")
    page.locator("#id_commons-0-purpose").fill("Documenter les ateliers")
    submit(page)
    page.wait_for_url("**/offres/*-*-*-*-*/")
    assert_accessible(page)
    team = Team.objects.get(request=support_request, name=TEAM_NAME)
    offer = Offer.objects.get(team=team)
    expect(page.locator(".messages")).to_contain_text(offer.label)
    assert offer.price_ht == Decimal("11500.00")
    assert [line.common for line in offer.commons_lines.all()] == [common]

    # --- Two more teams bid (through the services, as their own pages are the same).
    others = []
    for person, name, price in [
        (rival, "Collectif Lambertin", "13900"),
        (third, "Atelier Quéméner", "12800"),
    ]:
        other = team_services.team_create(
            actor=person.user, support_request=support_request, name=name
        )
        offer_services.offer_submit(
            actor=person.user,
            team=other,
            price_ht=Decimal(price),
            days=Decimal("20"),
            method="Un diagnostic partagé puis une feuille de route.",
            references="Plusieurs lieux accompagnés.",
        )
        others.append(other)
    page.goto(request_url)
    expect(page.locator("main .team-list li")).to_have_count(3)
    assert_accessible(page)

    # --- The deadline passes (the clock moves on): teams and offers are locked.
    SupportRequest.objects.filter(pk=support_request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )

    # --- The steward appoints two evaluators on the evaluation page.
    switch_to(page, log_in, steward)
    page.goto(request_url)
    page.locator("main a", has_text=fr("Follow the evaluation")).click()
    page.wait_for_url(f"**{request_url}evaluation/")
    assert_accessible(page)
    for evaluator in (neutral, tied):
        page.locator("#id_person").select_option(evaluator.slug)
        submit(page, "main form[action$='/evaluateurs/']")
        page.wait_for_url(f"**{request_url}evaluation/")
        expect(page.locator("main table").first).to_contain_text(evaluator.full_name)
    assert_accessible(page)
    assert Evaluator.objects.filter(request=support_request).count() == 2

    # --- One evaluator declares a tie with a team: they stand aside and are refused.
    rival_team, third_team = others
    switch_to(page, log_in, tied)
    page.goto(f"{request_url}evaluation/")
    assert_accessible(page)
    for bidder in (team, rival_team, third_team):
        page.locator(f"#id_tie_{bidder.uuid}").select_option(TieKind.NONE.value)
    page.locator(f"#id_tie_{rival_team.uuid}").select_option(TieKind.COLLABORATOR.value)
    page.locator(f"#id_note_{rival_team.uuid}").fill("Nous avons travaillé ensemble en 2024.")
    submit(page, "main form[action$='/evaluation/liens/']")
    page.wait_for_url(f"**{request_url}")
    expect(page.locator(".messages")).to_contain_text(
        fr("Thank you. Because of the declared tie, you cannot evaluate this request.")
    )
    response = page.goto(f"{request_url}evaluation/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text(fr("Access refused"))
    expect(page.locator("main")).not_to_contain_text("diagnostic")
    assert_accessible(page)

    # --- The other evaluator declares no tie and reads the offers without any name.
    switch_to(page, log_in, neutral)
    page.goto(f"{request_url}evaluation/")
    for bidder in (team, rival_team, third_team):
        page.locator(f"#id_tie_{bidder.uuid}").select_option(TieKind.NONE.value)
    submit(page, "main form[action$='/evaluation/liens/']")
    page.wait_for_url(f"**{request_url}evaluation/")
    main = page.locator("main")
    expect(main.locator("details")).to_have_count(3)
    expect(main).to_contain_text("anime trois ateliers de gouvernance partagée")
    for name in (TEAM_NAME, "Collectif Lambertin", lead.last_name, partner.last_name):
        expect(main).not_to_contain_text(name)
    assert_accessible(page)

    # --- They mark every criterion, save, then submit: identities are revealed.
    marks = page.locator("main input[name^=mark_]")
    expect(marks).to_have_count(3 * 2)
    for index in range(marks.count()):
        field = marks.nth(index)
        name = field.get_attribute("name") or ""
        field.fill("9" if name.startswith(f"mark_{offer.label}_") else "6")
    submit(page, "main form[action$='/evaluation/notes/']")
    expect(page.locator(".messages")).to_contain_text(fr("Your marks are saved."))
    submit(page, "main form[action$='/evaluation/soumettre/']")
    expect(page.locator(".messages")).to_contain_text(
        fr("Your evaluation is submitted. Thank you.")
    )
    expect(page.locator("main p[role=status]")).to_be_visible()
    expect(page.locator("main input[name^=mark_]")).to_have_count(0)
    assert_accessible(page)
    support_request.refresh_from_db()
    assert support_request.revealed_at is not None
    assert Score.objects.filter(evaluator__person=neutral).count() == 6
    assert not Score.objects.filter(evaluator__person=tied).exists()

    # --- The steward sees the ranking with the teams and awards with reasons.
    switch_to(page, log_in, steward)
    page.goto(f"{request_url}evaluation/")
    expect(page.locator("main")).to_contain_text(fr("Ranking (identities revealed)"))
    expect(page.locator("main")).to_contain_text(TEAM_NAME)
    conflicted_row = page.locator("main table tr", has_text=tied.full_name)
    expect(conflicted_row).to_contain_text(fr("conflicted"))
    assert_accessible(page)
    page.locator(f"input[name=offer][value='{offer.uuid}']").check()
    page.locator("#id_reasons").fill(REASONS)
    submit(page, "main form[action$='/attribution/']")
    page.wait_for_url(f"**{request_url}")
    expect(page.locator("main")).to_contain_text(REASONS)
    assert_accessible(page)
    page.goto(f"{request_url}resultats/")
    expect(page.locator("main")).to_contain_text(TEAM_NAME)
    expect(page.locator("main")).to_contain_text("Collectif Lambertin")
    expect(page.locator("main")).to_contain_text(neutral.full_name)
    assert_accessible(page)
    told = {address for message in mailoutbox for address in message.to}
    assert {rival.user.email, third.user.email, partner.user.email} <= told

    # --- The lead starts the mission, posts an update and delivers.
    switch_to(page, log_in, lead)
    page.goto(request_url)
    page.locator("main a", has_text=fr("Follow the mission")).click()
    page.wait_for_url("**/missions/*-*-*-*-*/")
    mission_url = page.url
    assert_accessible(page)
    page.locator("#id_start-text").fill("Lancement le 3 mars avec le conseil d'administration.")
    submit(page, "main form[action$='/demarrer/']")
    expect(page.locator("main .facts").first).to_contain_text(
        in_french(MissionStatus.STARTED.label)
    )
    page.locator("#id_update-text").fill(UPDATE)
    submit(page, "main form[action$='/nouvelles/']")
    expect(page.locator("main .timeline")).to_contain_text(UPDATE)
    assert_accessible(page)
    page.locator("#id_deliver-text").fill("Une charte de gouvernance et un plan de financement.")
    submit(page, "main form[action$='/livraison/']")
    expect(page.locator("main .facts").first).to_contain_text(
        in_french(MissionStatus.DELIVERED.label)
    )

    # --- They document it against the four objectives, with the common they used.
    page.locator("main a[href$='/documentation/']").click()
    page.wait_for_url(f"{mission_url}documentation/")
    assert_accessible(page)
    for field in (
        "social_link",
        "community_primacy",
        "pooling",
        "territorial_impact",
        "resources_produced",
    ):
        page.locator(f"#id_{field}").fill(f"Ce que la mission a apporté : {field}.")
    page.locator("#id_resources_links").fill("https://communs.example/fabrique-bocage")
    expect(page.locator("#id_commons-0-common")).to_have_value(common.slug)
    page.locator("#id_commons-0-how_used").fill("Les comptes rendus des ateliers y sont publiés.")
    page.locator("#id_commons-0-given_back").fill("Une fiche sur la gouvernance partagée.")
    submit(page)
    page.wait_for_url(mission_url)
    expect(page.locator("main .facts").first).to_contain_text(
        in_french(MissionStatus.DOCUMENTED.label)
    )
    expect(page.locator("main")).to_contain_text(common.name)
    assert_accessible(page)

    # --- What the database holds at the end.
    award = Award.objects.get(request=support_request)
    assert award.offer == offer
    assert award.reasons == REASONS
    assert award.decided_by == steward
    mission = Mission.objects.get(request=support_request)
    assert mission.status == MissionStatus.DOCUMENTED
    assert mission.lead == lead
    assert mission.documentation.written_by == lead
    assert [u.common for u in mission.commons_used.all()] == [common]
    assert mission.updates.filter(text=UPDATE).exists()
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.AWARDED
    conflicted = Evaluator.objects.get(request=support_request, person=tied)
    assert conflicted.conflicted_at is not None
    assert conflicted.submitted_at is None
    refusals = JournalEntry.objects.filter(
        verb="evaluation.refused", object_id=str(support_request.uuid)
    )
    assert refusals.count() == 1
    assert refusals.get().subject == tied.user
    assert JournalEntry.objects.filter(
        verb="evaluator.conflicted", object_id=str(support_request.uuid)
    ).exists()
