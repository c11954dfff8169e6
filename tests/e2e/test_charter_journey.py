"""A member who is a consultant, in the browser: fills their consultant profile and a
public reference, signs the charter with both consents, joins the circle, and shows up
in the public directory — while a member who did not sign stays out of it. Every page on
the way is checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cercle.membership.models import CharterSignature, CircleMembership
from cercle.membership.services.charter import charter_seed_default
from cercle.network.enums import Availability
from cercle.network.models import ConsultantProfile
from tests.factories.network import ConsultantProfileFactory, SkillFactory

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

CLIENT = "Communauté de communes des Trois Vallées"


def logout_button(page: Any) -> Any:
    return page.locator("header form[action='/compte/logout/'] button")


def directory_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator("main .card h2").all_inner_texts()]


def test_a_consultant_fills_their_profile_signs_joins_and_is_listed_in_the_directory(
    page: Any,
    assert_accessible: Callable[[Any], None],
    log_in: Callable[..., None],
    verified_person: Callable[..., Any],
) -> None:
    """Profile, reference, signature with both consents, circle: the consultant is then in
    the public directory with their skill, found by skill and by département, with their
    public reference on their page. A member who did not sign is nowhere to be seen."""
    steward = verified_person(engagement_level="soucieux", member_since=timezone.now())
    charter = charter_seed_default(actor=steward.user)
    governance = SkillFactory(name="Gouvernance partagée", slug="gouvernance", is_major=True)
    SkillFactory(name="Numérique libre", slug="numerique-libre")
    consultant = verified_person(
        first_name="Yasmine",
        last_name="Delacroix",
        engagement_level="sympathisant",
        member_since=timezone.now(),
    )
    unsigned = verified_person(
        first_name="Bertrand",
        last_name="Lemaire",
        engagement_level="sympathisant",
        member_since=timezone.now(),
    )
    ConsultantProfileFactory(person=unsigned, skills=[governance], territories=["59"])

    # --- The consultant profile.
    log_in(page, consultant.user.email)
    page.goto("/compte/profil/accompagnement/")
    assert_accessible(page)
    page.locator("#id_headline").fill("Gouvernance partagée des lieux ruraux")
    page.get_by_label("Gouvernance partagée", exact=True).check()
    page.locator("#id_day_rate_min").fill("450")
    page.locator("#id_day_rate_max").fill("600")
    page.locator("#id_availability").select_option(Availability.LIMITED.value)
    page.locator("#id_days_per_month").fill("6")
    page.locator("#id_territory_codes").fill("59, 62")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    profile = ConsultantProfile.objects.get(person=consultant)
    assert [s.slug for s in profile.skills.all()] == ["gouvernance"]
    assert (profile.day_rate_min, profile.day_rate_max) == (Decimal("450"), Decimal("600"))
    assert profile.availability == Availability.LIMITED
    assert sorted(t.code for t in profile.territories.all()) == ["59", "62"]

    # --- A public reference.
    page.locator("main a[href='/compte/profil/accompagnement/references/nouvelle/']").click()
    page.wait_for_url("**/references/nouvelle/")
    assert_accessible(page)
    page.locator("#id_client").fill(CLIENT)
    page.locator("#id_year").fill("2024")
    page.locator("#id_summary").fill("Diagnostic partagé et feuille de route d'une halle rurale.")
    page.locator("#id_is_public").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/compte/profil/accompagnement/")
    expect(page.locator("main table")).to_contain_text(CLIENT)
    assert_accessible(page)
    assert profile.references.get().is_public

    # --- The charter, signed with both consents.
    page.goto("/charte/")
    expect(page.locator("main h2").first).to_contain_text(charter.title)
    assert_accessible(page)
    # Signing without the consents is refused, each one explained next to its box.
    page.locator("main form[action='/charte/signer/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_consents_to_listing")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_mandates_follow_up")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert not CharterSignature.objects.filter(person=consultant).exists()
    page.locator("#id_consents_to_listing").check()
    page.locator("#id_mandates_follow_up").check()
    page.locator("main form[action='/charte/signer/'] button[type=submit]").click()
    page.wait_for_url("**/charte/")
    expect(page.locator("main form[action='/charte/signer/']")).to_have_count(0)
    assert_accessible(page)
    signature = CharterSignature.objects.get(person=consultant)
    assert (signature.version, signature.consents_to_listing) == (charter, True)
    assert signature.mandates_follow_up

    # --- Joining the circle.
    page.locator("main form[action='/cercle/rejoindre/'] button[type=submit]").click()
    page.wait_for_url("**/charte/")
    expect(page.locator("main form[action='/cercle/quitter/']")).to_have_count(1)
    expect(page.locator("header nav a[href='/engagements/']")).to_have_count(1)
    assert_accessible(page)
    assert CircleMembership.objects.filter(person=consultant, ended_at__isnull=True).exists()

    # --- Logged out, the public directory lists the consultant, not the one who did not sign.
    logout_button(page).click()
    page.wait_for_load_state()
    expect(logout_button(page)).to_have_count(0)
    page.goto("/annuaire/")
    assert_accessible(page)
    assert directory_names(page) == [consultant.full_name]
    card = page.locator("main .card", has_text=consultant.full_name)
    expect(card.locator("ul.tags")).to_contain_text("Gouvernance partagée")

    # Filtered by the skill, then also by a département they serve.
    page.locator("#id_skill").select_option("gouvernance")
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url("**/annuaire/?*skill=gouvernance*")
    assert directory_names(page) == [consultant.full_name]
    page.locator("#id_territory").fill("62")
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url("**/annuaire/?*territory=62*")
    assert directory_names(page) == [consultant.full_name]
    assert_accessible(page)

    # A skill they do not have, or a département they do not serve, leaves them out.
    page.goto("/annuaire/?skill=numerique-libre")
    assert directory_names(page) == []
    page.goto("/annuaire/?skill=gouvernance&territory=80")
    assert directory_names(page) == []
    assert_accessible(page)

    # A malformed département is refused with an explanation.
    page.goto("/annuaire/?territory=5")
    expect(page.locator("#id_territory")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # Their page shows the skill and the public reference.
    page.goto("/annuaire/?territory=59")
    page.locator("main .card h2 a", has_text=consultant.full_name).click()
    page.wait_for_url(f"**/annuaire/{consultant.slug}/")
    expect(page.locator("h1")).to_have_text(consultant.full_name)
    expect(page.locator("main")).to_contain_text("Gouvernance partagée")
    expect(page.locator("main")).to_contain_text(CLIENT)
    assert_accessible(page)

    # The member who did not sign has no page either.
    response = page.goto(f"/annuaire/{unsigned.slug}/")
    assert response is not None
    assert response.status == 404
